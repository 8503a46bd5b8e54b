//! The pure arithmetic of a goal: its direction, the straight line from
//! baseline to target, on track and achieved, the dates of a trajectory,
//! and whether a target is probably achievable given the metric's history.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::strategy::metrics::Metric;
use crate::time::SECONDS_PER_DAY;

/// At most this many points in a trajectory (start to as-of date).
pub const MAX_TRAJECTORY_POINTS: usize = 12;
/// Weeks of history the feasibility check reads before the baseline.
pub const HISTORY_WEEKS: usize = 52;
/// A target is flagged when the change it needs is more than this many
/// times the largest change of the metric's history over an equal span.
pub const FEASIBLE_FACTOR: f64 = 1.5;

const WEEK: f64 = 7.0 * SECONDS_PER_DAY as f64;

/// +1 when the goal asks the metric to rise, -1 to fall.
pub fn direction(baseline: f64, target: f64) -> f64 {
    if target >= baseline {
        1.0
    } else {
        -1.0
    }
}

/// The straight line from `baseline` at `start_at` to `target` at
/// `deadline_at`, at `at` (held at the ends outside that span).
pub fn expected_at(baseline: f64, target: f64, start_at: i64, deadline_at: i64, at: i64) -> f64 {
    if deadline_at <= start_at {
        return target;
    }
    let clamped = at.clamp(start_at, deadline_at);
    let fraction = (clamped - start_at) as f64 / (deadline_at - start_at) as f64;
    baseline + (target - baseline) * fraction
}

/// Tolerance of the comparisons, for values printed to two decimals.
const EPSILON: f64 = 1e-9;

/// At or beyond the line, in the goal's direction.
pub fn is_on_track(current: f64, expected: f64, direction: f64) -> bool {
    (current - expected) * direction >= -EPSILON
}

/// At or beyond the target, in the goal's direction.
pub fn is_achieved(current: f64, target: f64, direction: f64) -> bool {
    (current - target) * direction >= -EPSILON
}

/// Evenly spaced instants from `start_at` to `as_of`, both included, at
/// most `max_points` (one when they are equal; none before the start).
pub fn trajectory_moments(start_at: i64, as_of: i64, max_points: usize) -> Vec<i64> {
    if as_of < start_at || max_points == 0 {
        return Vec::new();
    }
    let days = (as_of - start_at) / SECONDS_PER_DAY;
    // One point a day at most.
    let points = (days as usize + 1).min(max_points).max(1);
    if points == 1 {
        return vec![as_of];
    }
    let span = as_of - start_at;
    (0..points)
        .map(|i| start_at + span * i as i64 / (points as i64 - 1))
        .collect()
}

/// Whether a target is probably achievable, with the numbers that say so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Feasibility {
    pub achievable: bool,
    /// The change the target needs from the baseline (in the metric's unit,
    /// signed), and per week of the goal.
    pub required_change: f64,
    pub required_per_week: f64,
    /// The largest change in the goal's direction over any span as long as
    /// the goal's in the last year (for conversions: the most conversions
    /// in such a span), and per week; scaled up when the goal is longer
    /// than a year.
    pub largest_change: f64,
    pub largest_per_week: f64,
    /// The goal's length in weeks.
    pub span_weeks: f64,
    /// A sentence with the numbers.
    pub reason: String,
}

impl Default for Feasibility {
    fn default() -> Self {
        Feasibility {
            achievable: true,
            required_change: 0.0,
            required_per_week: 0.0,
            largest_change: 0.0,
            largest_per_week: 0.0,
            span_weeks: 0.0,
            reason: String::new(),
        }
    }
}

/// Judges a target against the metric's weekly `history` (oldest first,
/// the last value at the baseline's date): the rule of
/// docs/strategy-goals.md. For conversions each history value is already
/// the count in a span as long as the goal (at most a year).
pub fn judge_feasibility(
    metric: Metric,
    history: &[f64],
    baseline: f64,
    target: f64,
    span_seconds: i64,
) -> Feasibility {
    let dir = direction(baseline, target);
    let span_weeks = (span_seconds as f64 / WEEK).max(1.0 / 7.0);
    let history_weeks = history.len().saturating_sub(1);
    let span_steps = (span_weeks.round() as usize).clamp(1, history_weeks.max(1));
    let scale = (span_weeks / span_steps as f64).max(1.0);
    let largest = if metric == Metric::Conversions {
        history.iter().copied().fold(0.0, f64::max)
    } else {
        history
            .windows(span_steps + 1)
            .map(|pair| (pair[span_steps] - pair[0]) * dir)
            .fold(0.0, f64::max)
    } * scale;
    let required = target - baseline;
    let achievable = required.abs() <= largest * FEASIBLE_FACTOR + EPSILON;
    let unit = if metric.is_rate() { " points" } else { "" };
    // Counts read as whole numbers, rates to two decimals.
    let total = if metric.is_rate() { 2 } else { 0 };
    let reason = format!(
        "needs {:+.total$}{unit} ({:+.2}{unit} a week over {:.1} weeks); the largest {} over any {:.1}-week span in the last year was {:.total$}{unit} ({:.2}{unit} a week){}",
        required,
        required / span_weeks,
        span_weeks,
        if metric == Metric::Conversions { "number of conversions" } else if dir > 0.0 { "rise" } else { "fall" },
        span_weeks.min(history_weeks as f64),
        largest,
        largest / span_weeks,
        if achievable {
            String::new()
        } else {
            format!(": more than {FEASIBLE_FACTOR} times that is probably not achievable")
        }
    );
    Feasibility {
        achievable,
        required_change: required,
        required_per_week: required / span_weeks,
        largest_change: largest,
        largest_per_week: largest / span_weeks,
        span_weeks,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = SECONDS_PER_DAY;

    proptest! {
        #[test]
        fn the_line_starts_at_the_baseline_and_ends_at_the_target(
            baseline in -1e6f64..1e6, target in -1e6f64..1e6,
            start in 0i64..2_000_000_000, days in 1i64..2000, inside in 0.0f64..1.0,
        ) {
            let deadline = start + days * DAY;
            prop_assert_eq!(expected_at(baseline, target, start, deadline, start), baseline);
            prop_assert!((expected_at(baseline, target, start, deadline, deadline) - target).abs() < 1e-6);
            prop_assert_eq!(expected_at(baseline, target, start, deadline, start - DAY), baseline);
            prop_assert!((expected_at(baseline, target, start, deadline, deadline + DAY) - target).abs() < 1e-6);
            let at = start + ((deadline - start) as f64 * inside) as i64;
            let value = expected_at(baseline, target, start, deadline, at);
            prop_assert!(value >= baseline.min(target) - 1e-6 && value <= baseline.max(target) + 1e-6);
        }

        #[test]
        fn on_track_is_monotone_in_the_current_value(
            baseline in 0f64..1000.0, target in 0f64..1000.0, expected in 0f64..1000.0,
            current in 0f64..1000.0, more in 0f64..100.0,
        ) {
            let dir = direction(baseline, target);
            let better = current + more * dir;
            if is_on_track(current, expected, dir) {
                prop_assert!(is_on_track(better, expected, dir));
            }
            if is_achieved(current, target, dir) {
                prop_assert!(is_achieved(better, target, dir));
            }
        }

        #[test]
        fn trajectories_run_from_the_start_to_the_as_of_date_evenly(
            start in 0i64..2_000_000_000, span in 0i64..(3 * 365 * DAY),
        ) {
            let as_of = start + span;
            let points = trajectory_moments(start, as_of, MAX_TRAJECTORY_POINTS);
            prop_assert!(!points.is_empty() && points.len() <= MAX_TRAJECTORY_POINTS);
            prop_assert_eq!(*points.last().unwrap(), as_of);
            if points.len() > 1 {
                prop_assert_eq!(points[0], start);
                let gaps: Vec<i64> = points.windows(2).map(|w| w[1] - w[0]).collect();
                let (low, high) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
                prop_assert!(high - low <= 1);
            }
            prop_assert!(trajectory_moments(start, start - 1, 12).is_empty());
        }
    }

    #[test]
    fn a_target_far_beyond_the_history_is_flagged_with_its_numbers() {
        // A rate that rose one point a week all year.
        let history: Vec<f64> = (0..=52).map(|w| 10.0 + w as f64 * 0.1).collect();
        let span = 10 * 7 * DAY;
        // Ten weeks: the largest rise in ten weeks was 1 point.
        let fine = judge_feasibility(Metric::ConversionRate, &history, 15.2, 16.5, span);
        assert!(fine.achievable, "{}", fine.reason);
        assert!((fine.largest_change - 1.0).abs() < 1e-9);
        let far = judge_feasibility(Metric::ConversionRate, &history, 15.2, 25.0, span);
        assert!(!far.achievable);
        assert!((far.required_per_week - 0.98).abs() < 1e-9);
        assert!(
            far.reason.contains("probably not achievable"),
            "{}",
            far.reason
        );
        // Falling goals read falls.
        let fall = judge_feasibility(Metric::ConversionRate, &history, 15.2, 14.0, span);
        assert!(!fall.achievable, "the rate never fell: {}", fall.reason);
    }

    #[test]
    fn conversions_compare_with_the_most_conversions_in_an_equal_span() {
        let mut history = vec![0.0; 53];
        history[30] = 40.0;
        let span = 4 * 7 * DAY;
        assert!(judge_feasibility(Metric::Conversions, &history, 0.0, 60.0, span).achievable);
        assert!(!judge_feasibility(Metric::Conversions, &history, 0.0, 61.0, span).achievable);
        // A two-year goal doubles what a year showed.
        let two_years = judge_feasibility(Metric::Conversions, &history, 0.0, 100.0, 104 * 7 * DAY);
        assert!((two_years.largest_change - 80.0).abs() < 1e-9);
    }
}
