//! The documented range of every number and date the planner and streams
//! accept (docs/streams.md, "Limits"), and the checks that name the setting
//! and its range when a value falls outside it. Inside these ranges all of
//! the planner's date arithmetic stays far from chrono's and i64's limits.

use std::fmt::Display;
use std::ops::RangeInclusive;

use chrono::{NaiveDate, NaiveTime};

use crate::Error;

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a valid calendar date"),
    }
}

/// The first and last day of every planner date: the plan's first day, its
/// as-of instant, quiet dates and a stream's active dates.
pub const FIRST_DATE: NaiveDate = date(1900, 1, 1);
pub const LAST_DATE: NaiveDate = date(2199, 12, 31);
/// How many days one plan covers.
pub const HORIZON_DAYS: RangeInclusive<u32> = 1..=3_660;
/// Frequency cap: at most this many emails …
pub const CAP_EMAILS: RangeInclusive<u32> = 1..=100;
/// … in any this many days.
pub const CAP_DAYS: RangeInclusive<u32> = 1..=365;
/// Send windows and "wait until" windows: from this hour …
pub const FROM_HOUR: RangeInclusive<u8> = 0..=23;
/// … to this hour (exclusive).
pub const TO_HOUR: RangeInclusive<u8> = 1..=24;
/// 1 = Monday … 7 = Sunday.
pub const WEEKDAYS: RangeInclusive<u8> = 1..=7;
/// The longest wait step, and the longest timeout of a "wait until event".
pub const MAX_WAIT_DAYS: u32 = 365;
/// Re-entry after this many days.
pub const REENTRY_DAYS: RangeInclusive<u32> = 1..=365;
/// Assumed engagement rates of branches and "wait until event".
pub const RATE: RangeInclusive<f64> = 0.0..=1.0;
/// Each split percentage, and how many paths a split has.
pub const SPLIT_PERCENT: RangeInclusive<u32> = 0..=100;
pub const SPLIT_PATHS: RangeInclusive<usize> = 2..=10;
/// Stream priorities.
pub const PRIORITY: RangeInclusive<i32> = -1_000..=1_000;
/// Steps (nodes) in one stream.
pub const MAX_NODES: usize = 1_000;

/// "`setting` must be `allowed`, not `found`".
pub fn out_of_range(setting: &str, allowed: impl Display, found: impl Display) -> Error {
    Error::OutOfRange {
        setting: setting.to_owned(),
        allowed: allowed.to_string(),
        found: found.to_string(),
    }
}

/// "1 to 365", with thousands separators.
pub fn range_text<T: Copy + Into<i64>>(range: &RangeInclusive<T>) -> String {
    format!(
        "{} to {}",
        grouped((*range.start()).into()),
        grouped((*range.end()).into())
    )
}

pub use crate::text::grouped;

/// The allowed dates, as text.
pub fn dates_text() -> String {
    format!("a date from {FIRST_DATE} to {LAST_DATE}")
}

/// Checks that `value` lies in `range`, naming `setting` if not.
pub fn check<T>(setting: &str, value: T, range: &RangeInclusive<T>, unit: &str) -> crate::Result<()>
where
    T: Copy + PartialOrd + Into<i64>,
{
    if range.contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(
            setting,
            format!("{}{unit}", range_text(range)),
            grouped(value.into()),
        ))
    }
}

/// Checks that a day lies within [`FIRST_DATE`]–[`LAST_DATE`].
pub fn check_date(setting: &str, date: NaiveDate) -> crate::Result<()> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        Ok(())
    } else {
        Err(out_of_range(setting, dates_text(), date))
    }
}

/// Reads a YYYY-MM-DD day within the allowed dates, naming `setting`.
pub fn parse_date(setting: &str, text: &str) -> crate::Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        out_of_range(
            setting,
            format!("{} (YYYY-MM-DD)", dates_text()),
            format!("`{text}`"),
        )
    })?;
    check_date(setting, date)?;
    Ok(date)
}

/// Does an instant (seconds since the epoch, UTC) lie on an allowed date?
pub fn instant_in_range(at: i64) -> bool {
    let first = FIRST_DATE.and_time(NaiveTime::MIN).and_utc().timestamp();
    let after_last = LAST_DATE.and_time(NaiveTime::MIN).and_utc().timestamp() + 86_400;
    (first..after_last).contains(&at)
}

/// Checks that an instant lies on an allowed date, naming `setting` if not.
pub fn check_instant(setting: &str, at: i64) -> crate::Result<()> {
    if instant_in_range(at) {
        return Ok(());
    }
    Err(out_of_range(
        setting,
        dates_text(),
        chrono::DateTime::from_timestamp(at, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| format!("{} seconds after 1970", grouped(at))),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_setting_the_range_and_the_value() {
        let error = check("frequency cap (days)", 100_000_000u32, &CAP_DAYS, " days")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "frequency cap (days) must be 1 to 365 days, not 100,000,000"
        );
        assert_eq!(grouped(-1_000), "-1,000");
        assert_eq!(range_text(&PRIORITY), "-1,000 to 1,000");
        let error = parse_date("the plan's first day", "+262142-12-30")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the plan's first day must be a date from 1900-01-01 to 2199-12-31"),
            "{error}"
        );
        assert!(check_instant("the as-of instant", i64::MAX).is_err());
        assert!(instant_in_range(0));
        let last_second = 7_258_118_399; // 2199-12-31T23:59:59Z
        assert!(instant_in_range(last_second) && !instant_in_range(last_second + 1));
    }
}
