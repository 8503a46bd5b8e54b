//! Normalising imported values: dates, numbers, booleans, emails and
//! placeholder tokens, and inferring a column's type from its values.
//!
//! # Parsers
//!
//! Every parser trims its input and returns `None` for anything it does not
//! fully understand; none of them panics.
//!
//! - [`parse_date`] returns seconds since the epoch, UTC. A date alone is
//!   00:00 UTC and a time without an offset is UTC. After the date may come a
//!   time (`T` or spaces, then `H:MM`, `H:MM:SS` or `H:MM:SS.fff`), an
//!   optional `AM`/`PM`, and an optional offset (`Z`, `UTC`, `GMT`, `+02:00`,
//!   `+0200`, `+02`). Impossible dates (31/02) are refused.
//!   - [`DateFormat::Iso`]: year first, `2026-03-01` (also `2026/03/01`).
//!   - [`DateFormat::MonthFirst`]: `03/01/2026`, `3/1/26`, `03-01-2026`.
//!   - [`DateFormat::DayFirst`]: `01.03.2026`, `01/03/2026`, `01-03-2026`.
//!     Both take 2- or 4-digit years; 2-digit years 00–69 are 20xx, 70–99 19xx.
//!   - [`DateFormat::ExcelSerial`]: day numbers of Excel's 1900 date system,
//!     optionally with a fraction of a day (`41156.5`). Excel counts the
//!     phantom 1900-02-29 as day 60: days 1–59 are 1900-01-01 to 1900-02-28,
//!     day 60 is refused, and day 61 onwards is 1900-03-01 onwards.
//! - [`parse_number`]: an optional sign and one currency symbol (`$ € £`,
//!   before or after the number), digits with thousands separators of the
//!   style (groups of three; `,` or `.` by style, space, no-break space,
//!   apostrophe), a decimal mark and an exponent (`8.48E10`). Percentages,
//!   `1.2.3`, non-finite results and mixed separators are refused.
//! - [`parse_bool`]: `true/false`, `yes/no`, `y/n`, `1/0`, `t/f`, `on/off`,
//!   and `x` for a ticked box, in any case.
//!
//! # Column inference ([`infer_column`])
//!
//! Values are trimmed and empty ones ignored. "Most" means at least 95% of the
//! non-empty values. The first rule that holds decides:
//!
//! 1. **Boolean** when most values parse with [`parse_bool`] and those take at
//!    most 3 distinct case-folded forms. A column of only `0` and `1` is
//!    boolean only when its header reads as a flag (`Do Not …`, `Is …`,
//!    `Has …`, `opt…`, `flag`, `accepted`, `converted`, `complain`,
//!    `response`, `subscribed`, …); otherwise it goes on to the number rule.
//! 2. **Text** when the header names a phone, fax, zip or postal code or any
//!    `…code`, or when at least half the values look like international phone
//!    numbers (`+` then 7 to 15 digits).
//! 3. **Date** when most values parse under one format. ISO, month-first and
//!    day-first are always tried. Excel serials are tried only when the header
//!    names a date or time (`date`, `dt`, `time`, `timestamp`, `created`,
//!    `modified`, `updated`, words ending in `date`) and not a duration or an
//!    amount (`spent`, `duration`, `total`, `zone`, …), and the values are
//!    numbers from 20000 to 80000 (1954 to 2119). The format parsing the most
//!    values wins. When month-first and day-first parse exactly the same
//!    values, the profile is marked ambiguous and the guess is month-first if
//!    most values are written with `/` (US CRM exports), day-first otherwise.
//! 4. **Number** when most values parse under one style, unless some value is
//!    zero-padded (`001001`, `007`) or an integer of more than 15 digits (codes
//!    and ids that a float would damage). Comma-decimal is chosen only when it
//!    parses more values than dot-decimal, so `1,234` alone is one thousand
//!    two hundred and thirty-four, but beside `0,61` it is 1.234.
//! 5. **List** when at least 20% of the values contain `;` (or `|`) and the
//!    header names a list (tags, interests, technologies, …) or every item of
//!    those values is short (at most 40 characters and 5 words).
//! 6. **Text** otherwise.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::fields::FieldType;
use crate::text::fold_key;

/// How a column writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DateFormat {
    /// Year first: `2026-03-01`, `2026-03-01T14:05:00Z`, `2026-03-01 14:05+02:00`.
    Iso,
    /// US style: `03/01/2026`, `3/1/26`.
    MonthFirst,
    /// European style: `01.03.2026`, `01/03/2026`, `01-03-2026`, `01-01-13`.
    DayFirst,
    /// Excel day numbers, 1900 date system: `41156` is 2012-09-04.
    ExcelSerial,
}

/// How a column writes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NumberStyle {
    /// `1,234.5`
    DotDecimal,
    /// `1.234,5` and `1 234,5`
    CommaDecimal,
}

/// What a column holds, inferred from sample values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnProfile {
    pub field_type: FieldType,
    /// Set for date columns only.
    pub date_format: Option<DateFormat>,
    /// The values fit month-first and day-first equally (all like
    /// `01/02/2020`): the user should confirm the guess.
    pub date_format_ambiguous: bool,
    /// Set for number columns only.
    pub number_style: Option<NumberStyle>,
    pub non_empty: u32,
    /// Up to 20 most frequent values (trimmed), most frequent first, for
    /// enum-like editors.
    pub distinct_sample: Vec<String>,
}

/// Parses a date or date-time written in `format` into seconds since the
/// epoch, UTC. See the module documentation for what each format accepts.
pub fn parse_date(text: &str, format: DateFormat) -> Option<i64> {
    let text = text.trim();
    match format {
        DateFormat::Iso => parse_year_first(text),
        DateFormat::MonthFirst => parse_numeric_date(text, true),
        DateFormat::DayFirst => parse_numeric_date(text, false),
        DateFormat::ExcelSerial => parse_excel_serial(text),
    }
}

/// Parses a number written in `style`. See the module documentation.
pub fn parse_number(text: &str, style: NumberStyle) -> Option<f64> {
    const CURRENCIES: [char; 3] = ['$', '€', '£'];
    let mut rest = text.trim();
    let mut negative = None;
    if let Some((is_negative, after)) = split_sign(rest) {
        negative = Some(is_negative);
        rest = after;
    }
    let mut currency = false;
    if let Some(after) = rest.strip_prefix(CURRENCIES) {
        currency = true;
        rest = after.trim_start();
        if negative.is_none() {
            if let Some((is_negative, after)) = split_sign(rest) {
                negative = Some(is_negative);
                rest = after;
            }
        }
    }
    if !currency {
        if let Some(before) = rest.strip_suffix(CURRENCIES) {
            rest = before.trim_end();
        }
    }
    let plain = plain_number(rest, style)?;
    let sign = if negative == Some(true) { "-" } else { "" };
    format!("{sign}{plain}")
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

/// Parses a boolean: `true/false`, `yes/no`, `y/n`, `1/0`, `t/f`, `on/off`,
/// and `x` (a ticked box) as true; case-insensitive and trimmed.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        // HubSpot's "Marketing contact status" values are yes/no too.
        "true" | "yes" | "y" | "1" | "x" | "t" | "on" | "marketing contact" => Some(true),
        "false" | "no" | "n" | "0" | "f" | "off" | "non-marketing contact" => Some(false),
        _ => None,
    }
}

/// A plausible e-mail address, trimmed: exactly one `@`, a non-empty local
/// part, a domain of at least two non-empty dot-separated labels, and no
/// whitespace or control characters. Returns the trimmed address with its
/// case kept.
pub fn normalize_email(text: &str) -> Option<String> {
    crate::text::is_email_address(text).then(|| text.trim().to_owned())
}

/// The matching key of an e-mail: [`fold_key`] of the trimmed address, with
/// full Unicode case folding.
pub fn email_key(email: &str) -> String {
    fold_key(email)
}

/// Splits a list cell on `;` (or on `|` when it has no `;`), trimming items
/// and dropping empty ones.
pub fn split_list(text: &str) -> Vec<String> {
    let separator = if text.contains(';') { ';' } else { '|' };
    text.split(separator)
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Placeholders that mean "empty", matched case-insensitively.
const PLACEHOLDERS: &[&str] = &[
    "select",
    "unknown",
    "n/a",
    "na",
    "null",
    "none",
    "-",
    "--",
    "?",
    "(blank)",
    "nan",
    "#n/a",
    ".",
    "not specified",
    "not provided",
];

/// Suggests placeholder values that mean "empty", for the user to confirm,
/// from each column's sample values. A value is suggested when it matches a
/// known placeholder case-insensitively (`Select`, `unknown`, `N/A`, `NULL`,
/// `-`, `(blank)`, `#N/A`, …), or, generically, when it is the strictly most
/// frequent value of a column (at least twice), has letters and no digits,
/// is at most 30 characters, and the column's other values (at least 5) are
/// at least 95% numbers or 95% dates, as `unknown` among ages.
///
/// Tokens come back trimmed, as written in the file (case kept), each once,
/// most frequent first (counted over all columns), ties in order of first
/// appearance.
pub fn suggest_null_tokens(columns: &[Vec<&str>]) -> Vec<String> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut add = |token: &str, count: usize| match found.iter_mut().find(|(t, _)| t == token) {
        Some(entry) => entry.1 += count,
        None => found.push((token.to_owned(), count)),
    };
    for column in columns {
        let counts = value_counts(column);
        for &(value, count) in &counts {
            if is_known_placeholder(value) {
                add(value, count);
            }
        }
        if let Some((token, count)) = generic_placeholder(&counts) {
            add(token, count);
        }
    }
    found.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    found.into_iter().map(|(token, _)| token).collect()
}

/// Infers what a column holds from sample values (placeholders already
/// removed by the caller; empty values ignored). The rules are in the module
/// documentation.
pub fn infer_column(header: &str, values: &[&str]) -> ColumnProfile {
    let counts = value_counts(values);
    let non_empty: usize = counts.iter().map(|(_, count)| count).sum();
    let mut profile = ColumnProfile {
        field_type: FieldType::Text,
        date_format: None,
        date_format_ambiguous: false,
        number_style: None,
        non_empty: u32::try_from(non_empty).unwrap_or(u32::MAX),
        distinct_sample: counts
            .iter()
            .take(20)
            .map(|(value, _)| (*value).to_owned())
            .collect(),
    };
    if counts.is_empty() {
        return profile;
    }
    let header_words = words(header);
    if is_boolean_column(&header_words, &counts) {
        profile.field_type = FieldType::Boolean;
    } else if names_code(&header_words) || mostly_phone_numbers(&counts) {
        profile.field_type = FieldType::Text;
    } else if let Some((format, ambiguous)) = infer_date_format(&header_words, &counts) {
        profile.field_type = FieldType::Date;
        profile.date_format = Some(format);
        profile.date_format_ambiguous = ambiguous;
    } else if let Some(style) = infer_number_style(&counts) {
        profile.field_type = FieldType::Number;
        profile.number_style = Some(style);
    } else if is_list_column(&header_words, &counts) {
        profile.field_type = FieldType::List;
    }
    profile
}

/// Splits a header (or any label) into lower-case words: accents are
/// transliterated to ASCII (`Année` → `annee`, `ß` → `ss`), other letters and
/// digits are kept, apostrophes are dropped, everything else separates words,
/// and so do camel-case humps (`HasOptedOutOfEmail`, `NumWebVisitsMonth`).
/// Digits never start a word of their own (`AcceptedCmp3` → `accepted`,
/// `cmp3`).
pub(crate) fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = transliterate(text)
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1);
        let hump = has_lowercase(c)
            && previous.is_some_and(|p| {
                p.is_lowercase() || (has_lowercase(p) && next.is_some_and(|n| n.is_lowercase()))
            });
        if hump && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Is `c` a capital with a lower-case form? Capitals without one (`𝒩`) are
/// kept as they are and must not start a word, or splitting would not be
/// idempotent.
fn has_lowercase(c: char) -> bool {
    c.is_uppercase() && c.to_lowercase().ne(std::iter::once(c))
}

/// Replaces accented Latin letters with their ASCII base letters, keeping
/// case; other characters pass through.
fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let replacement = match c {
            'ß' => "ss",
            'ẞ' => "SS",
            'æ' => "ae",
            'Æ' => "AE",
            'œ' => "oe",
            'Œ' => "OE",
            'ø' => "o",
            'Ø' => "O",
            'ł' => "l",
            'Ł' => "L",
            'đ' | 'ð' => "d",
            'Đ' | 'Ð' => "D",
            'þ' => "th",
            'Þ' => "TH",
            'ı' => "i",
            'ħ' => "h",
            'Ħ' => "H",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(replacement);
    }
    out
}

// ---------------------------------------------------------------------------
// Dates

/// Reads `min..=max` ASCII digits (at most 9) from the start of `text`.
fn take_digits(text: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    if len < min || len > max {
        return None;
    }
    Some((text[..len].parse().ok()?, &text[len..]))
}

fn parse_year_first(text: &str) -> Option<i64> {
    let (year, rest) = take_digits(text, 4, 4)?;
    let separator = rest.chars().next().filter(|c| matches!(c, '-' | '/'))?;
    let (month, rest) = take_digits(&rest[1..], 1, 2)?;
    let (day, rest) = take_digits(rest.strip_prefix(separator)?, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    timestamp(date, rest)
}

fn parse_numeric_date(text: &str, month_first: bool) -> Option<i64> {
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
fn timestamp(date: NaiveDate, time_text: &str) -> Option<i64> {
    let (seconds_of_day, offset_seconds) = parse_time_of_day(time_text)?;
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(midnight + seconds_of_day - offset_seconds)
}

/// Parses what follows a date: nothing, or a separator (`T` or spaces), a
/// time, an optional AM/PM and an optional offset. Returns the seconds since
/// midnight and the offset from UTC in seconds.
fn parse_time_of_day(text: &str) -> Option<(i64, i64)> {
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
fn split_meridiem(text: &str) -> Option<(bool, &str)> {
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
fn parse_utc_offset(text: &str) -> Option<i64> {
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
const EXCEL_LAST_SERIAL: i64 = 2_958_465;

fn parse_excel_serial(text: &str) -> Option<i64> {
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

// ---------------------------------------------------------------------------
// Numbers

/// Splits a leading `+` or `-` off `text`: `(is_negative, rest)`.
fn split_sign(text: &str) -> Option<(bool, &str)> {
    if let Some(rest) = text.strip_prefix('-') {
        Some((true, rest))
    } else {
        text.strip_prefix('+').map(|rest| (false, rest))
    }
}

/// Rewrites an unsigned number written in `style` as Rust's float syntax.
fn plain_number(text: &str, style: NumberStyle) -> Option<String> {
    const SPACES: [char; 6] = [' ', '\u{a0}', '\u{202f}', '\u{2009}', '\'', '\u{2019}'];
    let (decimal_mark, group_mark) = match style {
        NumberStyle::DotDecimal => ('.', ','),
        NumberStyle::CommaDecimal => (',', '.'),
    };
    let is_group_mark = |c: char| c == group_mark || SPACES.contains(&c);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (integer, fraction) = match mantissa.split_once(decimal_mark) {
        Some((integer, fraction)) => (integer, fraction),
        None => (mantissa, ""),
    };
    let integer_digits = ungroup(integer, is_group_mark)?;
    let grouped = integer_digits.len() != integer.len();
    if (integer_digits.is_empty() && fraction.is_empty())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (grouped && exponent.is_some())
    {
        return None;
    }
    let mut plain = if integer_digits.is_empty() {
        "0".to_owned()
    } else {
        integer_digits
    };
    if !fraction.is_empty() {
        plain.push('.');
        plain.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        plain.push('e');
        plain.push_str(exponent);
    }
    Some(plain)
}

/// The digits of an integer part, checking its thousands grouping: one kind
/// of separator, a first group of 1–3 digits, then groups of exactly 3.
fn ungroup(integer: &str, is_group_mark: impl Fn(char) -> bool) -> Option<String> {
    let mut separator = None;
    for c in integer.chars() {
        if c.is_ascii_digit() {
            continue;
        }
        if !is_group_mark(c) || separator.is_some_and(|s| s != c) {
            return None;
        }
        separator = Some(c);
    }
    let Some(separator) = separator else {
        return Some(integer.to_owned());
    };
    let mut groups = integer.split(separator);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

// ---------------------------------------------------------------------------
// Placeholders and inference

/// The trimmed, non-empty values of a column with their counts, most frequent
/// first, ties in order of first appearance.
fn value_counts<'a>(values: &[&'a str]) -> Vec<(&'a str, usize)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match index.get(value) {
            Some(&at) => counts[at].1 += 1,
            None => {
                index.insert(value, counts.len());
                counts.push((value, 1));
            }
        }
    }
    counts.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    counts
}

fn is_known_placeholder(value: &str) -> bool {
    PLACEHOLDERS
        .iter()
        .any(|placeholder| value.eq_ignore_ascii_case(placeholder))
}

/// The strictly most frequent value of a column, when it is a word among
/// values of a different type (numbers or dates). Conservative on purpose.
fn generic_placeholder<'a>(counts: &[(&'a str, usize)]) -> Option<(&'a str, usize)> {
    let (&(token, token_count), others) = counts.split_first()?;
    if token_count < 2
        || others
            .first()
            .is_some_and(|&(_, count)| count == token_count)
        || is_known_placeholder(token)
        || token.chars().count() > 30
        || token.chars().any(|c| c.is_ascii_digit())
        || !token.chars().any(char::is_alphabetic)
    {
        return None;
    }
    let other_total: usize = others.iter().map(|(_, count)| count).sum();
    if other_total < 5 {
        return None;
    }
    let share = |parses: &dyn Fn(&str) -> bool| {
        let parsed: usize = others
            .iter()
            .filter(|(value, _)| parses(value))
            .map(|(_, count)| count)
            .sum();
        most(parsed, other_total)
    };
    let numbers = share(&|value: &str| {
        parse_number(value, NumberStyle::DotDecimal).is_some()
            || parse_number(value, NumberStyle::CommaDecimal).is_some()
    });
    let dates = share(&|value: &str| {
        [
            DateFormat::Iso,
            DateFormat::MonthFirst,
            DateFormat::DayFirst,
        ]
        .into_iter()
        .any(|format| parse_date(value, format).is_some())
    });
    (numbers || dates).then_some((token, token_count))
}

/// At least 95% of `total`.
fn most(count: usize, total: usize) -> bool {
    total > 0 && count * 20 >= total * 19
}

/// How many values (with their counts) satisfy `test`.
fn weighted_count(counts: &[(&str, usize)], test: impl Fn(&str) -> bool) -> usize {
    counts
        .iter()
        .filter(|(value, _)| test(value))
        .map(|(_, count)| count)
        .sum()
}

fn total(counts: &[(&str, usize)]) -> usize {
    counts.iter().map(|(_, count)| count).sum()
}

/// Words of headers that mark a 0/1 column as a flag.
const FLAG_WORDS: &[&str] = &[
    "flag",
    "flags",
    "opt",
    "opted",
    "optin",
    "optout",
    "accepted",
    "converted",
    "complain",
    "complained",
    "response",
    "responded",
    "subscribed",
    "unsubscribed",
    "bounced",
    "consent",
    "consented",
    "active",
    "enabled",
    "disabled",
    "verified",
    "deleted",
    "won",
    "closed",
    "churned",
    "donotcall",
    "donotemail",
    "dnc",
    "bool",
    "boolean",
];

fn reads_as_flag(header_words: &[String]) -> bool {
    let first_is_verb = header_words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "is" | "has" | "was" | "did" | "can" | "dont"));
    let do_not = header_words
        .windows(2)
        .any(|pair| pair[0] == "do" && pair[1] == "not");
    first_is_verb
        || do_not
        || header_words
            .iter()
            .any(|w| FLAG_WORDS.contains(&w.as_str()))
}

fn is_boolean_column(header_words: &[String], counts: &[(&str, usize)]) -> bool {
    let mut forms: Vec<String> = Vec::new();
    let mut parsed = 0;
    for &(value, count) in counts {
        if parse_bool(value).is_some() {
            parsed += count;
            let form = value.to_ascii_lowercase();
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    if !most(parsed, total(counts)) || forms.len() > 3 {
        return false;
    }
    let only_digits = forms.iter().all(|form| form == "0" || form == "1");
    !only_digits || reads_as_flag(header_words)
}

/// Does the header name a phone number or a code, which stay text even when
/// they look like numbers?
fn names_code(header_words: &[String]) -> bool {
    header_words.iter().any(|w| {
        w.contains("phone")
            || w.contains("postal")
            || w.starts_with("zip")
            || w.ends_with("code")
            || matches!(
                w.as_str(),
                "fax" | "tel" | "mobile" | "cell" | "whatsapp" | "postcode"
            )
    })
}

fn looks_like_phone_number(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('+') else {
        return false;
    };
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

fn mostly_phone_numbers(counts: &[(&str, usize)]) -> bool {
    weighted_count(counts, looks_like_phone_number) * 2 >= total(counts)
}

/// Does the header name a point in time (so that Excel serials may be read)?
fn names_point_in_time(header_words: &[String]) -> bool {
    const NOT_A_DATE: &[&str] = &[
        "spent", "duration", "total", "zone", "timezone", "sec", "secs", "seconds", "minutes",
        "mins", "hours", "days", "avg", "average", "amount", "count", "number", "value",
    ];
    if header_words
        .iter()
        .any(|w| NOT_A_DATE.contains(&w.as_str()))
    {
        return false;
    }
    header_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "dt" | "time" | "timestamp" | "datetime" | "created" | "modified" | "updated"
        ) || w.ends_with("date")
    })
}

fn looks_like_excel_serial(value: &str) -> bool {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    fraction.bytes().all(|b| b.is_ascii_digit())
        && whole.len() == 5
        && whole
            .parse::<u32>()
            .is_ok_and(|serial| (20_000..=80_000).contains(&serial))
}

fn infer_date_format(
    header_words: &[String],
    counts: &[(&str, usize)],
) -> Option<(DateFormat, bool)> {
    let total = total(counts);
    let parsed = |format| weighted_count(counts, |value| parse_date(value, format).is_some());
    let mut candidates = vec![
        (DateFormat::Iso, parsed(DateFormat::Iso)),
        (DateFormat::MonthFirst, parsed(DateFormat::MonthFirst)),
        (DateFormat::DayFirst, parsed(DateFormat::DayFirst)),
    ];
    if names_point_in_time(header_words) {
        candidates.push((
            DateFormat::ExcelSerial,
            weighted_count(counts, looks_like_excel_serial),
        ));
    }
    let best = candidates.iter().map(|&(_, count)| count).max()?;
    if !most(best, total) {
        return None;
    }
    let month_first = candidates[1].1;
    let day_first = candidates[2].1;
    if month_first == best && day_first == best {
        let slashed = weighted_count(counts, |value| {
            value
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with('/')
        });
        let guess = if slashed * 2 > total {
            DateFormat::MonthFirst
        } else {
            DateFormat::DayFirst
        };
        return Some((guess, true));
    }
    candidates
        .into_iter()
        .find(|&(_, count)| count == best)
        .map(|(format, _)| (format, false))
}

fn is_zero_padded(value: &str) -> bool {
    let digits = value.trim_start_matches(['+', '-']).as_bytes();
    digits.len() > 1 && digits[0] == b'0' && digits[1].is_ascii_digit()
}

fn is_long_integer(value: &str) -> bool {
    let digits = value.trim_start_matches(['+', '-']);
    digits.len() > 15 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn infer_number_style(counts: &[(&str, usize)]) -> Option<NumberStyle> {
    if counts
        .iter()
        .any(|(value, _)| is_zero_padded(value) || is_long_integer(value))
    {
        return None;
    }
    let parsed = |style| weighted_count(counts, |value| parse_number(value, style).is_some());
    let dot = parsed(NumberStyle::DotDecimal);
    let comma = parsed(NumberStyle::CommaDecimal);
    let (style, count) = if comma > dot {
        (NumberStyle::CommaDecimal, comma)
    } else {
        (NumberStyle::DotDecimal, dot)
    };
    most(count, total(counts)).then_some(style)
}

/// Header words that name a list of values.
const LIST_WORDS: &[&str] = &[
    "tag",
    "tags",
    "interest",
    "interests",
    "technology",
    "technologies",
    "tech",
    "stack",
    "skill",
    "skills",
    "product",
    "products",
    "category",
    "categories",
    "topic",
    "topics",
    "channel",
    "channels",
    "language",
    "languages",
    "label",
    "labels",
    "tool",
    "tools",
    "platform",
    "platforms",
    "hobby",
    "hobbies",
    "list",
    "lists",
    "segment",
    "segments",
    "keyword",
    "keywords",
    "feature",
    "features",
    "brand",
    "brands",
    "service",
    "services",
    "integrations",
    "apps",
];

fn is_list_column(header_words: &[String], counts: &[(&str, usize)]) -> bool {
    let has_separator = |value: &str| value.contains(';') || value.contains('|');
    let listed = weighted_count(counts, has_separator);
    if listed * 5 < total(counts) {
        return false;
    }
    let header_names_list = header_words
        .iter()
        .any(|w| LIST_WORDS.contains(&w.as_str()));
    let items_are_short = counts
        .iter()
        .filter(|(value, _)| has_separator(value))
        .flat_map(|(value, _)| split_list(value))
        .all(|item| item.chars().count() <= 40 && item.split_whitespace().count() <= 5);
    header_names_list || items_are_short
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDateTime};
    use proptest::prelude::*;

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

    #[test]
    fn numbers_dot_decimal() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("42", Some(42.0)),
            (" -42 ", Some(-42.0)),
            ("+42", Some(42.0)),
            ("1,234.5", Some(1234.5)),
            ("1,234", Some(1234.0)),
            ("1,234,567.891", Some(1_234_567.891)),
            ("1 234.5", Some(1234.5)),
            ("1\u{a0}234.5", Some(1234.5)),
            ("1\u{202f}234", Some(1234.0)),
            ("1'234.5", Some(1234.5)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("500000.0", Some(500_000.0)),
            ("8.48E10", Some(8.48e10)),
            ("6.0E7", Some(6.0e7)),
            ("1e-3", Some(0.001)),
            ("-2.5e+3", Some(-2500.0)),
            ("$1,234.50", Some(1234.5)),
            ("$ 99", Some(99.0)),
            ("-$5", Some(-5.0)),
            ("$-5", Some(-5.0)),
            ("£7.5", Some(7.5)),
            ("99 €", Some(99.0)),
            ("0.61", Some(0.61)),
            ("001001", Some(1001.0)),
            ("1,5", None),
            ("0,61", None),
            ("1.234,5", None),
            ("1.2.3", None),
            ("1,23,456", None),
            ("1,234 567", None),
            (",234", None),
            ("1,234e3", None),
            ("12%", None),
            ("1e", None),
            ("1e+", None),
            ("e5", None),
            ("--5", None),
            ("+-5", None),
            ("$$5", None),
            ("$5€", None),
            ("5-", None),
            ("1e400", None),
            ("inf", None),
            ("NaN", None),
            ("abc", None),
            ("", None),
            ("-", None),
            ("$", None),
            (".", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_number(text, NumberStyle::DotDecimal),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn numbers_comma_decimal() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0,611553068", Some(0.611_553_068)),
            ("81,20416129", Some(81.204_161_29)),
            ("1,7", Some(1.7)),
            ("1.234,5", Some(1234.5)),
            ("1.234", Some(1234.0)),
            ("200.000.000", Some(200_000_000.0)),
            ("1 234,5", Some(1234.5)),
            ("1\u{a0}234,5", Some(1234.5)),
            ("-1.234,5 €", Some(-1234.5)),
            ("€ 1.234,50", Some(1234.5)),
            ("8,48E10", Some(8.48e10)),
            ("2013", Some(2013.0)),
            ("1,234.5", None),
            ("1.2.3", None),
            ("1.5", None),
            ("8.48E10", None),
            ("12,5%", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_number(text, NumberStyle::CommaDecimal),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn booleans() {
        let cases: &[(&str, Option<bool>)] = &[
            ("true", Some(true)),
            ("FALSE", Some(false)),
            ("Yes", Some(true)),
            (" no ", Some(false)),
            ("Y", Some(true)),
            ("n", Some(false)),
            ("1", Some(true)),
            ("0", Some(false)),
            ("x", Some(true)),
            ("X", Some(true)),
            ("t", Some(true)),
            ("F", Some(false)),
            ("On", Some(true)),
            ("OFF", Some(false)),
            ("", None),
            ("  ", None),
            ("maybe", None),
            ("2", None),
            ("yes!", None),
            ("-", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(parse_bool(text), expected, "{text:?}");
        }
    }

    #[test]
    fn emails() {
        let cases: &[(&str, Option<&str>)] = &[
            ("ann@example.com", Some("ann@example.com")),
            ("  Ann.Lee@Example.COM ", Some("Ann.Lee@Example.COM")),
            ("josé.müller@bücher.de", Some("josé.müller@bücher.de")),
            ("ÀLICE@EXAMPLE.COM", Some("ÀLICE@EXAMPLE.COM")),
            ("用户@例子.广告", Some("用户@例子.广告")),
            ("a+tag@sub.example.co.uk", Some("a+tag@sub.example.co.uk")),
            ("ann@example", None),
            ("@example.com", None),
            ("ann@", None),
            ("ann@@example.com", None),
            ("ann@ex@ample.com", None),
            ("ann lee@example.com", None),
            ("ann@exa mple.com", None),
            ("ann@.example.com", None),
            ("ann@example.com.", None),
            ("ann@example..com", None),
            ("ann.example.com", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(normalize_email(text).as_deref(), expected, "{text:?}");
        }
    }

    #[test]
    fn email_keys_fold_fully() {
        assert_eq!(email_key("ÀLICE@EXAMPLE.COM"), "àlice@example.com");
        assert_eq!(email_key(" Ann@Example.COM "), "ann@example.com");
        assert_eq!(email_key("STRASSE@x.de"), email_key("straße@x.de"));
        assert_eq!(
            email_key("A\u{300}lice@x.com"),
            email_key("\u{c0}LICE@X.COM")
        );
    }

    #[test]
    fn list_cells() {
        assert_eq!(
            split_list("WordPress; HubSpot ;;Slack"),
            ["WordPress", "HubSpot", "Slack"]
        );
        assert_eq!(split_list("a|b | c"), ["a", "b", "c"]);
        assert_eq!(split_list("a|b;c"), ["a|b", "c"]);
        assert_eq!(split_list("single"), ["single"]);
        assert!(split_list(" ; ").is_empty());
        assert!(split_list("").is_empty());
    }

    #[test]
    fn header_words() {
        let cases: &[(&str, &[&str])] = &[
            ("First Name", &["first", "name"]),
            (
                "HasOptedOutOfEmail",
                &["has", "opted", "out", "of", "email"],
            ),
            ("NumWebVisitsMonth", &["num", "web", "visits", "month"]),
            ("AcceptedCmp3", &["accepted", "cmp3"]),
            ("Dt_Customer", &["dt", "customer"]),
            ("ISDELETED", &["isdeleted"]),
            ("HTMLParser", &["html", "parser"]),
            ("emp.var.rate", &["emp", "var", "rate"]),
            ("Année", &["annee"]),
            ("Straße/Ørsted", &["strasse", "orsted"]),
            ("Customer's Budget", &["customers", "budget"]),
            ("Person - Email - Work", &["person", "email", "work"]),
            ("  ", &[]),
        ];
        for &(header, expected) in cases {
            assert_eq!(words(header), expected, "{header:?}");
        }
    }

    #[test]
    fn known_placeholders_are_suggested_by_frequency_keeping_case() {
        // X Education: "Select" in Specialization, City and Lead Profile.
        let specialization = vec![
            "Select",
            "",
            "Finance Management",
            "Select",
            "Human Resource Management",
            "Select",
        ];
        let city = vec!["Mumbai", "Select", "", "Thane & Outskirts", "Mumbai"];
        // UCI bank: "unknown" in default/contact/poutcome.
        let poutcome = vec!["unknown", "unknown", "failure", "other", "success"];
        let other = vec!["N/A", "n/a", "ok", "NULL", "-", "(blank)", "#N/A"];
        let suggested = suggest_null_tokens(&[specialization, city, poutcome, other]);
        assert_eq!(
            suggested,
            ["Select", "unknown", "N/A", "n/a", "NULL", "-", "(blank)", "#N/A"]
        );
    }

    #[test]
    fn a_word_dominating_numbers_is_suggested() {
        let ages = vec![
            "unknown", "34", "unknown", "41", "29", "unknown", "58", "63",
        ];
        let dates = vec![
            "pending",
            "2024-01-02",
            "pending",
            "2024-02-03",
            "2024-03-04",
            "2024-04-05",
            "2024-05-06",
        ];
        assert_eq!(suggest_null_tokens(&[ages, dates]), ["unknown", "pending"]);
    }

    #[test]
    fn generic_placeholders_stay_conservative() {
        let cases: Vec<Vec<&str>> = vec![
            // A word among words.
            vec!["Mumbai", "Mumbai", "Pune", "Delhi", "Goa", "Agra", "Pune"],
            // Once only.
            vec!["missing", "1", "2", "3", "4", "5"],
            // Too few other values.
            vec!["missing", "missing", "1", "2"],
            // Not strictly the most frequent.
            vec!["missing", "missing", "7", "7", "1", "2", "3"],
            // Others are not numbers.
            vec!["pending", "pending", "1", "2", "b", "c", "d"],
            // Empty column.
            vec!["", " "],
        ];
        for column in cases {
            assert!(
                suggest_null_tokens(std::slice::from_ref(&column)).is_empty(),
                "{column:?}"
            );
        }
        assert!(suggest_null_tokens(&[]).is_empty());
    }

    fn infer(header: &str, values: &[&str]) -> ColumnProfile {
        infer_column(header, values)
    }

    fn field_type(header: &str, values: &[&str]) -> FieldType {
        infer(header, values).field_type
    }

    #[test]
    fn infers_booleans() {
        let yes_no = ["No", "No", "Yes", "No", "", "No"];
        assert_eq!(field_type("Do Not Email", &yes_no), FieldType::Boolean);
        assert_eq!(
            field_type("Magazine", &["No", "No", "No"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("ISDELETED", &["false", "false", "true"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("Attended", &["x", "", "x", "X"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("Subscribed", &["TRUE", "False", "true", "FALSE"]),
            FieldType::Boolean
        );
        let too_many_forms = ["yes", "no", "y", "n", "true", "false"];
        assert_eq!(field_type("Flag", &too_many_forms), FieldType::Text);
    }

    #[test]
    fn zero_one_columns_are_booleans_only_under_flag_headers() {
        let flags = ["0", "0", "1", "0", "0", "1"];
        for header in [
            "AcceptedCmp3",
            "Complain",
            "Response",
            "Converted",
            "Do Not Call",
            "is_active",
            "HasOptedOutOfEmail",
            "opt_in",
        ] {
            assert_eq!(field_type(header, &flags), FieldType::Boolean, "{header}");
        }
        for header in ["Kidhome", "Score", "Visits", "Quantity"] {
            assert_eq!(field_type(header, &flags), FieldType::Number, "{header}");
        }
        // Kidhome holds 0, 1 and a few 2s: a count, not a flag.
        let mut kidhome = vec!["0"; 60];
        kidhome.extend(["1"; 38]);
        kidhome.extend(["2"; 2]);
        let profile = infer("Kidhome", &kidhome);
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
    }

    #[test]
    fn infers_dates() {
        // Salesforce CREATEDDATE.
        let profile = infer(
            "CREATEDDATE",
            &["2006-04-15T03:23:15.000Z", "2006-06-15T20:47:07.000Z", ""],
        );
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::Iso));
        assert!(!profile.date_format_ambiguous);
        assert_eq!(profile.number_style, None);

        // marketing_campaign Dt_Customer, DD-MM-YYYY: 21-08-2013 settles it.
        let profile = infer(
            "Dt_Customer",
            &["04-09-2012", "08-03-2014", "21-08-2013", "10-02-2014"],
        );
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(!profile.date_format_ambiguous);

        // US dates: 12/31 settles it.
        let profile = infer("Close Date", &["03/01/2026", "12/31/2025", "1/2/2026"]);
        assert_eq!(profile.date_format, Some(DateFormat::MonthFirst));
        assert!(!profile.date_format_ambiguous);

        // Dotted dates are day-first only.
        let profile = infer("Datum", &["01.03.2026", "02.03.2026"]);
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(!profile.date_format_ambiguous);
    }

    #[test]
    fn ambiguous_dates_are_flagged() {
        // table-with-accents "Date": 01-01-13 … 01-12-17.
        let profile = infer("Date", &["01-01-13", "01-02-13", "01-03-14", "01-12-17"]);
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(profile.date_format_ambiguous);

        let profile = infer("Signup", &["01/02/2020", "03/04/2021"]);
        assert_eq!(profile.date_format, Some(DateFormat::MonthFirst));
        assert!(profile.date_format_ambiguous);
    }

    #[test]
    fn excel_serials_need_a_date_header() {
        let serials = ["41156", "41706", "41507", "41680", "41152"];
        let profile = infer("Dt_Customer", &serials);
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::ExcelSerial));
        assert_eq!(field_type("Created", &serials), FieldType::Date);
        assert_eq!(field_type("Last Modified Date", &serials), FieldType::Date);

        // The same values under other headers are numbers.
        for header in ["Income", "Lead Number", "ID", "Customer Lifetime Value"] {
            let profile = infer(header, &serials);
            assert_eq!(profile.field_type, FieldType::Number, "{header}");
        }
        // Durations mentioning time are not dates.
        assert_eq!(
            field_type("Total Time Spent on Website", &serials),
            FieldType::Number
        );
        // Small integers under a date header are not serials.
        assert_eq!(
            field_type("Date", &["0", "674", "1532", "305"]),
            FieldType::Number
        );
        // Income (marketing_campaign) sits in the serial range: still a number.
        assert_eq!(
            field_type("Income", &["58138", "46344", "71613", "26646"]),
            FieldType::Number
        );
    }

    #[test]
    fn infers_number_styles() {
        // table-with-accents decimal commas.
        let profile = infer(
            "Occupancy rate",
            &["0,611553068", "0,559014092", "0,57902577"],
        );
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        let profile = infer(
            "Average Price",
            &["81,20416129", "111,0309761", "154,448997"],
        );
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        // "1,234" alone reads as thousands.
        let profile = infer("Employees", &["1,234", "5,000", "12"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        // Beside comma decimals, it reads as a decimal comma.
        let profile = infer("Rate", &["1,234", "0,61", "2,5"]);
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        // UCI bank, three decimals everywhere: still dot-decimal.
        let profile = infer("cons.price.idx", &["93.994", "93.994", "94.465", "92.893"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        let profile = infer("emp.var.rate", &["1.1", "-1.8", "1.4", "-0.1"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));

        // Salesforce money in scientific notation.
        let profile = infer("ANNUALREVENUE", &["6.0E7", "8.48E10", ""]);
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.non_empty, 2);

        // X Education, plain integers and decimals.
        let profile = infer("Page Views Per Visit", &["0", "2.5", "2", "1", "1.33"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        assert_eq!(
            field_type("Année", &["2013", "2014", "2015"]),
            FieldType::Number
        );
    }

    #[test]
    fn codes_phones_and_ids_stay_text() {
        assert_eq!(
            field_type("Code", &["001001", "001002", "1003"]),
            FieldType::Text
        );
        assert_eq!(field_type("Account", &["0042", "0043"]), FieldType::Text);
        assert_eq!(
            field_type("BILLINGPOSTALCODE", &["80525", "15106"]),
            FieldType::Text
        );
        assert_eq!(field_type("Zip", &["80525", "15106"]), FieldType::Text);
        assert_eq!(
            field_type("PHONE", &["5551234567", "5559876543"]),
            FieldType::Text
        );
        assert_eq!(field_type("MobilePhone", &["5551234567"]), FieldType::Text);
        assert_eq!(
            field_type(
                "Contact",
                &["+4915112345678", "+33 6 12 34 56 78", "+1 (555) 123-4567"]
            ),
            FieldType::Text
        );
        assert_eq!(
            field_type("Card", &["1234567890123456", "1234567890123457"]),
            FieldType::Text
        );
        assert_eq!(
            field_type("Prospect ID", &["7927b2df-8bba-4d29-b9a2-b6e0beafe620"]),
            FieldType::Text
        );
        assert_eq!(field_type("Percent", &["12%", "15%"]), FieldType::Text);
        assert_eq!(field_type("Mixed", &["1.2.3", "4.5.6"]), FieldType::Text);
    }

    #[test]
    fn infers_lists() {
        let profile = infer(
            "Tech Stack",
            &["WordPress; HubSpot", "Salesforce", "Slack;Zoom;Notion", ""],
        );
        assert_eq!(profile.field_type, FieldType::List);
        assert_eq!(
            field_type("Anything", &["a; b", "c; d", "e", "f", "g"]),
            FieldType::List
        );
        assert_eq!(
            field_type("Interests", &["golf|wine", "travel"]),
            FieldType::List
        );
        // Prose with the odd semicolon.
        let prose = [
            "Called twice and left a message with the assistant; will try again next week",
            "No answer",
            "Wants a demo",
        ];
        assert_eq!(field_type("Notes", &prose), FieldType::Text);
        // Too few values with separators.
        let rare = ["a;b", "c", "d", "e", "f", "g"];
        assert_eq!(field_type("Anything", &rare), FieldType::Text);
    }

    #[test]
    fn infers_text_with_a_distinct_sample() {
        // X Education Specialization, placeholders removed by the caller.
        let values = [
            "Finance Management",
            "",
            "Human Resource Management",
            "Finance Management",
            " Marketing Management ",
            "Finance Management",
            "Human Resource Management",
        ];
        let profile = infer("Specialization", &values);
        assert_eq!(profile.field_type, FieldType::Text);
        assert_eq!(profile.non_empty, 6);
        assert_eq!(
            profile.distinct_sample,
            [
                "Finance Management",
                "Human Resource Management",
                "Marketing Management"
            ]
        );
        assert_eq!(profile.date_format, None);
        assert_eq!(profile.number_style, None);

        // UCI bank job, and 02.Medium-style indexes.
        assert_eq!(
            field_type(
                "job",
                &["management", "technician", "admin.", "blue-collar"]
            ),
            FieldType::Text
        );
        assert_eq!(
            field_type(
                "Asymmetrique Activity Index",
                &["02.Medium", "01.High", "03.Low"]
            ),
            FieldType::Text
        );
    }

    #[test]
    fn distinct_sample_keeps_twenty_most_frequent() {
        let values: Vec<String> = (0..30)
            .flat_map(|i| std::iter::repeat_n(format!("v{i}"), 30 - i))
            .collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let profile = infer("Code", &values);
        assert_eq!(profile.distinct_sample.len(), 20);
        assert_eq!(profile.distinct_sample[0], "v0");
        assert_eq!(profile.distinct_sample[19], "v19");
    }

    #[test]
    fn empty_columns_are_text() {
        let profile = infer("Income", &["", "  "]);
        assert_eq!(profile.field_type, FieldType::Text);
        assert_eq!(profile.non_empty, 0);
        assert!(profile.distinct_sample.is_empty());
        assert_eq!(infer("Income", &[]).field_type, FieldType::Text);
    }

    #[test]
    fn a_few_stray_values_are_tolerated() {
        let mut values = vec!["12"; 97];
        values.extend(["twelve", "n/a", "?"]);
        assert_eq!(field_type("Visits", &values), FieldType::Number);
        let mut values = vec!["12"; 94];
        values.extend(["x1", "x2", "x3", "x4", "x5", "x6"]);
        assert_eq!(field_type("Visits", &values), FieldType::Text);
    }

    #[test]
    fn enums_serialize_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&DateFormat::ExcelSerial).unwrap(),
            "\"excel_serial\""
        );
        assert_eq!(
            serde_json::to_string(&NumberStyle::CommaDecimal).unwrap(),
            "\"comma_decimal\""
        );
    }

    fn iso_string_of(seconds: i64) -> String {
        DateTime::from_timestamp(seconds, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    /// 1900-01-01 to 2100-01-01.
    const CENTURIES: std::ops::Range<i64> = -2_208_988_800..4_102_444_800;

    proptest! {
        #[test]
        fn parsers_never_panic(text in any::<String>()) {
            for format in [DateFormat::Iso, DateFormat::MonthFirst, DateFormat::DayFirst, DateFormat::ExcelSerial] {
                let _ = parse_date(&text, format);
            }
            let _ = parse_number(&text, NumberStyle::DotDecimal);
            let _ = parse_number(&text, NumberStyle::CommaDecimal);
            let _ = parse_bool(&text);
            let _ = normalize_email(&text);
            let _ = split_list(&text);
            let _ = words(&text);
        }

        #[test]
        fn parsers_never_panic_on_near_misses(text in "[0-9 .,:/+\\-TZtzaApPmMeE$€£'\u{a0}]{0,24}") {
            for format in [DateFormat::Iso, DateFormat::MonthFirst, DateFormat::DayFirst, DateFormat::ExcelSerial] {
                let _ = parse_date(&text, format);
            }
            if let Some(value) = parse_number(&text, NumberStyle::DotDecimal) {
                prop_assert!(value.is_finite());
            }
            if let Some(value) = parse_number(&text, NumberStyle::CommaDecimal) {
                prop_assert!(value.is_finite());
            }
        }

        #[test]
        fn inference_never_panics(header in any::<String>(), values in prop::collection::vec(any::<String>(), 0..8)) {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let profile = infer_column(&header, &values);
            prop_assert!(profile.distinct_sample.len() <= 20);
            let _ = suggest_null_tokens(&[values]);
        }

        #[test]
        fn numbers_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = format!("{x}");
            prop_assert_eq!(parse_number(&text, NumberStyle::DotDecimal), Some(x));
            prop_assert_eq!(parse_number(&text.replace('.', ","), NumberStyle::CommaDecimal), Some(x));
        }

        #[test]
        fn grouped_integers_round_trip(n in any::<u32>()) {
            let plain = n.to_string();
            let mut grouped = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            prop_assert_eq!(parse_number(&grouped, NumberStyle::DotDecimal), Some(f64::from(n)));
            prop_assert_eq!(parse_number(&grouped.replace(',', "."), NumberStyle::CommaDecimal), Some(f64::from(n)));
        }

        #[test]
        fn iso_dates_round_trip(t in CENTURIES) {
            prop_assert_eq!(parse_date(&iso_string_of(t), DateFormat::Iso), Some(t));
            let rfc3339 = DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
            prop_assert_eq!(parse_date(&rfc3339, DateFormat::Iso), Some(t));
        }

        #[test]
        fn numeric_dates_round_trip(t in CENTURIES) {
            let time = DateTime::from_timestamp(t, 0).unwrap();
            let us = time.format("%m/%d/%Y %H:%M:%S").to_string();
            prop_assert_eq!(parse_date(&us, DateFormat::MonthFirst), Some(t));
            let european = time.format("%d.%m.%Y %H:%M:%S").to_string();
            prop_assert_eq!(parse_date(&european, DateFormat::DayFirst), Some(t));
        }

        #[test]
        fn email_key_is_idempotent(text in any::<String>()) {
            let key = email_key(&text);
            prop_assert_eq!(email_key(&key), key);
        }

        #[test]
        fn normalized_emails_are_trimmed(text in "\\s{0,2}[a-zA-Z0-9.@ ]{0,12}\\s{0,2}") {
            if let Some(email) = normalize_email(&text) {
                prop_assert_eq!(email.trim(), email.as_str());
                prop_assert_eq!(email.matches('@').count(), 1);
            }
        }
    }
}
