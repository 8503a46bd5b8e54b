//! Differential test of the performance table and the action ranking (issue
//! 11's insights, here because it runs on the demo): on a generated demo
//! workspace, every number is recomputed from the members
//! that `segments::members` exports and the events read straight from SQL,
//! and must match.

use std::collections::{HashMap, HashSet};

use crate::insights::actions::actions;
use crate::insights::outcome::{Outcome, Period};
use crate::insights::performance::{performance, PerformanceSort};
use crate::segments::{self, saved, RuleGroup};
use crate::Workspace;

const ANCHOR: i64 = 1_790_000_000; // 2026-09-21
const DAY: i64 = 86_400;

/// One event as SQL gives it: (type, occurred_at, amount).
type Event = (String, i64, Option<f64>);

fn events_by_lead(workspace: &Workspace) -> HashMap<i64, Vec<Event>> {
    let mut statement = workspace
        .conn()
        .prepare(
            "SELECT lead_id, type, occurred_at, properties FROM events ORDER BY occurred_at, id",
        )
        .unwrap();
    let mut by_lead: HashMap<i64, Vec<Event>> = HashMap::new();
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (lead, kind, at, properties) = row.unwrap();
        let json: serde_json::Value = serde_json::from_str(&properties).unwrap();
        let amount = ["value", "amount", "revenue"]
            .iter()
            .find_map(|key| json.get(key).and_then(|v| v.as_f64()));
        by_lead
            .entry(lead)
            .or_default()
            .push((kind.to_lowercase(), at, amount));
    }
    by_lead
}

/// Each lead's first outcome event in the period, and the converted set.
fn reference_conversions(
    workspace: &Workspace,
    all: &[i64],
    events: &HashMap<i64, Vec<Event>>,
    outcome: &Outcome,
    period: Period,
) -> (HashMap<i64, i64>, HashSet<i64>) {
    let types: Vec<String> = outcome
        .event_types
        .iter()
        .map(|t| t.to_lowercase())
        .collect();
    let mut first_at = HashMap::new();
    for &lead in all {
        let first = events
            .get(&lead)
            .into_iter()
            .flatten()
            .filter(|(kind, at, _)| types.contains(kind) && period.contains(*at))
            .map(|(_, at, _)| *at)
            .min();
        if let Some(first) = first {
            first_at.insert(lead, first);
        }
    }
    let mut converted: HashSet<i64> = first_at.keys().copied().collect();
    if let Some(rules) = &outcome.rules {
        converted
            .extend(segments::members(workspace, rules, period.to - 1, 0, usize::MAX).unwrap());
    }
    (first_at, converted)
}

fn demo() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let mut workspace = Workspace::create(dir.path().join("diff.leadstream")).unwrap();
    let spec = crate::demo::DemoSpec {
        leads: 1_500,
        events_per_lead: 10,
        seed: 0x5eed,
        anchor: ANCHOR,
    };
    crate::demo::generate(&mut workspace, &spec).unwrap();
    (dir, workspace)
}

fn outcomes() -> Vec<Outcome> {
    vec![
        Outcome::default(),
        Outcome {
            event_types: vec!["demo_request".into(), "Purchase".into()],
            rules: Some(
                RuleGroup::from_json(
                    r#"{"combinator":"and","rules":[{"field":"lifecycle_stage","operator":"=","value":"Opportunity"}]}"#,
                )
                .unwrap(),
            ),
        },
    ]
}

#[test]
fn performance_matches_members_and_events_read_from_sql() {
    let (_dir, workspace) = demo();
    let events = events_by_lead(&workspace);
    let all = segments::members(&workspace, &RuleGroup::everyone(), 0, 0, usize::MAX).unwrap();
    let period = Period {
        from: ANCHOR - 90 * DAY,
        to: ANCHOR,
    };
    for outcome in outcomes() {
        let (_, converted) = reference_conversions(&workspace, &all, &events, &outcome, period);
        let types: Vec<String> = outcome
            .event_types
            .iter()
            .map(|t| t.to_lowercase())
            .collect();
        let report = performance(&workspace, &[], &outcome, period, PerformanceSort::Name).unwrap();
        assert_eq!(report.all_leads.conversion.trials, all.len() as u64);
        assert_eq!(
            report.all_leads.conversion.successes,
            converted.len() as u64
        );
        let segments_saved = saved::list(&workspace).unwrap();
        assert_eq!(report.segments.len(), segments_saved.len());
        for segment in &segments_saved {
            let row = report
                .segments
                .iter()
                .find(|r| r.segment_id == segment.id)
                .unwrap();
            let members =
                segments::members(&workspace, &segment.rules, period.from, 0, usize::MAX).unwrap();
            let n = members.len() as f64;
            let in_period = |lead: &i64| -> Vec<&Event> {
                events
                    .get(lead)
                    .into_iter()
                    .flatten()
                    .filter(|(_, at, _)| period.contains(*at))
                    .collect()
            };
            let won = members.iter().filter(|l| converted.contains(l)).count() as u64;
            let active = members.iter().filter(|l| !in_period(l).is_empty()).count() as u64;
            let per_lead = |kind: &str| {
                let total: usize = members
                    .iter()
                    .map(|l| in_period(l).iter().filter(|e| e.0 == kind).count())
                    .sum();
                if members.is_empty() {
                    0.0
                } else {
                    total as f64 / n
                }
            };
            let revenue: f64 = members
                .iter()
                .flat_map(in_period)
                .filter(|e| types.contains(&e.0))
                .map(|e| e.2.unwrap_or(0.0))
                .sum();
            let p = &row.performance;
            let what = format!("{} with {outcome:?}", segment.name);
            assert_eq!(p.conversion.trials, members.len() as u64, "{what}");
            assert_eq!(p.conversion.successes, won, "{what}");
            assert_eq!(p.engagement.active, active, "{what}");
            for (got, kind) in [
                (p.engagement.email_opens, "email_open"),
                (p.engagement.email_clicks, "email_click"),
                (p.engagement.page_views, "page_view"),
                (p.engagement.downloads, "download"),
            ] {
                assert!((got - per_lead(kind)).abs() < 1e-9, "{what}: {kind}");
            }
            assert!((p.revenue - revenue).abs() < 1e-6, "{what}: revenue");
            let baseline = report.all_leads.conversion.rate;
            let rate = won as f64 / n.max(1.0);
            assert_eq!(
                p.distinguishable,
                !members.is_empty()
                    && (baseline < p.conversion.low || baseline > p.conversion.high),
                "{what}"
            );
            if baseline > 0.0 {
                assert!((p.lift.unwrap() - rate / baseline).abs() < 1e-9, "{what}");
            }
        }
    }
    let purchases = &performance(
        &workspace,
        &[],
        &Outcome::default(),
        period,
        PerformanceSort::Rate,
    )
    .unwrap()
    .all_leads;
    assert!(
        purchases.conversion.successes > 20 && purchases.revenue > 0.0,
        "{purchases:?}"
    );
}

#[test]
fn action_ranking_matches_events_read_from_sql() {
    let (_dir, workspace) = demo();
    let events = events_by_lead(&workspace);
    let all = segments::members(&workspace, &RuleGroup::everyone(), 0, 0, usize::MAX).unwrap();
    let period = Period {
        from: ANCHOR - 90 * DAY,
        to: ANCHOR,
    };
    for outcome in outcomes() {
        let (first_at, converted) =
            reference_conversions(&workspace, &all, &events, &outcome, period);
        let types: Vec<String> = outcome
            .event_types
            .iter()
            .map(|t| t.to_lowercase())
            .collect();
        let report = actions(&workspace, &outcome, period).unwrap();
        let kinds: HashSet<&String> = events.values().flatten().map(|e| &e.0).collect();
        let mut expected = 0;
        for kind in kinds.into_iter().filter(|k| !types.contains(k)) {
            for at_least in [1usize, 2] {
                let did: Vec<i64> = all
                    .iter()
                    .copied()
                    .filter(|lead| {
                        let cutoff = first_at.get(lead).copied().unwrap_or(period.to);
                        let before = events
                            .get(lead)
                            .into_iter()
                            .flatten()
                            .filter(|e| &e.0 == kind && e.1 < cutoff)
                            .count();
                        before >= at_least
                    })
                    .collect();
                let found = report
                    .actions
                    .iter()
                    .find(|a| &a.event_type == kind && a.at_least as usize == at_least);
                if did.is_empty() {
                    assert!(found.is_none(), "{kind} ≥{at_least}");
                    continue;
                }
                expected += 1;
                let action = found.unwrap_or_else(|| panic!("{kind} ≥{at_least} is ranked"));
                let won = did.iter().filter(|l| converted.contains(l)).count() as u64;
                assert_eq!(
                    (action.did.successes, action.did.trials),
                    (won, did.len() as u64),
                    "{kind} ≥{at_least}"
                );
                assert_eq!(
                    (action.did_not.successes, action.did_not.trials),
                    (converted.len() as u64 - won, (all.len() - did.len()) as u64),
                    "{kind} ≥{at_least}"
                );
            }
        }
        assert_eq!(report.actions.len(), expected, "no other action is ranked");
    }
    let purchases = actions(&workspace, &Outcome::default(), period).unwrap();
    let top = &purchases.actions[0];
    assert!(
        ["trial_start", "demo_request"].contains(&top.event_type.as_str()) && top.distinguishable,
        "the demo's buying journey predicts purchases: {top:?}"
    );
}
