//! Thinning of a segment's snapshots, as backup rotation does it: every
//! snapshot of the last 7 days, then the first of each UTC day up to 30
//! days, the first of each week (Monday to Sunday, UTC) up to 26 weeks, and
//! the first of each calendar month beyond.

use chrono::{DateTime, Datelike};

use crate::time::SECONDS_PER_DAY;

/// Snapshots younger than this are all kept.
pub const KEEP_ALL_DAYS: i64 = 7;
/// Up to this age, one a day.
pub const DAILY_UNTIL_DAYS: i64 = 30;
/// Up to this age, one a week; beyond, one a month.
pub const WEEKLY_UNTIL_DAYS: i64 = 26 * 7;

/// The period a snapshot taken at `taken_at` falls in when thinning at
/// `now`; `None` when it is kept whatever.
fn period(taken_at: i64, now: i64) -> Option<(u8, i64)> {
    let age = now - taken_at;
    let day = taken_at.div_euclid(SECONDS_PER_DAY);
    if age < KEEP_ALL_DAYS * SECONDS_PER_DAY {
        None
    } else if age < DAILY_UNTIL_DAYS * SECONDS_PER_DAY {
        Some((1, day))
    } else if age < WEEKLY_UNTIL_DAYS * SECONDS_PER_DAY {
        // Day 0 (1 January 1970) was a Thursday: weeks start on Mondays.
        Some((2, (day + 3).div_euclid(7)))
    } else {
        let date = DateTime::from_timestamp(taken_at, 0)?.date_naive();
        Some((3, i64::from(date.year()) * 12 + i64::from(date.month0())))
    }
}

/// The ids to delete among one segment's snapshots `(id, taken_at)`, given
/// in time order: all but the first of each period.
pub fn to_thin(snapshots: &[(i64, i64)], now: i64) -> Vec<i64> {
    let mut last_period = None;
    let mut doomed = Vec::new();
    for &(id, taken_at) in snapshots {
        let Some(current) = period(taken_at, now) else {
            continue;
        };
        if last_period == Some(current) {
            doomed.push(id);
        } else {
            last_period = Some(current);
        }
    }
    doomed
}

/// How many snapshots a segment keeps after a year of `per_day` snapshots
/// a day, thinned every time one is recorded: the figure the storage
/// estimate multiplies by the size of a snapshot.
pub fn kept_after(days: i64, per_day: i64, now: i64) -> usize {
    let mut kept: Vec<(i64, i64)> = Vec::new();
    let start = now - days * SECONDS_PER_DAY;
    let mut id = 0;
    for day in 0..days {
        for slot in 0..per_day {
            id += 1;
            let at = start + day * SECONDS_PER_DAY + slot * (SECONDS_PER_DAY / per_day.max(1));
            kept.push((id, at));
            let doomed = to_thin(&kept, at);
            kept.retain(|(id, _)| !doomed.contains(id));
        }
    }
    kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = SECONDS_PER_DAY;
    /// Monday 2 November 2026, 00:00 UTC.
    const NOW: i64 = 1_793_577_600;

    #[test]
    fn the_last_week_is_kept_whole() {
        let snapshots: Vec<(i64, i64)> = (0..50).map(|i| (i, NOW - 6 * DAY + i * 3600)).collect();
        assert!(to_thin(&snapshots, NOW).is_empty());
    }

    #[test]
    fn older_days_keep_their_first_snapshot() {
        // Three snapshots on each of days 10 and 11 ago.
        let snapshots = [
            (1, NOW - 11 * DAY),
            (2, NOW - 11 * DAY + 60),
            (3, NOW - 11 * DAY + 7200),
            (4, NOW - 10 * DAY + 5),
            (5, NOW - 10 * DAY + 9),
        ];
        assert_eq!(to_thin(&snapshots, NOW), [2, 3, 5]);
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 42 days before Monday 2 November is Monday 21 September 2026.
        let monday = NOW - 42 * DAY;
        let sunday_before = monday - DAY;
        let snapshots = [(1, sunday_before), (2, monday), (3, monday + 2 * DAY)];
        assert_eq!(
            to_thin(&snapshots, NOW),
            [3],
            "Sunday and Monday are in different weeks"
        );
        // 1 and 31 March 2026 are in the same month, 1 April in another.
        let march_1 = 1_772_323_200;
        let snapshots = [
            (1, march_1),
            (2, march_1 + 30 * DAY),
            (3, march_1 + 31 * DAY),
        ];
        assert_eq!(to_thin(&snapshots, NOW), [2]);
    }

    #[test]
    fn a_year_of_daily_snapshots_keeps_about_sixty() {
        let kept = kept_after(365, 1, NOW);
        // 7 + 23 days, about 22 weeks, about 6 months.
        assert!((55..=65).contains(&kept), "kept {kept}");
        // Four snapshots a day (imports) adds only the last week's extra ones.
        let busy = kept_after(365, 4, NOW);
        assert!(busy <= kept + 3 * 7 + 1, "kept {busy}");
    }

    proptest! {
        /// Thinning keeps the first snapshot of every period, keeps every
        /// recent one, and thinning again deletes nothing more.
        #[test]
        fn thinning_keeps_one_per_period_and_is_stable(
            mut ages in proptest::collection::vec(0i64..400 * DAY, 0..200)
        ) {
            ages.sort_unstable_by(|a, b| b.cmp(a));
            let snapshots: Vec<(i64, i64)> =
                ages.iter().enumerate().map(|(i, age)| (i as i64, NOW - age)).collect();
            let doomed = to_thin(&snapshots, NOW);
            let kept: Vec<(i64, i64)> =
                snapshots.iter().copied().filter(|(id, _)| !doomed.contains(id)).collect();
            prop_assert!(to_thin(&kept, NOW).is_empty());
            for (id, at) in &snapshots {
                if NOW - at < KEEP_ALL_DAYS * DAY {
                    prop_assert!(!doomed.contains(id));
                }
            }
            let mut periods: Vec<_> = snapshots.iter().filter_map(|(_, at)| period(*at, NOW)).collect();
            periods.dedup();
            let recent = snapshots.iter().filter(|(_, at)| period(*at, NOW).is_none()).count();
            prop_assert_eq!(kept.len(), periods.len() + recent);
        }
    }
}
