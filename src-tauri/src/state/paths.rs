//! The files the webview may name: chosen in a native dialog or dropped on
//! the window since the app started, listed in the recent workspaces (to
//! open), or under a folder of [`ALLOW_PATHS_UNDER_VAR`]. Anything else is
//! refused.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use leadstream_core::launch::FileKind;
use leadstream_core::recent;
use tauri_plugin_dialog::DialogExt;

use crate::error::{Error, Result};

/// What the webview may do with a path it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathUse {
    /// Read it (a workspace to open, a file to import).
    Open,
    /// Write it (an export).
    Save,
}

/// The environment variable that lets automation (the end-to-end tests)
/// name files under these folders without a dialog: `DIR[:DIR...]`, read
/// once at start-up. A webview cannot set it.
pub const ALLOW_PATHS_UNDER_VAR: &str = "LEADSTREAM_ALLOW_PATHS_UNDER";

/// The folders of [`ALLOW_PATHS_UNDER_VAR`]; relative ones are ignored.
pub fn allowed_roots_from_env() -> Vec<PathBuf> {
    std::env::var_os(ALLOW_PATHS_UNDER_VAR)
        .map(|dirs| {
            std::env::split_paths(&dirs)
                .filter(|dir| is_plain_absolute(dir))
                .collect()
        })
        .unwrap_or_default()
}

/// Absolute and without `.` or `..`, so that "under a folder" means what
/// it says.
fn is_plain_absolute(path: &Path) -> bool {
    path.is_absolute()
        && path
            .components()
            .all(|c| !matches!(c, Component::ParentDir | Component::CurDir))
}

/// The paths the user gave the app, and the automation folders.
pub struct PathAllowlist {
    /// Paths the user chose in a dialog or dropped on the window since the
    /// app started, with what they were chosen for.
    chosen: Mutex<HashSet<(PathBuf, PathUse)>>,
    /// The folders of [`ALLOW_PATHS_UNDER_VAR`].
    roots: Vec<PathBuf>,
}

impl PathAllowlist {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        PathAllowlist {
            chosen: Mutex::new(HashSet::new()),
            roots,
        }
    }

    /// Records paths the user chose or dropped, for `use_`.
    pub fn allow<'a>(&self, paths: impl IntoIterator<Item = &'a PathBuf>, use_: PathUse) {
        let mut chosen = self
            .chosen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        chosen.extend(paths.into_iter().map(|path| (path.clone(), use_)));
    }

    /// `path` from the webview, if the user gave it to the app for `use_`;
    /// the recent list is the one kept in `data_dir`.
    pub fn check(&self, path: &str, use_: PathUse, data_dir: &Path) -> Result<PathBuf> {
        let candidate = PathBuf::from(path);
        let refused = || Error::PathNotAllowed {
            path: path.to_owned(),
        };
        if !is_plain_absolute(&candidate) {
            return Err(refused());
        }
        let chosen = self
            .chosen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&(candidate.clone(), use_));
        let recent = || {
            use_ == PathUse::Open
                && recent::load(data_dir)
                    .iter()
                    .any(|entry| Path::new(&entry.path) == candidate)
        };
        let under_root = || self.roots.iter().any(|root| candidate.starts_with(root));
        if chosen || recent() || under_root() {
            Ok(candidate)
        } else {
            Err(refused())
        }
    }
}

/// For WebDriver tests, which cannot drive a native dialog: the file the
/// save dialog answers with (relative: in the data folder of
/// `LEADSTREAM_DATA_DIR`), honoured only for an automated run (one that also
/// sets [`ALLOW_PATHS_UNDER_VAR`]) and only under one of its folders.
pub const E2E_SAVE_PATH_VAR: &str = "LEADSTREAM_E2E_SAVE_PATH";

/// The save dialog's answer under automation ([`E2E_SAVE_PATH_VAR`]).
fn automated_save_path() -> Option<PathBuf> {
    let named = PathBuf::from(std::env::var_os(E2E_SAVE_PATH_VAR)?);
    let path = if named.is_absolute() {
        named
    } else {
        PathBuf::from(std::env::var_os("LEADSTREAM_DATA_DIR")?).join(named)
    };
    let roots = std::env::var_os(ALLOW_PATHS_UNDER_VAR)?;
    std::env::split_paths(&roots)
        .filter(|root| root.is_absolute())
        .any(|root| path.starts_with(root))
        .then_some(path)
}

/// Shows the native dialog to open (`PathUse::Open`) or save a file of
/// `kind`, on a blocking thread. `None` when the user cancels.
pub async fn show_file_dialog(
    app: tauri::AppHandle,
    kind: FileKind,
    use_: PathUse,
    default_name: Option<String>,
) -> Result<Option<PathBuf>> {
    if use_ == PathUse::Save {
        if let Some(path) = automated_save_path() {
            return Ok(Some(path));
        }
    }
    let (name, extensions) = kind.filter();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app.dialog().file().add_filter(name, extensions);
        if let Some(file_name) = default_name {
            dialog = dialog.set_file_name(file_name);
        }
        match use_ {
            PathUse::Open => dialog.blocking_pick_file(),
            PathUse::Save => dialog.blocking_save_file(),
        }
    })
    .await
    .map_err(|e| Error::Task(e.to_string()))?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    picked
        .into_path()
        .map(Some)
        .map_err(|e| Error::Setup(format!("the chosen file has no usable path: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::state_in;

    #[test]
    fn paths_not_chosen_by_the_user_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(dir.path(), Vec::new());
        let secret = dir.path().join("secret.leadstream");
        let message = state
            .allowed_path(&secret.to_string_lossy(), PathUse::Open)
            .unwrap_err()
            .to_string();
        assert!(message.contains("secret.leadstream"), "{message}");
        assert!(message.contains("chose"), "{message}");
        assert!(state.allowed_path("relative.csv", PathUse::Open).is_err());
    }

    #[test]
    fn chosen_dropped_and_recent_paths_are_allowed_for_their_use() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(dir.path(), Vec::new());
        let dropped = dir.path().join("export.csv");
        let save_to = dir.path().join("members.csv");
        state.allow_paths([&dropped], PathUse::Open);
        state.allow_paths([&save_to], PathUse::Save);
        let text = |p: &Path| p.to_string_lossy().into_owned();
        assert!(state.allowed_path(&text(&dropped), PathUse::Open).is_ok());
        assert!(
            state.allowed_path(&text(&dropped), PathUse::Save).is_err(),
            "a file chosen to read is not one to overwrite"
        );
        assert!(state.allowed_path(&text(&save_to), PathUse::Save).is_ok());

        let listed = dir.path().join("Listed.leadstream");
        recent::touch(&dir.path().join("data"), &listed, "Listed").unwrap();
        assert!(state.allowed_path(&text(&listed), PathUse::Open).is_ok());
        assert!(state.allowed_path(&text(&listed), PathUse::Save).is_err());
    }

    #[test]
    fn the_automation_folders_allow_what_is_under_them_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("fixtures");
        let state = state_in(dir.path(), vec![root.clone()]);
        let inside = root.join("e2e/contacts.csv");
        assert!(state
            .allowed_path(&inside.to_string_lossy(), PathUse::Open)
            .is_ok());
        let escape = format!("{}/../secret.leadstream", root.display());
        assert!(state.allowed_path(&escape, PathUse::Open).is_err());
        let sibling = dir.path().join("fixtures-other/x.csv");
        assert!(state
            .allowed_path(&sibling.to_string_lossy(), PathUse::Save)
            .is_err());
    }
}
