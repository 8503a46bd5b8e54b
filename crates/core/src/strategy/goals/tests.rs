//! Goals on a generated demo workspace: each metric against an independent
//! computation (members from `segments::members`, events and consent read
//! straight from SQL), the checks of a draft, and progress at any date.

// Test code only (the module is compiled for tests alone), so it may use
// the demo generator above the strategy layer.
#[cfg(test)]
mod against_sql_and_members {
    use std::collections::{HashMap, HashSet};

    use super::super::*;
    use crate::segments;

    const DAY: i64 = SECONDS_PER_DAY;
    const ANCHOR: i64 = 1_790_000_000;

    fn demo() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("goals.leadstream")).unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads: 400,
                events_per_lead: 8,
                seed: 12,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        (dir, workspace)
    }

    /// The metric computed without the index: members from `segments::members`
    /// less those created after `at`, events and consent from SQL.
    fn reference(workspace: &Workspace, rules: &RuleGroup, moment: Moment) -> Measurement {
        let created: HashMap<i64, i64> = query_pairs(workspace, "SELECT id, created_at FROM leads");
        let members: Vec<i64> = segments::members(workspace, rules, moment.at, 0, usize::MAX)
            .unwrap()
            .into_iter()
            .filter(|id| created[id] <= moment.at)
            .collect();
        let events = |types: &[&str], from: i64| -> HashSet<i64> {
            let list = types
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(",");
            query_pairs(
            workspace,
            &format!(
                "SELECT lead_id, 0 FROM events WHERE lower(type) IN ({list}) AND occurred_at >= {from} AND occurred_at <= {}",
                moment.at
            ),
        )
        .into_keys()
        .collect()
        };
        let since = events(&["purchase"], moment.conversions_since);
        let recent = events(&["purchase"], moment.at - 90 * DAY + 1);
        let engaged = events(
            &["email_open", "email_click", "page_view", "download"],
            moment.at - 30 * DAY + 1,
        );
        let emailable: HashSet<i64> = query_pairs(
        workspace,
        "SELECT id, 0 FROM leads WHERE email_opt_in = 1 AND (do_not_email IS NULL OR do_not_email = 0)",
    )
    .into_keys()
    .collect();
        let count =
            |set: &HashSet<i64>| members.iter().filter(|id| set.contains(id)).count() as u64;
        Measurement {
            at: moment.at,
            members: members.len() as u64,
            converted_since: count(&since),
            converted_recently: count(&recent),
            engaged: count(&engaged),
            emailable: count(&emailable),
        }
    }

    fn query_pairs(workspace: &Workspace, sql: &str) -> HashMap<i64, i64> {
        let mut statement = workspace.conn().prepare(sql).unwrap();
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn every_metric_agrees_with_members_and_events_read_from_sql() {
        let (_dir, workspace) = demo();
        let segments = saved::list(&workspace).unwrap();
        let populations: Vec<RuleGroup> = segments
            .iter()
            .map(|s| metrics::segment_population(s.id))
            .collect();
        let moments: Vec<Moment> = [0, 20, 75, 200]
            .iter()
            .map(|days_back| Moment {
                at: ANCHOR - days_back * DAY,
                conversions_since: ANCHOR - (days_back + 60) * DAY,
            })
            .collect();
        let rules: Vec<&RuleGroup> = populations.iter().collect();
        let measured =
            metrics::measure(&workspace, &rules, &["purchase".to_owned()], &moments).unwrap();
        let mut non_trivial = 0;
        for ((segment, rules), row) in segments.iter().zip(&populations).zip(&measured) {
            for (moment, measurement) in moments.iter().zip(row) {
                let expected = reference(&workspace, rules, *moment);
                assert_eq!(*measurement, expected, "{} at {}", segment.name, moment.at);
                if expected.converted_recently > 0 && expected.engaged > 0 {
                    non_trivial += 1;
                }
            }
        }
        assert!(non_trivial > 5, "the demo data exercises the metrics");
    }

    fn draft(subject: GoalSubject, metric: Metric, target: f64) -> GoalDraft {
        GoalDraft {
            name: String::new(),
            subject,
            metric,
            target,
            start: "2026-09-01".to_owned(),
            deadline: "2026-12-31".to_owned(),
            objective: "faster-conversion".to_owned(),
            outcome_types: Vec::new(),
        }
    }

    #[test]
    fn a_goal_measures_its_baseline_at_the_start_and_progress_at_any_date() {
        let (_dir, mut workspace) = demo();
        let segment = saved::list(&workspace).unwrap()[0].clone();
        let subject = GoalSubject::Segment(segment.id);
        let now = ANCHOR;
        let start_at = day_start(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        let size_then = baseline(&workspace, &draft(subject, Metric::Size, 1.0), now).unwrap();
        assert_eq!(size_then.at, start_at.min(now));
        let goals_before = list(&workspace).unwrap().len();
        let goal = add(
            &mut workspace,
            &draft(subject, Metric::Size, size_then.value + 50.0),
            now,
        )
        .unwrap();
        assert_eq!(goal.baseline, size_then.value);
        assert_eq!(goal.objective_label, "Faster conversion");
        for as_of in [start_at - DAY, start_at, start_at + 30 * DAY, now] {
            let progress = progress(&workspace, goal.id, as_of).unwrap();
            let direct = reference(
                &workspace,
                &metrics::segment_population(segment.id),
                Moment {
                    at: as_of,
                    conversions_since: start_at,
                },
            );
            assert_eq!(progress.current, direct.members as f64);
            if as_of < start_at {
                assert_eq!(progress.status, GoalStatus::NotStarted);
                assert!(progress.trajectory.is_empty());
            } else {
                let last = progress.trajectory.last().unwrap();
                assert_eq!((last.at, last.value), (as_of, progress.current));
                assert_eq!(progress.trajectory[0].expected, goal.baseline);
                assert!(progress.trajectory.len() <= MAX_TRAJECTORY_POINTS);
            }
        }
        assert_eq!(list(&workspace).unwrap().len(), goals_before + 1);
        delete(&mut workspace, goal.id).unwrap();
        assert!(matches!(
            get(&workspace, goal.id),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn drafts_with_impossible_values_are_refused_saying_which_and_why() {
        let (_dir, mut workspace) = demo();
        let segment = saved::list(&workspace).unwrap()[0].id;
        let subject = GoalSubject::Segment(segment);
        let refuse = |workspace: &mut Workspace, draft: GoalDraft| {
            add(workspace, &draft, ANCHOR).unwrap_err().to_string()
        };
        let rate = refuse(
            &mut workspace,
            draft(subject, Metric::ConversionRate, 140.0),
        );
        assert!(rate.contains("target 140 is not a rate"), "{rate}");
        let mut backwards = draft(subject, Metric::Size, 10.0);
        backwards.deadline = "2026-08-01".to_owned();
        let dates = refuse(&mut workspace, backwards);
        assert!(
            dates.contains("deadline 2026-08-01 is not after its start 2026-09-01"),
            "{dates}"
        );
        let base = baseline(&workspace, &draft(subject, Metric::Size, 1.0), ANCHOR).unwrap();
        let same = refuse(&mut workspace, draft(subject, Metric::Size, base.value));
        assert!(same.contains("equals its baseline"), "{same}");
        let conversions = baseline(
            &workspace,
            &draft(subject, Metric::Conversions, 1.0),
            ANCHOR,
        )
        .unwrap();
        if conversions.value > 0.0 {
            let fewer = refuse(&mut workspace, draft(subject, Metric::Conversions, 0.0));
            assert!(fewer.contains("only add up"), "{fewer}");
        }
        let mut bad_date = draft(subject, Metric::Size, 10.0);
        bad_date.start = "Sept 1".to_owned();
        assert!(refuse(&mut workspace, bad_date).contains("start `Sept 1` is not a date"));
        let missing = refuse(
            &mut workspace,
            draft(GoalSubject::Stream(999), Metric::Size, 1.0),
        );
        assert!(missing.contains("999"), "{missing}");
    }

    #[test]
    fn a_stream_goal_measures_the_leads_of_its_entry_segments() {
        let (_dir, mut workspace) = demo();
        let Some(stream) = streams::list(&workspace)
            .unwrap()
            .into_iter()
            .find(|s| !s.definition.entry_segments.is_empty())
        else {
            panic!("the demo has a stream with an entry segment");
        };
        let base = baseline(
            &workspace,
            &draft(GoalSubject::Stream(stream.id), Metric::Size, 1.0),
            ANCHOR,
        )
        .unwrap();
        let mut union = HashSet::new();
        for id in &stream.definition.entry_segments {
            let rules = saved::get(&workspace, *id).unwrap().rules;
            let at = base.at;
            let created: HashMap<i64, i64> =
                query_pairs(&workspace, "SELECT id, created_at FROM leads");
            union.extend(
                segments::members(&workspace, &rules, at, 0, usize::MAX)
                    .unwrap()
                    .into_iter()
                    .filter(|id| created[id] <= at),
            );
        }
        assert_eq!(base.value, union.len() as f64);
        let goal = add(
            &mut workspace,
            &draft(
                GoalSubject::Stream(stream.id),
                Metric::Size,
                base.value + 5.0,
            ),
            ANCHOR,
        )
        .unwrap();
        assert_eq!(goal.subject_name, stream.name);
    }
}
