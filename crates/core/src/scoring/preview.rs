//! What saving an edited model would change, before it is saved: every
//! lead scored with the saved and the edited model on the same warm index,
//! the leads in each band before and after, how many change band and
//! between which bands (the editor's live preview).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::engine::{CompiledModel, Scorer};
use super::model::ModelDefinition;
use crate::segments;
use crate::segments::index::LeadIndex;
use crate::{Result, Workspace};

/// The leads of one band before and after the edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BandCount {
    pub band: String,
    /// Leads in the band under the saved model (0 for a new model, or a
    /// band the edit adds).
    #[ts(type = "number")]
    pub before: u64,
    /// Leads in the band under the edited model (0 for a band it removes).
    #[ts(type = "number")]
    pub after: u64,
}

/// Leads that leave band `from` for band `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BandMove {
    pub from: String,
    pub to: String,
    #[ts(type = "number")]
    pub leads: u64,
}

/// How an edit moves leads between bands. Bands are told apart by name (a
/// renamed band is another band: a segment "score band is hot" loses its
/// members when "hot" is renamed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BandChanges {
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub as_of: i64,
    /// Leads scored.
    #[ts(type = "number")]
    pub leads: u64,
    /// Whether there is a saved model to compare with.
    pub has_before: bool,
    /// The edited model's bands in order, then the saved model's bands the
    /// edit no longer has.
    pub bands: Vec<BandCount>,
    /// Leads whose band differs (0 for a new model).
    #[ts(type = "number")]
    pub changed: u64,
    /// Each move between two bands, the largest first.
    pub moves: Vec<BandMove>,
}

/// Scores every lead with `saved` (when there is one) and `edited` as of
/// `as_of`, and counts the leads per band before and after.
pub fn band_changes(
    workspace: &Workspace,
    saved: Option<&ModelDefinition>,
    edited: &ModelDefinition,
    as_of: i64,
) -> Result<BandChanges> {
    let after_model = CompiledModel::compile(workspace, edited)?;
    let before_model = saved
        .map(|definition| CompiledModel::compile(workspace, definition))
        .transpose()?;
    segments::with_index(workspace, |index| {
        after_model.prepare(workspace, index)?;
        if let Some(model) = &before_model {
            model.prepare(workspace, index)?;
        }
        let index: &LeadIndex = index;
        let band_of = |model: &CompiledModel| -> Vec<usize> {
            Scorer::new(model, index, as_of)
                .score_all()
                .iter()
                .map(|score| model.definition.band_index(score.total))
                .collect()
        };
        let after = band_of(&after_model);
        let before = before_model.as_ref().map(band_of);
        Ok(count_changes(
            before_model.as_ref().map(|m| &m.definition),
            edited,
            before.as_deref(),
            &after,
            as_of,
        ))
    })
}

/// The counts of [`BandChanges`] from each lead's band index before (under
/// `saved`) and after (under `edited`).
fn count_changes(
    saved: Option<&ModelDefinition>,
    edited: &ModelDefinition,
    before: Option<&[usize]>,
    after: &[usize],
    as_of: i64,
) -> BandChanges {
    let mut bands: Vec<BandCount> = edited
        .bands
        .iter()
        .map(|band| BandCount {
            band: band.name.clone(),
            before: 0,
            after: 0,
        })
        .collect();
    for &slot in after {
        bands[slot].after += 1;
    }
    let mut changed = 0;
    let mut moves: Vec<BandMove> = Vec::new();
    if let (Some(saved), Some(before)) = (saved, before) {
        // The saved model's band i is at `position[i]` in `bands`.
        let position: Vec<usize> = saved
            .bands
            .iter()
            .map(
                |band| match bands.iter().position(|b| b.band == band.name) {
                    Some(at) => at,
                    None => {
                        bands.push(BandCount {
                            band: band.name.clone(),
                            before: 0,
                            after: 0,
                        });
                        bands.len() - 1
                    }
                },
            )
            .collect();
        let mut pairs = vec![0u64; bands.len() * bands.len()];
        for (&was, &now) in before.iter().zip(after) {
            let from = position[was];
            bands[from].before += 1;
            if from != now {
                changed += 1;
                pairs[from * bands.len() + now] += 1;
            }
        }
        for (at, &leads) in pairs.iter().enumerate() {
            if leads > 0 {
                moves.push(BandMove {
                    from: bands[at / bands.len()].band.clone(),
                    to: bands[at % bands.len()].band.clone(),
                    leads,
                });
            }
        }
        moves.sort_by_key(|m| std::cmp::Reverse(m.leads));
    }
    BandChanges {
        as_of,
        leads: after.len() as u64,
        has_before: saved.is_some(),
        bands,
        changed,
        moves,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::model::{Band, Decay, ScoreKind, ScoreRule};
    use crate::scoring::score_all;
    use crate::store::tables::events::EventInserter;
    use crate::store::tables::leads::{LeadInserter, NewLead};

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_780_000_000;

    /// Leads 1–10; leads 1–4 are executives; lead i downloaded i times.
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("preview.leadstream")).unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        {
            let mut leads = LeadInserter::new(&tx).unwrap();
            let mut events = EventInserter::new(&tx).unwrap();
            for id in 1..=10 {
                leads
                    .insert(&NewLead {
                        id,
                        persona: (id <= 4).then_some("Executive"),
                        created_at: NOW - 100 * DAY,
                        updated_at: NOW - 100 * DAY,
                        ..NewLead::default()
                    })
                    .unwrap();
                for n in 0..id {
                    events.insert(id, "download", NOW - n * DAY, "{}").unwrap();
                }
            }
        }
        tx.commit().unwrap();
        (dir, workspace)
    }

    fn model(download_points: f64) -> ModelDefinition {
        let persona = serde_json::from_str(
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Executive"}]}"#,
        )
        .unwrap();
        ModelDefinition {
            rules: vec![
                ScoreRule {
                    label: "Executive".into(),
                    kind: ScoreKind::Fit,
                    when: Some(persona),
                    each: None,
                    points: 30.0,
                    cap: None,
                },
                ScoreRule {
                    label: "Download".into(),
                    kind: ScoreKind::Engagement,
                    when: None,
                    each: Some(serde_json::json!({"type": "download"})),
                    points: download_points,
                    cap: None,
                },
            ],
            decay: Decay::None,
            ..ModelDefinition::default()
        }
    }

    /// The bands counted straight from `score_all`, by name.
    fn reference(workspace: &Workspace, model: &ModelDefinition) -> Vec<String> {
        score_all(workspace, model, NOW)
            .unwrap()
            .into_iter()
            .map(|(_, s)| model.bands[model.band_index(s.total)].name.clone())
            .collect()
    }

    #[test]
    fn a_new_model_has_only_after_counts() {
        let (_dir, workspace) = workspace();
        let edited = model(5.0);
        let changes = band_changes(&workspace, None, &edited, NOW).unwrap();
        assert!(!changes.has_before);
        assert_eq!(changes.leads, 10);
        assert_eq!(changes.changed, 0);
        assert!(changes.moves.is_empty());
        let names = reference(&workspace, &edited);
        for band in &changes.bands {
            assert_eq!(band.before, 0);
            let expected = names.iter().filter(|n| **n == band.band).count() as u64;
            assert_eq!(band.after, expected, "{}", band.band);
        }
    }

    #[test]
    fn counts_the_leads_that_change_band_and_where_they_go() {
        let (_dir, workspace) = workspace();
        let (saved, edited) = (model(5.0), model(10.0));
        let changes = band_changes(&workspace, Some(&saved), &edited, NOW).unwrap();
        let (was, now) = (
            reference(&workspace, &saved),
            reference(&workspace, &edited),
        );
        let differ = was.iter().zip(&now).filter(|(a, b)| a != b).count() as u64;
        assert!(differ > 0);
        assert_eq!(changes.changed, differ);
        let moved: u64 = changes.moves.iter().map(|m| m.leads).sum();
        assert_eq!(moved, differ);
        for band in &changes.bands {
            let count = |names: &[String]| names.iter().filter(|n| **n == band.band).count() as u64;
            assert_eq!(band.before, count(&was), "before {}", band.band);
            assert_eq!(band.after, count(&now), "after {}", band.band);
        }
        for m in &changes.moves {
            let expected = was
                .iter()
                .zip(&now)
                .filter(|(a, b)| **a == m.from && **b == m.to)
                .count() as u64;
            assert_eq!(m.leads, expected, "{} → {}", m.from, m.to);
        }
    }

    /// The band of lead `id` worked out by hand from the data: 30 points
    /// for leads 1–4, `points` per download (lead i has i), no decay.
    fn band_by_hand(id: u64, points: f64) -> &'static str {
        let total = if id <= 4 { 30.0 } else { 0.0 } + id as f64 * points;
        match total {
            t if t >= 80.0 => "sales-ready",
            t if t >= 50.0 => "hot",
            t if t >= 20.0 => "warm",
            _ => "cold",
        }
    }

    #[test]
    fn agrees_with_the_bands_worked_out_by_hand() {
        let (_dir, workspace) = workspace();
        let changes = band_changes(&workspace, Some(&model(5.0)), &model(10.0), NOW).unwrap();
        let mut changed = 0;
        for band in &changes.bands {
            let count = |points: f64| {
                (1..=10)
                    .filter(|&id| band_by_hand(id, points) == band.band)
                    .count() as u64
            };
            assert_eq!(band.before, count(5.0), "before {}", band.band);
            assert_eq!(band.after, count(10.0), "after {}", band.band);
        }
        for id in 1..=10 {
            changed += u64::from(band_by_hand(id, 5.0) != band_by_hand(id, 10.0));
        }
        assert_eq!(changes.changed, changed);
        assert!(changed >= 5, "{changed}");
    }

    #[test]
    fn a_renamed_band_is_another_band_and_keeps_its_before_count() {
        let (_dir, workspace) = workspace();
        let saved = model(5.0);
        let mut edited = saved.clone();
        edited.bands[3] = Band {
            name: "frozen".into(),
            min: None,
        };
        let changes = band_changes(&workspace, Some(&saved), &edited, NOW).unwrap();
        let cold = changes.bands.iter().find(|b| b.band == "cold").unwrap();
        let frozen = changes.bands.iter().find(|b| b.band == "frozen").unwrap();
        assert_eq!(cold.after, 0);
        assert_eq!(frozen.before, 0);
        assert_eq!(cold.before, frozen.after);
        assert_eq!(changes.changed, cold.before);
        assert_eq!(changes.bands.last().unwrap().band, "cold");
        let unchanged = band_changes(&workspace, Some(&saved), &saved, NOW).unwrap();
        assert_eq!(unchanged.changed, 0);
    }

    /// The preview's time on a large workspace (docs/benchmarks.md): set
    /// `LEADSTREAM_PREVIEW_BENCH` to a copy of the 1M-lead workspace and run
    /// `cargo test --release -p leadstream-core --lib preview_on_a_large_workspace -- --ignored --nocapture`.
    #[test]
    #[ignore = "a benchmark: needs LEADSTREAM_PREVIEW_BENCH"]
    fn preview_on_a_large_workspace() {
        let Ok(path) = std::env::var("LEADSTREAM_PREVIEW_BENCH") else {
            panic!(
                "set LEADSTREAM_PREVIEW_BENCH to a workspace file (a copy: opening may migrate it)"
            );
        };
        let workspace = Workspace::open(&path).unwrap();
        let persona = serde_json::from_str(
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Technical decision maker"}]}"#,
        )
        .unwrap();
        let saved = ModelDefinition {
            rules: vec![
                ScoreRule {
                    label: "Technical buyer".into(),
                    kind: ScoreKind::Fit,
                    when: Some(persona),
                    each: None,
                    points: 30.0,
                    cap: None,
                },
                ScoreRule {
                    label: "Demo request".into(),
                    kind: ScoreKind::Engagement,
                    when: None,
                    each: Some(serde_json::json!({"type": "demo_request"})),
                    points: 25.0,
                    cap: Some(50.0),
                },
                ScoreRule {
                    label: "Page view".into(),
                    kind: ScoreKind::Engagement,
                    when: None,
                    each: Some(serde_json::json!({"type": "page_view"})),
                    points: 2.0,
                    cap: Some(20.0),
                },
            ],
            ..ModelDefinition::default()
        };
        let mut edited = saved.clone();
        edited.rules[0].points = 60.0;
        let now = crate::time::now();
        for run in ["cold (index built)", "warm", "warm"] {
            let started = std::time::Instant::now();
            let changes = band_changes(&workspace, Some(&saved), &edited, now).unwrap();
            eprintln!(
                "band_changes, {run}: {:?} for {} leads, {} change band",
                started.elapsed(),
                changes.leads,
                changes.changed
            );
        }
    }

    #[test]
    fn a_rule_that_does_not_compile_is_named() {
        let (_dir, workspace) = workspace();
        let mut edited = model(5.0);
        edited.rules[1].each = Some(serde_json::json!({"type": ""}));
        let message = band_changes(&workspace, None, &edited, NOW)
            .unwrap_err()
            .to_string();
        assert!(message.contains("scoring rule 2 (“Download”)"), "{message}");
    }
}
