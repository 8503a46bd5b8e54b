//! The list of recently opened workspaces, kept as a small JSON file in the
//! app's data folder. Most recent first, without duplicates, at most
//! [`MAX_RECENT`] entries.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

pub const MAX_RECENT: usize = 12;

/// One recently opened workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentWorkspace {
    pub path: String,
    pub name: String,
    /// ISO-8601 UTC.
    pub opened_at: String,
    /// False when the file has since been moved or deleted.
    #[serde(default)]
    pub exists: bool,
}

/// The recent-workspaces file in `data_dir`.
pub fn recent_file(data_dir: &Path) -> PathBuf {
    data_dir.join("recent-workspaces.json")
}

/// Reads the list; a missing file is an empty list, and so is an unreadable
/// or corrupt one, since losing this convenience list must never stop the
/// app from starting. [`load_with_warning`] also says why it was ignored.
pub fn load(data_dir: &Path) -> Vec<RecentWorkspace> {
    load_with_warning(data_dir).0
}

/// The list, and a warning when the file was there but could not be used.
pub fn load_with_warning(data_dir: &Path) -> (Vec<RecentWorkspace>, Option<String>) {
    let file = recent_file(data_dir);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), None),
        Err(e) => {
            let warning = format!(
                "{}: the list of recent workspaces could not be read ({e}); it starts empty",
                file.display()
            );
            return (Vec::new(), Some(warning));
        }
    };
    match serde_json::from_str::<Vec<RecentWorkspace>>(&text) {
        Ok(mut list) => {
            for entry in &mut list {
                entry.exists = Path::new(&entry.path).is_file();
            }
            (list, None)
        }
        Err(e) => {
            let warning = format!(
                "{}: the list of recent workspaces is damaged ({e}); it was ignored and starts empty",
                file.display()
            );
            (Vec::new(), Some(warning))
        }
    }
}

/// Puts `path` at the top of the list and saves it atomically: the new list
/// goes to a temporary file of its own, flushed to disk, then renamed over
/// the old one, so a crash or a concurrent save never leaves it half-written.
pub fn touch(data_dir: &Path, path: &Path, name: &str) -> Result<Vec<RecentWorkspace>> {
    let path_text = path.to_string_lossy().into_owned();
    let mut list = load(data_dir);
    list.retain(|entry| entry.path != path_text);
    list.insert(
        0,
        RecentWorkspace {
            path: path_text,
            name: name.to_owned(),
            opened_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            exists: true,
        },
    );
    list.truncate(MAX_RECENT);
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
    let file = recent_file(data_dir);
    let mut temporary = tempfile::Builder::new()
        .prefix("recent-workspaces.")
        .suffix(".tmp")
        .tempfile_in(data_dir)
        .map_err(|e| Error::io(data_dir, e))?;
    temporary
        .write_all(&serde_json::to_vec_pretty(&list)?)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| Error::io(temporary.path(), e))?;
    temporary
        .persist(&file)
        .map_err(|e| Error::io(&file, e.error))?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_recent_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.leadstream");
        let b = dir.path().join("b.leadstream");
        std::fs::write(&a, b"x").unwrap();
        touch(dir.path(), &a, "a").unwrap();
        touch(dir.path(), &b, "b").unwrap();
        let list = touch(dir.path(), &a, "a").unwrap();
        assert_eq!(
            list.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        let loaded = load(dir.path());
        assert_eq!(loaded.len(), 2);
        assert!(loaded[0].exists);
        assert!(!loaded[1].exists, "b was never created on disk");
    }

    #[test]
    fn a_corrupt_file_reads_as_empty_with_a_warning_and_is_replaced_on_save() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(recent_file(dir.path()), b"{not json").unwrap();
        assert!(load(dir.path()).is_empty());
        let (list, warning) = load_with_warning(dir.path());
        assert!(list.is_empty());
        let warning = warning.expect("a warning about the damaged list");
        assert!(warning.contains("recent-workspaces.json"), "{warning}");
        assert!(warning.contains("damaged"), "{warning}");

        let a = dir.path().join("a.leadstream");
        touch(dir.path(), &a, "a").unwrap();
        assert_eq!(load_with_warning(dir.path()).1, None);
        assert_eq!(load(dir.path()).len(), 1);
    }

    #[test]
    fn concurrent_saves_of_the_recent_list_never_leave_it_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..6)
            .map(|thread| {
                let data_dir = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    for round in 0..25 {
                        let path = data_dir.join(format!("{thread}-{round}.leadstream"));
                        touch(&data_dir, &path, "w").map_err(|e| e.to_string())?;
                        let (_, warning) = load_with_warning(&data_dir);
                        if let Some(warning) = warning {
                            return Err(warning);
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), Ok(()));
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(!load(dir.path()).is_empty());
    }

    #[test]
    fn list_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..MAX_RECENT + 5 {
            touch(dir.path(), &dir.path().join(format!("{i}.leadstream")), "w").unwrap();
        }
        assert_eq!(load(dir.path()).len(), MAX_RECENT);
    }
}
