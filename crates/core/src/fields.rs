//! The field catalogue: every standard and custom field of a lead, with its
//! type, its segmentation category and whether it is explicit or implicit;
//! adding and deleting custom fields.
//! Other modules resolve field keys here before touching SQL, so a key never
//! reaches a query unchecked.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::tables::fields::{self as stored_fields, NewFieldRow, StoredField};
use crate::{Error, Result};

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

impl Category {
    /// The seven segmentation types in their usual order (how the coverage
    /// analysis and the quality report list them).
    pub const ALL: [Category; 7] = [
        Category::Demographic,
        Category::Geographic,
        Category::Firmographic,
        Category::Psychographic,
        Category::Behavioral,
        Category::NeedsBased,
        Category::Technographic,
    ];
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
    /// Computed by Leadstream (the active scoring model's scores): read like
    /// any field, never written by an import or a stream.
    pub is_computed: bool,
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
            is_computed: stored.is_computed,
        },
    })
}

/// Every field, standard ones first in their fixed order, then custom ones in
/// the order they were added.
///
/// Takes a connection, not the workspace: segment and stream code (owned
/// elsewhere) calls it with `workspace.conn()`, and an import reads the
/// catalogue inside its own transaction.
pub fn list(conn: &Connection) -> Result<Vec<Field>> {
    Ok(list_resolved(conn)?.into_iter().map(|f| f.field).collect())
}

pub(crate) fn list_resolved(conn: &Connection) -> Result<Vec<ResolvedField>> {
    stored_fields::list_on(conn)?
        .into_iter()
        .map(resolved_from_stored)
        .collect()
}

/// Looks a key up in the catalogue. Takes a connection for the reasons
/// [`list`] does (an import and an undo resolve keys inside their
/// transaction).
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
///
/// Takes a connection: an import adds fields inside its own transaction,
/// and segment tests and the store's tests (owned elsewhere) call it with
/// `workspace.conn()`.
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
        assert_eq!(keys.len(), 30);
        assert_eq!(keys[24], "updated_at");
        let computed: Vec<&str> = fields
            .iter()
            .filter(|f| f.is_computed)
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(
            computed,
            [
                "score_fit",
                "score_engagement",
                "score_total",
                "score_grade",
                "score_band"
            ]
        );
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
