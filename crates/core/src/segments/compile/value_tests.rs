//! The test a rule's operator and value make on a field or an event
//! property: the one match from [`Operator`] to a typed [`Test`], and the
//! parsing of the literals it needs (text, numbers, dates, lists, pairs,
//! spans, event counts). Errors are plain messages; callers add the path.

use serde_json::Value;

use super::condition::{Cmp, DateTest, NumberTest, Test, TextTest};
use crate::fields::FieldType;
use crate::segments::operators::{field_operators, property_operators, Operator};
use crate::segments::rules::{RelativeSpan, SpanUnit};
use crate::segments::values::{parse_bool, parse_instant, parse_number};
use crate::text::fold_key;

/// How a rule compares values: the field type's domain, or for an event
/// property the domain its operator implies.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Domain {
    Text,
    Number,
    Date,
    Boolean,
}

fn type_name(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::Date => "date",
        FieldType::Boolean => "yes/no",
        FieldType::List => "list",
    }
}

fn joined(operators: &[Operator]) -> String {
    let names: Vec<&str> = operators.iter().map(|operator| operator.as_str()).collect();
    names.join(", ")
}

/// The test and negation of `operator value` on a field of `field_type`.
pub(crate) fn field_test(
    field_type: FieldType,
    operator: &str,
    value: &Value,
) -> std::result::Result<(Test, bool), String> {
    let not_applicable = || {
        format!(
            "operator `{operator}` does not apply to a {} field; use one of {}",
            type_name(field_type),
            joined(&field_operators(field_type))
        )
    };
    let operator = Operator::parse(operator)
        .filter(|known| known.applies_to(field_type))
        .ok_or_else(not_applicable)?;
    let domain = match field_type {
        FieldType::Text | FieldType::List => Domain::Text,
        FieldType::Number => Domain::Number,
        FieldType::Date => Domain::Date,
        FieldType::Boolean => Domain::Boolean,
    };
    let (positive, negate) = operator.positive_form();
    let test = positive_test(domain, positive, value)?.ok_or_else(not_applicable)?;
    Ok((test, negate))
}

/// A property rule inside a behaviour's `where`: text operators compare the
/// property's text; `< <= > >= between notBetween` compare it as a number.
pub(super) fn property_test(
    operator: &str,
    value: &Value,
) -> std::result::Result<(Test, bool), String> {
    let allowed = property_operators();
    let not_applicable = || {
        format!(
            "operator `{operator}` does not apply to an event property; use one of {}",
            joined(&allowed)
        )
    };
    let operator = Operator::parse(operator)
        .filter(|known| allowed.contains(known))
        .ok_or_else(not_applicable)?;
    let (positive, negate) = operator.positive_form();
    let domain = if positive.applies_to(FieldType::Text) {
        Domain::Text
    } else {
        Domain::Number
    };
    let test = positive_test(domain, positive, value)?.ok_or_else(not_applicable)?;
    Ok((test, negate))
}

/// The test a positive operator makes in `domain`; `None` when the operator
/// has no meaning there (callers check applicability first).
fn positive_test(
    domain: Domain,
    operator: Operator,
    value: &Value,
) -> std::result::Result<Option<Test>, String> {
    use Operator::*;
    let comparison = match operator {
        Equals => Some(Cmp::Eq),
        Less => Some(Cmp::Lt),
        AtMost => Some(Cmp::Le),
        More => Some(Cmp::Gt),
        AtLeast => Some(Cmp::Ge),
        _ => None,
    };
    Ok(Some(match (domain, operator, comparison) {
        (_, Null, _) => Test::IsEmpty,
        (Domain::Boolean, Equals, _) => Test::Bool(bool_literal(value)?),
        (Domain::Text, Equals, _) => Test::Text(TextTest::Equals(text_literal(value)?)),
        (Domain::Text, Contains, _) => Test::Text(TextTest::Contains(text_literal(value)?)),
        (Domain::Text, BeginsWith, _) => Test::Text(TextTest::BeginsWith(text_literal(value)?)),
        (Domain::Text, EndsWith, _) => Test::Text(TextTest::EndsWith(text_literal(value)?)),
        (Domain::Text, In, _) => Test::Text(TextTest::OneOf(
            list_items(value)?
                .iter()
                .map(|item| fold_key(item))
                .collect(),
        )),
        (Domain::Number, _, Some(cmp)) => {
            let text = scalar_text(value).ok_or("the value must be a number")?;
            Test::Number(NumberTest::Compare(cmp, number_literal(&text)?))
        }
        (Domain::Number, Between, _) => {
            let (a, b) = pair(value, number_literal)?;
            Test::Number(NumberTest::Between(a.min(b), a.max(b)))
        }
        (Domain::Number, In, _) => Test::Number(NumberTest::OneOf(
            list_items(value)?
                .iter()
                .map(|item| number_literal(item))
                .collect::<std::result::Result<_, _>>()?,
        )),
        (Domain::Date, _, Some(cmp)) => {
            let text = scalar_text(value).ok_or("the value must be a date")?;
            Test::Date(DateTest::Compare(cmp, date_literal(&text)?))
        }
        (Domain::Date, Between, _) => {
            let (a, b) = pair(value, date_literal)?;
            Test::Date(DateTest::Between(a.min(b), a.max(b)))
        }
        (Domain::Date, InLast, _) => Test::Date(DateTest::InLast(span_value(value)?)),
        _ => return Ok(None),
    }))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The items of a list value: a JSON array, or comma-separated text as
/// react-querybuilder sends it. Empty items are dropped.
fn list_items(value: &Value) -> std::result::Result<Vec<String>, String> {
    let items: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                scalar_text(item).ok_or_else(|| format!("list item {item} is not text or a number"))
            })
            .collect::<std::result::Result<_, _>>()?,
        Value::String(text) => text.split(',').map(|item| item.trim().to_owned()).collect(),
        Value::Number(_) => vec![scalar_text(value).unwrap_or_default()],
        _ => return Err("the value must be a list (an array or comma-separated text)".into()),
    };
    let items: Vec<String> = items.into_iter().filter(|item| !item.is_empty()).collect();
    if items.is_empty() {
        return Err("the list of values is empty".into());
    }
    Ok(items)
}

fn pair<T>(
    value: &Value,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> std::result::Result<(T, T), String> {
    let items = list_items(value)?;
    let [low, high] = items.as_slice() else {
        return Err(format!(
            "between needs exactly two values, got {}",
            items.len()
        ));
    };
    Ok((parse(low)?, parse(high)?))
}

fn text_literal(value: &Value) -> std::result::Result<String, String> {
    let text = scalar_text(value).ok_or("the value must be text")?;
    let key = fold_key(&text);
    if key.is_empty() {
        return Err("enter a value".into());
    }
    Ok(key)
}

fn number_literal(text: &str) -> std::result::Result<f64, String> {
    if text.trim().is_empty() {
        return Err("enter a number".into());
    }
    parse_number(text).ok_or_else(|| match text.trim().parse::<f64>() {
        Ok(_) => format!(
            "`{}` is too large to be a number: enter a value such as 1000",
            text.trim()
        ),
        Err(_) => format!("`{}` is not a number", text.trim()),
    })
}

fn date_literal(text: &str) -> std::result::Result<i64, String> {
    if text.trim().is_empty() {
        return Err("enter a date".into());
    }
    parse_instant(text)
        .ok_or_else(|| format!("`{text}` is not a date: use YYYY-MM-DD or an ISO 8601 date-time"))
}

fn bool_literal(value: &Value) -> std::result::Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => scalar_text(other)
            .and_then(|text| parse_bool(&text))
            .ok_or_else(|| "the value must be true or false".into()),
    }
}

/// The largest relative span amount: about 270 years in days.
const MAX_SPAN_AMOUNT: u64 = 100_000;

pub(super) fn span_value(value: &Value) -> std::result::Result<RelativeSpan, String> {
    let object = value
        .as_object()
        .ok_or(r#"the value must be a span such as {"amount": 30, "unit": "days"}"#)?;
    let amount = match object.get("amount") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|amount| (1..=MAX_SPAN_AMOUNT).contains(amount))
    .ok_or(format!(
        "the span's amount must be a whole number from 1 to {MAX_SPAN_AMOUNT}"
    ))?;
    let unit = match object.get("unit").and_then(Value::as_str) {
        Some("days") => SpanUnit::Days,
        Some("weeks") => SpanUnit::Weeks,
        Some("months") => SpanUnit::Months,
        _ => return Err("the span's unit must be days, weeks or months".into()),
    };
    Ok(RelativeSpan {
        amount: amount as u32,
        unit,
    })
}

pub(super) fn count_value(
    value: Option<&Value>,
    name: &str,
) -> std::result::Result<Option<u32>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{name}` must be a whole number of events, 0 or more")),
        Some(Value::String(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("`{name}` must be a whole number of events, 0 or more")),
        Some(_) => Err(format!("`{name}` must be a whole number of events")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_accept_arrays_and_comma_separated_text() {
        let (array, _) = field_test(
            FieldType::Text,
            "in",
            &serde_json::json!(["Germany", "France"]),
        )
        .unwrap();
        let (text, _) = field_test(
            FieldType::Text,
            "in",
            &serde_json::json!("Germany, France,"),
        )
        .unwrap();
        assert_eq!(array, text);
        let (between, _) =
            field_test(FieldType::Number, "between", &serde_json::json!("500,10")).unwrap();
        assert_eq!(between, Test::Number(NumberTest::Between(10.0, 500.0)));
    }

    #[test]
    fn numbers_too_large_to_hold_are_refused_in_plain_words() {
        let error = field_test(FieldType::Number, ">=", &serde_json::json!("1e999")).unwrap_err();
        assert_eq!(
            error,
            "`1e999` is too large to be a number: enter a value such as 1000"
        );
        let error = field_test(FieldType::Number, ">=", &serde_json::json!("lots")).unwrap_err();
        assert_eq!(error, "`lots` is not a number");
        let (negative, _) = field_test(FieldType::Number, ">=", &serde_json::json!(-5)).unwrap();
        assert_eq!(negative, Test::Number(NumberTest::Compare(Cmp::Ge, -5.0)));
    }

    #[test]
    fn every_operator_a_field_type_accepts_makes_a_test() {
        let sample = |operator: Operator, field_type: FieldType| match operator.value_shape() {
            crate::segments::operators::ValueShape::None => Value::Null,
            crate::segments::operators::ValueShape::List => serde_json::json!(["1", "2"]),
            crate::segments::operators::ValueShape::Pair => match field_type {
                FieldType::Date => serde_json::json!(["2026-01-01", "2026-02-01"]),
                _ => serde_json::json!([1, 2]),
            },
            crate::segments::operators::ValueShape::Span => {
                serde_json::json!({"amount": 3, "unit": "days"})
            }
            _ => match field_type {
                FieldType::Date => serde_json::json!("2026-01-01"),
                FieldType::Boolean => serde_json::json!(true),
                _ => serde_json::json!("1"),
            },
        };
        for field_type in [
            FieldType::Text,
            FieldType::Number,
            FieldType::Date,
            FieldType::Boolean,
            FieldType::List,
        ] {
            for operator in field_operators(field_type) {
                let (_, negate) =
                    field_test(field_type, operator.as_str(), &sample(operator, field_type))
                        .unwrap_or_else(|e| panic!("{operator} on {field_type:?}: {e}"));
                assert_eq!(negate, operator.positive_form().1);
            }
        }
        for operator in property_operators() {
            let value = sample(operator, FieldType::Number);
            property_test(operator.as_str(), &value)
                .unwrap_or_else(|e| panic!("{operator} on a property: {e}"));
        }
    }

    #[test]
    fn unknown_and_misplaced_operators_name_the_allowed_ones() {
        let error = field_test(FieldType::Boolean, "contains", &Value::Null).unwrap_err();
        assert_eq!(
            error,
            "operator `contains` does not apply to a yes/no field; use one of =, !=, null, notNull"
        );
        let error = property_test("inLast", &Value::Null).unwrap_err();
        assert!(
            error.contains("does not apply to an event property"),
            "{error}"
        );
        let error = field_test(FieldType::Text, "~", &Value::Null).unwrap_err();
        assert!(
            error.contains("operator `~` does not apply to a text field"),
            "{error}"
        );
    }
}
