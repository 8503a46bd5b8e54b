//! Stream validation: the problems the designer marks on a stream and its
//! nodes, one named check each — the stream's settings (entry segments,
//! priority, re-entry, size, exit goal, active dates), its structure (one
//! entry, unique ids, connections, paths, reachability, loops without a wait)
//! and each step's settings and references (content, fields, streams, rules).

use std::collections::{HashMap, HashSet, VecDeque};

use super::content::{self, Audience, ContentItem};
use super::handles::{self, NodeHandle};
use super::limits;
use super::model::{
    self, NodeAction, Reentry, Stream, StreamDefinition, StreamEdge, StreamNode, StreamProblem,
    WaitCondition, WaitUnit,
};
use crate::fields::{self, Field};
use crate::segments::{self, saved};
use crate::{Result, Workspace};

/// Everything the designer marks: structure (one entry, reachability, dead
/// ends, missing paths, loops without a wait), splits that do not sum to
/// 100, and references (segments, content, fields, streams, rules).
pub fn problems(workspace: &Workspace, stream: &Stream) -> Result<Vec<StreamProblem>> {
    let subject = Subject::load(workspace, stream)?;
    let stream_checks: [StreamCheck; 9] = [
        entry_segments,
        priority,
        reentry,
        step_count,
        exit_goal,
        active_dates,
        single_entry,
        unique_node_ids,
        dangling_connections,
    ];
    let node_checks: [NodeCheck; 2] = [missing_paths, step_settings];
    let structure_checks: [StreamCheck; 2] = [unreachable_nodes, loops_without_wait];

    let mut found: Vec<StreamProblem> = stream_checks
        .iter()
        .flat_map(|check| check(&subject))
        .collect();
    for node in &stream.definition.nodes {
        found.extend(node_checks.iter().flat_map(|check| check(&subject, node)));
    }
    found.extend(structure_checks.iter().flat_map(|check| check(&subject)));
    Ok(found)
}

/// A check of the stream as a whole.
type StreamCheck = fn(&Subject<'_>) -> Vec<StreamProblem>;
/// A check of one node.
type NodeCheck = fn(&Subject<'_>, &StreamNode) -> Vec<StreamProblem>;

/// The stream under validation and what the checks look up: its graph and
/// audience, the content library and the field catalogue.
struct Subject<'a> {
    workspace: &'a Workspace,
    stream: &'a Stream,
    /// Edges by source node, for edges whose both ends exist.
    outgoing: HashMap<&'a str, Vec<&'a StreamEdge>>,
    audience: Audience,
    library: HashMap<i64, ContentItem>,
    catalogue: Vec<Field>,
}

impl<'a> Subject<'a> {
    fn load(workspace: &'a Workspace, stream: &'a Stream) -> Result<Subject<'a>> {
        let conn = workspace.conn();
        let definition = &stream.definition;
        let mut outgoing: HashMap<&str, Vec<&StreamEdge>> = HashMap::new();
        for edge in &definition.edges {
            if joins_existing_nodes(definition, edge) {
                outgoing.entry(edge.source.as_str()).or_default().push(edge);
            }
        }
        Ok(Subject {
            workspace,
            stream,
            outgoing,
            audience: model::audience(workspace, definition)?,
            library: content::list(workspace)?
                .into_iter()
                .map(|item| (item.id, item))
                .collect(),
            catalogue: fields::list(conn)?,
        })
    }

    fn definition(&self) -> &'a StreamDefinition {
        &self.stream.definition
    }

    fn edges_from(&self, node: &str) -> &[&'a StreamEdge] {
        self.outgoing.get(node).map(Vec::as_slice).unwrap_or(&[])
    }

    fn targets_of<'s>(&'s self, node: &str) -> impl Iterator<Item = &'a str> + 's {
        self.edges_from(node)
            .iter()
            .map(|edge| edge.target.as_str())
    }
}

fn joins_existing_nodes(definition: &StreamDefinition, edge: &StreamEdge) -> bool {
    definition.node(&edge.source).is_some() && definition.node(&edge.target).is_some()
}

/// A problem with the stream as a whole.
fn on_stream(message: impl Into<String>) -> StreamProblem {
    StreamProblem {
        node_id: None,
        message: message.into(),
    }
}

/// A problem marked on a node.
fn on_node(node: &str, message: impl Into<String>) -> StreamProblem {
    StreamProblem {
        node_id: Some(node.to_owned()),
        message: message.into(),
    }
}

/// At least one entry segment, each still existing with rules that check.
/// Saving a segment checks its rules; a workspace edited by an older version
/// or by hand can still lose a segment they use.
fn entry_segments(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let ids = &subject.definition().entry_segments;
    let mut found = Vec::new();
    if ids.is_empty() {
        found.push(on_stream("choose at least one entry segment"));
    }
    for id in ids {
        match saved::get(subject.workspace, *id) {
            Ok(segment) => {
                if let Err(e) = segments::validate(subject.workspace, &segment.rules) {
                    found.push(on_stream(format!(
                        "entry segment “{}” (#{id}): {e}",
                        segment.name
                    )));
                }
            }
            Err(_) => found.push(on_stream(format!("entry segment #{id} no longer exists"))),
        }
    }
    found
}

/// The priority within [`limits::PRIORITY`].
fn priority(subject: &Subject<'_>) -> Vec<StreamProblem> {
    limits::check(
        "the priority",
        subject.stream.priority,
        &limits::PRIORITY,
        "",
    )
    .err()
    .map(|e| on_stream(e.to_string()))
    .into_iter()
    .collect()
}

/// Re-entry after [`limits::REENTRY_DAYS`].
fn reentry(subject: &Subject<'_>) -> Vec<StreamProblem> {
    match subject.definition().reentry {
        Reentry::AfterDays { days } if !limits::REENTRY_DAYS.contains(&days) => {
            let allowed = format!("after {} days", limits::range_text(&limits::REENTRY_DAYS));
            let e = limits::out_of_range("re-entry", allowed, limits::grouped(days));
            vec![on_stream(e.to_string())]
        }
        _ => Vec::new(),
    }
}

/// At most [`limits::MAX_NODES`] steps.
fn step_count(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let count = subject.definition().nodes.len();
    if count <= limits::MAX_NODES {
        return Vec::new();
    }
    let e = limits::out_of_range(
        "the number of steps",
        format!("at most {}", limits::grouped(limits::MAX_NODES as i64)),
        limits::grouped(count as i64),
    );
    vec![on_stream(e.to_string())]
}

/// An exit goal, if any, whose rules check.
fn exit_goal(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let Some(goal) = &subject.definition().exit_goal else {
        return Vec::new();
    };
    match segments::validate(subject.workspace, goal) {
        Ok(_) => Vec::new(),
        Err(e) => vec![on_stream(format!("exit goal: {e}"))],
    }
}

/// Active dates that are dates in the planner's range, the start not after
/// the end.
fn active_dates(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let definition = subject.definition();
    let mut found = Vec::new();
    let mut parsed = [None, None];
    for (slot, name, date) in [
        (0, "start", &definition.active_from),
        (1, "end", &definition.active_until),
    ] {
        let Some(date) = date else { continue };
        match segments::values::parse_instant(date) {
            Some(at) if limits::instant_in_range(at) => parsed[slot] = Some(at),
            _ => found.push(on_stream(
                limits::out_of_range(
                    &format!("the {name} date"),
                    format!("{} (YYYY-MM-DD)", limits::dates_text()),
                    format!("`{date}`"),
                )
                .to_string(),
            )),
        }
    }
    if let [Some(from), Some(until)] = parsed {
        if from > until {
            found.push(on_stream("the start date is after the end date"));
        }
    }
    found
}

/// Exactly one Entry node.
fn single_entry(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let entries = entries(subject.definition()).count();
    if entries == 1 {
        return Vec::new();
    }
    vec![on_stream(format!(
        "a stream needs exactly one Entry node, found {entries}"
    ))]
}

fn entries(definition: &StreamDefinition) -> impl Iterator<Item = &StreamNode> {
    definition
        .nodes
        .iter()
        .filter(|node| node.action == NodeAction::Entry)
}

/// No two nodes with the same id (marked on the second).
fn unique_node_ids(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let mut ids = HashSet::new();
    subject
        .definition()
        .nodes
        .iter()
        .filter(|node| !ids.insert(node.id.as_str()))
        .map(|node| on_node(&node.id, "two nodes have this id"))
        .collect()
}

/// Every connection joins two existing nodes.
fn dangling_connections(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let definition = subject.definition();
    definition
        .edges
        .iter()
        .filter(|edge| !joins_existing_nodes(definition, edge))
        .map(|edge| {
            on_stream(format!(
                "connection {} joins a node that does not exist",
                edge.id
            ))
        })
        .collect()
}

/// Every output of a node connected (a single output by any edge), and no
/// connection out of an Exit.
fn missing_paths(subject: &Subject<'_>, node: &StreamNode) -> Vec<StreamProblem> {
    let edges = subject.edges_from(&node.id);
    let outputs = handles::outputs(&node.action);
    let mut found = Vec::new();
    if outputs.is_empty() && !edges.is_empty() && node.action == NodeAction::Exit {
        found.push(on_node(
            &node.id,
            "Exit ends the stream; remove its outgoing connection",
        ));
    }
    let single = outputs.len() == 1;
    for output in &outputs {
        let connected = match output {
            None => edges.iter().any(|edge| single || edge.handle.is_none()),
            Some(handle) => edges.iter().any(|edge| handle.is_used_by(edge)),
        };
        if !connected {
            found.push(on_node(
                &node.id,
                missing_path_message(*output, &node.action),
            ));
        }
    }
    found
}

fn missing_path_message(output: Option<NodeHandle>, action: &NodeAction) -> String {
    match (output, action) {
        (None, NodeAction::Entry) => "Entry leads nowhere: connect it to the first step".to_owned(),
        (None, action) => format!(
            "{} is a dead end: connect it to a next step or an Exit",
            model::label(action)
        ),
        (Some(handle), action) => format!("{} has no “{handle}” path", model::label(action)),
    }
}

/// The settings and references of one step, by its kind.
fn step_settings(subject: &Subject<'_>, node: &StreamNode) -> Vec<StreamProblem> {
    let messages = match &node.action {
        NodeAction::Send { content_id } => sent_content(subject, *content_id),
        NodeAction::Wait { amount, unit } => wait_length(*amount, *unit),
        NodeAction::WaitUntil { until } => wait_condition(until),
        NodeAction::Branch { rules, rate, email } => {
            let mut found = branch(subject, rules, *rate);
            found.extend(email.as_ref().and_then(|e| email_test(subject, rules, e)));
            found
        }
        NodeAction::Split { percentages } => split(percentages),
        NodeAction::UpdateField { field, value } => field_update(subject, field, value),
        NodeAction::MoveToStream { stream_id } => stream_move(subject, *stream_id),
        NodeAction::Entry | NodeAction::Exit => Vec::new(),
    };
    messages
        .into_iter()
        .map(|message| on_node(&node.id, message))
        .collect()
}

/// A sent content item exists and suits the stream's audience.
fn sent_content(subject: &Subject<'_>, content_id: i64) -> Vec<String> {
    let audience = &subject.audience;
    match subject.library.get(&content_id) {
        None => vec![format!("content item {content_id} does not exist")],
        Some(item) if !audience.suits(item) => {
            let wanted: Vec<String> = audience
                .stages
                .iter()
                .chain(audience.personas.iter())
                .cloned()
                .chain(audience.lifecycles.iter().map(fields::enum_text))
                .collect();
            vec![format!(
                "“{}” does not suit this stream's audience ({})",
                item.title,
                wanted.join(", ")
            )]
        }
        Some(_) => Vec::new(),
    }
}

/// A wait of 1 hour to [`limits::MAX_WAIT_DAYS`].
fn wait_length(amount: u32, unit: WaitUnit) -> Vec<String> {
    let longest = i64::from(limits::MAX_WAIT_DAYS) * WaitUnit::Days.seconds();
    let seconds = i64::from(amount).saturating_mul(unit.seconds());
    if amount != 0 && seconds <= longest {
        return Vec::new();
    }
    let e = limits::out_of_range(
        "the wait",
        format!(
            "1 hour to {} days ({} weeks)",
            limits::MAX_WAIT_DAYS,
            limits::MAX_WAIT_DAYS / 7
        ),
        format!(
            "{} {}",
            limits::grouped(i64::from(amount)),
            fields::enum_text(&unit)
        ),
    );
    vec![e.to_string()]
}

/// A "wait until": a valid time window, or an event type with a timeout of
/// 1 to [`limits::MAX_WAIT_DAYS`] days and a valid assumed rate.
fn wait_condition(until: &WaitCondition) -> Vec<String> {
    match until {
        WaitCondition::Window {
            weekdays,
            from_hour,
            to_hour,
        } => super::planner::check_window("the time window", weekdays, *from_hour, *to_hour)
            .err()
            .map(|e| e.to_string())
            .into_iter()
            .collect(),
        WaitCondition::Event {
            event_type,
            timeout_days,
            rate,
        } => {
            let mut found = Vec::new();
            if event_type.trim().is_empty() {
                found.push("choose the event type to wait for".to_owned());
            }
            let timeout_range = 1..=limits::MAX_WAIT_DAYS;
            if let Err(e) = limits::check("the timeout", *timeout_days, &timeout_range, " days") {
                found.push(e.to_string());
            }
            found.extend(rate_problem(rate));
            found
        }
    }
}

/// A branch's rules check and its assumed rate is valid.
fn branch(subject: &Subject<'_>, rules: &segments::RuleGroup, rate: Option<f64>) -> Vec<String> {
    let mut found = Vec::new();
    if let Err(e) = segments::validate(subject.workspace, rules) {
        found.push(format!("branch rule: {e}"));
    }
    found.extend(rate_problem(&rate));
    found
}

/// A branch testing an email must name a Send step of this stream, and test
/// nothing else.
fn email_test(
    subject: &Subject<'_>,
    rules: &segments::RuleGroup,
    email: &super::model::EmailEngagement,
) -> Option<String> {
    let step = subject
        .definition()
        .nodes
        .iter()
        .find(|n| n.id == email.send_node);
    match step {
        None => Some(format!(
            "tests the email of step {}, which is not in this stream: choose one of its Send steps",
            email.send_node
        )),
        Some(n) if !matches!(n.action, NodeAction::Send { .. }) => Some(format!(
            "tests the email of step {}, which sends nothing: choose a Send step",
            n.id
        )),
        Some(_) if !rules.rules.is_empty() => Some(
            "tests both rules and an email: keep one (a branch after another branch can test the other)"
                .into(),
        ),
        Some(_) => None,
    }
}

/// What is wrong with an assumed engagement rate, if anything.
fn rate_problem(rate: &Option<f64>) -> Option<String> {
    let rate = (*rate)?;
    if limits::RATE.contains(&rate) {
        return None;
    }
    Some(
        limits::out_of_range(
            "the assumed rate",
            format!("{} to {}", limits::RATE.start(), limits::RATE.end()),
            rate,
        )
        .to_string(),
    )
}

/// Split percentages each 0–100, [`limits::SPLIT_PATHS`] of them, summing
/// to 100.
fn split(percentages: &[u32]) -> Vec<String> {
    let paths = &limits::SPLIT_PATHS;
    let sum: u64 = percentages.iter().map(|&p| u64::from(p)).sum();
    let problem = if let Some(&wild) = percentages
        .iter()
        .find(|p| !limits::SPLIT_PERCENT.contains(p))
    {
        limits::out_of_range(
            "each split percentage",
            limits::range_text(&limits::SPLIT_PERCENT),
            limits::grouped(wild),
        )
        .to_string()
    } else if percentages.len() > *paths.end() {
        limits::out_of_range(
            "a split",
            format!("{} to {} paths", paths.start(), paths.end()),
            format!("{} paths", percentages.len()),
        )
        .to_string()
    } else if percentages.len() < *paths.start() || sum != 100 {
        format!("split percentages must be two or more and sum to 100 (they sum to {sum})")
    } else {
        return Vec::new();
    };
    vec![problem]
}

/// An updated field exists and the value suits its type.
fn field_update(subject: &Subject<'_>, field: &str, value: &serde_json::Value) -> Vec<String> {
    match subject.catalogue.iter().find(|f| f.key == field) {
        None => vec![format!("field `{field}` does not exist")],
        Some(f) if f.is_computed => vec![format!(
            "“{}” (`{field}`) is computed by the active scoring model: a stream cannot set it",
            f.label
        )],
        Some(f) => model::field_value(f.field_type, value)
            .err()
            .into_iter()
            .collect(),
    }
}

/// A "move to stream" names another stream that exists.
fn stream_move(subject: &Subject<'_>, stream_id: i64) -> Vec<String> {
    if stream_id == subject.stream.id {
        vec!["a stream cannot move leads into itself".to_owned()]
    } else if model::get(subject.workspace, stream_id).is_err() {
        vec![format!("stream {stream_id} does not exist")]
    } else {
        Vec::new()
    }
}

/// Every node reachable from the (first) Entry.
fn unreachable_nodes(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let definition = subject.definition();
    let Some(entry) = entries(definition).next() else {
        return Vec::new();
    };
    let mut seen: HashSet<&str> = HashSet::from([entry.id.as_str()]);
    let mut queue = VecDeque::from([entry.id.as_str()]);
    while let Some(current) = queue.pop_front() {
        for target in subject.targets_of(current) {
            if seen.insert(target) {
                queue.push_back(target);
            }
        }
    }
    definition
        .nodes
        .iter()
        .filter(|node| !seen.contains(node.id.as_str()))
        .map(|node| on_node(&node.id, "unreachable: no path from Entry leads here"))
        .collect()
}

/// No cycle that passes through no wait step (marked on each node of it).
fn loops_without_wait(subject: &Subject<'_>) -> Vec<StreamProblem> {
    let definition = subject.definition();
    let waits: HashSet<&str> = definition
        .nodes
        .iter()
        .filter(|node| model::is_wait(&node.action))
        .map(|node| node.id.as_str())
        .collect();
    definition
        .nodes
        .iter()
        .filter(|node| !waits.contains(node.id.as_str()))
        .filter(|node| returns_without_wait(subject, &waits, &node.id))
        .map(|node| {
            on_node(
                &node.id,
                "this loop has no Wait: leads would go round it endlessly",
            )
        })
        .collect()
}

/// Can a lead get from `start` back to `start` without passing a wait?
fn returns_without_wait(subject: &Subject<'_>, waits: &HashSet<&str>, start: &str) -> bool {
    let mut seen = HashSet::new();
    let mut stack: Vec<&str> = subject.targets_of(start).collect();
    while let Some(current) = stack.pop() {
        if current == start {
            return true;
        }
        if waits.contains(current) || !seen.insert(current) {
            continue;
        }
        stack.extend(subject.targets_of(current));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::RuleGroup;
    use crate::streams::templates::{demo_library, stream_templates};

    fn workspace_with_library() -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        demo_library(&mut workspace).unwrap();
        workspace
    }

    fn node(id: &str, action: NodeAction) -> StreamNode {
        StreamNode {
            id: id.into(),
            action,
            x: 0.0,
            y: 0.0,
        }
    }

    fn edge(source: &str, target: &str, handle: Option<&str>) -> StreamEdge {
        StreamEdge {
            id: format!("{source}-{target}"),
            source: source.into(),
            target: target.into(),
            handle: handle.map(str::to_owned),
        }
    }

    /// The demo library's item for everyone (no tags).
    fn untagged_item(workspace: &Workspace) -> i64 {
        content::list(workspace)
            .unwrap()
            .into_iter()
            .find(|item| item.title == "Monthly newsletter")
            .unwrap()
            .id
    }

    /// entry → send (an untagged item) → exit, entering from segment 1.
    fn clean_stream(workspace: &Workspace) -> Stream {
        let item = untagged_item(workspace);
        Stream {
            id: 99,
            name: "t".into(),
            priority: 1,
            is_active: false,
            definition: StreamDefinition {
                entry_segments: vec![1],
                reentry: Reentry::Once,
                exit_goal: None,
                active_from: None,
                active_until: None,
                nodes: vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                edges: vec![edge("entry", "send", None), edge("send", "exit", None)],
            },
        }
    }

    /// Runs one stream check on `stream`, returning its messages.
    fn run(check: StreamCheck, workspace: &Workspace, stream: &Stream) -> Vec<String> {
        let subject = Subject::load(workspace, stream).unwrap();
        check(&subject).iter().map(|p| p.to_string()).collect()
    }

    /// Runs one node check on the node `id` of `stream`.
    fn run_on(check: NodeCheck, workspace: &Workspace, stream: &Stream, id: &str) -> Vec<String> {
        let subject = Subject::load(workspace, stream).unwrap();
        let node = stream.definition.node(id).unwrap();
        check(&subject, node)
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_clean_stream_has_no_problems() {
        let workspace = workspace_with_library();
        let stream = clean_stream(&workspace);
        assert_eq!(problems(&workspace, &stream).unwrap(), Vec::new());
    }

    #[test]
    fn entry_segments_must_be_chosen_and_exist() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        stream.definition.entry_segments = Vec::new();
        assert_eq!(
            run(entry_segments, &workspace, &stream),
            ["choose at least one entry segment"]
        );
        stream.definition.entry_segments = vec![424_242];
        assert_eq!(
            run(entry_segments, &workspace, &stream),
            ["entry segment #424242 no longer exists"]
        );
    }

    #[test]
    fn priority_reentry_and_size_have_ranges() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        assert!(run(priority, &workspace, &stream).is_empty());
        stream.priority = 5_000;
        assert!(run(priority, &workspace, &stream)[0].contains("-1,000 to 1,000"));
        stream.definition.reentry = Reentry::AfterDays { days: 0 };
        assert!(run(reentry, &workspace, &stream)[0].contains("after 1 to 365 days"));
        assert!(run(step_count, &workspace, &stream).is_empty());
        let many = (0..=limits::MAX_NODES).map(|i| node(&format!("n{i}"), NodeAction::Exit));
        stream.definition.nodes.extend(many);
        assert!(run(step_count, &workspace, &stream)[0].contains("at most 1,000"));
    }

    #[test]
    fn the_exit_goal_must_check() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        let bad = serde_json::json!({"combinator": "and", "rules": [
            {"field": "no_such_field", "operator": "=", "value": "x"}]});
        stream.definition.exit_goal = Some(RuleGroup::from_value(&bad).unwrap());
        let found = run(exit_goal, &workspace, &stream);
        assert!(found[0].starts_with("exit goal: "), "{found:?}");
    }

    #[test]
    fn active_dates_are_in_range_and_in_order() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        stream.definition.active_from = Some("2026-05-01".into());
        stream.definition.active_until = Some("2026-04-01".into());
        assert_eq!(
            run(active_dates, &workspace, &stream),
            ["the start date is after the end date"]
        );
        stream.definition.active_until = Some("soon".into());
        assert!(run(active_dates, &workspace, &stream)[0].contains("the end date must be"));
    }

    #[test]
    fn structure_needs_one_entry_unique_ids_and_whole_connections() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        stream
            .definition
            .nodes
            .push(node("entry", NodeAction::Entry));
        stream.definition.edges.push(edge("send", "ghost", None));
        assert_eq!(
            run(single_entry, &workspace, &stream),
            ["a stream needs exactly one Entry node, found 2"]
        );
        assert_eq!(
            run(unique_node_ids, &workspace, &stream),
            ["node entry: two nodes have this id"]
        );
        assert_eq!(
            run(dangling_connections, &workspace, &stream),
            ["connection send-ghost joins a node that does not exist"]
        );
    }

    #[test]
    fn missing_paths_are_marked_on_their_node() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        stream.definition.nodes.push(node(
            "branch",
            NodeAction::Branch {
                rules: RuleGroup::everyone(),
                rate: None,
                email: None,
            },
        ));
        stream.definition.edges = vec![
            edge("send", "branch", None),
            edge("branch", "exit", Some("yes")),
            edge("exit", "send", None),
        ];
        let on = |id| run_on(missing_paths, &workspace, &stream, id);
        assert_eq!(
            on("entry"),
            ["node entry: Entry leads nowhere: connect it to the first step"]
        );
        assert_eq!(on("branch"), ["node branch: Branch has no “no” path"]);
        assert_eq!(
            on("exit"),
            ["node exit: Exit ends the stream; remove its outgoing connection"]
        );
        assert!(on("send").is_empty());
        stream.definition.edges.retain(|e| e.source != "send");
        assert_eq!(
            run_on(missing_paths, &workspace, &stream, "send"),
            ["node send: Send is a dead end: connect it to a next step or an Exit"]
        );
    }

    #[test]
    fn sent_content_must_exist_and_suit_the_audience() {
        let workspace = workspace_with_library();
        let stream = clean_stream(&workspace);
        let subject = Subject::load(&workspace, &stream).unwrap();
        assert_eq!(
            sent_content(&subject, 424_242),
            ["content item 424242 does not exist"]
        );
        assert!(sent_content(&subject, untagged_item(&workspace)).is_empty());
    }

    #[test]
    fn waits_have_a_range() {
        assert!(wait_length(3, WaitUnit::Days).is_empty());
        assert!(wait_length(0, WaitUnit::Hours)[0].contains("1 hour to 365 days"));
        assert!(wait_length(53, WaitUnit::Weeks)[0].contains("53 weeks"));
    }

    #[test]
    fn wait_conditions_check_window_event_timeout_and_rate() {
        let window = WaitCondition::Window {
            weekdays: Vec::new(),
            from_hour: 9,
            to_hour: 17,
        };
        assert!(wait_condition(&window)[0].contains("the time window weekdays"));
        let event = WaitCondition::Event {
            event_type: " ".into(),
            timeout_days: 0,
            rate: Some(2.0),
        };
        let found = wait_condition(&event);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], "choose the event type to wait for");
        assert!(found[1].contains("the timeout must be 1 to 365 days"));
        assert!(found[2].contains("the assumed rate must be 0 to 1"));
    }

    #[test]
    fn branches_check_their_rules_and_rate() {
        let workspace = workspace_with_library();
        let stream = clean_stream(&workspace);
        let subject = Subject::load(&workspace, &stream).unwrap();
        assert!(branch(&subject, &RuleGroup::everyone(), Some(0.5)).is_empty());
        let found = branch(&subject, &RuleGroup::everyone(), Some(-1.0));
        assert!(found[0].contains("the assumed rate"), "{found:?}");
        assert_eq!(rate_problem(&None), None);
        assert!(rate_problem(&Some(f64::NAN)).is_some());
    }

    #[test]
    fn splits_have_percentages_paths_and_a_sum() {
        assert!(split(&[50, 50]).is_empty());
        assert!(split(&[150, 50])[0].contains("each split percentage must be 0 to 100"));
        assert!(split(&[10; 11])[0].contains("2 to 10 paths"));
        assert_eq!(
            split(&[100]),
            ["split percentages must be two or more and sum to 100 (they sum to 100)"]
        );
        assert!(split(&[50, 40])[0].contains("they sum to 90"));
    }

    #[test]
    fn field_updates_name_an_existing_field_and_a_fitting_value() {
        let workspace = workspace_with_library();
        let stream = clean_stream(&workspace);
        let subject = Subject::load(&workspace, &stream).unwrap();
        let value = serde_json::json!("high");
        assert_eq!(
            field_update(&subject, "no_such", &value),
            ["field `no_such` does not exist"]
        );
        assert_eq!(
            field_update(&subject, "score", &value),
            ["`high` is not a number"]
        );
        assert!(field_update(&subject, "score", &serde_json::json!(5)).is_empty());
        assert_eq!(
            field_update(&subject, "score_band", &serde_json::json!("hot")),
            ["“Score band” (`score_band`) is computed by the active scoring model: a stream cannot set it"]
        );
    }

    #[test]
    fn moves_go_to_another_existing_stream() {
        let workspace = workspace_with_library();
        let stream = clean_stream(&workspace);
        let subject = Subject::load(&workspace, &stream).unwrap();
        assert_eq!(
            stream_move(&subject, 99),
            ["a stream cannot move leads into itself"]
        );
        assert_eq!(stream_move(&subject, 7), ["stream 7 does not exist"]);
    }

    #[test]
    fn unreachable_nodes_and_loops_without_a_wait_are_marked() {
        let workspace = workspace_with_library();
        let mut stream = clean_stream(&workspace);
        stream
            .definition
            .nodes
            .push(node("orphan", NodeAction::Exit));
        assert_eq!(
            run(unreachable_nodes, &workspace, &stream),
            ["node orphan: unreachable: no path from Entry leads here"]
        );
        stream.definition.edges.push(edge("exit", "send", None));
        assert_eq!(
            run(loops_without_wait, &workspace, &stream),
            [
                "node send: this loop has no Wait: leads would go round it endlessly",
                "node exit: this loop has no Wait: leads would go round it endlessly"
            ]
        );
        let wait = NodeAction::Wait {
            amount: 1,
            unit: WaitUnit::Days,
        };
        stream.definition.nodes[2].action = wait;
        assert!(run(loops_without_wait, &workspace, &stream).is_empty());
    }

    fn stream(nodes: Vec<StreamNode>, edges: Vec<StreamEdge>) -> Stream {
        Stream {
            id: 99,
            name: "t".into(),
            priority: 1,
            is_active: false,
            definition: StreamDefinition {
                entry_segments: vec![1],
                reentry: Reentry::Once,
                exit_goal: None,
                active_from: None,
                active_until: None,
                nodes,
                edges,
            },
        }
    }

    fn messages(workspace: &Workspace, stream: &Stream) -> Vec<String> {
        problems(workspace, stream)
            .unwrap()
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn templates_have_no_problems() {
        let workspace = workspace_with_library();
        for template in stream_templates(&workspace).unwrap() {
            let candidate = Stream {
                id: 0,
                name: template.name.clone(),
                priority: template.priority,
                is_active: false,
                definition: template.definition,
            };
            assert_eq!(
                messages(&workspace, &candidate),
                Vec::<String>::new(),
                "{}",
                template.name
            );
        }
    }

    #[test]
    fn marks_structural_problems_on_their_nodes() {
        let workspace = workspace_with_library();
        let found = messages(
            &workspace,
            &stream(
                vec![
                    node("entry", NodeAction::Entry),
                    node(
                        "branch",
                        NodeAction::Branch {
                            rules: RuleGroup::everyone(),
                            rate: None,
                            email: None,
                        },
                    ),
                    node(
                        "split",
                        NodeAction::Split {
                            percentages: vec![50, 40],
                        },
                    ),
                    node(
                        "a",
                        NodeAction::UpdateField {
                            field: "score".into(),
                            value: serde_json::json!("high"),
                        },
                    ),
                    node(
                        "b",
                        NodeAction::UpdateField {
                            field: "score".into(),
                            value: serde_json::json!(5),
                        },
                    ),
                    node("orphan", NodeAction::Exit),
                ],
                vec![
                    edge("entry", "branch", None),
                    edge("branch", "split", Some("yes")),
                    edge("split", "a", Some("0")),
                    edge("split", "b", Some("1")),
                    edge("a", "b", None),
                    edge("b", "a", None),
                ],
            ),
        );
        let has = |part: &str| found.iter().any(|m| m.contains(part));
        assert!(has("node branch: Branch has no “no” path"), "{found:?}");
        assert!(
            has(
                "node split: split percentages must be two or more and sum to 100 (they sum to 90)"
            ),
            "{found:?}"
        );
        assert!(has("node a: `high` is not a number"), "{found:?}");
        assert!(has("node orphan: unreachable"), "{found:?}");
        assert!(has("node a: this loop has no Wait"), "{found:?}");
        assert!(has("node b: this loop has no Wait"), "{found:?}");
    }

    #[test]
    fn a_loop_through_a_wait_is_fine_and_dead_ends_are_marked() {
        let workspace = workspace_with_library();
        let found = messages(
            &workspace,
            &stream(
                vec![
                    node("entry", NodeAction::Entry),
                    node(
                        "wait",
                        NodeAction::Wait {
                            amount: 7,
                            unit: WaitUnit::Days,
                        },
                    ),
                    node(
                        "check",
                        NodeAction::Branch {
                            rules: RuleGroup::everyone(),
                            rate: None,
                            email: None,
                        },
                    ),
                    node("send", NodeAction::Send { content_id: 1 }),
                ],
                vec![
                    edge("entry", "wait", None),
                    edge("wait", "check", None),
                    edge("check", "wait", Some("no")),
                    edge("check", "send", Some("yes")),
                ],
            ),
        );
        assert!(!found.iter().any(|m| m.contains("loop")), "{found:?}");
        assert!(
            found
                .iter()
                .any(|m| m.contains("node send: Send is a dead end")),
            "{found:?}"
        );
    }

    #[test]
    fn unsuitable_content_is_marked() {
        let workspace = workspace_with_library();
        let decision = saved::list(&workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.name == "Decision stage")
            .unwrap();
        let awareness_item = content::list(&workspace)
            .unwrap()
            .into_iter()
            .find(|i| i.stages == vec!["Awareness".to_owned()])
            .unwrap();
        let mut candidate = stream(
            vec![
                node("entry", NodeAction::Entry),
                node(
                    "send",
                    NodeAction::Send {
                        content_id: awareness_item.id,
                    },
                ),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "send", None), edge("send", "exit", None)],
        );
        candidate.definition.entry_segments = vec![decision.id];
        let found = messages(&workspace, &candidate);
        assert!(
            found
                .iter()
                .any(|m| m.contains("does not suit this stream's audience (Decision")),
            "{found:?}"
        );
    }

    #[test]
    fn absurd_step_parameters_are_problems_naming_the_range() {
        let workspace = workspace_with_library();
        let item = content::list(&workspace).unwrap()[0].id;
        let mut candidate = stream(
            vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node(
                    "wait",
                    NodeAction::Wait {
                        amount: 100_000_000,
                        unit: WaitUnit::Weeks,
                    },
                ),
                node(
                    "event",
                    NodeAction::WaitUntil {
                        until: WaitCondition::Event {
                            event_type: "email_click".into(),
                            timeout_days: u32::MAX,
                            rate: Some(f64::NAN),
                        },
                    },
                ),
                node(
                    "split",
                    NodeAction::Split {
                        percentages: vec![u32::MAX, 101],
                    },
                ),
                node("exit", NodeAction::Exit),
            ],
            vec![
                edge("entry", "send", None),
                edge("send", "wait", None),
                edge("wait", "event", None),
                edge("event", "split", Some("event")),
                edge("event", "split", Some("timeout")),
                edge("split", "exit", Some("0")),
                edge("split", "exit", Some("1")),
            ],
        );
        candidate.priority = i32::MAX;
        candidate.definition.reentry = Reentry::AfterDays { days: 0 };
        candidate.definition.active_from = Some("+262142-12-30".into());
        candidate.definition.active_until = Some("2026-01-01".into());
        let found = messages(&workspace, &candidate);
        let has = |part: &str| found.iter().any(|m| m.contains(part));
        assert!(
            has("node wait: the wait must be 1 hour to 365 days (52 weeks)"),
            "{found:?}"
        );
        assert!(
            has("node event: the timeout must be 1 to 365 days"),
            "{found:?}"
        );
        assert!(
            has("node event: the assumed rate must be 0 to 1"),
            "{found:?}"
        );
        assert!(
            has("node split: each split percentage must be 0 to 100"),
            "{found:?}"
        );
        assert!(has("the priority must be -1,000 to 1,000"), "{found:?}");
        assert!(has("re-entry must be after 1 to 365 days"), "{found:?}");
        assert!(
            has("the start date must be a date from 1900-01-01 to 2199-12-31"),
            "{found:?}"
        );
    }
}
