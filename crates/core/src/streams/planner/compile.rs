//! Turning streams into what the walk runs: nodes with their outgoing edges
//! by handle, compiled rules, active dates within the horizon, and the
//! streams that leads are moved into.

use std::collections::HashMap;

use super::report::SkippedStream;
use super::{DAY, NEVER};
use crate::segments::engine::CompiledRule;
use crate::segments::{self, values, RuleGroup, RuleNode};
use crate::streams::handles::NodeHandle;
use crate::streams::limits;
use crate::streams::model::{self, Engagement, NodeAction, Stream};
use crate::{Error, Result, Workspace};

/// A compiled node, with its outgoing edges by handle.
pub(super) struct CompiledNode {
    pub id: String,
    pub action: NodeAction,
    /// (handle, target node index, edge index)
    pub next: Vec<(Option<NodeHandle>, usize, usize)>,
    /// For branches: the rule.
    pub condition: Option<CompiledRule>,
    /// For update-field steps: the key and stored value.
    pub update: Option<(String, rusqlite::types::Value)>,
    /// A hash of the node id, mixed into per-lead random draws.
    pub salt: u64,
    /// Does the branch rule look at behaviour (which the future may change)?
    pub behavioural: bool,
    /// For branches: each top-level condition in words and compiled on its
    /// own, so a journey can say which matched.
    pub parts: Vec<(String, CompiledRule)>,
    /// For branches testing this stream's own email: the Send step's index.
    pub email_node: Option<(usize, Engagement)>,
}

/// A top-level condition of a branch in words: "Persona is Executive
/// decision maker", "Performed download at least 2 times …".
fn describe_condition(node: &RuleNode, catalogue: &[crate::fields::Field]) -> String {
    match node {
        RuleNode::Group(group) => {
            let joiner = match group.combinator {
                segments::Combinator::And => " and ",
                segments::Combinator::Or => " or ",
            };
            let inner: Vec<String> = group
                .rules
                .iter()
                .map(|child| describe_condition(child, catalogue))
                .collect();
            let not = if group.not { "not " } else { "" };
            format!("{not}({})", inner.join(joiner))
        }
        RuleNode::Rule(rule) => match rule.field.as_str() {
            "event" => segments::describe_behaviour(&rule.operator, &rule.value),
            "segment" => {
                let verb = if rule.operator == "notIn" {
                    "Is not in"
                } else {
                    "Is in"
                };
                format!("{verb} segment #{}", rule.value)
            }
            key => {
                let label = catalogue
                    .iter()
                    .find(|f| f.key == key)
                    .map_or(key, |f| f.label.as_str());
                format!(
                    "{label} {}",
                    segments::describe_operator(&rule.operator, &rule.value)
                )
            }
        },
    }
}

/// Each top-level condition of a branch's rules, described and compiled.
fn branch_parts(
    conn: &rusqlite::Connection,
    rules: &RuleGroup,
    catalogue: &[crate::fields::Field],
) -> Result<Vec<(String, CompiledRule)>> {
    rules
        .rules
        .iter()
        .map(|child| {
            let alone = RuleGroup {
                id: None,
                combinator: segments::Combinator::And,
                not: false,
                rules: vec![child.clone()],
            };
            Ok((
                describe_condition(child, catalogue),
                CompiledRule::compile(conn, &alone)?,
            ))
        })
        .collect()
}

/// A stream ready to walk.
pub(super) struct CompiledStream {
    pub stream: Stream,
    pub nodes: Vec<CompiledNode>,
    /// The index of the entry node.
    pub entry: usize,
    /// Membership of any of the entry segments.
    pub eligibility: CompiledRule,
    pub goal: Option<CompiledRule>,
    pub active_from: i64,
    pub active_until: i64,
}

fn has_behaviour(group: &RuleGroup) -> bool {
    group.rules.iter().any(|node| match node {
        segments::RuleNode::Group(inner) => has_behaviour(inner),
        segments::RuleNode::Rule(rule) => rule.field == "event" || rule.field == "segment",
    })
}

/// Compiles a stream for the planner, or lists the problems (as the
/// designer marks them) that keep it from being planned.
fn compile_stream(
    workspace: &Workspace,
    stream: &Stream,
    horizon: (i64, i64),
) -> Result<std::result::Result<CompiledStream, Vec<String>>> {
    let conn = workspace.conn();
    let problems = model::problems(workspace, stream)?;
    if !problems.is_empty() {
        return Ok(Err(problems.iter().map(|p| p.to_string()).collect()));
    }
    let definition = &stream.definition;
    let index_of: HashMap<&str, usize> = definition
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let catalogue = crate::fields::list(conn)?;
    let mut nodes = Vec::with_capacity(definition.nodes.len());
    for node in &definition.nodes {
        let next = definition
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.source == node.id)
            .map(|(edge_index, e)| (e.node_handle(), index_of[e.target.as_str()], edge_index))
            .collect();
        let (condition, behavioural) = match &node.action {
            NodeAction::Branch { rules, .. } => (
                Some(CompiledRule::compile(conn, rules)?),
                has_behaviour(rules),
            ),
            _ => (None, false),
        };
        let email_node = match &node.action {
            NodeAction::Branch {
                email: Some(email), ..
            } => index_of
                .get(email.send_node.as_str())
                .map(|&i| (i, email.engagement)),
            _ => None,
        };
        let parts = match &node.action {
            NodeAction::Branch { rules, .. } => branch_parts(conn, rules, &catalogue)?,
            _ => Vec::new(),
        };
        let update = match &node.action {
            NodeAction::UpdateField { field, value } => {
                let field_type = catalogue
                    .iter()
                    .find(|f| &f.key == field)
                    .map(|f| f.field_type)
                    .ok_or_else(|| Error::UnknownField { key: field.clone() })?;
                let stored =
                    model::field_value(field_type, value).map_err(Error::InvalidArgument)?;
                Some((field.clone(), stored))
            }
            _ => None,
        };
        nodes.push(CompiledNode {
            id: node.id.clone(),
            action: node.action.clone(),
            next,
            condition,
            update,
            salt: node.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            }),
            behavioural,
            parts,
            email_node,
        });
    }
    // problems() has checked that there is one.
    let Some(entry) = definition
        .nodes
        .iter()
        .position(|n| n.action == NodeAction::Entry)
    else {
        return Ok(Err(vec!["it has no entry step".to_owned()]));
    };
    let membership = RuleGroup::from_value(&serde_json::json!({
        "combinator": "or",
        "rules": definition.entry_segments.iter()
            .map(|id| serde_json::json!({"field": "segment", "operator": "in", "value": id}))
            .collect::<Vec<_>>(),
    }))?;
    let date = |text: &Option<String>, end_of_day: bool, fallback: i64| {
        text.as_deref()
            .and_then(values::parse_instant)
            .map(|at| {
                if end_of_day {
                    at.saturating_add(DAY - 1)
                } else {
                    at
                }
            })
            .unwrap_or(fallback)
    };
    Ok(Ok(CompiledStream {
        stream: stream.clone(),
        entry,
        eligibility: CompiledRule::compile(conn, &membership)?,
        goal: definition
            .exit_goal
            .as_ref()
            .map(|g| CompiledRule::compile(conn, g))
            .transpose()?,
        active_from: date(&definition.active_from, false, horizon.0).max(horizon.0),
        active_until: date(&definition.active_until, true, horizon.1).min(horizon.1),
        nodes,
    }))
}

/// The stream ids a stream moves leads into.
fn move_targets(stream: &Stream) -> impl Iterator<Item = i64> + '_ {
    stream
        .definition
        .nodes
        .iter()
        .filter_map(|node| match node.action {
            NodeAction::MoveToStream { stream_id } => Some(stream_id),
            _ => None,
        })
}

/// Compiles the streams asked for and those they move leads into (which
/// nobody enters directly). A stream that cannot be planned (a missing
/// segment, say, in a workspace edited by an older version or by hand) is
/// left out and reported, with every stream that moves leads into it; the
/// others are planned. Only when none of the streams asked for can be
/// planned is that an error.
pub(super) fn compile_streams(
    workspace: &Workspace,
    requested: &[Stream],
    horizon: (i64, i64),
) -> Result<(Vec<CompiledStream>, Vec<SkippedStream>)> {
    let saved = model::list(workspace)?;
    let mut candidates: Vec<Stream> = requested.to_vec();
    let mut next = 0;
    while next < candidates.len() {
        let targets: Vec<i64> = move_targets(&candidates[next]).collect();
        for id in targets {
            if !candidates.iter().any(|s| s.id == id) {
                // A missing target is one of the mover's problems.
                if let Some(target) = saved.iter().find(|s| s.id == id) {
                    candidates.push(target.clone());
                }
            }
        }
        next += 1;
    }
    let mut compiled = Vec::with_capacity(candidates.len());
    for stream in &candidates {
        compiled.push(compile_stream(workspace, stream, horizon)?);
    }
    // A stream moving leads into one that cannot be planned cannot be either.
    loop {
        let mut changed = false;
        for i in 0..candidates.len() {
            if compiled[i].is_err() {
                continue;
            }
            let broken_target = move_targets(&candidates[i]).find_map(|id| {
                let target = candidates.iter().position(|s| s.id == id)?;
                compiled[target]
                    .as_ref()
                    .err()
                    .map(|problems| (target, problems.join("; ")))
            });
            if let Some((target, problems)) = broken_target {
                compiled[i] = Err(vec![format!(
                    "it moves leads into “{}”, which cannot be planned: {problems}",
                    candidates[target].name
                )]);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut streams = Vec::new();
    let mut skipped = Vec::new();
    for (i, (stream, result)) in candidates.iter().zip(compiled).enumerate() {
        match result {
            Ok(mut ready) => {
                if i >= requested.len() {
                    ready.active_from = NEVER; // nobody enters it directly
                }
                streams.push(ready);
            }
            Err(problems) if i < requested.len() => skipped.push(SkippedStream {
                stream_id: stream.id,
                name: stream.name.clone(),
                problems,
            }),
            Err(_) => {} // reported through the streams moving leads into it
        }
    }
    if !requested.is_empty() && skipped.len() == requested.len() {
        let why = |s: &SkippedStream| {
            format!("“{}” cannot be planned: {}", s.name, s.problems.join("; "))
        };
        let list: Vec<String> = skipped.iter().map(why).collect();
        return Err(Error::InvalidArgument(match list.as_slice() {
            [only] => format!("stream {only}"),
            all => format!("no stream can be planned: {}", all.join(" — ")),
        }));
    }
    if streams.len() > usize::from(u16::MAX) {
        return Err(limits::out_of_range(
            "the number of streams in one plan",
            "at most 65,535",
            limits::grouped(streams.len() as i64),
        ));
    }
    Ok((streams, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviour_is_found_in_nested_groups() {
        let plain = RuleGroup::from_value(&serde_json::json!({
            "combinator": "and",
            "rules": [{"field": "country", "operator": "=", "value": "Germany"}]
        }))
        .unwrap();
        assert!(!has_behaviour(&plain));
        let nested = RuleGroup::from_value(&serde_json::json!({
            "combinator": "and",
            "rules": [
                {"field": "country", "operator": "=", "value": "Germany"},
                {"combinator": "or", "rules": [
                    {"field": "segment", "operator": "in", "value": 1}
                ]}
            ]
        }))
        .unwrap();
        assert!(has_behaviour(&nested));
    }
}
