//! The `hierarchies` and `hierarchy_segments` tables: named, ordered lists
//! of saved segment ids. Reads take a connection (`_on`) because the rule
//! compiler, which holds no workspace, reads hierarchies; writes take
//! `&mut Workspace` or a `&Transaction` (`_in`).

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::{Result, Workspace};

/// One stored hierarchy with its segment ids in order.
#[derive(Debug, Clone, PartialEq)]
pub struct HierarchyRow {
    pub id: i64,
    pub name: String,
    pub segment_ids: Vec<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn segment_ids_on(conn: &Connection, id: i64) -> Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(
        "SELECT segment_id FROM hierarchy_segments WHERE hierarchy_id = ?1 ORDER BY position",
    )?;
    let rows = statement.query_map([id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hierarchy `id`; `None` when it does not exist.
pub fn get_on(conn: &Connection, id: i64) -> Result<Option<HierarchyRow>> {
    let head: Option<(String, i64, i64)> = conn
        .query_row(
            "SELECT name, created_at, updated_at FROM hierarchies WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((name, created_at, updated_at)) = head else {
        return Ok(None);
    };
    Ok(Some(HierarchyRow {
        id,
        name,
        segment_ids: segment_ids_on(conn, id)?,
        created_at,
        updated_at,
    }))
}

/// Every hierarchy, by name then id.
pub fn list_on(conn: &Connection) -> Result<Vec<HierarchyRow>> {
    let mut statement = conn.prepare("SELECT id FROM hierarchies ORDER BY name, id")?;
    let ids: Vec<i64> = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = get_on(conn, id)? {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The ids and names of the hierarchies that contain segment `segment_id`.
pub fn containing_on(conn: &Connection, segment_id: i64) -> Result<Vec<(i64, String)>> {
    let mut statement = conn.prepare(
        "SELECT h.id, h.name FROM hierarchies h JOIN hierarchy_segments s ON s.hierarchy_id = h.id
         WHERE s.segment_id = ?1 ORDER BY h.name, h.id",
    )?;
    let rows = statement.query_map([segment_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a hierarchy with its segments in order, inside `tx` (the caller
/// checks the segments that use it before committing); returns its id.
pub fn insert_in(tx: &Transaction<'_>, name: &str, segment_ids: &[i64]) -> Result<i64> {
    tx.execute("INSERT INTO hierarchies (name) VALUES (?1)", [name])?;
    let id = tx.last_insert_rowid();
    write_segments(tx, id, segment_ids)?;
    Ok(id)
}

/// Replaces hierarchy `id`'s name and segments and stamps `updated_at`,
/// inside `tx`. Returns false when there is no such hierarchy.
pub fn update_in(tx: &Transaction<'_>, id: i64, name: &str, segment_ids: &[i64]) -> Result<bool> {
    let changed = tx.execute(
        "UPDATE hierarchies SET name = ?2, updated_at = unixepoch() WHERE id = ?1",
        (id, name),
    )?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM hierarchy_segments WHERE hierarchy_id = ?1",
        [id],
    )?;
    write_segments(tx, id, segment_ids)?;
    Ok(true)
}

fn write_segments(conn: &Connection, id: i64, segment_ids: &[i64]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO hierarchy_segments (hierarchy_id, position, segment_id) VALUES (?1, ?2, ?3)",
    )?;
    for (position, segment_id) in segment_ids.iter().enumerate() {
        statement.execute((id, position as i64, segment_id))?;
    }
    Ok(())
}

/// Deletes hierarchy `id` and its segment list. Returns false when there
/// was no such hierarchy.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<bool> {
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    tx.execute(
        "DELETE FROM hierarchy_segments WHERE hierarchy_id = ?1",
        [id],
    )?;
    let deleted = tx.execute("DELETE FROM hierarchies WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(deleted > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(workspace: &mut Workspace, name: &str) -> i64 {
        workspace
            .conn_mut().unwrap()
            .execute(
                "INSERT INTO segments (name, rules) VALUES (?1, '{\"combinator\":\"and\",\"rules\":[]}')",
                [name],
            )
            .unwrap();
        workspace.conn().last_insert_rowid()
    }

    #[test]
    fn a_hierarchy_keeps_its_order_through_insert_update_and_delete() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let a = segment(&mut workspace, "A");
        let b = segment(&mut workspace, "B");
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        let id = insert_in(&tx, "By persona", &[b, a]).unwrap();
        tx.commit().unwrap();
        let row = get_on(workspace.conn(), id).unwrap().unwrap();
        assert_eq!(
            (row.name.as_str(), row.segment_ids),
            ("By persona", vec![b, a])
        );
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        assert!(update_in(&tx, id, "Renamed", &[a, b]).unwrap());
        assert!(!update_in(&tx, id + 1, "x", &[]).unwrap());
        tx.commit().unwrap();
        assert_eq!(
            get_on(workspace.conn(), id).unwrap().unwrap().segment_ids,
            vec![a, b]
        );
        assert_eq!(
            containing_on(workspace.conn(), a).unwrap(),
            vec![(id, "Renamed".to_owned())]
        );
        assert_eq!(list_on(workspace.conn()).unwrap().len(), 1);
        assert!(delete(&mut workspace, id).unwrap());
        assert!(get_on(workspace.conn(), id).unwrap().is_none());
        assert!(containing_on(workspace.conn(), a).unwrap().is_empty());
        assert!(!delete(&mut workspace, id).unwrap());
    }
}
