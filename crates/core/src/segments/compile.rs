//! Validation: turns a parsed [`RuleGroup`] into a typed [`Condition`] tree,
//! checking every field against the catalogue, every operator against the
//! field's type and every value against the operator. Negated operators
//! become their positive form with `negate` set, so each is the exact
//! complement of its positive form by construction. Errors name the rule's
//! path and field. A referenced saved segment is compiled once per
//! compilation and shared; references nest at most [`MAX_REFERENCE_DEPTH`]
//! deep and never in a cycle.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::rules::{RelativeSpan, Rule, RuleGroup, RuleNode, SpanUnit};
use super::values::{parse_bool, parse_instant, parse_number};
use crate::fields::{self, FieldType};
use crate::text::fold_key;
use crate::{Error, Result};

/// Where a field's values are stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Storage {
    /// A column of `leads` (a checked standard key).
    Column(String),
    /// Rows of `custom_values` with this field id.
    Custom(i64),
}

/// A field a rule tests.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldRef {
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub storage: Storage,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds<T: PartialOrd>(self, left: T, right: T) -> bool {
        match self {
            Cmp::Eq => left == right,
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
        }
    }
}

/// Tests on folded text (list fields: on any element).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TextTest {
    Equals(String),
    Contains(String),
    BeginsWith(String),
    EndsWith(String),
    OneOf(Vec<String>),
}

impl TextTest {
    pub fn holds(&self, key: &str) -> bool {
        match self {
            TextTest::Equals(wanted) => key == wanted,
            TextTest::Contains(part) => key.contains(part.as_str()),
            TextTest::BeginsWith(part) => key.starts_with(part.as_str()),
            TextTest::EndsWith(part) => key.ends_with(part.as_str()),
            TextTest::OneOf(set) => set.iter().any(|item| item == key),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumberTest {
    Compare(Cmp, f64),
    Between(f64, f64),
    OneOf(Vec<f64>),
}

impl NumberTest {
    pub fn holds(&self, n: f64) -> bool {
        match self {
            NumberTest::Compare(cmp, right) => cmp.holds(n, *right),
            NumberTest::Between(low, high) => *low <= n && n <= *high,
            NumberTest::OneOf(set) => set.contains(&n),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DateTest {
    Compare(Cmp, i64),
    Between(i64, i64),
    InLast(RelativeSpan),
}

impl DateTest {
    pub fn holds(&self, at: i64, as_of: i64) -> bool {
        match self {
            DateTest::Compare(cmp, right) => cmp.holds(at, *right),
            DateTest::Between(low, high) => *low <= at && at <= *high,
            DateTest::InLast(span) => super::values::span_start(as_of, *span) <= at && at <= as_of,
        }
    }
}

/// The positive test of a rule on one value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    /// The value is empty or missing.
    IsEmpty,
    Text(TextTest),
    Number(NumberTest),
    Date(DateTest),
    Bool(bool),
}

/// A behaviour: how many events of a type (in a span, matching a property
/// filter) a lead performed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Behaviour {
    /// Folded event type.
    pub event_type: String,
    pub min: u32,
    pub max: Option<u32>,
    pub in_last: Option<RelativeSpan>,
    pub filter: Option<PropertyCondition>,
}

impl Behaviour {
    pub fn count_matches(&self, count: u64) -> bool {
        count >= u64::from(self.min) && self.max.is_none_or(|max| count <= u64::from(max))
    }
}

/// A rule tree over the properties of one event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PropertyCondition {
    Group {
        any: bool,
        negate: bool,
        children: Vec<PropertyCondition>,
    },
    Rule {
        key: String,
        test: Test,
        negate: bool,
    },
}

/// A validated rule tree, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    Group {
        /// `or` when true, `and` when false.
        any: bool,
        negate: bool,
        children: Vec<Condition>,
    },
    Field {
        field: FieldRef,
        test: Test,
        negate: bool,
    },
    Behaviour {
        behaviour: Behaviour,
        negate: bool,
    },
    Segment {
        id: i64,
        name: String,
        /// Shared by every reference to the segment in one compiled tree.
        condition: Arc<Condition>,
        /// Whether its rules refer to other segments: then evaluators
        /// remember its answer, so a diamond of references is walked once.
        nested: bool,
        negate: bool,
    },
}

/// A catalogue field as rules see it.
pub(crate) fn field_ref(conn: &Connection, key: &str) -> Result<FieldRef> {
    let resolved = fields::resolve(conn, key)?;
    Ok(FieldRef {
        key: resolved.field.key.clone(),
        label: resolved.field.label.clone(),
        field_type: resolved.field.field_type,
        storage: if resolved.field.is_standard {
            Storage::Column(resolved.field.key.clone())
        } else {
            Storage::Custom(resolved.id)
        },
    })
}

/// The deepest nesting of segment references a rule tree may have: a rule
/// tree may go through at most this many segments, one inside the other.
pub const MAX_REFERENCE_DEPTH: usize = 32;

/// Validates `group` against the workspace's catalogue and saved segments.
pub(crate) fn compile(conn: &Connection, group: &RuleGroup) -> Result<Condition> {
    Compiler::new(conn, None)?.root(group)
}

/// Like [`compile`], for the rules of saved segment `own_id` (so that a
/// reference back to it is reported as a cycle, and a chain of references
/// too deep is named from it).
pub(crate) fn compile_segment(
    conn: &Connection,
    own_id: i64,
    group: &RuleGroup,
) -> Result<Condition> {
    let name: String = conn
        .query_row("SELECT name FROM segments WHERE id = ?1", [own_id], |row| {
            row.get(0)
        })
        .optional()?
        .unwrap_or_else(|| format!("segment {own_id}"));
    Compiler::new(conn, Some((own_id, name)))?.root(group)
}

/// A saved segment compiled once per compilation and shared by every rule
/// that refers to it, so that a diamond of references costs one compile
/// per segment, not one per path.
struct CompiledSegment {
    condition: Arc<Condition>,
    /// How many references deep its rules go (0: it refers to no segment).
    height: usize,
    /// The segment one level down on its deepest chain of references.
    deepest: Option<i64>,
    name: String,
}

/// A segment whose rules are being compiled.
struct Frame {
    /// `None` for rules that are not a saved segment's.
    segment: Option<(i64, String)>,
    /// The path of the rule that refers to this segment.
    site: String,
    height: usize,
    deepest: Option<i64>,
}

struct Compiler<'a> {
    conn: &'a Connection,
    catalogue: HashMap<String, FieldRef>,
    /// The rules being compiled (first) and the segments they lead into,
    /// outermost first: for cycles, depth and the chain in messages.
    open: Vec<Frame>,
    compiled: HashMap<i64, CompiledSegment>,
}

fn invalid(path: &str, field: &str, message: impl Into<String>) -> Error {
    Error::InvalidRule {
        path: path.to_owned(),
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// `“A” → “B” → “C”`, with the middle left out of a long chain.
fn describe_chain(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("“{name}”")).collect();
    if quoted.len() <= 9 {
        return quoted.join(" → ");
    }
    format!(
        "{} → … {} more … → {}",
        quoted[..4].join(" → "),
        quoted.len() - 8,
        quoted[quoted.len() - 4..].join(" → ")
    )
}

impl<'a> Compiler<'a> {
    fn new(conn: &'a Connection, own: Option<(i64, String)>) -> Result<Self> {
        let catalogue: HashMap<String, FieldRef> = fields::list_resolved(conn)?
            .into_iter()
            .map(|resolved| {
                let storage = if resolved.field.is_standard {
                    Storage::Column(resolved.field.key.clone())
                } else {
                    Storage::Custom(resolved.id)
                };
                let field = FieldRef {
                    key: resolved.field.key.clone(),
                    label: resolved.field.label.clone(),
                    field_type: resolved.field.field_type,
                    storage,
                };
                (field.key.clone(), field)
            })
            .collect();
        Ok(Compiler {
            conn,
            catalogue,
            open: vec![Frame {
                segment: own,
                site: "root".into(),
                height: 0,
                deepest: None,
            }],
            compiled: HashMap::new(),
        })
    }

    fn root(mut self, group: &RuleGroup) -> Result<Condition> {
        self.group(group, "root")
    }

    /// How many references deep the rule being compiled sits.
    fn depth(&self) -> usize {
        self.open.len() - 1
    }

    /// The error for a chain of references deeper than the limit: the open
    /// segments, `next`, and the deepest chain below `next` when known.
    fn too_deep(&self, next: i64, next_name: &str) -> Error {
        let mut names: Vec<&str> = self
            .open
            .iter()
            .filter_map(|frame| frame.segment.as_ref().map(|(_, name)| name.as_str()))
            .collect();
        names.push(next_name);
        let mut below = self.compiled.get(&next).and_then(|c| c.deepest);
        while let Some(id) = below {
            let Some(segment) = self.compiled.get(&id) else {
                break;
            };
            names.push(&segment.name);
            below = segment.deepest;
        }
        let site = self
            .open
            .get(1)
            .map_or_else(|| "root".to_owned(), |frame| frame.site.clone());
        Error::SegmentReferences {
            path: site,
            message: format!(
                "segments that use other segments go more than {MAX_REFERENCE_DEPTH} levels deep: {}; shorten the chain",
                describe_chain(&names)
            ),
        }
    }

    fn group(&mut self, group: &RuleGroup, path: &str) -> Result<Condition> {
        let mut children = Vec::with_capacity(group.rules.len());
        for (index, node) in group.rules.iter().enumerate() {
            let child_path = format!("{path}.rules[{index}]");
            children.push(match node {
                RuleNode::Group(inner) => self.group(inner, &child_path)?,
                RuleNode::Rule(rule) => self.rule(rule, &child_path)?,
            });
        }
        Ok(Condition::Group {
            any: group.combinator == super::rules::Combinator::Or,
            negate: group.not,
            children,
        })
    }

    fn rule(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        match rule.field.as_str() {
            "event" => self.behaviour(rule, path),
            "segment" => self.membership(rule, path),
            key => {
                let Some(field) = self.catalogue.get(key).cloned() else {
                    return Err(invalid(path, key, "no such field in this workspace"));
                };
                let (test, negate) = field_test(field.field_type, &rule.operator, &rule.value)
                    .map_err(|message| invalid(path, key, message))?;
                Ok(Condition::Field {
                    field,
                    test,
                    negate,
                })
            }
        }
    }

    fn behaviour(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        let negate = match rule.operator.as_str() {
            "performed" => false,
            "notPerformed" => true,
            other => {
                return Err(invalid(
                    path,
                    "event",
                    format!(
                    "operator `{other}` does not apply to behaviour; use performed or notPerformed"
                ),
                ))
            }
        };
        let behaviour = behaviour_value(&rule.value, path)?;
        Ok(Condition::Behaviour { behaviour, negate })
    }

    fn membership(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        let negate = match rule.operator.as_str() {
            "in" => false,
            "notIn" => true,
            other => {
                return Err(invalid(
                    path,
                    "segment",
                    format!(
                        "operator `{other}` does not apply to segment membership; use in or notIn"
                    ),
                ))
            }
        };
        let id = match &rule.value {
            Value::Number(n) => n.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| invalid(path, "segment", "the value must be a saved segment's id"))?;
        if let Some(start) = self
            .open
            .iter()
            .position(|frame| frame.segment.as_ref().is_some_and(|(seen, _)| *seen == id))
        {
            let mut chain: Vec<String> = self.open[start..]
                .iter()
                .filter_map(|frame| frame.segment.as_ref().map(|(seen, _)| seen.to_string()))
                .collect();
            chain.push(id.to_string());
            let name = self.open[start]
                .segment
                .as_ref()
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            return Err(Error::SegmentReferences {
                path: path.to_owned(),
                message: format!(
                    "segment {id} (\"{name}\") refers back to itself: {}",
                    chain.join(" → ")
                ),
            });
        }
        if !self.compiled.contains_key(&id) {
            self.compile_saved(id, path)?;
        }
        let compiled = &self.compiled[&id];
        let (height, name, condition) = (
            compiled.height,
            compiled.name.clone(),
            compiled.condition.clone(),
        );
        if self.depth() + 1 + height > MAX_REFERENCE_DEPTH {
            return Err(self.too_deep(id, &name));
        }
        let frame = self.open.last_mut().expect("the root frame is always open");
        if frame.deepest.is_none() || 1 + height > frame.height {
            frame.height = 1 + height;
            frame.deepest = Some(id);
        }
        Ok(Condition::Segment {
            id,
            name,
            condition,
            nested: height > 0,
            negate,
        })
    }

    /// Compiles saved segment `id`, referred to at `path`, into `compiled`.
    fn compile_saved(&mut self, id: i64, path: &str) -> Result<()> {
        let saved: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT name, rules FROM segments WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((name, rules_json)) = saved else {
            return Err(invalid(
                path,
                "segment",
                format!("segment {id} does not exist"),
            ));
        };
        if self.depth() + 1 > MAX_REFERENCE_DEPTH {
            return Err(self.too_deep(id, &name));
        }
        let group = RuleGroup::from_json(&rules_json)?;
        self.open.push(Frame {
            segment: Some((id, name.clone())),
            site: path.to_owned(),
            height: 0,
            deepest: None,
        });
        let condition = self
            .group(&group, &format!("{path}→segment {id}"))
            .map_err(|e| match e {
                Error::InvalidRule {
                    path: inner,
                    field,
                    message,
                } => Error::InvalidRule {
                    path: inner,
                    field,
                    message: format!("in segment {id} (\"{name}\"): {message}"),
                },
                other => other,
            });
        let frame = self.open.pop().expect("pushed above");
        self.compiled.insert(
            id,
            CompiledSegment {
                condition: Arc::new(condition?),
                height: frame.height,
                deepest: frame.deepest,
                name,
            },
        );
        Ok(())
    }
}

/// The operators each field type accepts, as react-querybuilder names them.
pub fn operators_for(field_type: FieldType) -> &'static [&'static str] {
    match field_type {
        FieldType::Text | FieldType::List => &[
            "=",
            "!=",
            "contains",
            "beginsWith",
            "endsWith",
            "doesNotContain",
            "doesNotBeginWith",
            "doesNotEndWith",
            "in",
            "notIn",
            "null",
            "notNull",
        ],
        FieldType::Number => &[
            "=",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "between",
            "notBetween",
            "in",
            "notIn",
            "null",
            "notNull",
        ],
        FieldType::Date => &[
            "=",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "between",
            "notBetween",
            "inLast",
            "notInLast",
            "null",
            "notNull",
        ],
        FieldType::Boolean => &["=", "!=", "null", "notNull"],
    }
}

/// The positive operator behind a negated one, and whether it was negated.
fn positive_form(operator: &str) -> (&str, bool) {
    match operator {
        "!=" => ("=", true),
        "doesNotContain" => ("contains", true),
        "doesNotBeginWith" => ("beginsWith", true),
        "doesNotEndWith" => ("endsWith", true),
        "notIn" => ("in", true),
        "notBetween" => ("between", true),
        "notNull" => ("null", true),
        "notInLast" => ("inLast", true),
        other => (other, false),
    }
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

/// The test and negation of `operator value` on a field of `field_type`.
/// Errors are plain messages; the caller adds the path.
pub(crate) fn field_test(
    field_type: FieldType,
    operator: &str,
    value: &Value,
) -> std::result::Result<(Test, bool), String> {
    if !operators_for(field_type).contains(&operator) {
        return Err(format!(
            "operator `{operator}` does not apply to a {} field; use one of {}",
            type_name(field_type),
            operators_for(field_type).join(", ")
        ));
    }
    let (positive, negate) = positive_form(operator);
    let test = match (field_type, positive) {
        (_, "null") => Test::IsEmpty,
        (FieldType::Text | FieldType::List, op) => Test::Text(text_test(op, value)?),
        (FieldType::Number, op) => Test::Number(number_test(op, value)?),
        (FieldType::Date, op) => Test::Date(date_test(op, value)?),
        (FieldType::Boolean, _) => Test::Bool(bool_literal(value)?),
    };
    Ok((test, negate))
}

/// The operators a rule over an event property accepts.
pub const PROPERTY_OPERATORS: &[&str] = &[
    "=",
    "!=",
    "contains",
    "beginsWith",
    "endsWith",
    "doesNotContain",
    "doesNotBeginWith",
    "doesNotEndWith",
    "in",
    "notIn",
    "null",
    "notNull",
    "<",
    "<=",
    ">",
    ">=",
    "between",
    "notBetween",
];

/// A property rule inside a behaviour's `where`: text operators compare the
/// property's text; `< <= > >= between notBetween` compare it as a number.
fn property_test(operator: &str, value: &Value) -> std::result::Result<(Test, bool), String> {
    if !PROPERTY_OPERATORS.contains(&operator) {
        return Err(format!(
            "operator `{operator}` does not apply to an event property; use one of {}",
            PROPERTY_OPERATORS.join(", ")
        ));
    }
    let (positive, negate) = positive_form(operator);
    let test = match positive {
        "null" => Test::IsEmpty,
        "=" | "contains" | "beginsWith" | "endsWith" | "in" => {
            Test::Text(text_test(positive, value)?)
        }
        "<" | "<=" | ">" | ">=" | "between" => Test::Number(number_test(positive, value)?),
        other => unreachable!("property operator {other} is in PROPERTY_OPERATORS"),
    };
    Ok((test, negate))
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

fn text_test(op: &str, value: &Value) -> std::result::Result<TextTest, String> {
    Ok(match op {
        "=" => TextTest::Equals(text_literal(value)?),
        "contains" => TextTest::Contains(text_literal(value)?),
        "beginsWith" => TextTest::BeginsWith(text_literal(value)?),
        "endsWith" => TextTest::EndsWith(text_literal(value)?),
        "in" => TextTest::OneOf(
            list_items(value)?
                .iter()
                .map(|item| fold_key(item))
                .collect(),
        ),
        other => unreachable!("text operator {other} is in operators_for"),
    })
}

/// The comparison an operator names (`=`, `<`, `<=`, `>`, `>=`).
fn comparison(op: &str) -> Option<Cmp> {
    Some(match op {
        "=" => Cmp::Eq,
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        _ => return None,
    })
}

fn number_literal(text: &str) -> std::result::Result<f64, String> {
    if text.trim().is_empty() {
        return Err("enter a number".into());
    }
    parse_number(text).ok_or_else(|| format!("`{text}` is not a number"))
}

fn number_test(op: &str, value: &Value) -> std::result::Result<NumberTest, String> {
    if let Some(cmp) = comparison(op) {
        let text = scalar_text(value).ok_or("the value must be a number")?;
        return Ok(NumberTest::Compare(cmp, number_literal(&text)?));
    }
    Ok(match op {
        "between" => {
            let (a, b) = pair(value, number_literal)?;
            NumberTest::Between(a.min(b), a.max(b))
        }
        "in" => NumberTest::OneOf(
            list_items(value)?
                .iter()
                .map(|item| number_literal(item))
                .collect::<std::result::Result<_, _>>()?,
        ),
        other => unreachable!("number operator {other} is in operators_for"),
    })
}

fn date_literal(text: &str) -> std::result::Result<i64, String> {
    if text.trim().is_empty() {
        return Err("enter a date".into());
    }
    parse_instant(text)
        .ok_or_else(|| format!("`{text}` is not a date: use YYYY-MM-DD or an ISO 8601 date-time"))
}

fn date_test(op: &str, value: &Value) -> std::result::Result<DateTest, String> {
    if let Some(cmp) = comparison(op) {
        let text = scalar_text(value).ok_or("the value must be a date")?;
        return Ok(DateTest::Compare(cmp, date_literal(&text)?));
    }
    Ok(match op {
        "between" => {
            let (a, b) = pair(value, date_literal)?;
            DateTest::Between(a.min(b), a.max(b))
        }
        "inLast" => DateTest::InLast(span_value(value)?),
        other => unreachable!("date operator {other} is in operators_for"),
    })
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

fn span_value(value: &Value) -> std::result::Result<RelativeSpan, String> {
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

fn count_value(value: Option<&Value>, name: &str) -> std::result::Result<Option<u32>, String> {
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

fn behaviour_value(value: &Value, path: &str) -> Result<Behaviour> {
    let fail = |message: String| invalid(path, "event", message);
    let object = value.as_object().ok_or_else(|| {
        fail(r#"the value must be an object such as {"type": "page_view"}"#.into())
    })?;
    let event_type = object
        .get("type")
        .and_then(Value::as_str)
        .map(fold_key)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| fail("choose an event type".into()))?;
    let min = count_value(object.get("min"), "min")
        .map_err(fail)?
        .unwrap_or(1);
    let max = count_value(object.get("max"), "max").map_err(fail)?;
    if let Some(max) = max {
        if max < min {
            return Err(fail(format!("max ({max}) is below min ({min})")));
        }
    }
    let in_last = match object.get("inLast") {
        None | Some(Value::Null) => None,
        Some(span) => Some(span_value(span).map_err(fail)?),
    };
    let filter = match object.get("where") {
        None | Some(Value::Null) => None,
        Some(group) => {
            let where_path = format!("{path}.value.where");
            let group = RuleGroup::from_value(group).map_err(|e| match e {
                Error::InvalidRule {
                    path: inner,
                    field,
                    message,
                } => Error::InvalidRule {
                    path: inner.replacen("root", &where_path, 1),
                    field,
                    message,
                },
                other => other,
            })?;
            Some(property_group(&group, &where_path)?)
        }
    };
    Ok(Behaviour {
        event_type,
        min,
        max,
        in_last,
        filter,
    })
}

/// The longest event property name a rule may test.
const MAX_PROPERTY_NAME: usize = 200;

fn property_group(group: &RuleGroup, path: &str) -> Result<PropertyCondition> {
    let mut children = Vec::with_capacity(group.rules.len());
    for (index, node) in group.rules.iter().enumerate() {
        let child_path = format!("{path}.rules[{index}]");
        children.push(match node {
            RuleNode::Group(inner) => property_group(inner, &child_path)?,
            RuleNode::Rule(rule) => {
                // Property names are what the imported file's headers made
                // them: any text, compared exactly.
                if rule.field.is_empty() || rule.field.chars().count() > MAX_PROPERTY_NAME {
                    return Err(invalid(
                        &child_path,
                        &rule.field,
                        format!("choose an event property (a name of 1 to {MAX_PROPERTY_NAME} characters)"),
                    ));
                }
                let (test, negate) = property_test(&rule.operator, &rule.value)
                    .map_err(|message| invalid(&child_path, &rule.field, message))?;
                PropertyCondition::Rule {
                    key: rule.field.clone(),
                    test,
                    negate,
                }
            }
        });
    }
    Ok(PropertyCondition::Group {
        any: group.combinator == super::rules::Combinator::Or,
        negate: group.not,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn compile_text(workspace: &Workspace, json: &str) -> Result<Condition> {
        compile(workspace.conn(), &RuleGroup::from_json(json)?)
    }

    fn error_of(json: &str) -> String {
        let workspace = Workspace::in_memory().unwrap();
        compile_text(&workspace, json).unwrap_err().to_string()
    }

    #[test]
    fn negated_operators_compile_to_negated_positive_tests() {
        let workspace = Workspace::in_memory().unwrap();
        let condition = compile_text(
            &workspace,
            r#"{"combinator":"and","rules":[{"field":"country","operator":"!=","value":" GERMANY "}]}"#,
        )
        .unwrap();
        let Condition::Group { children, .. } = condition else {
            panic!()
        };
        assert!(matches!(
            &children[0],
            Condition::Field { test: Test::Text(TextTest::Equals(v)), negate: true, .. } if v == "germany"
        ));
    }

    #[test]
    fn errors_name_path_field_and_problem() {
        let unknown = error_of(
            r#"{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"shoe_size","operator":"=","value":"9"}]}]}"#,
        );
        assert!(
            unknown.contains("root.rules[0].rules[0]") && unknown.contains("shoe_size"),
            "{unknown}"
        );
        assert!(unknown.contains("no such field"), "{unknown}");

        let wrong_operator = error_of(
            r#"{"combinator":"and","rules":[{"field":"employees","operator":"contains","value":"9"}]}"#,
        );
        assert!(
            wrong_operator.contains("does not apply to a number field"),
            "{wrong_operator}"
        );

        let bad_number = error_of(
            r#"{"combinator":"and","rules":[{"field":"employees","operator":">","value":"lots"}]}"#,
        );
        assert!(
            bad_number.contains("`lots` is not a number"),
            "{bad_number}"
        );

        let bad_date = error_of(
            r#"{"combinator":"and","rules":[{"field":"created_at","operator":"<","value":"31/12/2025"}]}"#,
        );
        assert!(bad_date.contains("is not a date"), "{bad_date}");

        let bad_between = error_of(
            r#"{"combinator":"and","rules":[{"field":"employees","operator":"between","value":"1,2,3"}]}"#,
        );
        assert!(bad_between.contains("exactly two"), "{bad_between}");

        let empty = error_of(
            r#"{"combinator":"and","rules":[{"field":"city","operator":"=","value":"  "}]}"#,
        );
        assert!(empty.contains("enter a value"), "{empty}");

        let bad_span = error_of(
            r#"{"combinator":"and","rules":[{"field":"created_at","operator":"inLast","value":{"amount":0,"unit":"days"}}]}"#,
        );
        assert!(bad_span.contains("amount"), "{bad_span}");

        let bad_range = error_of(
            r#"{"combinator":"and","rules":[{"field":"event","operator":"performed","value":{"type":"download","min":3,"max":1}}]}"#,
        );
        assert!(
            bad_range.contains("max (1) is below min (3)"),
            "{bad_range}"
        );

        let bad_property = error_of(
            r#"{"combinator":"and","rules":[{"field":"event","operator":"performed","value":{"type":"download","where":{"combinator":"and","rules":[{"field":"asset","operator":"inLast","value":"x"}]}}}]}"#,
        );
        assert!(
            bad_property.contains("root.rules[0].value.where.rules[0]"),
            "{bad_property}"
        );

        let missing_segment = error_of(
            r#"{"combinator":"and","rules":[{"field":"segment","operator":"in","value":42}]}"#,
        );
        assert!(
            missing_segment.contains("segment 42 does not exist"),
            "{missing_segment}"
        );
    }

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
    fn every_type_has_null_and_its_complement() {
        for field_type in [
            FieldType::Text,
            FieldType::Number,
            FieldType::Date,
            FieldType::Boolean,
            FieldType::List,
        ] {
            let operators = operators_for(field_type);
            assert!(operators.contains(&"null") && operators.contains(&"notNull"));
            for operator in operators {
                let (positive, _) = positive_form(operator);
                assert!(
                    operators.contains(&positive),
                    "{operator} of {field_type:?}"
                );
            }
        }
    }
}
