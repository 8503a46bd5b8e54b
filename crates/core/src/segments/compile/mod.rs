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

use rusqlite::Connection;
use serde_json::Value;

mod behaviour;
mod condition;
mod value_tests;

pub use super::operators::{operators_for, PROPERTY_OPERATORS};
use behaviour::behaviour_value;
pub(crate) use condition::{
    field_ref, Behaviour, Condition, FieldRef, NumberTest, PropertyCondition, Storage, Test,
};
pub(crate) use value_tests::field_test;

use super::operators::{Operator, BEHAVIOUR_OPERATORS, MEMBERSHIP_OPERATORS};
use super::rules::{Combinator, Rule, RuleGroup, RuleNode};
use crate::fields;
use crate::store::tables::segments as segment_table;
use crate::{Error, Result};

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
    let name = segment_table::name_on(conn, own_id)?.unwrap_or_else(|| format!("segment {own_id}"));
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

/// The error of the rule at `path` on `field`.
pub(crate) fn invalid(path: &str, field: &str, message: impl Into<String>) -> Error {
    Error::InvalidRule {
        path: path.to_owned(),
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// `error` with its rule path (which starts at `root`) moved under `site`,
/// for rules parsed on their own and compiled as part of a larger tree.
pub(crate) fn rebase_path(error: Error, site: &str) -> Error {
    match error {
        Error::InvalidRule {
            path,
            field,
            message,
        } => Error::InvalidRule {
            path: match path.strip_prefix("root") {
                Some(rest) => format!("{site}{rest}"),
                None => format!("{site}: {path}"),
            },
            field,
            message,
        },
        other => other,
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
            any: group.combinator == Combinator::Or,
            negate: group.not,
            children,
        })
    }

    fn rule(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        match rule.field.as_str() {
            "event" => self.behaviour(rule, path),
            "segment" => self.membership(rule, path),
            "hierarchy" => self.hierarchy(rule, path),
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
        let negate = match Operator::parse(&rule.operator) {
            Some(Operator::Performed) => false,
            Some(Operator::NotPerformed) => true,
            _ => {
                return Err(invalid(
                    path,
                    "event",
                    format!(
                        "operator `{}` does not apply to behaviour; use {}",
                        rule.operator,
                        BEHAVIOUR_OPERATORS.map(Operator::as_str).join(" or ")
                    ),
                ))
            }
        };
        let behaviour = behaviour_value(&rule.value, path)?;
        Ok(Condition::Behaviour { behaviour, negate })
    }

    fn membership(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        let negate = match Operator::parse(&rule.operator) {
            Some(Operator::In) => false,
            Some(Operator::NotIn) => true,
            _ => {
                return Err(invalid(
                    path,
                    "segment",
                    format!(
                        "operator `{}` does not apply to segment membership; use {}",
                        rule.operator,
                        MEMBERSHIP_OPERATORS.map(Operator::as_str).join(" or ")
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
        let Some(compiled) = self.compiled.get(&id) else {
            return Err(invalid(
                path,
                "segment",
                format!("segment {id} does not exist"),
            ));
        };
        let (height, name, condition) = (
            compiled.height,
            compiled.name.clone(),
            compiled.condition.clone(),
        );
        if self.depth() + 1 + height > MAX_REFERENCE_DEPTH {
            return Err(self.too_deep(id, &name));
        }
        // The root frame is always open.
        if let Some(frame) = self.open.last_mut() {
            if frame.deepest.is_none() || 1 + height > frame.height {
                frame.height = 1 + height;
                frame.deepest = Some(id);
            }
        }
        Ok(Condition::Segment {
            id,
            name,
            condition,
            nested: height > 0,
            negate,
        })
    }

    /// A hierarchy rule, compiled as the membership rules it stands for
    /// (see [`super::hierarchies`]). A segment of the hierarchy that tests
    /// the hierarchy, itself or through other segments, is a cycle.
    fn hierarchy(&mut self, rule: &Rule, path: &str) -> Result<Condition> {
        let read = super::hierarchies::read_rule(self.conn, rule, path)?;
        let inside = self.open.iter().find_map(|frame| {
            frame
                .segment
                .as_ref()
                .filter(|(id, _)| read.hierarchy.segments.iter().any(|s| s.id == *id))
        });
        if let Some((id, name)) = inside {
            return Err(Error::SegmentReferences {
                path: path.to_owned(),
                message: format!(
                    "segment {id} (“{name}”) is in hierarchy “{}” and cannot test it (directly or through other segments): a lead's primary segment would depend on itself",
                    read.hierarchy.name
                ),
            });
        }
        let expansion = read.expansion()?;
        self.group(&expansion, path)
    }

    /// Compiles saved segment `id`, referred to at `path`, into `compiled`.
    fn compile_saved(&mut self, id: i64, path: &str) -> Result<()> {
        let saved = segment_table::name_and_rules_on(self.conn, id)?;
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
        let site = format!("{path}→segment {id}");
        let group = RuleGroup::from_json(&rules_json).map_err(|e| rebase_path(e, &site))?;
        self.open.push(Frame {
            segment: Some((id, name.clone())),
            site: path.to_owned(),
            height: 0,
            deepest: None,
        });
        let condition = self.group(&group, &site).map_err(|e| match e {
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
        let (height, deepest) = self
            .open
            .pop()
            .map_or((0, None), |frame| (frame.height, frame.deepest));
        self.compiled.insert(
            id,
            CompiledSegment {
                condition: Arc::new(condition?),
                height,
                deepest,
                name,
            },
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::condition::TextTest;
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

    /// The path and field of an `InvalidRule` error, or a panic naming it.
    fn rule_error(result: Result<Condition>) -> (String, Option<String>) {
        match result {
            Err(Error::InvalidRule { path, field, .. }) => (path, field),
            other => panic!("expected an invalid rule, got {other:?}"),
        }
    }

    #[test]
    fn error_paths_follow_nested_groups() {
        let workspace = Workspace::in_memory().unwrap();
        let ok = r#"{"field":"country","operator":"=","value":"Germany"}"#;
        let bad = r#"{"field":"employees","operator":">","value":"lots"}"#;
        let json = format!(
            r#"{{"combinator":"and","rules":[{ok},{{"combinator":"or","rules":[{ok},{{"combinator":"and","not":true,"rules":[{ok},{ok},{bad}]}}]}}]}}"#
        );
        let (path, field) = rule_error(compile_text(&workspace, &json));
        assert_eq!(path, "root.rules[1].rules[1].rules[2]");
        assert_eq!(field.as_deref(), Some("employees"));

        let json = format!(
            r#"{{"combinator":"or","rules":[{{"combinator":"and","rules":[{bad}]}},{ok}]}}"#
        );
        let (path, _) = rule_error(compile_text(&workspace, &json));
        assert_eq!(path, "root.rules[0].rules[0]");

        let unknown_operator = format!(
            r#"{{"combinator":"and","rules":[{ok},{{"combinator":"and","rules":[{{"field":"event","operator":"did","value":{{"type":"x"}}}}]}}]}}"#
        );
        let (path, field) = rule_error(compile_text(&workspace, &unknown_operator));
        assert_eq!(path, "root.rules[1].rules[0]");
        assert_eq!(field.as_deref(), Some("event"));
    }

    #[test]
    fn error_paths_go_through_saved_segments_and_property_filters() {
        let workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO segments (id, name, rules) VALUES (1000, 'Broken', ?1)",
                [r#"{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"shoe_size","operator":"=","value":"9"}]}]}"#],
            )
            .unwrap();
        let (path, field) = rule_error(compile_text(
            &workspace,
            r#"{"combinator":"and","rules":[{"combinator":"and","rules":[{"field":"segment","operator":"in","value":1000}]}]}"#,
        ));
        assert_eq!(
            path,
            "root.rules[0].rules[0]→segment 1000.rules[0].rules[0]"
        );
        assert_eq!(field.as_deref(), Some("shoe_size"));

        let (path, field) = rule_error(compile_text(
            &workspace,
            r#"{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"event","operator":"performed","value":{"type":"download","where":{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"url","operator":"=","value":"/a"},{"field":"url","operator":"inLast","value":"x"}]}]}}}]}]}"#,
        ));
        assert_eq!(path, "root.rules[0].rules[0].value.where.rules[0].rules[1]");
        assert_eq!(field.as_deref(), Some("url"));

        let (path, field) = rule_error(compile_text(
            &workspace,
            r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"x"},{"field":"segment","operator":"notIn","value":99}]}"#,
        ));
        assert_eq!(path, "root.rules[1]");
        assert_eq!(field.as_deref(), Some("segment"));
    }
}
