//! The workspace store: one `.leadstream` SQLite file per workspace, opened
//! with WAL, foreign keys and a busy timeout, and migrated on open. This module
//! is the only place that opens connections, and every connection it opens is
//! hardened ([`open_connection`]): no untrusted schema, defensive mode, no
//! attached databases. It is the ground floor: it knows nothing of the layers
//! above it (segments, streams), which keep what they derive from the data in
//! the workspace's [`DerivedSlot`] and add their built-in rows when a
//! workspace is opened (`crate::workspace_open`).
//!
//! - [`settings`]: the `settings` table, one typed get and set.
//! - [`tables`]: the SQL of the other tables, one module per table family.
//! - [`backup`]: taking, listing and pruning backups; [`restore`]: putting one back.

pub(crate) mod appended_events;
pub mod backup;
pub mod cipher;
pub mod info;
pub(crate) mod journal;
pub(crate) mod lead_changes;
mod migrate;
mod open_files;
pub mod restore;
pub mod settings;
pub(crate) mod split_read;
pub mod tables;
mod writes;

use std::any::Any;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::{Arc, Mutex};

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};

pub use cipher::Passphrase;
pub use migrate::LATEST_SCHEMA_VERSION;
pub(crate) use writes::{CarryAcrossLeadRows, LeadRowsCarrier, OldValues, PartNamer};

use crate::{Error, Result};

/// `PRAGMA application_id` of every workspace file ("LSWS"), so that we never
/// migrate somebody else's SQLite database.
const APPLICATION_ID: i32 = 0x4C53_5753;

/// The page size of a new workspace file, in bytes. SQLite's default is
/// 4096; with 16 KiB pages a B-tree has a quarter of the pages to split,
/// link and write: SQLite alone writes a 1M-lead import's rows 9% quicker,
/// and the imports take 3–11% less (docs/decisions.md, "Speed (issue 16):
/// new workspaces have 16 KiB pages"). A workspace keeps the page size it
/// was created with.
const NEW_WORKSPACE_PAGE_SIZE: i64 = 16_384;

/// The page cache of a connection, in KiB (256 MiB).
const CACHE_KIB: i64 = 256 * 1024;

/// How long a connection waits for another one's write to finish before it
/// reports the workspace as busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The file extension of workspace files.
pub const WORKSPACE_EXTENSION: &str = "leadstream";

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How a connection may use its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    ReadWrite,
    ReadOnly,
}

/// Opens a connection to a workspace file (or a backup of one): the only way
/// the app opens one. The file must exist. An encrypted file needs its
/// `passphrase`. See [`harden`] for what the connection may not do.
pub(crate) fn open_connection(
    path: &Path,
    access: Access,
    passphrase: Option<&Passphrase>,
) -> Result<Connection> {
    let mode = match access {
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    };
    let conn = Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if let Some(passphrase) = passphrase {
        cipher::apply_key(&conn, passphrase)?;
    }
    harden(&conn)?;
    Ok(conn)
}

/// What every connection is limited to, whatever the file holds:
/// - `trusted_schema` off: views, triggers, defaults and indexes stored in
///   the file may only call functions marked innocuous, so a crafted file
///   cannot make the app run a side-effecting function by being read;
/// - defensive mode: no writing to `sqlite_master` or other ways of
///   corrupting the file from SQL;
/// - no attached databases: no statement can reach another file.
///
/// It also sets the busy timeout, so a writer waits for another one to
/// finish before it reports the workspace as busy.
fn harden(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    Ok(())
}

/// The folder a workspace file is in (`.` for a bare file name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A hidden file `.leadstream-{purpose}-….partial` in `folder`, where a
/// whole database file is written before it is moved into place or read
/// from; removed when dropped unless persisted.
pub(crate) fn partial_file_in(folder: &Path, purpose: &str) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!(".leadstream-{purpose}-"))
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|e| Error::io(folder, e))
}

/// What a workspace file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A plain SQLite workspace.
    Plain,
    /// An encrypted (SQLCipher) file: no SQLite magic, a whole number of
    /// 512-byte blocks (SQLCipher pages are 4096 bytes; 512 is the
    /// smallest page SQLite allows). Only its passphrase tells whether it is
    /// really a workspace.
    Encrypted,
}

/// Looks at the file's first bytes, before SQLite does: refuses missing,
/// empty and non-SQLite files and SQLite files of other applications
/// without opening (and so without touching) them. A file without the
/// SQLite magic whose size is a whole number of 512-byte pages is taken for
/// an encrypted workspace (its header is random); anything else without the
/// magic is "not an SQLite database".
pub(crate) fn check_header(path: &Path) -> Result<FileKind> {
    // Already open here: its header was checked then, and opening it again
    // outside SQLite would drop this process's locks on it (`open_files`).
    if let Some(kind) = open_files::kind_if_open(path) {
        return Ok(kind);
    }
    let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NoSuchWorkspace { path: path.into() },
        _ => Error::io(path, e),
    })?;
    let mut header = Vec::with_capacity(100);
    file.by_ref()
        .take(100)
        .read_to_end(&mut header)
        .map_err(|e| Error::io(path, e))?;
    if header.is_empty() {
        return Err(not_a_workspace(path, "the file is empty"));
    }
    if !header.starts_with(SQLITE_MAGIC) {
        let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if size >= 512 && size % 512 == 0 {
            return Ok(FileKind::Encrypted);
        }
        return Err(not_a_workspace(path, "it is not an SQLite database"));
    }
    if header.len() < 100 {
        return Err(Error::Damaged {
            path: Some(path.into()),
            reason: "the file is cut off".into(),
        });
    }
    let application_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if application_id != APPLICATION_ID {
        return Err(not_a_workspace(
            path,
            "it is an SQLite database of another application",
        ));
    }
    Ok(FileKind::Plain)
}

/// Refuses a file that cannot be written to (read-only permissions, which
/// even root's processes respect here), so that opening does not fail
/// half-way or, worse, seem to work until the first save.
fn check_writable(path: &Path) -> Result<()> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if metadata.permissions().readonly() {
        return Err(Error::ReadOnly {
            path: Some(path.into()),
        });
    }
    Ok(())
}

/// Where a layer above the store keeps data it derives from the workspace
/// (the segment index): one boxed value of a type only that layer knows,
/// recovered with `downcast_ref`/`downcast_mut`. The store never looks
/// inside; the owner tags what it keeps with [`Workspace::data_stamp`] and
/// rebuilds it when the stamp moved, so it is never stale.
pub type DerivedSlot = Arc<Mutex<Option<Box<dyn Any + Send>>>>;

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: Option<PathBuf>,
    /// This process has the file open (`open_files`); dropped after `conn`.
    open_file: Option<open_files::Registration>,
    /// Bumped whenever the connection is taken for writing ([`conn_mut`]);
    /// with SQLite's `data_version` (which counts other
    /// connections' commits) it tells caches that the data changed.
    data_generation: u64,
    /// Data derived from the workspace by a layer above (the segment
    /// evaluator's columnar index), built on first use or ahead of it on
    /// another thread. The store treats it as opaque.
    pub(crate) derived: DerivedSlot,
    /// The quick search's keys of every lead (the leads layer's own cache,
    /// kept like `derived`).
    pub(crate) search_keys: DerivedSlot,
    /// The passphrase of an encrypted workspace (SQLCipher), kept for the
    /// connections opened beside this one (readers, backups).
    passphrase: Option<Passphrase>,
    /// How the layers above name the derived parts that read no events
    /// ([`Workspace::keep_across_event_writes`]).
    kept_across_event_writes: Vec<fn(&str) -> bool>,
    /// How the layers above name the derived parts that stay true when new
    /// leads are added and some fields written
    /// ([`Workspace::keep_across_lead_writes`]).
    kept_across_lead_writes: Vec<fn(&str, &[&str]) -> bool>,
    /// What the layers above keep across a write that rewrote a few known
    /// leads, each with how it carries its parts across
    /// ([`Workspace::keep_across_lead_row_writes`]).
    kept_across_lead_row_writes: Vec<(PartNamer, LeadRowsCarrier)>,
    /// What the layers above do when the workspace closes
    /// ([`Workspace::on_close`]).
    closers: Vec<fn(&Workspace)>,
    /// The leads `conn` changed since the quick search last read them
    /// (`lead_changes`: noted by the connection's update hook).
    lead_changes: lead_changes::LeadChangeLog,
    /// The events this workspace's last write appended, when it was an
    /// events import (`appended_events`): handed to the segment index once.
    appended_events: Mutex<Option<appended_events::AppendedEvents>>,
}

impl Workspace {
    /// Creates a new, empty workspace file. Refuses to overwrite anything.
    ///
    /// The workspace is built in a hidden temporary file next to `path` and
    /// moved into place only when complete, without replacing anything: a
    /// concurrent opener sees either no file or a whole workspace, and of two
    /// concurrent creators one wins and the other gets `AlreadyExists`.
    pub(crate) fn create_store(path: &Path) -> Result<Self> {
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.into() });
        }
        let parent = folder_of(path);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let partial = partial_file_in(parent, "new")?;
        {
            let mut conn = open_connection(partial.path(), Access::ReadWrite, None)
                .map_err(|e| e.in_workspace(path))?;
            // Before the first write, which fixes the file's page size.
            conn.pragma_update(None, "page_size", NEW_WORKSPACE_PAGE_SIZE)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            Self::configure(&conn, false)?;
            migrate::apply_pending(&mut conn).map_err(|e| e.in_workspace(path))?;
            // Closing checkpoints the WAL into the file, so it moves whole.
        }
        partial.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyExists { path: path.into() }
            } else {
                Error::io(path, e.error)
            }
        })?;
        Self::open_store(path)
    }

    /// Opens an existing workspace file, migrating it to the current schema.
    /// A file that is not a workspace, that a newer Leadstream wrote, that is
    /// damaged or read-only, is refused before anything is written to it.
    pub(crate) fn open_store(path: &Path) -> Result<Self> {
        Self::open_store_keyed(path, None)
    }

    /// Opens an existing workspace file that may be encrypted: an encrypted
    /// file needs `passphrase` ([`Error::PassphraseRequired`] without it,
    /// [`Error::WrongPassphrase`] with another one, the file untouched
    /// either way); a plain file ignores it.
    pub(crate) fn open_store_keyed(path: &Path, passphrase: Option<&Passphrase>) -> Result<Self> {
        Self::open_checked(path, passphrase).map_err(|e| e.in_workspace(path))
    }

    fn open_checked(path: &Path, passphrase: Option<&Passphrase>) -> Result<Self> {
        let kind = check_header(path)?;
        let key = match kind {
            FileKind::Plain => None,
            FileKind::Encrypted => match passphrase {
                Some(passphrase) => Some(passphrase),
                None => return Err(Error::PassphraseRequired { path: path.into() }),
            },
        };
        check_writable(path)?;
        let mut conn = open_connection(path, Access::ReadWrite, key)?;
        if key.is_some() {
            cipher::check_key(&conn, path)?;
        }
        // The first read of the schema: a damaged file fails here.
        let found = migrate::recorded_version(&conn)?;
        if found > LATEST_SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.into(),
                found,
                supported: LATEST_SCHEMA_VERSION,
            });
        }
        Self::configure(&conn, key.is_some())?;
        migrate::apply_pending(&mut conn)?;
        let mut workspace = Self::finish_open(conn, Some(path.into()))?;
        workspace.open_file = Some(open_files::Registration::new(path, kind));
        workspace.passphrase = key.cloned();
        Ok(workspace)
    }

    /// A private in-memory workspace, for tests.
    pub(crate) fn in_memory_store() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        harden(&conn)?;
        Self::configure(&conn, false)?;
        migrate::apply_pending(&mut conn)?;
        Self::finish_open(conn, None)
    }

    /// The per-connection settings of a read-write workspace connection;
    /// `encrypted` when it is keyed with a passphrase.
    fn configure(conn: &Connection, encrypted: bool) -> Result<()> {
        // In-memory databases answer "memory"; files switch to WAL (once,
        // persistently: later opens find it set).
        // A file a bulk load left on the rollback journal comes back too
        // (`journal`).
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", journal::WAL, |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", journal::WAL_SYNCHRONOUS)?;
        // SQLite's default page cache is 2 MiB; a million-lead workspace's
        // indexes need far more to import and query without re-reading pages.
        // This is a cap, not an allocation.
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // SQLCipher's build keeps temporary data (temporary tables, sorts too
        // big for memory) in memory unless told otherwise, so that an
        // encrypted workspace's rows never reach a file in clear. A plain
        // workspace's rows are plain on disk already: its sorts spill to
        // temporary files (unlinked as they are opened), which bounds their
        // memory and lets an import's index rebuild sort in small runs
        // (`DeferredIndexes::rebuild`). Set before the connection's first
        // temporary table: SQLite refuses the change inside a transaction
        // once temporary storage is open.
        let temp_store = if encrypted { "MEMORY" } else { "FILE" };
        conn.pragma_update(None, "temp_store", temp_store)?;
        crate::text::register_sql_functions(conn)?;
        Ok(())
    }

    fn finish_open(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        let lead_changes = lead_changes::LeadChangeLog::default();
        lead_changes::watch(&mut conn, &lead_changes)?;
        Ok(Workspace {
            conn,
            path,
            open_file: None,
            data_generation: 0,
            derived: Arc::new(Mutex::new(None)),
            search_keys: Arc::new(Mutex::new(None)),
            passphrase: None,
            kept_across_event_writes: Vec::new(),
            kept_across_lead_writes: Vec::new(),
            kept_across_lead_row_writes: Vec::new(),
            closers: Vec::new(),
            lead_changes,
            appended_events: Mutex::new(None),
        })
    }

    /// Puts `conn` in place of the workspace's connection (re-keying an
    /// encrypted file reopens it), watched like the first, and drops what
    /// was derived from the data.
    pub(crate) fn replace_connection(&mut self, mut conn: Connection) -> Result<()> {
        lead_changes::watch(&mut conn, &self.lead_changes)?;
        self.conn = conn;
        self.data_generation += 1;
        self.clear_derived();
        Ok(())
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

    /// Runs `read` inside one read transaction: every statement it makes
    /// sees the same snapshot of the file, however long it runs and whatever
    /// other connections commit meanwhile (a report that reads every lead
    /// beside the app's edits). Rolled back after, so it keeps nothing: a
    /// derived part is not stored from inside it (`put_if_free`). Inside a
    /// caller's transaction, `read` just runs in that one.
    pub fn read_snapshot<T>(&self, read: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return read(self);
        }
        let snapshot = self.conn.unchecked_transaction()?;
        let result = read(self);
        // The read's own error first: a failed rollback (the transaction then
        // ends with the connection) matters less.
        let ended = snapshot.rollback();
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Waits, for at most the busy timeout, until no other connection holds
    /// the write lock, and writes nothing: [`Error::Busy`] if one still
    /// does. For background work that should try its write again only once
    /// the file is free, rather than redo its reading while it waits.
    pub fn wait_until_writable(&self) -> Result<()> {
        let probe = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        probe.rollback()?;
        Ok(())
    }

    /// What identifies the current data: this workspace's write generation
    /// and SQLite's `data_version`, which moves when another process commits.
    pub(crate) fn data_stamp(&self) -> Result<(u64, i64)> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |row| row.get(0))?;
        Ok((self.data_generation, version))
    }

    /// The slot where a layer above keeps what it derives from the data;
    /// shared, so a background thread can fill it.
    pub(crate) fn derived_slot(&self) -> &DerivedSlot {
        &self.derived
    }

    /// The slot where the leads layer keeps the quick search's keys.
    pub(crate) fn search_keys_slot(&self) -> &DerivedSlot {
        &self.search_keys
    }

    /// The leads this workspace's connection inserted, updated or deleted
    /// since the last call, ascending and distinct, or `None` when too many
    /// to keep did (see `lead_changes`): what the quick search re-reads to
    /// patch its keys.
    pub(crate) fn take_lead_changes(&self) -> Option<Vec<i64>> {
        lead_changes::lock(&self.lead_changes).take()
    }

    /// Whether every data generation of the file after `after` up to
    /// `up_to` was created by a write through this workspace, or through
    /// one it absorbed ([`Workspace::absorb_lead_changes_of`]): then the
    /// notes of changed leads hold every lead those writes changed.
    pub(crate) fn created_every_generation(&self, after: i64, up_to: i64) -> bool {
        lead_changes::lock(&self.lead_changes).created_every_generation(after, up_to)
    }

    /// Takes over the notes of changed leads of `other`, a workspace on the
    /// same file opened beside this one (the app runs imports on a
    /// connection of their own), once its writes are committed or rolled
    /// back: the quick search then patches its keys for them instead of
    /// reading every lead again. Does nothing for a workspace on another
    /// file.
    pub fn absorb_lead_changes_of(&self, other: &Workspace) {
        let same_log = Arc::ptr_eq(&self.lead_changes, &other.lead_changes);
        if same_log || self.path.is_none() || self.path != other.path {
            return;
        }
        let mut theirs = lead_changes::lock(&other.lead_changes);
        lead_changes::lock(&self.lead_changes).absorb(&mut theirs);
    }

    /// Where the notes of changed leads end now: give it to
    /// [`Workspace::forget_lead_changes_since`] after a write of columns
    /// the quick search does not read.
    pub(crate) fn lead_changes_mark(&self) -> usize {
        lead_changes::lock(&self.lead_changes).noted()
    }

    /// Drops the notes of changed leads made since `mark`
    /// ([`Workspace::lead_changes_mark`]): for a write that changed none of
    /// the columns the quick search reads (scores), so that it does not
    /// cost the next search a re-read of every lead it touched.
    pub(crate) fn forget_lead_changes_since(&self, mark: usize) {
        lead_changes::lock(&self.lead_changes).forget_since(mark);
    }

    /// What reads the distinct leads this connection changed after `mark`
    /// ([`Workspace::lead_changes_mark`]), ascending, or `None` when too
    /// many to keep did: for a write to learn what it changed before it
    /// commits, while its transaction holds the connection (a leads
    /// import, `leads::carry_search_keys_across`). Nothing may take the
    /// notes in between.
    pub(crate) fn lead_changes_after(
        &self,
        mark: usize,
    ) -> impl Fn() -> Option<Vec<i64>> + 'static {
        let log = Arc::clone(&self.lead_changes);
        move || lead_changes::lock(&log).noted_since(mark)
    }

    /// How many lead changes are noted (a lead changed twice counts twice;
    /// `usize::MAX` when too many to keep).
    pub(crate) fn lead_changes_noted(&self) -> usize {
        lead_changes::lock(&self.lead_changes).noted()
    }

    /// Drops whatever a layer above derived from the data, so it is
    /// rebuilt on its next use.
    pub fn clear_derived(&self) {
        *lock_slot(&self.derived) = None;
        *lock_slot(&self.search_keys) = None;
    }

    /// How to open read-only connections of their own to this workspace's
    /// file, for background work beside this one (WAL lets them read while
    /// this connection writes; on the rollback journal of an import in
    /// place, they read before it writes); `None` for a workspace in memory.
    pub fn reader(&self) -> Option<Reader> {
        self.path.clone().map(|path| Reader {
            path,
            passphrase: self.passphrase.clone(),
        })
    }

    /// The passphrase this encrypted workspace was opened with, if any: the
    /// key of every other connection to its file and of its backups.
    pub(crate) fn passphrase(&self) -> Option<&Passphrase> {
        self.passphrase.as_ref()
    }

    /// Whether the workspace's file is encrypted with a passphrase.
    pub fn is_protected(&self) -> bool {
        self.passphrase.is_some()
    }
}

impl Drop for Workspace {
    /// Runs what the layers above registered with [`Workspace::on_close`],
    /// while the connection is still open.
    fn drop(&mut self) {
        for closer in std::mem::take(&mut self.closers) {
            closer(self);
        }
    }
}

/// Opens read-only, hardened connections to one workspace file, on any
/// thread: what background work (the daily backup, the backup beside an
/// import) reads through,
/// so the store stays the only place that opens connections.
#[derive(Debug, Clone)]
pub struct Reader {
    path: PathBuf,
    passphrase: Option<Passphrase>,
}

impl Reader {
    /// The workspace file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new read-only connection to the workspace file.
    pub fn open(&self) -> Result<Connection> {
        open_connection(&self.path, Access::ReadOnly, self.passphrase.as_ref())
    }
}

/// Locks a derived-data slot, recovering it if a thread panicked while
/// holding it (the value is then only a cache, rebuilt when stale).
pub(crate) fn lock_slot(
    slot: &DerivedSlot,
) -> std::sync::MutexGuard<'_, Option<Box<dyn Any + Send>>> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
        assert_eq!(pragma_i64(&ws, "page_size"), NEW_WORKSPACE_PAGE_SIZE);
        assert_eq!(ws.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
        assert_eq!(ws.name(), "a");
    }

    /// A read snapshot sees none of another connection's commits made
    /// while it runs, and leaves no transaction open after it.
    #[test]
    fn a_read_snapshot_sees_one_state_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        let ws = Workspace::create(&path).unwrap();
        let settings = |ws: &Workspace| -> i64 {
            ws.conn()
                .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
                .unwrap()
        };
        let at_start = settings(&ws);
        let other = Workspace::open(&path).unwrap();
        let seen = ws
            .read_snapshot(|ws| {
                let first = settings(ws);
                other
                    .conn()
                    .execute("INSERT INTO settings (key, value) VALUES ('k', '1')", [])
                    .unwrap();
                Ok((first, settings(ws)))
            })
            .unwrap();
        assert_eq!(seen, (at_start, at_start));
        assert!(ws.conn().is_autocommit());
        assert_eq!(settings(&ws), at_start + 1);
        // An error inside ends the snapshot too.
        let failed: Result<()> = ws.read_snapshot(|_| Err(Error::InvalidArgument("stop".into())));
        assert!(failed.is_err());
        assert!(ws.conn().is_autocommit());
    }

    /// `.cargo/config.toml` builds SQLite without memory statistics (a
    /// global mutex on every allocation); a build that loses the flag fails here.
    #[test]
    fn sqlite_is_built_without_memory_statistics() {
        let ws = Workspace::in_memory().unwrap();
        let mut statement = ws.conn().prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
    }

    #[test]
    fn a_write_the_generation_cannot_follow_is_refused_and_the_next_one_goes_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        let mut ws = Workspace::create(&path).unwrap();
        ws.conn()
            .busy_timeout(std::time::Duration::from_millis(50))
            .unwrap();
        let before = tables::derived_cache::generation(ws.conn()).unwrap();
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();

        // Another process holds the write lock past the timeout: no
        // connection to write with, and so no write under an old generation.
        assert!(matches!(ws.conn_mut(), Err(Error::Busy { .. })));

        other.execute_batch("COMMIT").unwrap();
        assert_eq!(
            tables::derived_cache::generation(ws.conn()).unwrap(),
            before
        );
        ws.conn_mut()
            .unwrap()
            .execute_batch("INSERT INTO settings (key, value) VALUES ('k', 'v')")
            .unwrap();
        assert_eq!(
            tables::derived_cache::generation(ws.conn()).unwrap(),
            before + 1
        );
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
            Err(Error::NoSuchWorkspace { .. })
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

    use std::sync::atomic::{AtomicBool, Ordering};

    /// A workspace file with some data, closed (checkpointed), for tests that
    /// change the file behind the app's back.
    fn closed_workspace_with_data(path: &Path) {
        let mut ws = Workspace::create(path).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 200,
            events_per_lead: 3,
            seed: 7,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut ws, &spec).unwrap();
    }

    /// Registers `exfiltrate(x)`, a side-effecting function a crafted file
    /// might try to run, and returns the flag it sets when called.
    fn register_exfiltrate(conn: &Connection) -> Arc<AtomicBool> {
        let called = Arc::new(AtomicBool::new(false));
        let flag = called.clone();
        conn.create_scalar_function(
            "exfiltrate",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |_| {
                flag.store(true, Ordering::SeqCst);
                Ok(1)
            },
        )
        .unwrap();
        called
    }

    #[test]
    fn a_crafted_view_or_trigger_cannot_call_an_untrusted_function() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crafted.leadstream");
        drop(Workspace::create(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE VIEW sneaky_view AS SELECT exfiltrate('view') AS v;
                 CREATE TRIGGER sneaky_trigger AFTER INSERT ON settings
                 BEGIN SELECT exfiltrate(NEW.key); END;",
            )
            .unwrap();

        let ws = Workspace::open(&path).unwrap();
        let called = register_exfiltrate(ws.conn());
        let view = ws
            .conn()
            .query_row("SELECT v FROM sneaky_view", [], |r| r.get::<_, i64>(0));
        let trigger = ws.conn().execute(
            "INSERT INTO settings (key, value) VALUES ('k', '\"v\"')",
            [],
        );
        assert!(view.is_err(), "the view ran exfiltrate()");
        assert!(trigger.is_err(), "the trigger ran exfiltrate()");
        assert!(
            view.unwrap_err()
                .to_string()
                .contains("unsafe use of exfiltrate"),
            "refused as untrusted"
        );
        assert!(
            !called.load(Ordering::SeqCst),
            "exfiltrate() was never called"
        );
        // The app's own function is innocuous and still usable from the schema.
        ws.conn()
            .execute_batch("CREATE TEMP VIEW folded AS SELECT fold('ÄB') AS f")
            .unwrap();
    }

    #[test]
    fn a_workspace_connection_refuses_to_attach_another_database() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.db");
        let ws = Workspace::create(dir.path().join("a.leadstream")).unwrap();
        let attach = format!("ATTACH DATABASE '{}' AS other", other.display());
        let error = ws.conn().execute_batch(&attach).unwrap_err();
        assert!(
            error.to_string().contains("too many attached databases"),
            "{error}"
        );
        assert!(!other.exists(), "no file was created by ATTACH");
        let in_memory = Workspace::in_memory().unwrap();
        assert!(in_memory.conn().execute_batch(&attach).is_err());
        assert!(!other.exists());
    }

    #[test]
    fn a_workspace_connection_cannot_edit_the_schema_table_directly() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path().join("a.leadstream")).unwrap();
        let edit = ws.conn().execute_batch(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE TABLE leads(x)' WHERE name = 'leads';",
        );
        assert!(
            edit.is_err(),
            "defensive mode refuses writable_schema edits"
        );
        let sql: String = ws
            .conn()
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'leads'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_ne!(sql, "CREATE TABLE leads(x)");
    }

    #[test]
    fn the_read_only_connection_for_background_work_is_hardened_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        drop(Workspace::create(&path).unwrap());
        let conn = open_connection(&path, Access::ReadOnly, None).unwrap();
        let trusted: i64 = conn
            .pragma_query_value(None, "trusted_schema", |r| r.get(0))
            .unwrap();
        assert_eq!(trusted, 0);
        assert!(conn
            .execute_batch("ATTACH DATABASE ':memory:' AS other")
            .is_err());
        assert!(conn
            .execute("INSERT INTO settings (key, value) VALUES ('k', '1')", [])
            .is_err());
    }

    #[test]
    fn concurrent_creators_of_a_new_path_all_get_one_complete_workspace() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..20 {
            let path = dir.path().join(format!("{round}.leadstream"));
            let start = Arc::new(std::sync::Barrier::new(4));
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        match Workspace::create(&path) {
                            Err(Error::AlreadyExists { .. }) => Workspace::open(&path),
                            created => created,
                        }
                        .map(|ws| ws.schema_version().unwrap())
                        .map_err(|e| e.to_string())
                    })
                })
                .collect();
            for thread in threads {
                assert_eq!(
                    thread.join().unwrap(),
                    Ok(LATEST_SCHEMA_VERSION),
                    "round {round}"
                );
            }
            let ws = Workspace::open(&path).unwrap();
            let applied: i64 = ws
                .conn()
                .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
                .unwrap();
            assert_eq!(applied, migrate::MIGRATIONS.len() as i64);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn concurrent_openers_of_an_unmigrated_file_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..20 {
            let path = dir.path().join(format!("{round}.leadstream"));
            // A workspace whose migrations have not run yet: what a new
            // file, or one from an older Leadstream, looks like on open.
            let raw = Connection::open(&path).unwrap();
            raw.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            raw.pragma_update(None, "journal_mode", "WAL").unwrap();
            drop(raw);
            let start = Arc::new(std::sync::Barrier::new(4));
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        Workspace::open(&path)
                            .map(|ws| ws.schema_version().unwrap())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            for thread in threads {
                assert_eq!(
                    thread.join().unwrap(),
                    Ok(LATEST_SCHEMA_VERSION),
                    "round {round}"
                );
            }
            let ws = Workspace::open(&path).unwrap();
            let applied: i64 = ws
                .conn()
                .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
                .unwrap();
            assert_eq!(applied, migrate::MIGRATIONS.len() as i64, "round {round}");
        }
    }

    #[test]
    fn a_read_only_workspace_file_is_refused_with_the_reason_and_left_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.leadstream");
        closed_workspace_with_data(&path);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let before = std::fs::read(&path).unwrap();
        let message = match Workspace::open(&path) {
            Ok(_) => panic!("a read-only file was opened for writing"),
            Err(e) => e.to_string(),
        };
        assert!(message.contains("archive.leadstream"), "{message}");
        assert!(message.contains("read-only"), "{message}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    /// Damages a copy of a real workspace with `damage` and checks that
    /// opening it says so, names it, and leaves it as it was.
    fn assert_damaged_file_is_refused(damage: impl FnOnce(&Path)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.leadstream");
        closed_workspace_with_data(&path);
        damage(&path);
        let before = std::fs::read(&path).unwrap();
        let message = match Workspace::open(&path) {
            Ok(ws) => match crate::store::tables::leads::count(&ws) {
                Ok(n) => panic!("a damaged workspace opened and counted {n} leads"),
                Err(e) => e.in_workspace(&path).to_string(),
            },
            Err(e) => e.to_string(),
        };
        assert!(message.contains("clients.leadstream"), "{message}");
        assert!(
            message.contains("this workspace file is damaged"),
            "{message}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the file is untouched"
        );
    }

    #[test]
    fn a_truncated_workspace_is_reported_damaged_and_left_untouched() {
        assert_damaged_file_is_refused(|path| {
            let length = std::fs::metadata(path).unwrap().len();
            let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            file.set_len(length / 2).unwrap();
        });
    }

    #[test]
    fn an_overwritten_workspace_is_reported_damaged_and_left_untouched() {
        assert_damaged_file_is_refused(|path| {
            use std::io::{Seek, SeekFrom, Write};
            let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            // Page 1 after the file header: the root of the schema table.
            file.seek(SeekFrom::Start(100)).unwrap();
            file.write_all(&[0xA5; 400]).unwrap();
        });
    }

    #[test]
    fn a_workspace_cut_off_inside_its_header_is_reported_damaged() {
        assert_damaged_file_is_refused(|path| {
            let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            file.set_len(60).unwrap();
        });
    }

    #[test]
    fn a_full_disk_during_demo_generation_says_so_and_keeps_what_was_there() {
        // Simulated with SQLite's max_page_count: the file may not grow
        // beyond a few pages more than it holds (tests/cli/errors.rs runs the
        // same on a real, full tmpfs).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.leadstream");
        {
            let ws = Workspace::create(&path).unwrap();
            ws.conn()
                .execute("INSERT INTO settings (key, value) VALUES ('kept', '1')", [])
                .unwrap();
        }
        let mut ws = Workspace::open(&path).unwrap();
        let pages: i64 = ws
            .conn()
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        ws.conn()
            .pragma_update(None, "max_page_count", pages + 8)
            .unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 2_000,
            events_per_lead: 5,
            seed: 1,
            anchor: 1_790_000_000,
        };
        let message = match crate::demo::generate(&mut ws, &spec) {
            Ok(_) => panic!("the demo fitted in 8 pages"),
            Err(e) => e.in_workspace(&path).to_string(),
        };
        assert!(message.contains("the disk is full"), "{message}");
        assert!(message.contains("full.leadstream"), "{message}");
        drop(ws);
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(crate::store::tables::leads::count(&ws).unwrap(), 0);
        let kept: String = ws
            .conn()
            .query_row("SELECT value FROM settings WHERE key = 'kept'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kept, "1");
    }

    #[test]
    fn a_writer_waiting_on_another_process_reports_the_workspace_busy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.leadstream");
        drop(Workspace::create(&path).unwrap());
        let holder = Workspace::open(&path).unwrap();
        holder
            .conn()
            .execute_batch(
                "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('held', '1');",
            )
            .unwrap();
        let ws = Workspace::open(&path).unwrap();
        let field = crate::fields::NewField {
            key: "budget",
            label: "Budget",
            field_type: crate::fields::FieldType::Number,
            origin: crate::fields::Origin::Explicit,
            category: crate::fields::Category::Firmographic,
        };
        let started = std::time::Instant::now();
        let message = match crate::fields::add_custom(ws.conn(), &field) {
            Ok(_) => panic!("wrote while another connection held the write lock"),
            Err(e) => e.in_workspace(&path).to_string(),
        };
        assert!(started.elapsed() >= BUSY_TIMEOUT, "waited the busy timeout");
        assert!(
            message.contains("the workspace is busy (another Leadstream process is writing)"),
            "{message}"
        );
        holder.conn().execute_batch("COMMIT").unwrap();
        crate::fields::add_custom(ws.conn(), &field).unwrap();
    }
}
