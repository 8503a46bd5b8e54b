//! What uses a custom field (saved segments, streams), and deleting custom
//! fields that nothing uses. It sits above segments and streams, so the
//! field catalogue below them need not know either.

use crate::fields::{resolve, FieldDeletion};
use crate::segments::{saved, RuleGroup, RuleNode};
use crate::store::tables::fields as stored_fields;
use crate::streams::model::{self as streams, NodeAction};
use crate::{Error, Result, Workspace};
use rusqlite::Connection;

/// Does any rule of `group`, however deeply nested, test the field `key`?
fn rules_use_field(group: &RuleGroup, key: &str) -> bool {
    group.rules.iter().any(|node| match node {
        RuleNode::Group(inner) => rules_use_field(inner, key),
        RuleNode::Rule(rule) => rule.field == key,
    })
}

/// The saved segments and streams that use the field `key`, named for a
/// message: segments whose rules test it, streams whose exit goal or branch
/// rules test it or that update it.
pub fn used_by(conn: &Connection, key: &str) -> Result<Vec<String>> {
    let mut users: Vec<String> = saved::list_on(conn)?
        .into_iter()
        .filter(|segment| rules_use_field(&segment.rules, key))
        .map(|segment| format!("segment “{}” ({})", segment.name, segment.id))
        .collect();
    for stream in streams::list_on(conn)? {
        let definition = &stream.definition;
        let in_exit_goal = definition
            .exit_goal
            .as_ref()
            .is_some_and(|goal| rules_use_field(goal, key));
        let in_nodes = definition.nodes.iter().any(|node| match &node.action {
            NodeAction::Branch { rules, .. } => rules_use_field(rules, key),
            NodeAction::UpdateField { field, .. } => field == key,
            _ => false,
        });
        if in_exit_goal || in_nodes {
            users.push(format!("stream “{}” ({})", stream.name, stream.id));
        }
    }
    Ok(users)
}

/// Deletes a custom field and all its values, in one transaction. Standard
/// fields are refused, and so is a field that saved segments or streams
/// still use (they are named), as HubSpot refuses to delete a property that
/// lists or workflows use. Earlier imports stay undoable: the values they
/// would restore into the field are gone with it.
///
/// Only that field's values go, so the derived parts that read none of it
/// (the segment index's lead ids, events and other columns, the quick
/// search's keys) stay in the file and in memory
/// (`segments::writing_fields`); a field is found by its exact key, so the
/// key given is the one whose column goes.
pub fn delete_custom(workspace: &mut Workspace, key: &str) -> Result<FieldDeletion> {
    crate::segments::writing_fields(workspace, &[key], |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let resolved = resolve(&tx, key)?;
        if resolved.field.is_standard {
            return Err(Error::InvalidArgument(format!(
                "`{key}` is a standard field and cannot be deleted; only custom fields can"
            )));
        }
        let users = used_by(&tx, key)?;
        if !users.is_empty() {
            return Err(Error::FieldInUse {
                key: key.to_owned(),
                used_by: users,
            });
        }
        let values_deleted = stored_fields::delete_custom(&tx, resolved.id, key)?;
        tx.commit()?;
        Ok(FieldDeletion {
            key: resolved.field.key,
            label: resolved.field.label,
            values_deleted,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{add_custom, list, Category, FieldType, NewField, Origin};
    use crate::Workspace;

    /// A workspace with two leads and a custom number field `shoe_size`,
    /// set for lead 1 (38) and lead 2 (44).
    fn workspace_with_shoe_sizes() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (email, created_at, updated_at)
                 VALUES ('ann@example.com', 0, 0), ('bo@example.com', 0, 0);",
            )
            .unwrap();
        add_shoe_size(&ws);
        ws.conn()
            .execute_batch(
                "INSERT INTO custom_values (field_id, lead_id, value)
                 SELECT id, 1, 38 FROM fields WHERE key = 'shoe_size';
                 INSERT INTO custom_values (field_id, lead_id, value)
                 SELECT id, 2, 44 FROM fields WHERE key = 'shoe_size';",
            )
            .unwrap();
        ws
    }

    fn add_shoe_size(ws: &Workspace) {
        add_custom(
            ws.conn(),
            &NewField {
                key: "shoe_size",
                label: "Shoe size",
                field_type: FieldType::Number,
                origin: Origin::Explicit,
                category: Category::Demographic,
            },
        )
        .unwrap();
    }

    fn shoe_size_38() -> RuleGroup {
        RuleGroup::from_json(
            r#"{"combinator":"and","rules":[{"field":"shoe_size","operator":"=","value":38}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn custom_field_is_deleted_with_its_values() {
        let mut ws = workspace_with_shoe_sizes();
        assert_eq!(crate::segments::count(&ws, &shoe_size_38(), 0).unwrap(), 1);
        let deletion = delete_custom(&mut ws, "shoe_size").unwrap();
        assert_eq!(
            deletion,
            FieldDeletion {
                key: "shoe_size".into(),
                label: "Shoe size".into(),
                values_deleted: 2
            }
        );
        assert!(matches!(
            resolve(ws.conn(), "shoe_size"),
            Err(Error::UnknownField { .. })
        ));
        let left: i64 = ws
            .conn()
            .query_row("SELECT count(*) FROM custom_values", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        // A new field with the same key starts empty: the segment index does
        // not keep the deleted field's values.
        add_shoe_size(&ws);
        assert_eq!(crate::segments::count(&ws, &shoe_size_38(), 0).unwrap(), 0);
    }

    /// Deleting a custom field keeps every stored part that reads none of
    /// it (the lead ids, the events, the other columns, the quick search's
    /// keys), and the counts from them are what a rebuild from SQL gives.
    #[test]
    fn deleting_a_custom_field_keeps_the_parts_that_read_none_of_it() {
        use crate::store::tables::derived_cache;
        let mut ws = workspace_with_shoe_sizes();
        ws.conn()
            .execute_batch(
                "UPDATE leads SET country = 'France' WHERE id = 2;
                 INSERT INTO events (lead_id, type, occurred_at) VALUES (1, 'download', 100);",
            )
            .unwrap();
        let france = RuleGroup::from_json(
            r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"France"}]}"#,
        )
        .unwrap();
        let downloaded = RuleGroup::from_json(
            r#"{"combinator":"and","rules":[{"field":"event","operator":"performed","value":{"type":"download"}}]}"#,
        )
        .unwrap();
        let counts = |ws: &Workspace| {
            crate::segments::count_many(ws, &[&france, &downloaded], i64::MAX / 2).unwrap()
        };
        assert_eq!(crate::segments::count(&ws, &shoe_size_38(), 0).unwrap(), 1);
        assert_eq!(counts(&ws), [1, 1]);
        // The quick search's keys, as a workspace stores them on closing.
        let query = crate::leads::LeadQuery {
            offset: 0,
            limit: 10,
            columns: vec!["email".into()],
            sort: None,
            search: "ann@".into(),
            search_custom_fields: false,
        };
        assert_eq!(crate::leads::page(&ws, &query).unwrap().total, Some(1));
        crate::leads::store_search_keys_on_close(&ws);
        let before = derived_cache::part_names(ws.conn());
        assert!(
            before.contains(&"segment-index/v1/field/shoe_size".to_owned()),
            "{before:?}"
        );
        for half in ["search/v3/keys/1", "search/v3/keys/2"] {
            assert!(before.contains(&half.to_owned()), "{before:?}");
        }

        delete_custom(&mut ws, "shoe_size").unwrap();
        let kept: Vec<String> = before
            .into_iter()
            .filter(|name| name != "segment-index/v1/field/shoe_size")
            .collect();
        assert_eq!(derived_cache::part_names(ws.conn()), kept);
        ws.clear_derived();
        assert_eq!(counts(&ws), [1, 1], "from the kept parts");
        ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
        ws.clear_derived();
        assert_eq!(counts(&ws), [1, 1], "from SQL");
    }

    #[test]
    fn standard_and_unknown_fields_are_not_deleted() {
        let mut ws = workspace_with_shoe_sizes();
        let standard = delete_custom(&mut ws, "email").unwrap_err().to_string();
        assert!(standard.contains("standard field"), "{standard}");
        assert!(matches!(
            delete_custom(&mut ws, "hat_size"),
            Err(Error::UnknownField { .. })
        ));
        assert_eq!(list(ws.conn()).unwrap().len(), 31);
    }

    #[test]
    fn field_used_by_a_segment_or_stream_is_not_deleted() {
        let mut ws = workspace_with_shoe_sizes();
        let segment = crate::segments::saved::create(
            &mut ws,
            &crate::segments::saved::SegmentDraft {
                name: "Size 38".into(),
                description: String::new(),
                color: "#4f46e5".into(),
                folder: String::new(),
                rules: RuleGroup::from_json(
                    r#"{"combinator":"and","rules":[{"combinator":"or","not":true,"rules":[
                        {"field":"shoe_size","operator":"=","value":38}]}]}"#,
                )
                .unwrap(),
            },
        )
        .unwrap();
        ws.conn()
            .execute(
                "INSERT INTO streams (name, definition) VALUES ('Shoe sale', ?1)",
                [serde_json::json!({
                    "entry_segments": [],
                    "reentry": {"kind": "once"},
                    "nodes": [
                        {"id": "entry", "action": {"type": "entry"}},
                        {"id": "set", "action": {"type": "update_field", "field": "shoe_size", "value": 40}}
                    ],
                    "edges": []
                })
                .to_string()],
            )
            .unwrap();
        let error = delete_custom(&mut ws, "shoe_size").unwrap_err();
        let Error::FieldInUse { key, used_by } = &error else {
            panic!("{error}");
        };
        assert_eq!(key, "shoe_size");
        assert_eq!(
            used_by,
            &[
                format!("segment “Size 38” ({})", segment.id),
                "stream “Shoe sale” (1)".to_owned()
            ]
        );
        assert!(error.to_string().contains("change those first"));
        assert!(resolve(ws.conn(), "shoe_size").is_ok(), "kept");
        assert_eq!(crate::segments::count(&ws, &shoe_size_38(), 0).unwrap(), 1);
    }
}
