//! Property and differential tests of scoring on generated demo workspaces
//! with random models: explanations add up to the scores; scores agree with
//! an independent computation from segment members and events read straight
//! from SQL; decay never makes a rule's points grow as time passes; events
//! after the scoring date change nothing; the ROC AUC agrees with the
//! pairwise definition.

// The whole module is test code (declared `#[cfg(test)]` in mod.rs); the
// marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
mod on_demo_workspaces {
    use std::collections::HashMap;

    use proptest::prelude::*;
    use serde_json::json;

    use crate::scoring::backtest::roc_auc;
    use crate::scoring::engine::{score_all, with_scorer};
    use crate::scoring::model::{Decay, ModelDefinition, ScoreKind, ScoreRule};
    use crate::segments::{self, RuleGroup};
    use crate::store::tables::events::EventInserter;
    use crate::Workspace;

    const ANCHOR: i64 = 1_790_000_000;
    const DAY: i64 = 86_400;

    fn demo(seed: u64) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("properties.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 300,
            events_per_lead: 8,
            seed,
            anchor: ANCHOR,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        (dir, workspace)
    }

    fn group(json: serde_json::Value) -> RuleGroup {
        serde_json::from_value(json!({"combinator": "and", "rules": [json]})).unwrap()
    }

    /// The `when` conditions a random rule may take.
    fn when_rules() -> Vec<RuleGroup> {
        vec![
            group(
                json!({"field": "persona", "operator": "=", "value": "Executive decision maker"}),
            ),
            group(json!({"field": "employees", "operator": ">=", "value": 200})),
            group(
                json!({"field": "country", "operator": "in", "value": ["United States", "Germany"]}),
            ),
            group(
                json!({"field": "event", "operator": "performed", "value": {"type": "download", "min": 2}}),
            ),
            group(json!({"field": "event", "operator": "performed",
                         "value": {"type": "webinar_attend", "inLast": {"amount": 30, "unit": "days"}}})),
        ]
    }

    /// The event types `each` rules may count (plain, so that SQL can recount them).
    const EACH_TYPES: [&str; 5] = [
        "page_view",
        "download",
        "email_click",
        "demo_request",
        "Trial_Start",
    ];

    /// A random rule: (is `each`, which condition, points, cap).
    type RuleSpec = (bool, usize, i32, Option<u8>);

    fn model_of(rules: &[RuleSpec], decay: &Decay) -> ModelDefinition {
        let whens = when_rules();
        let rules = rules
            .iter()
            .enumerate()
            .map(|(i, &(each, which, points, cap))| ScoreRule {
                label: format!("rule {i}"),
                kind: if each {
                    ScoreKind::Engagement
                } else {
                    ScoreKind::Fit
                },
                when: (!each).then(|| whens[which % whens.len()].clone()),
                each: each.then(|| json!({"type": EACH_TYPES[which % EACH_TYPES.len()]})),
                points: f64::from(points) / 2.0,
                cap: cap.map(f64::from),
            })
            .collect();
        ModelDefinition {
            rules,
            decay: *decay,
            ..ModelDefinition::default()
        }
    }

    fn rule_specs() -> impl Strategy<Value = Vec<RuleSpec>> {
        prop::collection::vec(
            (
                any::<bool>(),
                0usize..10,
                -60i32..60,
                prop::option::of(1u8..40),
            ),
            1..7,
        )
    }

    fn decays() -> impl Strategy<Value = Decay> {
        prop_oneof![
            Just(Decay::None),
            (1u32..120).prop_map(|days| Decay::HalfLife {
                days: f64::from(days)
            }),
            (1u32..120).prop_map(|days| Decay::Window {
                days: f64::from(days)
            }),
        ]
    }

    /// Each lead's events as SQL gives them: (folded type, time).
    fn events_by_lead(workspace: &Workspace) -> HashMap<i64, Vec<(String, i64)>> {
        let mut statement = workspace
            .conn()
            .prepare("SELECT lead_id, type, occurred_at FROM events")
            .unwrap();
        let mut by_lead: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (lead, kind, at) = row.unwrap();
            by_lead
                .entry(lead)
                .or_default()
                .push((kind.to_lowercase(), at));
        }
        by_lead
    }

    /// Every lead's total recomputed without the engine: `when` rules from the
    /// members the segment evaluator exports, `each` rules from SQL events with
    /// the decay and cap written out again.
    fn reference_totals(
        workspace: &Workspace,
        model: &ModelDefinition,
        as_of: i64,
    ) -> HashMap<i64, f64> {
        let leads =
            segments::members(workspace, &RuleGroup::everyone(), as_of, 0, usize::MAX).unwrap();
        let events = events_by_lead(workspace);
        let mut totals: HashMap<i64, f64> = leads.iter().map(|&id| (id, 0.0)).collect();
        for rule in &model.rules {
            let capped = |raw: f64| match rule.cap {
                Some(cap) if raw.abs() > cap => cap.copysign(raw),
                _ => raw,
            };
            if let Some(when) = &rule.when {
                for id in segments::members(workspace, when, as_of, 0, usize::MAX).unwrap() {
                    *totals.get_mut(&id).unwrap() += capped(rule.points);
                }
                continue;
            }
            let kind = rule.each.as_ref().unwrap()["type"]
                .as_str()
                .unwrap()
                .to_lowercase();
            for &id in &leads {
                let raw: f64 = events
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .filter(|(t, at)| *t == kind && *at <= as_of)
                    .map(|&(_, at)| {
                        let age_days = (as_of - at) as f64 / DAY as f64;
                        match model.decay {
                            Decay::None => rule.points,
                            Decay::HalfLife { days } => rule.points * 2f64.powf(-age_days / days),
                            Decay::Window { days } if age_days < days => rule.points,
                            Decay::Window { .. } => 0.0,
                        }
                    })
                    .sum();
                *totals.get_mut(&id).unwrap() += capped(raw);
            }
        }
        totals
    }

    /// The engine's totals as of `as_of`, each checked against the reference
    /// (equal up to float noise). Reports are then checked on these exact
    /// totals: the reference's own rounding differs (2^-x against 0.5^x), so
    /// near-ties would otherwise rank differently in the two.
    fn checked_totals(
        workspace: &Workspace,
        model: &ModelDefinition,
        as_of: i64,
    ) -> HashMap<i64, f64> {
        let reference = reference_totals(workspace, model, as_of);
        let engine: HashMap<i64, f64> = score_all(workspace, model, as_of)
            .unwrap()
            .into_iter()
            .map(|(id, score)| (id, score.total))
            .collect();
        assert_eq!(engine.len(), reference.len());
        for (id, total) in &engine {
            assert!(
                (total - reference[id]).abs() < 1e-9,
                "lead {id}: {total} vs {}",
                reference[id]
            );
        }
        engine
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

        #[test]
        fn explanations_add_up_and_scores_agree_with_members_and_sql(
            rules in rule_specs(),
            decay in decays(),
            seed in 0u64..4,
            days_back in 0i64..200,
        ) {
            let (_dir, workspace) = demo(seed);
            let model = model_of(&rules, &decay);
            let as_of = ANCHOR - days_back * DAY;
            let reference = reference_totals(&workspace, &model, as_of);
            // (lead, score, explained total, explained fit, one-lead score).
            let rows = with_scorer(&workspace, &model, as_of, |index, scorer| {
                Ok(scorer
                    .score_all()
                    .into_iter()
                    .enumerate()
                    .map(|(row, score)| {
                        let explained = scorer.explain(row);
                        let sum: f64 = explained.iter().map(|r| r.points).sum();
                        let fit: f64 = explained
                            .iter()
                            .filter(|r| r.kind == ScoreKind::Fit)
                            .map(|r| r.points)
                            .sum();
                        (index.lead_id(row), score, sum, fit, scorer.score(row))
                    })
                    .collect::<Vec<_>>())
            })
            .unwrap();
            prop_assert_eq!(rows.len(), reference.len());
            for (lead, score, sum, fit, single) in rows {
                prop_assert!((sum - score.total).abs() < 1e-9, "lead {lead}: {sum} vs {score:?}");
                prop_assert!((fit - score.fit).abs() < 1e-9);
                prop_assert_eq!(score, single);
                let expected = reference[&lead];
                prop_assert!((expected - score.total).abs() < 1e-9,
                    "lead {lead}: engine {} vs reference {expected}", score.total);
            }
        }

        #[test]
        fn decay_never_makes_a_rule_give_more_as_time_passes(
            rules in rule_specs(),
            decay in decays(),
            later in 1i64..400,
        ) {
            let (_dir, workspace) = demo(1);
            // Only `each` rules: `when` rules may hold relative dates.
            let rules: Vec<RuleSpec> = rules.into_iter().map(|(_, w, p, c)| (true, w, p, c)).collect();
            let model = model_of(&rules, &decay);
            // The demo's events end before ANCHOR: no new event after it.
            let points_at = |as_of: i64| {
                with_scorer(&workspace, &model, as_of, |index, scorer| {
                    Ok((0..index.len())
                        .map(|row| {
                            let mut per_rule = vec![0.0f64; model.rules.len()];
                            for r in scorer.explain(row) {
                                per_rule[r.rule] = r.points;
                            }
                            (index.lead_id(row), per_rule)
                        })
                        .collect::<HashMap<i64, Vec<f64>>>())
                })
                .unwrap()
            };
            let now = points_at(ANCHOR);
            let then = points_at(ANCHOR + later * DAY);
            for (id, rules_now) in &now {
                for (rule, (&a, &b)) in rules_now.iter().zip(&then[id]).enumerate() {
                    prop_assert!(b.abs() <= a.abs() + 1e-12, "lead {id} rule {rule}: {a} then {b}");
                    prop_assert!(a * b >= 0.0, "a rule's points never change sign");
                }
            }
        }

        #[test]
        fn events_after_the_scoring_date_change_nothing(
            rules in rule_specs(),
            decay in decays(),
            days_back in 1i64..300,
            injected in prop::collection::vec((1i64..=300, 0usize..6, 0i64..400), 1..30),
        ) {
            let (_dir, mut workspace) = demo(2);
            let model = model_of(&rules, &decay);
            let at = ANCHOR - days_back * DAY;
            let before = score_all(&workspace, &model, at).unwrap();
            let tx = workspace.conn_mut()?.transaction().unwrap();
            {
                let mut events = EventInserter::new(&tx).unwrap();
                let types = ["page_view", "download", "webinar_attend", "demo_request", "trial_start", "email_click"];
                for (lead, kind, seconds_after) in injected {
                    // Strictly after `at`: one second to 400 days later.
                    let when = at + 1 + seconds_after * DAY;
                    events.insert(lead, types[kind], when, "{}").unwrap();
                }
            }
            tx.commit().unwrap();
            let after = score_all(&workspace, &model, at).unwrap();
            prop_assert_eq!(before, after);
        }

        #[test]
        fn evaluation_agrees_with_reference_scores_members_and_pairs(
            rules in rule_specs(),
            decay in decays(),
            holdout in any::<bool>(),
        ) {
            let (_dir, workspace) = demo(3);
            let model = model_of(&rules, &decay);
            let outcome = group(json!({"field": "lifecycle_stage", "operator": "=", "value": "Customer"}));
            let request = crate::scoring::EvaluateRequest {
                outcome_rules: outcome.clone(),
                as_of: Some(ANCHOR),
                holdout,
            };
            let evaluation = crate::scoring::evaluate(&workspace, &model, &request).unwrap();
            let totals = checked_totals(&workspace, &model, ANCHOR);
            let customers: std::collections::HashSet<i64> =
                segments::members(&workspace, &outcome, ANCHOR, 0, usize::MAX).unwrap().into_iter().collect();
            let leads: Vec<(f64, bool)> = totals
                .iter()
                .filter(|(id, _)| !holdout || crate::scoring::is_held_out(**id))
                .map(|(id, &total)| (total, customers.contains(id)))
                .collect();
            let report = &evaluation.report;
            prop_assert_eq!(report.population.trials, leads.len() as u64);
            prop_assert_eq!(report.population.successes, leads.iter().filter(|l| l.1).count() as u64);
            for (index, band) in report.bands.iter().enumerate() {
                let members: Vec<&(f64, bool)> =
                    leads.iter().filter(|(total, _)| model.band_index(*total) == index).collect();
                prop_assert_eq!(band.rate.trials, members.len() as u64, "band {}", band.band);
                prop_assert_eq!(band.rate.successes, members.iter().filter(|l| l.1).count() as u64);
            }
            let (mut wins, mut pairs) = (0.0, 0.0);
            for &(a, hit) in &leads {
                if !hit {
                    continue;
                }
                for &(b, other) in &leads {
                    if other {
                        continue;
                    }
                    pairs += 1.0;
                    wins += if a == b { 0.5 } else if a > b { 1.0 } else { 0.0 };
                }
            }
            match report.auc {
                Some(auc) => prop_assert!((auc - wins / pairs).abs() < 1e-9, "{auc} vs {}", wins / pairs),
                None => prop_assert_eq!(pairs, 0.0),
            }
        }

        #[test]
        fn backtests_agree_with_members_sql_events_and_pairs(
            rules in rule_specs(),
            decay in decays(),
            days_back in 30i64..250,
            window in 1u32..90,
        ) {
            let (_dir, workspace) = demo(0);
            let model = model_of(&rules, &decay);
            let at = ANCHOR - days_back * DAY;
            let request = crate::scoring::BacktestRequest {
                at,
                window_days: window,
                outcome: crate::insights::outcome::Outcome::default(),
            };
            let result = crate::scoring::backtest(&workspace, &model, &request).unwrap();
            // The population from segment members; purchases straight from SQL.
            let when = chrono::DateTime::from_timestamp(at, 0).unwrap().to_rfc3339();
            let created = group(json!({"field": "created_at", "operator": "<", "value": when}));
            let existed = segments::members(&workspace, &created, at, 0, usize::MAX).unwrap();
            let events = events_by_lead(&workspace);
            let bought = |id: i64, from: i64, to: i64| {
                events.get(&id).into_iter().flatten().any(|(t, x)| t == "purchase" && from <= *x && *x < to)
            };
            let end = at + i64::from(window) * DAY;
            // Scores as of `at` include events at `at`; the reference at `at` too.
            let totals = checked_totals(&workspace, &model, at);
            let leads: Vec<(f64, bool)> = existed
                .iter()
                .filter(|&&id| !bought(id, i64::MIN, at))
                .map(|&id| (totals[&id], bought(id, at, end)))
                .collect();
            let report = &result.report;
            prop_assert_eq!(report.population.trials, leads.len() as u64);
            prop_assert_eq!(report.population.successes, leads.iter().filter(|l| l.1).count() as u64);
            let mut sorted: Vec<f64> = leads.iter().map(|l| l.0).collect();
            sorted.sort_by(|a, b| b.total_cmp(a));
            for decile in &report.deciles {
                let from = (usize::from(decile.decile) - 1) * sorted.len() / 10;
                prop_assert!((decile.max_score - sorted[from]).abs() < 1e-9);
            }
            let (mut wins, mut pairs) = (0.0, 0.0);
            for &(a, hit) in &leads {
                for &(b, other) in &leads {
                    if hit && !other {
                        pairs += 1.0;
                        wins += if a == b { 0.5 } else if a > b { 1.0 } else { 0.0 };
                    }
                }
            }
            match report.auc {
                Some(auc) => prop_assert!((auc - wins / pairs).abs() < 1e-9, "{auc} vs {}", wins / pairs),
                None => prop_assert_eq!(pairs, 0.0),
            }
        }

        #[test]
        fn the_auc_agrees_with_the_pairwise_definition(
            pairs in prop::collection::vec((0u8..12, any::<bool>()), 1..200),
        ) {
            let scores: Vec<f64> = pairs.iter().map(|&(s, _)| f64::from(s)).collect();
            let converted: Vec<bool> = pairs.iter().map(|&(_, c)| c).collect();
            let (mut wins, mut count) = (0.0, 0.0);
            for (i, &si) in scores.iter().enumerate() {
                for (j, &sj) in scores.iter().enumerate() {
                    if converted[i] && !converted[j] {
                        count += 1.0;
                        wins += if si > sj { 1.0 } else if si == sj { 0.5 } else { 0.0 };
                    }
                }
            }
            match roc_auc(&scores, &converted) {
                Some(auc) => prop_assert!((auc - wins / count).abs() < 1e-12),
                None => prop_assert_eq!(count, 0.0),
            }
        }
    }
}
