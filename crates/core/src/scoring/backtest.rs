//! Proving a model on the workspace's own history: score every lead as of a
//! past date T with only what was known then, and see who converted in the
//! window after T: conversion by band and by score decile, the lift of each
//! decile, and the ROC AUC ([`ModelReport`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::engine::{CompiledModel, LeadScore, Scorer};
use super::model::ModelDefinition;
use crate::insights::outcome::{conversions, Outcome, Period, Rate};
use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::{self, compile, RuleGroup};
use crate::text::fold_key;
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// The longest back-test window, in days.
pub const MAX_WINDOW_DAYS: u32 = 3_650;

/// Conversion among the leads of one band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BandRow {
    pub band: String,
    /// Leads in the band, and how many of them converted.
    pub rate: Rate,
    /// The band's rate over the population's; `None` when nobody converted.
    #[ts(optional)]
    pub lift: Option<f64>,
}

/// Conversion among one tenth of the leads by score (decile 1: the top
/// scores).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DecileRow {
    pub decile: u8,
    pub min_score: f64,
    pub max_score: f64,
    pub rate: Rate,
    #[ts(optional)]
    pub lift: Option<f64>,
    /// The share of all conversions found in this decile and the ones above
    /// it: the cumulative gains (lift chart) curve.
    pub cumulative_share: f64,
}

/// How well a model's scores tell converters from the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ModelReport {
    /// Leads scored, and how many converted.
    pub population: Rate,
    pub bands: Vec<BandRow>,
    pub deciles: Vec<DecileRow>,
    /// The probability that a random converter scores above a random
    /// non-converter (ties count half); `None` when either group is empty.
    #[ts(optional)]
    pub auc: Option<f64>,
}

/// The ROC AUC of `scores` against `converted` (Mann–Whitney U with
/// average ranks for ties); `None` when either class is empty.
pub fn roc_auc(scores: &[f64], converted: &[bool]) -> Option<f64> {
    let positives = converted.iter().filter(|&&c| c).count();
    let negatives = converted.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        // Ranks start+1 ..= end share their average.
        let average = (start + 1 + end) as f64 / 2.0;
        rank_sum += average * order[start..end].iter().filter(|&&i| converted[i]).count() as f64;
        start = end;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// The report on leads with these totals and outcomes under `definition`.
pub fn report(definition: &ModelDefinition, totals: &[f64], converted: &[bool]) -> ModelReport {
    let population = Rate::new(
        converted.iter().filter(|&&c| c).count() as u64,
        totals.len() as u64,
    );
    let mut per_band = vec![(0u64, 0u64); definition.bands.len()];
    for (&total, &hit) in totals.iter().zip(converted) {
        let slot = &mut per_band[definition.band_index(total)];
        slot.1 += 1;
        slot.0 += u64::from(hit);
    }
    let bands = definition
        .bands
        .iter()
        .zip(per_band)
        .map(|(band, (hits, leads))| {
            let rate = Rate::new(hits, leads);
            BandRow {
                band: band.name.clone(),
                lift: rate.lift_over(&population),
                rate,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..totals.len()).collect();
    order.sort_by(|&a, &b| totals[b].total_cmp(&totals[a]));
    let mut deciles = Vec::new();
    let mut found = 0u64;
    for decile in 0..10usize {
        let (from, to) = (decile * order.len() / 10, (decile + 1) * order.len() / 10);
        if from == to {
            continue;
        }
        let part = &order[from..to];
        let hits = part.iter().filter(|&&i| converted[i]).count() as u64;
        found += hits;
        let rate = Rate::new(hits, part.len() as u64);
        deciles.push(DecileRow {
            decile: decile as u8 + 1,
            min_score: totals[part[part.len() - 1]],
            max_score: totals[part[0]],
            lift: rate.lift_over(&population),
            rate,
            cumulative_share: if population.successes == 0 {
                0.0
            } else {
                found as f64 / population.successes as f64
            },
        });
    }
    ModelReport {
        population,
        bands,
        deciles,
        auc: roc_auc(totals, converted),
    }
}

/// A back-test's question: score as of `at`, count conversions in the
/// `window_days` after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BacktestRequest {
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub at: i64,
    pub window_days: u32,
    /// Outcome event types (default: purchase). Outcome rules have no date:
    /// evaluate a model against them instead.
    pub outcome: Outcome,
}

/// A back-test's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Backtest {
    #[ts(type = "number")]
    pub at: i64,
    #[ts(type = "number")]
    pub to: i64,
    /// Leads that existed at `at` and had not converted before it: the ones
    /// scored.
    pub report: ModelReport,
    /// The latest outcome event in the workspace (seconds since the epoch),
    /// if any: when it is before `to`, the data may stop before the window
    /// ends, and later conversions are not in it yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub last_outcome_at: Option<i64>,
}

/// The leads created before `at`, as a rule.
pub(crate) fn created_before(at: i64) -> Result<RuleGroup> {
    let when = chrono::DateTime::from_timestamp(at, 0)
        .ok_or_else(|| Error::InvalidArgument(format!("{at} is not a date the app can read")))?;
    let json = serde_json::json!({
        "combinator": "and",
        "rules": [{"field": "created_at", "operator": "<", "value": when.to_rfc3339()}]
    });
    serde_json::from_value(json)
        .map_err(|e| Error::InvalidArgument(format!("the population rule: {e}")))
}

/// Back-tests `definition`: every lead created before `request.at` that had
/// not converted by then, scored as of `at` (events after it are invisible),
/// against whether it converted in `[at, at + window)`.
pub fn backtest(
    workspace: &Workspace,
    definition: &ModelDefinition,
    request: &BacktestRequest,
) -> Result<Backtest> {
    if request.window_days == 0 || request.window_days > MAX_WINDOW_DAYS {
        return Err(Error::InvalidArgument(format!(
            "the back-test window is {} days: choose 1 to {MAX_WINDOW_DAYS}",
            request.window_days
        )));
    }
    if request.outcome.rules.is_some() {
        return Err(Error::InvalidArgument(
            "a back-test needs outcome events with dates; to test a model against a field such as `Converted`, evaluate it against that field".into(),
        ));
    }
    let at = request.at;
    let to = at + i64::from(request.window_days) * SECONDS_PER_DAY;
    let model = CompiledModel::compile(workspace, definition)?;
    let population = compile::compile(workspace.conn(), &created_before(at)?)?;
    segments::with_index(workspace, |index| {
        model.prepare(workspace, index)?;
        let mut fields = Vec::new();
        segments::index::fields_of(&population, &mut fields);
        index.load_fields(workspace.conn(), &fields)?;
        index.prepare(workspace.conn(), &population)?;
        let existing = index.evaluate(&population, at);
        let before = conversions(
            workspace,
            index,
            &request.outcome,
            Period {
                from: i64::MIN,
                to: at,
            },
        )?;
        let after = conversions(workspace, index, &request.outcome, Period { from: at, to })?;
        let mut scored = existing;
        let mut converted_before = before.converted;
        converted_before.negate();
        scored.and_with(&converted_before);
        let last_outcome_at = last_outcome_at(index, &request.outcome);
        let scorer = Scorer::new(&model, index, at);
        let (totals, converted) = totals_and_outcomes(&scorer, &scored, &after.converted);
        Ok(Backtest {
            at,
            to,
            report: report(definition, &totals, &converted),
            last_outcome_at,
        })
    })
}

/// The latest event of the outcome's types (events loaded).
fn last_outcome_at(index: &LeadIndex, outcome: &Outcome) -> Option<i64> {
    let mut keys: Vec<String> = outcome.event_types.iter().map(|t| fold_key(t)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.iter()
        .flat_map(|key| {
            (0..index.len()).filter_map(move |row| index.event_times(key, row).last().copied())
        })
        .max()
}

/// The totals of the rows in `scored` and whether each is in `converted`.
fn totals_and_outcomes(
    scorer: &Scorer<'_>,
    scored: &Bitset,
    converted: &Bitset,
) -> (Vec<f64>, Vec<bool>) {
    scored
        .ones()
        .map(|row| {
            let LeadScore { total, .. } = scorer.score(row);
            (total, converted.get(row))
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_a_pairwise_count() {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2];
        let converted = [false, true, false, true, false, true, true];
        let mut pairs = 0.0;
        let mut wins = 0.0;
        for (i, &si) in scores.iter().enumerate() {
            for (j, &sj) in scores.iter().enumerate() {
                if converted[i] && !converted[j] {
                    pairs += 1.0;
                    wins += if si > sj {
                        1.0
                    } else if si == sj {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        assert!((roc_auc(&scores, &converted).unwrap() - wins / pairs).abs() < 1e-12);
        assert_eq!(roc_auc(&[1.0], &[true]), None);
    }

    #[test]
    fn deciles_cover_every_lead_once_and_gains_reach_one() {
        let totals: Vec<f64> = (0..95).map(f64::from).collect();
        let converted: Vec<bool> = (0..95).map(|i| i % 3 == 0).collect();
        let report = report(&ModelDefinition::default(), &totals, &converted);
        let leads: u64 = report.deciles.iter().map(|d| d.rate.trials).sum();
        assert_eq!(leads, 95);
        assert_eq!(report.deciles[0].decile, 1);
        assert!(report.deciles[0].min_score >= report.deciles[1].max_score);
        assert!((report.deciles.last().unwrap().cumulative_share - 1.0).abs() < 1e-12);
        let in_bands: u64 = report.bands.iter().map(|b| b.rate.trials).sum();
        assert_eq!(in_bands, 95);
    }

    mod on_history {
        use super::super::*;
        use crate::scoring::model::{ScoreKind, ScoreRule};
        use crate::store::tables::events::EventInserter;
        use crate::store::tables::leads::{LeadInserter, NewLead};

        const DAY: i64 = 86_400;
        const T: i64 = 1_780_000_000;

        /// Leads 1–20 exist before T; the even ones downloaded before T and
        /// 8 of them buy after it, 1 odd one does. Lead 21 is created after
        /// T; lead 19 bought before T; lead 2 downloads again after T.
        fn workspace() -> (tempfile::TempDir, Workspace) {
            let dir = tempfile::tempdir().unwrap();
            let mut workspace = Workspace::create(dir.path().join("backtest.leadstream")).unwrap();
            let tx = workspace.conn_mut().unwrap().transaction().unwrap();
            {
                let mut leads = LeadInserter::new(&tx).unwrap();
                let mut events = EventInserter::new(&tx).unwrap();
                for id in 1..=21 {
                    let created = if id == 21 { T + DAY } else { T - 50 * DAY };
                    leads
                        .insert(&NewLead {
                            id,
                            created_at: created,
                            updated_at: created,
                            ..NewLead::default()
                        })
                        .unwrap();
                }
                for id in (2..=20).step_by(2) {
                    events.insert(id, "download", T - 5 * DAY, "{}").unwrap();
                }
                for id in (2..=16).step_by(2) {
                    events.insert(id, "purchase", T + 3 * DAY, "{}").unwrap();
                }
                events.insert(1, "purchase", T + 3 * DAY, "{}").unwrap();
                events.insert(19, "purchase", T - 3 * DAY, "{}").unwrap();
                events.insert(21, "purchase", T + 3 * DAY, "{}").unwrap();
                events.insert(3, "download", T + DAY, "{}").unwrap();
            }
            tx.commit().unwrap();
            (dir, workspace)
        }

        fn model() -> ModelDefinition {
            ModelDefinition {
                rules: vec![ScoreRule {
                    label: "Download".into(),
                    kind: ScoreKind::Engagement,
                    when: None,
                    each: Some(serde_json::json!({"type": "download"})),
                    points: 30.0,
                    cap: None,
                }],
                ..ModelDefinition::default()
            }
        }

        #[test]
        fn scores_the_leads_known_at_t_with_what_was_known_then() {
            let (_dir, workspace) = workspace();
            let request = BacktestRequest {
                at: T,
                window_days: 30,
                outcome: Outcome::default(),
            };
            let result = backtest(&workspace, &model(), &request).unwrap();
            // 20 leads existed; lead 19 had already bought: 19 scored, 9 bought.
            assert_eq!(result.report.population.trials, 19);
            assert_eq!(result.report.population.successes, 9);
            // 9 buyers × 10 others: 8 downloading buyers beat the 8 other
            // non-downloaders (64) and tie the 2 downloaders who did not buy
            // (8 × 0.5 × 2), lead 1 ties the 8 (4): 76 of 90 pairs.
            let auc = result.report.auc.unwrap();
            assert!((auc - 76.0 / 90.0).abs() < 1e-12, "{auc}");
            // Lead 3's download after T changes nothing: same as without it.
            let warm = result
                .report
                .bands
                .iter()
                .find(|b| b.band == "warm")
                .unwrap();
            assert_eq!(warm.rate.trials, 10);
            assert_eq!(warm.rate.successes, 8);
            assert_eq!(result.last_outcome_at, Some(T + 3 * DAY));
        }

        #[test]
        fn refuses_an_absurd_window_and_outcome_rules() {
            let (_dir, workspace) = workspace();
            let mut request = BacktestRequest {
                at: T,
                window_days: 0,
                outcome: Outcome::default(),
            };
            let message = backtest(&workspace, &model(), &request)
                .unwrap_err()
                .to_string();
            assert!(message.contains("choose 1 to 3650"), "{message}");
            request.window_days = 30;
            request.outcome.rules =
                Some(serde_json::from_str(r#"{"combinator":"and","rules":[]}"#).unwrap());
            let message = backtest(&workspace, &model(), &request)
                .unwrap_err()
                .to_string();
            assert!(
                message.contains("evaluate it against that field"),
                "{message}"
            );
        }
    }
}
