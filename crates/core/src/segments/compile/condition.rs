//! The compiled form of a rule tree: typed tests on field values, behaviours
//! and segment memberships, as the evaluators (index and planner) read them.

use std::sync::Arc;

use rusqlite::Connection;

use super::super::rules::RelativeSpan;
use crate::fields::{self, FieldType};
use crate::Result;

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
            DateTest::InLast(span) => {
                super::super::values::span_start(as_of, *span) <= at && at <= as_of
            }
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
