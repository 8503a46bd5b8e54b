//! SMART goals of segments and streams, measured from the data: the goal
//! (a metric, a baseline measured when it is set, a target, a start and a
//! deadline, the business objective), its checks, progress at any date
//! (current value, trajectory, the straight line from baseline to target,
//! on track or not) and whether the target is probably achievable given
//! the metric's own history. Rules: `docs/strategy-goals.md`.

mod plan;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use plan::{
    direction, expected_at, is_achieved, is_on_track, judge_feasibility, trajectory_moments,
    Feasibility, HISTORY_WEEKS, MAX_TRAJECTORY_POINTS,
};

use super::metrics::{self, Measurement, Metric, Moment};
use crate::segments::{saved, RuleGroup};
use crate::store::tables::goals::{self as table, GoalRow};
use crate::streams::model as streams;
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// The business objectives the app offers; anything else is the user's own words.
pub const OBJECTIVES: [(&str, &str); 4] = [
    ("faster-conversion", "Faster conversion"),
    ("lead-satisfaction", "Lead satisfaction"),
    ("personalised-communication", "Personalised communication"),
    ("return-on-investment", "Return on investment"),
];

/// The readable form of an objective: the label of a known key, else the text.
pub fn objective_label(objective: &str) -> String {
    OBJECTIVES
        .iter()
        .find(|(key, _)| *key == objective)
        .map_or_else(|| objective.to_owned(), |(_, label)| (*label).to_owned())
}

/// What a goal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
#[ts(export)]
pub enum GoalSubject {
    Segment(#[ts(type = "number")] i64),
    Stream(#[ts(type = "number")] i64),
}

/// What the user fills in to set a goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GoalDraft {
    /// Empty: named after the subject and the metric.
    pub name: String,
    pub subject: GoalSubject,
    pub metric: Metric,
    /// A count, or a percentage (0 to 100) for rates.
    pub target: f64,
    /// `YYYY-MM-DD`; empty: today.
    pub start: String,
    /// `YYYY-MM-DD`, after the start.
    pub deadline: String,
    /// A key of [`OBJECTIVES`] or the user's own words.
    pub objective: String,
    /// Event types that count as a conversion; empty: `purchase`.
    pub outcome_types: Vec<String>,
}

/// A stored goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Goal {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub subject: GoalSubject,
    /// The segment's or stream's name.
    pub subject_name: String,
    pub metric: Metric,
    pub outcome_types: Vec<String>,
    pub objective: String,
    pub objective_label: String,
    pub baseline: f64,
    /// When the baseline was measured.
    #[ts(type = "number")]
    pub baseline_at: i64,
    pub target: f64,
    pub start: String,
    pub deadline: String,
    /// The check made when the goal was set.
    pub feasibility: Feasibility,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// The baseline a draft would get: the metric measured now (or at the
/// start, if that is earlier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Baseline {
    pub value: f64,
    #[ts(type = "number")]
    pub at: i64,
    pub measurement: Measurement,
}

/// A goal's status at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum GoalStatus {
    /// The as-of date is before the start.
    NotStarted,
    /// The current value is at or beyond the straight line.
    OnTrack,
    /// Behind the line, and the target looked achievable.
    OffTrack,
    /// Behind the line, and the target is far beyond the metric's history.
    NotAchievable,
    /// The current value reached the target (at or before the deadline).
    Achieved,
    /// After the deadline without reaching the target.
    PastDeadline,
}

/// One point of a goal's trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrajectoryPoint {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    #[ts(type = "number")]
    pub at: i64,
    pub value: f64,
    /// The straight line from baseline to target at this date.
    pub expected: f64,
    #[ts(type = "number")]
    pub members: u64,
}

/// A goal measured at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GoalProgress {
    pub goal: Goal,
    #[ts(type = "number")]
    pub as_of: i64,
    pub current: f64,
    pub measurement: Measurement,
    /// The straight line's value at the as-of date.
    pub expected: f64,
    pub status: GoalStatus,
    /// From the start to the as-of date, at most 12 points; empty before
    /// the start.
    pub trajectory: Vec<TrajectoryPoint>,
}

/// Reads a `YYYY-MM-DD` date of a goal, naming which one is wrong.
fn parse_date(which: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::InvalidArgument(format!(
            "the goal's {which} `{}` is not a date: use YYYY-MM-DD",
            text.trim()
        ))
    })
}

fn day_start(date: NaiveDate) -> i64 {
    crate::time::midnight_utc(date)
}

fn date_text(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The rules of the leads a goal measures, and the subject's name.
fn population(workspace: &Workspace, subject: GoalSubject) -> Result<(RuleGroup, String)> {
    match subject {
        GoalSubject::Segment(id) => {
            let segment = saved::get(workspace, id)?;
            Ok((metrics::segment_population(id), segment.name))
        }
        GoalSubject::Stream(id) => {
            let stream = streams::get(workspace, id)?;
            if stream.definition.entry_segments.is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "stream {id} ({}) has no entry segment, so it has no leads to measure",
                    stream.name
                )));
            }
            Ok((
                metrics::stream_population(&stream.definition.entry_segments),
                stream.name,
            ))
        }
    }
}

fn outcome_types_or_default(types: &[String]) -> Vec<String> {
    let types: Vec<String> = types
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        vec!["purchase".to_owned()]
    } else {
        types
    }
}

/// The dates of a draft: start (today when empty) and deadline, checked.
fn draft_dates(draft: &GoalDraft, now: i64) -> Result<(NaiveDate, NaiveDate)> {
    let start = if draft.start.trim().is_empty() {
        chrono::DateTime::from_timestamp(now, 0)
            .map(|t| t.date_naive())
            .ok_or_else(|| Error::InvalidArgument("the current time is out of range".to_owned()))?
    } else {
        parse_date("start", &draft.start)?
    };
    let deadline = parse_date("deadline", &draft.deadline)?;
    if deadline <= start {
        return Err(Error::InvalidArgument(format!(
            "the goal's deadline {deadline} is not after its start {start}: pick a later deadline"
        )));
    }
    Ok((start, deadline))
}

/// The baseline a draft gets: measured at the start when the start is not
/// in the future, else now (at `now`).
pub fn baseline(workspace: &Workspace, draft: &GoalDraft, now: i64) -> Result<Baseline> {
    let start = if draft.start.trim().is_empty() {
        now
    } else {
        day_start(parse_date("start", &draft.start)?)
    };
    let (rules, _) = population(workspace, draft.subject)?;
    let at = start.min(now);
    let outcome_types = outcome_types_or_default(&draft.outcome_types);
    let measured = metrics::measure(
        workspace,
        &[&rules],
        &outcome_types,
        &[Moment {
            at,
            conversions_since: start.min(at),
        }],
    )?;
    let measurement = measured
        .first()
        .and_then(|row| row.first())
        .copied()
        .unwrap_or_default();
    Ok(Baseline {
        value: draft.metric.value(&measurement),
        at,
        measurement,
    })
}

/// Checks a target against the metric and the baseline.
pub fn check_target(metric: Metric, baseline: f64, target: f64) -> Result<()> {
    if !target.is_finite() {
        return Err(Error::InvalidArgument(
            "the goal's target must be a number".to_owned(),
        ));
    }
    if metric.is_rate() && !(0.0..=100.0).contains(&target) {
        return Err(Error::InvalidArgument(format!(
            "the goal's target {target} is not a rate: {} is a percentage from 0 to 100",
            metric.label()
        )));
    }
    if !metric.is_rate() && (target < 0.0 || target.fract() != 0.0) {
        return Err(Error::InvalidArgument(format!(
            "the goal's target {target} is not a count: {} is a whole number of leads, 0 or more",
            metric.label()
        )));
    }
    if (target - baseline).abs() < 1e-9 {
        return Err(Error::InvalidArgument(format!(
            "the goal's target {target} equals its baseline {}: a goal asks for a change",
            round2(baseline)
        )));
    }
    if metric == Metric::Conversions && target < baseline {
        return Err(Error::InvalidArgument(format!(
            "the goal's target {target} is below its baseline {}: conversions since the start only add up, so the target must be higher",
            round2(baseline)
        )));
    }
    Ok(())
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Sets a goal: measures its baseline (at `now`), checks it and the
/// feasibility of its target, and stores it.
pub fn add(workspace: &mut Workspace, draft: &GoalDraft, now: i64) -> Result<Goal> {
    let (start, deadline) = draft_dates(draft, now)?;
    let (rules, subject_name) = population(workspace, draft.subject)?;
    let start_at = day_start(start);
    let dated = GoalDraft {
        start: start.format("%Y-%m-%d").to_string(),
        ..draft.clone()
    };
    let measured = baseline(workspace, &dated, now)?;
    check_target(draft.metric, measured.value, draft.target)?;
    let outcome_types = outcome_types_or_default(&draft.outcome_types);
    let span = day_start(deadline) - start_at;
    let history = history(workspace, &rules, draft.metric, &outcome_types, now, span)?;
    let feasibility = judge_feasibility(draft.metric, &history, measured.value, draft.target, span);
    let name = if draft.name.trim().is_empty() {
        format!("{}: {}", subject_name, draft.metric.label())
    } else {
        draft.name.trim().to_owned()
    };
    let (segment_id, stream_id) = match draft.subject {
        GoalSubject::Segment(id) => (Some(id), None),
        GoalSubject::Stream(id) => (None, Some(id)),
    };
    let row = GoalRow {
        id: 0,
        name,
        segment_id,
        stream_id,
        metric: draft.metric.key().to_owned(),
        outcome_types: serde_json::to_string(&outcome_types)?,
        objective: draft.objective.trim().to_owned(),
        baseline: measured.value,
        baseline_at: measured.at,
        target: draft.target,
        start_date: start.format("%Y-%m-%d").to_string(),
        deadline: deadline.format("%Y-%m-%d").to_string(),
        feasibility: serde_json::to_string(&feasibility)?,
        created_at: now,
    };
    let id = table::insert(workspace, &row)?;
    get(workspace, id)
}

/// The metric's weekly history over the year before `until` (when the goal
/// is set): for
/// conversions, those in the span of the goal's length ending each week
/// (at most a year); for the others, the value each week.
fn history(
    workspace: &Workspace,
    rules: &RuleGroup,
    metric: Metric,
    outcome_types: &[String],
    until: i64,
    span: i64,
) -> Result<Vec<f64>> {
    let week = 7 * SECONDS_PER_DAY;
    let window = span.min(HISTORY_WEEKS as i64 * week);
    let moments: Vec<Moment> = (0..=HISTORY_WEEKS as i64)
        .map(|k| {
            let at = until - (HISTORY_WEEKS as i64 - k) * week;
            Moment {
                at,
                conversions_since: at - window,
            }
        })
        .collect();
    let measured = metrics::measure(workspace, &[rules], outcome_types, &moments)?;
    Ok(measured
        .first()
        .map(|row| row.iter().map(|m| metric.value(m)).collect())
        .unwrap_or_default())
}

fn from_row(workspace: &Workspace, row: GoalRow) -> Result<Goal> {
    let subject = match (row.segment_id, row.stream_id) {
        (Some(id), _) => GoalSubject::Segment(id),
        (None, Some(id)) => GoalSubject::Stream(id),
        (None, None) => {
            return Err(Error::InvalidArgument(format!(
                "goal {} belongs to neither a segment nor a stream",
                row.id
            )))
        }
    };
    let subject_name = match subject {
        GoalSubject::Segment(id) => saved::get(workspace, id)?.name,
        GoalSubject::Stream(id) => streams::get(workspace, id)?.name,
    };
    Ok(Goal {
        id: row.id,
        name: row.name,
        subject,
        subject_name,
        metric: Metric::parse(&row.metric)?,
        outcome_types: serde_json::from_str(&row.outcome_types)?,
        objective_label: objective_label(&row.objective),
        objective: row.objective,
        baseline: row.baseline,
        baseline_at: row.baseline_at,
        target: row.target,
        start: row.start_date,
        deadline: row.deadline,
        feasibility: serde_json::from_str(&row.feasibility)?,
        created_at: row.created_at,
    })
}

/// Every goal, by deadline.
pub fn list(workspace: &Workspace) -> Result<Vec<Goal>> {
    table::list(workspace)?
        .into_iter()
        .map(|row| from_row(workspace, row))
        .collect()
}

/// Goal `id`.
pub fn get(workspace: &Workspace, id: i64) -> Result<Goal> {
    let row = table::get(workspace, id)?.ok_or_else(|| Error::NotFound {
        what: "goal",
        key: id.to_string(),
    })?;
    from_row(workspace, row)
}

/// Deletes goal `id`.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    if table::delete(workspace, id)? {
        Ok(())
    } else {
        Err(Error::NotFound {
            what: "goal",
            key: id.to_string(),
        })
    }
}

/// Goal `id` measured as of `as_of`, with its trajectory.
pub fn progress(workspace: &Workspace, id: i64, as_of: i64) -> Result<GoalProgress> {
    measure_goal(workspace, get(workspace, id)?, as_of, true)
}

/// Every goal measured as of `as_of`, without trajectories (the list).
pub fn progress_all(workspace: &Workspace, as_of: i64) -> Result<Vec<GoalProgress>> {
    list(workspace)?
        .into_iter()
        .map(|goal| measure_goal(workspace, goal, as_of, false))
        .collect()
}

fn measure_goal(
    workspace: &Workspace,
    goal: Goal,
    as_of: i64,
    with_trajectory: bool,
) -> Result<GoalProgress> {
    let (rules, _) = population(workspace, goal.subject)?;
    let start_at = day_start(parse_date("start", &goal.start)?);
    let deadline_at = day_start(parse_date("deadline", &goal.deadline)?);
    let mut moments = if with_trajectory {
        trajectory_moments(start_at, as_of, MAX_TRAJECTORY_POINTS)
    } else {
        Vec::new()
    };
    if moments.last() != Some(&as_of) {
        moments.push(as_of);
    }
    let measured = metrics::measure(
        workspace,
        &[&rules],
        &goal.outcome_types,
        &moments
            .iter()
            .map(|&at| Moment {
                at,
                conversions_since: start_at,
            })
            .collect::<Vec<_>>(),
    )?;
    let row = measured.into_iter().next().unwrap_or_default();
    // The line moves a day at a time: on the start day it is the baseline.
    let line = |at: i64| {
        let day = at - at.rem_euclid(SECONDS_PER_DAY);
        expected_at(goal.baseline, goal.target, start_at, deadline_at, day)
    };
    let trajectory: Vec<TrajectoryPoint> = if with_trajectory && as_of >= start_at {
        row.iter()
            .map(|m| TrajectoryPoint {
                date: date_text(m.at),
                at: m.at,
                value: goal.metric.value(m),
                expected: line(m.at),
                members: m.members,
            })
            .collect()
    } else {
        Vec::new()
    };
    let measurement = row.last().copied().unwrap_or_default();
    let current = goal.metric.value(&measurement);
    let expected = line(as_of);
    let status = status(&goal, current, expected, as_of, start_at, deadline_at);
    Ok(GoalProgress {
        goal,
        as_of,
        current,
        measurement,
        expected,
        status,
        trajectory,
    })
}

/// The status rule (docs/strategy-goals.md): before the start, not
/// started; target reached (by the deadline), achieved; after the deadline,
/// past deadline; else on track when at or beyond the line, and behind it
/// off track, or not achievable when the target was flagged.
pub fn status(
    goal: &Goal,
    current: f64,
    expected: f64,
    as_of: i64,
    start_at: i64,
    deadline_at: i64,
) -> GoalStatus {
    let dir = direction(goal.baseline, goal.target);
    if as_of < start_at {
        GoalStatus::NotStarted
    } else if is_achieved(current, goal.target, dir) {
        GoalStatus::Achieved
    } else if as_of > deadline_at {
        GoalStatus::PastDeadline
    } else if is_on_track(current, expected, dir) {
        GoalStatus::OnTrack
    } else if !goal.feasibility.achievable {
        GoalStatus::NotAchievable
    } else {
        GoalStatus::OffTrack
    }
}

#[cfg(test)]
mod tests;
