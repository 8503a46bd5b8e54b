//! The `streams` table: each nurture stream's name, priority, whether it is
//! active, and its definition as JSON text.
//!
//! Reads take `&Workspace`; the `_on` reads take a connection for callers
//! that read inside a write transaction (what uses a segment or a field).
//! Writes take `&mut Workspace`, or a `&Transaction` (`insert_in`) for a
//! stream imported together with its content.

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use crate::{Result, Workspace};

/// One stored stream, as the table holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamRow {
    pub id: i64,
    pub name: String,
    pub priority: i32,
    pub is_active: bool,
    /// The definition, JSON text.
    pub definition: String,
}

/// What an insert or update writes.
#[derive(Debug, Clone, Copy)]
pub struct StreamColumns<'a> {
    pub name: &'a str,
    pub priority: i32,
    pub is_active: bool,
    pub definition: &'a str,
}

const SELECT: &str = "SELECT id, name, priority, is_active, definition FROM streams";

fn from_row(row: &Row<'_>) -> rusqlite::Result<StreamRow> {
    Ok(StreamRow {
        id: row.get(0)?,
        name: row.get(1)?,
        priority: row.get(2)?,
        is_active: row.get(3)?,
        definition: row.get(4)?,
    })
}

/// Every stream, highest priority first.
pub fn list(workspace: &Workspace) -> Result<Vec<StreamRow>> {
    list_on(workspace.conn())
}

/// [`list`] on a connection (see the module doc).
pub fn list_on(conn: &Connection) -> Result<Vec<StreamRow>> {
    let mut statement = conn.prepare(&format!("{SELECT} ORDER BY priority DESC, id"))?;
    let streams = statement.query_map([], from_row)?;
    Ok(streams.collect::<rusqlite::Result<_>>()?)
}

/// Every stream's name and definition text, by name: for finding what uses
/// a segment even in a definition that no longer parses.
pub fn names_and_definitions_on(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut statement = conn.prepare("SELECT name, definition FROM streams ORDER BY name, id")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One stream; `None` when it does not exist.
pub fn get(workspace: &Workspace, id: i64) -> Result<Option<StreamRow>> {
    Ok(workspace
        .conn()
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?)
}

/// Adds a stream; returns its id.
pub fn insert(workspace: &mut Workspace, columns: &StreamColumns<'_>) -> Result<i64> {
    insert_with(workspace.conn_mut_for_definitions(), columns)
}

/// [`insert`] inside `tx`.
pub fn insert_in(tx: &Transaction<'_>, columns: &StreamColumns<'_>) -> Result<i64> {
    insert_with(tx, columns)
}

/// The insert itself, on a connection taken for writing.
fn insert_with(conn: &Connection, columns: &StreamColumns<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO streams (name, priority, is_active, definition) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            columns.name,
            columns.priority,
            columns.is_active,
            columns.definition
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces stream `id`'s columns and stamps `updated_at`.
pub fn update(workspace: &mut Workspace, id: i64, columns: &StreamColumns<'_>) -> Result<()> {
    update_with(workspace.conn_mut_for_definitions(), id, columns)
}

/// The update itself, on the workspace's connection taken for writing.
fn update_with(conn: &Connection, id: i64, columns: &StreamColumns<'_>) -> Result<()> {
    conn.execute(
        "UPDATE streams SET name = ?1, priority = ?2, is_active = ?3, definition = ?4,
         updated_at = unixepoch() WHERE id = ?5",
        rusqlite::params![
            columns.name,
            columns.priority,
            columns.is_active,
            columns.definition,
            id
        ],
    )?;
    Ok(())
}

/// Deletes stream `id`.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    delete_with(workspace.conn_mut_for_definitions(), id)
}

/// The delete itself, on the workspace's connection taken for writing.
fn delete_with(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM streams WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(name: &str, priority: i32) -> StreamColumns<'_> {
        StreamColumns {
            name,
            priority,
            is_active: false,
            definition: "{}",
        }
    }

    #[test]
    fn streams_list_by_priority_and_names_by_name() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let low = insert(&mut workspace, &columns("A low", 1)).unwrap();
        let high = insert(&mut workspace, &columns("B high", 9)).unwrap();
        let ids: Vec<i64> = list(&workspace).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![high, low]);
        let names: Vec<String> = names_and_definitions_on(workspace.conn())
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, vec!["A low", "B high"]);
        update(&mut workspace, low, &columns("C", 1)).unwrap();
        assert_eq!(get(&workspace, low).unwrap().unwrap().name, "C");
        delete(&mut workspace, low).unwrap();
        assert!(get(&workspace, low).unwrap().is_none());
    }
}
