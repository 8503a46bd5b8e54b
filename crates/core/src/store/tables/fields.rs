//! The `fields` table: the field catalogue (standard and custom fields),
//! as stored: types, origins and categories as their serde names. Turning
//! rows into catalogue types is `crate::fields`' work.

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::{Result, Workspace};

/// How many fields the catalogue holds.
pub fn count(workspace: &Workspace) -> Result<u64> {
    super::count_rows(workspace.conn(), "fields")
}

/// One row of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredField {
    pub id: i64,
    pub key: String,
    pub label: String,
    /// The serde names of the field's type, origin and category.
    pub field_type: String,
    pub origin: String,
    pub category: String,
    pub is_standard: bool,
    /// Computed by Leadstream (the lead scores): never imported or set by a stream.
    pub is_computed: bool,
}

/// A new custom field, with its enums as their serde names.
#[derive(Debug, Clone, Copy)]
pub struct NewFieldRow<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub field_type: &'a str,
    pub origin: &'a str,
    pub category: &'a str,
}

const SELECT_FIELDS: &str =
    "SELECT id, key, label, type, origin, category, is_standard, is_computed FROM fields";

fn stored_field(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredField> {
    Ok(StoredField {
        id: row.get(0)?,
        key: row.get(1)?,
        label: row.get(2)?,
        field_type: row.get(3)?,
        origin: row.get(4)?,
        category: row.get(5)?,
        is_standard: row.get(6)?,
        is_computed: row.get(7)?,
    })
}

/// Every field, standard ones first in their fixed order, then custom ones
/// in the order they were added.
pub fn list_on(conn: &Connection) -> Result<Vec<StoredField>> {
    let mut statement = conn.prepare_cached(&format!(
        "{SELECT_FIELDS} ORDER BY is_standard DESC, position, id"
    ))?;
    let rows = statement.query_map([], stored_field)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The field with this key, if there is one.
pub fn find_on(conn: &Connection, key: &str) -> Result<Option<StoredField>> {
    let mut statement = conn.prepare_cached(&format!("{SELECT_FIELDS} WHERE key = ?1"))?;
    Ok(statement.query_row([key], stored_field).optional()?)
}

/// Adds a custom field after the standard ones.
///
/// Takes a connection: `crate::fields::add_custom` is called inside an
/// import's transaction (`import/apply/convert.rs`) and, with
/// `workspace.conn()`, from segment code and store tests that this layer's
/// owner does not edit; a `&Connection` is the one type all of them hold.
pub fn insert_custom_on(conn: &Connection, new: &NewFieldRow<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO fields (key, label, type, origin, category, is_standard, position)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 1000)",
        (new.key, new.label, new.field_type, new.origin, new.category),
    )?;
    Ok(())
}

/// Deletes a custom field, its values and the import records that would
/// restore values into it, and notes the deletion in the audit log; returns
/// how many values were deleted.
pub fn delete_custom(tx: &Transaction<'_>, field_id: i64, key: &str) -> Result<u64> {
    let values_deleted = super::custom_values::delete_of_field(tx, field_id)?;
    super::imports::delete_changes_of_field(tx, key)?;
    tx.execute("DELETE FROM fields WHERE id = ?1", [field_id])?;
    super::audit::record(
        tx,
        "delete_field",
        &serde_json::json!({"key": key, "values_deleted": values_deleted}),
    )?;
    Ok(values_deleted)
}

/// Does the text of any saved segment's rules or any stream's definition
/// mention the key `key` (as a JSON string)? A conservative test: a
/// mention that is not a field reference (a value that happens to equal the
/// key) also counts, so a field is kept rather than deleted in doubt.
pub fn mentioned_by_segments_or_streams(conn: &Connection, key: &str) -> Result<bool> {
    let quoted = serde_json::to_string(key)?;
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM segments WHERE instr(rules, ?1) > 0)
             OR EXISTS (SELECT 1 FROM streams WHERE instr(definition, ?1) > 0)",
        [quoted],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_field_is_listed_after_the_standard_ones_and_found_by_key() {
        let workspace = Workspace::in_memory().unwrap();
        let before = count(&workspace).unwrap();
        let new = NewFieldRow {
            key: "budget",
            label: "Budget",
            field_type: "number",
            origin: "explicit",
            category: "firmographic",
        };
        insert_custom_on(workspace.conn(), &new).unwrap();
        assert_eq!(count(&workspace).unwrap(), before + 1);
        let listed = list_on(workspace.conn()).unwrap();
        assert_eq!(listed.last().map(|f| f.key.as_str()), Some("budget"));
        let found = find_on(workspace.conn(), "budget").unwrap().unwrap();
        assert!(!found.is_standard);
        assert_eq!(find_on(workspace.conn(), "nope").unwrap(), None);
    }

    #[test]
    fn a_key_in_a_segment_or_stream_counts_as_mentioned() {
        let workspace = Workspace::in_memory().unwrap();
        let conn = workspace.conn();
        assert!(!mentioned_by_segments_or_streams(conn, "shoe_size").unwrap());
        conn.execute(
            "INSERT INTO segments (name, rules) VALUES ('Big feet', ?1)",
            [r#"{"combinator":"and","rules":[{"field":"shoe_size","operator":">","value":44}]}"#],
        )
        .unwrap();
        assert!(mentioned_by_segments_or_streams(conn, "shoe_size").unwrap());
        // A longer key that starts the same is another key.
        assert!(!mentioned_by_segments_or_streams(conn, "shoe").unwrap());
        conn.execute(
            "INSERT INTO streams (name, definition) VALUES ('S', ?1)",
            [r#"{"nodes":[{"action":{"kind":"update_field","field":"tier"}}]}"#],
        )
        .unwrap();
        assert!(mentioned_by_segments_or_streams(conn, "tier").unwrap());
    }
}
