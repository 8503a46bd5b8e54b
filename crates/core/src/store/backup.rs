//! Backup files of a workspace: SQLite's online backup into a folder beside
//! the workspace, listing, pruning and restoring (issue 15).
//!
//! The backups of `Deals.leadstream` live in `Deals.leadstream-backups/`
//! beside it, one complete workspace file each, named
//! `<UTC time>-<reason>.leadstream`, encrypted with the workspace's
//! passphrase when it has one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::Backup;

use super::{cipher, harden, open_connection, Access, Workspace};
use crate::{Error, Result};

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
/// and moved into place only when complete.
pub fn create(workspace: &Workspace, reason: &str) -> Result<Option<PathBuf>> {
    let Some(path) = workspace.path() else {
        return Ok(None);
    };
    let dir = backups_dir(path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let target = dir.join(format!("{stamp}-{reason}.{}", super::WORKSPACE_EXTENSION));
    let partial = dir.join(format!(".{stamp}-{reason}.partial"));
    {
        let mut copy = rusqlite::Connection::open(&partial)?;
        if let Some(passphrase) = workspace.passphrase() {
            cipher::apply_key(&copy, passphrase)?;
        }
        harden(&copy)?;
        let backup = Backup::new(workspace.conn(), &mut copy)?;
        backup.run_to_completion(4096, Duration::ZERO, None)?;
    }
    std::fs::rename(&partial, &target).map_err(|e| Error::io(&target, e))?;
    Ok(Some(target))
}

/// A read-write connection to one backup file of `workspace`, keyed with
/// the workspace's passphrase: for changing what backups hold (erasure).
pub fn open_backup(workspace: &Workspace, backup: &Path) -> Result<rusqlite::Connection> {
    open_connection(backup, Access::ReadWrite, workspace.passphrase())
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn a_workspace_in_memory_has_no_backups() {
        let workspace = Workspace::in_memory_store().unwrap();
        assert_eq!(create(&workspace, "daily").unwrap(), None);
    }
}
