//! The segment rule format: react-querybuilder JSON, owned here. Groups nest
//! rules with `and`/`or` and an optional `not`; a rule names a catalogue field
//! (or `event` / `segment`), an operator and a value. This module parses the
//! JSON with errors that name the rule's path; `compile` checks the meaning.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Error, Result};

/// How a group combines its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Combinator {
    And,
    Or,
}

/// A group of rules: react-querybuilder's `RuleGroupType`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleGroup {
    /// react-querybuilder's own id for the group; kept so the UI can point at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    pub combinator: Combinator,
    /// Negates the whole group.
    #[serde(default)]
    pub not: bool,
    pub rules: Vec<RuleNode>,
}

/// One entry of a group: a nested group or a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum RuleNode {
    Group(RuleGroup),
    Rule(Rule),
}

/// A single test: react-querybuilder's `RuleType`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// A catalogue field key, `event` for a behaviour or `segment` for membership.
    pub field: String,
    pub operator: String,
    /// Depends on the operator: text, a number, a list (array or comma-separated
    /// text), a [`RelativeSpan`], a [`BehaviourValue`] or a segment id.
    #[serde(default)]
    #[ts(type = "unknown")]
    pub value: Value,
}

/// The unit of a relative date span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SpanUnit {
    Days,
    Weeks,
    Months,
}

/// "The last N days/weeks/months", counted back from the as-of instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RelativeSpan {
    pub amount: u32,
    pub unit: SpanUnit,
}

/// The value of a behaviour rule (`field: "event"`, `performed`/`notPerformed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BehaviourValue {
    /// The event type, such as `page_view` or `download`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// At least this many matching events (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min: Option<u32>,
    /// At most this many matching events (default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max: Option<u32>,
    /// Only events in this span before the as-of instant count.
    #[serde(rename = "inLast", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, rename = "inLast")]
    pub in_last: Option<RelativeSpan>,
    /// Only events whose properties match this group count.
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, rename = "where")]
    pub filter: Option<RuleGroup>,
}

impl RuleGroup {
    /// An empty `and` group: it matches every lead.
    pub fn everyone() -> Self {
        RuleGroup {
            id: None,
            combinator: Combinator::And,
            not: false,
            rules: Vec::new(),
        }
    }

    /// Parses rule JSON text. Errors name the rule's path.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::InvalidRule {
            path: format!("line {}, column {}", e.line(), e.column()),
            field: None,
            message: format!("not valid JSON: {e}"),
        })?;
        Self::from_value(&value)
    }

    /// Parses a JSON value, checking its shape rule by rule.
    pub fn from_value(value: &Value) -> Result<Self> {
        parse_group(value, "root")
    }

    /// The group as compact JSON, the storage form. (Serialising a group
    /// cannot fail: every key is text and every value plain JSON; the empty
    /// group is the fallback all the same.)
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"combinator":"and","not":false,"rules":[]}"#.to_owned())
    }
}

fn shape_error(path: &str, field: Option<&str>, message: impl Into<String>) -> Error {
    Error::InvalidRule {
        path: path.to_owned(),
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

fn parse_group(value: &Value, path: &str) -> Result<RuleGroup> {
    let Value::Object(object) = value else {
        return Err(shape_error(path, None, "a group must be a JSON object"));
    };
    let combinator = match object.get("combinator") {
        None => Combinator::And,
        Some(Value::String(text)) => match text.to_ascii_lowercase().as_str() {
            "and" => Combinator::And,
            "or" => Combinator::Or,
            other => {
                return Err(shape_error(
                    path,
                    None,
                    format!("combinator `{other}` is not `and` or `or`"),
                ))
            }
        },
        Some(_) => return Err(shape_error(path, None, "combinator must be text")),
    };
    let not = match object.get("not") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(shape_error(path, None, "`not` must be true or false")),
    };
    let Some(Value::Array(items)) = object.get("rules") else {
        return Err(shape_error(path, None, "a group needs a `rules` array"));
    };
    let mut rules = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let child_path = format!("{path}.rules[{index}]");
        let is_group = item.get("rules").is_some() || item.get("combinator").is_some();
        rules.push(if is_group {
            RuleNode::Group(parse_group(item, &child_path)?)
        } else {
            RuleNode::Rule(parse_rule(item, &child_path)?)
        });
    }
    Ok(RuleGroup {
        id: object.get("id").and_then(Value::as_str).map(str::to_owned),
        combinator,
        not,
        rules,
    })
}

fn parse_rule(value: &Value, path: &str) -> Result<Rule> {
    let Value::Object(object) = value else {
        return Err(shape_error(path, None, "a rule must be a JSON object"));
    };
    let Some(Value::String(field)) = object.get("field") else {
        return Err(shape_error(path, None, "a rule needs a `field` (text)"));
    };
    let Some(Value::String(operator)) = object.get("operator") else {
        return Err(shape_error(
            path,
            Some(field),
            "a rule needs an `operator` (text)",
        ));
    };
    if let Some(source) = object.get("valueSource").and_then(Value::as_str) {
        if source != "value" {
            return Err(shape_error(
                path,
                Some(field),
                "comparing one field with another is not supported",
            ));
        }
    }
    Ok(Rule {
        id: object.get("id").and_then(Value::as_str).map(str::to_owned),
        field: field.clone(),
        operator: operator.clone(),
        value: object.get("value").cloned().unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_react_querybuilder_output() {
        let group = RuleGroup::from_json(
            r#"{"id":"g1","combinator":"and","not":false,"rules":[
                {"id":"r1","field":"country","operator":"=","value":"Germany","valueSource":"value"},
                {"combinator":"or","rules":[{"field":"employees","operator":">=","value":"200"}]}
            ]}"#,
        )
        .unwrap();
        assert_eq!(group.rules.len(), 2);
        assert!(matches!(&group.rules[1], RuleNode::Group(g) if g.combinator == Combinator::Or));
        // The storage form reads back to the same tree.
        assert_eq!(RuleGroup::from_json(&group.to_json()).unwrap(), group);
        // And serde's own derive (used over IPC) agrees.
        let via_serde: RuleGroup = serde_json::from_str(&group.to_json()).unwrap();
        assert_eq!(via_serde, group);
    }

    #[test]
    fn shape_errors_name_the_path() {
        let error = RuleGroup::from_json(
            r#"{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"x"}]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("root.rules[0].rules[0]"), "{error}");
        assert!(error.contains("operator"), "{error}");

        let error = RuleGroup::from_json(r#"{"combinator":"xor","rules":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("xor"), "{error}");

        let error = RuleGroup::from_json("{\"rules\": [")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not valid JSON"), "{error}");
    }

    #[test]
    fn field_comparisons_are_refused() {
        let error = RuleGroup::from_json(
            r#"{"combinator":"and","rules":[{"field":"city","operator":"=","value":"region","valueSource":"field"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("not supported"), "{error}");
    }
}
