//! Importing files into a workspace through the core: real lead files, the
//! row invariant, duplicates and match policies, rejections with lines and
//! reasons, cancel, dry runs, events and undo.

use std::path::Path;

use leadstream_core::import::apply::ImportTuning;
use leadstream_core::import::history;
use leadstream_core::import::inspect::inspect;
use leadstream_core::import::spec::{ColumnTarget, ImportKind, MatchKey, OnMatch, UnknownLeads};
use leadstream_core::{leads, Error, Workspace};

use crate::{
    assert_invariant, fixture, required_shared, run, run_cancelled_after, run_tuned, suggested,
    try_suggested, workspace, write,
};

fn custom_value(ws: &Workspace, key: &str, lead_id: i64) -> Option<String> {
    ws.conn()
        .query_row(
            "SELECT cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id WHERE f.key = ?1 AND cv.lead_id = ?2",
            rusqlite::params![key, lead_id],
            |r| r.get::<_, rusqlite::types::Value>(0),
        )
        .ok()
        .map(|v| match v {
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/leads/x-education/Leads.csv (unlicensed, never copied)"
)]
fn x_education_leads_keyed_by_prospect_id_with_select_as_empty() {
    let path = required_shared("leads/x-education/Leads.csv");
    let (_dir, mut ws) = workspace();
    let mut spec = suggested(&ws, &path, None);
    assert!(
        spec.null_tokens.iter().any(|t| t == "Select"),
        "Select is suggested: {:?}",
        spec.null_tokens
    );
    for column in &mut spec.columns {
        if column.header == "Prospect ID" {
            column.target = ColumnTarget::Field {
                key: "external_id".into(),
            };
        }
    }
    spec.match_key = MatchKey::ExternalId;
    let report = run(&mut ws, &path, &spec, false).unwrap();
    assert_eq!(report.counts.rows, 9_240);
    assert_eq!(report.counts.inserted, 9_240);
    assert_eq!(report.counts.rejected, 0, "{:?}", report.reasons);
    assert_invariant(&report.counts);
    assert_eq!(leads::count(&ws).unwrap(), 9_240);
    let selects: i64 = ws
        .conn()
        .query_row(
            "SELECT count(*) FROM custom_values WHERE value = 'Select'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(selects, 0, "no Select placeholder is stored");
    let (id, source): (i64, String) = ws
        .conn()
        .query_row(
            "SELECT id, lead_source FROM leads WHERE external_id = '7927b2df-8bba-4d29-b9a2-b6e0beafe620'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(source, "Olark Chat");
    assert_eq!(
        custom_value(&ws, "last_activity", id).as_deref(),
        Some("Page Visited on Website")
    );
}

#[test]
fn uci_bank_semicolons_unknown_as_empty_no_identity() {
    let path = fixture("leads/uci-bank-marketing/bank-full.csv");
    let (_dir, mut ws) = workspace();
    let spec = suggested(&ws, &path, None);
    assert_eq!(spec.format.delimiter, ";");
    assert_eq!(spec.match_key, MatchKey::None);
    assert!(
        spec.null_tokens.iter().any(|t| t == "unknown"),
        "{:?}",
        spec.null_tokens
    );
    let report = run(&mut ws, &path, &spec, false).unwrap();
    assert_eq!(report.counts.rows, 45_211);
    assert_eq!(report.counts.inserted, 45_211);
    assert_invariant(&report.counts);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.contains("No identity column")));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("None of these leads can be e-mailed")),
        "{:?}",
        report.warnings
    );
    let unknown: i64 = ws
        .conn()
        .query_row(
            "SELECT count(*) FROM custom_values WHERE value = 'unknown'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unknown, 0);
    // The first row: 58;"management";"married";"tertiary";"no";2143;...
    assert_eq!(custom_value(&ws, "job", 1).as_deref(), Some("management"));
    let age: f64 = ws
        .conn()
        .query_row(
            "SELECT cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id WHERE f.key = 'age' AND lead_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(age, 58.0);
}

#[test]
fn salesforce_windows_1252_keeps_accents() {
    let path = fixture("leads/salesforce-dataloader-samples/accountData.csv");
    let (_dir, mut ws) = workspace();
    let spec = suggested(&ws, &path, None);
    let report = run(&mut ws, &path, &spec, false).unwrap();
    assert_invariant(&report.counts);
    assert_eq!(report.counts.rejected, 0, "{:?}", report.reasons);
    let names: Vec<String> = ws
        .conn()
        // An Account's NAME is the company (the walkthrough of issue 17).
        .prepare("SELECT company FROM leads WHERE company IN ('Crédito Inmobiliario Terras', 'Pébéo of America')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(names.len(), 2, "accented names survive intact: {names:?}");
}

#[test]
fn duplicates_merge_by_folded_email_under_each_policy() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "dupes.csv",
        "Email,First Name,Company\n\
         ÀLICE@EXAMPLE.COM,Alice,\n\
         bob@example.com,Bob,Globex\n\
         àlice@example.com ,Alicia,Acme\n",
    );
    for (policy, first_name, company) in [
        (OnMatch::Update, "Alicia", Some("Acme")),
        (OnMatch::Fill, "Alice", Some("Acme")),
        (OnMatch::Skip, "Alice", None),
    ] {
        let (_d, mut ws) = workspace();
        let mut spec = suggested(&ws, &file, None);
        spec.on_match = policy;
        let report = run(&mut ws, &file, &spec, false).unwrap();
        assert_eq!(
            (report.counts.inserted, report.counts.merged),
            (2, 1),
            "{policy:?}"
        );
        assert_invariant(&report.counts);
        let (name, company_now): (String, Option<String>) = ws
            .conn()
            .query_row(
                "SELECT first_name, company FROM leads WHERE email_key = 'àlice@example.com'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(name, first_name, "{policy:?}");
        assert_eq!(company_now.as_deref(), company, "{policy:?}");
    }
}

#[test]
fn a_row_joining_two_leads_is_rejected_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "clash.csv",
        "Record ID,Email\n1,a@example.com\n2,b@example.com\n2,a@example.com\n",
    );
    let (_d, mut ws) = workspace();
    let spec = suggested(&ws, &file, None);
    assert_eq!(spec.match_key, MatchKey::Email);
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_eq!((report.counts.inserted, report.counts.rejected), (2, 1));
    assert!(
        report.rejections[0].reason.contains("two different leads"),
        "{:?}",
        report.rejections
    );
    assert_invariant(&report.counts);
}

#[test]
fn rejected_rows_file_is_neutralised_against_formula_injection() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "formulas.csv",
        "Email,First Name\n\
         =HYPERLINK(\"http://evil\"),Ann\n\
         bo@example.com,Bo\n",
    );
    let (_ws_dir, mut ws) = workspace();
    let spec = suggested(&ws, &file, None);
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.rejected, 1);
    let saved = report.rejected_file.expect("a rejected-rows file");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&saved)
        .unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "'=HYPERLINK(\"http://evil\")");
    assert!(
        !row[1].starts_with('='),
        "the reason quotes the cell: {:?}",
        &row[1]
    );
}

#[test]
fn rejected_rows_are_reported_with_line_and_reason_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "messy.csv",
        "Email,First Name,Number of Employees,Create Date\n\
         ann@example.com,Ann,12,2026-01-05\n\
         not-an-email,Bob,3,2026-01-06\n\
         cy@example.com,Cy,lots,2026-01-07\n\
         di@example.com,Di,5,2026-01-08,surprise\n\
         ed@example.com,Ed,-4,2026-01-09\n\
         fay@example.com,Fay,7\n",
    );
    let (ws_dir, mut ws) = workspace();
    let spec = suggested(&ws, &file, None);
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.rows, 6);
    assert_eq!(
        report.counts.inserted, 2,
        "Ann and Fay (a short row is padded)"
    );
    assert_eq!(report.counts.rejected, 4);
    assert_invariant(&report.counts);
    let lines: Vec<u64> = report.rejections.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    assert!(report.rejections[0]
        .reason
        .contains("invalid e-mail address \"not-an-email\" in column \"Email\""));
    assert!(report.rejections[1]
        .reason
        .contains("unreadable number \"lots\""));
    assert!(report.rejections[2]
        .reason
        .contains("wrong number of fields"));
    assert!(report.rejections[3].reason.contains("out-of-range"));
    let saved = report.rejected_file.expect("a rejected-rows file");
    assert!(
        Path::new(&saved).starts_with(ws_dir.path()),
        "saved next to the workspace: {saved}"
    );
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&saved)
        .unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .take(3)
        .map(String::from)
        .collect();
    assert_eq!(header, ["line", "reason", "Email"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][0], "3");
    assert_eq!(&rows[0][2], "not-an-email");
    assert_eq!(
        &rows[2][6], "surprise",
        "the original row, extra cell included"
    );
}

#[test]
fn dry_run_counts_match_the_import_and_change_nothing() {
    let path = fixture("leads/salesforce-dataloader-samples/accountData.csv");
    let (_dir, mut ws) = workspace();
    let spec = suggested(&ws, &path, None);
    let fields_before = leadstream_core::fields::list(ws.conn()).unwrap().len();
    let dry = run(&mut ws, &path, &spec, true).unwrap();
    assert!(dry.dry_run && dry.import_id.is_none());
    assert_eq!(leads::count(&ws).unwrap(), 0);
    assert_eq!(
        leadstream_core::fields::list(ws.conn()).unwrap().len(),
        fields_before,
        "no field created"
    );
    assert!(history::list(&ws).unwrap().is_empty());
    let real = run(&mut ws, &path, &spec, false).unwrap();
    assert_eq!(dry.counts, real.counts);
}

#[test]
fn cancel_leaves_the_workspace_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = String::from("email,first_name\n");
    for i in 0..10_000 {
        content.push_str(&format!("lead{i}@example.com,Lead {i}\n"));
    }
    let file = write(dir.path(), "big.csv", &content);
    let (_d, mut ws) = workspace();
    let seed = write(
        dir.path(),
        "seed.csv",
        "email,first_name\nkeep@example.com,Keep\n",
    );
    let seed_spec = suggested(&ws, &seed, None);
    run(&mut ws, &seed, &seed_spec, false).unwrap();

    let spec = suggested(&ws, &file, None);
    let (result, seen_progress) = run_cancelled_after(&mut ws, &file, &spec, 4_000);
    assert!(
        matches!(result, Err(Error::Cancelled)),
        "{:?}",
        result.map(|r| r.counts)
    );
    assert!(seen_progress >= 2);
    assert_eq!(leads::count(&ws).unwrap(), 1);
    assert_eq!(
        history::list(&ws).unwrap().len(),
        1,
        "only the seed import is recorded"
    );
}

/// The import gives new leads their ids itself (to write them many to a
/// statement): in file order, and never the id of a lead an undo removed.
#[test]
fn new_leads_get_ids_in_file_order_and_never_an_undone_leads_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, emails: &[&str]| {
        let rows: String = emails.iter().map(|e| format!("{e}\n")).collect();
        write(dir.path(), name, &format!("Email\n{rows}"))
    };
    let ids = |ws: &Workspace| -> Vec<(i64, String)> {
        let mut statement = ws
            .conn()
            .prepare("SELECT id, email FROM leads ORDER BY id")
            .unwrap();
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let (_d, mut ws) = workspace();
    // More leads than one statement writes, so the queue is written both
    // when full and at the end.
    let many: Vec<String> = (0..300).map(|n| format!("lead{n}@example.com")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let first = file("first.csv", &many);
    let spec = suggested(&ws, &first, None);
    run(&mut ws, &first, &spec, false).unwrap();
    let stored = ids(&ws);
    assert_eq!(stored.len(), 300);
    for (index, (id, email)) in stored.iter().enumerate() {
        assert_eq!((*id, email.as_str()), (index as i64 + 1, many[index]));
    }

    let second = file("second.csv", &["undone@example.com"]);
    let spec = suggested(&ws, &second, None);
    let report = run(&mut ws, &second, &spec, false).unwrap();
    assert_eq!(ids(&ws).last().unwrap().0, 301);
    history::undo(&mut ws, report.import_id.unwrap()).unwrap();
    assert_eq!(ids(&ws).last().unwrap().0, 300);

    let third = file("third.csv", &["later@example.com"]);
    let spec = suggested(&ws, &third, None);
    run(&mut ws, &third, &spec, false).unwrap();
    assert_eq!(
        ids(&ws).last().unwrap(),
        &(302, "later@example.com".to_owned())
    );
}

#[test]
fn undo_removes_inserted_leads_and_restores_updated_values() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(
        dir.path(),
        "first.csv",
        "Email,Company,Budget\nann@example.com,Acme,100\n",
    );
    let second = write(
        dir.path(),
        "second.csv",
        "Email,Company,Budget\nann@example.com,Globex,250\nnew@example.com,Initech,5\n",
    );
    let (_d, mut ws) = workspace();
    let spec = suggested(&ws, &first, None);
    run(&mut ws, &first, &spec, false).unwrap();
    let spec = suggested(&ws, &second, None);
    let report = run(&mut ws, &second, &spec, false).unwrap();
    assert_eq!((report.counts.updated, report.counts.inserted), (1, 1));
    let company = |ws: &Workspace| -> String {
        ws.conn()
            .query_row(
                "SELECT company FROM leads WHERE email_key = 'ann@example.com'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(company(&ws), "Globex");
    let summary = history::undo(&mut ws, report.import_id.unwrap()).unwrap();
    assert_eq!(summary.leads_removed, 1);
    assert_eq!(company(&ws), "Acme");
    let ann: i64 = ws
        .conn()
        .query_row(
            "SELECT id FROM leads WHERE email_key = 'ann@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        custom_value(&ws, "budget", ann).as_deref(),
        Some("Real(100.0)")
    );
    assert_eq!(leads::count(&ws).unwrap(), 1);
    assert!(
        history::undo(&mut ws, report.import_id.unwrap()).is_err(),
        "undo twice is refused"
    );
}

#[test]
fn events_create_or_reject_unknown_leads() {
    let dir = tempfile::tempdir().unwrap();
    let leads_file = write(
        dir.path(),
        "leads.csv",
        "email,first_name\nann@example.com,Ann\n",
    );
    let events_file = write(
        dir.path(),
        "events.csv",
        "email,event,timestamp,url\n\
         ANN@example.com,Page View,2026-03-01T10:00:00Z,/pricing\n\
         stranger@example.com,download,2026-03-02T11:00:00Z,/whitepaper\n\
         ann@example.com,demo_request,not a date,/demo\n",
    );
    for (unknown, inserted, created, rejected) in [
        (UnknownLeads::Create, 2, 1, 1),
        (UnknownLeads::Reject, 1, 0, 2),
    ] {
        let (_d, mut ws) = workspace();
        let spec = suggested(&ws, &leads_file, None);
        run(&mut ws, &leads_file, &spec, false).unwrap();
        let mut spec = suggested(&ws, &events_file, None);
        assert_eq!(spec.kind, ImportKind::Events);
        spec.unknown_leads = unknown;
        let report = run(&mut ws, &events_file, &spec, false).unwrap();
        assert_eq!(
            report.counts.inserted, inserted,
            "{unknown:?} {:?}",
            report.rejections
        );
        assert_eq!(report.counts.leads_created, created);
        assert_eq!(report.counts.rejected, rejected);
        assert_invariant(&report.counts);
        let (event_type, url): (String, String) = ws
            .conn()
            .query_row(
                "SELECT type, json_extract(properties, '$.url') FROM events e JOIN leads l ON l.id = e.lead_id
                 WHERE l.email_key = 'ann@example.com'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(event_type, "page_view");
        assert_eq!(url, "/pricing");
    }
}

/// The writer finds a batch's leads before writing it: a lead that an
/// earlier row created, in the same batch of rows or an earlier one, takes
/// the later rows too, and no second lead is made.
#[test]
fn a_lead_an_events_row_created_takes_the_later_rows_of_its_batch_and_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let leads_file = write(
        dir.path(),
        "leads.csv",
        "email,first_name\nann@example.com,Ann\n",
    );
    let mut events = String::from("email,event,timestamp\n");
    events.push_str("stranger@example.com,download,2026-03-01T10:00:00Z\n");
    events.push_str("Stranger@Example.com,page_view,2026-03-01T11:00:00Z\n");
    for day in 0..1_000 {
        events.push_str(&format!(
            "ann@example.com,page_view,2026-03-02T10:{:02}:{:02}Z\n",
            day / 60,
            day % 60
        ));
    }
    events.push_str("stranger@example.com,demo_request,2026-03-03T10:00:00Z\n");
    let events_file = write(dir.path(), "events.csv", &events);
    let (_d, mut ws) = workspace();
    let spec = suggested(&ws, &leads_file, None);
    run(&mut ws, &leads_file, &spec, false).unwrap();
    let mut spec = suggested(&ws, &events_file, None);
    spec.unknown_leads = UnknownLeads::Create;
    let report = run(&mut ws, &events_file, &spec, false).unwrap();
    assert_eq!(report.counts.inserted, 1_003, "{:?}", report.rejections);
    assert_eq!(report.counts.leads_created, 1);
    assert_eq!(leads::count(&ws).unwrap(), 2);
    let per_lead: Vec<(String, i64)> = ws
        .conn()
        .prepare(
            "SELECT l.email_key, count(*) FROM events e JOIN leads l ON l.id = e.lead_id
             GROUP BY l.id ORDER BY l.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        per_lead,
        vec![
            ("ann@example.com".to_owned(), 1_000),
            ("stranger@example.com".to_owned(), 3)
        ]
    );
}

#[test]
fn an_empty_event_type_is_rejected_with_its_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let events_file = write(
        dir.path(),
        "events.csv",
        "email,event,timestamp\n\
         ann@example.com,page_view,2026-03-01T10:00:00Z\n\
         ann@example.com,,2026-03-02T10:00:00Z\n\
         ann@example.com,   ,2026-03-03T10:00:00Z\n\
         ann@example.com,---,2026-03-04T10:00:00Z\n\
         ann@example.com,download,\n",
    );
    let (ws_dir, mut ws) = workspace();
    let mut spec = suggested(&ws, &events_file, None);
    assert_eq!(spec.kind, ImportKind::Events);
    spec.null_tokens.clear();
    let report = run(&mut ws, &events_file, &spec, false).unwrap();
    assert_invariant(&report.counts);
    assert_eq!((report.counts.inserted, report.counts.rejected), (1, 4));
    let rejected: Vec<(u64, &str)> = report
        .rejections
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, "the event type is empty (column \"event\")"),
            (4, "the event type is empty (column \"event\")"),
            (
                5,
                "event type \"---\" in column \"event\" has no letters or digits"
            ),
            (6, "the event time is empty (column \"timestamp\")"),
        ]
    );
    let stored_types: Vec<String> = ws
        .conn()
        .prepare("SELECT type FROM events ORDER BY occurred_at")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored_types, ["page_view"], "no event with an empty type");
    let saved = report.rejected_file.expect("a rejected-rows file");
    assert!(Path::new(&saved).starts_with(ws_dir.path()));
    let lines: Vec<String> = csv::Reader::from_path(&saved)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    assert_eq!(lines, ["3", "4", "5", "6"]);
}

#[test]
fn sql_read_from_the_workspace_file_is_never_executed() {
    let dir = tempfile::tempdir().unwrap();
    let (_ws_dir, ws) = workspace();
    let path = ws.path().unwrap().to_path_buf();
    // A crafted workspace: index names that end a DROP INDEX statement and
    // start another one.
    ws.conn()
        .execute_batch(
            r#"CREATE TABLE canary (note TEXT);
               INSERT INTO canary VALUES ('untouched');
               CREATE INDEX canary_note ON canary (note);
               CREATE INDEX canary_type ON canary (note);
               CREATE INDEX "canary_note""; DELETE FROM canary; --" ON leads (city);
               CREATE INDEX "canary_type""; INSERT INTO canary VALUES ('injected'); --"
                   ON events (type);"#,
        )
        .unwrap();
    drop(ws);
    let mut ws = Workspace::open(&path).unwrap();
    let indexes = |ws: &Workspace| -> Vec<(String, Option<String>)> {
        ws.conn()
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = indexes(&ws);

    let leads_file = write(
        dir.path(),
        "leads.csv",
        "email,first_name,last_name,company,city\nann@example.com,Ann,Lee,Acme,Oslo\n",
    );
    let events_file = write(
        dir.path(),
        "events.csv",
        "email,event,timestamp\nann@example.com,page_view,2026-03-01T10:00:00Z\n",
    );
    // Every file counts as big: the secondary indexes are dropped and rebuilt.
    let tuning = ImportTuning {
        defer_indexes_from_bytes: 0,
        keep_indexes_from_rows_per_new_row: u64::MAX,
        ..ImportTuning::default()
    };
    for file in [&leads_file, &events_file] {
        let spec = suggested(&ws, file, None);
        let report = run_tuned(&mut ws, file, &spec, tuning).unwrap();
        assert_eq!(report.counts.inserted, 1, "{:?}", report.rejections);
    }

    let canary: Vec<String> = ws
        .conn()
        .prepare("SELECT note FROM canary")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(canary, ["untouched"], "no SQL from the file ran");
    assert_eq!(indexes(&ws), before, "every index is back, as it was");
    assert_eq!(leads::count(&ws).unwrap(), 1);
}

/// An import that drops and rebuilds the leads' identity indexes (a big
/// file) still merges, updates and rejects by identity as one that keeps
/// them, and leaves every e-mail and external id unique, indexed as before.
#[test]
fn identities_stay_unique_when_an_import_rebuilds_their_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let seed = write(
        dir.path(),
        "seed.csv",
        "Email,External ID,First Name\nann@example.com,crm-1,Ann\nbob@example.com,crm-2,Bob\n",
    );
    let spec = suggested(&ws, &seed, None);
    run(&mut ws, &seed, &spec, false).unwrap();

    let file = write(
        dir.path(),
        "big.csv",
        "Email,External ID,First Name\n\
         ANN@example.com,crm-1,Anna\n\
         cid@example.com,crm-3,Cid\n\
         cid@example.com,crm-3,Cidney\n\
         dee@example.com,crm-2,Dee\n\
         eve@example.com,crm-5,Eve\n",
    );
    let tuning = ImportTuning {
        defer_indexes_from_bytes: 0,
        keep_indexes_from_rows_per_new_row: u64::MAX,
        ..ImportTuning::default()
    };
    let spec = suggested(&ws, &file, None);
    let report = run_tuned(&mut ws, &file, &spec, tuning).unwrap();
    assert_invariant(&report.counts);
    assert_eq!(report.counts.rejected, 1, "dee's external id is bob's");
    assert!(report.rejections[0].reason.contains("crm-2"));
    assert_eq!(leads::count(&ws).unwrap(), 4, "ann, bob, cid, eve");

    let (duplicate_emails, duplicate_ids): (i64, i64) = ws
        .conn()
        .query_row(
            "SELECT count(email_key) - count(DISTINCT email_key),
                    count(external_id) - count(DISTINCT external_id) FROM leads",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((duplicate_emails, duplicate_ids), (0, 0));
    let unique_indexes: Vec<String> = ws
        .conn()
        .prepare(
            "SELECT name FROM pragma_index_list('leads') WHERE \"unique\" AND origin = 'c'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(unique_indexes, ["leads_email_key", "leads_external_id"]);
    let refused = ws
        .conn()
        .execute(
            "INSERT INTO leads (email_key, created_at, updated_at) VALUES ('cid@example.com', 1, 1)",
            [],
        )
        .unwrap_err();
    assert!(refused.to_string().contains("UNIQUE"), "{refused}");
}

#[test]
fn unreadable_files_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let seed = write(dir.path(), "seed.csv", "email\nkeep@example.com\n");
    let spec = suggested(&ws, &seed, None);
    run(&mut ws, &seed, &spec, false).unwrap();

    let empty = write(dir.path(), "empty.csv", "");
    let png = dir.path().join("image.csv");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0",
    )
    .unwrap();
    for bad in [empty, png] {
        let error = inspect(&ws, &bad, None, None).unwrap_err();
        assert!(matches!(error, Error::UnreadableFile { .. }), "{error}");
        assert!(error
            .to_string()
            .contains(bad.file_name().unwrap().to_str().unwrap()));
    }
    let header_only = write(dir.path(), "header.csv", "email,first_name\n");
    let spec = suggested(&ws, &header_only, None);
    let report = run(&mut ws, &header_only, &spec, false).unwrap();
    assert_eq!(report.counts.rows, 0);
    assert_eq!(leads::count(&ws).unwrap(), 1);
}

#[test]
fn a_saved_mapping_is_reused_for_the_same_layout() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a.csv", "Mail,Firma\nann@example.com,Acme\n");
    let (_d, mut ws) = workspace();
    let mut spec = suggested(&ws, &file, None);
    spec.columns[0].target = ColumnTarget::Field {
        key: "email".into(),
    };
    spec.columns[1].target = ColumnTarget::Field {
        key: "company".into(),
    };
    spec.match_key = MatchKey::Email;
    run(&mut ws, &file, &spec, false).unwrap();
    let again = write(dir.path(), "b.csv", "Mail,Firma\nbob@example.com,Globex\n");
    let inspection = inspect(&ws, &again, None, None).unwrap();
    assert!(inspection.used_saved_mapping);
    assert_eq!(
        inspection.columns[1].mapping.target,
        ColumnTarget::Field {
            key: "company".into()
        }
    );
    assert_eq!(inspection.match_key, MatchKey::Email);
}

mod fuzz {
    //! The whole import path on generated files: it never panics, and the row
    //! invariant holds whatever the bytes are.
    use super::*;
    use proptest::prelude::*;

    fn csv_like() -> impl Strategy<Value = Vec<u8>> {
        let cell = prop_oneof![
            Just(String::new()),
            "[a-zA-Z0-9 @._-]{0,12}",
            Just("ann@example.com".to_owned()),
            Just("ÀLICE@EXAMPLE.COM".to_owned()),
            Just("\"quoted, with comma\"".to_owned()),
            Just("2026-03-01".to_owned()),
            Just("1.234,5".to_owned()),
            Just("Select".to_owned()),
            Just("\0".to_owned()),
            "\\PC{0,6}",
        ];
        let row = prop::collection::vec(cell, 1..6);
        (
            prop::collection::vec(row, 0..30),
            prop::sample::select(vec![",", ";", "\t"]),
            any::<bool>(),
        )
            .prop_map(|(rows, delimiter, crlf)| {
                let mut text = String::from("Email,First Name,Company,Create Date,Notes\n")
                    .replace(',', delimiter);
                for row in rows {
                    text.push_str(&row.join(delimiter));
                    text.push_str(if crlf { "\r\n" } else { "\n" });
                }
                text.into_bytes()
            })
    }

    /// How many generated files the row-invariant test imports.
    const CSV_LIKE_CASES: u32 = 48;

    /// Every generated file has a header and text rows: the wizard must read
    /// it and the import must run. The only refusal allowed is an unreadable
    /// file (a file of mostly NUL bytes), and it must stay rare: at least
    /// three quarters of the files reach the row-invariant checks.
    #[test]
    fn csv_like_files_import_with_every_row_counted() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: CSV_LIKE_CASES,
            ..ProptestConfig::default()
        });
        let checked = std::cell::Cell::new(0u32);
        let refused = std::cell::RefCell::new(Vec::new());
        runner
            .run(&csv_like(), |bytes| {
                let dir = tempfile::tempdir().unwrap();
                let file = dir.path().join("fuzz.csv");
                std::fs::write(&file, &bytes).unwrap();
                let (_d, mut ws) = workspace();
                let outcome = try_suggested(&ws, &file, None)
                    .and_then(|spec| run(&mut ws, &file, &spec, false));
                match outcome {
                    Ok(report) => {
                        prop_assert_eq!(
                            report.counts.rows,
                            report.counts.inserted
                                + report.counts.updated
                                + report.counts.skipped
                                + report.counts.merged
                                + report.counts.rejected,
                            "every row is counted exactly once"
                        );
                        prop_assert_eq!(leads::count(&ws).unwrap(), report.counts.inserted);
                        checked.set(checked.get() + 1);
                    }
                    Err(error @ Error::UnreadableFile { .. }) => {
                        refused.borrow_mut().push(error.to_string());
                    }
                    Err(other) => {
                        return Err(TestCaseError::fail(format!(
                            "a text file with a header must import: {other}"
                        )))
                    }
                }
                Ok(())
            })
            .unwrap();
        assert!(
            checked.get() * 4 >= CSV_LIKE_CASES * 3,
            "only {} of {CSV_LIKE_CASES} files reached the checks; refused: {:?}",
            checked.get(),
            refused.borrow()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("bytes.csv");
            std::fs::write(&file, &bytes).unwrap();
            let (_d, mut ws) = workspace();
            if let Ok(mut spec) = try_suggested(&ws, &file, Some(ImportKind::Leads)) {
                spec.match_key = MatchKey::None;
                spec.null_tokens.clear();
                if let Ok(report) = run(&mut ws, &file, &spec, true) {
                    assert_invariant(&report.counts);
                }
            }
        }
    }
}

/// An import that looks each row's lead up in the identity indexes (a file
/// far smaller than the workspace) merges, updates, rejects and creates
/// leads exactly as one that reads every lead's identities first, also
/// after a row of the same file moved an identity from one lead to another.
#[test]
fn looking_leads_up_row_by_row_imports_what_reading_them_all_imports() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(
        dir.path(),
        "seed.csv",
        "Email,External ID,First Name\n\
         ann@example.com,crm-1,Ann\nbob@example.com,crm-2,Bob\ncy@example.com,crm-3,Cy\n",
    );
    // Matched by e-mail.
    let by_email = write(
        dir.path(),
        "by-email.csv",
        "Email,External ID,First Name\n\
         ANN@example.com,crm-1,Anna\n\
         cid@example.com,crm-9,Cid\n\
         cid@example.com,crm-9,Cidney\n\
         dee@example.com,crm-2,Dee\n\
         bob@example.com,,Bobby\n\
         ann@example.com,crm-1,Ann Again\n",
    );
    // Matched by external id: Cy takes a new address, then a row with Cy's
    // old address and a new id is a new lead, and one with Bob's address
    // under Cy's id is refused.
    let by_id = write(
        dir.path(),
        "by-id.csv",
        "External ID,Email,First Name\n\
         crm-3,fay@example.com,Fay\n\
         crm-10,cy@example.com,Cy Again\n\
         crm-3,bob@example.com,Not Bob\n\
         crm-1,,Ann Once More\n",
    );
    let events = write(
        dir.path(),
        "events.csv",
        "email,event,timestamp\n\
         fay@example.com,page_view,2026-03-01T10:00:00Z\n\
         CY@example.com,download,2026-03-02T11:00:00Z\n\
         stranger@example.com,download,2026-03-03T12:00:00Z\n\
         cid@example.com,demo_request,2026-03-04T13:00:00Z\n",
    );
    let outcome = |look_up_from_leads_per_row: u64| {
        let tuning = ImportTuning {
            look_up_from_leads_per_row,
            ..ImportTuning::default()
        };
        let (_d, mut ws) = workspace();
        let spec = suggested(&ws, &seed, None);
        run(&mut ws, &seed, &spec, false).unwrap();
        let mut reports = Vec::new();
        for (file, key) in [
            (&by_email, Some(MatchKey::Email)),
            (&by_id, Some(MatchKey::ExternalId)),
            (&events, None),
        ] {
            let mut spec = suggested(&ws, file, None);
            if let Some(key) = key {
                spec.match_key = key;
                spec.on_match = OnMatch::Update;
            }
            let report = run_tuned(&mut ws, file, &spec, tuning).unwrap();
            assert_invariant(&report.counts);
            let reasons: Vec<String> = report.rejections.iter().map(|r| r.reason.clone()).collect();
            reports.push((serde_json::to_string(&report.counts).unwrap(), reasons));
        }
        let rows = |sql: &str| -> Vec<String> {
            ws.conn()
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let leads = rows(
            "SELECT id || ' ' || coalesce(email_key, '-') || ' ' || coalesce(external_id, '-')
                    || ' ' || coalesce(first_name, '-') FROM leads ORDER BY id",
        );
        let events = rows("SELECT lead_id || ' ' || type FROM events ORDER BY id");
        (reports, leads, events)
    };
    let looked_up = outcome(0);
    let read_all = outcome(u64::MAX);
    assert_eq!(looked_up, read_all);
    let (reports, leads, events) = looked_up;
    assert_eq!(reports[1].1.len(), 1, "{reports:?}");
    assert!(reports[1].1[0].contains("(3 and 2)"), "{reports:?}");
    assert!(
        leads.contains(&"3 fay@example.com crm-3 Fay".to_owned()),
        "{leads:?}"
    );
    assert!(
        leads
            .iter()
            .any(|lead| lead.ends_with("cy@example.com crm-10 Cy Again")),
        "{leads:?}"
    );
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(events[0], "3 page_view");
}

/// New leads' custom values wait in memory, then (in a plain workspace) in a
/// temporary file, and are written field by field at the end. With a bound
/// of three values, this file's values go through the file several times,
/// and a duplicate row of a lead inserted earlier makes the import write
/// what waits midway; an encrypted workspace writes them whenever the bound
/// is reached instead. Each way stores exactly what holding every value in
/// memory stores, and the undo takes every value away again.
#[test]
fn custom_values_held_in_a_temporary_file_are_all_written() {
    use leadstream_core::store::cipher::{self, Passphrase};

    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("Email,First Name,Plan Tier,Seats,Renewal Month,Referral Code\n");
    for n in 1..=40 {
        let tier = ["Gold", "", "Silver", "Bronze"][n % 4];
        let code = if n % 5 == 0 {
            format!("R-{n}")
        } else {
            String::new()
        };
        csv += &format!(
            "lead{n}@example.com,Lead {n},{tier},{},{},{code}\n",
            n * 3,
            n % 12
        );
        if n == 25 {
            csv += "lead3@example.com,Lead Three,Platinum,999,,R-three\n";
        }
    }
    let file = write(dir.path(), "custom.csv", &csv);
    let stored = |held_at_most: usize, encrypted: bool| {
        let (_d, mut ws) = workspace();
        if encrypted {
            cipher::protect(&mut ws, Passphrase::new("correct horse battery")).unwrap();
        }
        let mut spec = suggested(&ws, &file, None);
        spec.on_match = OnMatch::Update;
        let tuning = ImportTuning {
            custom_values_held_at_most: held_at_most,
            ..ImportTuning::default()
        };
        let report = run_tuned(&mut ws, &file, &spec, tuning).unwrap();
        assert_invariant(&report.counts);
        assert_eq!((report.counts.inserted, report.counts.merged), (40, 1));
        let values: Vec<String> = ws
            .conn()
            .prepare(
                "SELECT f.key || ' ' || cv.lead_id || ' ' || typeof(cv.value) || ' ' || cv.value
                 FROM custom_values cv JOIN fields f ON f.id = cv.field_id
                 ORDER BY f.key, cv.lead_id",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        history::undo(&mut ws, report.import_id.unwrap()).unwrap();
        let left: i64 = ws
            .conn()
            .query_row("SELECT count(*) FROM custom_values", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "the undo takes every value away");
        values
    };
    let in_memory = stored(usize::MAX, false);
    assert!(in_memory.len() > 100, "{in_memory:?}");
    assert!(
        in_memory.iter().any(|v| v.ends_with(" 3 text Platinum")),
        "the duplicate row updated lead 3: {in_memory:?}"
    );
    assert_eq!(stored(3, false), in_memory, "through the temporary file");
    assert_eq!(
        stored(3, true),
        in_memory,
        "encrypted: written at the bound"
    );
}
