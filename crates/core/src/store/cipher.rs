//! Encryption at rest: opening a workspace with its passphrase (SQLCipher),
//! and protecting, re-keying or unprotecting a workspace (issue 15).
//!
//! Every change of the key rewrites the whole file the same way: a
//! dedicated, short-lived connection (the only one allowed to attach a
//! database) copies the workspace into a hidden file beside it with
//! `sqlcipher_export`, keyed with the new passphrase (or none); the copy is
//! fsynced and renamed over the workspace, so the file is at every moment
//! either wholly the old one or wholly the new one, and the old bytes are
//! gone with the old inode. The backups beside the workspace follow the
//! same way, so no backup stays readable with the old key (or in clear).

use std::path::Path;

use rusqlite::limits::Limit;
use rusqlite::Connection;

use super::{
    backup, check_header, folder_of, open_connection, partial_file_in, Access, FileKind, Workspace,
    APPLICATION_ID,
};
use crate::{Error, Result};

/// The shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// A workspace's passphrase, held only in memory. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Self {
        Passphrase(text.into())
    }

    /// The passphrase's text, for SQLCipher's `PRAGMA key` only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Refuses a passphrase too short to protect anything.
    pub fn check_strength(&self) -> Result<()> {
        if self.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::InvalidArgument(format!(
                "a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"
            )));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// Gives a freshly opened connection its key: the first statement on an
/// encrypted file must be `PRAGMA key`. SQLCipher's own log (which prints
/// "hmac check failed" on stderr for a wrong key) is silenced first: a
/// wrong passphrase is reported as [`Error::WrongPassphrase`] instead.
pub(crate) fn apply_key(conn: &Connection, passphrase: &Passphrase) -> Result<()> {
    silence_log(conn)?;
    conn.pragma_update(None, "key", passphrase.expose())?;
    Ok(())
}

fn silence_log(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(()),
            other => Err(other),
        })?;
    Ok(())
}

/// Checks that a keyed connection's key opens `path` and that it is a
/// workspace: a key that does not decrypt the first page reads as
/// "not a database", which here means a wrong passphrase.
pub(crate) fn check_key(conn: &Connection, path: &Path) -> Result<()> {
    let read = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    match read {
        Ok(_) => {}
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Err(Error::WrongPassphrase { path: path.into() })
        }
        Err(e) => return Err(e.into()),
    }
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if application_id != APPLICATION_ID {
        return Err(Error::NotAWorkspace {
            path: path.into(),
            reason: "it is an encrypted database of another application".into(),
        });
    }
    Ok(())
}

/// Whether the workspace is encrypted, and how many backups follow its key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EncryptionStatus {
    /// The workspace file is encrypted with a passphrase.
    pub protected: bool,
    /// The backup files beside the workspace (encrypted like it).
    #[ts(type = "number")]
    pub backups: u64,
    /// The workspace is a file (a workspace in memory cannot be protected).
    pub on_disk: bool,
}

/// What a change of the key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EncryptionChangeKind {
    Protected,
    PassphraseChanged,
    Unprotected,
}

/// The outcome of protecting, re-keying or unprotecting a workspace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EncryptionChange {
    pub change: EncryptionChangeKind,
    /// How many backup files were rewritten with the new key.
    #[ts(type = "number")]
    pub backups: u64,
}

/// Whether `workspace` is protected, and how many backups it has.
pub fn status(workspace: &Workspace) -> Result<EncryptionStatus> {
    let backups = match workspace.path() {
        Some(path) => backup::backup_files(path)?.len() as u64,
        None => 0,
    };
    Ok(EncryptionStatus {
        protected: workspace.is_protected(),
        backups,
        on_disk: workspace.path().is_some(),
    })
}

/// Encrypts a plain workspace (and its backups) with `passphrase`.
pub fn protect(workspace: &mut Workspace, passphrase: Passphrase) -> Result<EncryptionChange> {
    if workspace.is_protected() {
        return Err(Error::InvalidArgument(
            "the workspace is already protected: change its passphrase instead".into(),
        ));
    }
    passphrase.check_strength()?;
    rekey(workspace, Some(passphrase), EncryptionChangeKind::Protected)
}

/// Re-encrypts a protected workspace (and its backups) with `passphrase`.
pub fn change_passphrase(
    workspace: &mut Workspace,
    passphrase: Passphrase,
) -> Result<EncryptionChange> {
    if !workspace.is_protected() {
        return Err(Error::InvalidArgument(
            "the workspace is not protected: set a passphrase first".into(),
        ));
    }
    passphrase.check_strength()?;
    if workspace.passphrase() == Some(&passphrase) {
        return Err(Error::InvalidArgument(
            "the new passphrase is the same as the current one".into(),
        ));
    }
    rekey(
        workspace,
        Some(passphrase),
        EncryptionChangeKind::PassphraseChanged,
    )
}

/// Decrypts a protected workspace (and its backups) back to plain SQLite.
pub fn unprotect(workspace: &mut Workspace) -> Result<EncryptionChange> {
    if !workspace.is_protected() {
        return Err(Error::InvalidArgument(
            "the workspace is not protected".into(),
        ));
    }
    rekey(workspace, None, EncryptionChangeKind::Unprotected)
}

/// Rewrites the workspace file and then its backups with `new` (plain when
/// `None`), reopens the workspace on the new file and notes the change in
/// the audit log (never the passphrase).
fn rekey(
    workspace: &mut Workspace,
    new: Option<Passphrase>,
    change: EncryptionChangeKind,
) -> Result<EncryptionChange> {
    let Some(path) = workspace.path().map(Path::to_path_buf) else {
        return Err(Error::InvalidArgument(
            "a workspace in memory has no file to protect".into(),
        ));
    };
    let old = workspace.passphrase().cloned();
    workspace
        .conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let partial = export_beside(&path, old.as_ref(), new.as_ref())?;
    // Close the workspace's connection before the swap: its WAL and
    // shared-memory files are named after the path, not the inode.
    let closed = std::mem::replace(&mut workspace.conn, Connection::open_in_memory()?);
    drop(closed);
    let swapped = if wal_of(&path).exists() {
        Err(Error::Busy {
            path: Some(path.clone()),
        })
    } else {
        swap_into_place(partial, &path)
    };
    let reopened = match &swapped {
        Ok(()) => new.as_ref(),
        Err(_) => old.as_ref(),
    };
    let conn = open_connection(&path, Access::ReadWrite, reopened)?;
    Workspace::configure(&conn, reopened.is_some())?;
    workspace.replace_connection(conn)?;
    workspace.passphrase = reopened.cloned();
    if let Some(open) = &workspace.open_file {
        open.set_kind(match reopened {
            Some(_) => FileKind::Encrypted,
            None => FileKind::Plain,
        });
    }
    swapped?;

    let mut backups = 0;
    for file in backup::backup_files(&path)? {
        if follow_key(&file, old.as_ref(), new.as_ref())? {
            backups += 1;
        }
    }
    // Only the audit entry is written: the data, and so every derived part
    // the file holds for it (the segment index, the quick search's keys),
    // came through the rewrite unchanged, so the next count loads them
    // instead of rebuilding them from SQL (5–14 s at 1M leads). The new
    // connection already moved the workspace's own stamp
    // (`replace_connection`).
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    super::tables::audit::record(
        &tx,
        "encryption",
        &serde_json::json!({ "change": change, "backups": backups }),
    )?;
    tx.commit()?;
    Ok(EncryptionChange { change, backups })
}

/// Rewrites one backup file with the `new` key, unless it already has it
/// (a previous change stopped half-way through the backups); returns
/// whether it was rewritten.
fn follow_key(file: &Path, old: Option<&Passphrase>, new: Option<&Passphrase>) -> Result<bool> {
    let current = match check_header(file)? {
        FileKind::Plain => None,
        FileKind::Encrypted => {
            let opens_with_new = new.is_some_and(|key| {
                open_connection(file, Access::ReadOnly, Some(key))
                    .and_then(|conn| check_key(&conn, file))
                    .is_ok()
            });
            if opens_with_new {
                return Ok(false);
            }
            old
        }
    };
    if current.is_none() && new.is_none() {
        return Ok(false);
    }
    let partial = export_beside(file, current, new)?;
    swap_into_place(partial, file)?;
    Ok(true)
}

/// Copies the database at `source` (keyed with `from`) into a new hidden
/// file beside it keyed with `to` (plain when `None`), with SQLCipher's
/// `sqlcipher_export` on a dedicated connection, and fsyncs it.
fn export_beside(
    source: &Path,
    from: Option<&Passphrase>,
    to: Option<&Passphrase>,
) -> Result<tempfile::NamedTempFile> {
    let parent = folder_of(source);
    let partial = partial_file_in(parent, "rekey")?;
    let target = partial.path().to_str().ok_or_else(|| {
        Error::InvalidArgument(format!(
            "{}: the folder's name is not valid UTF-8",
            parent.display()
        ))
    })?;
    {
        let conn = open_connection(source, Access::ReadWrite, from)?;
        silence_log(&conn)?;
        if from.is_some() {
            check_key(&conn, source)?;
        }
        // This connection alone may attach one database: the copy.
        conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 1)?;
        conn.execute(
            "ATTACH DATABASE ?1 AS rekeyed KEY ?2",
            (target, to.map(Passphrase::expose).unwrap_or("")),
        )?;
        conn.query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
        conn.pragma_update(Some("rekeyed"), "application_id", APPLICATION_ID)?;
        conn.execute_batch("DETACH DATABASE rekeyed")?;
    }
    partial
        .as_file()
        .sync_all()
        .map_err(|e| Error::io(partial.path(), e))?;
    Ok(partial)
}

/// Renames the complete copy over `path` (atomic), fsyncs the folder, and
/// removes whatever WAL or shared-memory file the old one left.
fn swap_into_place(partial: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    partial
        .persist(path)
        .map_err(|e| Error::io(path, e.error))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(parent) {
            dir.sync_all().ok();
        }
    }
    for leftover in [wal_of(path), shm_of(path)] {
        match std::fs::remove_file(&leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io(&leftover, e))
            }
            _ => {}
        }
    }
    Ok(())
}

fn wal_of(path: &Path) -> std::path::PathBuf {
    suffixed(path, "-wal")
}

fn shm_of(path: &Path) -> std::path::PathBuf {
    suffixed(path, "-shm")
}

fn suffixed(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoSpec;
    use crate::store::tables::derived_cache;
    use sha2::{Digest, Sha256};

    const PLANTED: &str = "planted.secret@example.org";

    #[test]
    fn a_passphrase_is_never_printed() {
        let secret = Passphrase::new("correct horse");
        assert_eq!(format!("{secret:?}"), "Passphrase(…)");
    }

    #[test]
    fn a_short_passphrase_is_refused_with_its_minimum() {
        let error = Passphrase::new("short").check_strength().unwrap_err();
        assert_eq!(
            error.to_string(),
            "a passphrase needs at least 8 characters"
        );
        Passphrase::new("long enough").check_strength().unwrap();
    }

    /// A closed demo workspace with one lead whose e-mail is `PLANTED`,
    /// and one backup.
    fn workspace_with_a_planted_email(path: &Path) {
        let mut workspace = Workspace::create(path).unwrap();
        let spec = DemoSpec {
            leads: 50,
            events_per_lead: 2,
            seed: 3,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        workspace
            .conn()
            .execute(
                "UPDATE leads SET email = ?1 WHERE id = (SELECT min(id) FROM leads)",
                [PLANTED],
            )
            .unwrap();
        backup::create(&workspace, "before-import").unwrap();
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }

    fn hash(path: &Path) -> Vec<u8> {
        Sha256::digest(std::fs::read(path).unwrap()).to_vec()
    }

    fn lead_count(workspace: &Workspace) -> i64 {
        workspace
            .conn()
            .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
            .unwrap()
    }

    fn audit_details(workspace: &Workspace) -> Vec<String> {
        let mut statement = workspace
            .conn()
            .prepare("SELECT detail FROM audit_log WHERE action = 'encryption' ORDER BY id")
            .unwrap();
        let rows = statement.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    #[test]
    fn protecting_encrypts_the_file_and_its_backups_and_reopening_needs_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let backups = backup::backup_files(&path).unwrap();
        assert!(contains(&std::fs::read(&path).unwrap(), PLANTED));
        assert!(contains(&std::fs::read(&backups[0]).unwrap(), PLANTED));

        let mut workspace = Workspace::open(&path).unwrap();
        let leads = lead_count(&workspace);
        let done = protect(&mut workspace, Passphrase::new("correct horse")).unwrap();
        assert_eq!(
            done,
            EncryptionChange {
                change: EncryptionChangeKind::Protected,
                backups: 1
            }
        );
        assert!(workspace.is_protected());
        assert_eq!(lead_count(&workspace), leads, "still usable after");
        assert_eq!(
            audit_details(&workspace),
            vec![r#"{"backups":1,"change":"protected"}"#.to_owned()]
        );
        drop(workspace);

        let raw = std::fs::read(&path).unwrap();
        assert!(!raw.starts_with(b"SQLite format 3"));
        assert!(!contains(&raw, PLANTED), "no plaintext e-mail in the file");
        assert!(!contains(&raw, "correct horse"));
        let raw_backup = std::fs::read(&backups[0]).unwrap();
        assert!(!contains(&raw_backup, PLANTED), "nor in the backup");
        for leftover in std::fs::read_dir(dir.path()).unwrap() {
            let name = leftover.unwrap().file_name();
            assert!(
                !name.to_string_lossy().ends_with(".partial"),
                "{name:?} left behind"
            );
        }

        assert!(matches!(
            Workspace::open(&path),
            Err(Error::PassphraseRequired { .. })
        ));
        let reopened =
            Workspace::open_with_passphrase(&path, Passphrase::new("correct horse")).unwrap();
        assert_eq!(lead_count(&reopened), leads);
        // The backup follows the workspace's key.
        let copy = backup::open_backup(&reopened, &backups[0]).unwrap();
        let email: String = copy
            .query_row("SELECT email FROM leads WHERE email = ?1", [PLANTED], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(email, PLANTED);
        // A new backup of the encrypted workspace is encrypted too.
        let fresh = backup::create(&reopened, "daily").unwrap().unwrap();
        assert!(!contains(&std::fs::read(fresh).unwrap(), PLANTED));
    }

    #[test]
    fn a_wrong_passphrase_is_refused_and_the_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let mut workspace = Workspace::open(&path).unwrap();
        protect(&mut workspace, Passphrase::new("correct horse")).unwrap();
        drop(workspace);
        let before = hash(&path);
        match Workspace::open_with_passphrase(&path, Passphrase::new("battery staple")) {
            Err(Error::WrongPassphrase { path: named }) => assert_eq!(named, path),
            other => panic!("expected WrongPassphrase, got {:?}", other.map(|_| ())),
        }
        assert_eq!(hash(&path), before);
        assert!(!wal_of(&path).exists());
    }

    #[test]
    fn changing_the_passphrase_rekeys_the_file_and_its_backups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let mut workspace = Workspace::open(&path).unwrap();
        protect(&mut workspace, Passphrase::new("first passphrase")).unwrap();
        let short = change_passphrase(&mut workspace, Passphrase::new("short"));
        assert!(matches!(short, Err(Error::InvalidArgument(_))));
        let same = change_passphrase(&mut workspace, Passphrase::new("first passphrase"));
        assert!(matches!(same, Err(Error::InvalidArgument(_))));
        let done = change_passphrase(&mut workspace, Passphrase::new("second passphrase")).unwrap();
        assert_eq!(done.change, EncryptionChangeKind::PassphraseChanged);
        assert_eq!(done.backups, 1);
        drop(workspace);
        assert!(matches!(
            Workspace::open_with_passphrase(&path, Passphrase::new("first passphrase")),
            Err(Error::WrongPassphrase { .. })
        ));
        let workspace =
            Workspace::open_with_passphrase(&path, Passphrase::new("second passphrase")).unwrap();
        let backup_file = &backup::backup_files(&path).unwrap()[0];
        backup::open_backup(&workspace, backup_file)
            .unwrap()
            .query_row("SELECT count(*) FROM leads", [], |r| r.get::<_, i64>(0))
            .unwrap();
        assert_eq!(audit_details(&workspace).len(), 2);
    }

    #[test]
    fn the_derived_parts_come_through_every_change_of_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let mut workspace = Workspace::open(&path).unwrap();
        let from = derived_cache::built_from(workspace.conn()).unwrap();
        assert!(derived_cache::put(workspace.conn(), "test/part", from, b"derived").unwrap());
        let stored = |workspace: &Workspace| {
            let generation = derived_cache::generation(workspace.conn()).unwrap();
            derived_cache::get(workspace.conn(), "test/part", generation).unwrap()
        };
        protect(&mut workspace, Passphrase::new("first passphrase")).unwrap();
        assert_eq!(stored(&workspace).as_deref(), Some(&b"derived"[..]));
        change_passphrase(&mut workspace, Passphrase::new("second passphrase")).unwrap();
        assert_eq!(stored(&workspace).as_deref(), Some(&b"derived"[..]));
        unprotect(&mut workspace).unwrap();
        assert_eq!(stored(&workspace).as_deref(), Some(&b"derived"[..]));
        assert_eq!(audit_details(&workspace).len(), 3);
        drop(workspace);
        let reopened = Workspace::open(&path).unwrap();
        assert_eq!(stored(&reopened).as_deref(), Some(&b"derived"[..]));
    }

    #[test]
    fn removing_the_passphrase_makes_file_and_backups_plain_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let mut workspace = Workspace::open(&path).unwrap();
        protect(&mut workspace, Passphrase::new("correct horse")).unwrap();
        let done = unprotect(&mut workspace).unwrap();
        assert_eq!(done.change, EncryptionChangeKind::Unprotected);
        assert!(!workspace.is_protected());
        assert!(matches!(
            unprotect(&mut workspace),
            Err(Error::InvalidArgument(_))
        ));
        drop(workspace);
        assert!(std::fs::read(&path)
            .unwrap()
            .starts_with(b"SQLite format 3"));
        let backup_file = &backup::backup_files(&path).unwrap()[0];
        assert!(std::fs::read(backup_file)
            .unwrap()
            .starts_with(b"SQLite format 3"));
        let workspace = Workspace::open(&path).unwrap();
        assert!(lead_count(&workspace) > 0);
        assert_eq!(audit_details(&workspace).len(), 2);
    }

    fn temp_store(workspace: &Workspace) -> i64 {
        workspace
            .conn()
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .unwrap()
    }

    /// Temporary data (big sorts, temporary tables) may go to files only
    /// for a plain workspace: an encrypted one keeps it in memory, from the
    /// moment it is protected and whenever it is opened again.
    #[test]
    fn only_a_plain_workspace_keeps_temporary_data_in_files() {
        const FILE: i64 = 1;
        const MEMORY: i64 = 2;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        workspace_with_a_planted_email(&path);
        let mut workspace = Workspace::open(&path).unwrap();
        assert_eq!(temp_store(&workspace), FILE);
        protect(&mut workspace, Passphrase::new("correct horse")).unwrap();
        assert_eq!(temp_store(&workspace), MEMORY);
        drop(workspace);
        let mut workspace =
            Workspace::open_with_passphrase(&path, Passphrase::new("correct horse")).unwrap();
        assert_eq!(temp_store(&workspace), MEMORY);
        unprotect(&mut workspace).unwrap();
        assert_eq!(temp_store(&workspace), FILE);
    }

    #[test]
    fn a_plain_workspace_opens_whatever_passphrase_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Plain.leadstream");
        drop(Workspace::create(&path).unwrap());
        let workspace =
            Workspace::open_with_passphrase(&path, Passphrase::new("irrelevant")).unwrap();
        assert!(!workspace.is_protected());
    }

    #[test]
    fn a_workspace_in_memory_cannot_be_protected() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert!(matches!(
            protect(&mut workspace, Passphrase::new("correct horse")),
            Err(Error::InvalidArgument(_))
        ));
        assert!(!status(&workspace).unwrap().on_disk);
    }

    #[test]
    fn junk_the_size_of_whole_pages_asks_for_a_passphrase_and_is_refused_by_any() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.leadstream");
        std::fs::write(&path, vec![7u8; 4096]).unwrap();
        assert!(matches!(
            Workspace::open(&path),
            Err(Error::PassphraseRequired { .. })
        ));
        assert!(matches!(
            Workspace::open_with_passphrase(&path, Passphrase::new("correct horse")),
            Err(Error::WrongPassphrase { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), vec![7u8; 4096]);
    }
}
