//! The workspace files this process has open, and whether each is plain or
//! encrypted: so that a file the process already has open is never opened
//! again outside SQLite (to read its header).
//!
//! Closing any descriptor of a file drops every POSIX lock the process
//! holds on it, SQLite's included, and SQLite does not take them again for
//! connections it believes locked. Another process then takes this one's
//! connections for gone: the sqlite3 shell, closing, checkpointed the file
//! and reset the write-ahead log that the app's connections still wrote to,
//! so what the app wrote next never reached the file (found while testing
//! the day's upkeep beside the app; `tests/cli/beside_the_app.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::FileKind;

/// Open workspaces by canonical path: how many, and the file's kind.
static OPEN: Mutex<BTreeMap<PathBuf, (usize, FileKind)>> = Mutex::new(BTreeMap::new());

fn open_files() -> MutexGuard<'static, BTreeMap<PathBuf, (usize, FileKind)>> {
    OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The path as the registry keys it: the same file under any spelling.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The kind of the file at `path` if this process has it open.
pub(crate) fn kind_if_open(path: &Path) -> Option<FileKind> {
    let key = key(path);
    open_files().get(&key).map(|&(_, kind)| kind)
}

/// One open workspace's entry; dropping it (after the connection closed)
/// removes it.
#[derive(Debug)]
pub(crate) struct Registration {
    key: PathBuf,
}

impl Registration {
    /// Records that this process opened the workspace at `path` of `kind`.
    pub(crate) fn new(path: &Path, kind: FileKind) -> Self {
        let key = key(path);
        let mut open = open_files();
        let entry = open.entry(key.clone()).or_insert((0, kind));
        entry.0 += 1;
        entry.1 = kind;
        Registration { key }
    }

    /// The file was rewritten as `kind` (protected or unprotected).
    pub(crate) fn set_kind(&self, kind: FileKind) {
        if let Some(entry) = open_files().get_mut(&self.key) {
            entry.1 = kind;
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut open = open_files();
        if let Some(entry) = open.get_mut(&self.key) {
            entry.0 -= 1;
            if entry.0 == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_open_until_its_last_registration_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        std::fs::write(&path, b"x").unwrap();
        assert_eq!(kind_if_open(&path), None);
        let first = Registration::new(&path, FileKind::Plain);
        // Under another spelling too.
        let spelled = dir.path().join(".").join("a.leadstream");
        let second = Registration::new(&spelled, FileKind::Plain);
        assert_eq!(kind_if_open(&path), Some(FileKind::Plain));
        first.set_kind(FileKind::Encrypted);
        drop(first);
        assert_eq!(kind_if_open(&spelled), Some(FileKind::Encrypted));
        drop(second);
        assert_eq!(kind_if_open(&path), None);
    }
}
