//! The list of recently opened workspaces, kept as a small JSON file in the
//! app's data folder. Most recent first, without duplicates, at most
//! [`MAX_RECENT`] entries.

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

/// Reads the list; a missing or unreadable file is an empty list, since losing
/// this convenience list must never stop the app from starting.
pub fn load(data_dir: &Path) -> Vec<RecentWorkspace> {
    let Ok(text) = std::fs::read_to_string(recent_file(data_dir)) else {
        return Vec::new();
    };
    let mut list: Vec<RecentWorkspace> = serde_json::from_str(&text).unwrap_or_default();
    for entry in &mut list {
        entry.exists = Path::new(&entry.path).is_file();
    }
    list
}

/// Puts `path` at the top of the list and saves it atomically.
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
    let temporary = file.with_extension("json.tmp");
    std::fs::write(&temporary, serde_json::to_vec_pretty(&list)?)
        .map_err(|e| Error::io(&temporary, e))?;
    std::fs::rename(&temporary, &file).map_err(|e| Error::io(&file, e))?;
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
    fn a_corrupt_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(recent_file(dir.path()), b"{not json").unwrap();
        assert!(load(dir.path()).is_empty());
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
