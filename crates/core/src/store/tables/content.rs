//! The `content_items` table: the content library's rows, with the kind as
//! its text and the persona, stage and lifecycle tags as JSON text.
//!
//! Reads take `&Workspace`; writes take `&mut Workspace`, or a
//! `&Transaction` (`insert_in`) for content imported together with a stream.

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use crate::{Result, Workspace};

/// One stored content item, as the table holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentRow {
    pub id: i64,
    pub title: String,
    /// The kind's text (`guide`, `case_study`…).
    pub kind: String,
    pub subject: String,
    pub link: String,
    pub body: String,
    /// JSON array of persona names.
    pub personas: String,
    /// JSON array of buying stages.
    pub stages: String,
    /// JSON array of lifecycle fits.
    pub lifecycles: String,
}

/// What an insert or update writes: every column but the id.
#[derive(Debug, Clone, Copy)]
pub struct ContentColumns<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub link: &'a str,
    pub body: &'a str,
    pub personas: &'a str,
    pub stages: &'a str,
    pub lifecycles: &'a str,
}

const SELECT: &str =
    "SELECT id, title, kind, subject, link, body, personas, stages, lifecycles FROM content_items";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ContentRow> {
    Ok(ContentRow {
        id: row.get(0)?,
        title: row.get(1)?,
        kind: row.get(2)?,
        subject: row.get(3)?,
        link: row.get(4)?,
        body: row.get(5)?,
        personas: row.get(6)?,
        stages: row.get(7)?,
        lifecycles: row.get(8)?,
    })
}

/// Every content item, by title.
pub fn list(workspace: &Workspace) -> Result<Vec<ContentRow>> {
    let mut statement = workspace
        .conn()
        .prepare(&format!("{SELECT} ORDER BY title, id"))?;
    let items = statement.query_map([], from_row)?;
    Ok(items.collect::<rusqlite::Result<_>>()?)
}

/// One content item; `None` when it does not exist.
pub fn get(workspace: &Workspace, id: i64) -> Result<Option<ContentRow>> {
    Ok(workspace
        .conn()
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?)
}

/// Adds an item; returns its id.
pub fn insert(workspace: &mut Workspace, columns: &ContentColumns<'_>) -> Result<i64> {
    insert_with(workspace.conn_mut_for_definitions(), columns)
}

/// [`insert`] inside `tx`.
pub fn insert_in(tx: &Transaction<'_>, columns: &ContentColumns<'_>) -> Result<i64> {
    insert_with(tx, columns)
}

/// The insert itself, on a connection taken for writing.
fn insert_with(conn: &Connection, columns: &ContentColumns<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO content_items (title, kind, subject, link, body, personas, stages, lifecycles)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (
            columns.title,
            columns.kind,
            columns.subject,
            columns.link,
            columns.body,
            columns.personas,
            columns.stages,
            columns.lifecycles,
        ),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces item `id`'s columns.
pub fn update(workspace: &mut Workspace, id: i64, columns: &ContentColumns<'_>) -> Result<()> {
    update_with(workspace.conn_mut_for_definitions(), id, columns)
}

/// The update itself, on the workspace's connection taken for writing.
fn update_with(conn: &Connection, id: i64, columns: &ContentColumns<'_>) -> Result<()> {
    conn.execute(
        "UPDATE content_items SET title = ?1, kind = ?2, subject = ?3, link = ?4, body = ?5,
         personas = ?6, stages = ?7, lifecycles = ?8 WHERE id = ?9",
        rusqlite::params![
            columns.title,
            columns.kind,
            columns.subject,
            columns.link,
            columns.body,
            columns.personas,
            columns.stages,
            columns.lifecycles,
            id
        ],
    )?;
    Ok(())
}

/// Deletes item `id`.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    delete_with(workspace.conn_mut_for_definitions(), id)
}

/// The delete itself, on the workspace's connection taken for writing.
fn delete_with(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM content_items WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(title: &str) -> ContentColumns<'_> {
        ContentColumns {
            title,
            kind: "guide",
            subject: "Hello",
            link: "",
            body: "",
            personas: "[]",
            stages: "[\"Awareness\"]",
            lifecycles: "[]",
        }
    }

    #[test]
    fn items_insert_update_list_by_title_and_delete() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let b = insert(&mut workspace, &columns("B")).unwrap();
        let a = insert(&mut workspace, &columns("A")).unwrap();
        let titles: Vec<String> = list(&workspace)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect();
        assert_eq!(titles, vec!["A", "B"]);
        update(&mut workspace, b, &columns("C")).unwrap();
        let row = get(&workspace, b).unwrap().unwrap();
        assert_eq!(
            (row.title.as_str(), row.stages.as_str()),
            ("C", "[\"Awareness\"]")
        );
        delete(&mut workspace, a).unwrap();
        assert!(get(&workspace, a).unwrap().is_none());
    }
}
