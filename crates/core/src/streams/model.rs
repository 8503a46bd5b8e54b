//! Nurture streams: the flow a segment's leads go through (send, wait, wait
//! until, branch, split, update a field, move to another stream, exit), its
//! entry segments, priority, re-entry rule, exit goal and active dates;
//! stored in the workspace, exported and imported as JSON (docs/streams.md),
//! and checked for the problems the designer marks on nodes.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::content::{self, Audience, ContentDraft, ContentItem, LifecycleFit};
use super::handles::NodeHandle;
pub use super::validate::problems;
use crate::fields::FieldType;
use crate::segments::operators::Operator;
use crate::segments::{self, saved, RuleGroup, RuleNode};
use crate::store::tables::streams::{self as table, StreamColumns, StreamRow};
use crate::{Error, Result, Workspace};

/// The unit of a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum WaitUnit {
    Hours,
    Days,
    Weeks,
}

impl WaitUnit {
    pub fn seconds(self) -> i64 {
        match self {
            WaitUnit::Hours => 3_600,
            WaitUnit::Days => 86_400,
            WaitUnit::Weeks => 7 * 86_400,
        }
    }
}

/// What a "wait until" step waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum WaitCondition {
    /// The next time that falls on one of `weekdays` (1 = Monday … 7 =
    /// Sunday) between `from_hour` and `to_hour` in the lead's time zone.
    Window {
        weekdays: Vec<u8>,
        from_hour: u8,
        to_hour: u8,
    },
    /// The lead performing `event_type`, for at most `timeout_days`. Paths
    /// `event` and `timeout`. The future is unknown: a share `rate` (0–1,
    /// default 0: "no further engagement") of leads is assumed to perform it
    /// one day after the wait starts.
    Event {
        event_type: String,
        timeout_days: u32,
        #[serde(default)]
        #[ts(optional)]
        rate: Option<f64>,
    },
}

/// What a branch tests of an email this stream sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Engagement {
    Opened,
    Clicked,
}

/// A branch's test of this stream's own email: did the lead open (or
/// click) the email that the Send step `send_node` sent on this entry? A
/// dry run has no opens of emails it only planned: the branch's `rate` is
/// the share of leads sent that email assumed to engage (none when unset);
/// leads the step never sent it to take “no” (docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmailEngagement {
    pub send_node: String,
    pub engagement: Engagement,
}

/// What a node does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum NodeAction {
    /// Where leads enter; exactly one per stream.
    Entry,
    /// Send a content item.
    Send {
        #[ts(type = "number")]
        content_id: i64,
    },
    Wait {
        amount: u32,
        unit: WaitUnit,
    },
    WaitUntil {
        until: WaitCondition,
    },
    /// Paths `yes` and `no`: does the (simulated) lead match `rules` now?
    /// Rules over behaviour cannot see the future; with `rate` set, that
    /// share of the leads the rule rejects are assumed to engage and go `yes`.
    Branch {
        rules: RuleGroup,
        #[serde(default)]
        #[ts(optional)]
        rate: Option<f64>,
        /// Tests this stream's own email instead of rules.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        email: Option<EmailEngagement>,
    },
    /// Paths `0`, `1`, …: a deterministic random split by percentages.
    Split {
        percentages: Vec<u32>,
    },
    /// Set a field of the lead (the planner changes the simulated lead).
    UpdateField {
        field: String,
        #[ts(type = "unknown")]
        value: Value,
    },
    /// Continue in another stream, from its entry.
    MoveToStream {
        #[ts(type = "number")]
        stream_id: i64,
    },
    Exit,
}

/// A node of the flow, with its position on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamNode {
    pub id: String,
    pub action: NodeAction,
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
}

/// A connection; `handle` names the path of branching nodes (`yes`/`no`,
/// `event`/`timeout`, split bucket `0`, `1`, …: a [`NodeHandle`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamEdge {
    pub id: String,
    pub source: String,
    pub target: String,
    #[serde(default)]
    #[ts(optional)]
    pub handle: Option<String>,
}

impl StreamEdge {
    /// The named output this edge leaves through (None for the untyped
    /// output, or a handle string no node has).
    pub fn node_handle(&self) -> Option<NodeHandle> {
        self.handle.as_deref().and_then(NodeHandle::for_edge)
    }
}

/// When a lead that left the stream may enter it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Reentry {
    Once,
    AfterDays { days: u32 },
}

/// Everything about a stream except its identity and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamDefinition {
    /// Saved segment ids; a lead in any of them is eligible.
    #[ts(type = "number[]")]
    pub entry_segments: Vec<i64>,
    pub reentry: Reentry,
    /// Leads leave as soon as they match this (checked at every step).
    #[serde(default)]
    #[ts(optional)]
    pub exit_goal: Option<RuleGroup>,
    /// First and last day the stream runs (YYYY-MM-DD); open-ended when absent.
    #[serde(default)]
    #[ts(optional)]
    pub active_from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub active_until: Option<String>,
    pub nodes: Vec<StreamNode>,
    pub edges: Vec<StreamEdge>,
}

impl StreamDefinition {
    /// The content items the stream sends.
    pub fn content_ids(&self) -> Vec<i64> {
        self.nodes
            .iter()
            .filter_map(|node| match node.action {
                NodeAction::Send { content_id } => Some(content_id),
                _ => None,
            })
            .collect()
    }

    pub fn node(&self, id: &str) -> Option<&StreamNode> {
        self.nodes.iter().find(|node| node.id == id)
    }

    pub fn entry(&self) -> Option<&StreamNode> {
        self.nodes
            .iter()
            .find(|node| node.action == NodeAction::Entry)
    }
}

/// A saved stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stream {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// Higher wins when a lead is eligible for several streams.
    pub priority: i32,
    pub is_active: bool,
    pub definition: StreamDefinition,
}

/// What the designer saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamDraft {
    pub name: String,
    pub priority: i32,
    pub is_active: bool,
    pub definition: StreamDefinition,
}

fn from_row(row: StreamRow) -> rusqlite::Result<Stream> {
    Ok(Stream {
        id: row.id,
        name: row.name,
        priority: row.priority,
        is_active: row.is_active,
        definition: serde_json::from_str(&row.definition).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
    })
}

/// Every stream, highest priority first.
pub fn list(workspace: &Workspace) -> Result<Vec<Stream>> {
    list_on(workspace.conn())
}

/// [`list`] on a connection, for callers that hold no workspace: the check
/// for what uses a field reads inside its write transaction.
pub fn list_on(conn: &Connection) -> Result<Vec<Stream>> {
    let streams = table::list_on(conn)?.into_iter().map(from_row);
    Ok(streams.collect::<rusqlite::Result<_>>()?)
}

/// One stream.
pub fn get(workspace: &Workspace, id: i64) -> Result<Stream> {
    let row = table::get(workspace, id)?.ok_or_else(|| Error::NotFound {
        what: "stream",
        key: id.to_string(),
    })?;
    Ok(from_row(row)?)
}

/// Saves a new stream (`id` None) or replaces one. A stream with problems
/// can be saved as a draft but not active.
pub fn save(workspace: &mut Workspace, id: Option<i64>, draft: &StreamDraft) -> Result<Stream> {
    check_name(draft)?;
    if draft.is_active {
        let found = activation_problems(workspace, id, draft)?;
        if !found.is_empty() {
            let list: Vec<String> = found.iter().map(StreamProblem::to_string).collect();
            return Err(Error::InvalidArgument(format!(
                "“{}” cannot be active until these are fixed: {}",
                draft.name.trim(),
                list.join("; ")
            )));
        }
    }
    let definition = serde_json::to_string(&draft.definition)?;
    let columns = columns_of(draft, &definition);
    let id = match id {
        Some(id) => {
            get(workspace, id)?;
            table::update(workspace, id, &columns)?;
            id
        }
        None => table::insert(workspace, &columns)?,
    };
    get(workspace, id)
}

/// What saving from the designer did: the stream as saved, and when it was
/// asked to be active but has problems, those problems (it was saved
/// inactive instead, so no edit is lost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedStream {
    pub stream: Stream,
    /// Why it is not active although asked to be; empty when it is as asked.
    pub not_activated: Vec<StreamProblem>,
}

/// Saves like [`save`], except that a stream asked to be active while it
/// has problems is saved inactive, with the problems that keep it so.
pub fn save_or_keep_inactive(
    workspace: &mut Workspace,
    id: Option<i64>,
    draft: &StreamDraft,
) -> Result<SavedStream> {
    check_name(draft)?;
    let not_activated = if draft.is_active {
        activation_problems(workspace, id, draft)?
    } else {
        Vec::new()
    };
    let inactive;
    let draft = if not_activated.is_empty() {
        draft
    } else {
        inactive = StreamDraft {
            is_active: false,
            ..draft.clone()
        };
        &inactive
    };
    let stream = save(workspace, id, draft)?;
    Ok(SavedStream {
        stream,
        not_activated,
    })
}

/// The problems that keep `draft` (stream `id`, or a new one) from being active.
fn activation_problems(
    workspace: &Workspace,
    id: Option<i64>,
    draft: &StreamDraft,
) -> Result<Vec<StreamProblem>> {
    let candidate = Stream {
        id: id.unwrap_or(-1),
        name: draft.name.clone(),
        priority: draft.priority,
        is_active: true,
        definition: draft.definition.clone(),
    };
    problems(workspace, &candidate)
}

fn check_name(draft: &StreamDraft) -> Result<()> {
    if draft.name.trim().is_empty() {
        return Err(Error::InvalidArgument("a stream needs a name".into()));
    }
    Ok(())
}

/// The columns a draft saves, with its definition already as JSON text.
fn columns_of<'a>(draft: &'a StreamDraft, definition: &'a str) -> StreamColumns<'a> {
    StreamColumns {
        name: draft.name.trim(),
        priority: draft.priority,
        is_active: draft.is_active,
        definition,
    }
}

/// Deletes a stream; refused while another stream moves leads into it.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    let stream = get(workspace, id)?;
    let movers: Vec<String> = list(workspace)?
        .into_iter()
        .filter(|other| other.id != id)
        .filter(|other| {
            other
                .definition
                .nodes
                .iter()
                .any(|n| n.action == NodeAction::MoveToStream { stream_id: id })
        })
        .map(|other| format!("“{}”", other.name))
        .collect();
    if !movers.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "{} move leads into “{}”; change them first",
            movers.join(", "),
            stream.name
        )));
    }
    table::delete(workspace, id)?;
    Ok(())
}

/// A problem with a stream, on one node or on the stream as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamProblem {
    pub node_id: Option<String>,
    pub message: String,
}

impl std::fmt::Display for StreamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.node_id {
            Some(node) => write!(f, "node {node}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Whether a step waits (a loop through it is not endless).
pub(super) fn is_wait(action: &NodeAction) -> bool {
    matches!(
        action,
        NodeAction::Wait { .. } | NodeAction::WaitUntil { .. }
    )
}

/// How messages name a step's kind.
pub(super) fn label(action: &NodeAction) -> &'static str {
    match action {
        NodeAction::Entry => "Entry",
        NodeAction::Send { .. } => "Send",
        NodeAction::Wait { .. } => "Wait",
        NodeAction::WaitUntil { .. } => "Wait until",
        NodeAction::Branch { .. } => "Branch",
        NodeAction::Split { .. } => "Split",
        NodeAction::UpdateField { .. } => "Update field",
        NodeAction::MoveToStream { .. } => "Move to stream",
        NodeAction::Exit => "Exit",
    }
}

/// The audience of a stream, read from its entry segments' rules: the
/// personas, buying stages and lifecycles they require.
pub fn audience(workspace: &Workspace, definition: &StreamDefinition) -> Result<Audience> {
    let mut audience = Audience::default();
    fn values(value: &Value) -> Vec<String> {
        match value {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            Value::String(text) => text
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            _ => Vec::new(),
        }
    }
    fn walk(group: &RuleGroup, audience: &mut Audience) {
        if group.not {
            return;
        }
        for node in &group.rules {
            match node {
                RuleNode::Group(inner) => walk(inner, audience),
                RuleNode::Rule(rule) => {
                    let operator = Operator::parse(&rule.operator);
                    let positive = matches!(operator, Some(Operator::Equals | Operator::In));
                    let found = values(&rule.value);
                    match (rule.field.as_str(), positive) {
                        ("persona", true) => audience.personas.extend(found),
                        ("buying_stage", true) => audience.stages.extend(found),
                        ("lifecycle_stage", true) => audience
                            .lifecycles
                            .extend(found.iter().map(|s| LifecycleFit::of_stage(s))),
                        ("lifecycle_stage", false)
                            if matches!(operator, Some(Operator::NotEquals | Operator::NotIn)) =>
                        {
                            let excluded: Vec<LifecycleFit> =
                                found.iter().map(|s| LifecycleFit::of_stage(s)).collect();
                            if excluded.contains(&LifecycleFit::Customer)
                                && excluded.contains(&LifecycleFit::FormerCustomer)
                            {
                                audience.lifecycles.push(LifecycleFit::Prospect);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    for id in &definition.entry_segments {
        if let Ok(segment) = saved::get(workspace, *id) {
            walk(&segment.rules, &mut audience);
        }
    }
    audience.personas.dedup();
    audience.stages.dedup();
    audience.lifecycles.dedup();
    Ok(audience)
}

/// The SQL value an update-field step stores, checked against the field type.
pub fn field_value(
    field_type: FieldType,
    value: &Value,
) -> std::result::Result<rusqlite::types::Value, String> {
    use rusqlite::types::Value as Sql;
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => return Ok(Sql::Null),
        other => other.to_string(),
    };
    Ok(match field_type {
        FieldType::Text => Sql::Text(text),
        FieldType::List => Sql::Text(
            serde_json::to_string(
                &text
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
        ),
        FieldType::Number => Sql::Real(
            segments::values::parse_number(&text)
                .ok_or_else(|| format!("`{text}` is not a number"))?,
        ),
        FieldType::Date => Sql::Integer(
            segments::values::parse_instant(&text)
                .ok_or_else(|| format!("`{text}` is not a date"))?,
        ),
        FieldType::Boolean => Sql::Integer(i64::from(
            segments::values::parse_bool(&text)
                .ok_or_else(|| format!("`{text}` is not yes or no"))?,
        )),
    })
}

/// The portable JSON form of a stream: the stream and the content it sends.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamExport {
    /// Always `leadstream-stream`.
    pub format: String,
    pub version: u32,
    pub stream: StreamDraft,
    /// The content items its Send steps refer to, by their ids in the file.
    pub content: Vec<ContentItem>,
}

pub const EXPORT_FORMAT: &str = "leadstream-stream";

/// A stream as portable JSON (docs/streams.md).
pub fn export(workspace: &Workspace, id: i64) -> Result<StreamExport> {
    let stream = get(workspace, id)?;
    let wanted = stream.definition.content_ids();
    let content = content::list(workspace)?
        .into_iter()
        .filter(|i| wanted.contains(&i.id))
        .collect();
    Ok(StreamExport {
        format: EXPORT_FORMAT.into(),
        version: 1,
        stream: StreamDraft {
            name: stream.name,
            priority: stream.priority,
            is_active: false,
            definition: stream.definition,
        },
        content,
    })
}

fn parse_export(json: &str) -> Result<StreamExport> {
    let file: StreamExport = serde_json::from_str(json).map_err(|e| {
        Error::InvalidArgument(format!(
            "not a Leadstream stream file (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if file.format != EXPORT_FORMAT || file.version != 1 {
        return Err(Error::InvalidArgument(format!(
            "not a Leadstream stream file: format `{}` version {}",
            file.format, file.version
        )));
    }
    Ok(file)
}

/// A stream from its JSON form, for planning without saving it. Its Send
/// steps are re-pointed at the library's items with the same titles; an item
/// missing from the library is an error.
pub fn from_file(workspace: &Workspace, json: &str) -> Result<Stream> {
    let mut file = parse_export(json)?;
    let library = content::list(workspace)?;
    for node in &mut file.stream.definition.nodes {
        if let NodeAction::Send { content_id } = &mut node.action {
            let item = file
                .content
                .iter()
                .find(|i| i.id == *content_id)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "node {}: content {content_id} is not in the file",
                        node.id
                    ))
                })?;
            let local = library
                .iter()
                .find(|l| l.title == item.title)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "node {}: “{}” is not in this workspace's content library",
                        node.id, item.title
                    ))
                })?;
            *content_id = local.id;
        }
    }
    Ok(Stream {
        id: -1,
        name: file.stream.name,
        priority: file.stream.priority,
        is_active: true,
        definition: file.stream.definition,
    })
}

/// Imports a stream from its JSON form, inactive. Content items are matched
/// by title (and kind) or added; Send steps are re-pointed at them. One
/// transaction: the stream and the content it adds, or nothing.
pub fn import(workspace: &mut Workspace, json: &str) -> Result<Stream> {
    let mut file = parse_export(json)?;
    file.stream.is_active = false;
    let existing = content::list(workspace)?;
    let transaction = workspace.conn_mut_for_definitions().transaction()?;
    let mut new_ids = HashMap::new();
    for item in &file.content {
        let id = match existing
            .iter()
            .find(|e| e.title == item.title && e.kind == item.kind)
        {
            Some(found) => found.id,
            None => {
                let draft = ContentDraft {
                    title: item.title.clone(),
                    kind: item.kind,
                    subject: item.subject.clone(),
                    link: item.link.clone(),
                    body: item.body.clone(),
                    personas: item.personas.clone(),
                    stages: item.stages.clone(),
                    lifecycles: item.lifecycles.clone(),
                };
                content::insert_in(&transaction, &draft)?
            }
        };
        new_ids.insert(item.id, id);
    }
    for node in &mut file.stream.definition.nodes {
        if let NodeAction::Send { content_id } = &mut node.action {
            if let Some(id) = new_ids.get(content_id) {
                *content_id = *id;
            }
        }
    }
    check_name(&file.stream)?;
    let definition = serde_json::to_string(&file.stream.definition)?;
    let id = table::insert_in(&transaction, &columns_of(&file.stream, &definition))?;
    transaction.commit()?;
    get(workspace, id)
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn edges_name_their_node_handle() {
        let mut edge = StreamEdge {
            id: "e".into(),
            source: "a".into(),
            target: "b".into(),
            handle: Some("no".into()),
        };
        assert_eq!(edge.node_handle(), Some(NodeHandle::No));
        edge.handle = None;
        assert_eq!(edge.node_handle(), None);
    }

    #[test]
    fn active_streams_must_be_clean_and_export_round_trips() {
        let mut workspace = workspace_with_library();
        let template = stream_templates(&workspace).unwrap().remove(0);
        let mut draft = StreamDraft {
            name: template.name.clone(),
            priority: 5,
            is_active: true,
            definition: template.definition.clone(),
        };
        let saved_stream = save(&mut workspace, None, &draft).unwrap();
        assert!(saved_stream.is_active);
        draft.definition.nodes.push(node("stray", NodeAction::Exit));
        let refused = save(&mut workspace, Some(saved_stream.id), &draft)
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("cannot be active") && refused.contains("stray"),
            "{refused}"
        );

        let kept = save_or_keep_inactive(&mut workspace, Some(saved_stream.id), &draft).unwrap();
        assert!(!kept.stream.is_active, "saved, but not active");
        assert_eq!(kept.stream.definition, draft.definition, "no edit is lost");
        assert!(
            kept.not_activated
                .iter()
                .any(|p| p.node_id.as_deref() == Some("stray")),
            "{:?}",
            kept.not_activated
        );
        draft.definition.nodes.pop();
        let clean = save_or_keep_inactive(&mut workspace, Some(saved_stream.id), &draft).unwrap();
        assert!(clean.stream.is_active && clean.not_activated.is_empty());

        let json = serde_json::to_string(&export(&workspace, saved_stream.id).unwrap()).unwrap();
        let mut other = Workspace::in_memory().unwrap();
        let imported = import(&mut other, &json).unwrap();
        assert!(!imported.is_active);
        assert_eq!(
            imported.definition.nodes.len(),
            template.definition.nodes.len()
        );
        let sent: Vec<String> = imported
            .definition
            .content_ids()
            .iter()
            .map(|id| content::get(&other, *id).unwrap().title)
            .collect();
        let original: Vec<String> = template
            .definition
            .content_ids()
            .iter()
            .map(|id| content::get(&workspace, *id).unwrap().title)
            .collect();
        assert_eq!(sent, original);
        assert!(import(&mut other, "{\"format\":\"x\"}")
            .unwrap_err()
            .to_string()
            .contains("not a Leadstream stream file"));
    }

    #[test]
    fn a_stream_file_that_fails_half_way_adds_nothing() {
        let mut workspace = workspace_with_library();
        let template = stream_templates(&workspace).unwrap().remove(0);
        let saved_stream = save(
            &mut workspace,
            None,
            &StreamDraft {
                name: template.name.clone(),
                priority: 5,
                is_active: false,
                definition: template.definition.clone(),
            },
        )
        .unwrap();
        let mut file = export(&workspace, saved_stream.id).unwrap();
        // Two items new to the library: the first is fine, the second has no
        // subject, so the import fails after writing the first.
        let mut fresh = file.content[0].clone();
        fresh.title = "A brand-new guide".into();
        let mut broken = fresh.clone();
        broken.id = fresh.id + 1_000;
        broken.title = "A guide with no subject".into();
        broken.subject = String::new();
        file.content.push(fresh);
        file.content.push(broken);
        let json = serde_json::to_string(&file).unwrap();
        let library_before = content::list(&workspace).unwrap();
        let streams_before = list(&workspace).unwrap();
        let error = import(&mut workspace, &json).unwrap_err().to_string();
        assert!(error.contains("needs a subject line"), "{error}");
        assert_eq!(content::list(&workspace).unwrap(), library_before);
        assert_eq!(list(&workspace).unwrap(), streams_before);

        // A stream refused after its content was added leaves nothing either.
        let mut file = export(&workspace, saved_stream.id).unwrap();
        let mut fresh = file.content[0].clone();
        fresh.title = "Another brand-new guide".into();
        file.content.push(fresh);
        file.stream.name = "   ".into();
        let error = import(&mut workspace, &serde_json::to_string(&file).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("needs a name"), "{error}");
        assert_eq!(content::list(&workspace).unwrap(), library_before);
        assert_eq!(list(&workspace).unwrap(), streams_before);
    }
}
