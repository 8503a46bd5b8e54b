//! What the app opens at launch, and where workspaces live: the demo
//! workspace on first launch, the most recent workspace afterwards, and paths
//! for new workspaces created by name.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::demo::{self, DemoSpec};
use crate::recent::RecentWorkspace;
use crate::store::WORKSPACE_EXTENSION;
use crate::WorkspaceInfo;
use crate::{recent, Error, Result, Workspace};

/// What the UI needs to draw its first screen: the workspace opened at
/// launch (or why none could be), and the recent list for the start screen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StartState {
    pub workspace: Option<WorkspaceInfo>,
    /// Why the launch workspace could not be opened, if it could not.
    pub error: Option<String>,
    pub recent: Vec<RecentWorkspace>,
    /// Where workspaces created by name are saved.
    pub workspaces_dir: String,
}

/// The kinds of file the app asks the user for, in its open and save
/// dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileKind {
    /// A `.leadstream` workspace.
    Workspace,
    /// A CSV (or TSV) file to import or to export to.
    Csv,
    /// A stream's portable JSON.
    Json,
}

impl FileKind {
    /// The dialog's filter: its name and file extensions.
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileKind::Workspace => ("Leadstream workspace", &[WORKSPACE_EXTENSION]),
            FileKind::Csv => ("CSV files", &["csv", "tsv", "txt"]),
            FileKind::Json => ("JSON", &["json"]),
        }
    }
}

/// The demo workspace's file in the app's data folder.
pub fn demo_path(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("Demo.{WORKSPACE_EXTENSION}"))
}

/// Opens the demo workspace, generating it first if it does not exist. It is
/// generated into a temporary file and renamed into place, so an interrupted
/// first launch never leaves a half-filled demo behind.
pub fn open_or_create_demo(data_dir: &Path, anchor: i64) -> Result<Workspace> {
    let path = demo_path(data_dir);
    if path.exists() {
        return Workspace::open(&path);
    }
    let partial = data_dir.join(format!("Demo.partial.{WORKSPACE_EXTENSION}"));
    for leftover in [
        partial.clone(),
        with_suffix(&partial, "-wal"),
        with_suffix(&partial, "-shm"),
    ] {
        if leftover.exists() {
            std::fs::remove_file(&leftover).map_err(|e| Error::io(&leftover, e))?;
        }
    }
    {
        let mut workspace = Workspace::create(&partial)?;
        demo::generate(&mut workspace, &DemoSpec::standard(anchor))?;
    }
    std::fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?;
    Workspace::open(&path)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(suffix);
    PathBuf::from(text)
}

/// The file for a new workspace called `name` in `dir`: the name with
/// characters that are unsafe in file names replaced, plus the extension.
pub fn path_for_name(dir: &Path, name: &str) -> Result<PathBuf> {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        return Err(Error::InvalidArgument("a workspace needs a name".into()));
    }
    if cleaned.chars().count() > 120 {
        return Err(Error::InvalidArgument(
            "a workspace name has at most 120 characters".into(),
        ));
    }
    Ok(dir.join(format!("{cleaned}.{WORKSPACE_EXTENSION}")))
}

/// Puts `workspace` at the top of the recent list. The list is a
/// convenience: when it cannot be saved, the returned warning says so, and
/// the workspace stays open.
pub fn remember(data_dir: &Path, workspace: &Workspace) -> Option<String> {
    let path = workspace.path()?;
    recent::touch(data_dir, path, &workspace.name())
        .err()
        .map(|e| {
            format!(
                "the workspace is open, but the list of recent workspaces could not be saved: {e}"
            )
        })
}

/// The workspace to open at launch: the one asked for, else the most recent
/// one that still exists, else the demo (generated on first launch).
pub fn initial_workspace(
    data_dir: &Path,
    requested: Option<&Path>,
    anchor: i64,
) -> Result<Workspace> {
    if let Some(path) = requested {
        return Workspace::open(path);
    }
    if let Some(last) = recent::load(data_dir)
        .into_iter()
        .find(|entry| entry.exists)
    {
        return Workspace::open(&last.path);
    }
    open_or_create_demo(data_dir, anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: i64 = 1_790_000_000;

    #[test]
    fn first_launch_generates_the_demo_once() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = initial_workspace(dir.path(), None, ANCHOR).unwrap();
        assert_eq!(crate::leads::count(workspace.conn()).unwrap(), 5_000);
        assert_eq!(workspace.path().unwrap(), demo_path(dir.path()));
        drop(workspace);
        let again = open_or_create_demo(dir.path(), ANCHOR + 86_400).unwrap();
        assert_eq!(crate::leads::count(again.conn()).unwrap(), 5_000);
        assert!(!dir.path().join("Demo.partial.leadstream").exists());
    }

    #[test]
    fn the_most_recent_existing_workspace_wins() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("Mine.leadstream");
        drop(Workspace::create(&mine).unwrap());
        recent::touch(dir.path(), &dir.path().join("Gone.leadstream"), "Gone").unwrap();
        recent::touch(dir.path(), &mine, "Mine").unwrap();
        recent::touch(dir.path(), &dir.path().join("Gone.leadstream"), "Gone").unwrap();
        let workspace = initial_workspace(dir.path(), None, ANCHOR).unwrap();
        assert_eq!(workspace.name(), "Mine");
    }

    #[test]
    fn remembering_a_workspace_when_the_recent_list_cannot_be_saved_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::create(dir.path().join("Mine.leadstream")).unwrap();
        // A folder where the list's file should be: saving it must fail.
        std::fs::create_dir_all(recent::recent_file(dir.path()).join("blocker")).unwrap();
        let warning = remember(dir.path(), &workspace).expect("a warning");
        assert!(
            warning.contains("recent workspaces could not be saved"),
            "{warning}"
        );
        assert_eq!(remember(dir.path(), &Workspace::in_memory().unwrap()), None);
    }

    #[test]
    fn names_become_safe_file_names() {
        let dir = Path::new("/w");
        assert_eq!(
            path_for_name(dir, " Q3 / EMEA: leads ").unwrap(),
            Path::new("/w/Q3 - EMEA- leads.leadstream")
        );
        assert_eq!(
            path_for_name(dir, "Kunden München").unwrap(),
            Path::new("/w/Kunden München.leadstream")
        );
        assert!(path_for_name(dir, "  ").is_err());
        assert!(path_for_name(dir, "..").is_err());
    }
}
