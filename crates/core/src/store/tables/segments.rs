//! The `segments` table: saved segments with their rules as JSON text,
//! built-in ones marked and keyed by their template's key.
//!
//! Reads take `&Workspace`; the `_on` reads take a connection because their
//! callers hold no workspace: the rule compiler and the reference evaluator
//! work on a `&Connection`, and checks run inside a write transaction read
//! through it.
//! Writes take `&mut Workspace` or a `&Transaction` (`_in`).

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use crate::{Result, Workspace};

/// One stored segment, as the table holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub color: String,
    pub folder: String,
    /// The rule group, JSON text.
    pub rules: String,
    pub is_builtin: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a save writes: the columns a user edits.
#[derive(Debug, Clone, Copy)]
pub struct SegmentColumns<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub color: &'a str,
    pub folder: &'a str,
    pub rules: &'a str,
}

const SELECT: &str = "SELECT id, name, description, color, folder, rules, is_builtin, created_at, updated_at FROM segments";

fn from_row(row: &Row<'_>) -> rusqlite::Result<SegmentRow> {
    Ok(SegmentRow {
        id: row.get(0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        color: row.get(3)?,
        folder: row.get(4)?,
        rules: row.get(5)?,
        is_builtin: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

/// Every saved segment: built-in ones first, then by folder and name.
pub fn list(workspace: &Workspace) -> Result<Vec<SegmentRow>> {
    list_on(workspace.conn())
}

/// [`list`] on a connection (see the module doc).
pub fn list_on(conn: &Connection) -> Result<Vec<SegmentRow>> {
    let mut statement = conn.prepare(&format!(
        "{SELECT} ORDER BY is_builtin DESC, folder, name, id"
    ))?;
    let rows = statement.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One saved segment; `None` when it does not exist.
pub fn get(workspace: &Workspace, id: i64) -> Result<Option<SegmentRow>> {
    Ok(workspace
        .conn()
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?)
}

/// Segment `id`'s name; `None` when it does not exist. On a connection:
/// the rule compiler's read (see the module doc).
pub fn name_on(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT name FROM segments WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Segment `id`'s name and rules JSON; `None` when it does not exist. On a
/// connection: the rule compiler's and reference evaluator's read (see the
/// module doc).
pub fn name_and_rules_on(conn: &Connection, id: i64) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT name, rules FROM segments WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// The ids and template keys of the built-in segments, by id.
pub fn builtin_keys_on(conn: &Connection) -> Result<Vec<(i64, Option<String>)>> {
    let mut statement =
        conn.prepare("SELECT id, builtin_key FROM segments WHERE is_builtin = 1 ORDER BY id")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a user segment; returns its id.
pub fn insert(workspace: &mut Workspace, columns: &SegmentColumns<'_>) -> Result<i64> {
    insert_with(workspace.conn_mut_for_definitions(), columns)
}

/// The insert itself, on the workspace's connection taken for writing.
fn insert_with(conn: &Connection, columns: &SegmentColumns<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO segments (name, description, color, folder, rules) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            columns.name,
            columns.description,
            columns.color,
            columns.folder,
            columns.rules,
        ),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces segment `id`'s columns and stamps `updated_at`, inside `tx`
/// (the caller checks the segments built on it before committing).
pub fn update_in(tx: &Transaction<'_>, id: i64, columns: &SegmentColumns<'_>) -> Result<()> {
    tx.execute(
        "UPDATE segments SET name = ?2, description = ?3, color = ?4, folder = ?5, rules = ?6,
                updated_at = unixepoch() WHERE id = ?1",
        (
            id,
            columns.name,
            columns.description,
            columns.color,
            columns.folder,
            columns.rules,
        ),
    )?;
    Ok(())
}

/// Adds or replaces the built-in segment of template `key`, inside `tx`:
/// upserted by key, so a built-in keeps its id across versions.
pub fn upsert_builtin_in(
    tx: &Transaction<'_>,
    key: &str,
    columns: &SegmentColumns<'_>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO segments (builtin_key, name, description, color, folder, rules, is_builtin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
         ON CONFLICT (builtin_key) DO UPDATE SET
             name = excluded.name, description = excluded.description,
             color = excluded.color, folder = excluded.folder, rules = excluded.rules,
             is_builtin = 1, updated_at = unixepoch()",
        (
            key,
            columns.name,
            columns.description,
            columns.color,
            columns.folder,
            columns.rules,
        ),
    )?;
    Ok(())
}

/// Makes built-in segment `id` the user's own (no longer built in, no key),
/// inside `tx`.
pub fn unmark_builtin_in(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute(
        "UPDATE segments SET is_builtin = 0, builtin_key = NULL, updated_at = unixepoch()
         WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// Deletes segment `id`.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    delete_with(workspace.conn_mut_for_definitions(), id)
}

/// [`delete`] inside `tx` (the built-in installer retires segments there).
pub fn delete_in(tx: &Transaction<'_>, id: i64) -> Result<()> {
    delete_with(tx, id)
}

/// The delete itself, on a connection taken for writing.
fn delete_with(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM segments WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns<'a>(name: &'a str, rules: &'a str) -> SegmentColumns<'a> {
        SegmentColumns {
            name,
            description: "",
            color: "#336699",
            folder: "",
            rules,
        }
    }

    #[test]
    fn a_user_segment_inserts_updates_and_deletes() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let rules = r#"{"combinator":"and","rules":[]}"#;
        let id = insert(&mut workspace, &columns("Mine", rules)).unwrap();
        assert_eq!(
            name_on(workspace.conn(), id).unwrap().as_deref(),
            Some("Mine")
        );
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        update_in(&tx, id, &columns("Renamed", rules)).unwrap();
        tx.commit().unwrap();
        let row = get(&workspace, id).unwrap().unwrap();
        assert_eq!((row.name.as_str(), row.is_builtin), ("Renamed", false));
        assert_eq!(
            name_and_rules_on(workspace.conn(), id).unwrap(),
            Some(("Renamed".to_owned(), rules.to_owned()))
        );
        delete(&mut workspace, id).unwrap();
        assert!(get(&workspace, id).unwrap().is_none());
        assert!(name_on(workspace.conn(), id).unwrap().is_none());
    }

    #[test]
    fn a_builtin_upserts_by_key_and_can_become_the_users_own() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let rules = r#"{"combinator":"and","rules":[]}"#;
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        upsert_builtin_in(&tx, "test_key", &columns("First", rules)).unwrap();
        upsert_builtin_in(&tx, "test_key", &columns("Second", rules)).unwrap();
        let keyed: Vec<(i64, Option<String>)> = builtin_keys_on(&tx)
            .unwrap()
            .into_iter()
            .filter(|(_, key)| key.as_deref() == Some("test_key"))
            .collect();
        assert_eq!(keyed.len(), 1);
        unmark_builtin_in(&tx, keyed[0].0).unwrap();
        tx.commit().unwrap();
        let row = get(&workspace, keyed[0].0).unwrap().unwrap();
        assert_eq!((row.name.as_str(), row.is_builtin), ("Second", false));
    }
}
