//! The quality report's tests: each check on a small workspace, and on a
//! generated demo every planted problem found, nothing else flagged, and the
//! counts equal to an independent computation straight from SQL.

// Test code only (the module is compiled for tests alone), so it may use
// the demo generator above the quality layer.
#[cfg(test)]
mod on_demo_and_small_workspaces {
    use std::collections::{HashMap, HashSet};

    use rusqlite::types::Value;

    use super::super::*;

    const ANCHOR: i64 = 1_790_000_000;
    const DAY: i64 = 86_400;

    fn demo_workspace(leads: u32) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("quality.leadstream")).unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads,
                events_per_lead: 6,
                seed: 14,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        (dir, workspace)
    }

    fn options() -> ReportOptions {
        ReportOptions {
            stale_months: 6,
            as_of: Some(ANCHOR),
        }
    }

    #[test]
    fn every_planted_problem_is_found_and_nothing_else() {
        let (_dir, ws) = demo_workspace(400);
        let planted = crate::demo::planted(400).unwrap();
        let report = report(&ws, &options()).unwrap();
        assert_eq!(report.total_leads, 400);

        let emails = &report.emails;
        let without_address: i64 = ws
            .conn()
            .query_row(
                "SELECT count(*) FROM leads WHERE coalesce(trim(email), '') = ''",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            emails.missing.total, without_address as u64,
            "about 1% come from a CRM without one"
        );
        assert_eq!(emails.invalid.lead_ids, planted.invalid_emails);
        assert_eq!(emails.role.lead_ids, planted.role_emails);
        assert_eq!(emails.disposable.lead_ids, planted.disposable_emails);
        assert_eq!(emails.hard_bounced.lead_ids, planted.hard_bounces);
        assert!(!emails.hard_bounced.lead_ids.contains(&planted.soft_bounce));
        assert_eq!(emails.invalid.total, planted.invalid_emails.len() as u64);

        assert_eq!(report.phones.invalid.lead_ids, planted.invalid_phones);
        let reasons: u64 = report.phones.invalid_reasons.iter().map(|r| r.count).sum();
        assert_eq!(reasons, report.phones.invalid.total);
        assert_eq!(
            report.phones.empty
                + report.phones.e164
                + report.phones.normalisable.total
                + report.phones.invalid.total,
            400
        );
        assert!(
            report.phones.normalisable.total > 0,
            "generated phones are written with spaces"
        );

        let variants: HashMap<&str, u64> = report
            .countries
            .variants
            .iter()
            .map(|v| (v.value.as_str(), v.count))
            .collect();
        let expected: HashMap<&str, u64> = planted
            .country_variants
            .iter()
            .map(|(value, count)| (*value, *count as u64))
            .collect();
        assert_eq!(variants, expected);
        assert!(
            report.countries.unrecognised.is_empty(),
            "{:?}",
            report.countries.unrecognised
        );
        let usa = report
            .countries
            .variants
            .iter()
            .find(|v| v.value == "USA")
            .unwrap();
        assert_eq!(
            (usa.canonical.as_str(), usa.alpha2.as_str()),
            ("United States", "US")
        );

        let budget = report
            .mostly_empty
            .iter()
            .find(|impact| impact.key == planted.mostly_empty_field)
            .expect("budget is mostly empty");
        assert!(
            (0.5..0.75).contains(&budget.empty_share),
            "{}",
            budget.empty_share
        );
        assert!(
            budget.message.starts_with("budget is empty for "),
            "{}",
            budget.message
        );
    }

    /// Completeness from SQL read value by value, emptiness decided in Rust.
    fn reference_filled(ws: &Workspace, field: &FieldCompleteness) -> u64 {
        let conn = ws.conn();
        let is_filled = |value: &Value| match value {
            Value::Null => false,
            Value::Text(text) => !matches!(text.trim(), "" | "[]"),
            _ => true,
        };
        let values: Vec<Value> = if field_is_standard(ws, &field.key) {
            let mut statement = conn
                .prepare(&format!("SELECT \"{}\" FROM leads", field.key))
                .unwrap();
            let rows = statement.query_map([], |r| r.get(0)).unwrap();
            rows.map(|v| v.unwrap()).collect()
        } else {
            let mut statement = conn
                .prepare(
                    "SELECT v.value FROM custom_values v JOIN fields f ON f.id = v.field_id
                     WHERE f.key = ?1",
                )
                .unwrap();
            let rows = statement.query_map([&field.key], |r| r.get(0)).unwrap();
            rows.map(|v| v.unwrap()).collect()
        };
        values.iter().filter(|v| is_filled(v)).count() as u64
    }

    fn field_is_standard(ws: &Workspace, key: &str) -> bool {
        ws.conn()
            .query_row(
                "SELECT is_standard FROM fields WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn completeness_agrees_with_a_value_by_value_count() {
        let (_dir, ws) = demo_workspace(300);
        let fields = field_completeness(&ws).unwrap();
        assert!(fields.iter().any(|f| f.key == "budget"));
        assert!(
            fields.iter().all(|f| !f.key.starts_with("score_")),
            "computed fields aside"
        );
        for field in &fields {
            assert_eq!(field.filled, reference_filled(&ws, field), "{}", field.key);
            assert_eq!(field.filled + field.empty, 300, "{}", field.key);
        }
        let report = report(&ws, &options()).unwrap();
        let grouped: usize = report.completeness.iter().map(|c| c.fields.len()).sum();
        assert_eq!(grouped, fields.len());
        assert_eq!(report.completeness.len(), 7);
        for category in &report.completeness {
            assert!(category
                .fields
                .iter()
                .all(|f| f.category == category.category));
        }
    }

    #[test]
    fn stale_leads_agree_with_events_read_from_sql() {
        let (_dir, ws) = demo_workspace(300);
        let report = report(&ws, &options()).unwrap();
        let cutoff = report.stale.cutoff;
        assert!(cutoff < ANCHOR - 180 * DAY && cutoff > ANCHOR - 186 * DAY);
        let conn = ws.conn();
        let mut statement = conn
            .prepare(
                "SELECT l.id, (SELECT max(occurred_at) FROM events e WHERE e.lead_id = l.id), l.created_at
                 FROM leads l ORDER BY l.id",
            )
            .unwrap();
        let expected: Vec<i64> = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .filter(|(_, last, created)| last.unwrap_or(*created) < cutoff)
            .map(|(id, _, _)| id)
            .collect();
        assert_eq!(report.stale.inactive.total, expected.len() as u64);
        let shown = expected.len().min(LEAD_IDS_SHOWN);
        assert_eq!(report.stale.inactive.lead_ids, expected[..shown].to_vec());
    }

    fn small_workspace() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (id, email, phone, country, do_not_email, created_at, updated_at) VALUES
                    (1, 'ann@acme.com', '+14155552671', 'United States', 0, 0, 0),
                    (2, 'info@acme.com', '(415) 555-2671', 'USA', 1, 0, 0),
                    (3, 'bad@', '12345', 'Narnia', 0, 0, 0),
                    (4, NULL, '020 7946 0958', NULL, 0, 0, 0),
                    (5, 'x@mailinator.com', NULL, 'Deutschland', 0, 0, 0);
                 INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                    (1, 'page_view', 1000, '{}'),
                    (2, 'email_bounced', 1000, '{\"type\":\"hard\"}'),
                    (2, 'page_view', 2000000, '{}');
                 INSERT INTO imports (id, kind, file_name, started_at, finished_at) VALUES
                    (1, 'leads', 'a.csv', 2000, 2000),
                    (2, 'leads', 'b.csv', 3000, 3000),
                    (3, 'normalise', 'Normalise country', 9000, 9000);
                 UPDATE leads SET import_id = 1 WHERE id IN (1, 2);
                 UPDATE imports SET undone_at = 3500 WHERE id = 2;
                 INSERT INTO import_changes (import_id, lead_id, field_key, old_value) VALUES
                    (2, 2, 'city', NULL), (3, 1, 'country', 'USA');",
            )
            .unwrap();
        ws
    }

    #[test]
    fn each_check_on_a_small_workspace() {
        let ws = small_workspace();
        let report = report(
            &ws,
            &ReportOptions {
                stale_months: 1,
                as_of: Some(2_000_000 + 20 * DAY),
            },
        )
        .unwrap();
        let e = &report.emails;
        assert_eq!(e.missing.lead_ids, vec![4]);
        assert_eq!(e.invalid.lead_ids, vec![3]);
        assert_eq!((e.role.lead_ids.clone(), e.role.unsendable), (vec![2], 1));
        assert_eq!(e.disposable.lead_ids, vec![5]);
        assert_eq!(e.hard_bounced.lead_ids, vec![2]);

        let p = &report.phones;
        assert_eq!((p.empty, p.e164), (1, 1));
        // (415) read in the US via "USA"; 020 has no country: invalid.
        assert_eq!(p.normalisable.lead_ids, vec![2]);
        assert_eq!(p.invalid.lead_ids, vec![3, 4]);

        let c = &report.countries;
        assert_eq!(c.empty, 1);
        assert_eq!(c.variant_leads, 2);
        assert_eq!(
            c.unrecognised,
            vec![CountryCount {
                value: "Narnia".into(),
                count: 1
            }]
        );

        // Lead 2's event is within the month; the rest are stale.
        assert_eq!(report.stale.inactive.lead_ids, vec![1, 3, 4, 5]);
        assert_eq!(report.stale.inactive_without_events, 3);
        // Lead 1 imported at 2000, last event 1000; lead 2's event is later and
        // import 2 is undone; the normalisation is no import.
        assert_eq!(report.stale.activity_before_import.lead_ids, vec![1]);
    }

    #[test]
    fn mostly_empty_fields_name_the_segments_that_test_them() {
        let mut ws = small_workspace();
        let rules = |operator: &str| {
            RuleGroup::from_json(&format!(
                r#"{{"combinator":"and","rules":[{{"field":"employees","operator":"{operator}","value":"10"}}]}}"#
            ))
            .unwrap()
        };
        for (name, operator) in [("Big", ">"), ("Unknown size", "null")] {
            saved::create(
                &mut ws,
                &saved::SegmentDraft {
                    name: name.into(),
                    description: String::new(),
                    color: "#0f766e".into(),
                    folder: String::new(),
                    rules: rules(operator),
                },
            )
            .unwrap();
        }
        let report = report(&ws, &ReportOptions::default()).unwrap();
        let employees = report
            .mostly_empty
            .iter()
            .find(|i| i.key == "employees")
            .unwrap();
        let names: HashSet<&str> = employees.segments.iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains("Big"));
        assert!(
            !names.contains("Unknown size"),
            "an emptiness test is meant for empty values"
        );
        assert_eq!(
            employees.message,
            "employees is empty for 100% of leads: rules on it can never match those leads"
        );
        assert!(
            !report.mostly_empty[0].segments.is_empty(),
            "fields segments use come first"
        );
        assert!(super::super::report(
            &ws,
            &ReportOptions {
                stale_months: 0,
                as_of: None
            }
        )
        .is_err());
    }
}
