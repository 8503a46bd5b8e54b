//! Differential tests of the cross-tab and of the proposed segments against
//! an independent reference: field values and conversions read straight
//! from SQL, segment members exported with `segments::members`, and each
//! proposal re-counted with `segments::count`.

// Test code only (the module is compiled for tests alone), so it may use the
// demo generator above the insights layer.
#[cfg(test)]
mod against_sql_and_members {
    use std::collections::{HashMap, HashSet};

    use rusqlite::params;

    use crate::demo::{generate, DemoSpec};
    use crate::insights::crosstab::{crosstab, Dimension};
    use crate::insights::discover::{discover, DiscoverOptions};
    use crate::insights::outcome::{Outcome, Period};
    use crate::segments::{self, saved};
    use crate::text::fold_key;
    use crate::Workspace;

    fn demo(dir: &tempfile::TempDir, leads: u32, seed: u64) -> Workspace {
        let mut workspace = Workspace::create(dir.path().join("differential.leadstream")).unwrap();
        let spec = DemoSpec {
            leads,
            events_per_lead: 8,
            seed,
            anchor: 1_790_000_000,
        };
        generate(&mut workspace, &spec).unwrap();
        workspace
    }

    /// Leads with a purchase in the period, straight from SQL.
    fn purchasers(workspace: &Workspace, period: Period) -> HashSet<i64> {
        let mut statement = workspace
            .conn()
            .prepare(
                "SELECT DISTINCT lead_id FROM events
                 WHERE lower(type) = 'purchase' AND occurred_at >= ?1 AND occurred_at < ?2",
            )
            .unwrap();
        statement
            .query_map(params![period.from, period.to], |row| row.get(0))
            .unwrap()
            .map(|id| id.unwrap())
            .collect()
    }

    /// Each lead's folded text value of `column` ("" when empty), from SQL.
    fn text_values(workspace: &Workspace, column: &str) -> HashMap<i64, String> {
        let sql = format!("SELECT id, {column} FROM leads");
        let mut statement = workspace.conn().prepare(&sql).unwrap();
        statement
            .query_map([], |row| {
                let value: Option<String> = row.get(1)?;
                Ok((row.get(0)?, value.map(|v| fold_key(&v)).unwrap_or_default()))
            })
            .unwrap()
            .map(|pair| pair.unwrap())
            .collect()
    }

    #[test]
    fn crosstab_cells_match_sql_values_and_sql_conversions() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = demo(&dir, 800, 21);
        let period = Period::parse("2026-05-01", "2026-09-20").unwrap();
        let table = crosstab(
            &workspace,
            &Dimension::Field {
                key: "persona".into(),
            },
            &Dimension::Field {
                key: "industry".into(),
            },
            &Outcome::default(),
            period,
        )
        .unwrap();
        let personas = text_values(&workspace, "persona");
        let industries = text_values(&workspace, "industry");
        let bought = purchasers(&workspace, period);
        let key_of = |label: &str| {
            if label == "(empty)" {
                String::new()
            } else {
                fold_key(label)
            }
        };
        let shown_industries: Vec<String> =
            table.columns.iter().map(|c| key_of(&c.label)).collect();
        assert!(table.rows.len() > 2 && table.columns.len() > 2);
        for (r, row) in table.rows.iter().enumerate() {
            for (c, column) in table.columns.iter().enumerate() {
                let in_cell: Vec<i64> = personas
                    .iter()
                    .filter(|(_, persona)| **persona == key_of(&row.label))
                    .filter(|(id, _)| {
                        let industry = &industries[*id];
                        if column.label == "Other" {
                            !industry.is_empty() && !shown_industries.contains(industry)
                        } else {
                            *industry == key_of(&column.label)
                        }
                    })
                    .map(|(id, _)| *id)
                    .collect();
                let converted = in_cell.iter().filter(|id| bought.contains(id)).count();
                let cell = &table.cells[r][c];
                assert_eq!(
                    (cell.trials, cell.successes),
                    (in_cell.len() as u64, converted as u64),
                    "{} × {}",
                    row.label,
                    column.label
                );
            }
        }
        assert_eq!(table.total.successes, bought.len() as u64);
    }

    #[test]
    fn segment_rows_match_exported_members() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = demo(&dir, 600, 3);
        let period = Period::parse("2026-05-01", "2026-09-20").unwrap();
        let ids: Vec<i64> = saved::list(&workspace)
            .unwrap()
            .iter()
            .take(6)
            .map(|s| s.id)
            .collect();
        let table = crosstab(
            &workspace,
            &Dimension::Segments { ids: ids.clone() },
            &Dimension::Field {
                key: "email_opt_in".into(),
            },
            &Outcome::default(),
            period,
        )
        .unwrap();
        let bought = purchasers(&workspace, period);
        let opted_in: HashSet<i64> = segments::members(
            &workspace,
            &segments::RuleGroup::from_json(
                r#"{"combinator":"and","rules":[{"field":"email_opt_in","operator":"=","value":true}]}"#,
            )
            .unwrap(),
            period.from,
            0,
            usize::MAX,
        )
        .unwrap()
        .into_iter()
        .collect();
        for (r, id) in ids.iter().enumerate() {
            let rules = saved::get(&workspace, *id).unwrap().rules;
            let members =
                segments::members(&workspace, &rules, period.from, 0, usize::MAX).unwrap();
            let total = &table.row_totals[r];
            assert_eq!(total.trials, members.len() as u64, "segment {id}");
            let converted = members.iter().filter(|m| bought.contains(m)).count() as u64;
            assert_eq!(total.successes, converted, "segment {id}");
            let yes = members.iter().filter(|m| opted_in.contains(m)).count() as u64;
            assert_eq!(table.cells[r][0].trials, yes, "segment {id} × opted in");
        }
    }

    #[test]
    fn each_proposal_counts_as_a_segment_and_its_rate_recomputes() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = demo(&dir, 3000, 17);
        let period = Period::parse("2026-06-01", "2026-09-20").unwrap();
        let bought = purchasers(&workspace, period);
        let all = crate::leads::count(&workspace).unwrap();
        let mut offered = 0;
        for options in [
            DiscoverOptions::default(),
            DiscoverOptions {
                max_depth: 4,
                min_leaf: Some(40),
            },
        ] {
            let found = discover(&workspace, &Outcome::default(), period, options).unwrap();
            assert_eq!(found.baseline.trials, all);
            assert_eq!(found.baseline.successes, bought.len() as u64);
            for proposal in &found.proposals {
                let members =
                    segments::members(&workspace, &proposal.rules, period.from, 0, usize::MAX)
                        .unwrap();
                assert_eq!(members.len() as u64, proposal.conversion.trials);
                assert_eq!(
                    segments::count(&workspace, &proposal.rules, period.from).unwrap(),
                    proposal.conversion.trials
                );
                let converted = members.iter().filter(|m| bought.contains(m)).count() as u64;
                assert_eq!(
                    converted, proposal.conversion.successes,
                    "{}",
                    proposal.name
                );
                let rate = converted as f64 / members.len() as f64;
                assert!((rate - proposal.conversion.rate).abs() < 1e-12);
                assert!(
                    proposal.conversion.low > found.baseline.rate,
                    "{} does not beat the baseline",
                    proposal.name
                );
                assert!(members.len() as u64 >= found.min_leaf);
                offered += 1;
            }
        }
        assert!(offered > 0, "the demo has groups that buy more");
    }
}
