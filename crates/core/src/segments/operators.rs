//! The rule operators, owned here once: each one's name in the rule JSON
//! (react-querybuilder's), its label, the shape of value it takes, which
//! field types it applies to, and the positive operator behind a negated
//! one. `compile` and the UI (through the generated `Operator` binding and
//! `OperatorCatalogue.ts`) read their operator grammar from this module.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fields::FieldType;

/// An operator a rule may use, serialised as the rule JSON names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Operator {
    #[serde(rename = "=")]
    Equals,
    #[serde(rename = "!=")]
    NotEquals,
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = ">")]
    More,
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "contains")]
    Contains,
    #[serde(rename = "beginsWith")]
    BeginsWith,
    #[serde(rename = "endsWith")]
    EndsWith,
    #[serde(rename = "doesNotContain")]
    DoesNotContain,
    #[serde(rename = "doesNotBeginWith")]
    DoesNotBeginWith,
    #[serde(rename = "doesNotEndWith")]
    DoesNotEndWith,
    #[serde(rename = "between")]
    Between,
    #[serde(rename = "notBetween")]
    NotBetween,
    #[serde(rename = "in")]
    In,
    #[serde(rename = "notIn")]
    NotIn,
    #[serde(rename = "inLast")]
    InLast,
    #[serde(rename = "notInLast")]
    NotInLast,
    #[serde(rename = "null")]
    Null,
    #[serde(rename = "notNull")]
    NotNull,
    #[serde(rename = "performed")]
    Performed,
    #[serde(rename = "notPerformed")]
    NotPerformed,
}

/// The shape of value an operator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ValueShape {
    /// No value (`null`, `notNull`).
    None,
    /// One text, number, date or yes/no value.
    Scalar,
    /// A list: an array or comma-separated text.
    List,
    /// Two values, low and high.
    Pair,
    /// A [`super::rules::RelativeSpan`].
    Span,
    /// A [`super::rules::BehaviourValue`].
    Behaviour,
    /// A saved segment's id (membership rules).
    Segment,
}

/// Every field type, in catalogue order.
const FIELD_TYPES: [FieldType; 5] = [
    FieldType::Text,
    FieldType::Number,
    FieldType::Date,
    FieldType::Boolean,
    FieldType::List,
];

impl Operator {
    /// Every operator, in the order the builder lists them.
    pub const ALL: [Operator; 22] = [
        Operator::Equals,
        Operator::NotEquals,
        Operator::Less,
        Operator::AtMost,
        Operator::More,
        Operator::AtLeast,
        Operator::Contains,
        Operator::BeginsWith,
        Operator::EndsWith,
        Operator::DoesNotContain,
        Operator::DoesNotBeginWith,
        Operator::DoesNotEndWith,
        Operator::Between,
        Operator::NotBetween,
        Operator::In,
        Operator::NotIn,
        Operator::InLast,
        Operator::NotInLast,
        Operator::Null,
        Operator::NotNull,
        Operator::Performed,
        Operator::NotPerformed,
    ];

    /// The operator's name in the rule JSON.
    pub fn as_str(self) -> &'static str {
        self.facts().name
    }

    /// The operator named `name` in the rule JSON, if there is one.
    pub fn parse(name: &str) -> Option<Operator> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.as_str() == name)
    }

    /// How the builder shows the operator.
    pub fn label(self) -> &'static str {
        self.facts().label
    }

    /// The shape of value the operator takes on a catalogue field or in a
    /// behaviour rule (membership rules take a segment id with `in`/`notIn`).
    pub fn value_shape(self) -> ValueShape {
        self.facts().shape
    }

    /// Whether a rule on a field of `field_type` may use the operator.
    pub fn applies_to(self, field_type: FieldType) -> bool {
        self.facts().field_types.contains(&field_type)
    }

    /// The field types whose rules may use the operator.
    pub fn field_types(self) -> &'static [FieldType] {
        self.facts().field_types
    }

    /// The positive operator behind a negated one, and whether it was negated.
    pub fn positive_form(self) -> (Operator, bool) {
        match self.facts().negates {
            Some(positive) => (positive, true),
            None => (self, false),
        }
    }

    /// Everything about the operator, in the one match that lists them.
    fn facts(self) -> OperatorFacts {
        use FieldType::{Boolean, Date, List, Number, Text};
        use Operator::*;
        const ALL_TYPES: &[FieldType] = &[Text, Number, Date, Boolean, List];
        const TEXTUAL: &[FieldType] = &[Text, List];
        const ORDERED: &[FieldType] = &[Number, Date];
        const LISTABLE: &[FieldType] = &[Text, Number, List];
        const DATES: &[FieldType] = &[Date];
        const NONE: &[FieldType] = &[];
        let facts = |name, label, shape, field_types, negates| OperatorFacts {
            name,
            label,
            shape,
            field_types,
            negates,
        };
        match self {
            Equals => facts("=", "is", ValueShape::Scalar, ALL_TYPES, None),
            NotEquals => facts("!=", "is not", ValueShape::Scalar, ALL_TYPES, Some(Equals)),
            Less => facts("<", "is less than", ValueShape::Scalar, ORDERED, None),
            AtMost => facts("<=", "is at most", ValueShape::Scalar, ORDERED, None),
            More => facts(">", "is more than", ValueShape::Scalar, ORDERED, None),
            AtLeast => facts(">=", "is at least", ValueShape::Scalar, ORDERED, None),
            Contains => facts("contains", "contains", ValueShape::Scalar, TEXTUAL, None),
            BeginsWith => facts(
                "beginsWith",
                "begins with",
                ValueShape::Scalar,
                TEXTUAL,
                None,
            ),
            EndsWith => facts("endsWith", "ends with", ValueShape::Scalar, TEXTUAL, None),
            DoesNotContain => facts(
                "doesNotContain",
                "does not contain",
                ValueShape::Scalar,
                TEXTUAL,
                Some(Contains),
            ),
            DoesNotBeginWith => facts(
                "doesNotBeginWith",
                "does not begin with",
                ValueShape::Scalar,
                TEXTUAL,
                Some(BeginsWith),
            ),
            DoesNotEndWith => facts(
                "doesNotEndWith",
                "does not end with",
                ValueShape::Scalar,
                TEXTUAL,
                Some(EndsWith),
            ),
            Between => facts("between", "is between", ValueShape::Pair, ORDERED, None),
            NotBetween => facts(
                "notBetween",
                "is not between",
                ValueShape::Pair,
                ORDERED,
                Some(Between),
            ),
            In => facts("in", "is one of", ValueShape::List, LISTABLE, None),
            NotIn => facts(
                "notIn",
                "is not one of",
                ValueShape::List,
                LISTABLE,
                Some(In),
            ),
            InLast => facts("inLast", "is in the last", ValueShape::Span, DATES, None),
            NotInLast => facts(
                "notInLast",
                "is not in the last",
                ValueShape::Span,
                DATES,
                Some(InLast),
            ),
            Null => facts("null", "is empty", ValueShape::None, ALL_TYPES, None),
            NotNull => facts(
                "notNull",
                "is not empty",
                ValueShape::None,
                ALL_TYPES,
                Some(Null),
            ),
            Performed => facts("performed", "performed", ValueShape::Behaviour, NONE, None),
            NotPerformed => facts(
                "notPerformed",
                "did not perform",
                ValueShape::Behaviour,
                NONE,
                Some(Performed),
            ),
        }
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

struct OperatorFacts {
    name: &'static str,
    label: &'static str,
    shape: ValueShape,
    field_types: &'static [FieldType],
    negates: Option<Operator>,
}

/// The operators a rule on a field of `field_type` may use, in builder order.
pub fn field_operators(field_type: FieldType) -> Vec<Operator> {
    Operator::ALL
        .into_iter()
        .filter(|operator| operator.applies_to(field_type))
        .collect()
}

/// The operators a rule over an event property (in a behaviour's `where`)
/// may use: the text operators, then the number comparisons text lacks.
pub fn property_operators() -> Vec<Operator> {
    let mut operators = field_operators(FieldType::Text);
    for operator in field_operators(FieldType::Number) {
        if !operators.contains(&operator) {
            operators.push(operator);
        }
    }
    operators
}

/// The operators of a behaviour rule (`field: "event"`).
pub const BEHAVIOUR_OPERATORS: [Operator; 2] = [Operator::Performed, Operator::NotPerformed];

/// The operators of a membership rule (`field: "segment"`).
pub const MEMBERSHIP_OPERATORS: [Operator; 2] = [Operator::In, Operator::NotIn];

static FIELD_OPERATOR_NAMES: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    FIELD_TYPES
        .into_iter()
        .map(|field_type| names(&field_operators(field_type)))
        .collect()
});

/// The names of the operators a rule over an event property may use.
pub static PROPERTY_OPERATORS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| names(&property_operators()));

fn names(operators: &[Operator]) -> Vec<&'static str> {
    operators.iter().map(|operator| operator.as_str()).collect()
}

/// The names of the operators each field type accepts, as react-querybuilder
/// names them (the string form of [`field_operators`]).
pub fn operators_for(field_type: FieldType) -> &'static [&'static str] {
    let index = FIELD_TYPES
        .iter()
        .position(|candidate| *candidate == field_type)
        .unwrap_or_default();
    FIELD_OPERATOR_NAMES
        .get(index)
        .map_or(&[], |names| names.as_slice())
}

/// The TypeScript module the UI imports the catalogue from: each operator's
/// label, value shape and field types, typed `Record<Operator, …>`.
pub fn catalogue_typescript() -> String {
    let mut text = String::from(
        "// Generated from crates/core/src/segments/operators.rs by the test \
         `export_bindings_operator_catalogue`. Do not edit.\n\
         import type { FieldType } from \"./FieldType\";\n\
         import type { Operator } from \"./Operator\";\n\
         import type { ValueShape } from \"./ValueShape\";\n\n\
         export type OperatorInfo = { label: string; shape: ValueShape; fieldTypes: FieldType[] };\n\n\
         export const OPERATOR_CATALOGUE: Record<Operator, OperatorInfo> = {\n",
    );
    for operator in Operator::ALL {
        let types: Vec<String> = operator.field_types().iter().map(json_text).collect();
        text.push_str(&format!(
            "  {}: {{ label: {}, shape: {}, fieldTypes: [{}] }},\n",
            json_text(&operator.as_str()),
            json_text(&operator.label()),
            json_text(&operator.value_shape()),
            types.join(", ")
        ));
    }
    text.push_str(
        "};\n\n/** The operators a rule over an event property may use, in builder order. */\n",
    );
    let property: Vec<String> = property_operators().iter().map(json_text).collect();
    text.push_str(&format!(
        "export const PROPERTY_OPERATORS: Operator[] = [{}];\n",
        property.join(", ")
    ));
    text
}

fn json_text(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_rule_json_names() {
        for operator in Operator::ALL {
            let json = serde_json::to_string(&operator).unwrap();
            assert_eq!(json, format!("\"{}\"", operator.as_str()));
            assert_eq!(serde_json::from_str::<Operator>(&json).unwrap(), operator);
            assert_eq!(Operator::parse(operator.as_str()), Some(operator));
        }
        assert_eq!(Operator::parse("xor"), None);
    }

    #[test]
    fn field_operators_keep_the_builder_order() {
        assert_eq!(
            operators_for(FieldType::Text),
            [
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
                "notNull"
            ]
        );
        assert_eq!(
            operators_for(FieldType::List),
            operators_for(FieldType::Text)
        );
        assert_eq!(
            operators_for(FieldType::Number),
            [
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
                "notNull"
            ]
        );
        assert_eq!(
            operators_for(FieldType::Date),
            [
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
                "notNull"
            ]
        );
        assert_eq!(
            operators_for(FieldType::Boolean),
            ["=", "!=", "null", "notNull"]
        );
        assert_eq!(
            PROPERTY_OPERATORS.as_slice(),
            [
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
            ]
        );
    }

    #[test]
    fn a_negated_operator_applies_wherever_its_positive_form_does() {
        for operator in Operator::ALL {
            let (positive, negated) = operator.positive_form();
            assert_eq!(negated, positive != operator, "{operator}");
            assert_eq!(positive.field_types(), operator.field_types(), "{operator}");
            assert_eq!(positive.value_shape(), operator.value_shape(), "{operator}");
            assert!(!positive.positive_form().1, "{operator}");
        }
    }

    #[test]
    fn the_shell_reads_the_string_lists_as_before() {
        // The exact expressions src-tauri/src/commands.rs and segments/mod.rs use.
        let property: Vec<String> = crate::segments::PROPERTY_OPERATORS
            .iter()
            .map(|op| (*op).to_owned())
            .collect();
        assert_eq!(property.len(), 18);
        let text: Vec<String> = crate::segments::operators_for(FieldType::Text)
            .iter()
            .map(|op| (*op).to_owned())
            .collect();
        assert_eq!(text.len(), 12);
    }

    /// Writes the catalogue the UI imports, next to the ts-rs bindings and
    /// into the same folder (`TS_RS_EXPORT_DIR`, set in .cargo/config.toml,
    /// or a temporary one when scripts/check-bindings.sh checks for drift),
    /// as `cargo test export_bindings` does for types.
    #[test]
    fn export_bindings_operator_catalogue() {
        let dir = std::path::PathBuf::from(
            std::env::var_os("TS_RS_EXPORT_DIR")
                .expect("TS_RS_EXPORT_DIR is set by .cargo/config.toml"),
        );
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("OperatorCatalogue.ts"), catalogue_typescript()).unwrap();
    }
}
