//! Restoring a backup: the check that a file can replace the workspace, and
//! the page-by-page copy into it (SQLite's backup API), migrated and with
//! the audit entries written since kept. Taking, listing and pruning
//! backups is [`super::backup`].

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::limits::Limit;
use rusqlite::Connection;

use super::tables::backups as sql;
use super::tables::derived_cache;
use super::{folder_of, migrate, open_connection, partial_file_in, Access, Workspace};
use crate::{Error, Result};

/// Opens the backup at `backup` read-only and checks that it can replace
/// the workspace: a Leadstream workspace, readable with the workspace's
/// passphrase, not damaged, not from a newer Leadstream. Returns the
/// connection and its lead count.
pub fn check(workspace: &Workspace, backup: &Path) -> Result<(Connection, u64)> {
    let refuse = |reason: String| Error::BadBackup {
        path: backup.to_path_buf(),
        reason,
    };
    let conn = open_connection(backup, Access::ReadOnly, workspace.passphrase())
        .map_err(|e| refuse(e.to_string()))?;
    let application_id = sql::application_id(&conn).map_err(|e| refuse(e.to_string()))?;
    if application_id != super::APPLICATION_ID {
        return Err(refuse("it is not a Leadstream workspace".into()));
    }
    let verdict = sql::quick_check(&conn).map_err(|e| refuse(e.to_string()))?;
    if verdict != "ok" {
        return Err(refuse(format!("it is damaged: {verdict}")));
    }
    let version = migrate::recorded_version(&conn).map_err(|e| refuse(e.to_string()))?;
    if version > super::LATEST_SCHEMA_VERSION {
        return Err(refuse(format!(
            "a newer Leadstream wrote it (schema version {version})"
        )));
    }
    let leads = sql::lead_count(&conn).map_err(|e| refuse(e.to_string()))?;
    Ok((conn, leads))
}

/// Replaces the whole workspace with the checked backup `source` (from
/// [`check`]), page by page through SQLite's backup API on the
/// workspace's own connection (within SQLite's locking), migrates it if an
/// older Leadstream wrote it, and appends the audit entries written since
/// the backup was taken (the audit log only grows). The backup's derived
/// parts stay unless it was migrated; what this workspace derived in memory
/// is cleared; the caller re-runs what follows a change of the data.
pub fn restore_into(workspace: &mut Workspace, source: &Connection) -> Result<()> {
    let since = sql::last_audit_id(source)?;
    let later_audit = sql::audit_rows_after(workspace.conn(), since)?;
    let resized = with_page_size_of(workspace, source)?;
    let source = resized.as_ref().map_or(source, |(_, conn)| conn);
    {
        let target = workspace.conn_mut()?;
        let replaced_generation = derived_cache::generation(target)?;
        {
            let backup = Backup::new(source, target)?;
            backup.run_to_completion(4096, Duration::ZERO, None)?;
        }
        // The file is now the backup, at the schema of the Leadstream that
        // wrote it: migrated first (an older one has no derived cache yet),
        // and its generation, the backup's lower one, raised past the one
        // it replaced, so it never goes back (`derived_cache::raise_past`).
        // Its derived parts are true of its data (every write of a backup,
        // an erasure's included, empties them), so they stay and the next
        // count loads them instead of rebuilding the index from SQL (5–14 s
        // at 1M leads), unless a migration ran: it may change what they
        // were built from.
        let migrates = migrate::recorded_version(target)? < migrate::LATEST_SCHEMA_VERSION;
        migrate::apply_pending(target)?;
        if migrates {
            derived_cache::invalidate(target)?;
        }
        derived_cache::raise_past(target, replaced_generation)?;
    }
    sql::append_audit_rows(workspace.conn(), &later_audit)?;
    workspace.clear_derived();
    Ok(())
}

/// SQLite's backup API copies pages as they are, and a file on the
/// write-ahead log cannot change its page size. A plain backup whose pages
/// differ from the workspace's (one copied in from a workspace created
/// before new ones had 16 KiB pages) is copied into a hidden file beside
/// the workspace and rebuilt there with the workspace's page size; the
/// copy is removed when the returned file is dropped. `None` when the sizes
/// agree, and always for an encrypted workspace.
fn with_page_size_of(
    workspace: &Workspace,
    source: &Connection,
) -> Result<Option<(tempfile::NamedTempFile, Connection)>> {
    // An encrypted workspace and every backup it can open share SQLCipher's
    // page size (it opens no other), and no backup is copied in clear.
    if workspace.passphrase().is_some() {
        return Ok(None);
    }
    let wanted = sql::page_size(workspace.conn())?;
    let found = sql::page_size(source)?;
    if wanted == found {
        return Ok(None);
    }
    let folder = workspace.path().map_or(Path::new("."), folder_of);
    let copy = partial_file_in(folder, "restore")?;
    let mut conn = open_connection(copy.path(), Access::ReadWrite, None)?;
    // `VACUUM` builds the new file as an attached database: this private
    // connection to the copy alone may attach one.
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 1)?;
    Backup::new(source, &mut conn)?.run_to_completion(4096, Duration::ZERO, None)?;
    sql::rebuild_with_page_size(&conn, wanted)?;
    Ok(Some((copy, conn)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backup::tests::workspace_in;
    use crate::store::backup::{backups_dir, create};

    /// A restore copies the backup's lower generation; the workspace's goes
    /// past the one it had, so nothing started before the restore matches
    /// the restored data's generation.
    #[test]
    fn a_restore_never_takes_the_data_generation_back() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut workspace) = workspace_in(dir.path());
        let backup = create(&workspace, "manual").unwrap().unwrap();
        let backed_up = derived_cache::generation(workspace.conn()).unwrap();
        for _ in 0..3 {
            workspace.conn_mut().unwrap();
        }
        let before = derived_cache::generation(workspace.conn()).unwrap();
        assert_eq!(before, backed_up + 3);
        let (source, _) = check(&workspace, &backup).unwrap();
        restore_into(&mut workspace, &source).unwrap();
        let after = derived_cache::generation(workspace.conn()).unwrap();
        assert!(after > before, "{after} after a restore from {before}");
    }

    /// A backup an older Leadstream wrote (schema 11, before the derived
    /// cache existed): the restore migrates it and keeps the audit entries
    /// written since it was taken.
    #[test]
    fn a_backup_from_an_older_schema_is_migrated_by_the_restore() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        let old = backups_dir(&path).join("20200101T000000.000Z-manual.leadstream");
        std::fs::create_dir_all(backups_dir(&path)).unwrap();
        {
            let conn = Connection::open(&old).unwrap();
            conn.pragma_update(None, "application_id", super::super::APPLICATION_ID)
                .unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
                     name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))",
            )
            .unwrap();
            for migration in migrate::MIGRATIONS.iter().filter(|m| m.version <= 11) {
                conn.execute_batch(migration.sql).unwrap();
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                    (migration.version, migration.name),
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO leads (id, email, email_key, created_at, updated_at)
                 VALUES (7, 'old@x.io', 'old@x.io', 0, 0)",
                [],
            )
            .unwrap();
        }
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        crate::store::tables::audit::record(&tx, "test", &serde_json::json!({"after": "backup"}))
            .unwrap();
        tx.commit().unwrap();
        let (source, leads) = check(&workspace, &old).unwrap();
        assert_eq!(leads, 1);
        restore_into(&mut workspace, &source).unwrap();
        let conn = workspace.conn();
        assert_eq!(
            migrate::recorded_version(conn).unwrap(),
            super::super::LATEST_SCHEMA_VERSION
        );
        let email: String = conn
            .query_row("SELECT email FROM leads WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(email, "old@x.io");
        let kept: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'test'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 1);
        assert!(derived_cache::generation(conn).unwrap() > 0);
    }

    /// A backup with 4 KiB pages (copied in from a workspace created before
    /// new ones had 16 KiB pages) restores into a 16 KiB workspace: SQLite's
    /// backup API alone refuses it on the write-ahead log. The copy rebuilt
    /// with the workspace's pages is gone afterwards.
    #[test]
    fn a_backup_with_other_pages_than_the_workspace_restores() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (id, email, email_key, created_at, updated_at)
                 VALUES (7, 'kept@x.io', 'kept@x.io', 0, 0)",
                [],
            )
            .unwrap();
        let backup = create(&workspace, "manual").unwrap().unwrap();
        {
            let conn = Connection::open(&backup).unwrap();
            conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
            sql::rebuild_with_page_size(&conn, 4096).unwrap();
        }
        workspace.conn().execute("DELETE FROM leads", []).unwrap();
        let (source, leads) = check(&workspace, &backup).unwrap();
        assert_eq!((leads, sql::page_size(&source).unwrap()), (1, 4096));
        restore_into(&mut workspace, &source).unwrap();
        let conn = workspace.conn();
        let email: String = conn
            .query_row("SELECT email FROM leads WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(email, "kept@x.io");
        assert_eq!(sql::page_size(conn).unwrap(), 16_384);
        assert_eq!(sql::quick_check(conn).unwrap(), "ok");
        let partial = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
            .count();
        assert_eq!(partial, 0);
    }

    /// An encrypted backup whose pages differ from its workspace's cannot
    /// be rebuilt with the workspace's pages without a copy in clear. It
    /// never gets that far: SQLCipher opens only its own page size, so the
    /// check refuses it as unreadable, before anything is written, and the
    /// workspace keeps its data.
    #[test]
    fn an_encrypted_backup_with_other_pages_is_refused_before_the_restore() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        let passphrase = "correct horse";
        crate::store::cipher::protect(&mut workspace, crate::store::Passphrase::new(passphrase))
            .unwrap();
        let backup = backups_dir(&path).join("20200101T000000.000Z-manual.leadstream");
        std::fs::create_dir_all(backups_dir(&path)).unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "key", passphrase).unwrap();
            conn.execute(
                "ATTACH DATABASE ?1 AS other KEY ?2",
                (backup.to_str().unwrap(), passphrase),
            )
            .unwrap();
            conn.pragma_update(Some("other"), "cipher_page_size", 16_384)
                .unwrap();
            conn.query_row("SELECT sqlcipher_export('other')", [], |_| Ok(()))
                .unwrap();
            conn.pragma_update(
                Some("other"),
                "application_id",
                super::super::APPLICATION_ID,
            )
            .unwrap();
        }
        let refused = check(&workspace, &backup).unwrap_err();
        assert!(matches!(refused, Error::BadBackup { .. }), "{refused}");
        assert!(
            refused
                .to_string()
                .contains("this backup cannot be restored"),
            "{refused}"
        );
        assert_eq!(sql::quick_check(workspace.conn()).unwrap(), "ok");
    }

    /// An encrypted workspace restores its own backup (both have SQLCipher's
    /// pages), with no copy in clear beside it.
    #[test]
    fn an_encrypted_workspace_restores_its_backup() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut workspace) = workspace_in(dir.path());
        let insert = "INSERT INTO leads (email, email_key, created_at, updated_at)
                      VALUES ('a@x.io', 'a@x.io', 0, 0)";
        workspace.conn().execute(insert, []).unwrap();
        crate::store::cipher::protect(
            &mut workspace,
            crate::store::Passphrase::new("correct horse"),
        )
        .unwrap();
        let backup = create(&workspace, "manual").unwrap().unwrap();
        workspace.conn().execute("DELETE FROM leads", []).unwrap();
        let (source, leads) = check(&workspace, &backup).unwrap();
        assert_eq!(leads, 1);
        restore_into(&mut workspace, &source).unwrap();
        let count: i64 = workspace
            .conn()
            .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        assert!(workspace.is_protected());
        let partial = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
            .count();
        assert_eq!(partial, 0);
    }

    #[test]
    fn a_file_that_is_no_workspace_is_refused_as_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let (_, workspace) = workspace_in(dir.path());
        let junk = dir.path().join("junk.leadstream");
        std::fs::write(&junk, vec![7u8; 8192]).unwrap();
        assert!(matches!(
            check(&workspace, &junk),
            Err(Error::BadBackup { .. })
        ));
        let plain = dir.path().join("plain.leadstream");
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let refused = check(&workspace, &plain).unwrap_err().to_string();
        assert!(refused.contains("not a Leadstream workspace"), "{refused}");
    }
}
