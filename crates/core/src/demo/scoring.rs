//! The demo's active scoring model, "Demo scoring" (`scoring-model.json`):
//! fit on persona, company size and industry, engagement on downloads,
//! pricing page views, e-mail clicks, webinars, trials and demo requests
//! with a 30-day half-life, and negative points for unsubscribed leads and
//! students or free e-mail addresses. Saved, activated and run as of the
//! end of the demo's "today" when the demo is generated, as stored scores are.

use crate::scoring::{self, ModelDefinition, ScoringModel};
use crate::{Error, Result, Workspace};

/// The demo model's name.
pub const DEMO_MODEL_NAME: &str = "Demo scoring";

/// The demo model's definition.
pub fn demo_model() -> Result<ModelDefinition> {
    serde_json::from_str(include_str!("scoring-model.json"))
        .map_err(|e| Error::InvalidArgument(format!("the demo scoring model cannot be read: {e}")))
}

/// Saves the demo model, makes it the active one and stores every lead's
/// scores as of `as_of`.
pub(super) fn install_demo_scoring(workspace: &mut Workspace, as_of: i64) -> Result<ScoringModel> {
    let saved = scoring::save_model(workspace, None, DEMO_MODEL_NAME, &demo_model()?)?;
    scoring::activate_model_as_of(workspace, saved.id, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoSpec};
    use crate::insights::outcome::Outcome;
    use crate::scoring::{backtest, BacktestRequest};
    use crate::time::SECONDS_PER_DAY;

    const ANCHOR: i64 = 1_790_000_000; // 2026-09-21

    fn demo(leads: u32) -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        let spec = DemoSpec {
            leads,
            ..DemoSpec::standard(ANCHOR)
        };
        generate(&mut workspace, &spec).unwrap();
        workspace
    }

    #[test]
    fn the_demo_model_checks_and_is_active_with_every_lead_scored() {
        demo_model().unwrap().check().unwrap();
        let workspace = demo(400);
        let active = scoring::active_model(&workspace).unwrap().unwrap();
        assert_eq!(active.name, DEMO_MODEL_NAME);
        let scored: i64 = workspace
            .conn()
            .query_row("SELECT count(score_band) FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(scored, 400);
        let last = scoring::last_run(&workspace).unwrap().unwrap();
        assert_eq!(last.as_of, crate::time::end_of_day_utc(ANCHOR));
        assert_eq!(last.bands.iter().map(|b| b.leads).sum::<u64>(), 400);
        assert!(
            last.bands.iter().filter(|b| b.leads > 0).count() >= 3,
            "the demo's leads fall in several bands: {:?}",
            last.bands
        );
    }

    /// One lead's scores recomputed without the scoring engine: each `when`
    /// rule by the one-lead reference evaluator (`segments::explain`), each
    /// `each` rule from the lead's events read straight from SQL, with the
    /// model's 30-day half-life and caps written out here.
    fn reference_scores(workspace: &Workspace, lead_id: i64, as_of: i64) -> (f64, f64) {
        let model = demo_model().unwrap();
        let (mut fit, mut engagement) = (0.0, 0.0);
        for rule in &model.rules {
            let points = match (&rule.when, &rule.each) {
                (Some(rules), _) => {
                    let matched = crate::segments::explain(workspace, rules, lead_id, as_of)
                        .unwrap()
                        .matched;
                    if matched {
                        rule.points
                    } else {
                        0.0
                    }
                }
                (None, Some(each)) => {
                    let event_type = each["type"].as_str().unwrap();
                    let url = each["where"]["rules"][0]["value"].as_str();
                    let mut statement = workspace
                        .conn()
                        .prepare(
                            "SELECT occurred_at, properties FROM events \
                             WHERE lead_id = ?1 AND type = ?2 AND occurred_at <= ?3",
                        )
                        .unwrap();
                    let events: Vec<(i64, String)> = statement
                        .query_map(rusqlite::params![lead_id, event_type, as_of], |r| {
                            Ok((
                                r.get(0)?,
                                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                            ))
                        })
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap();
                    let sum: f64 = events
                        .iter()
                        .filter(|(_, properties)| {
                            url.is_none_or(|url| {
                                let parsed: serde_json::Value =
                                    serde_json::from_str(properties).unwrap_or_default();
                                parsed["url"].as_str() == Some(url)
                            })
                        })
                        .map(|(at, _)| {
                            let age_days = (as_of - at) as f64 / SECONDS_PER_DAY as f64;
                            rule.points * 0.5f64.powf(age_days / 30.0)
                        })
                        .sum();
                    rule.cap.map_or(sum, |cap| sum.min(cap))
                }
                (None, None) => unreachable!(),
            };
            match rule.kind {
                crate::scoring::ScoreKind::Fit => fit += points,
                crate::scoring::ScoreKind::Engagement => engagement += points,
            }
        }
        (fit, engagement)
    }

    /// The stored score fields of every lead agree with an independent
    /// computation (a sample of leads, recomputed from SQL and the reference
    /// evaluator), with the grade and band of the model's thresholds, and
    /// with `score_all` for every lead; a segment on the band counts the
    /// leads stored in it.
    #[test]
    fn stored_scores_agree_with_a_reference_computation() {
        let workspace = demo(600);
        let model = demo_model().unwrap();
        let stored: Vec<(i64, f64, f64, f64, String, String)> = workspace
            .conn()
            .prepare(
                "SELECT id, score_fit, score_engagement, score_total, score_grade, score_band \
                 FROM leads ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let scored_as_of = crate::time::end_of_day_utc(ANCHOR);
        let computed = crate::scoring::score_all(&workspace, &model, scored_as_of).unwrap();
        assert_eq!(stored.len(), computed.len());
        for ((id, fit, engagement, total, grade, band), (computed_id, score)) in
            stored.iter().zip(&computed)
        {
            assert_eq!(id, computed_id);
            assert_eq!(
                (*fit, *engagement, *total),
                (score.fit, score.engagement, score.total)
            );
            assert_eq!(grade, &model.grade(*fit, *engagement), "lead {id}");
            assert_eq!(
                band,
                &model.bands[model.band_index(*total)].name,
                "lead {id}"
            );
        }
        for (id, fit, engagement, total, _, _) in stored.iter().step_by(7) {
            let (expected_fit, expected_engagement) =
                reference_scores(&workspace, *id, scored_as_of);
            assert!(
                (fit - expected_fit).abs() < 1e-9,
                "lead {id} fit {fit} ≠ {expected_fit}"
            );
            assert!(
                (engagement - expected_engagement).abs() < 1e-6,
                "lead {id} engagement {engagement} ≠ {expected_engagement}"
            );
            assert!((total - (fit + engagement)).abs() < 1e-9, "lead {id}");
        }
        for band in ["sales-ready", "hot", "warm", "cold"] {
            let rules: crate::segments::RuleGroup = serde_json::from_value(serde_json::json!({
                "combinator": "and",
                "rules": [{"field": "score_band", "operator": "=", "value": band}]
            }))
            .unwrap();
            let expected = stored.iter().filter(|s| s.5 == band).count() as u64;
            assert_eq!(
                crate::segments::count(&workspace, &rules, ANCHOR).unwrap(),
                expected,
                "{band}"
            );
        }
    }

    /// The demo's purchases follow behaviour (trials, demo requests and
    /// pricing views before a purchase), so scoring 60 days before its
    /// "today" ranks the next 60 days' buyers well above chance.
    #[test]
    fn a_back_test_of_the_demo_model_shows_real_lift() {
        let workspace = demo(DemoSpec::standard(ANCHOR).leads);
        let result = backtest(
            &workspace,
            &demo_model().unwrap(),
            &BacktestRequest {
                at: ANCHOR - 60 * SECONDS_PER_DAY,
                window_days: 60,
                outcome: Outcome::default(),
            },
        )
        .unwrap();
        let auc = result.report.auc.unwrap();
        assert!(auc > 0.6, "AUC {auc}");
        let top = result
            .report
            .deciles
            .iter()
            .max_by(|a, b| a.min_score.total_cmp(&b.min_score))
            .unwrap();
        let lift = top.lift.unwrap();
        assert!(lift > 1.5, "top decile lift {lift} (AUC {auc})");
        eprintln!("demo back-test: AUC {auc:.3}, top decile lift {lift:.2}");
    }
}
