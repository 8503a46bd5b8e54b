//! The field catalogue: every standard and custom field of a lead, with its
//! type, its segmentation category and whether it is explicit or implicit;
//! adding and deleting custom fields.
//! Other modules resolve field keys here before touching SQL, so a key never
//! reaches a query unchecked.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segments::{saved, RuleGroup, RuleNode};
use crate::store::tables::fields::{self as stored_fields, NewFieldRow, StoredField};
use crate::streams::model::{self as streams, NodeAction};
use crate::{Error, Result, Workspace};

/// The value type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldType {
    Text,
    Number,
    Date,
    Boolean,
    /// A list of text values, such as technologies or interests.
    List,
}

/// The seven segmentation categories of lead data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Category {
    Demographic,
    Geographic,
    Firmographic,
    Psychographic,
    Behavioral,
    NeedsBased,
    Technographic,
}

/// Explicit data is what a lead or a CRM told us; implicit data is inferred
/// from behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Origin {
    Explicit,
    Implicit,
}

/// One entry of the field catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Field {
    pub key: String,
    /// Shown to the user; for imported custom fields, the original column header.
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub origin: Origin,
    pub category: Category,
    /// Standard fields are columns of `leads`; custom ones live in `custom_values`.
    pub is_standard: bool,
}

/// A field resolved against the catalogue, with where its value is stored.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedField {
    pub field: Field,
    pub(crate) id: i64,
}

impl ResolvedField {
    /// The SQL expression of this field's value for the lead aliased `l`.
    /// Standard keys are checked column names; custom fields are looked up by
    /// their catalogue id.
    pub(crate) fn sql_value(&self) -> String {
        if self.field.is_standard {
            format!("l.\"{}\"", self.field.key)
        } else {
            format!(
                "(SELECT cv.value FROM custom_values cv WHERE cv.field_id = {} AND cv.lead_id = l.id)",
                self.id
            )
        }
    }
}

/// The properties of a new custom field.
#[derive(Debug, Clone)]
pub struct NewField<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub field_type: FieldType,
    pub origin: Origin,
    pub category: Category,
}

fn parse_enum<T: serde::de::DeserializeOwned>(index: usize, text: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A stored catalogue row as a catalogue entry; an enum the app does not
/// know is reported as SQLite reports an unreadable column.
fn resolved_from_stored(stored: StoredField) -> Result<ResolvedField> {
    Ok(ResolvedField {
        id: stored.id,
        field: Field {
            key: stored.key,
            label: stored.label,
            field_type: parse_enum(3, stored.field_type)?,
            origin: parse_enum(4, stored.origin)?,
            category: parse_enum(5, stored.category)?,
            is_standard: stored.is_standard,
        },
    })
}

/// Every field, standard ones first in their fixed order, then custom ones in
/// the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<Field>> {
    Ok(list_resolved(conn)?.into_iter().map(|f| f.field).collect())
}

pub(crate) fn list_resolved(conn: &Connection) -> Result<Vec<ResolvedField>> {
    stored_fields::list_on(conn)?
        .into_iter()
        .map(resolved_from_stored)
        .collect()
}

/// Looks a key up in the catalogue.
pub(crate) fn resolve(conn: &Connection, key: &str) -> Result<ResolvedField> {
    match stored_fields::find_on(conn, key)? {
        Some(field) => resolved_from_stored(field),
        None => Err(Error::UnknownField {
            key: key.to_owned(),
        }),
    }
}

/// Is `key` usable as a new field key? Lower-case ASCII letters, digits and
/// underscores, starting with a letter, at most 64 characters.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && key.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Adds a custom field to the catalogue and returns it.
pub fn add_custom(conn: &Connection, new: &NewField<'_>) -> Result<Field> {
    if !is_valid_key(new.key) {
        return Err(Error::InvalidArgument(format!(
            "`{}` is not a valid field key: use lower-case letters, digits and _, starting with a letter",
            new.key
        )));
    }
    if resolve(conn, new.key).is_ok()
        || matches!(
            new.key,
            "id" | "external_id" | "email_key" | "event" | "segment"
        )
    {
        return Err(Error::InvalidArgument(format!(
            "a field named `{}` already exists",
            new.key
        )));
    }
    stored_fields::insert_custom_on(
        conn,
        &NewFieldRow {
            key: new.key,
            label: new.label,
            field_type: &enum_text(&new.field_type),
            origin: &enum_text(&new.origin),
            category: &enum_text(&new.category),
        },
    )?;
    Ok(resolve(conn, new.key)?.field)
}

/// What deleting a custom field removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldDeletion {
    pub key: String,
    pub label: String,
    /// How many leads had a value in the field.
    #[ts(type = "number")]
    pub values_deleted: u64,
}

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
    let mut users: Vec<String> = saved::list(conn)?
        .into_iter()
        .filter(|segment| rules_use_field(&segment.rules, key))
        .map(|segment| format!("segment “{}” ({})", segment.name, segment.id))
        .collect();
    for stream in streams::list(conn)? {
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
pub fn delete_custom(workspace: &mut Workspace, key: &str) -> Result<FieldDeletion> {
    let tx = workspace
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
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
}

/// The serde name of a catalogue enum variant, as stored in the `fields` table.
pub fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => unreachable!("catalogue enums serialize as strings, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn standard_fields_are_seeded_in_order() {
        let ws = Workspace::in_memory().unwrap();
        let fields = list(ws.conn()).unwrap();
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys.len(), 23);
        assert_eq!(&keys[..3], ["email", "first_name", "last_name"]);
        let employees = fields.iter().find(|f| f.key == "employees").unwrap();
        assert_eq!(employees.field_type, FieldType::Number);
        assert_eq!(employees.category, Category::Firmographic);
        assert!(employees.is_standard);
        let score = fields.iter().find(|f| f.key == "score").unwrap();
        assert_eq!(score.origin, Origin::Implicit);
    }

    #[test]
    fn every_standard_field_is_a_leads_column() {
        let ws = Workspace::in_memory().unwrap();
        for field in list(ws.conn()).unwrap() {
            let sql = format!("SELECT \"{}\" FROM leads LIMIT 0", field.key);
            ws.conn()
                .prepare(&sql)
                .unwrap_or_else(|e| panic!("{}: {e}", field.key));
        }
    }

    #[test]
    fn custom_fields_are_added_and_validated() {
        let ws = Workspace::in_memory().unwrap();
        let new = NewField {
            key: "technologies",
            label: "Tech Stack",
            field_type: FieldType::List,
            origin: Origin::Explicit,
            category: Category::Technographic,
        };
        let field = add_custom(ws.conn(), &new).unwrap();
        assert_eq!(field.label, "Tech Stack");
        assert!(!field.is_standard);
        assert!(add_custom(ws.conn(), &new).is_err(), "duplicate key");
        assert!(add_custom(
            ws.conn(),
            &NewField {
                key: "Bad Key",
                ..new.clone()
            }
        )
        .is_err());
        assert!(add_custom(
            ws.conn(),
            &NewField {
                key: "email",
                ..new
            }
        )
        .is_err());
        assert_eq!(list(ws.conn()).unwrap().last().unwrap().key, "technologies");
    }

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

    #[test]
    fn standard_and_unknown_fields_are_not_deleted() {
        let mut ws = workspace_with_shoe_sizes();
        let standard = delete_custom(&mut ws, "email").unwrap_err().to_string();
        assert!(standard.contains("standard field"), "{standard}");
        assert!(matches!(
            delete_custom(&mut ws, "hat_size"),
            Err(Error::UnknownField { .. })
        ));
        assert_eq!(list(ws.conn()).unwrap().len(), 24);
    }

    #[test]
    fn field_used_by_a_segment_or_stream_is_not_deleted() {
        let mut ws = workspace_with_shoe_sizes();
        let segment = crate::segments::saved::create(
            &ws,
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

    #[test]
    fn unknown_keys_are_refused() {
        let ws = Workspace::in_memory().unwrap();
        assert!(matches!(
            resolve(ws.conn(), "email\"; DROP TABLE leads; --"),
            Err(Error::UnknownField { .. })
        ));
    }

    #[test]
    fn key_validation() {
        assert!(is_valid_key("annual_budget_2"));
        assert!(!is_valid_key("2budget"));
        assert!(!is_valid_key("budget-x"));
        assert!(!is_valid_key(""));
    }
}
