//! Saved segments: name, description, colour, folder and rules, stored in the
//! workspace. Built-in segments (from [`templates`](super::templates)) are in
//! every workspace and read-only: duplicate one to change it. A segment that
//! another segment refers to cannot be deleted, and no save may create a
//! cycle of references.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::compile;
use super::rules::{RuleGroup, RuleNode};
use super::templates::templates;
use crate::{Error, Result, Workspace};

/// A saved segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Segment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `#rrggbb`.
    pub color: String,
    /// A folder name; empty for none.
    pub folder: String,
    pub rules: RuleGroup,
    pub is_builtin: bool,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// What the user edits when saving a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentDraft {
    pub name: String,
    pub description: String,
    pub color: String,
    pub folder: String,
    pub rules: RuleGroup,
}

/// A saved segment with its current member count.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentSummary {
    pub segment: Segment,
    #[ts(type = "number")]
    pub count: u64,
}

const SELECT: &str = "SELECT id, name, description, color, folder, rules, is_builtin, created_at, updated_at FROM segments";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(Segment, String)> {
    let rules_json: String = row.get(5)?;
    Ok((
        Segment {
            id: row.get(0)?,
            name: row.get(1)?,
            description: row.get(2)?,
            color: row.get(3)?,
            folder: row.get(4)?,
            rules: RuleGroup::everyone(),
            is_builtin: row.get(6)?,
            created_at: row.get(7)?,
            updated_at: row.get(8)?,
        },
        rules_json,
    ))
}

fn with_rules((mut segment, json): (Segment, String)) -> Result<Segment> {
    segment.rules = RuleGroup::from_json(&json)?;
    Ok(segment)
}

/// Every saved segment: built-in ones first, then by folder and name.
pub fn list(conn: &Connection) -> Result<Vec<Segment>> {
    let mut statement = conn.prepare(&format!(
        "{SELECT} ORDER BY is_builtin DESC, folder, name, id"
    ))?;
    let rows = statement.query_map([], from_row)?;
    rows.map(|row| with_rules(row?)).collect()
}

/// Every saved segment with its member count as of `as_of`.
pub fn list_with_counts(workspace: &Workspace, as_of: i64) -> Result<Vec<SegmentSummary>> {
    let segments = list(workspace.conn())?;
    let rules: Vec<&RuleGroup> = segments.iter().map(|s| &s.rules).collect();
    let counts = super::count_many(workspace, &rules, as_of)?;
    Ok(segments
        .into_iter()
        .zip(counts)
        .map(|(segment, count)| SegmentSummary { segment, count })
        .collect())
}

/// One saved segment.
pub fn get(conn: &Connection, id: i64) -> Result<Segment> {
    let row = conn
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::UnknownSegment { id })?;
    with_rules(row)
}

fn check_draft(draft: &SegmentDraft) -> Result<()> {
    let name = draft.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::InvalidArgument(
            "a segment needs a name of 1 to 200 characters".into(),
        ));
    }
    let color = draft.color.as_bytes();
    if !(color.len() == 7 && color[0] == b'#' && color[1..].iter().all(u8::is_ascii_hexdigit)) {
        return Err(Error::InvalidArgument(format!(
            "colour `{}` is not of the form #rrggbb",
            draft.color
        )));
    }
    if draft.folder.chars().count() > 100 || draft.description.chars().count() > 2_000 {
        return Err(Error::InvalidArgument(
            "the folder (100) or description (2,000 characters) is too long".into(),
        ));
    }
    Ok(())
}

/// Saves a new segment after validating its rules.
pub fn create(workspace: &Workspace, draft: &SegmentDraft) -> Result<Segment> {
    check_draft(draft)?;
    let conn = workspace.conn();
    compile::compile(conn, &draft.rules)?;
    conn.execute(
        "INSERT INTO segments (name, description, color, folder, rules) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            draft.name.trim(),
            draft.description.trim(),
            &draft.color,
            draft.folder.trim(),
            draft.rules.to_json(),
        ),
    )?;
    get(conn, conn.last_insert_rowid())
}

/// Replaces a saved segment's definition. Built-in segments are read-only,
/// and a reference back to the segment itself (directly or through others)
/// is refused.
pub fn update(workspace: &Workspace, id: i64, draft: &SegmentDraft) -> Result<Segment> {
    check_draft(draft)?;
    let conn = workspace.conn();
    let existing = get(conn, id)?;
    if existing.is_builtin {
        return Err(Error::InvalidArgument(format!(
            "“{}” is built in and cannot be changed; duplicate it to make your own",
            existing.name
        )));
    }
    compile::compile_segment(conn, id, &draft.rules)?;
    conn.execute(
        "UPDATE segments SET name = ?2, description = ?3, color = ?4, folder = ?5, rules = ?6,
                updated_at = unixepoch() WHERE id = ?1",
        (
            id,
            draft.name.trim(),
            draft.description.trim(),
            &draft.color,
            draft.folder.trim(),
            draft.rules.to_json(),
        ),
    )?;
    get(conn, id)
}

/// Saves a copy of a segment as a new, editable one.
pub fn duplicate(workspace: &Workspace, id: i64) -> Result<Segment> {
    let original = get(workspace.conn(), id)?;
    create(
        workspace,
        &SegmentDraft {
            name: format!("{} (copy)", original.name),
            description: original.description,
            color: original.color,
            folder: if original.is_builtin {
                String::new()
            } else {
                original.folder
            },
            rules: original.rules,
        },
    )
}

/// The ids of the segments whose rules refer to segment `id`.
fn referrers(conn: &Connection, id: i64) -> Result<Vec<(i64, String)>> {
    fn refers(group: &RuleGroup, id: i64) -> bool {
        group.rules.iter().any(|node| match node {
            RuleNode::Group(inner) => refers(inner, id),
            RuleNode::Rule(rule) => {
                rule.field == "segment"
                    && (rule.value.as_i64() == Some(id)
                        || rule.value.as_str().and_then(|s| s.trim().parse().ok()) == Some(id))
            }
        })
    }
    Ok(list(conn)?
        .into_iter()
        .filter(|segment| segment.id != id && refers(&segment.rules, id))
        .map(|segment| (segment.id, segment.name))
        .collect())
}

/// Where streams use segment `id`: each stream's name with the places
/// (its entry, a branch, its exit goal, another step), by name. Streams are
/// read as raw JSON, so a definition that no longer parses as a stream still
/// counts its references.
fn stream_users(conn: &Connection, id: i64) -> Result<Vec<(String, Vec<String>)>> {
    fn refers(value: &Value, id: i64) -> bool {
        match value {
            Value::Object(object) => {
                let is_reference = object.get("field").and_then(Value::as_str) == Some("segment")
                    && object
                        .get("value")
                        .is_some_and(|v| segment_id_of(v) == Some(id));
                is_reference || object.values().any(|inner| refers(inner, id))
            }
            Value::Array(items) => items.iter().any(|inner| refers(inner, id)),
            _ => false,
        }
    }
    let mut statement = conn.prepare("SELECT name, definition FROM streams ORDER BY name, id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut users = Vec::new();
    for row in rows {
        let (name, definition) = row?;
        let Ok(definition) = serde_json::from_str::<Value>(&definition) else {
            continue;
        };
        let mut places = Vec::new();
        let entry = definition.get("entry_segments").and_then(Value::as_array);
        if entry.is_some_and(|ids| ids.iter().any(|v| segment_id_of(v) == Some(id))) {
            places.push("the entry".to_owned());
        }
        let nodes = definition.get("nodes").and_then(Value::as_array);
        for node in nodes.into_iter().flatten() {
            if refers(node, id) {
                let is_branch =
                    node.pointer("/action/type").and_then(Value::as_str) == Some("branch");
                let place = if is_branch { "a branch" } else { "a step" };
                if !places.iter().any(|p| p == place) {
                    places.push(place.to_owned());
                }
            }
        }
        if definition
            .get("exit_goal")
            .is_some_and(|goal| refers(goal, id))
        {
            places.push("the exit goal".to_owned());
        }
        if !places.is_empty() {
            users.push((name, places));
        }
    }
    Ok(users)
}

/// A segment id as rules and streams write it: a number or numeric text.
fn segment_id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Deletes a saved segment. Built-in segments, segments that others refer
/// to and segments that streams use (entry, branch, exit goal) are kept,
/// with a message that says who uses them.
pub fn delete(workspace: &Workspace, id: i64) -> Result<()> {
    let conn = workspace.conn();
    let segment = get(conn, id)?;
    if segment.is_builtin {
        return Err(Error::InvalidArgument(format!(
            "“{}” is built in and cannot be deleted",
            segment.name
        )));
    }
    let segment_users: Vec<String> = referrers(conn, id)?
        .iter()
        .map(|(id, name)| format!("“{name}” ({id})"))
        .collect();
    let stream_users = stream_users(conn, id)?;
    if segment_users.is_empty() && stream_users.is_empty() {
        conn.execute("DELETE FROM segments WHERE id = ?1", [id])?;
        return Ok(());
    }
    let mut users = Vec::new();
    if !segment_users.is_empty() {
        let noun = if segment_users.len() == 1 {
            "segment"
        } else {
            "segments"
        };
        users.push(format!("the {noun} {}", and_list(&segment_users)));
    }
    let only_entries = stream_users
        .iter()
        .all(|(_, places)| places == &["the entry"]);
    if !stream_users.is_empty() {
        let names: Vec<String> = stream_users
            .iter()
            .map(|(name, places)| {
                if only_entries {
                    format!("“{name}”")
                } else {
                    format!("“{name}” ({})", and_list(places))
                }
            })
            .collect();
        let noun = if names.len() == 1 {
            "stream"
        } else {
            "streams"
        };
        users.push(format!("the {noun} {}", and_list(&names)));
    }
    let advice = match (segment_users.is_empty(), stream_users.len()) {
        (true, 1) if only_entries => "remove it from its entry first",
        (true, _) if only_entries => "remove it from their entry first",
        (true, _) => "remove it from there first",
        (false, 0) => "change those first",
        (false, _) => "change or remove it there first",
    };
    Err(Error::InvalidArgument(format!(
        "“{}” is used by {}: {advice}",
        segment.name,
        users.join(" and by ")
    )))
}

/// The version of the built-in segment set; raise it when templates change.
const BUILTIN_VERSION: i64 = 1;

/// Adds the built-in segments to a workspace that does not have this
/// version of them yet. Runs at every open; costs one settings read after
/// the first time.
pub(crate) fn install_builtins(conn: &Connection) -> Result<()> {
    let installed: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'builtin_segments'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if installed.and_then(|v| v.parse::<i64>().ok()) >= Some(BUILTIN_VERSION) {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM segments WHERE is_builtin = 1", [])?;
    for template in templates() {
        tx.execute(
            "INSERT INTO segments (name, description, color, folder, rules, is_builtin)
             VALUES (?1, ?2, ?3, ?4, ?5, 1)",
            (
                &template.name,
                &template.description,
                &template.color,
                &template.folder,
                template.rules.to_json(),
            ),
        )?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('builtin_segments', ?1)",
        [BUILTIN_VERSION.to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(name: &str, rules: serde_json::Value) -> SegmentDraft {
        SegmentDraft {
            name: name.into(),
            description: String::new(),
            color: "#123abc".into(),
            folder: "Tests".into(),
            rules: RuleGroup::from_value(&rules).unwrap(),
        }
    }

    fn member_of(id: i64) -> serde_json::Value {
        json!({"combinator": "and", "rules": [{"field": "segment", "operator": "in", "value": id}]})
    }

    #[test]
    fn workspaces_start_with_read_only_builtins() {
        let workspace = Workspace::in_memory().unwrap();
        let segments = list(workspace.conn()).unwrap();
        assert_eq!(segments.len(), templates().len());
        let first = &segments[0];
        assert!(first.is_builtin);
        let error = update(&workspace, first.id, &draft("x", json!({"rules": []}))).unwrap_err();
        assert!(error.to_string().contains("built in"), "{error}");
        assert!(delete(&workspace, first.id).is_err());
        let copy = duplicate(&workspace, first.id).unwrap();
        assert!(!copy.is_builtin && copy.name.ends_with("(copy)"));
        assert_eq!(copy.rules, first.rules);
        // Opening again does not add them twice.
        install_builtins(workspace.conn()).unwrap();
        assert_eq!(list(workspace.conn()).unwrap().len(), templates().len() + 1);
    }

    #[test]
    fn cycles_are_refused_with_the_chain() {
        let workspace = Workspace::in_memory().unwrap();
        let a = create(
            &workspace,
            &draft("A", json!({"combinator": "and", "rules": []})),
        )
        .unwrap();
        let b = create(&workspace, &draft("B", member_of(a.id))).unwrap();
        let c = create(&workspace, &draft("C", member_of(b.id))).unwrap();
        let error = update(&workspace, a.id, &draft("A", member_of(c.id)))
            .unwrap_err()
            .to_string();
        assert!(error.contains("refers back"), "{error}");
        assert!(
            error.contains(&format!("{} → {} → {} → {}", a.id, c.id, b.id, a.id)),
            "{error}"
        );
        let self_reference = update(&workspace, a.id, &draft("A", member_of(a.id))).unwrap_err();
        assert!(self_reference.to_string().contains("refers back"));
        // Nothing changed.
        assert!(get(workspace.conn(), a.id).unwrap().rules.rules.is_empty());
    }

    #[test]
    fn referenced_segments_cannot_be_deleted() {
        let workspace = Workspace::in_memory().unwrap();
        let a = create(
            &workspace,
            &draft("A", json!({"combinator": "and", "rules": []})),
        )
        .unwrap();
        let b = create(&workspace, &draft("B", member_of(a.id))).unwrap();
        let error = delete(&workspace, a.id).unwrap_err().to_string();
        assert!(error.contains("used by the segment “B”"), "{error}");
        delete(&workspace, b.id).unwrap();
        delete(&workspace, a.id).unwrap();
        assert!(matches!(
            get(workspace.conn(), a.id),
            Err(Error::UnknownSegment { .. })
        ));
    }

    /// Saves a stream (inactive) that uses segments where streams can:
    /// its entry, a branch and its exit goal.
    fn stream_using(
        workspace: &Workspace,
        name: &str,
        entry: Vec<i64>,
        branch_on: Option<i64>,
        goal_on: Option<i64>,
    ) -> i64 {
        use crate::streams::model::{
            save, NodeAction, Reentry, StreamDefinition, StreamDraft, StreamEdge, StreamNode,
        };
        let node = |id: &str, action| StreamNode {
            id: id.into(),
            action,
            x: 0.0,
            y: 0.0,
        };
        let edge = |source: &str, target: &str, handle: Option<&str>| StreamEdge {
            id: format!("{source}-{target}-{handle:?}"),
            source: source.into(),
            target: target.into(),
            handle: handle.map(str::to_owned),
        };
        let mut nodes = vec![
            node("entry", NodeAction::Entry),
            node("exit", NodeAction::Exit),
        ];
        let mut edges = vec![];
        match branch_on {
            Some(id) => {
                nodes.push(node(
                    "branch",
                    NodeAction::Branch {
                        rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [
                            {"combinator": "or", "rules": [
                                {"field": "segment", "operator": "notIn", "value": id.to_string()}
                            ]}
                        ]}))
                        .unwrap(),
                        rate: None,
                    },
                ));
                edges.push(edge("entry", "branch", None));
                edges.push(edge("branch", "exit", Some("yes")));
                edges.push(edge("branch", "exit", Some("no")));
            }
            None => edges.push(edge("entry", "exit", None)),
        }
        let draft = StreamDraft {
            name: name.into(),
            priority: 1,
            is_active: false,
            definition: StreamDefinition {
                entry_segments: entry,
                reentry: Reentry::Once,
                exit_goal: goal_on.map(|id| RuleGroup::from_value(&member_of(id)).unwrap()),
                active_from: None,
                active_until: None,
                nodes,
                edges,
            },
        };
        save(workspace, None, &draft).unwrap().id
    }

    #[test]
    fn deleting_a_segment_that_streams_use_is_refused_with_their_names() {
        let workspace = Workspace::in_memory().unwrap();
        let everyone = json!({"combinator": "and", "rules": []});
        let decision = create(&workspace, &draft("Decision", everyone.clone())).unwrap();
        let lapsed = create(&workspace, &draft("Lapsed", everyone.clone())).unwrap();
        let converted = create(&workspace, &draft("Converted", everyone.clone())).unwrap();
        let unused = create(&workspace, &draft("Unused", everyone)).unwrap();
        let nurture = stream_using(
            &workspace,
            "Decision nurture",
            vec![decision.id],
            None,
            None,
        );
        stream_using(
            &workspace,
            "Win-back",
            vec![lapsed.id, decision.id],
            None,
            None,
        );
        stream_using(
            &workspace,
            "Onboarding",
            vec![lapsed.id],
            Some(converted.id),
            None,
        );
        stream_using(
            &workspace,
            "Upsell",
            vec![lapsed.id],
            None,
            Some(converted.id),
        );

        let error = delete(&workspace, decision.id).unwrap_err().to_string();
        assert!(
            error.contains("used by the streams “Decision nurture” and “Win-back”"),
            "{error}"
        );
        assert!(
            error.contains("remove it from their entry first"),
            "{error}"
        );
        // Branch conditions and exit goals count as uses too, and say so.
        let error = delete(&workspace, converted.id).unwrap_err().to_string();
        assert!(
            error.contains("“Onboarding” (a branch) and “Upsell” (the exit goal)"),
            "{error}"
        );
        // Nothing was deleted; an unused segment still can be.
        assert_eq!(get(workspace.conn(), decision.id).unwrap().name, "Decision");
        assert_eq!(
            get(workspace.conn(), converted.id).unwrap().name,
            "Converted"
        );
        delete(&workspace, unused.id).unwrap();
        // Once no stream uses it, it can go.
        crate::streams::model::delete(workspace.conn(), nurture).unwrap();
        let error = delete(&workspace, decision.id).unwrap_err().to_string();
        assert!(error.contains("used by the stream “Win-back”"), "{error}");
        assert!(error.contains("remove it from its entry first"), "{error}");
    }

    #[test]
    fn drafts_are_checked() {
        let workspace = Workspace::in_memory().unwrap();
        let mut bad = draft(" ", json!({"rules": []}));
        assert!(create(&workspace, &bad).is_err());
        bad.name = "ok".into();
        bad.color = "red".into();
        assert!(create(&workspace, &bad)
            .unwrap_err()
            .to_string()
            .contains("#rrggbb"));
        let invalid_rules = draft(
            "x",
            json!({"rules": [{"field": "nope", "operator": "=", "value": "1"}]}),
        );
        assert!(create(&workspace, &invalid_rules)
            .unwrap_err()
            .to_string()
            .contains("nope"));
    }
}
