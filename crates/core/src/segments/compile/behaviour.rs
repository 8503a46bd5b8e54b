//! Behaviour rules: the `event` value (type, counts, span) and the `where`
//! group over event properties, compiled with errors that name the path.

use serde_json::Value;

use super::condition::{Behaviour, PropertyCondition};
use super::value_tests::{count_value, property_test, span_value};
use super::{invalid, rebase_path};
use crate::segments::rules::{Combinator, RuleGroup, RuleNode};
use crate::text::fold_key;
use crate::Result;

/// The behaviour a rule's value describes; `path` locates the rule.
pub(super) fn behaviour_value(value: &Value, path: &str) -> Result<Behaviour> {
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
            let group = RuleGroup::from_value(group).map_err(|e| rebase_path(e, &where_path))?;
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
        any: group.combinator == Combinator::Or,
        negate: group.not,
        children,
    })
}
