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
//!    `…code`, when its last word names an identifier (`Lead Number`,
//!    `Customer ID`, `Account No`, `Order Ref`: ids are never formatted as
//!    numbers), or when at least half the values look like international phone
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

mod dates;
mod inference;
mod numbers;

use dates::*;
pub use inference::{infer_column, suggest_null_tokens};
use numbers::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use proptest::prelude::*;

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
