//! The SQL that backups need on connections of their own (a backup file
//! opened beside the workspace): the checks before a restore, the lead
//! count of a backup, and carrying the audit log across a restore.

use rusqlite::Connection;

use crate::Result;

/// The application id in the file's header (0 for a plain SQLite file).
pub fn application_id(conn: &Connection) -> Result<i32> {
    Ok(conn.pragma_query_value(None, "application_id", |row| row.get(0))?)
}

/// Opens a read transaction on `conn` and takes its snapshot now (a WAL
/// reader sees the database as of its first read, until it ends): what a
/// backup beside an import reads, whatever the import writes meanwhile.
pub fn begin_read_snapshot(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN")?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })?;
    Ok(())
}

/// How many pages the database behind `conn` has.
pub fn page_count(conn: &Connection) -> Result<u64> {
    let pages: i64 = conn.pragma_query_value(None, "page_count", |row| row.get(0))?;
    Ok(u64::try_from(pages).unwrap_or(0))
}

/// The page size of the database behind `conn`, in bytes.
pub fn page_size(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "page_size", |row| row.get(0))?)
}

/// Rebuilds the database behind `conn` (not on the write-ahead log) with
/// pages of `bytes` bytes (`VACUUM`).
pub fn rebuild_with_page_size(conn: &Connection, bytes: i64) -> Result<()> {
    conn.pragma_update(None, "page_size", bytes)?;
    conn.execute_batch("VACUUM")?;
    Ok(())
}

/// Ends the read transaction [`begin_read_snapshot`] opened.
pub fn end_read(conn: &Connection) -> Result<()> {
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// Sets a new backup file's connection to write without a journal and
/// without syncing each step: the file is hidden until complete, deleted
/// if the copy fails, and synced once before it is moved into place.
pub fn write_unjournaled(conn: &Connection) -> Result<()> {
    conn.pragma_update_and_check(None, "journal_mode", "OFF", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    Ok(())
}

/// SQLite's `quick_check`: "ok", or the first problem it found.
pub fn quick_check(conn: &Connection) -> Result<String> {
    Ok(conn.pragma_query_value(None, "quick_check", |row| row.get(0))?)
}

/// How many leads the database behind `conn` holds.
pub fn lead_count(conn: &Connection) -> Result<u64> {
    super::count_rows(conn, "leads")
}

/// One row of the audit log, as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditRow {
    pub id: i64,
    pub occurred_at: i64,
    pub action: String,
    pub detail: String,
}

/// The highest audit log id (0 when the log is empty).
pub fn last_audit_id(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |row| {
            row.get(0)
        })?,
    )
}

/// The audit rows written after `id`, oldest first.
pub fn audit_rows_after(conn: &Connection, id: i64) -> Result<Vec<StoredAuditRow>> {
    let mut statement = conn.prepare(
        "SELECT id, occurred_at, action, detail FROM audit_log WHERE id > ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([id], |row| {
        Ok(StoredAuditRow {
            id: row.get(0)?,
            occurred_at: row.get(1)?,
            action: row.get(2)?,
            detail: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Appends `rows` to the audit log with their ids and times (a restore puts
/// back what the log held after the backup was taken); a row whose id is
/// already there is skipped.
pub fn append_audit_rows(conn: &Connection, rows: &[StoredAuditRow]) -> Result<()> {
    let mut statement = conn.prepare(
        "INSERT OR IGNORE INTO audit_log (id, occurred_at, action, detail) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for row in rows {
        statement.execute((row.id, row.occurred_at, &row.action, &row.detail))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn audit_rows_are_carried_with_their_ids_and_times() {
        let workspace = Workspace::in_memory_store().unwrap();
        let conn = workspace.conn();
        assert_eq!(last_audit_id(conn).unwrap(), 0);
        let rows = vec![StoredAuditRow {
            id: 7,
            occurred_at: 1_700_000_000,
            action: "import".into(),
            detail: "{}".into(),
        }];
        append_audit_rows(conn, &rows).unwrap();
        append_audit_rows(conn, &rows).unwrap();
        assert_eq!(last_audit_id(conn).unwrap(), 7);
        assert_eq!(audit_rows_after(conn, 0).unwrap(), rows);
        assert!(audit_rows_after(conn, 7).unwrap().is_empty());
        assert_eq!(quick_check(conn).unwrap(), "ok");
        assert_eq!(lead_count(conn).unwrap(), 0);
    }
}
