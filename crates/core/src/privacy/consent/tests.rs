//! Tests of consent history: recording sets the column, history order, the
//! overview against raw SQL.

use super::*;
use crate::demo::{self, DemoSpec};

fn demo_workspace() -> Workspace {
    let mut ws = Workspace::in_memory().unwrap();
    demo::generate(
        &mut ws,
        &DemoSpec {
            leads: 400,
            events_per_lead: 4,
            seed: 15,
            anchor: 1_790_000_000,
        },
    )
    .unwrap();
    ws
}

fn statement(channel: ConsentChannel, status: ConsentStatus, at: i64) -> ConsentStatement {
    ConsentStatement {
        channel,
        status,
        lawful_basis: Some(LawfulBasis::Consent),
        source: "Phone call".into(),
        recorded_at: Some(at),
    }
}

fn column(ws: &Workspace, lead: i64, column: &str) -> Option<bool> {
    ws.conn()
        .query_row(
            &format!("SELECT {column} FROM leads WHERE id = ?1"),
            [lead],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn recording_sets_the_status_column_and_writes_an_audit_entry_without_the_address() {
    let mut ws = demo_workspace();
    record(
        &mut ws,
        7,
        &statement(ConsentChannel::Email, ConsentStatus::Withdrawn, 100),
    )
    .unwrap();
    assert_eq!(column(&ws, 7, "email_opt_in"), Some(false));
    record(
        &mut ws,
        7,
        &statement(ConsentChannel::Ads, ConsentStatus::Granted, 200),
    )
    .unwrap();
    assert_eq!(column(&ws, 7, "ads_opt_in"), Some(true));
    let email: String = ws
        .conn()
        .query_row("SELECT email FROM leads WHERE id = 7", [], |r| r.get(0))
        .unwrap();
    let details: Vec<String> = ws
        .conn()
        .prepare("SELECT detail FROM audit_log WHERE action = 'consent'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(details.len(), 2);
    assert!(details[0].contains(r#""lead_id":7"#), "{}", details[0]);
    assert!(details.iter().all(|d| !d.contains(&email)));
}

#[test]
fn history_is_newest_first_whatever_the_order_of_recording() {
    let mut ws = demo_workspace();
    let before = history(&ws, 3).unwrap().len();
    record(
        &mut ws,
        3,
        &statement(ConsentChannel::Email, ConsentStatus::Granted, 2_000_000_000),
    )
    .unwrap();
    record(
        &mut ws,
        3,
        &statement(ConsentChannel::Email, ConsentStatus::Denied, 1_000),
    )
    .unwrap();
    let events = history(&ws, 3).unwrap();
    assert_eq!(events.len(), before + 2);
    assert_eq!(events[0].recorded_at, 2_000_000_000);
    assert_eq!(events.last().unwrap().recorded_at, 1_000);
    assert!(events
        .windows(2)
        .all(|w| w[0].recorded_at >= w[1].recorded_at));
}

#[test]
fn record_refuses_an_unknown_lead_and_an_empty_source() {
    let mut ws = demo_workspace();
    let unknown = record(
        &mut ws,
        999_999,
        &statement(ConsentChannel::Email, ConsentStatus::Granted, 1),
    );
    assert!(matches!(unknown, Err(Error::UnknownLead { id: 999_999 })));
    let mut empty = statement(ConsentChannel::Email, ConsentStatus::Granted, 1);
    empty.source = "  ".into();
    assert!(matches!(
        record(&mut ws, 1, &empty),
        Err(Error::InvalidArgument(_))
    ));
}

/// Recording a statement changes its channel's status column and
/// `updated_at` alone: the derived parts that read neither stay in the
/// file, the status column's goes, and the index in memory is carried over
/// (a change made behind the store's back to another field is not seen).
/// Once that change is undone, every count is what a rebuild from SQL gives.
#[test]
fn recording_keeps_the_derived_parts_that_read_neither_column() {
    use crate::segments::rules::RuleGroup;
    use crate::store::tables::derived_cache;
    let mut ws = demo_workspace();
    let rules = |json: serde_json::Value| serde_json::from_value::<RuleGroup>(json).unwrap();
    let sets = [
        rules(serde_json::json!({"combinator": "and", "rules": [
            {"field": "email_opt_in", "operator": "=", "value": true}]})),
        rules(serde_json::json!({"combinator": "and", "rules": [
            {"field": "industry", "operator": "=", "value": "Software"}]})),
        rules(serde_json::json!({"combinator": "and", "rules": [
            {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]})),
    ];
    let counts = |ws: &Workspace| {
        let refs: Vec<&RuleGroup> = sets.iter().collect();
        crate::segments::count_many(ws, &refs, i64::MAX / 2).unwrap()
    };
    let names = |ws: &Workspace| derived_cache::part_names(ws.conn());
    let before_counts = counts(&ws);
    let before = names(&ws);
    for part in [
        "segment-index/v1/lead-ids",
        "segment-index/v1/field/email_opt_in",
        "segment-index/v1/field/industry",
        "segment-index/v1/events/page_view",
    ] {
        assert!(before.iter().any(|n| n == part), "{part}: {before:?}");
    }
    let (opted_in, industry): (i64, String) = ws
        .conn()
        .query_row(
            "SELECT id, industry FROM leads WHERE email_opt_in = 1 AND industry <> 'Software' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();

    record(
        &mut ws,
        opted_in,
        &statement(ConsentChannel::Email, ConsentStatus::Withdrawn, 100),
    )
    .unwrap();
    let kept: Vec<String> = before
        .iter()
        .filter(|n| n.as_str() != "segment-index/v1/field/email_opt_in")
        .cloned()
        .collect();
    assert_eq!(names(&ws), kept);
    ws.conn()
        .execute(
            "UPDATE leads SET industry = 'Software' WHERE id = ?1",
            [opted_in],
        )
        .unwrap();
    let after = counts(&ws);
    assert_eq!(
        after,
        [before_counts[0] - 1, before_counts[1], before_counts[2]],
        "carried: industry as it was"
    );
    ws.conn()
        .execute(
            "UPDATE leads SET industry = ?2 WHERE id = ?1",
            rusqlite::params![opted_in, industry],
        )
        .unwrap();
    ws.clear_derived();
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    assert_eq!(counts(&ws), after);
}

fn raw_count(ws: &Workspace, sql: &str) -> u64 {
    ws.conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

fn bucket(overview: &ConsentOverview, channel: ConsentChannel, bucket: ConsentBucket) -> u64 {
    overview
        .channels
        .iter()
        .find(|c| c.channel == channel)
        .unwrap()
        .buckets
        .iter()
        .find(|b| b.bucket == bucket)
        .unwrap()
        .leads
}

#[test]
fn overview_counts_match_raw_sql() {
    let mut ws = demo_workspace();
    // A lead opted in without a record, and one never asked.
    ws.conn_mut()
        .unwrap()
        .execute_batch(
            "DELETE FROM consent_events WHERE lead_id IN (11, 12);
             UPDATE leads SET email_opt_in = 1 WHERE id = 11;
             UPDATE leads SET email_opt_in = NULL WHERE id = 12;",
        )
        .unwrap();
    record(
        &mut ws,
        13,
        &statement(
            ConsentChannel::Email,
            ConsentStatus::Withdrawn,
            2_000_000_000,
        ),
    )
    .unwrap();
    let overview = overview(&ws).unwrap();
    assert_eq!(
        overview.total_leads,
        raw_count(&ws, "SELECT count(*) FROM leads")
    );
    let latest = |status: &str| {
        format!(
            "SELECT count(*) FROM leads l WHERE (SELECT status FROM consent_events c
              WHERE c.lead_id = l.id AND c.channel = 'email'
              ORDER BY recorded_at DESC, id DESC LIMIT 1) = '{status}'"
        )
    };
    for (status, expected_bucket) in [
        ("granted", ConsentBucket::Granted),
        ("denied", ConsentBucket::Denied),
        ("withdrawn", ConsentBucket::Withdrawn),
    ] {
        assert_eq!(
            bucket(&overview, ConsentChannel::Email, expected_bucket),
            raw_count(&ws, &latest(status)),
            "{status}"
        );
    }
    let without = |condition: &str| {
        format!(
            "SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM consent_events c
              WHERE c.lead_id = l.id AND c.channel = 'email') AND {condition}"
        )
    };
    let opt_in_without = bucket(
        &overview,
        ConsentChannel::Email,
        ConsentBucket::OptInWithoutRecord,
    );
    assert_eq!(opt_in_without, raw_count(&ws, &without("email_opt_in = 1")));
    assert!(opt_in_without >= 1);
    assert_eq!(
        bucket(&overview, ConsentChannel::Email, ConsentBucket::NeverAsked),
        raw_count(&ws, &without("email_opt_in IS NULL"))
    );
    assert!(bucket(&overview, ConsentChannel::Email, ConsentBucket::Withdrawn) >= 1);
    assert_eq!(
        overview.emailable,
        raw_count(
            &ws,
            "SELECT count(*) FROM leads WHERE email_opt_in = 1 AND coalesce(do_not_email, 0) = 0"
        )
    );
    assert_eq!(
        overview.ad_eligible,
        raw_count(
            &ws,
            "SELECT count(*) FROM leads WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0"
        )
    );
    let email = &overview.channels[0];
    let with_statement: u64 = email.by_lawful_basis.iter().map(|b| b.leads).sum();
    assert_eq!(
        with_statement,
        raw_count(
            &ws,
            "SELECT count(DISTINCT lead_id) FROM consent_events WHERE channel = 'email'"
        )
    );
}

#[test]
fn crm_wordings_of_a_lawful_basis_are_read() {
    assert_eq!(
        LawfulBasis::from_crm_text("Freely given consent from contact"),
        Some(LawfulBasis::Consent)
    );
    assert_eq!(
        LawfulBasis::from_crm_text("Legitimate interest – prospect/lead"),
        Some(LawfulBasis::LegitimateInterests)
    );
    assert_eq!(
        LawfulBasis::from_crm_text("Performance of a contract"),
        Some(LawfulBasis::Contract)
    );
    assert_eq!(
        LawfulBasis::from_crm_text("legal_obligation"),
        Some(LawfulBasis::LegalObligation)
    );
    assert_eq!(LawfulBasis::from_crm_text("Not applicable"), None);
    assert_eq!(LawfulBasis::from_crm_text(""), None);
}

mod import {

    use super::*;

    fn import(ws: &mut Workspace, path: &std::path::Path) -> i64 {
        crate::import::apply::suggested::import_id_as_suggested(ws, path)
    }

    fn statements(ws: &Workspace) -> Vec<(String, String, String, String, Option<i64>)> {
        ws.conn()
            .prepare(
                "SELECT l.email, c.channel, c.status, c.source, c.import_id
                   FROM consent_events c JOIN leads l ON l.id = c.lead_id ORDER BY c.id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn an_import_with_consent_columns_writes_statements_and_its_undo_removes_them() {
        let mut ws = Workspace::in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("crm.csv");
        std::fs::write(
            &first,
            "Email,First Name,Email Opt In,Advertising consent,Do not sell or share\n\
             ann@example.com,Ann,yes,yes,no\n\
             bo@example.com,Bo,no,,yes\n\
             cy@example.com,Cy,,,\n",
        )
        .unwrap();
        let first_id = import(&mut ws, &first);
        let rows = statements(&ws);
        let expected = |email: &str, channel: &str, status: &str| {
            (
                email.to_owned(),
                channel.to_owned(),
                status.to_owned(),
                "Import: crm.csv".to_owned(),
                Some(first_id),
            )
        };
        assert_eq!(
            rows,
            vec![
                expected("ann@example.com", "email", "granted"),
                expected("ann@example.com", "ads", "granted"),
                expected("bo@example.com", "email", "denied"),
            ]
        );
        let dns: Option<bool> = ws
            .conn()
            .query_row(
                "SELECT do_not_sell FROM leads WHERE email = 'bo@example.com'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(dns, Some(true));

        // A later file withdraws Ann's e-mail consent: a withdrawal, which
        // the undo removes again with the column's old value.
        let second = dir.path().join("unsubscribed.csv");
        std::fs::write(&second, "Email,Email Opt In\nann@example.com,no\n").unwrap();
        let second_id = import(&mut ws, &second);
        let rows = statements(&ws);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3].2, "withdrawn");
        assert_eq!(rows[3].3, "Import: unsubscribed.csv");
        crate::import::history::undo(&mut ws, second_id).unwrap();
        assert_eq!(statements(&ws).len(), 3);
        let opt_in: Option<bool> = ws
            .conn()
            .query_row(
                "SELECT email_opt_in FROM leads WHERE email = 'ann@example.com'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(opt_in, Some(true));
        crate::import::history::undo(&mut ws, first_id).unwrap();
        assert!(statements(&ws).is_empty());
        let left: i64 = ws
            .conn()
            .query_row("SELECT count(*) FROM consent_events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
