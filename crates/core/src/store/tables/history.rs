//! The `segment_snapshots` table: saved segments' members over time
//! (migration 0009), and the reads of leads, imports and import changes
//! that explain who joined or left between two snapshots.
//!
//! Writing snapshots does not move the workspace's data generation: the
//! table is not data the segment index reads, so the index built for the
//! snapshot (or for the score refresh before it) stays valid.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};

use crate::{Result, Workspace};

/// One snapshot row to write.
#[derive(Debug, Clone)]
pub struct NewSnapshot<'a> {
    pub segment_id: i64,
    pub taken_at: i64,
    pub reason: &'a str,
    pub import_id: Option<i64>,
    pub member_count: Option<u64>,
    pub rules: &'a str,
    pub members: Option<&'a [u8]>,
    pub problem: Option<&'a str>,
}

/// A stored snapshot without its members.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    pub id: i64,
    pub segment_id: i64,
    pub taken_at: i64,
    pub recorded_at: i64,
    pub reason: String,
    pub import_id: Option<i64>,
    pub member_count: Option<u64>,
    pub rules: String,
    pub problem: Option<String>,
    /// The size of the serialized members, in bytes.
    pub bytes: u64,
}

const SNAPSHOT_COLUMNS: &str = "id, segment_id, taken_at, recorded_at, reason, import_id, \
     member_count, rules, problem, coalesce(length(members), 0)";

fn snapshot_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SnapshotRow> {
    Ok(SnapshotRow {
        id: row.get(0)?,
        segment_id: row.get(1)?,
        taken_at: row.get(2)?,
        recorded_at: row.get(3)?,
        reason: row.get(4)?,
        import_id: row.get(5)?,
        member_count: row.get::<_, Option<i64>>(6)?.map(|n| n as u64),
        rules: row.get(7)?,
        problem: row.get(8)?,
        bytes: row.get::<_, i64>(9)? as u64,
    })
}

/// Writes `snapshots` and deletes the rows `thin` picks among each written
/// segment's snapshots (given `(id, taken_at)` in time order), all in one
/// transaction. Returns how many rows were thinned out.
pub fn write_and_thin(
    workspace: &mut Workspace,
    snapshots: &[NewSnapshot<'_>],
    recorded_at: i64,
    thin: impl Fn(&[(i64, i64)]) -> Vec<i64>,
) -> Result<u64> {
    // Not `conn_mut`: see the module comment.
    let tx = workspace.conn().unchecked_transaction()?;
    let mut deleted = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO segment_snapshots (segment_id, taken_at, recorded_at, reason, \
             import_id, member_count, rules, members, problem) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut times = tx.prepare(
            "SELECT id, taken_at FROM segment_snapshots WHERE segment_id = ?1 \
             ORDER BY taken_at, id",
        )?;
        let mut delete = tx.prepare("DELETE FROM segment_snapshots WHERE id = ?1")?;
        for snapshot in snapshots {
            insert.execute(params![
                snapshot.segment_id,
                snapshot.taken_at,
                recorded_at,
                snapshot.reason,
                snapshot.import_id,
                snapshot.member_count.map(|n| n as i64),
                snapshot.rules,
                snapshot.members,
                snapshot.problem,
            ])?;
        }
        let mut segment_ids: Vec<i64> = snapshots.iter().map(|s| s.segment_id).collect();
        segment_ids.sort_unstable();
        segment_ids.dedup();
        for segment_id in segment_ids {
            let kept: Vec<(i64, i64)> = times
                .query_map([segment_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for id in thin(&kept) {
                deleted += delete.execute([id])? as u64;
            }
        }
    }
    tx.commit()?;
    Ok(deleted)
}

/// The segments with a snapshot taken at or after `since`.
pub fn segments_recorded_since(
    workspace: &Workspace,
    since: i64,
) -> Result<std::collections::HashSet<i64>> {
    let mut statement = workspace
        .conn()
        .prepare("SELECT DISTINCT segment_id FROM segment_snapshots WHERE taken_at >= ?1")?;
    let rows = statement.query_map([since], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A segment's snapshots, oldest first, without their members.
pub fn list_of_segment(workspace: &Workspace, segment_id: i64) -> Result<Vec<SnapshotRow>> {
    let mut statement = workspace.conn().prepare(&format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM segment_snapshots WHERE segment_id = ?1 \
         ORDER BY taken_at, id"
    ))?;
    let rows = statement.query_map([segment_id], snapshot_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The serialized members of snapshot `id` (`None` for a skipped segment).
pub fn members_of(workspace: &Workspace, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(workspace
        .conn()
        .query_row(
            "SELECT members FROM segment_snapshots WHERE id = ?1",
            [id],
            |row| row.get::<_, Option<Vec<u8>>>(0),
        )
        .optional()?
        .flatten())
}

/// Every snapshot row's count and the bytes its members take, for the
/// storage figures: (rows, total member bytes).
pub fn storage(workspace: &Workspace) -> Result<(u64, u64)> {
    Ok(workspace.conn().query_row(
        "SELECT count(*), coalesce(sum(length(members)), 0) FROM segment_snapshots",
        [],
        |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
    )?)
}

/// An import as the history names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRef {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub finished_at: Option<i64>,
    pub undone_at: Option<i64>,
}

fn import_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRef> {
    Ok(ImportRef {
        id: row.get(0)?,
        kind: row.get(1)?,
        file_name: row.get(2)?,
        finished_at: row.get(3)?,
        undone_at: row.get(4)?,
    })
}

const IMPORT_COLUMNS: &str = "id, kind, file_name, finished_at, undone_at";

/// The most recently finished import that is still applied.
pub fn latest_applied_import(workspace: &Workspace) -> Result<Option<ImportRef>> {
    Ok(workspace
        .conn()
        .query_row(
            &format!(
                "SELECT {IMPORT_COLUMNS} FROM imports WHERE finished_at IS NOT NULL \
                 AND undone_at IS NULL ORDER BY finished_at DESC, id DESC LIMIT 1"
            ),
            [],
            import_from_row,
        )
        .optional()?)
}

/// The most recently undone import.
pub fn latest_undone_import(workspace: &Workspace) -> Result<Option<ImportRef>> {
    Ok(workspace
        .conn()
        .query_row(
            &format!(
                "SELECT {IMPORT_COLUMNS} FROM imports WHERE undone_at IS NOT NULL \
                 ORDER BY undone_at DESC, id DESC LIMIT 1"
            ),
            [],
            import_from_row,
        )
        .optional()?)
}

/// Every import, by id.
pub fn imports_by_id(workspace: &Workspace) -> Result<HashMap<i64, ImportRef>> {
    let mut statement = workspace
        .conn()
        .prepare(&format!("SELECT {IMPORT_COLUMNS} FROM imports"))?;
    let rows = statement.query_map([], import_from_row)?;
    rows.map(|row| Ok(row.map(|import| (import.id, import))?))
        .collect()
}

/// A lead as a diff lists it: who it is and the import that created it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeadLine {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub external_id: Option<String>,
    pub import_id: Option<i64>,
}

/// The leads of `ids` that exist, by id (a few hundred per query).
pub fn lead_lines(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, LeadLine>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut statement = conn.prepare(&format!(
            "SELECT id, first_name, last_name, email, company, external_id, import_id \
             FROM leads WHERE id IN ({marks})"
        ))?;
        let text = |row: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<String>> {
            Ok(match row.get::<_, SqlValue>(i)? {
                SqlValue::Text(t) => Some(t),
                SqlValue::Integer(n) => Some(n.to_string()),
                SqlValue::Real(r) => Some(r.to_string()),
                _ => None,
            })
        };
        let rows = statement.query_map(rusqlite::params_from_iter(chunk.iter()), |row| {
            Ok(LeadLine {
                id: row.get(0)?,
                first_name: text(row, 1)?,
                last_name: text(row, 2)?,
                email: text(row, 3)?,
                company: text(row, 4)?,
                external_id: text(row, 5)?,
                import_id: row.get(6)?,
            })
        })?;
        for line in rows {
            let line = line?;
            found.insert(line.id, line);
        }
    }
    Ok(found)
}

/// A field value an import overwrote: the import, the lead, the field and
/// the value it had before.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub import_id: i64,
    pub lead_id: i64,
    pub field_key: String,
    pub old_value: SqlValue,
}

/// The field changes of the applied imports finished in `(after, until]`.
pub fn field_changes_between(
    workspace: &Workspace,
    after: i64,
    until: i64,
) -> Result<Vec<FieldChange>> {
    let mut statement = workspace.conn().prepare(
        "SELECT c.import_id, c.lead_id, c.field_key, c.old_value \
         FROM imports i JOIN import_changes c ON c.import_id = i.id \
         WHERE i.undone_at IS NULL AND i.finished_at > ?1 AND i.finished_at <= ?2 \
         ORDER BY i.finished_at, i.id",
    )?;
    let rows = statement.query_map([after, until], |row| {
        Ok(FieldChange {
            import_id: row.get(0)?,
            lead_id: row.get(1)?,
            field_key: row.get(2)?,
            old_value: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The current value of field `key` of lead `lead_id`: a lead column, or a
/// custom value.
pub fn current_value(workspace: &Workspace, lead_id: i64, key: &str) -> Result<SqlValue> {
    let conn = workspace.conn();
    let is_column: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('leads') WHERE name = ?1)",
        [key],
        |row| row.get(0),
    )?;
    if is_column {
        // `key` is one of the table's own column names (checked just above).
        return Ok(conn
            .query_row(
                &format!("SELECT \"{key}\" FROM leads WHERE id = ?1"),
                [lead_id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(SqlValue::Null));
    }
    Ok(conn
        .query_row(
            "SELECT v.value FROM custom_values v JOIN fields f ON f.id = v.field_id \
             WHERE f.key = ?1 AND v.lead_id = ?2",
            params![key, lead_id],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(SqlValue::Null))
}

/// Events of the leads in `lead_ids` that the applied event imports
/// finished in `(after, until]` added: (lead id, import id, type, occurred at).
pub fn imported_events_between(
    workspace: &Workspace,
    lead_ids: &[i64],
    after: i64,
    until: i64,
) -> Result<Vec<(i64, i64, String, i64)>> {
    let conn = workspace.conn();
    let mut found = Vec::new();
    for chunk in lead_ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut statement = conn.prepare(&format!(
            "SELECT e.lead_id, e.import_id, e.type, e.occurred_at \
             FROM events e JOIN imports i ON i.id = e.import_id \
             WHERE i.undone_at IS NULL AND i.finished_at > ? AND i.finished_at <= ? \
             AND e.lead_id IN ({marks}) ORDER BY e.occurred_at"
        ))?;
        let mut values: Vec<i64> = vec![after, until];
        values.extend_from_slice(chunk);
        let rows = statement.query_map(rusqlite::params_from_iter(values.iter()), |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        found.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_written_listed_and_thinned_in_one_go() {
        let mut ws = Workspace::in_memory().unwrap();
        let segment_id = crate::segments::saved::list(&ws).unwrap()[0].id;
        let snapshot = |taken_at| NewSnapshot {
            segment_id,
            taken_at,
            reason: "daily",
            import_id: None,
            member_count: Some(2),
            rules: "{}",
            members: Some(&[1, 2, 3]),
            problem: None,
        };
        write_and_thin(&mut ws, &[snapshot(10), snapshot(20)], 30, |_| vec![]).unwrap();
        let deleted = write_and_thin(&mut ws, &[snapshot(30)], 30, |rows| {
            assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), [10, 20, 30]);
            vec![rows[1].0]
        })
        .unwrap();
        assert_eq!(deleted, 1);
        let rows = list_of_segment(&ws, segment_id).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.taken_at).collect::<Vec<_>>(),
            [10, 30]
        );
        assert_eq!(rows[0].bytes, 3);
        assert_eq!(members_of(&ws, rows[0].id).unwrap(), Some(vec![1, 2, 3]));
        assert!(segments_recorded_since(&ws, 30)
            .unwrap()
            .contains(&segment_id));
        assert!(segments_recorded_since(&ws, 31).unwrap().is_empty());
        assert_eq!(storage(&ws).unwrap(), (2, 6));
    }

    #[test]
    fn a_deleted_segment_takes_its_history_with_it() {
        let mut ws = Workspace::in_memory().unwrap();
        let segment_id = crate::segments::saved::list(&ws).unwrap()[0].id;
        let snapshot = NewSnapshot {
            segment_id,
            taken_at: 1,
            reason: "daily",
            import_id: None,
            member_count: None,
            rules: "{}",
            members: None,
            problem: Some("no such field"),
        };
        write_and_thin(&mut ws, &[snapshot], 1, |_| vec![]).unwrap();
        ws.conn()
            .execute("DELETE FROM segments WHERE id = ?1", [segment_id])
            .unwrap();
        assert!(list_of_segment(&ws, segment_id).unwrap().is_empty());
    }
}
