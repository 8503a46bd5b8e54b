//! The workspace files this process has open, and whether each is plain or
//! encrypted: so that a file the process already has open is never opened
//! again outside SQLite (to read its header). And the one descriptor per
//! file through which the process copies a workspace's bytes (a backup in
//! place), kept open so that no copy ever closes one.
//!
//! Closing any descriptor of a file drops every POSIX lock the process
//! holds on it, SQLite's included, and SQLite does not take them again for
//! connections it believes locked. Another process then takes this one's
//! connections for gone: the sqlite3 shell, closing, checkpointed the file
//! and reset the write-ahead log that the app's connections still wrote to,
//! so what the app wrote next never reached the file (found while testing
//! the day's upkeep beside the app; `tests/cli/beside_the_app.rs`).

use std::collections::BTreeMap;
use std::fs::File;
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

/// A descriptor opened to copy a workspace file's bytes, and the file it
/// was opened on (its device and inode).
#[cfg(unix)]
#[derive(Debug)]
struct CopySource {
    key: PathBuf,
    identity: (u64, u64),
    file: File,
}

/// The descriptors [`copy_bytes`] reads through, one per file. Each stays
/// open while its path still names its file: closing it would drop the
/// locks of this process's connections to that file, registered or not
/// (a background backup's reader, a second connection of a count). One
/// whose path now names another file, or none (the file was replaced or
/// deleted), is closed: no connection opened by that path reaches it.
#[cfg(unix)]
static COPY_SOURCES: Mutex<Vec<CopySource>> = Mutex::new(Vec::new());

/// The device and inode of the file at `path`.
#[cfg(unix)]
fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path)?;
    Ok((metadata.dev(), metadata.ino()))
}

/// Copies the first `len` bytes of the workspace file at `path` to `to`
/// (the kernel's file copy where it has one), through this process's one
/// descriptor of the file, opened on the first copy and never closed while
/// the file is at its path. The caller holds off every writer of the file
/// while it copies. Only on Unix (elsewhere a closed descriptor drops no
/// other handle's locks, but no caller needs it).
#[cfg(unix)]
pub(crate) fn copy_bytes(path: &Path, len: u64, to: &mut File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let key = key(path);
    let wanted = identity(&key)?;
    let mut sources = COPY_SOURCES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    sources.retain(|source| identity(&source.key).ok() == Some(source.identity));
    let index = match sources.iter().position(|source| source.identity == wanted) {
        Some(index) => index,
        None => {
            let file = File::open(&key)?;
            sources.push(CopySource {
                key,
                identity: wanted,
                file,
            });
            sources.len() - 1
        }
    };
    // The descriptor's offset is shared; the lock held keeps it this copy's.
    let mut source = &sources[index].file;
    source.seek(SeekFrom::Start(0))?;
    let copied = std::io::copy(&mut source.take(len), to)?;
    if copied != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("the file holds {copied} bytes of the {len} its pages take"),
        ));
    }
    Ok(())
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

    /// Descriptors of this process open on `path` (Linux: `/proc/self/fd`);
    /// a file deleted or replaced since shows as `path (deleted)`.
    #[cfg(target_os = "linux")]
    fn descriptors_of(path: &Path) -> (usize, usize) {
        let path = key(path);
        let deleted = format!("{} (deleted)", path.display());
        let (mut live, mut gone) = (0, 0);
        for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
            if let Ok(target) = std::fs::read_link(entry.path()) {
                if target == path {
                    live += 1;
                } else if target.as_os_str() == deleted.as_str() {
                    gone += 1;
                }
            }
        }
        (live, gone)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn copies_share_one_descriptor_kept_until_the_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        std::fs::write(&path, b"abcdef").unwrap();
        let copy = |len: u64| -> std::io::Result<Vec<u8>> {
            let out = dir.path().join("out");
            let mut file = File::create(&out).unwrap();
            copy_bytes(&path, len, &mut file)?;
            Ok(std::fs::read(&out).unwrap())
        };
        assert_eq!(copy(4).unwrap(), b"abcd");
        assert_eq!(copy(6).unwrap(), b"abcdef", "from the start again");
        assert_eq!(descriptors_of(&path), (1, 0), "one, still open");
        // More than the file holds is an error, not a short copy.
        let short = copy(7).unwrap_err();
        assert_eq!(short.kind(), std::io::ErrorKind::UnexpectedEof);
        // Another file moved to the path (as a change of passphrase does):
        // the next copy reads it, and the old file's descriptor is closed.
        let replacement = dir.path().join("b");
        std::fs::write(&replacement, b"xyz").unwrap();
        std::fs::rename(&replacement, &path).unwrap();
        assert_eq!(descriptors_of(&path), (0, 1));
        assert_eq!(copy(3).unwrap(), b"xyz");
        assert_eq!(descriptors_of(&path), (1, 0));
    }
}
