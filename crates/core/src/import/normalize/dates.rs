//! Dates: the four formats a column may write them in, times of day, AM/PM,
//! UTC offsets and Excel serial day numbers.

use super::*;

/// Reads `min..=max` ASCII digits (at most 9) from the start of `text`.
pub(super) fn take_digits(text: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    if len < min || len > max {
        return None;
    }
    Some((text[..len].parse().ok()?, &text[len..]))
}

pub(super) fn parse_year_first(text: &str) -> Option<i64> {
    let (year, rest) = take_digits(text, 4, 4)?;
    let separator = rest.chars().next().filter(|c| matches!(c, '-' | '/'))?;
    let (month, rest) = take_digits(&rest[1..], 1, 2)?;
    let (day, rest) = take_digits(rest.strip_prefix(separator)?, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    timestamp(date, rest)
}

pub(super) fn parse_numeric_date(text: &str, month_first: bool) -> Option<i64> {
    let (first, rest) = take_digits(text, 1, 2)?;
    let separator = rest.chars().next()?;
    let separator_allowed = match separator {
        '/' | '-' => true,
        '.' => !month_first,
        _ => false,
    };
    if !separator_allowed {
        return None;
    }
    let (second, rest) = take_digits(&rest[1..], 1, 2)?;
    let rest = rest.strip_prefix(separator)?;
    let year_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if year_digits != 2 && year_digits != 4 {
        return None;
    }
    let (year, rest) = take_digits(rest, year_digits, year_digits)?;
    let year = match (year_digits, year) {
        (2, 0..=69) => 2000 + year,
        (2, _) => 1900 + year,
        _ => year,
    };
    let (month, day) = if month_first {
        (first, second)
    } else {
        (second, first)
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    timestamp(date, rest)
}

/// The timestamp of `date` at the time of day written in `time_text` (empty
/// for midnight UTC).
pub(super) fn timestamp(date: NaiveDate, time_text: &str) -> Option<i64> {
    let (seconds_of_day, offset_seconds) = parse_time_of_day(time_text)?;
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(midnight + seconds_of_day - offset_seconds)
}

/// Parses what follows a date: nothing, or a separator (`T` or spaces), a
/// time, an optional AM/PM and an optional offset. Returns the seconds since
/// midnight and the offset from UTC in seconds.
pub(super) fn parse_time_of_day(text: &str) -> Option<(i64, i64)> {
    if text.is_empty() {
        return Some((0, 0));
    }
    let rest = match text.strip_prefix(['T', 't']) {
        Some(rest) => rest,
        None => {
            let rest = text.trim_start_matches(' ');
            if rest.len() == text.len() {
                return None;
            }
            rest
        }
    };
    let (mut hour, rest) = take_digits(rest, 1, 2)?;
    let (minute, mut rest) = take_digits(rest.strip_prefix(':')?, 2, 2)?;
    let mut second = 0;
    if let Some(after) = rest.strip_prefix(':') {
        (second, rest) = take_digits(after, 2, 2)?;
        if let Some(fraction) = rest.strip_prefix(['.', ',']) {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &fraction[digits..];
        }
    }
    rest = rest.trim_start_matches(' ');
    if let Some((is_pm, after)) = split_meridiem(rest) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if is_pm { 12 } else { 0 };
        rest = after.trim_start_matches(' ');
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = parse_utc_offset(rest)?;
    Some((i64::from(hour * 3600 + minute * 60 + second), offset))
}

/// Splits a leading `AM` or `PM` (any case) off `text`.
pub(super) fn split_meridiem(text: &str) -> Option<(bool, &str)> {
    let head = text.get(..2)?;
    let is_pm = if head.eq_ignore_ascii_case("am") {
        false
    } else if head.eq_ignore_ascii_case("pm") {
        true
    } else {
        return None;
    };
    Some((is_pm, &text[2..]))
}

/// Parses a whole UTC offset: empty, `Z`, `UTC`, `GMT`, `+HH`, `+HHMM` or
/// `+HH:MM`. Returns seconds east of UTC.
pub(super) fn parse_utc_offset(text: &str) -> Option<i64> {
    if text.is_empty()
        || text.eq_ignore_ascii_case("z")
        || text.eq_ignore_ascii_case("utc")
        || text.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    let (is_negative, rest) = split_sign(text)?;
    let two_digits = |part: &str| -> Option<u32> {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let (hours, minutes) = match rest.len() {
        2 => (two_digits(rest)?, 0),
        4 => (two_digits(rest.get(..2)?)?, two_digits(rest.get(2..)?)?),
        5 if rest.as_bytes()[2] == b':' => {
            (two_digits(rest.get(..2)?)?, two_digits(rest.get(3..)?)?)
        }
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    let seconds = i64::from(hours * 3600 + minutes * 60);
    Some(if is_negative { -seconds } else { seconds })
}

/// The last day number of Excel's 1900 date system: 9999-12-31.
pub(super) const EXCEL_LAST_SERIAL: i64 = 2_958_465;

pub(super) fn parse_excel_serial(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 7 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let serial: i64 = whole.parse().ok()?;
    // Excel, copying Lotus 1-2-3, treats 1900 as a leap year: day 60 is the
    // phantom 1900-02-29, and days before it are one day later than a plain
    // count from 1899-12-30 gives.
    let days_after_1899_12_30 = match serial {
        1..=59 => serial + 1,
        61..=EXCEL_LAST_SERIAL => serial,
        _ => return None,
    };
    let seconds_of_day = if fraction.is_empty() {
        0
    } else {
        let day_fraction: f64 = format!("0.{fraction}").parse().ok()?;
        (day_fraction * 86_400.0).round() as i64
    };
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?
        .and_hms_opt(0, 0, 0)?
        .and_utc()
        .timestamp();
    Some(epoch + days_after_1899_12_30 * 86_400 + seconds_of_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn ts(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc()
            .timestamp()
    }

    fn day(text: &str) -> i64 {
        ts(&format!("{text} 00:00:00"))
    }

    #[test]
    fn iso_dates() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2026-03-01", Some("2026-03-01 00:00:00")),
            ("  2026-03-01 ", Some("2026-03-01 00:00:00")),
            ("2026-3-1", Some("2026-03-01 00:00:00")),
            ("2026/03/01", Some("2026-03-01 00:00:00")),
            ("2026-03-01T14:05:00Z", Some("2026-03-01 14:05:00")),
            ("2026-03-01t14:05:00z", Some("2026-03-01 14:05:00")),
            ("2026-03-01 14:05", Some("2026-03-01 14:05:00")),
            ("2026-03-01  14:05:09", Some("2026-03-01 14:05:09")),
            ("2006-04-15T03:23:15.000Z", Some("2006-04-15 03:23:15")),
            ("2026-03-01T14:05:00+02:00", Some("2026-03-01 12:05:00")),
            ("2026-03-01T14:05:00-0530", Some("2026-03-01 19:35:00")),
            (
                "2026-03-01T14:05:00.123456+0000",
                Some("2026-03-01 14:05:00"),
            ),
            ("2026-03-01 00:30:00 +01", Some("2026-02-28 23:30:00")),
            ("2026-03-01 14:05 UTC", Some("2026-03-01 14:05:00")),
            ("2026-03-01 2:05 PM", Some("2026-03-01 14:05:00")),
            ("2026-03-01 12:05 am", Some("2026-03-01 00:05:00")),
            ("2024-02-29", Some("2024-02-29 00:00:00")),
            ("1900-01-01", Some("1900-01-01 00:00:00")),
            ("2023-02-29", None),
            ("2026-02-31", None),
            ("2026-13-01", None),
            ("2026-00-10", None),
            ("2026-03-01T24:00:00", None),
            ("2026-03-01T14:60", None),
            ("2026-03-01T14", None),
            ("2026-03-01T14:05:00+25:00", None),
            ("2026-03-01 13:05 PM", None),
            ("2026-03-01x", None),
            ("2026-03/01", None),
            ("26-03-01", None),
            ("03/01/2026", None),
            ("2026", None),
            ("", None),
            ("today", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_date(text, DateFormat::Iso),
                expected.map(ts),
                "{text:?}"
            );
        }
    }

    #[test]
    fn month_first_dates() {
        let cases: &[(&str, Option<&str>)] = &[
            ("03/01/2026", Some("2026-03-01")),
            ("3/1/26", Some("2026-03-01")),
            ("12/31/1999", Some("1999-12-31")),
            ("12-31-99", Some("1999-12-31")),
            ("1/2/69", Some("2069-01-02")),
            ("1/2/70", Some("1970-01-02")),
            ("1/2/00", Some("2000-01-02")),
            ("02/29/2024", Some("2024-02-29")),
            ("02/29/2023", None),
            ("31/01/2026", None),
            ("13/01/2026", None),
            ("03.01.2026", None),
            ("03/01-2026", None),
            ("3/1/202", None),
            ("3/1/2", None),
            ("3/1/20261", None),
            ("003/01/2026", None),
            ("2026-03-01", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_date(text, DateFormat::MonthFirst),
                expected.map(day),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_date("3/1/2026 2:05:09 PM", DateFormat::MonthFirst),
            Some(ts("2026-03-01 14:05:09"))
        );
    }

    #[test]
    fn day_first_dates() {
        let cases: &[(&str, Option<&str>)] = &[
            ("01.03.2026", Some("2026-03-01")),
            ("01/03/2026", Some("2026-03-01")),
            ("01-03-2026", Some("2026-03-01")),
            ("1.3.26", Some("2026-03-01")),
            ("04-09-2012", Some("2012-09-04")),
            ("01-01-13", Some("2013-01-01")),
            ("01-12-17", Some("2017-12-01")),
            ("31/12/1999", Some("1999-12-31")),
            ("29.02.2024", Some("2024-02-29")),
            ("31/02/2026", None),
            ("29.02.2023", None),
            ("01/13/2026", None),
            ("00/01/2026", None),
            ("01.03/2026", None),
            ("01.03.2026.", None),
            ("2026-03-01", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_date(text, DateFormat::DayFirst),
                expected.map(day),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_date(" 01.03.2026 14:05 ", DateFormat::DayFirst),
            Some(ts("2026-03-01 14:05:00"))
        );
        assert_eq!(
            parse_date("01/03/2026T14:05:00+01:00", DateFormat::DayFirst),
            Some(ts("2026-03-01 13:05:00"))
        );
    }

    #[test]
    fn excel_serials() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1", Some("1900-01-01")),
            ("59", Some("1900-02-28")),
            ("60", None),
            ("61", Some("1900-03-01")),
            ("41156", Some("2012-09-04")),
            ("41706", Some("2014-03-08")),
            ("45000", Some("2023-03-15")),
            ("25569", Some("1970-01-01")),
            ("2958465", Some("9999-12-31")),
            (" 41156 ", Some("2012-09-04")),
            ("41156.0", Some("2012-09-04")),
            ("0", None),
            ("2958466", None),
            ("-5", None),
            ("41,156", None),
            ("4.1156E4", None),
            ("41156.", Some("2012-09-04")),
            (".5", None),
            ("abc", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_date(text, DateFormat::ExcelSerial),
                expected.map(day),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_date("41156.75", DateFormat::ExcelSerial),
            Some(ts("2012-09-04 18:00:00"))
        );
    }
}
