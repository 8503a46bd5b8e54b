//! Storing scores: `run` scores every lead with the active model and writes
//! the five score fields (`score_fit`, `score_engagement`, `score_total`,
//! `score_grade`, `score_band`) in one transaction, or clears them when no
//! model is active; stored scores are as of the end of the day they are run
//! on (`as_of_today`), and `refresh_if_stale` re-runs scores run on an
//! earlier day (decay moves scores as time passes).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::ModelDefinition;
use crate::store::tables::scores::{self as stored, StoredScore};
use crate::{Result, Workspace};

/// The keys of the computed score fields, in catalogue order.
pub const SCORE_FIELDS: [&str; 5] = [
    "score_fit",
    "score_engagement",
    "score_total",
    "score_grade",
    "score_band",
];

/// How many leads one band holds after a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BandLeads {
    pub name: String,
    #[ts(type = "number")]
    pub leads: u64,
}

/// What a run stored: with which model, as of when, and how many leads per
/// band (highest band first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunSummary {
    /// The active model's id and name; none when no model is active (the
    /// scores were cleared).
    #[ts(type = "number | null")]
    pub model_id: Option<i64>,
    pub model_name: Option<String>,
    /// The scoring date, in seconds since the epoch.
    #[ts(type = "number")]
    pub as_of: i64,
    /// When the run happened (wall clock), in seconds since the epoch.
    #[ts(type = "number")]
    pub ran_at: i64,
    /// Leads given a score.
    #[ts(type = "number")]
    pub leads: u64,
    pub bands: Vec<BandLeads>,
}

/// Scores every lead with the active model as of `as_of` and stores the
/// scores; with no active model, clears them. One transaction either way.
pub fn run(workspace: &mut Workspace, as_of: i64) -> Result<RunSummary> {
    let Some(model) = super::active_model(workspace)? else {
        let summary = RunSummary {
            model_id: None,
            model_name: None,
            as_of,
            ran_at: crate::time::now(),
            leads: 0,
            bands: Vec::new(),
        };
        crate::segments::keeping_index_across(workspace, &SCORE_FIELDS, |workspace| {
            stored::clear_all(workspace, &summary, survives_a_score_write)
        })?;
        return Ok(summary);
    };
    let definition = &model.definition;
    let scores = super::score_all(workspace, definition, as_of)?;
    let grades = grade_names();
    let mut bands: Vec<BandLeads> = definition
        .bands
        .iter()
        .map(|band| BandLeads {
            name: band.name.clone(),
            leads: 0,
        })
        .collect();
    let placed: Vec<(usize, usize)> = scores
        .iter()
        .map(|(_, score)| {
            (
                grade_index(definition, score.fit, score.engagement),
                definition.band_index(score.total),
            )
        })
        .collect();
    for &(_, band) in &placed {
        if let Some(count) = bands.get_mut(band) {
            count.leads += 1;
        }
    }
    let summary = RunSummary {
        model_id: Some(model.id),
        model_name: Some(model.name.clone()),
        as_of,
        ran_at: crate::time::now(),
        leads: scores.len() as u64,
        bands,
    };
    let rows = scores
        .iter()
        .zip(&placed)
        .map(|((lead_id, score), &(grade, band))| StoredScore {
            lead_id: *lead_id,
            fit: score.fit,
            engagement: score.engagement,
            total: score.total,
            grade: &grades[grade],
            band: definition.bands.get(band).map_or("", |b| b.name.as_str()),
        });
    crate::segments::keeping_index_across(workspace, &SCORE_FIELDS, |workspace| {
        stored::write_all(workspace, rows, &summary, survives_a_score_write)
    })?;
    Ok(summary)
}

/// Whether a part of the workspace's derived cache stays true after a
/// score write, which changes the five score columns and nothing else: the
/// segment index's parts other than those columns (lead ids, events,
/// properties, other fields) and the quick search's keys. They stay cached,
/// so the segment history that follows an import, and the first counts
/// after the daily re-run, read them instead of rebuilding them from SQL.
fn survives_a_score_write(part: &str) -> bool {
    crate::segments::part_survives_a_write_of(part, &SCORE_FIELDS)
}

/// The 16 grades, A1 to D4, in the order of [`grade_index`].
fn grade_names() -> Vec<String> {
    ['A', 'B', 'C', 'D']
        .iter()
        .flat_map(|fit| ['1', '2', '3', '4'].map(move |engaged| format!("{fit}{engaged}")))
        .collect()
}

/// The position of a lead's grade in [`grade_names`].
fn grade_index(definition: &ModelDefinition, fit: f64, engagement: f64) -> usize {
    let fit = (definition.fit_grade(fit) as u8 - b'A') as usize;
    let engaged = (definition.engagement_grade(engagement) as u8 - b'1') as usize;
    fit * 4 + engaged
}

/// The last run's summary, if scores were ever run.
pub fn last_run(workspace: &Workspace) -> Result<Option<RunSummary>> {
    // A record this version cannot read counts as no run: the next refresh
    // writes a new one.
    Ok(stored::last_run::<RunSummary>(workspace).unwrap_or(None))
}

/// The instant the stored scores are computed as of when no date is given:
/// the last second of today (UTC). Decay and "in the last N days" move once a
/// day, as in the peers' daily decay, so every re-run on one day gives a lead
/// whose data did not change the score it already has, and the score write
/// rewrites only the leads that did change. Every event up to now is at or
/// before it, so none is left out.
pub fn as_of_today() -> i64 {
    crate::time::end_of_day_utc(crate::time::now())
}

/// The as-of instant a user gave (`segments::parse_as_of`), or
/// [`as_of_today`] when none or blank: what `score run` and `score explain`
/// score as of, as `segments::as_of_or_now` is for counts.
pub fn as_of_or_today(text: Option<&str>) -> Result<i64> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => crate::segments::parse_as_of(text),
        None => Ok(as_of_today()),
    }
}

/// Re-runs the scores as of today ([`as_of_today`]) after the leads or
/// events changed (an import, an undo, a fix) when a model is active, or
/// clears scores a model left when none is any more; does nothing when
/// scoring was never used.
pub fn rescore_after_change(workspace: &mut Workspace) -> Result<Option<RunSummary>> {
    rescore_after_change_on_the_day_of(workspace, crate::time::now())
}

/// [`rescore_after_change`] on the day of `now`.
fn rescore_after_change_on_the_day_of(
    workspace: &mut Workspace,
    now: i64,
) -> Result<Option<RunSummary>> {
    let scored_before = last_run(workspace)?.is_some_and(|last| last.model_id.is_some());
    if super::active_model(workspace)?.is_some() || scored_before {
        run(workspace, crate::time::end_of_day_utc(now)).map(Some)
    } else {
        Ok(None)
    }
}

/// Re-runs the scores as of today when a model is active and they were last
/// run on an earlier day (UTC) or never; returns the run's summary if one ran.
pub fn refresh_if_stale(workspace: &mut Workspace) -> Result<Option<RunSummary>> {
    refresh_if_run_before_the_day_of(workspace, crate::time::now())
}

/// Would [`refresh_if_stale`] re-run the scores? A model is active and they
/// were last run on an earlier day (UTC) or never. Two settings reads.
pub fn refresh_due(workspace: &Workspace) -> Result<bool> {
    stale_on_the_day_of(workspace, crate::time::now())
}

/// [`refresh_due`] on the day of `now`.
fn stale_on_the_day_of(workspace: &Workspace, now: i64) -> Result<bool> {
    if super::active_model(workspace)?.is_none() {
        return Ok(false);
    }
    let today_ends = crate::time::end_of_day_utc(now);
    Ok(last_run(workspace)?.is_none_or(|last| {
        last.model_id.is_none() || crate::time::end_of_day_utc(last.ran_at) < today_ends
    }))
}

/// [`refresh_if_stale`] on the day of `now`.
fn refresh_if_run_before_the_day_of(
    workspace: &mut Workspace,
    now: i64,
) -> Result<Option<RunSummary>> {
    if stale_on_the_day_of(workspace, now)? {
        run(workspace, crate::time::end_of_day_utc(now)).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{save_model, ModelDefinition, ScoreKind, ScoreRule};
    use crate::segments::rules::RuleGroup;

    #[test]
    fn grade_names_follow_grade_index() {
        let definition = ModelDefinition::default();
        let names = grade_names();
        for (fit, engagement) in [(30.0, 40.0), (25.0, 0.0), (0.0, 25.0), (-1.0, -1.0)] {
            assert_eq!(
                names[grade_index(&definition, fit, engagement)],
                definition.grade(fit, engagement)
            );
        }
    }

    fn fit_rule(label: &str, rules: serde_json::Value, points: f64) -> ScoreRule {
        ScoreRule {
            label: label.into(),
            kind: ScoreKind::Fit,
            when: Some(serde_json::from_value::<RuleGroup>(rules).unwrap()),
            each: None,
            points,
            cap: None,
        }
    }

    #[test]
    fn with_no_active_model_a_run_clears_the_scores() {
        let mut workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (email, score_total, score_band, created_at, updated_at) VALUES ('a@x.io', 5, 'hot', 0, 0)",
                [],
            )
            .unwrap();
        let summary = run(&mut workspace, 1_700_000_000).unwrap();
        assert_eq!(summary.model_id, None);
        let band: Option<String> = workspace
            .conn()
            .query_row("SELECT score_band FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(band, None);
        assert_eq!(last_run(&workspace).unwrap(), Some(summary));
    }

    #[test]
    fn activating_a_model_stores_its_scores_and_refresh_waits_a_day() {
        let mut workspace = Workspace::in_memory().unwrap();
        for (email, persona) in [("a@x.io", "Executive"), ("b@x.io", "Student")] {
            workspace
                .conn()
                .execute(
                    "INSERT INTO leads (email, persona, created_at, updated_at) VALUES (?1, ?2, 0, 0)",
                    [email, persona],
                )
                .unwrap();
        }
        let mut definition = ModelDefinition::default();
        definition.rules.push(fit_rule(
            "Executive",
            serde_json::json!({"combinator": "and", "rules": [
                {"field": "persona", "operator": "=", "value": "Executive"}]}),
            85.0,
        ));
        let model = save_model(&mut workspace, None, "M", &definition).unwrap();
        crate::scoring::activate_model(&mut workspace, model.id).unwrap();
        let stored: Vec<(String, f64, String, String)> = workspace
            .conn()
            .prepare("SELECT email, score_total, score_grade, score_band FROM leads ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            stored,
            [
                ("a@x.io".into(), 85.0, "A4".into(), "sales-ready".into()),
                ("b@x.io".into(), 0.0, "D4".into(), "cold".into()),
            ]
        );
        let last = last_run(&workspace).unwrap().unwrap();
        assert_eq!(last.model_id, Some(model.id));
        assert_eq!(
            last.bands.iter().map(|b| b.leads).collect::<Vec<_>>(),
            [1, 0, 0, 1]
        );
        assert_eq!(refresh_if_stale(&mut workspace).unwrap(), None);
        // Run yesterday (UTC), opening re-runs, as of the end of today.
        let mut old = last.clone();
        old.ran_at = crate::time::midnight_utc(crate::time::today_utc()) - 1;
        crate::store::settings::set(&mut workspace, "score_last_run", &old).unwrap();
        let before = crate::time::now();
        let refreshed = refresh_if_stale(&mut workspace).unwrap().unwrap();
        let days_ends = [before, crate::time::now()].map(crate::time::end_of_day_utc);
        assert!(days_ends.contains(&refreshed.as_of), "{refreshed:?}");
        // Deleting the active model clears the scores.
        crate::scoring::delete_model(&mut workspace, model.id).unwrap();
        let scored: i64 = workspace
            .conn()
            .query_row("SELECT count(score_total) FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(scored, 0);
    }

    /// Three leads with downloads, scored by a model that gives 10 points a
    /// download, halving every 30 days; a trigger notes every lead row the
    /// score write updates.
    fn downloads_workspace(day_start: i64) -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        let conn = workspace.conn_mut().unwrap();
        for (lead, email) in [(1, "a@x.io"), (2, "b@x.io"), (3, "c@x.io")] {
            conn.execute(
                "INSERT INTO leads (id, email, created_at, updated_at) VALUES (?1, ?2, 0, 0)",
                rusqlite::params![lead, email],
            )
            .unwrap();
            for days_ago in 0..lead {
                conn.execute(
                    "INSERT INTO events (lead_id, type, occurred_at) VALUES (?1, 'download', ?2)",
                    rusqlite::params![lead, day_start - days_ago * 86_400 - 3_600],
                )
                .unwrap();
            }
        }
        conn.execute_batch(
            "CREATE TEMP TABLE score_writes (lead_id INTEGER);
             CREATE TEMP TRIGGER note_score_writes AFTER UPDATE OF score_engagement ON main.leads
             BEGIN INSERT INTO score_writes VALUES (new.id); END;",
        )
        .unwrap();
        let mut definition = ModelDefinition::default();
        definition.rules.push(ScoreRule {
            label: "Download".into(),
            kind: ScoreKind::Engagement,
            when: None,
            each: Some(serde_json::json!({"type": "download"})),
            points: 10.0,
            cap: None,
        });
        definition.decay = crate::scoring::Decay::HalfLife { days: 30.0 };
        let model = save_model(&mut workspace, None, "Downloads", &definition).unwrap();
        crate::scoring::activate_model_as_of(&mut workspace, model.id, day_start - 1).unwrap();
        assert_eq!(score_writes(&workspace), [1, 2, 3], "scored yesterday");
        workspace
    }

    /// The leads whose scores were written since the last call, in order.
    fn score_writes(workspace: &Workspace) -> Vec<i64> {
        let conn = workspace.conn();
        let leads = conn
            .prepare("SELECT lead_id FROM score_writes ORDER BY lead_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        conn.execute("DELETE FROM score_writes", []).unwrap();
        leads
    }

    #[test]
    fn a_re_run_on_the_same_day_rewrites_only_the_leads_whose_data_changed() {
        let day_start =
            crate::time::midnight_utc(chrono::NaiveDate::from_ymd_opt(2026, 9, 22).unwrap());
        let mut workspace = downloads_workspace(day_start);
        let engagement = |workspace: &Workspace| -> Vec<f64> {
            workspace
                .conn()
                .prepare("SELECT score_engagement FROM leads ORDER BY id")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };

        // 09:00: every lead's score moves from yesterday's (decay).
        let morning = rescore_after_change_on_the_day_of(&mut workspace, day_start + 9 * 3_600)
            .unwrap()
            .unwrap();
        assert_eq!(morning.as_of, day_start + 86_399, "the end of the day");
        assert_eq!(score_writes(&workspace), [1, 2, 3]);
        let scores = engagement(&workspace);

        // 17:00, nothing changed: the same scores, no lead rewritten.
        rescore_after_change_on_the_day_of(&mut workspace, day_start + 17 * 3_600).unwrap();
        assert_eq!(score_writes(&workspace), Vec::<i64>::new());
        assert_eq!(engagement(&workspace), scores);

        // A download of lead 2 at 18:00: only lead 2 is rewritten.
        workspace
            .conn_mut()
            .unwrap()
            .execute(
                "INSERT INTO events (lead_id, type, occurred_at) VALUES (2, 'download', ?1)",
                [day_start + 18 * 3_600],
            )
            .unwrap();
        rescore_after_change_on_the_day_of(&mut workspace, day_start + 18 * 3_600 + 60).unwrap();
        assert_eq!(score_writes(&workspace), [2]);
        let after_download = engagement(&workspace);
        assert!(after_download[1] > scores[1]);
        assert_eq!(
            [after_download[0], after_download[2]],
            [scores[0], scores[2]]
        );

        // Opening that day re-runs nothing; the next day it re-runs, as of
        // that day's end, and decay lowers every score.
        assert_eq!(
            refresh_if_run_before_the_day_of(&mut workspace, day_start + 20 * 3_600).unwrap(),
            None
        );
        let mut last = last_run(&workspace).unwrap().unwrap();
        last.ran_at = day_start + 20 * 3_600;
        crate::store::settings::set(&mut workspace, "score_last_run", &last).unwrap();
        let next_day = day_start + 86_400;
        let refreshed = refresh_if_run_before_the_day_of(&mut workspace, next_day + 60)
            .unwrap()
            .unwrap();
        assert_eq!(refreshed.as_of, next_day + 86_399);
        assert_eq!(score_writes(&workspace), [1, 2, 3]);
        let decayed = engagement(&workspace);
        assert!(decayed
            .iter()
            .zip(&after_download)
            .all(|(new, old)| new < old));
    }

    #[test]
    fn a_given_as_of_is_kept_and_none_or_blank_is_the_end_of_today() {
        assert_eq!(as_of_or_today(Some(" 2026-09-22 ")).unwrap(), 1_790_035_200);
        for blank in [None, Some(""), Some("  ")] {
            let before = crate::time::now();
            let as_of = as_of_or_today(blank).unwrap();
            let days_ends = [before, crate::time::now()].map(crate::time::end_of_day_utc);
            assert!(days_ends.contains(&as_of), "{blank:?}: {as_of}");
        }
        let message = as_of_or_today(Some("yesterday-ish"))
            .unwrap_err()
            .to_string();
        assert!(message.contains("not an as-of date"), "{message}");
    }

    #[test]
    fn a_re_run_after_a_change_is_as_of_the_end_of_today() {
        let mut workspace =
            downloads_workspace(crate::time::midnight_utc(crate::time::today_utc()));
        let before = crate::time::now();
        let summary = rescore_after_change(&mut workspace).unwrap().unwrap();
        // The end of the day the run began or ended on (the day may turn
        // while it runs).
        let days_ends = [before, crate::time::now()].map(crate::time::end_of_day_utc);
        assert!(days_ends.contains(&summary.as_of), "{summary:?}");
    }

    const ANCHOR: i64 = 1_790_000_000;

    /// 400 demo leads whose active model gives 60 points for a page view in
    /// the last 30 days (a year later, nobody has any), and three rule sets:
    /// a persona, a score and a behaviour.
    fn visits_workspace() -> (Workspace, [RuleGroup; 3]) {
        let mut workspace = Workspace::in_memory().unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 400,
            events_per_lead: 6,
            seed: 5,
            anchor: ANCHOR,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let mut definition = ModelDefinition::default();
        definition.rules.push(fit_rule(
            "Recent visitor",
            serde_json::json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed",
                 "value": {"type": "page_view", "inLast": {"amount": 30, "unit": "days"}}}]}),
            60.0,
        ));
        let model = save_model(&mut workspace, None, "Visits", &definition).unwrap();
        crate::scoring::activate_model_as_of(&mut workspace, model.id, ANCHOR).unwrap();
        let rule = |json: serde_json::Value| serde_json::from_value::<RuleGroup>(json).unwrap();
        let sets = [
            rule(serde_json::json!({"combinator": "and", "rules": [
                {"field": "persona", "operator": "=", "value": "Executive decision maker"}]})),
            rule(serde_json::json!({"combinator": "and", "rules": [
                {"field": "score_total", "operator": ">=", "value": 50}]})),
            rule(serde_json::json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed",
                 "value": {"type": "page_view", "inLast": {"amount": 90, "unit": "days"}}}]})),
        ];
        (workspace, sets)
    }

    fn count_sets(workspace: &Workspace, sets: &[RuleGroup]) -> Vec<u64> {
        let refs: Vec<&RuleGroup> = sets.iter().collect();
        crate::segments::count_many(workspace, &refs, ANCHOR).unwrap()
    }

    fn high_scores(workspace: &Workspace) -> u64 {
        workspace
            .conn()
            .query_row(
                "SELECT count(*) FROM leads WHERE score_total >= 50",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
    }

    #[test]
    fn a_score_write_keeps_the_cached_parts_that_do_not_read_scores() {
        use crate::store::tables::derived_cache;
        let (mut workspace, sets) = visits_workspace();
        let counts = |workspace: &Workspace| {
            workspace.clear_derived();
            count_sets(workspace, &sets)
        };
        let before = counts(&workspace);
        let stored_parts = |workspace: &Workspace| derived_cache::parts(workspace.conn()).unwrap();
        let names = |parts: &[(String, i64, u64)]| -> Vec<String> {
            parts.iter().map(|(name, _, _)| name.clone()).collect()
        };
        let kept = [
            "segment-index/v1/lead-ids",
            "segment-index/v1/field/persona",
            "segment-index/v1/events/page_view",
        ];
        let score_part = "segment-index/v1/field/score_total";
        let parts_before = names(&stored_parts(&workspace));
        for part in kept.iter().chain([&score_part]) {
            assert!(
                parts_before.iter().any(|n| n == part),
                "{part} in {parts_before:?}"
            );
        }

        run(&mut workspace, ANCHOR + 400 * crate::time::SECONDS_PER_DAY).unwrap();
        let generation = derived_cache::generation(workspace.conn()).unwrap();
        let parts_after = stored_parts(&workspace);
        // Kept as they were built, for an earlier generation.
        assert!(parts_after
            .iter()
            .all(|(_, built_for, _)| *built_for < generation));
        let names_after = names(&parts_after);
        for part in kept {
            assert!(
                names_after.iter().any(|n| n == part),
                "{part} kept: {names_after:?}"
            );
        }
        assert!(
            !names_after.iter().any(|n| n == score_part),
            "{names_after:?}"
        );

        // The kept parts and the rebuilt score column answer as the data
        // does: the persona and the page views as before, the scores anew.
        let after = counts(&workspace);
        assert_eq!(after[1], high_scores(&workspace));
        assert_ne!(after[1], before[1], "the run changed who scores 50 or more");
        assert_eq!([after[0], after[2]], [before[0], before[2]]);
        workspace
            .conn()
            .execute("DELETE FROM derived_cache", [])
            .unwrap();
        assert_eq!(counts(&workspace), after, "as a build from SQL gives");
    }

    #[test]
    fn a_score_write_keeps_the_index_in_memory_without_its_score_columns() {
        let (mut workspace, sets) = visits_workspace();
        // The index in memory holds the persona, the scores and the page views.
        let before = count_sets(&workspace, &sets);
        assert!(before[0] > 0 && before[2] > 0, "{before:?}");
        // Behind the index's back, with nothing in the file's cache to fall
        // back on: an index built after the run would see every persona
        // changed, the one carried over still counts the old ones.
        let conn = workspace.conn();
        conn.execute("UPDATE leads SET persona = 'Changed'", [])
            .unwrap();
        conn.execute("DELETE FROM derived_cache", []).unwrap();

        run(&mut workspace, ANCHOR + 400 * crate::time::SECONDS_PER_DAY).unwrap();
        let after = count_sets(&workspace, &sets);

        assert_eq!(after[0], before[0], "the persona column was carried over");
        assert_eq!(after[2], before[2], "the page views were carried over");
        // The score column was not: it is read again, as the run wrote it.
        assert_eq!(after[1], high_scores(&workspace));
        assert_ne!(after[1], before[1], "the run changed who scores 50 or more");

        // A write by anything but the score run is not carried over.
        crate::store::tables::derived_cache::invalidate(workspace.conn_mut().unwrap()).unwrap();
        assert_eq!(count_sets(&workspace, &sets)[0], 0, "rebuilt from SQL");
    }
}
