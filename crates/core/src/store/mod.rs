//! The workspace store: one `.leadstream` SQLite file per workspace, opened
//! with WAL, foreign keys and a busy timeout, and migrated on open. This module
//! is the only place that opens connections.

mod migrate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use crate::segments::index::LeadIndex;

pub use migrate::LATEST_SCHEMA_VERSION;

use crate::{Error, Result};

/// `PRAGMA application_id` of every workspace file ("LSWS"), so that we never
/// migrate somebody else's SQLite database.
const APPLICATION_ID: i32 = 0x4C53_5753;

/// The page cache of a connection, in KiB (256 MiB).
const CACHE_KIB: i64 = 256 * 1024;

/// The file extension of workspace files.
pub const WORKSPACE_EXTENSION: &str = "leadstream";

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: Option<PathBuf>,
    /// Bumped whenever the connection is taken for writing ([`conn_mut`]);
    /// with SQLite's `data_version` (which counts other
    /// connections' commits) it tells caches that the data changed.
    data_generation: u64,
    /// The segment evaluator's columnar index, built on first use (or
    /// ahead of it by `segments::warm_up` on another thread).
    pub(crate) segment_index: Arc<Mutex<Option<LeadIndex>>>,
}

impl Workspace {
    /// Creates a new, empty workspace file. Refuses to overwrite anything.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.into() });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        Self::finish_open(conn, Some(path.into()))
    }

    /// Opens an existing workspace file, migrating it to the current schema.
    /// A file that is not a workspace, or that a newer Leadstream wrote, is
    /// refused before anything is written to it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path: path.into() },
            _ => Error::io(path, e),
        })?;
        if metadata.len() == 0 {
            return Err(not_a_workspace(path, "the file is empty"));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(|e| not_a_workspace(path, &e.to_string()))?;
        if application_id != APPLICATION_ID {
            return Err(not_a_workspace(
                path,
                "it is an SQLite database of another application",
            ));
        }
        let found = migrate::recorded_version(&conn)?;
        if found > LATEST_SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.into(),
                found,
                supported: LATEST_SCHEMA_VERSION,
            });
        }
        Self::finish_open(conn, Some(path.into()))
    }

    /// A private in-memory workspace, for tests.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::finish_open(conn, None)
    }

    fn finish_open(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // In-memory databases answer "memory"; files switch to WAL.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // SQLite's default page cache is 2 MiB; a million-lead workspace's
        // indexes need far more to import and query without re-reading pages.
        // This is a cap, not an allocation.
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        crate::text::register_sql_functions(&conn)?;
        migrate::apply_pending(&mut conn)?;
        crate::segments::saved::install_builtins(&conn)?;
        Ok(Workspace {
            conn,
            path,
            data_generation: 0,
            segment_index: Arc::new(Mutex::new(None)),
        })
    }

    /// The file behind this workspace, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A display name: the file name without its extension.
    pub fn name(&self) -> String {
        self.path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "In memory".to_owned())
    }

    pub fn schema_version(&self) -> Result<i64> {
        migrate::recorded_version(&self.conn)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection for writing (transactions). Taking it counts as a
    /// change of the data, so caches built from it (the segment index) are
    /// rebuilt on their next use.
    pub fn conn_mut(&mut self) -> &mut Connection {
        self.data_generation += 1;
        &mut self.conn
    }

    /// What identifies the current data: this workspace's write generation
    /// and SQLite's `data_version`, which moves when another process commits.
    pub(crate) fn data_stamp(&self) -> Result<(u64, i64)> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |row| row.get(0))?;
        Ok((self.data_generation, version))
    }
}

fn not_a_workspace(path: &Path, reason: &str) -> Error {
    Error::NotAWorkspace {
        path: path.into(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma_i64(ws: &Workspace, name: &str) -> i64 {
        ws.conn()
            .pragma_query_value(None, name, |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn create_sets_wal_foreign_keys_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path().join("a.leadstream")).unwrap();
        let mode: String = ws
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(pragma_i64(&ws, "foreign_keys"), 1);
        assert_eq!(pragma_i64(&ws, "busy_timeout"), 5000);
        assert_eq!(ws.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
        assert_eq!(ws.name(), "a");
    }

    #[test]
    fn create_refuses_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        std::fs::write(&path, b"keep me").unwrap();
        assert!(matches!(
            Workspace::create(&path),
            Err(Error::AlreadyExists { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
    }

    #[test]
    fn open_refuses_missing_empty_and_foreign_files_without_touching_them() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Workspace::open(dir.path().join("missing.leadstream")),
            Err(Error::NotFound { .. })
        ));

        let empty = dir.path().join("empty.leadstream");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(
            Workspace::open(&empty),
            Err(Error::NotAWorkspace { .. })
        ));

        let text = dir.path().join("text.leadstream");
        let garbage = b"email,name\nann@example.com,Ann\n".repeat(200);
        std::fs::write(&text, &garbage).unwrap();
        assert!(matches!(
            Workspace::open(&text),
            Err(Error::NotAWorkspace { .. })
        ));
        assert_eq!(std::fs::read(&text).unwrap(), garbage);

        let foreign = dir.path().join("foreign.leadstream");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        let before = std::fs::read(&foreign).unwrap();
        assert!(matches!(
            Workspace::open(&foreign),
            Err(Error::NotAWorkspace { .. })
        ));
        assert_eq!(std::fs::read(&foreign).unwrap(), before);
    }

    #[test]
    fn open_refuses_a_newer_schema_and_leaves_it_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.leadstream");
        {
            let ws = Workspace::create(&path).unwrap();
            ws.conn()
                .execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?1, 'from the future')",
                    [LATEST_SCHEMA_VERSION + 1],
                )
                .unwrap();
            ws.conn()
                .pragma_update(None, "wal_checkpoint", "TRUNCATE")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        match Workspace::open(&path) {
            Err(Error::NewerSchema {
                found, supported, ..
            }) => {
                assert_eq!(found, LATEST_SCHEMA_VERSION + 1);
                assert_eq!(supported, LATEST_SCHEMA_VERSION);
            }
            other => panic!("expected NewerSchema, got {:?}", other.map(|_| ())),
        }
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn reopen_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        {
            let ws = Workspace::create(&path).unwrap();
            ws.conn()
                .execute(
                    "INSERT INTO settings (key, value) VALUES ('k', '\"v\"')",
                    [],
                )
                .unwrap();
        }
        let ws = Workspace::open(&path).unwrap();
        let value: String = ws
            .conn()
            .query_row("SELECT value FROM settings WHERE key = 'k'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(value, "\"v\"");
    }
}
