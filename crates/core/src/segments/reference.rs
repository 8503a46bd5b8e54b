//! The reference evaluator: one lead at a time, straight from
//! `docs/segment-rules.md`, reading the raw rule JSON rather than the
//! compiled form. It is deliberately simple. It answers "why is this lead in
//! or out" ([`explain`]), and the property tests check the fast index against
//! it. Rules must have passed validation (`compile`) first.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::compile::{invalid as invalid_rule, rebase_path};
use super::operators::{Operator, ValueShape};
use super::rules::{Combinator, Rule, RuleGroup, RuleNode};
use super::values::{
    self, parse_bool, parse_instant, parse_number, property_number, property_text, span_start,
};
use crate::fields::{self, FieldType};
use crate::leads::iso_datetime;
use crate::leads::LeadIdentity;
use crate::store::tables::columns;
use crate::store::tables::segments as segment_table;
use crate::text::fold_key;
use crate::{Error, Result};

/// Everything the reference evaluator knows about one lead.
pub(crate) struct LeadRecord {
    pub id: i64,
    pub name: String,
    values: HashMap<String, SqlValue>,
    /// (folded type, occurred_at, properties)
    events: Vec<(String, i64, Value)>,
}

/// Reads one lead with all its field values and events.
pub(crate) fn load_lead(conn: &Connection, id: i64) -> Result<LeadRecord> {
    let lead = columns::lead_with_events(conn, id)?.ok_or(Error::UnknownLead { id })?;
    let values = lead.values;
    let events = lead
        .events
        .into_iter()
        .map(|(event_type, occurred_at, properties)| {
            (
                fold_key(&event_type),
                occurred_at,
                serde_json::from_str(&properties).unwrap_or(Value::Null),
            )
        })
        .collect();
    let text = |key: &str| match values.get(key) {
        Some(SqlValue::Text(t)) => t.trim().to_owned(),
        _ => String::new(),
    };
    let present = |key: &str| Some(text(key)).filter(|t| !t.is_empty());
    // Titled as the lead browser titles it: name, else company and external id, else e-mail.
    let name = LeadIdentity {
        id,
        first_name: present("first_name"),
        last_name: present("last_name"),
        email: present("email"),
        company: present("company"),
        external_id: present("external_id"),
    }
    .title();
    Ok(LeadRecord {
        id,
        name,
        values,
        events,
    })
}

/// One rule or group of an explanation: what it tests, whether it held for
/// the lead, and what the lead actually has.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExplainNode {
    /// Where the node sits in the rule tree (`root.rules[0]`).
    pub path: String,
    /// react-querybuilder's id of the rule or group, when it has one.
    pub id: Option<String>,
    /// The rule in words: "Country is one of Germany, France".
    pub description: String,
    pub matched: bool,
    /// The lead's value, or its number of matching events; `None` for groups.
    pub actual: Option<String>,
    pub children: Vec<ExplainNode>,
}

/// Why a lead is in or out of a segment.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Explanation {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub lead_name: String,
    pub matched: bool,
    /// The as-of instant the rules were evaluated at (ISO 8601, UTC).
    pub as_of: String,
    pub root: ExplainNode,
}

/// Evaluates validated rules for one lead, explaining every step.
pub(crate) struct Reference<'a> {
    conn: &'a Connection,
    types: HashMap<String, (FieldType, String)>,
    as_of: i64,
    /// Segment memberships already worked out for the lead being evaluated:
    /// a segment referred to from several places is explained once.
    memberships: RefCell<HashMap<i64, bool>>,
}

impl<'a> Reference<'a> {
    pub fn new(conn: &'a Connection, as_of: i64) -> Result<Self> {
        let types = fields::list(conn)?
            .into_iter()
            .map(|f| (f.key, (f.field_type, f.label)))
            .collect();
        Ok(Reference {
            conn,
            types,
            as_of,
            memberships: RefCell::default(),
        })
    }

    /// Does `lead` belong to the segment `group` describes?
    #[cfg(test)]
    pub fn holds(&self, group: &RuleGroup, lead: &LeadRecord) -> Result<bool> {
        self.memberships.borrow_mut().clear();
        Ok(self.group(group, lead, "root")?.matched)
    }

    pub fn explain(&self, group: &RuleGroup, lead: &LeadRecord) -> Result<Explanation> {
        self.memberships.borrow_mut().clear();
        let root = self.group(group, lead, "root")?;
        Ok(Explanation {
            lead_id: lead.id,
            lead_name: lead.name.clone(),
            matched: root.matched,
            as_of: iso_datetime(self.as_of),
            root,
        })
    }

    fn group(&self, group: &RuleGroup, lead: &LeadRecord, path: &str) -> Result<ExplainNode> {
        let mut children = Vec::with_capacity(group.rules.len());
        for (index, node) in group.rules.iter().enumerate() {
            let child_path = format!("{path}.rules[{index}]");
            children.push(match node {
                RuleNode::Group(inner) => self.group(inner, lead, &child_path)?,
                RuleNode::Rule(rule) => self.rule(rule, lead, &child_path)?,
            });
        }
        // An empty group matches everyone; otherwise `and` needs all, `or` any.
        let combined = children.is_empty()
            || match group.combinator {
                Combinator::And => children.iter().all(|c| c.matched),
                Combinator::Or => children.iter().any(|c| c.matched),
            };
        let description = match (group.combinator, group.not) {
            (Combinator::And, false) => "All of these",
            (Combinator::Or, false) => "Any of these",
            (Combinator::And, true) => "Not all of these",
            (Combinator::Or, true) => "None of these",
        };
        Ok(ExplainNode {
            path: path.to_owned(),
            id: group.id.clone(),
            description: description.to_owned(),
            matched: combined != group.not,
            actual: None,
            children,
        })
    }

    fn rule(&self, rule: &Rule, lead: &LeadRecord, path: &str) -> Result<ExplainNode> {
        if rule.field == "hierarchy" {
            // The membership rules it stands for, explained under its own words.
            let read = super::hierarchies::read_rule(self.conn, rule, path)?;
            let inner = self.group(&read.expansion()?, lead, path)?;
            return Ok(ExplainNode {
                id: rule.id.clone(),
                description: read.description(),
                actual: Some(if inner.matched { "yes" } else { "no" }.to_owned()),
                children: inner.children,
                ..inner
            });
        }
        let (matched, actual, description, children) = match rule.field.as_str() {
            "event" => {
                let (performed, count) = self.performed(&rule.value, lead);
                let matched = if rule.operator == "notPerformed" {
                    !performed
                } else {
                    performed
                };
                let noun = if count == 1 { "event" } else { "events" };
                (
                    matched,
                    format!("{count} matching {noun}"),
                    describe_behaviour(&rule.operator, &rule.value),
                    Vec::new(),
                )
            }
            "segment" => {
                let id = match &rule.value {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| {
                    invalid_rule(path, "segment", "the value must be a saved segment's id")
                })?;
                let (name, rules) =
                    segment_table::name_and_rules_on(self.conn, id)?.ok_or_else(|| {
                        invalid_rule(path, "segment", format!("segment {id} does not exist"))
                    })?;
                let known = self.memberships.borrow().get(&id).copied();
                let (member, children) = match known {
                    // Explained where it first appears.
                    Some(member) => (member, Vec::new()),
                    None => {
                        let site = format!("{path}→segment {id}");
                        let group =
                            RuleGroup::from_json(&rules).map_err(|e| rebase_path(e, &site))?;
                        let inner = self.group(&group, lead, &site)?;
                        self.memberships.borrow_mut().insert(id, inner.matched);
                        (inner.matched, vec![inner])
                    }
                };
                let matched = if rule.operator == "notIn" {
                    !member
                } else {
                    member
                };
                let verb = if rule.operator == "notIn" {
                    "Is not in"
                } else {
                    "Is in"
                };
                (
                    matched,
                    if member {
                        "a member".to_owned()
                    } else {
                        "not a member".to_owned()
                    },
                    format!("{verb} segment “{name}”"),
                    children,
                )
            }
            key => {
                let (field_type, label) =
                    self.types.get(key).cloned().ok_or_else(|| {
                        invalid_rule(path, key, "no such field in this workspace")
                    })?;
                let stored = lead
                    .values
                    .get(key)
                    .map(ValueRef::from)
                    .unwrap_or(ValueRef::Null);
                (
                    self.field_holds(field_type, &rule.operator, &rule.value, stored),
                    show_value(field_type, stored),
                    format!("{label} {}", describe_operator(&rule.operator, &rule.value)),
                    Vec::new(),
                )
            }
        };
        Ok(ExplainNode {
            path: path.to_owned(),
            id: rule.id.clone(),
            description,
            matched,
            actual: Some(actual),
            children,
        })
    }

    /// A field rule, operator by operator as the docs define them.
    fn field_holds(
        &self,
        field_type: FieldType,
        operator: &str,
        value: &Value,
        stored: ValueRef<'_>,
    ) -> bool {
        // Negated operators are the exact complements of their positive forms.
        if let Some((positive, true)) = Operator::parse(operator).map(Operator::positive_form) {
            return !self.field_holds(field_type, positive.as_str(), value, stored);
        }
        match field_type {
            FieldType::Text | FieldType::List => {
                // A text value is a list of one; an empty value has no elements.
                let elements: Vec<String> = if field_type == FieldType::List {
                    values::list_keys(stored)
                } else {
                    values::text_key(stored).into_iter().collect()
                };
                if operator == "null" {
                    return elements.is_empty();
                }
                let wanted = literal_text(value);
                elements.iter().any(|element| match operator {
                    "=" => *element == wanted,
                    "contains" => element.contains(&wanted),
                    "beginsWith" => element.starts_with(&wanted),
                    "endsWith" => element.ends_with(&wanted),
                    "in" => literal_list(value)
                        .iter()
                        .any(|item| fold_key(item) == *element),
                    _ => false,
                })
            }
            FieldType::Number => {
                let Some(n) = values::number(stored) else {
                    return operator == "null";
                };
                match operator {
                    "in" => literal_list(value)
                        .iter()
                        .any(|item| parse_number(item) == Some(n)),
                    "between" => {
                        let ends: Vec<f64> = literal_list(value)
                            .iter()
                            .filter_map(|i| parse_number(i))
                            .collect();
                        ends.len() == 2 && ends[0].min(ends[1]) <= n && n <= ends[0].max(ends[1])
                    }
                    "null" => false,
                    op => compare(op, n, parse_number(&literal_raw(value)).unwrap_or(f64::NAN)),
                }
            }
            FieldType::Date => {
                let Some(at) = values::instant(stored) else {
                    return operator == "null";
                };
                match operator {
                    "inLast" => {
                        let span = serde_json::from_value(value.clone()).ok();
                        let span = span.or_else(|| {
                            // Amounts may come as text from a form.
                            let amount = value.get("amount")?.as_str()?.trim().parse().ok()?;
                            let unit = serde_json::from_value(value.get("unit")?.clone()).ok()?;
                            Some(super::rules::RelativeSpan { amount, unit })
                        });
                        span.is_some_and(|span| {
                            span_start(self.as_of, span) <= at && at <= self.as_of
                        })
                    }
                    "between" => {
                        let ends: Vec<i64> = literal_list(value)
                            .iter()
                            .filter_map(|i| parse_instant(i))
                            .collect();
                        ends.len() == 2 && ends[0].min(ends[1]) <= at && at <= ends[0].max(ends[1])
                    }
                    "null" => false,
                    op => parse_instant(&literal_raw(value))
                        .is_some_and(|right| compare(op, at, right)),
                }
            }
            FieldType::Boolean => {
                let Some(flag) = values::boolean(stored) else {
                    return operator == "null";
                };
                let wanted = match value {
                    Value::Bool(b) => Some(*b),
                    other => parse_bool(&literal_raw(other)),
                };
                operator == "=" && wanted == Some(flag)
            }
        }
    }

    /// Whether a behaviour rule's count condition holds, and the count.
    fn performed(&self, value: &Value, lead: &LeadRecord) -> (bool, u64) {
        let event_type = fold_key(
            value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let number = |name: &str| match value.get(name) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let min = number("min").unwrap_or(1);
        let max = number("max");
        let since = value
            .get("inLast")
            .filter(|span| !span.is_null())
            .and_then(|span| {
                let amount = match span.get("amount")? {
                    Value::Number(n) => n.as_u64()?,
                    Value::String(s) => s.trim().parse().ok()?,
                    _ => return None,
                };
                let unit = serde_json::from_value(span.get("unit")?.clone()).ok()?;
                Some(span_start(
                    self.as_of,
                    super::rules::RelativeSpan {
                        amount: amount as u32,
                        unit,
                    },
                ))
            })
            .unwrap_or(i64::MIN);
        let filter: Option<RuleGroup> = value
            .get("where")
            .filter(|w| !w.is_null())
            .and_then(|w| RuleGroup::from_value(w).ok());
        let count = lead
            .events
            .iter()
            .filter(|(kind, at, properties)| {
                *kind == event_type
                    && since <= *at
                    && *at <= self.as_of
                    && filter
                        .as_ref()
                        .is_none_or(|group| property_group_holds(group, properties))
            })
            .count() as u64;
        (count >= min && max.is_none_or(|max| count <= max), count)
    }
}

fn compare<T: PartialOrd>(operator: &str, left: T, right: T) -> bool {
    match operator {
        "=" => left == right,
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        _ => false,
    }
}

fn literal_raw(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn literal_text(value: &Value) -> String {
    fold_key(&literal_raw(value))
}

fn literal_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(literal_raw)
            .filter(|i| !i.is_empty())
            .collect(),
        other => literal_raw(other)
            .split(',')
            .map(|item| item.trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect(),
    }
}

/// A `where` group over one event's properties.
fn property_group_holds(group: &RuleGroup, properties: &Value) -> bool {
    let results: Vec<bool> = group
        .rules
        .iter()
        .map(|node| match node {
            RuleNode::Group(inner) => property_group_holds(inner, properties),
            RuleNode::Rule(rule) => property_rule_holds(rule, properties),
        })
        .collect();
    let combined = results.is_empty()
        || match group.combinator {
            Combinator::And => results.iter().all(|r| *r),
            Combinator::Or => results.iter().any(|r| *r),
        };
    combined != group.not
}

fn property_rule_holds(rule: &Rule, properties: &Value) -> bool {
    let complement = |positive: &str| {
        !property_rule_holds(
            &Rule {
                operator: positive.to_owned(),
                ..rule.clone()
            },
            properties,
        )
    };
    match rule.operator.as_str() {
        "!=" => return complement("="),
        "doesNotContain" => return complement("contains"),
        "doesNotBeginWith" => return complement("beginsWith"),
        "doesNotEndWith" => return complement("endsWith"),
        "notIn" => return complement("in"),
        "notBetween" => return complement("between"),
        "notNull" => return complement("null"),
        _ => {}
    }
    let property = properties.get(&rule.field).unwrap_or(&Value::Null);
    let text = property_text(property);
    let wanted = literal_text(&rule.value);
    match rule.operator.as_str() {
        "null" => text.is_none(),
        "=" => text.is_some_and(|t| t == wanted),
        "contains" => text.is_some_and(|t| t.contains(&wanted)),
        "beginsWith" => text.is_some_and(|t| t.starts_with(&wanted)),
        "endsWith" => text.is_some_and(|t| t.ends_with(&wanted)),
        "in" => text.is_some_and(|t| literal_list(&rule.value).iter().any(|i| fold_key(i) == t)),
        "between" => {
            let ends: Vec<f64> = literal_list(&rule.value)
                .iter()
                .filter_map(|i| parse_number(i))
                .collect();
            property_number(property).is_some_and(|n| {
                ends.len() == 2 && ends[0].min(ends[1]) <= n && n <= ends[0].max(ends[1])
            })
        }
        op => property_number(property).is_some_and(|n| {
            compare(
                op,
                n,
                parse_number(&literal_raw(&rule.value)).unwrap_or(f64::NAN),
            )
        }),
    }
}

/// The lead's value as the explanation shows it.
fn show_value(field_type: FieldType, stored: ValueRef<'_>) -> String {
    let shown = match field_type {
        FieldType::Date => values::instant(stored).map(iso_datetime),
        FieldType::Boolean => {
            values::boolean(stored).map(|b| if b { "yes" } else { "no" }.to_owned())
        }
        FieldType::List => {
            let items =
                crate::leads::CellValue::from_sql(field_type, stored).map(|v| v.to_plain_text());
            items.filter(|t| !t.is_empty())
        }
        _ => match stored {
            ValueRef::Null => None,
            ValueRef::Integer(i) => Some(i.to_string()),
            ValueRef::Real(f) => Some(f.to_string()),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Some(String::from_utf8_lossy(t).trim().to_owned()).filter(|t| !t.is_empty())
            }
        },
    };
    shown.unwrap_or_else(|| "(empty)".to_owned())
}

fn show_literal(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(literal_raw).collect::<Vec<_>>().join(", "),
        Value::Object(object) if object.contains_key("amount") => format!(
            "{} {}",
            literal_raw(object.get("amount").unwrap_or(&Value::Null)),
            literal_raw(object.get("unit").unwrap_or(&Value::Null))
        ),
        other => literal_raw(other),
    }
}

/// "is one of Germany, France", "is in the last 30 days".
pub(crate) fn describe_operator(operator: &str, value: &Value) -> String {
    let Some(known) = Operator::parse(operator) else {
        return format!("{operator} {}", show_literal(value));
    };
    let shown = match known.value_shape() {
        ValueShape::None => return known.label().to_owned(),
        ValueShape::Pair => literal_list(value).join(" and "),
        ValueShape::List => literal_list(value).join(", "),
        _ => show_literal(value),
    };
    format!("{} {shown}", known.label())
}

/// "Performed download at least 2 times in the last 30 days, where …".
pub(crate) fn describe_behaviour(operator: &str, value: &Value) -> String {
    let verb = if operator == "notPerformed" {
        "Did not perform"
    } else {
        "Performed"
    };
    let event_type = value.get("type").and_then(Value::as_str).unwrap_or("?");
    let number = |name: &str| {
        value
            .get(name)
            .filter(|v| !v.is_null())
            .map(literal_raw)
            .filter(|t| !t.is_empty())
    };
    let times = match (number("min"), number("max")) {
        (None, None) => String::new(),
        (Some(min), None) => format!(" at least {min} times"),
        (None, Some(max)) => format!(" at most {max} times"),
        (Some(min), Some(max)) if min == max => format!(" exactly {min} times"),
        (Some(min), Some(max)) => format!(" {min} to {max} times"),
    };
    let window = value
        .get("inLast")
        .filter(|v| !v.is_null())
        .map(|span| format!(" in the last {}", show_literal(span)))
        .unwrap_or_default();
    let filter = value
        .get("where")
        .filter(|v| !v.is_null())
        .and_then(|w| RuleGroup::from_value(w).ok())
        .filter(|g| !g.rules.is_empty())
        .map(|g| format!(", where {}", describe_property_group(&g)))
        .unwrap_or_default();
    format!("{verb} {event_type}{times}{window}{filter}")
}

fn describe_property_group(group: &RuleGroup) -> String {
    let joiner = match group.combinator {
        Combinator::And => " and ",
        Combinator::Or => " or ",
    };
    let parts: Vec<String> = group
        .rules
        .iter()
        .map(|node| match node {
            RuleNode::Group(inner) => format!("({})", describe_property_group(inner)),
            RuleNode::Rule(rule) => format!(
                "{} {}",
                rule.field,
                describe_operator(&rule.operator, &rule.value)
            ),
        })
        .collect();
    let text = parts.join(joiner);
    if group.not {
        format!("not ({text})")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn describes_rules_in_words() {
        assert_eq!(
            describe_operator("in", &json!(["Germany", "France"])),
            "is one of Germany, France"
        );
        assert_eq!(
            describe_operator("between", &json!("10,500")),
            "is between 10 and 500"
        );
        assert_eq!(
            describe_operator("inLast", &json!({"amount": 30, "unit": "days"})),
            "is in the last 30 days"
        );
        assert_eq!(
            describe_behaviour(
                "performed",
                &json!({"type":"download","min":2,"inLast":{"amount":30,"unit":"days"},
                        "where":{"combinator":"and","rules":[{"field":"asset","operator":"contains","value":"whitepaper"}]}})
            ),
            "Performed download at least 2 times in the last 30 days, where asset contains whitepaper"
        );
    }

    #[test]
    fn property_rules_follow_the_docs() {
        let properties = json!({"url": "/Pricing", "value": 49});
        let rule = |field: &str, operator: &str, value: Value| Rule {
            id: None,
            field: field.into(),
            operator: operator.into(),
            value,
        };
        assert!(property_rule_holds(
            &rule("url", "=", json!("/pricing")),
            &properties
        ));
        assert!(property_rule_holds(
            &rule("value", ">", json!(10)),
            &properties
        ));
        assert!(property_rule_holds(
            &rule("value", "=", json!("49")),
            &properties
        ));
        assert!(property_rule_holds(
            &rule("asset", "null", Value::Null),
            &properties
        ));
        assert!(property_rule_holds(
            &rule("asset", "!=", json!("x")),
            &properties
        ));
        assert!(!property_rule_holds(
            &rule("asset", "contains", json!("x")),
            &properties
        ));
    }
}
