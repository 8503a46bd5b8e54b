//! Import history and undo: undo in any order is exact or refused with the
//! later import that depends on it; lead ids are never reused.

use leadstream_core::import::history;
use leadstream_core::import::spec::MatchKey;
use leadstream_core::Workspace;

use crate::{run, suggested, workspace, write};

/// `(first_name, plan_tier)` of the lead with this e-mail, if there is one.
fn lead(ws: &Workspace, email: &str) -> Option<(i64, Option<String>, Option<String>)> {
    ws.conn()
        .query_row(
            "SELECT l.id, l.first_name,
                    (SELECT cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id
                      WHERE f.key = 'plan_tier' AND cv.lead_id = l.id)
               FROM leads l WHERE l.email_key = ?1",
            [email],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()
}

fn import(ws: &mut Workspace, dir: &std::path::Path, name: &str, content: &str) -> i64 {
    let file = write(dir, name, content);
    let spec = suggested(ws, &file, None);
    let report = run(ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.rejected, 0, "{:?}", report.rejections);
    report.import_id.unwrap()
}

#[test]
fn undo_in_another_order_does_not_corrupt_other_leads() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let a = import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name,plan_tier\na@x.com,Ann,gold\n",
    );
    let b = import(
        &mut ws,
        dir.path(),
        "b.csv",
        "email,first_name,plan_tier\na@x.com,Anna,silver\n",
    );
    let ann = lead(&ws, "a@x.com").unwrap();
    assert_eq!(
        (ann.1.as_deref(), ann.2.as_deref()),
        (Some("Anna"), Some("silver"))
    );

    // B changed the lead A added: undoing A first is refused, naming B.
    let refused = history::undo(&mut ws, a).expect_err("undo A while B is applied");
    let message = refused.to_string();
    assert!(
        message.contains(&format!("import #{b} of b.csv")) && message.contains("undo"),
        "{message}"
    );
    assert_eq!(lead(&ws, "a@x.com"), Some(ann.clone()), "nothing changed");

    let _c = import(
        &mut ws,
        dir.path(),
        "c.csv",
        "email,first_name\nz@x.com,Zed\n",
    );
    let zed = lead(&ws, "z@x.com").unwrap();
    assert_eq!((zed.1.as_deref(), zed.2.as_deref()), (Some("Zed"), None));

    history::undo(&mut ws, b).unwrap();
    assert_eq!(lead(&ws, "z@x.com"), Some(zed.clone()), "Zed is untouched");
    let ann_again = lead(&ws, "a@x.com").unwrap();
    assert_eq!(
        (ann_again.1.as_deref(), ann_again.2.as_deref()),
        (Some("Ann"), Some("gold"))
    );
    history::undo(&mut ws, a).unwrap();
    assert_eq!(lead(&ws, "a@x.com"), None);
    assert_eq!(lead(&ws, "z@x.com"), Some(zed), "Zed is untouched");
}

#[test]
fn lead_ids_are_never_reused_after_an_undo() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let a = import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name\na@x.com,Ann\n",
    );
    let first_id = lead(&ws, "a@x.com").unwrap().0;
    history::undo(&mut ws, a).unwrap();
    import(
        &mut ws,
        dir.path(),
        "c.csv",
        "email,first_name\nz@x.com,Zed\n",
    );
    let zed_id = lead(&ws, "z@x.com").unwrap().0;
    assert!(
        zed_id > first_id,
        "a new lead gets a new id ({zed_id}), never the removed lead's ({first_id})"
    );
}

fn first_name_company_updated(ws: &Workspace, email: &str) -> (String, String, i64) {
    ws.conn()
        .query_row(
            "SELECT first_name, company, updated_at FROM leads WHERE email_key = ?1",
            [email],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn set_updated_at(ws: &Workspace, email: &str, at: i64) {
    ws.conn()
        .execute(
            "UPDATE leads SET updated_at = ?1 WHERE email_key = ?2",
            rusqlite::params![at, email],
        )
        .unwrap();
}

#[test]
fn undo_is_refused_while_a_later_import_changed_a_value_it_set() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let state = |ws: &Workspace| first_name_company_updated(ws, "a@x.com");
    let expect = |name: &str, company: &str, at: i64| (name.to_owned(), company.to_owned(), at);
    import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name,company\na@x.com,Ann,Acme\n",
    );
    set_updated_at(&ws, "a@x.com", 1_000);
    let b = import(
        &mut ws,
        dir.path(),
        "b.csv",
        "email,first_name\na@x.com,Anna\n",
    );
    set_updated_at(&ws, "a@x.com", 2_000);
    let c = import(
        &mut ws,
        dir.path(),
        "c.csv",
        "email,company\na@x.com,Globex\n",
    );
    set_updated_at(&ws, "a@x.com", 3_000);
    let d = import(
        &mut ws,
        dir.path(),
        "d.csv",
        "email,first_name\na@x.com,Annie\n",
    );
    set_updated_at(&ws, "a@x.com", 4_000);

    let message = history::undo(&mut ws, b).unwrap_err().to_string();
    assert!(
        message.contains(&format!("import #{b} of b.csv cannot be undone"))
            && message.contains(&format!("import #{d} of d.csv on "))
            && message.contains("changed values it set on 1 lead; undo it first"),
        "{message}"
    );
    assert_eq!(state(&ws), expect("Annie", "Globex", 4_000));

    history::undo(&mut ws, d).unwrap();
    assert_eq!(state(&ws), expect("Anna", "Globex", 3_000));
    // C changed another field of the lead: B's value goes back, C's stays,
    // and the lead keeps C's update time.
    history::undo(&mut ws, b).unwrap();
    assert_eq!(state(&ws), expect("Ann", "Globex", 3_000));
    history::undo(&mut ws, c).unwrap();
    assert_eq!(
        state(&ws),
        expect("Ann", "Acme", 1_000),
        "the time before B and C"
    );
}

#[test]
fn undo_is_refused_while_a_later_import_added_events_to_its_leads() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let a = import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name\na@x.com,Ann\n",
    );
    let e = import(
        &mut ws,
        dir.path(),
        "e.csv",
        "email,event,timestamp\n\
         a@x.com,page_view,2026-03-01T10:00:00Z\n\
         new@x.com,download,2026-03-02T10:00:00Z\n",
    );
    let l = import(
        &mut ws,
        dir.path(),
        "l.csv",
        "email,first_name\nnew@x.com,Neo\n",
    );
    let message = history::undo(&mut ws, a).unwrap_err().to_string();
    assert!(
        message.contains(&format!("import #{e} of e.csv on "))
            && message.contains("added events to 1 of the leads it added; undo it first"),
        "{message}"
    );
    let message = history::undo(&mut ws, e).unwrap_err().to_string();
    assert!(
        message.contains(&format!("import #{l} of l.csv on "))
            && message.contains("changed 1 of the leads it added; undo it first"),
        "{message}"
    );
    let events: i64 = ws
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 2, "refused undos change nothing");
    for id in [l, e, a] {
        history::undo(&mut ws, id).unwrap();
    }
    assert_eq!(leadstream_core::leads::count(&ws).unwrap(), 0);
}

#[test]
fn undo_that_would_give_back_an_e_mail_another_lead_now_has_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let by_record_id = |ws: &mut Workspace, name: &str, content: &str| -> i64 {
        let file = write(dir.path(), name, content);
        let mut spec = suggested(ws, &file, None);
        spec.match_key = MatchKey::ExternalId;
        let report = run(ws, &file, &spec, false).unwrap();
        assert_eq!(report.counts.rejected, 0, "{:?}", report.rejections);
        report.import_id.unwrap()
    };
    by_record_id(&mut ws, "a.csv", "Record ID,Email\n1,old@x.com\n");
    let b = by_record_id(&mut ws, "b.csv", "Record ID,Email\n1,new@x.com\n");
    let c = by_record_id(&mut ws, "c.csv", "Record ID,Email\n2,old@x.com\n");
    let message = history::undo(&mut ws, b).unwrap_err().to_string();
    assert!(
        message.contains("e-mail address \"old@x.com\" back to lead #1")
            && message.contains(&format!("import #{c} of c.csv on "))
            && message.contains("undo that import first"),
        "{message}"
    );
    history::undo(&mut ws, c).unwrap();
    history::undo(&mut ws, b).unwrap();
    assert_eq!(lead(&ws, "old@x.com").map(|l| l.0), Some(1));
    assert_eq!(lead(&ws, "new@x.com"), None);
}

/// The keys of the custom fields in the catalogue.
fn custom_keys(ws: &Workspace) -> Vec<String> {
    leadstream_core::fields::list(ws.conn())
        .unwrap()
        .into_iter()
        .filter(|f| !f.is_standard)
        .map(|f| f.key)
        .collect()
}

#[test]
fn an_undo_offers_and_removes_the_fields_its_import_created_that_nothing_else_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let first = import(
        &mut ws,
        dir.path(),
        "first.csv",
        "email,plan_tier,shoe_size,hobby\na@x.com,gold,38,chess\n",
    );
    // A second import fills `hobby` for another lead; a segment tests `plan_tier`.
    let second = import(
        &mut ws,
        dir.path(),
        "second.csv",
        "email,hobby\nb@x.com,golf\n",
    );
    ws.conn()
        .execute(
            "INSERT INTO segments (name, rules) VALUES ('Gold', ?1)",
            [r#"{"combinator":"and","rules":[{"field":"plan_tier","operator":"=","value":"gold"}]}"#],
        )
        .unwrap();
    let listed = history::list(&ws).unwrap();
    let offered = |id: i64| -> Vec<String> {
        let record = listed.iter().find(|r| r.id == id).unwrap();
        record
            .created_fields
            .iter()
            .map(|f| f.label.clone())
            .collect()
    };
    assert_eq!(offered(first), ["plan_tier", "shoe_size", "hobby"]);
    assert!(
        offered(second).is_empty(),
        "the second import created nothing"
    );

    let summary = history::undo_and_remove_fields(&mut ws, first).unwrap();
    assert_eq!(summary.leads_removed, 1);
    assert_eq!(summary.created_fields.removed, ["shoe_size"]);
    let kept: Vec<(&str, &str)> = summary
        .created_fields
        .kept
        .iter()
        .map(|k| (k.label.as_str(), k.reason.as_str()))
        .collect();
    assert_eq!(
        kept,
        [
            ("plan_tier", "a segment or stream uses it"),
            ("hobby", "other leads have values in it"),
        ]
    );
    assert_eq!(custom_keys(&ws), ["plan_tier", "hobby"]);
    let record = history::list(&ws)
        .unwrap()
        .into_iter()
        .find(|r| r.id == first)
        .unwrap();
    assert!(record.undone_at.is_some());
    assert!(
        record.created_fields.is_empty(),
        "an undone import offers nothing"
    );

    // The same file again: the saved mapping's deleted field is a new field again.
    let again = import(
        &mut ws,
        dir.path(),
        "first.csv",
        "email,plan_tier,shoe_size,hobby\na@x.com,gold,38,chess\n",
    );
    assert!(custom_keys(&ws).contains(&"shoe_size".to_owned()));
    // A plain undo keeps every field.
    let summary = history::undo(&mut ws, again).unwrap();
    assert_eq!(summary.created_fields, Default::default());
    assert!(custom_keys(&ws).contains(&"shoe_size".to_owned()));
}

/// The time the built-in segments of [`demo_workspace`] are read at.
const AS_OF: i64 = 1_780_000_000;

/// A workspace file holding a 300-lead demo generated with `seed`.
fn demo_workspace(seed: u64) -> (tempfile::TempDir, Workspace) {
    use leadstream_core::demo::{self, DemoSpec};
    let (dir, mut ws) = workspace();
    let spec = DemoSpec {
        leads: 300,
        events_per_lead: 4,
        seed,
        anchor: AS_OF,
    };
    demo::generate(&mut ws, &spec).unwrap();
    (dir, ws)
}

/// The members of every built-in segment at [`AS_OF`], as a fresh process
/// on the file `path` reads them (from the stored parts it finds).
fn members_in_a_fresh_process(path: &std::path::Path) -> Vec<Vec<i64>> {
    use leadstream_core::segments::{self, templates::templates};
    let fresh = Workspace::open(path).unwrap();
    templates()
        .iter()
        .map(|t| segments::members(&fresh, &t.rules, AS_OF, 0, usize::MAX).unwrap())
        .collect()
}

/// Every derived part the workspace's file holds, with its bytes, by name.
fn stored_parts(ws: &Workspace) -> Vec<(String, Vec<u8>)> {
    let mut statement = ws
        .conn()
        .prepare("SELECT name, bytes FROM derived_cache ORDER BY name")
        .unwrap();
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

fn part_names(parts: &[(String, Vec<u8>)]) -> Vec<String> {
    parts.iter().map(|(name, _)| name.clone()).collect()
}

/// The undo of a leads import carries the segment index's stored parts
/// across (the leads it added are dropped, those it changed read again), so
/// the next process loads them instead of building them from SQL, and they
/// answer as a build from SQL does.
#[test]
fn an_undone_leads_import_keeps_the_index_parts_which_answer_as_sql_does() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = demo_workspace(3);
    let path = ws.path().unwrap().to_path_buf();
    let index_parts = |ws: &Workspace| -> Vec<String> {
        let names = part_names(&stored_parts(ws));
        names
            .into_iter()
            .filter(|name| name.starts_with("segment-index/"))
            .collect()
    };
    let before = members_in_a_fresh_process(&path);
    let stored = index_parts(&ws);
    assert!(stored.iter().any(|name| name.ends_with("/lead-ids")));
    assert!(stored.iter().any(|name| name.contains("/events/")));

    // A trade-show list: two new leads, and an existing lead made a customer.
    let existing: String = ws
        .conn()
        .query_row("SELECT email FROM leads WHERE email IS NOT NULL AND lifecycle_stage <> 'Customer' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let imported = import(
        &mut ws,
        dir.path(),
        "fair.csv",
        &format!(
            "email,lifecycle_stage,persona\nnew.one@fair.example,Customer,Marketing Manager\n\
             new.two@fair.example,Lead,Marketing Manager\n{existing},Customer,Marketing Manager\n"
        ),
    );
    let after_import = members_in_a_fresh_process(&path);
    assert_ne!(after_import, before, "the import moved leads into segments");
    let stored = index_parts(&ws);

    let summary = history::undo(&mut ws, imported).unwrap();
    assert_eq!(summary.leads_removed, 2);
    // Carried across, not deleted: every part is still there.
    assert_eq!(index_parts(&ws), stored);
    let from_parts = members_in_a_fresh_process(&path);
    assert_eq!(from_parts, before, "the undo gives back what was");
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    assert_eq!(
        members_in_a_fresh_process(&path),
        from_parts,
        "as built from SQL"
    );
}

/// The undo of an events import keeps the parts that read no events (the
/// segment index's lead ids and field columns, the quick search's keys),
/// carried across the leads the import created, and the event parts go: the
/// next process loads the first and builds only the events, and answers as
/// a build from SQL does.
#[test]
fn an_undone_events_import_keeps_the_parts_that_read_no_events() {
    use leadstream_core::leads::{self, LeadQuery};

    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = demo_workspace(5);
    let path = ws.path().unwrap().to_path_buf();
    let found_in_a_fresh_process = |text: &str| -> Vec<i64> {
        let fresh = Workspace::open(&path).unwrap();
        let query = LeadQuery {
            offset: 0,
            limit: 50,
            columns: vec!["email".into()],
            sort: None,
            search: text.into(),
            search_custom_fields: false,
        };
        let page = leads::page(&fresh, &query).unwrap();
        page.rows.iter().map(|row| row.id).collect()
    };
    let before = members_in_a_fresh_process(&path);
    assert!(leads::store_search_keys(&ws).unwrap());
    let (id, email): (i64, String) = ws
        .conn()
        .query_row(
            "SELECT id, email FROM leads WHERE email IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(found_in_a_fresh_process(&email), vec![id]);
    let stored = stored_parts(&ws);
    let read_no_events: Vec<String> = part_names(&stored)
        .into_iter()
        .filter(|name| {
            name.starts_with("search/") || name.contains("/field/") || name.ends_with("/lead-ids")
        })
        .collect();
    assert!(read_no_events
        .iter()
        .any(|name| name.ends_with("/lead-ids")));
    assert!(read_no_events.iter().any(|name| name.contains("/field/")));
    assert!(read_no_events.iter().any(|name| name == "search/v3/keys/1"));
    assert!(part_names(&stored)
        .iter()
        .any(|name| name.contains("/events/")));
    assert!(part_names(&stored)
        .iter()
        .any(|name| name.contains("/property/")));

    // Events of existing leads only: the kept parts are the same bytes.
    let existing: Vec<String> = {
        let mut statement = ws
            .conn()
            .prepare("SELECT email FROM leads WHERE email IS NOT NULL ORDER BY id LIMIT 40")
            .unwrap();
        let rows = statement.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let mut events = String::from("email,event,timestamp\n");
    for (n, email) in existing.iter().enumerate() {
        let kind = ["demo_request", "purchase", "download"][n % 3];
        events.push_str(&format!("{email},{kind},2026-05-2{}T10:00:00Z\n", n % 8));
    }
    let imported = import(&mut ws, dir.path(), "visits.csv", &events);
    assert_ne!(
        members_in_a_fresh_process(&path),
        before,
        "the events moved leads"
    );
    assert!(
        part_names(&stored_parts(&ws)).contains(&"search/v3/keys/1".to_owned()),
        "an events import keeps the search keys"
    );
    let kept_before_undo: Vec<(String, Vec<u8>)> = stored_parts(&ws)
        .into_iter()
        .filter(|(name, _)| read_no_events.contains(name) && !name.starts_with("search/"))
        .collect();
    let summary = history::undo(&mut ws, imported).unwrap();
    assert_eq!((summary.events_removed, summary.leads_removed), (40, 0));
    let after = stored_parts(&ws);
    assert_eq!(
        part_names(&after),
        read_no_events,
        "the parts that read no events stay; the event parts go"
    );
    let index_after: Vec<(String, Vec<u8>)> = after
        .into_iter()
        .filter(|(name, _)| !name.starts_with("search/"))
        .collect();
    assert_eq!(index_after, kept_before_undo, "no lead row changed");
    assert_eq!(
        members_in_a_fresh_process(&path),
        before,
        "the undo gives back what was"
    );
    assert_eq!(found_in_a_fresh_process(&email), vec![id]);

    // With an unknown e-mail: the lead the import created is dropped from
    // the carried parts and from the search.
    let imported = import(
        &mut ws,
        dir.path(),
        "fair.csv",
        &format!(
            "email,event,timestamp\n{email},trade_show_visit,2026-05-20T10:00:00Z\n\
             walk.in@fair.example,trade_show_visit,2026-05-20T11:00:00Z\n"
        ),
    );
    assert_eq!(found_in_a_fresh_process("walk.in@fair").len(), 1);
    assert_ne!(
        members_in_a_fresh_process(&path),
        before,
        "the walk-in joined"
    );
    assert!(part_names(&stored_parts(&ws))
        .iter()
        .any(|name| name.ends_with("/lead-ids")));
    let summary = history::undo(&mut ws, imported).unwrap();
    assert_eq!((summary.events_removed, summary.leads_removed), (2, 1));
    let carried = part_names(&stored_parts(&ws));
    assert!(carried.iter().any(|name| name.ends_with("/lead-ids")));
    assert!(carried.iter().any(|name| name == "search/v3/keys/1"));
    assert!(!carried
        .iter()
        .any(|name| name.contains("/events/") || name.contains("/property/")));
    assert!(found_in_a_fresh_process("walk.in@fair").is_empty());
    let from_parts = members_in_a_fresh_process(&path);
    assert_eq!(from_parts, before, "the undo gives back what was");
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    assert_eq!(
        members_in_a_fresh_process(&path),
        from_parts,
        "as built from SQL"
    );
    assert_eq!(found_in_a_fresh_process(&email), vec![id]);
}
