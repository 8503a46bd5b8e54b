//! Backup files of a workspace: SQLite's online backup into a folder beside
//! the workspace, listing, pruning and restoring (issue 15).
//!
//! The backups of `Deals.leadstream` live in `Deals.leadstream-backups/`
//! beside it, one complete workspace file each, named
//! `<UTC time>-<reason>.leadstream`, encrypted with the workspace's
//! passphrase when it has one. The newest [`keep`] of them are kept
//! (one budget for every reason, daily ones included); older ones are
//! deleted after each new one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::tables::backups as sql;
use super::{cipher, harden, open_connection, Access, Passphrase, Workspace};
use crate::{Error, Result};

/// The setting that holds how many backups are kept.
pub const KEEP_SETTING: &str = "backup_keep";
/// How many backups are kept when the setting was never changed.
pub const DEFAULT_KEEP: u32 = 10;
/// The most backups one may ask to keep.
pub const MAX_KEEP: u32 = 1_000;
/// The reason of the backup taken once a day when a workspace opens.
pub const DAILY_REASON: &str = "daily";
/// A workspace whose newest backup is older than this gets a daily one.
const DAILY_EVERY_SECONDS: i64 = 24 * 3600;
/// Workspace files at least this large take their daily backup on a
/// thread of its own, so opening them is not slowed down.
const BACKGROUND_FROM_BYTES: u64 = 64 * 1024 * 1024;
/// A hidden partial copy older than this was left by a process that
/// stopped mid-copy; pruning deletes it.
const STALE_PARTIAL_SECONDS: u64 = 3600;
/// How the stamp at the start of a backup's name is written.
const STAMP_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";

/// One backup file, as the Backups tab and `backup list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    /// The file name without its extension: what `backup restore` takes.
    pub id: String,
    /// When it was taken, in Unix seconds (UTC).
    #[ts(type = "number")]
    pub taken_at: i64,
    /// Why: `before-import`, `before-merge`, `daily`, `manual`, ...
    pub reason: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// How many leads it holds; `None` when it cannot be read (damaged, or
    /// encrypted with another passphrase).
    #[ts(type = "number | null")]
    pub leads: Option<u64>,
}

/// The folder that holds the backups of the workspace at `workspace_path`.
pub fn backups_dir(workspace_path: &Path) -> PathBuf {
    let mut name = workspace_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push("-backups");
    workspace_path.with_file_name(name)
}

/// The backup files of the workspace at `workspace_path`, oldest first
/// (their names start with their UTC time); none when the folder is missing.
pub fn backup_files(workspace_path: &Path) -> Result<Vec<PathBuf>> {
    let dir = backups_dir(workspace_path);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(&dir, e))?.path();
        if path
            .extension()
            .is_some_and(|ext| ext == super::WORKSPACE_EXTENSION)
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Copies the whole workspace, as it is committed now, into a new backup
/// file named after the time and `reason` (a short slug such as
/// `before-import`), with SQLite's online backup; returns its path, or
/// `None` for a workspace in memory. The copy is written to a hidden file
/// and moved into place only when complete. Older backups beyond [`keep`]
/// are deleted afterwards.
pub fn create(workspace: &Workspace, reason: &str) -> Result<Option<PathBuf>> {
    let made = create_unpruned(workspace, reason)?;
    if made.is_some() {
        prune(workspace)?;
    }
    Ok(made)
}

/// The backup a write that stays on the write-ahead log takes before it
/// changes the workspace (an erasure, a retention run: on the rollback
/// journal the pages they overwrite, the deleted person's among them,
/// would be copied to the journal file first). Alone on its file, the
/// backup is a copy of the file's bytes, taken first while the file is on
/// the rollback journal for the copy alone (`journal::in_place_if_alone`).
/// Beside another connection (the app's), it is SQLite's online backup,
/// copied on a thread from a snapshot taken before the write
/// ([`start_beside`]) while the write goes on: the write finishes it
/// before it commits ([`BackupBefore::finish`]).
pub(crate) fn take_before_log_write(
    workspace: &mut Workspace,
    reason: &str,
) -> Result<BackupBefore> {
    super::journal::in_place_if_alone(workspace, true, |workspace| {
        if super::journal::writes_in_place(workspace.conn())? {
            return create(workspace, reason).map(BackupBefore::Taken);
        }
        Ok(match start_beside(workspace, reason)? {
            Some(beside) => BackupBefore::Beside(beside),
            None => BackupBefore::Taken(None),
        })
    })
}

/// The backup [`take_before_log_write`] took, or is copying beside the write.
pub(crate) enum BackupBefore {
    Taken(Option<PathBuf>),
    Beside(BackupBeside),
}

impl BackupBefore {
    /// The backup's file, once complete (`None` for a workspace in memory).
    pub(crate) fn finish(self) -> Result<Option<PathBuf>> {
        match self {
            BackupBefore::Taken(path) => Ok(path),
            BackupBefore::Beside(beside) => beside.finish().map(Some),
        }
    }
}

/// [`create`] without the pruning: a restore takes its safety copy with
/// this, so the backup it restores cannot be pruned under it.
pub(crate) fn create_unpruned(workspace: &Workspace, reason: &str) -> Result<Option<PathBuf>> {
    let Some(path) = workspace.path() else {
        return Ok(None);
    };
    if let Some(copied) = copy_file_to_folder(workspace.conn(), path, reason)? {
        return Ok(Some(copied));
    }
    copy_to_folder(workspace.conn(), path, reason, workspace.passphrase(), None).map(Some)
}

/// The backup a write takes before it changes the workspace (issue 15: an
/// import, a merge), the quickest way the file allows. A write in place,
/// on the rollback journal (`journal::in_place_if_alone`), has its file
/// copied first ([`create`]): there a reader would hold up its writes. On
/// the log it is copied beside the write ([`start_beside`]), from a
/// snapshot taken before it; the write finishes that copy before it
/// commits ([`BackupBeside::finish`]), and dropping it stops the copy.
pub(crate) fn take_before_write(
    workspace: &Workspace,
    reason: &str,
) -> Result<Option<BackupBeside>> {
    if super::journal::writes_in_place(workspace.conn())? {
        create(workspace, reason)?;
        return Ok(None);
    }
    start_beside(workspace, reason)
}

/// A backup taken beside a write (an import's or a merge's, issue 16): on a
/// thread of its own, from a read-only connection whose read snapshot was taken
/// before [`start_beside`] returned, so it holds the workspace as it was
/// before the write began, while the write goes on (the workspace is WAL).
/// [`BackupBeside::finish`] waits for it; dropping it unfinished stops the
/// copy and deletes the partial file. An import that writes in place, on
/// the rollback journal, takes its backup with [`create`] before its first
/// write instead: there, a reader would hold up the writes (`import::apply`).
pub struct BackupBeside {
    stop: Arc<AtomicBool>,
    copy: Option<JoinHandle<Result<PathBuf>>>,
}

/// Starts a backup of `workspace` beside the write that follows; returns
/// once the backup's snapshot is taken. `None` for a workspace in memory.
pub fn start_beside(workspace: &Workspace, reason: &str) -> Result<Option<BackupBeside>> {
    let (Some(path), Some(reader)) = (workspace.path(), workspace.reader()) else {
        return Ok(None);
    };
    let path = path.to_path_buf();
    let keep = keep(workspace)?;
    let passphrase = workspace.passphrase().cloned();
    let reason = reason.to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let (snapshot_sender, snapshot_taken) = std::sync::mpsc::sync_channel::<Result<()>>(1);
    let copy = std::thread::spawn(move || -> Result<PathBuf> {
        let opened = reader.open().and_then(|source| {
            // The read transaction stays open for the whole copy: every
            // step reads the same snapshot, whatever the import writes.
            sql::begin_read_snapshot(&source)?;
            Ok(source)
        });
        let source = match opened {
            Ok(source) => {
                snapshot_sender.send(Ok(())).ok();
                source
            }
            Err(error) => {
                let message = error.to_string();
                snapshot_sender.send(Err(error)).ok();
                return Err(Error::InvalidArgument(message));
            }
        };
        let copied = copy_to_folder(&source, &path, &reason, passphrase.as_ref(), Some(&stopped))?;
        prune_folder(&path, keep)?;
        Ok(copied)
    });
    match snapshot_taken.recv() {
        Ok(Ok(())) => Ok(Some(BackupBeside {
            stop,
            copy: Some(copy),
        })),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(Error::InvalidArgument(
            "the backup before this change stopped before it began".into(),
        )),
    }
}

impl BackupBeside {
    /// Waits for the copy to finish; its error (a failed backup) is the
    /// caller's.
    pub fn finish(mut self) -> Result<PathBuf> {
        match self.copy.take().map(JoinHandle::join) {
            Some(Ok(copied)) => copied,
            _ => Err(Error::InvalidArgument(
                "the backup before this change stopped unexpectedly".into(),
            )),
        }
    }
}

impl Drop for BackupBeside {
    fn drop(&mut self) {
        if let Some(copy) = self.copy.take() {
            self.stop.store(true, Ordering::Relaxed);
            copy.join().ok();
        }
    }
}

/// The online backup of `source` (a connection to the workspace at
/// `workspace_path`) into a new file of its backups folder.
/// `stop` stops it between steps (the partial file is then deleted).
fn copy_to_folder(
    source: &Connection,
    workspace_path: &Path,
    reason: &str,
    passphrase: Option<&Passphrase>,
    stop: Option<&AtomicBool>,
) -> Result<PathBuf> {
    let (partial, target) = new_backup_file(workspace_path, reason)?;
    let copied = (|| -> Result<()> {
        drop(create_with_permissions_of(workspace_path, &partial)?);
        let mut copy = rusqlite::Connection::open(&partial)?;
        if let Some(passphrase) = passphrase {
            cipher::apply_key(&copy, passphrase)?;
        }
        harden(&copy)?;
        sql::write_unjournaled(&copy)?;
        {
            let backup = Backup::new(source, &mut copy)?;
            loop {
                if stop.is_some_and(|stop| stop.load(Ordering::Relaxed)) {
                    return Err(Error::Cancelled);
                }
                // Busy or locked: try again, as run_to_completion does.
                if backup.step(4096)? == StepResult::Done {
                    break;
                }
            }
        }
        copy.close().map_err(|(_, e)| Error::from(e))?;
        sync_file(&partial)
    })();
    if let Err(error) = copied {
        std::fs::remove_file(&partial).ok();
        return Err(error);
    }
    std::fs::rename(&partial, &target).map_err(|e| Error::io(&target, e))?;
    Ok(target)
}

/// Creates `file` empty, for writing, readable and writable by whom the
/// workspace at `workspace_path` is (a workspace made private stays so in
/// its backups), for a backup's copy to go into.
fn create_with_permissions_of(workspace_path: &Path, file: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let metadata =
            std::fs::metadata(workspace_path).map_err(|e| Error::io(workspace_path, e))?;
        options.mode(metadata.permissions().mode() & 0o777);
    }
    options.open(file).map_err(|e| Error::io(file, e))
}

/// Where a new backup of the workspace at `workspace_path` is written (a
/// hidden partial file), and the name it is moved to once complete.
fn new_backup_file(workspace_path: &Path, reason: &str) -> Result<(PathBuf, PathBuf)> {
    let reason = slug(reason);
    let dir = backups_dir(workspace_path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let stamp = chrono::Utc::now().format(STAMP_FORMAT);
    let target = dir.join(format!("{stamp}-{reason}.{}", super::WORKSPACE_EXTENSION));
    let partial = dir.join(format!(".{stamp}-{reason}.partial"));
    Ok((partial, target))
}

/// The backup of a workspace on the rollback journal (an import alone on
/// its file, `store::journal`), as a copy of the file's bytes: there the
/// file is the whole database, and a read transaction on `source` holds
/// off every writer while it is copied. The kernel's file copy takes a
/// third of the time of SQLite's backup, which reads and writes each page
/// with a call of its own (docs/benchmarks.md). `None` when `source` is on
/// the write-ahead log or inside a transaction: the backup is SQLite's.
/// The copy keeps the workspace's encryption (the same bytes) and its file
/// permissions.
#[cfg(unix)]
fn copy_file_to_folder(
    source: &Connection,
    workspace_path: &Path,
    reason: &str,
) -> Result<Option<PathBuf>> {
    if !source.is_autocommit() || !super::journal::writes_in_place(source)? {
        return Ok(None);
    }
    sql::begin_read_snapshot(source)?;
    let copied = copy_file_while_read(source, workspace_path, reason);
    let ended = sql::end_read(source);
    let copied = match (copied, ended) {
        (Ok(copied), Err(error)) => {
            if let Some((partial, _)) = copied {
                std::fs::remove_file(partial).ok();
            }
            return Err(error);
        }
        (copied, _) => copied?,
    };
    let Some((partial, target)) = copied else {
        return Ok(None);
    };
    std::fs::rename(&partial, &target).map_err(|e| Error::io(&target, e))?;
    Ok(Some(target))
}

/// [`copy_file_to_folder`] once its read holds off the writers: the hidden
/// partial copy and the name it takes, or `None` when the file is not
/// exactly the pages SQLite reports (the backup is then SQLite's).
#[cfg(unix)]
fn copy_file_while_read(
    source: &Connection,
    workspace_path: &Path,
    reason: &str,
) -> Result<Option<(PathBuf, PathBuf)>> {
    let metadata = std::fs::metadata(workspace_path).map_err(|e| Error::io(workspace_path, e))?;
    // The file holds the pages and nothing else: its length is a whole
    // number of them, of a size SQLite allows (an encrypted file's pages
    // are the size SQLCipher writes them).
    let pages = sql::page_count(source)?;
    let bytes = metadata.len();
    let page_size = bytes.checked_div(pages).unwrap_or(0);
    if page_size * pages != bytes
        || !page_size.is_power_of_two()
        || !(512..=65_536).contains(&page_size)
    {
        return Ok(None);
    }
    let (partial, target) = new_backup_file(workspace_path, reason)?;
    let copied = (|| -> Result<()> {
        let mut copy = create_with_permissions_of(workspace_path, &partial)?;
        super::open_files::copy_bytes(workspace_path, bytes, &mut copy)
            .map_err(|e| Error::io(workspace_path, e))?;
        copy.sync_all().map_err(|e| Error::io(&partial, e))
    })();
    match copied {
        Ok(()) => Ok(Some((partial, target))),
        Err(error) => {
            std::fs::remove_file(&partial).ok();
            Err(error)
        }
    }
}

/// [`copy_file_to_folder`] where no copy of the bytes is kept safe for the
/// locks: the backup is always SQLite's.
#[cfg(not(unix))]
fn copy_file_to_folder(
    _source: &Connection,
    _workspace_path: &Path,
    _reason: &str,
) -> Result<Option<PathBuf>> {
    Ok(None)
}

/// Flushes the file at `path` to the disk. Only for a file no connection
/// of this process has open: closing a descriptor of a file drops every
/// POSIX lock the process holds on it, SQLite's included.
fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// A reason as a file name part: lower-case letters, digits and dashes.
fn slug(reason: &str) -> String {
    let slug: String = reason
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.trim_matches('-').chars().take(40).collect::<String>();
    if slug.is_empty() {
        "manual".to_owned()
    } else {
        slug
    }
}

/// How many backups are kept (the setting `backup_keep`, default 10).
pub fn keep(workspace: &Workspace) -> Result<u32> {
    Ok(keep_on(workspace.conn()))
}

/// [`keep`] through any connection to the workspace file; a value that is
/// missing or unreadable is the default.
fn keep_on(conn: &Connection) -> u32 {
    super::settings::get_text_on(conn, KEEP_SETTING)
        .ok()
        .flatten()
        .and_then(|text| serde_json::from_str::<u32>(&text).ok())
        .unwrap_or(DEFAULT_KEEP)
        .clamp(1, MAX_KEEP)
}

/// Sets how many backups are kept (1 to [`MAX_KEEP`]) and deletes the
/// older ones beyond it.
pub fn set_keep(workspace: &mut Workspace, count: u32) -> Result<()> {
    if !(1..=MAX_KEEP).contains(&count) {
        return Err(Error::InvalidArgument(format!(
            "the number of backups to keep must be between 1 and {MAX_KEEP}, not {count}"
        )));
    }
    super::settings::set(workspace, KEEP_SETTING, &count)?;
    prune(workspace)?;
    Ok(())
}

/// Deletes the oldest backups beyond [`keep`] (whatever their reason) and
/// partial copies a stopped process left; returns the deleted backups.
pub fn prune(workspace: &Workspace) -> Result<Vec<PathBuf>> {
    let Some(path) = workspace.path() else {
        return Ok(Vec::new());
    };
    prune_folder(path, keep(workspace)?)
}

fn prune_folder(workspace_path: &Path, keep: u32) -> Result<Vec<PathBuf>> {
    remove_stale_partials(&backups_dir(workspace_path));
    let files = backup_files(workspace_path)?;
    let excess = files.len().saturating_sub(keep.max(1) as usize);
    let mut deleted = Vec::new();
    for file in files.into_iter().take(excess) {
        std::fs::remove_file(&file).map_err(|e| Error::io(&file, e))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = file.clone().into_os_string();
            side.push(suffix);
            std::fs::remove_file(PathBuf::from(side)).ok();
        }
        deleted.push(file);
    }
    Ok(deleted)
}

fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_partial = path.extension().is_some_and(|ext| ext == "partial");
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok());
        if is_partial && age.is_some_and(|age| age.as_secs() >= STALE_PARTIAL_SECONDS) {
            std::fs::remove_file(&path).ok();
        }
    }
}

/// The backups of `workspace`, newest first, with their lead counts.
pub fn list(workspace: &Workspace) -> Result<Vec<BackupInfo>> {
    let Some(path) = workspace.path() else {
        return Ok(Vec::new());
    };
    let mut infos = Vec::new();
    for file in backup_files(path)?.into_iter().rev() {
        let Some((taken_at, reason)) = file
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(parse_stem)
        else {
            continue;
        };
        let size_bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let leads = open_connection(&file, Access::ReadOnly, workspace.passphrase())
            .and_then(|conn| sql::lead_count(&conn))
            .ok();
        infos.push(BackupInfo {
            id: stem_of(&file),
            taken_at,
            reason,
            size_bytes,
            leads,
        });
    }
    Ok(infos)
}

fn stem_of(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The time and reason in a backup's name (`20261130T040638.123Z-daily`).
fn parse_stem(stem: &str) -> Option<(i64, String)> {
    let (stamp, reason) = stem.split_once('-')?;
    let taken = chrono::NaiveDateTime::parse_from_str(stamp, STAMP_FORMAT).ok()?;
    Some((taken.and_utc().timestamp(), reason.to_owned()))
}

/// The file of the backup `id` of `workspace`: one of its backup files,
/// never a path elsewhere.
pub fn path_of(workspace: &Workspace, id: &str) -> Result<PathBuf> {
    let not_found = || Error::NotFound {
        what: "backup",
        key: id.to_owned(),
    };
    let path = workspace.path().ok_or_else(not_found)?;
    backup_files(path)?
        .into_iter()
        .find(|file| stem_of(file) == id)
        .ok_or_else(not_found)
}

/// When the newest backup of `workspace` was taken, if it has any.
pub fn newest_taken_at(workspace: &Workspace) -> Result<Option<i64>> {
    match workspace.path() {
        Some(path) => newest_in_folder(path),
        None => Ok(None),
    }
}

/// When the newest backup of the workspace at `workspace_path` was taken.
fn newest_in_folder(workspace_path: &Path) -> Result<Option<i64>> {
    Ok(backup_files(workspace_path)?
        .iter()
        .rev()
        .find_map(|file| parse_stem(&stem_of(file)))
        .map(|(taken_at, _)| taken_at))
}

/// Is a daily backup due at `now` (Unix seconds): none taken in the last
/// 24 hours, whatever their reason?
pub fn daily_due(newest_taken_at: Option<i64>, now: i64) -> bool {
    newest_taken_at.is_none_or(|taken| now - taken >= DAILY_EVERY_SECONDS)
}

/// How a daily backup was taken, if one was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyBackup {
    NotDue,
    /// Taken before returning (small workspaces).
    Taken,
    /// Being taken on a thread of its own, from a read-only connection.
    Started,
    /// Due, but the workspace is large and the caller may not wait for it
    /// nor outlive a thread (the CLI): left for the app, or the next import.
    Deferred,
}

/// Where a daily backup of a large workspace may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyMode {
    /// Only before returning, and only for a small workspace: what every
    /// opener gets (a short-lived CLI would kill a background thread
    /// mid-copy, leaving a large partial file behind).
    SmallOnly,
    /// A large workspace's backup on a background thread, started `after`
    /// the open: for the app, which outlives it.
    BackgroundForLarge { after: std::time::Duration },
}

/// How long after the app opens a large workspace its daily backup starts
/// ([`DailyMode::BackgroundForLarge`]): the first screens come first. A copy
/// of 1.9 GB beside them made the Segments list of a 1M-lead workspace
/// 1.0–1.6 s instead of 0.8 s, on a machine that stayed mostly idle (so
/// waiting, not computing; docs/decisions.md). An app closed before then
/// backs up on its next open.
pub const DAILY_AFTER_OPEN: std::time::Duration = std::time::Duration::from_secs(30);

/// Takes the daily backup when none was taken in the last 24 hours: before
/// returning for a small workspace; for a large one, on a background
/// thread of its own when `mode` allows (its online backup reads a
/// connection of its own, so the workspace is usable meanwhile).
pub fn create_daily_if_due(workspace: &Workspace, mode: DailyMode) -> Result<DailyBackup> {
    let Some(path) = workspace.path() else {
        return Ok(DailyBackup::NotDue);
    };
    if !daily_due(newest_taken_at(workspace)?, chrono::Utc::now().timestamp()) {
        return Ok(DailyBackup::NotDue);
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size < BACKGROUND_FROM_BYTES {
        create(workspace, DAILY_REASON)?;
        return Ok(DailyBackup::Taken);
    }
    let (reader, after) = match (mode, workspace.reader()) {
        (DailyMode::BackgroundForLarge { after }, Some(reader)) => (reader, after),
        _ => return Ok(DailyBackup::Deferred),
    };
    let passphrase = workspace.passphrase().cloned();
    spawn_daily_copy(reader, path.to_path_buf(), passphrase, after);
    Ok(DailyBackup::Started)
}

/// The thread that takes a large workspace's daily backup `after` the open,
/// from a read-only connection of its own, then prunes the folder.
fn spawn_daily_copy(
    reader: super::Reader,
    path: PathBuf,
    passphrase: Option<Passphrase>,
    after: Duration,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(after);
        // A backup taken meanwhile (an import's, another open's copy) makes
        // this one not due any more.
        let newest = newest_in_folder(&path).ok().flatten();
        if !daily_due(newest, chrono::Utc::now().timestamp()) {
            return;
        }
        let Ok(source) = reader.open() else {
            return;
        };
        if copy_to_folder(&source, &path, DAILY_REASON, passphrase.as_ref(), None).is_ok() {
            // The number to keep as it is now: the user may have changed it
            // since the open, and `set_keep` pruned to the new one then.
            prune_folder(&path, keep_on(&source)).ok();
        }
    })
}

/// A read-write connection to one backup file of `workspace`, keyed with
/// the workspace's passphrase: for changing what backups hold (erasure).
pub fn open_backup(workspace: &Workspace, backup: &Path) -> Result<rusqlite::Connection> {
    open_connection(backup, Access::ReadWrite, workspace.passphrase())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_backup_is_a_whole_workspace_in_the_folder_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        let workspace = Workspace::create_store(&path).unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES ('marker', '1')",
                [],
            )
            .unwrap();
        assert!(backup_files(&path).unwrap().is_empty());
        let made = create(&workspace, "before-import").unwrap().unwrap();
        assert_eq!(
            made.parent().unwrap(),
            dir.path().join("Deals.leadstream-backups")
        );
        assert_eq!(backup_files(&path).unwrap(), vec![made.clone()]);
        let copy = open_backup(&workspace, &made).unwrap();
        let marker: String = copy
            .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(marker, "1");
    }

    /// On the rollback journal (an import alone on its file) a backup is a
    /// copy of the file's bytes: encrypted, the same bytes under the same
    /// passphrase. The workspace's connection writes again afterwards.
    #[cfg(unix)]
    #[test]
    fn a_backup_in_place_is_the_files_bytes_and_opens_as_the_workspace() {
        use std::os::unix::fs::PermissionsExt;
        for passphrase in [None, Some("correct horse")] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("Deals.leadstream");
            let mut workspace = Workspace::create_store(&path).unwrap();
            if let Some(passphrase) = passphrase {
                cipher::protect(&mut workspace, Passphrase::new(passphrase)).unwrap();
            }
            let set_marker = |workspace: &Workspace, value: &str| {
                workspace
                    .conn()
                    .execute(
                        "INSERT OR REPLACE INTO settings (key, value) VALUES ('marker', ?1)",
                        [value],
                    )
                    .unwrap();
            };
            set_marker(&workspace, "1");
            assert!(super::super::journal::write_in_place(workspace.conn()).unwrap());
            let made = create(&workspace, "before-import").unwrap().unwrap();
            assert_eq!(std::fs::read(&made).unwrap(), std::fs::read(&path).unwrap());
            let mode = |file: &Path| std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode(&made), mode(&path));
            let copy = open_backup(&workspace, &made).unwrap();
            let marker: String = copy
                .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(marker, "1", "{passphrase:?}");
            assert!(workspace.conn().is_autocommit(), "its read is over");
            set_marker(&workspace, "2");
            assert!(super::super::journal::back_to_wal(workspace.conn()).unwrap());
        }
    }

    /// The backup an erasure takes before it writes on the log: alone on
    /// its file, a copy of the file's bytes (with the file's permissions),
    /// the workspace back on the log afterwards; beside another connection,
    /// SQLite's backup (into a file made with the same permissions), copied
    /// beside the write from the data before it.
    #[cfg(unix)]
    #[test]
    fn a_backup_before_a_write_on_the_log_copies_the_file_when_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        let mut workspace = Workspace::create_store(&path).unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES ('marker', '1')",
                [],
            )
            .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mode = |file: &Path| std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        let on_the_log = |workspace: &Workspace| {
            let mode: String = workspace
                .conn()
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap();
            mode == "wal"
        };
        let alone = take_before_log_write(&mut workspace, "before-erasure")
            .unwrap()
            .finish()
            .unwrap()
            .unwrap();
        assert_eq!(mode(&alone), 0o600, "the file's bytes, copied");
        assert!(on_the_log(&workspace));
        let other = Connection::open(&path).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
            .unwrap();
        let copying = take_before_log_write(&mut workspace, "before-erasure").unwrap();
        assert!(matches!(copying, BackupBefore::Beside(_)));
        // The write goes on while the backup copies the data before it.
        workspace
            .conn()
            .execute("UPDATE settings SET value = '2' WHERE key = 'marker'", [])
            .unwrap();
        let beside = copying.finish().unwrap().unwrap();
        assert_eq!(
            mode(&beside),
            0o600,
            "SQLite's backup, the same permissions"
        );
        assert!(on_the_log(&workspace));
        for made in [alone, beside] {
            let marker: String = open_backup(&workspace, &made)
                .unwrap()
                .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(marker, "1");
        }
    }

    /// A backup started beside a write holds the data as it was when it
    /// started, whatever the write changes before it finishes.
    #[test]
    fn a_backup_beside_a_write_holds_the_data_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        let mut workspace = Workspace::create_store(&path).unwrap();
        let set_marker = |workspace: &mut Workspace, value: &str| {
            workspace
                .conn_mut()
                .unwrap()
                .execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES ('marker', ?1)",
                    [value],
                )
                .unwrap();
        };
        set_marker(&mut workspace, "before");
        let beside = start_beside(&workspace, "before-import").unwrap().unwrap();
        set_marker(&mut workspace, "after");
        let made = beside.finish().unwrap();
        let copy = open_backup(&workspace, &made).unwrap();
        let marker: String = copy
            .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(marker, "before");
        assert!(made
            .file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with("-before-import.leadstream"));
    }

    /// A stopped copy (an import cancelled or failed) leaves no file.
    #[test]
    fn a_stopped_copy_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        let workspace = Workspace::create_store(&path).unwrap();
        let stop = AtomicBool::new(true);
        let stopped = copy_to_folder(workspace.conn(), &path, "before-import", None, Some(&stop));
        assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
        let left = std::fs::read_dir(backups_dir(&path)).unwrap().count();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_workspace_in_memory_has_no_backups() {
        let workspace = Workspace::in_memory_store().unwrap();
        assert_eq!(create(&workspace, "daily").unwrap(), None);
    }

    /// A new workspace file `Deals.leadstream` in `dir`.
    pub(crate) fn workspace_in(dir: &Path) -> (PathBuf, Workspace) {
        let path = dir.join("Deals.leadstream");
        let workspace = Workspace::create_store(&path).unwrap();
        (path, workspace)
    }

    #[test]
    fn listing_names_reason_time_size_and_leads_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let (_, workspace) = workspace_in(dir.path());
        create(&workspace, "before-import").unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (email, email_key, created_at, updated_at)
                 VALUES ('a@x.example', 'a@x.example', 0, 0)",
                [],
            )
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
        create(&workspace, "Manual copy!").unwrap();
        let listed = list(&workspace).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].reason, "manual-copy");
        assert_eq!(listed[0].leads, Some(1));
        assert_eq!(listed[1].reason, "before-import");
        assert_eq!(listed[1].leads, Some(0));
        assert!(listed[0].size_bytes > 0);
        let now = chrono::Utc::now().timestamp();
        assert!((now - listed[0].taken_at).abs() < 60);
        assert_eq!(
            path_of(&workspace, &listed[1].id).unwrap(),
            backup_files(workspace.path().unwrap()).unwrap()[0]
        );
        assert!(path_of(&workspace, "../Deals").is_err());
    }

    #[test]
    fn only_the_newest_backups_are_kept_whatever_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        assert_eq!(keep(&workspace).unwrap(), DEFAULT_KEEP);
        set_keep(&mut workspace, 3).unwrap();
        let mut made = Vec::new();
        for reason in ["daily", "before-import", "before-merge", "daily", "manual"] {
            made.push(create(&workspace, reason).unwrap().unwrap());
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(backup_files(&path).unwrap(), made[2..].to_vec());
        set_keep(&mut workspace, 1).unwrap();
        assert_eq!(backup_files(&path).unwrap(), made[4..].to_vec());
        assert!(set_keep(&mut workspace, 0).is_err());
        assert!(set_keep(&mut workspace, MAX_KEEP + 1).is_err());
    }

    /// The daily copy of a large workspace prunes to the number to keep as
    /// it is after the copy, not as it was at the open: a user who raised it
    /// meanwhile keeps every backup the new number allows.
    #[test]
    fn the_daily_copy_prunes_to_the_number_to_keep_after_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        set_keep(&mut workspace, 2).unwrap();
        // Two backups from days ago, so a daily one is due.
        for (stamp, reason) in [
            ("20200101T000000.000Z", "manual"),
            ("20200102T000000.000Z", "manual"),
        ] {
            let made = create(&workspace, reason).unwrap().unwrap();
            let old = made.with_file_name(format!("{stamp}-{reason}.leadstream"));
            std::fs::rename(&made, &old).unwrap();
        }
        assert_eq!(backup_files(&path).unwrap().len(), 2);
        let copy = spawn_daily_copy(
            workspace.reader().unwrap(),
            path.clone(),
            None,
            Duration::from_secs(1),
        );
        set_keep(&mut workspace, 4).unwrap();
        copy.join().unwrap();
        let files = backup_files(&path).unwrap();
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(stem_of(&files[2]).ends_with("-daily"), "{files:?}");
        // Lowered before the copy: it prunes to the lower number.
        set_keep(&mut workspace, 3).unwrap();
        let newest = files[2].clone();
        std::fs::rename(
            &newest,
            newest.with_file_name("20200103T000000.000Z-daily.leadstream"),
        )
        .unwrap();
        let copy = spawn_daily_copy(
            workspace.reader().unwrap(),
            path.clone(),
            None,
            Duration::ZERO,
        );
        copy.join().unwrap();
        let files = backup_files(&path).unwrap();
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(
            !files.iter().any(|f| stem_of(f).starts_with("20200101")),
            "{files:?}"
        );
    }

    #[test]
    fn a_daily_backup_is_due_after_24_hours_or_when_there_is_none() {
        assert!(daily_due(None, 1_000_000));
        assert!(!daily_due(Some(1_000_000), 1_000_000 + 3600));
        assert!(daily_due(Some(1_000_000), 1_000_000 + 24 * 3600));
        let dir = tempfile::tempdir().unwrap();
        let (path, workspace) = workspace_in(dir.path());
        let mode = DailyMode::SmallOnly;
        assert_eq!(
            create_daily_if_due(&workspace, mode).unwrap(),
            DailyBackup::Taken
        );
        assert_eq!(
            create_daily_if_due(&workspace, mode).unwrap(),
            DailyBackup::NotDue
        );
        // The CLI's mode never starts a thread: a large file's copy waits
        // for the app (nothing is due here any more either way).
        assert_eq!(
            create_daily_if_due(
                &workspace,
                DailyMode::BackgroundForLarge {
                    after: std::time::Duration::ZERO
                }
            )
            .unwrap(),
            DailyBackup::NotDue
        );
        let files = backup_files(&path).unwrap();
        assert_eq!(files.len(), 1);
        assert!(stem_of(&files[0]).ends_with("-daily"));
    }

    #[test]
    fn stale_partial_copies_are_cleaned_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (path, workspace) = workspace_in(dir.path());
        let folder = backups_dir(&path);
        std::fs::create_dir_all(&folder).unwrap();
        let fresh = folder.join(".20261130T000000.000Z-daily.partial");
        std::fs::write(&fresh, b"x").unwrap();
        prune(&workspace).unwrap();
        assert!(fresh.exists());
    }
}
