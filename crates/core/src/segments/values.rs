//! Values as segment rules see them: stored SQL values decoded by field type
//! (text folded, numbers, instants, booleans, list elements), event property
//! values, date literals and relative spans. The fast index and the reference
//! evaluator both decode through here, so they read the same data.

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rusqlite::types::ValueRef;
use serde_json::Value;

use super::rules::{RelativeSpan, SpanUnit};
use crate::text::fold_key;

fn text_of<'a>(value: &'a ValueRef<'_>) -> Option<std::borrow::Cow<'a, str>> {
    match value {
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(String::from_utf8_lossy(bytes)),
        _ => None,
    }
}

/// The matching key of a text value: trimmed and case folded; `None` when
/// empty. Numbers stored in a text field match by their text form.
pub(crate) fn text_key(value: ValueRef<'_>) -> Option<String> {
    let key = match value {
        ValueRef::Null => return None,
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => number_text(f),
        _ => fold_key(&text_of(&value)?),
    };
    (!key.is_empty()).then_some(key)
}

/// A number value; text counts when it reads as a finite decimal number.
pub(crate) fn number(value: ValueRef<'_>) -> Option<f64> {
    match value {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) => f.is_finite().then_some(f),
        ValueRef::Null => None,
        _ => parse_number(&text_of(&value)?),
    }
}

/// An instant in seconds since the epoch (dates are stored as seconds).
pub(crate) fn instant(value: ValueRef<'_>) -> Option<i64> {
    match value {
        ValueRef::Integer(i) => Some(i),
        ValueRef::Real(f) => f.is_finite().then_some(f.floor() as i64),
        ValueRef::Null => None,
        _ => parse_instant(&text_of(&value)?),
    }
}

/// A boolean (stored as 0/1).
pub(crate) fn boolean(value: ValueRef<'_>) -> Option<bool> {
    match value {
        ValueRef::Integer(i) => Some(i != 0),
        ValueRef::Real(f) => Some(f != 0.0),
        ValueRef::Null => None,
        _ => parse_bool(&text_of(&value)?),
    }
}

/// The trimmed, non-empty elements of a list value as stored (a JSON array
/// of text; any other text is one element).
pub(crate) fn list_items(value: ValueRef<'_>) -> Vec<String> {
    let Some(text) = text_of(&value) else {
        return text_key(value).into_iter().collect();
    };
    let items: Vec<String> = match serde_json::from_str::<Vec<Value>>(&text) {
        Ok(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.trim().to_owned(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect(),
        Err(_) => vec![text.trim().to_owned()],
    };
    items.into_iter().filter(|item| !item.is_empty()).collect()
}

/// The folded, non-empty elements of a list value.
pub(crate) fn list_keys(value: ValueRef<'_>) -> Vec<String> {
    list_items(value)
        .iter()
        .map(|item| fold_key(item))
        .filter(|key| !key.is_empty())
        .collect()
}

/// The folded text form of an event property: strings as they are, numbers
/// in their shortest form, booleans as `true`/`false`; `None` when empty.
pub(crate) fn property_text(value: &Value) -> Option<String> {
    let key = match value {
        Value::Null => return None,
        Value::String(text) => fold_key(text),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => number_text(n.as_f64()?),
        },
        Value::Bool(b) => b.to_string(),
        other => fold_key(&other.to_string()),
    };
    (!key.is_empty()).then_some(key)
}

/// The number value of an event property (a JSON number or numeric text).
pub(crate) fn property_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(text) => parse_number(text),
        _ => None,
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        (f as i64).to_string()
    } else {
        f.to_string()
    }
}

/// Reads a decimal number: trimmed, `.` as the decimal point, finite.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Reads `true`/`false` (also `yes`/`no`, `1`/`0`), in any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    match fold_key(text).as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// Reads a date literal as an instant: `YYYY-MM-DD` is 00:00 UTC of that day;
/// date-times are RFC 3339 / ISO 8601, UTC when they carry no offset.
pub fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc().timestamp());
        }
    }
    None
}

/// The first instant of "the last `span`" before `as_of`: days and weeks are
/// exact multiples of 24 hours; months are calendar months (31 March minus
/// one month is 28 or 29 February), at the same time of day.
pub fn span_start(as_of: i64, span: RelativeSpan) -> i64 {
    const DAY: i64 = 86_400;
    let amount = i64::from(span.amount);
    match span.unit {
        SpanUnit::Days => as_of.saturating_sub(amount * DAY),
        SpanUnit::Weeks => as_of.saturating_sub(amount * 7 * DAY),
        SpanUnit::Months => Utc
            .timestamp_opt(as_of, 0)
            .single()
            .and_then(|at| at.checked_sub_months(Months::new(span.amount)))
            .map(|at| at.timestamp())
            .unwrap_or(i64::MIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keys_fold_and_trim() {
        assert_eq!(
            text_key(ValueRef::Text(b" M\xc3\x9cNCHEN ")),
            Some("münchen".into())
        );
        assert_eq!(text_key(ValueRef::Text(b"   ")), None);
        assert_eq!(text_key(ValueRef::Null), None);
        assert_eq!(text_key(ValueRef::Integer(42)), Some("42".into()));
    }

    #[test]
    fn numbers_read_numeric_text_only() {
        assert_eq!(number(ValueRef::Text(b" 12.5 ")), Some(12.5));
        assert_eq!(number(ValueRef::Text(b"n/a")), None);
        assert_eq!(number(ValueRef::Real(f64::NAN)), None);
        assert_eq!(number(ValueRef::Integer(7)), Some(7.0));
    }

    #[test]
    fn date_literals_are_utc_instants() {
        assert_eq!(parse_instant("2026-01-02"), Some(1_767_312_000));
        assert_eq!(parse_instant("2026-01-02T00:00:00Z"), Some(1_767_312_000));
        assert_eq!(
            parse_instant("2026-01-02T01:00:00+01:00"),
            Some(1_767_312_000)
        );
        assert_eq!(parse_instant("2026-01-02T00:00"), Some(1_767_312_000));
        assert_eq!(parse_instant("02/01/2026"), None);
    }

    #[test]
    fn month_spans_are_calendar_months() {
        let as_of = parse_instant("2026-03-31T12:00:00Z").unwrap();
        let start = span_start(
            as_of,
            RelativeSpan {
                amount: 1,
                unit: SpanUnit::Months,
            },
        );
        assert_eq!(start, parse_instant("2026-02-28T12:00:00Z").unwrap());
        let week = span_start(
            as_of,
            RelativeSpan {
                amount: 2,
                unit: SpanUnit::Weeks,
            },
        );
        assert_eq!(week, as_of - 14 * 86_400);
    }

    #[test]
    fn lists_and_properties() {
        assert_eq!(
            list_keys(ValueRef::Text(br#"["AWS", " Slack ", ""]"#)),
            vec!["aws".to_owned(), "slack".to_owned()]
        );
        assert_eq!(property_text(&serde_json::json!(49)), Some("49".into()));
        assert_eq!(property_text(&serde_json::json!(49.0)), Some("49".into()));
        assert_eq!(property_text(&serde_json::json!("")), None);
        assert_eq!(property_number(&serde_json::json!("12")), Some(12.0));
    }
}
