//! Saved segments: name, description, colour, folder and rules, stored in the
//! workspace. Built-in segments (from [`templates`](super::templates)) are in
//! every workspace and read-only: duplicate one to change it; they are
//! upserted by their template's key, so their ids never change. A segment
//! that another segment or a stream uses cannot be deleted, and no save may
//! create a cycle of references or a chain deeper than the limit.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::compile;
use super::rules::{RuleGroup, RuleNode};
use super::templates::templates;
use crate::store::tables::segments::{self as table, SegmentColumns, SegmentRow};
use crate::store::tables::streams as stream_table;
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

/// A saved segment with its current member count, or what keeps it from
/// being counted (a reference chain too deep, a field that no longer exists).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentSummary {
    pub segment: Segment,
    /// `None` when the segment cannot be counted; `problem` says why.
    #[ts(type = "number | null")]
    pub count: Option<u64>,
    pub problem: Option<String>,
}

fn from_row(row: SegmentRow) -> Result<Segment> {
    Ok(Segment {
        rules: RuleGroup::from_json(&row.rules)?,
        id: row.id,
        name: row.name,
        description: row.description,
        color: row.color,
        folder: row.folder,
        is_builtin: row.is_builtin,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Every saved segment: built-in ones first, then by folder and name.
pub fn list(workspace: &Workspace) -> Result<Vec<Segment>> {
    list_on(workspace.conn())
}

/// [`list`] on a connection, for callers that hold no workspace: the checks
/// for what uses a segment or a field read inside their write transaction.
pub fn list_on(conn: &Connection) -> Result<Vec<Segment>> {
    table::list_on(conn)?.into_iter().map(from_row).collect()
}

/// Every saved segment with its member count as of `as_of`.
pub fn list_with_counts(workspace: &Workspace, as_of: i64) -> Result<Vec<SegmentSummary>> {
    let segments = list(workspace)?;
    let counts = super::count_saved(workspace, &segments, as_of)?;
    Ok(segments
        .into_iter()
        .zip(counts)
        .map(|(segment, count)| match count {
            Ok(count) => SegmentSummary {
                segment,
                count: Some(count),
                problem: None,
            },
            Err(error) => SegmentSummary {
                segment,
                count: None,
                problem: Some(error.to_string()),
            },
        })
        .collect())
}

/// One saved segment.
pub fn get(workspace: &Workspace, id: i64) -> Result<Segment> {
    from_row(table::get(workspace, id)?.ok_or(Error::UnknownSegment { id })?)
}

/// The columns a draft saves, with its rules already as JSON text.
fn columns_of<'a>(draft: &'a SegmentDraft, rules: &'a str) -> SegmentColumns<'a> {
    SegmentColumns {
        name: draft.name.trim(),
        description: draft.description.trim(),
        color: &draft.color,
        folder: draft.folder.trim(),
        rules,
    }
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
pub fn create(workspace: &mut Workspace, draft: &SegmentDraft) -> Result<Segment> {
    check_draft(draft)?;
    compile::compile(workspace.conn(), &draft.rules)?;
    let rules = draft.rules.to_json();
    let id = table::insert(workspace, &columns_of(draft, &rules))?;
    get(workspace, id)
}

/// Replaces a saved segment's definition. Built-in segments are read-only,
/// and a reference back to the segment itself (directly or through others)
/// is refused.
pub fn update(workspace: &mut Workspace, id: i64, draft: &SegmentDraft) -> Result<Segment> {
    check_draft(draft)?;
    let existing = get(workspace, id)?;
    if existing.is_builtin {
        return Err(Error::InvalidArgument(format!(
            "“{}” is built in and cannot be changed; duplicate it to make your own",
            existing.name
        )));
    }
    compile::compile_segment(workspace.conn(), id, &draft.rules)?;
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    let rules = draft.rules.to_json();
    table::update_in(&tx, id, &columns_of(draft, &rules))?;
    // The segments built on this one must still be within the depth limit.
    for user in transitive_referrers(&tx, id)? {
        if let Err(Error::SegmentReferences { message, .. }) =
            compile::compile_segment(&tx, user.id, &user.rules)
        {
            return Err(Error::InvalidArgument(format!(
                "“{}” cannot change this way: “{}” uses it, and then {message}",
                existing.name, user.name
            )));
        }
    }
    tx.commit()?;
    get(workspace, id)
}

/// The segments that refer to segment `id`, directly or through others.
fn transitive_referrers(conn: &Connection, id: i64) -> Result<Vec<Segment>> {
    let all = list_on(conn)?;
    let mut found: Vec<Segment> = Vec::new();
    let mut frontier = vec![id];
    while let Some(target) = frontier.pop() {
        for segment in &all {
            if segment.id != id
                && !found.iter().any(|known| known.id == segment.id)
                && refers_to(&segment.rules, target)
            {
                frontier.push(segment.id);
                found.push(segment.clone());
            }
        }
    }
    Ok(found)
}

/// Whether `group` has a membership rule on segment `id`.
fn refers_to(group: &RuleGroup, id: i64) -> bool {
    group.rules.iter().any(|node| match node {
        RuleNode::Group(inner) => refers_to(inner, id),
        RuleNode::Rule(rule) => rule.field == "segment" && segment_id_of(&rule.value) == Some(id),
    })
}

/// Saves a copy of a segment as a new, editable one.
pub fn duplicate(workspace: &mut Workspace, id: i64) -> Result<Segment> {
    let original = get(workspace, id)?;
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
    Ok(list_on(conn)?
        .into_iter()
        .filter(|segment| segment.id != id && refers_to(&segment.rules, id))
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
    let mut users = Vec::new();
    for (name, definition) in stream_table::names_and_definitions_on(conn)? {
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
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    let conn = workspace.conn();
    let segment = get(workspace, id)?;
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
    let hierarchy_users = super::hierarchies::containing(conn, id)?;
    if segment_users.is_empty() && stream_users.is_empty() && hierarchy_users.is_empty() {
        table::delete(workspace, id)?;
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
    if !hierarchy_users.is_empty() {
        let names: Vec<String> = hierarchy_users.iter().map(|n| format!("“{n}”")).collect();
        let noun = if names.len() == 1 {
            "hierarchy"
        } else {
            "hierarchies"
        };
        users.push(format!("the {noun} {}", and_list(&names)));
    }
    let advice = match (segment_users.is_empty(), stream_users.len()) {
        (true, 0) => "remove it from there first",
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
const BUILTIN_VERSION: i64 = 2;

/// Adds the built-in segments to a workspace that does not have this
/// version of them yet. Runs at every open; costs one settings read after
/// the first time.
pub(crate) fn install_builtins(workspace: &mut Workspace) -> Result<()> {
    install_builtin_set(workspace, BUILTIN_VERSION, &templates())
}

/// The settings key of the installed built-in segment set's version.
const BUILTIN_VERSION_KEY: &str = "builtin_segments";

/// Installs `templates` as version `version` of the built-in segments,
/// unless that version (or a newer one) is installed already.
fn install_builtin_set(
    workspace: &mut Workspace,
    version: i64,
    templates: &[super::templates::SegmentTemplate],
) -> Result<()> {
    let installed = crate::store::settings::get_text(workspace, BUILTIN_VERSION_KEY)?;
    if installed.and_then(|v| v.parse::<i64>().ok()) >= Some(version) {
        return Ok(());
    }
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    // Upserted by key: a built-in keeps its id across versions, so the
    // segments and streams that use it keep working.
    for template in templates {
        let rules = template.rules.to_json();
        table::upsert_builtin_in(
            &tx,
            &template.key,
            &SegmentColumns {
                name: &template.name,
                description: &template.description,
                color: &template.color,
                folder: &template.folder,
                rules: &rules,
            },
        )?;
    }
    // Built-ins this version no longer has: deleted when nothing uses them,
    // else kept as the user's own segments, so no reference dangles.
    let retired: Vec<i64> = table::builtin_keys_on(&tx)?
        .into_iter()
        .filter(|(_, key)| {
            !key.as_ref()
                .is_some_and(|key| templates.iter().any(|t| &t.key == key))
        })
        .map(|(id, _)| id)
        .collect();
    for id in retired {
        if referrers(&tx, id)?.is_empty() && stream_users(&tx, id)?.is_empty() {
            table::delete_in(&tx, id)?;
        } else {
            table::unmark_builtin_in(&tx, id)?;
        }
    }
    crate::store::settings::set_in(&tx, BUILTIN_VERSION_KEY, &version)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::compile::MAX_REFERENCE_DEPTH;
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
        let mut workspace = Workspace::in_memory().unwrap();
        let segments = list(&workspace).unwrap();
        assert_eq!(segments.len(), templates().len());
        let first = &segments[0];
        assert!(first.is_builtin);
        let error =
            update(&mut workspace, first.id, &draft("x", json!({"rules": []}))).unwrap_err();
        assert!(error.to_string().contains("built in"), "{error}");
        assert!(delete(&mut workspace, first.id).is_err());
        let copy = duplicate(&mut workspace, first.id).unwrap();
        assert!(!copy.is_builtin && copy.name.ends_with("(copy)"));
        assert_eq!(copy.rules, first.rules);
        // Opening again does not add them twice.
        install_builtins(&mut workspace).unwrap();
        assert_eq!(list(&workspace).unwrap().len(), templates().len() + 1);
    }

    #[test]
    fn cycles_are_refused_with_the_chain() {
        let mut workspace = Workspace::in_memory().unwrap();
        let a = create(
            &mut workspace,
            &draft("A", json!({"combinator": "and", "rules": []})),
        )
        .unwrap();
        let b = create(&mut workspace, &draft("B", member_of(a.id))).unwrap();
        let c = create(&mut workspace, &draft("C", member_of(b.id))).unwrap();
        let error = update(&mut workspace, a.id, &draft("A", member_of(c.id)))
            .unwrap_err()
            .to_string();
        assert!(error.contains("refers back"), "{error}");
        assert!(
            error.contains(&format!("{} → {} → {} → {}", a.id, c.id, b.id, a.id)),
            "{error}"
        );
        let self_reference =
            update(&mut workspace, a.id, &draft("A", member_of(a.id))).unwrap_err();
        assert!(self_reference.to_string().contains("refers back"));
        // Nothing changed.
        assert!(get(&workspace, a.id).unwrap().rules.rules.is_empty());
    }

    #[test]
    fn referenced_segments_cannot_be_deleted() {
        let mut workspace = Workspace::in_memory().unwrap();
        let a = create(
            &mut workspace,
            &draft("A", json!({"combinator": "and", "rules": []})),
        )
        .unwrap();
        let b = create(&mut workspace, &draft("B", member_of(a.id))).unwrap();
        let error = delete(&mut workspace, a.id).unwrap_err().to_string();
        assert!(error.contains("used by the segment “B”"), "{error}");
        delete(&mut workspace, b.id).unwrap();
        delete(&mut workspace, a.id).unwrap();
        assert!(matches!(
            get(&workspace, a.id),
            Err(Error::UnknownSegment { .. })
        ));
    }

    /// Saves a stream (inactive) that uses segments where streams can:
    /// its entry, a branch and its exit goal.
    fn stream_using(
        workspace: &mut Workspace,
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
                        email: None,
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
        let mut workspace = Workspace::in_memory().unwrap();
        let everyone = json!({"combinator": "and", "rules": []});
        let decision = create(&mut workspace, &draft("Decision", everyone.clone())).unwrap();
        let lapsed = create(&mut workspace, &draft("Lapsed", everyone.clone())).unwrap();
        let converted = create(&mut workspace, &draft("Converted", everyone.clone())).unwrap();
        let unused = create(&mut workspace, &draft("Unused", everyone)).unwrap();
        let nurture = stream_using(
            &mut workspace,
            "Decision nurture",
            vec![decision.id],
            None,
            None,
        );
        stream_using(
            &mut workspace,
            "Win-back",
            vec![lapsed.id, decision.id],
            None,
            None,
        );
        stream_using(
            &mut workspace,
            "Onboarding",
            vec![lapsed.id],
            Some(converted.id),
            None,
        );
        stream_using(
            &mut workspace,
            "Upsell",
            vec![lapsed.id],
            None,
            Some(converted.id),
        );

        let error = delete(&mut workspace, decision.id).unwrap_err().to_string();
        assert!(
            error.contains("used by the streams “Decision nurture” and “Win-back”"),
            "{error}"
        );
        assert!(
            error.contains("remove it from their entry first"),
            "{error}"
        );
        // Branch conditions and exit goals count as uses too, and say so.
        let error = delete(&mut workspace, converted.id)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("“Onboarding” (a branch) and “Upsell” (the exit goal)"),
            "{error}"
        );
        // Nothing was deleted; an unused segment still can be.
        assert_eq!(get(&workspace, decision.id).unwrap().name, "Decision");
        assert_eq!(get(&workspace, converted.id).unwrap().name, "Converted");
        delete(&mut workspace, unused.id).unwrap();
        // Once no stream uses it, it can go.
        crate::streams::model::delete(&mut workspace, nurture).unwrap();
        let error = delete(&mut workspace, decision.id).unwrap_err().to_string();
        assert!(error.contains("used by the stream “Win-back”"), "{error}");
        assert!(error.contains("remove it from its entry first"), "{error}");
    }

    /// A file workspace with ten leads: three in Germany, two in France.
    fn workspace_with_countries() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::create(dir.path().join("deep.leadstream")).unwrap();
        let countries = [
            "Germany", "France", "Spain", "GERMANY", "Italy", "france", "Peru", "germany", "",
            "Chile",
        ];
        for (index, country) in countries.iter().enumerate() {
            workspace
                .conn()
                .execute(
                    "INSERT INTO leads (email, country, created_at, updated_at) VALUES (?1, ?2, 0, 0)",
                    (format!("lead{index}@example.com"), country),
                )
                .unwrap();
        }
        (dir, workspace)
    }

    /// Saves a segment with raw SQL, as an older or damaged file may hold it:
    /// no validation at all.
    fn insert_raw(workspace: &Workspace, name: &str, rules: serde_json::Value) -> i64 {
        workspace
            .conn()
            .execute(
                "INSERT INTO segments (name, rules) VALUES (?1, ?2)",
                (name, rules.to_string()),
            )
            .unwrap();
        workspace.conn().last_insert_rowid()
    }

    fn in_country(country: &str) -> serde_json::Value {
        json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": country}]})
    }

    /// Runs `work` on its own thread with a 1 MiB stack and fails the test
    /// unless it finishes within `seconds`.
    fn promptly<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let _ = sender.send(work());
            })
            .unwrap();
        receiver
            .recv_timeout(std::time::Duration::from_secs(seconds))
            .unwrap_or_else(|_| panic!("did not finish within {seconds} s"))
    }

    fn counts_by_name(workspace: &Workspace) -> std::collections::HashMap<String, SegmentSummary> {
        list_with_counts(workspace, 0)
            .unwrap()
            .into_iter()
            .map(|summary| (summary.segment.name.clone(), summary))
            .collect()
    }

    #[test]
    fn a_diamond_of_segment_references_counts_promptly_and_too_deep_levels_report_an_error() {
        let (_dir, workspace) = workspace_with_countries();
        // Level 0: Germany (3 leads) and Germany or France (5). Each level
        // above refers to both segments below twice: A = A∪B, B = A∩B.
        let mut below = (
            insert_raw(&workspace, "A0", in_country("Germany")),
            insert_raw(
                &workspace,
                "B0",
                json!({"combinator": "and", "rules": [{"field": "country", "operator": "in", "value": ["germany", "FRANCE"]}]}),
            ),
        );
        for level in 1..40 {
            let (a, b) = below;
            let a_in = json!({"field": "segment", "operator": "in", "value": a});
            let b_in = json!({"field": "segment", "operator": "in", "value": b});
            below = (
                insert_raw(
                    &workspace,
                    &format!("A{level}"),
                    json!({"combinator": "or", "rules": [a_in, b_in, {"combinator": "and", "rules": [a_in, b_in]}]}),
                ),
                insert_raw(
                    &workspace,
                    &format!("B{level}"),
                    json!({"combinator": "and", "rules": [a_in, b_in, {"combinator": "or", "rules": [a_in, b_in]}]}),
                ),
            );
        }
        let (workspace, counts) = promptly(60, move || {
            let counts = counts_by_name(&workspace);
            (workspace, counts)
        });
        assert_eq!(counts["A0"].count, Some(3));
        assert_eq!(counts["B0"].count, Some(5));
        for level in 1..=MAX_REFERENCE_DEPTH {
            let (a, b) = (&counts[&format!("A{level}")], &counts[&format!("B{level}")]);
            assert_eq!((a.count, b.count), (Some(5), Some(3)), "level {level}");
            assert!(a.problem.is_none(), "{:?}", a.problem);
        }
        for level in MAX_REFERENCE_DEPTH + 1..40 {
            let a = &counts[&format!("A{level}")];
            assert_eq!(a.count, None, "level {level}");
            let problem = a.problem.as_deref().unwrap_or_default();
            assert!(
                problem.contains("more than 32 levels deep")
                    && problem.contains(&format!("“A{level}”")),
                "{problem}"
            );
        }
        // The deepest allowed level explains and counts from a new index promptly too.
        let deepest = counts[&format!("A{MAX_REFERENCE_DEPTH}")].segment.clone();
        promptly(60, move || {
            let explanation = super::super::explain(&workspace, &deepest.rules, 1, 0).unwrap();
            assert!(explanation.matched);
            workspace.clear_derived();
            assert_eq!(
                super::super::count(&workspace, &deepest.rules, 0).unwrap(),
                5
            );
            // Row at a time, as the planner asks.
            let condition = compile::compile(workspace.conn(), &deepest.rules).unwrap();
            let rows = super::super::with_index(&workspace, |index| {
                index.prepare(workspace.conn(), &condition)?;
                Ok((0..index.len())
                    .filter(|&row| index.holds_row(&condition, row, 0, &Vec::new()))
                    .count())
            })
            .unwrap();
            assert_eq!(rows, 5);
        });
    }

    #[test]
    fn a_chain_of_200_segment_references_never_overflows_the_stack() {
        let (_dir, workspace) = workspace_with_countries();
        let mut below = insert_raw(&workspace, "L0", in_country("Germany"));
        for level in 1..200 {
            below = insert_raw(&workspace, &format!("L{level}"), member_of(below));
        }
        let counts = promptly(60, move || {
            workspace.clear_derived();
            counts_by_name(&workspace)
        });
        for level in 0..=MAX_REFERENCE_DEPTH {
            assert_eq!(counts[&format!("L{level}")].count, Some(3), "level {level}");
        }
        for level in MAX_REFERENCE_DEPTH + 1..200 {
            let summary = &counts[&format!("L{level}")];
            assert_eq!(summary.count, None, "level {level}");
            assert!(summary.problem.is_some());
        }
        // A built-in segment still counts beside them.
        assert!(counts["Practitioners"].count.is_some());
    }

    #[test]
    fn saving_a_segment_past_the_reference_depth_limit_is_refused_with_the_chain() {
        let mut workspace = Workspace::in_memory().unwrap();
        let bottom = create(&mut workspace, &draft("L0", in_country("Germany"))).unwrap();
        let mut top = bottom.clone();
        for level in 1..=MAX_REFERENCE_DEPTH {
            top = create(
                &mut workspace,
                &draft(&format!("L{level}"), member_of(top.id)),
            )
            .unwrap();
        }
        let error = create(&mut workspace, &draft("Too deep", member_of(top.id)))
            .unwrap_err()
            .to_string();
        assert!(error.contains("more than 32 levels deep"), "{error}");
        assert!(error.contains("“L32”") && error.contains("“L0”"), "{error}");
        assert_eq!(list(&workspace).unwrap().len(), templates().len() + 33);
        // Making the bottom refer to one more segment would push the top past
        // the limit: refused too, naming the top of the chain.
        let extra = create(&mut workspace, &draft("Extra", in_country("France"))).unwrap();
        let error = update(&mut workspace, bottom.id, &draft("L0", member_of(extra.id)))
            .unwrap_err()
            .to_string();
        assert!(error.contains("more than 32 levels deep"), "{error}");
        assert!(
            error.contains("“L32”") && error.contains("“Extra”"),
            "{error}"
        );
        assert_eq!(
            get(&workspace, bottom.id).unwrap().rules,
            RuleGroup::from_value(&in_country("Germany")).unwrap()
        );
    }

    #[test]
    fn raising_the_builtin_version_keeps_builtin_ids_and_references() {
        let (_dir, mut workspace) = workspace_with_countries();
        workspace
            .conn()
            .execute(
                "UPDATE leads SET buying_stage = 'Decision' WHERE id <= 4",
                [],
            )
            .unwrap();
        let builtin_id = |workspace: &Workspace, name: &str| {
            list(workspace)
                .unwrap()
                .into_iter()
                .find(|s| s.is_builtin && s.name == name)
                .unwrap_or_else(|| panic!("built-in “{name}”"))
                .id
        };
        let decision = builtin_id(&workspace, "Decision stage");
        let before: Vec<(i64, String)> = list(&workspace)
            .unwrap()
            .into_iter()
            .filter(|s| s.is_builtin)
            .map(|s| (s.id, s.name))
            .collect();
        let mine = create(&mut workspace, &draft("Deciders", member_of(decision))).unwrap();
        assert_eq!(super::super::count(&workspace, &mine.rules, 0).unwrap(), 4);

        // Version 2 renames the decision segment and narrows its rules.
        let mut next = templates();
        let changed = next.iter_mut().find(|t| t.key == "stage-decision").unwrap();
        changed.name = "Ready to buy".into();
        changed.rules = RuleGroup::from_value(&json!({"combinator": "and", "rules": [
            {"field": "buying_stage", "operator": "=", "value": "Decision"},
            {"field": "country", "operator": "=", "value": "germany"}
        ]}))
        .unwrap();
        install_builtin_set(&mut workspace, BUILTIN_VERSION + 1, &next).unwrap();

        assert_eq!(
            builtin_id(&workspace, "Ready to buy"),
            decision,
            "the id did not change"
        );
        let after: Vec<i64> = list(&workspace)
            .unwrap()
            .into_iter()
            .filter(|s| s.is_builtin)
            .map(|s| s.id)
            .collect();
        let mut before_ids: Vec<i64> = before.iter().map(|(id, _)| *id).collect();
        let mut after_ids = after.clone();
        before_ids.sort();
        after_ids.sort();
        assert_eq!(after_ids, before_ids, "every built-in keeps its id");
        // The user's segment follows the new definition: leads 1 and 4 are in Germany.
        assert_eq!(super::super::count(&workspace, &mine.rules, 0).unwrap(), 2);
        let listed = counts_by_name(&workspace);
        assert_eq!(
            listed["Deciders"].count,
            Some(2),
            "{:?}",
            listed["Deciders"].problem
        );

        // Version 3 drops two templates: the one a user segment uses stays,
        // as the user's own; the unused one goes.
        let smb = builtin_id(&workspace, "Small and medium businesses");
        let enterprise = builtin_id(&workspace, "Enterprise");
        let small = create(&mut workspace, &draft("Small", member_of(smb))).unwrap();
        next.retain(|t| !t.key.starts_with("size-"));
        install_builtin_set(&mut workspace, BUILTIN_VERSION + 2, &next).unwrap();
        let kept = get(&workspace, smb).unwrap();
        assert!(!kept.is_builtin, "kept as the user's own segment");
        assert!(super::super::count(&workspace, &small.rules, 0).is_ok());
        assert!(matches!(
            get(&workspace, enterprise),
            Err(Error::UnknownSegment { .. })
        ));
        assert_eq!(builtin_id(&workspace, "Ready to buy"), decision);
    }

    #[test]
    fn a_workspace_from_before_builtin_keys_keeps_its_builtin_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.leadstream");
        let mut workspace = Workspace::create(&path).unwrap();
        let decision = list(&workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.name == "Decision stage")
            .unwrap()
            .id;
        let mine = create(&mut workspace, &draft("Deciders", member_of(decision))).unwrap();
        // Back to the schema before migration 3, as files written before the
        // key column are (and so before the later migrations too).
        workspace
            .conn()
            .execute_batch(
                "DROP TABLE derived_cache;
                 DROP TABLE data_generation;
                 DROP TRIGGER audit_log_no_update;
                 DROP TRIGGER audit_log_no_delete;
                 DROP TABLE consent_events;
                 DROP TABLE suppression;
                 DELETE FROM settings WHERE key = 'suppression_salt';
                 DELETE FROM fields WHERE key IN ('ads_opt_in', 'do_not_sell');
                 ALTER TABLE leads DROP COLUMN ads_opt_in;
                 ALTER TABLE leads DROP COLUMN do_not_sell;
                 DROP TABLE lead_merges;
                 DROP TRIGGER goals_and_reviews_segment_deleted;
                 DROP TRIGGER goals_stream_deleted;
                 DROP TABLE goals;
                 DROP TABLE review_settings;
                 DROP TABLE reviews;
                 DROP TRIGGER ice_scores_segment_deleted;
                 DROP TRIGGER ice_scores_stream_deleted;
                 DROP TABLE ice_scores;
                 DROP TRIGGER IF EXISTS segment_snapshots_follow_segments;
                 DROP TABLE IF EXISTS segment_snapshots;
                 DROP TABLE hierarchy_segments;
                 DROP TABLE hierarchies;
                 DROP TABLE scoring_models;
                 DELETE FROM fields WHERE is_computed = 1;
                 ALTER TABLE fields DROP COLUMN is_computed;
                 ALTER TABLE leads DROP COLUMN score_fit;
                 ALTER TABLE leads DROP COLUMN score_engagement;
                 ALTER TABLE leads DROP COLUMN score_total;
                 ALTER TABLE leads DROP COLUMN score_grade;
                 ALTER TABLE leads DROP COLUMN score_band;
                 DELETE FROM segments WHERE builtin_key LIKE 'score-%';
                 UPDATE settings SET value = '1' WHERE key = 'builtin_segments';
                 DROP INDEX segments_builtin_key;
                 ALTER TABLE segments DROP COLUMN builtin_key;
                 DELETE FROM schema_migrations WHERE version >= 3;",
            )
            .unwrap();
        drop(workspace);

        let mut workspace = Workspace::open(&path).unwrap();
        let keyed: i64 = workspace
            .conn()
            .query_row(
                "SELECT count(*) FROM segments WHERE is_builtin = 1 AND builtin_key IS NOT NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(keyed as usize, templates().len());
        install_builtin_set(&mut workspace, BUILTIN_VERSION + 1, &templates()).unwrap();
        assert_eq!(get(&workspace, decision).unwrap().name, "Decision stage");
        assert_eq!(list(&workspace).unwrap().len(), templates().len() + 1);
        assert!(super::super::count(&workspace, &mine.rules, 0).is_ok());
    }

    #[test]
    fn drafts_are_checked() {
        let mut workspace = Workspace::in_memory().unwrap();
        let mut bad = draft(" ", json!({"rules": []}));
        assert!(create(&mut workspace, &bad).is_err());
        bad.name = "ok".into();
        bad.color = "red".into();
        assert!(create(&mut workspace, &bad)
            .unwrap_err()
            .to_string()
            .contains("#rrggbb"));
        let invalid_rules = draft(
            "x",
            json!({"rules": [{"field": "nope", "operator": "=", "value": "1"}]}),
        );
        assert!(create(&mut workspace, &invalid_rules)
            .unwrap_err()
            .to_string()
            .contains("nope"));
    }

    #[test]
    fn editing_segments_keeps_the_index_and_its_cached_parts_and_counts_stay_true() {
        const ANCHOR: i64 = 1_790_000_000;
        let mut workspace = Workspace::in_memory().unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 300,
            events_per_lead: 4,
            seed: 3,
            anchor: ANCHOR,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let persona = |value: &str| {
            json!({"combinator": "and", "rules": [
                {"field": "persona", "operator": "=", "value": value}]})
        };
        let count = |workspace: &Workspace, rules: serde_json::Value| {
            crate::segments::count(workspace, &RuleGroup::from_value(&rules).unwrap(), ANCHOR)
                .unwrap()
        };
        let executives = count(&workspace, persona("Executive decision maker"));
        let practitioners = count(&workspace, persona("Practitioner"));
        assert!(executives > 0 && practitioners > 0 && executives != practitioners);
        let stamp = workspace.data_stamp().unwrap();
        let parts = crate::store::tables::derived_cache::parts(workspace.conn()).unwrap();
        assert!(!parts.is_empty());

        let saved = create(
            &mut workspace,
            &draft("Executives", persona("Executive decision maker")),
        )
        .unwrap();
        assert_eq!(count(&workspace, member_of(saved.id)), executives);
        // A new definition of the same segment counts anew: members are
        // never cached with the index.
        update(
            &mut workspace,
            saved.id,
            &draft("Practitioners", persona("Practitioner")),
        )
        .unwrap();
        assert_eq!(count(&workspace, member_of(saved.id)), practitioners);
        delete(&mut workspace, saved.id).unwrap();

        // None of it touched the data: same stamp, so the index in memory
        // was kept, and the same parts in the file.
        assert_eq!(workspace.data_stamp().unwrap(), stamp);
        assert_eq!(
            crate::store::tables::derived_cache::parts(workspace.conn()).unwrap(),
            parts
        );
    }
}
