//! The journal a workspace's writes go through: the write-ahead log, and for
//! an import or a merge that has the file to itself
//! ([`in_place_if_alone`]), SQLite's rollback journal, which writes each
//! page once instead of twice.
//!
//! In WAL mode every page an import writes goes to the log first and is
//! copied into the file at the commit's checkpoint: for 1M leads, about
//! 1.7 s of an 18 s import, and for 10M events, 1.6 s of 24 s
//! (docs/benchmarks.md, "Import: the first one without the write-ahead log,
//! and the identity indexes rebuilt" and "Import: every import alone on its
//! file writes in place"). With the rollback journal, the pages of the new
//! rows are written in place; the journal keeps the original of each
//! existing page the import changes, so a crash or a cancel still rolls the
//! file back to exactly what it was. Syncs are full while the rollback
//! journal is in use (with `synchronous = NORMAL` a power cut at the wrong
//! moment could corrupt a rollback-journal file).
//!
//! The switch needs the file to itself: SQLite refuses it at once while
//! another connection (another process, a backup reading) has the file
//! open, and the load then goes through the log as usual. A reader that
//! comes later holds up the load's writes, so the import copies its backup
//! before it writes (`import::apply`). The way back is
//! taken after the load whatever its outcome (waiting, like any write, for
//! a connection that is reading), and again before every import and at
//! every open, so a workspace never stays off the log.

use std::path::Path;

use rusqlite::{Connection, ErrorCode};

use super::Workspace;
use crate::{Error, Result};

/// The journal mode every file workspace runs in.
pub(crate) const WAL: &str = "wal";

/// The rollback journal used for an import alone on its file.
const ROLLBACK: &str = "delete";

/// The `synchronous` setting beside the write-ahead log.
pub(crate) const WAL_SYNCHRONOUS: &str = "NORMAL";

/// The `synchronous` setting beside the rollback journal.
const ROLLBACK_SYNCHRONOUS: &str = "FULL";

/// Switches `conn` from the write-ahead log to the rollback journal, for one
/// bulk load. Returns whether it switched: not when the file is not in WAL
/// mode (an in-memory workspace) or another connection has it open.
pub(crate) fn write_in_place(conn: &Connection) -> Result<bool> {
    if mode(conn)? != WAL {
        return Ok(false);
    }
    switch(conn, ROLLBACK, ROLLBACK_SYNCHRONOUS)
}

/// Whether `conn` writes in place, on the rollback journal (switched by
/// [`write_in_place`] for a bulk load).
pub(crate) fn writes_in_place(conn: &Connection) -> Result<bool> {
    Ok(mode(conn)? == ROLLBACK)
}

/// Puts `conn` back on the write-ahead log if a bulk load left it on the
/// rollback journal. Returns whether it is on the log (or was never on
/// either: in memory) afterwards. A connection reading the file holds the
/// switch up, as it holds up any write, for at most the busy timeout; if it
/// is still reading then, the next import or open switches back.
/// A connection found on the log gets the log's `synchronous` setting too:
/// another process's open may have switched the file back to WAL while this
/// connection, set for the rollback journal, held no lock.
pub(crate) fn back_to_wal(conn: &Connection) -> Result<bool> {
    match mode(conn)?.as_str() {
        ROLLBACK => switch(conn, WAL, WAL_SYNCHRONOUS),
        WAL => {
            conn.pragma_update(None, "synchronous", WAL_SYNCHRONOUS)?;
            Ok(true)
        }
        _ => Ok(true),
    }
}

/// Sets the journal mode to `wanted` and, once SQLite reports it, the
/// `synchronous` setting that goes with it. Returns whether it switched:
/// not when another connection's hold on the file refused it.
fn switch(conn: &Connection, wanted: &str, synchronous: &str) -> Result<bool> {
    match set_mode(conn, wanted) {
        Ok(mode) if mode == wanted => {
            conn.pragma_update(None, "synchronous", synchronous)?;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) if held_by_another(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Runs `write` on the rollback journal when `in_place` is asked and the
/// workspace has its file to itself ([`write_in_place`]), on the log
/// otherwise, and comes back to the log whatever its outcome. If an
/// earlier write could not come back (another connection held the file),
/// this one does first, or reports the workspace busy: a backup beside
/// the write reads a snapshot of the log. The write's own error comes
/// first; the way back's second.
pub(crate) fn in_place_if_alone<T>(
    workspace: &mut Workspace,
    in_place: bool,
    write: impl FnOnce(&mut Workspace) -> Result<T>,
) -> Result<T> {
    if !back_to_wal(workspace.conn())? {
        return Err(Error::Busy {
            path: workspace.path().map(Path::to_path_buf),
        });
    }
    if in_place {
        write_in_place(workspace.conn())?;
    }
    let written = write(workspace);
    let back_on_the_log = back_to_wal(workspace.conn());
    let written = written?;
    back_on_the_log?;
    Ok(written)
}

/// Puts a connection to a file no other connection has open (a backup) on
/// the write-ahead log for a while, and returns the journal mode it had,
/// for [`set_back`]. An erasure writes there as in the workspace: on the
/// rollback journal, SQLite would first copy each page it overwrites, the
/// person's among them, to the journal file, which is deleted but not
/// zeroed.
pub(crate) fn on_the_log_for_a_while(conn: &Connection) -> Result<String> {
    let before = mode(conn)?;
    let now = set_mode(conn, WAL)?;
    if now != WAL {
        return Err(Error::InvalidArgument(format!(
            "the backup stayed on the {now} journal instead of the write-ahead log"
        )));
    }
    Ok(before)
}

/// Sets back the journal mode [`on_the_log_for_a_while`] returned, once
/// the log is empty (a truncating checkpoint); the log file goes with it.
pub(crate) fn set_back(conn: &Connection, before: &str) -> Result<()> {
    set_mode(conn, before)?;
    Ok(())
}

/// The connection's journal mode, in lower case (`wal`, `delete`, `memory`).
fn mode(conn: &Connection) -> Result<String> {
    let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
    Ok(mode.to_ascii_lowercase())
}

/// Sets the journal mode and returns the one SQLite reports afterwards.
fn set_mode(conn: &Connection, wanted: &str) -> rusqlite::Result<String> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", wanted, |row| row.get(0))?;
    Ok(mode.to_ascii_lowercase())
}

/// Whether SQLite refused a change of journal mode because another
/// connection has the file open.
fn held_by_another(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_in_wal(dir: &tempfile::TempDir) -> (std::path::PathBuf, Connection) {
        let path = dir.path().join("w.db");
        let conn = Connection::open(&path).unwrap();
        set_mode(&conn, WAL).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        (path, conn)
    }

    fn synchronous(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_connection_alone_on_the_file_writes_in_place_with_full_syncs_and_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = file_in_wal(&dir);
        assert!(write_in_place(&conn).unwrap());
        assert_eq!(mode(&conn).unwrap(), ROLLBACK);
        assert_eq!(synchronous(&conn), 2, "FULL");
        assert!(!path.with_extension("db-wal").exists(), "the log is gone");
        conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
        assert!(back_to_wal(&conn).unwrap());
        assert_eq!(mode(&conn).unwrap(), WAL);
        assert_eq!(synchronous(&conn), 1, "NORMAL");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2);
    }

    #[test]
    fn another_open_connection_keeps_the_log_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = file_in_wal(&dir);
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        let other = Connection::open(&path).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        let started = std::time::Instant::now();
        assert!(!write_in_place(&conn).unwrap());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(mode(&conn).unwrap(), WAL);
        assert_eq!(synchronous(&conn), 2, "the default, untouched");
    }

    #[test]
    fn the_way_back_is_refused_during_another_connections_read_and_taken_later() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = file_in_wal(&dir);
        conn.busy_timeout(std::time::Duration::from_millis(50))
            .unwrap();
        assert!(write_in_place(&conn).unwrap());
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN").unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert!(!back_to_wal(&conn).unwrap());
        assert_eq!(mode(&conn).unwrap(), ROLLBACK);
        other.execute_batch("COMMIT").unwrap();
        // Idle, the other connection holds no lock on a rollback-journal file.
        assert!(back_to_wal(&conn).unwrap());
        assert_eq!(mode(&conn).unwrap(), WAL);
    }

    /// Another process's open may switch the file back to the log while a
    /// connection set for the rollback journal holds no lock: the way back
    /// then only restores the log's `synchronous`.
    #[test]
    fn a_connection_the_file_was_switched_under_gets_the_logs_syncs_back() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = file_in_wal(&dir);
        assert!(write_in_place(&conn).unwrap());
        let other = Connection::open(&path).unwrap();
        assert_eq!(set_mode(&other, WAL).unwrap(), WAL);
        // The connection finds the log at its next read of the file.
        let _: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode(&conn).unwrap(), WAL);
        assert_eq!(synchronous(&conn), 2, "still FULL");
        assert!(back_to_wal(&conn).unwrap());
        assert_eq!(synchronous(&conn), 1, "NORMAL");
    }

    #[test]
    fn an_in_memory_database_keeps_its_journal() {
        let conn = Connection::open_in_memory().unwrap();
        assert!(!write_in_place(&conn).unwrap());
        assert!(back_to_wal(&conn).unwrap());
        assert_eq!(mode(&conn).unwrap(), "memory");
    }
}
