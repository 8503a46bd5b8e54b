//! Instants as the core counts them: seconds since the epoch, UTC. "Now",
//! "today", midnight UTC of a day and the last second of a day, defined once
//! for the core, the CLI and the shell.

use chrono::{NaiveDate, NaiveTime, Utc};

/// Seconds in a day of UTC (no leap seconds, as Unix time counts).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Now, in seconds since the epoch.
pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// Today's date in UTC.
pub fn today_utc() -> NaiveDate {
    Utc::now().date_naive()
}

/// 00:00 UTC on `date`, in seconds since the epoch.
pub fn midnight_utc(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// The last second of the UTC day that holds `instant`.
pub fn end_of_day_utc(instant: i64) -> i64 {
    instant.div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_utc_is_the_start_of_the_day() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
        assert_eq!(midnight_utc(day), 1_790_035_200);
        assert_eq!(
            midnight_utc(day.succ_opt().unwrap()) - midnight_utc(day),
            86_400
        );
    }

    #[test]
    fn now_is_within_today() {
        let start = midnight_utc(today_utc());
        let now = now();
        assert!(now >= start && now < start + 86_400 + 1);
    }

    #[test]
    fn the_end_of_a_day_is_its_last_second() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
        let start = midnight_utc(day);
        let next = midnight_utc(day.succ_opt().unwrap());
        for instant in [start, start + 1, start + 43_200, next - 1] {
            assert_eq!(end_of_day_utc(instant), next - 1, "{instant}");
        }
        assert_eq!(end_of_day_utc(next), next + SECONDS_PER_DAY - 1);
        // Before the epoch too: 1969-12-31 ends one second before it.
        assert_eq!(end_of_day_utc(-1), -1);
        assert_eq!(end_of_day_utc(-86_400), -1);
        assert_eq!(end_of_day_utc(-86_401), -86_401);
    }
}
