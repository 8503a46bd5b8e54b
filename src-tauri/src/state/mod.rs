//! App state: the open workspace behind a mutex, the folders the app uses,
//! and the files the webview may name (chosen in a dialog, dropped on the
//! window, or in the recent list). Database work runs on blocking threads so
//! the UI never waits on SQLite; imports and inspections use a connection of
//! their own, so they never hold the workspace that other commands need.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use leadstream_core::launch::FileKind;
use leadstream_core::{launch, recent, segments, Workspace};
use tauri::Manager;
use tauri_plugin_dialog::DialogExt;

use crate::error::{Error, Result};

/// Where the app keeps its files.
#[derive(Debug, Clone)]
pub struct AppDirs {
    /// The demo workspace and the recent-workspaces list.
    pub data_dir: PathBuf,
    /// Where workspaces created by name go.
    pub workspaces_dir: PathBuf,
}

impl AppDirs {
    /// `LEADSTREAM_DATA_DIR` overrides everything (tests and portable
    /// installs use it); otherwise the platform's app-data folder, and
    /// `~/Documents/Leadstream` for new workspaces.
    pub fn resolve(app: &tauri::AppHandle) -> Result<Self> {
        if let Some(dir) = std::env::var_os("LEADSTREAM_DATA_DIR") {
            let data_dir = PathBuf::from(dir);
            return Ok(AppDirs {
                workspaces_dir: data_dir.join("workspaces"),
                data_dir,
            });
        }
        let paths = app.path();
        let data_dir = paths
            .app_data_dir()
            .map_err(|e| Error::Setup(e.to_string()))?;
        let workspaces_dir = paths
            .document_dir()
            .map(|documents| documents.join("Leadstream"))
            .unwrap_or_else(|_| data_dir.join("workspaces"));
        Ok(AppDirs {
            data_dir,
            workspaces_dir,
        })
    }
}

/// The workspace named on the command line (`leadstream-app FILE`) or in
/// `LEADSTREAM_WORKSPACE`, if any.
pub fn requested_workspace() -> Option<PathBuf> {
    std::env::args_os()
        .skip(1)
        .find(|arg| !arg.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("LEADSTREAM_WORKSPACE").map(PathBuf::from))
}

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

struct Inner {
    workspace: Mutex<Option<Workspace>>,
    /// Paths the user chose in a dialog or dropped on the window since the
    /// app started, with what they were chosen for.
    chosen_paths: Mutex<HashSet<(PathBuf, PathUse)>>,
    allowed_roots: Vec<PathBuf>,
    /// Set by `import_cancel`; outside the workspace lock, which a running
    /// import holds.
    import_cancel: Arc<AtomicBool>,
    dirs: AppDirs,
    requested: Option<PathBuf>,
}

/// Shared app state; cheap to clone into background tasks.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    pub fn new(dirs: AppDirs, requested: Option<PathBuf>, allowed_roots: Vec<PathBuf>) -> Self {
        AppState {
            inner: Arc::new(Inner {
                workspace: Mutex::new(None),
                chosen_paths: Mutex::new(HashSet::new()),
                allowed_roots,
                import_cancel: Arc::new(AtomicBool::new(false)),
                dirs,
                requested,
            }),
        }
    }

    /// Clears the cancel flag for a new import and returns it.
    pub fn reset_import_cancel(&self) -> Arc<AtomicBool> {
        self.inner.import_cancel.store(false, Ordering::Relaxed);
        self.inner.import_cancel.clone()
    }

    pub fn cancel_import(&self) {
        self.inner.import_cancel.store(true, Ordering::Relaxed);
    }

    pub fn requested(&self) -> Option<PathBuf> {
        self.inner.requested.clone()
    }

    /// Records paths the user chose or dropped, for `use`.
    pub fn allow_paths<'a>(&self, paths: impl IntoIterator<Item = &'a PathBuf>, use_: PathUse) {
        let mut chosen = self
            .inner
            .chosen_paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        chosen.extend(paths.into_iter().map(|path| (path.clone(), use_)));
    }

    /// `path` from the webview, if the user gave it to the app for `use_`:
    /// chosen in a dialog or dropped on the window since the app started,
    /// listed in the recent workspaces (to open), or under a folder of
    /// [`ALLOW_PATHS_UNDER_VAR`]. Anything else is refused.
    pub fn allowed_path(&self, path: &str, use_: PathUse) -> Result<PathBuf> {
        let candidate = PathBuf::from(path);
        let refused = || Error::PathNotAllowed {
            path: path.to_owned(),
        };
        if !is_plain_absolute(&candidate) {
            return Err(refused());
        }
        let chosen = self
            .inner
            .chosen_paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&(candidate.clone(), use_));
        let recent = || {
            use_ == PathUse::Open
                && recent::load(&self.inner.dirs.data_dir)
                    .iter()
                    .any(|entry| Path::new(&entry.path) == candidate)
        };
        let under_root = || {
            self.inner
                .allowed_roots
                .iter()
                .any(|root| candidate.starts_with(root))
        };
        if chosen || recent() || under_root() {
            Ok(candidate)
        } else {
            Err(refused())
        }
    }

    /// Shows the native dialog to open (`PathUse::Open`) or save a file of
    /// `kind`, on a blocking thread, and records the choice. `None` when the
    /// user cancels.
    pub async fn choose_file(
        &self,
        app: tauri::AppHandle,
        kind: FileKind,
        use_: PathUse,
        default_name: Option<String>,
    ) -> Result<Option<String>> {
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
        let path = picked
            .into_path()
            .map_err(|e| Error::Setup(format!("the chosen file has no usable path: {e}")))?;
        self.allow_paths([&path], use_);
        Ok(Some(path.to_string_lossy().into_owned()))
    }

    /// Runs `work` on a blocking thread with the state's slot for the open
    /// workspace, which it may fill, replace or use.
    pub async fn with_slot<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Option<Workspace>, &AppDirs) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = inner
                .workspace
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut slot, &inner.dirs)
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Runs `work` on a blocking thread against the open workspace.
    pub async fn with_workspace<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workspace) -> leadstream_core::Result<T> + Send + 'static,
    {
        self.with_slot(move |slot, _| {
            let workspace = slot.as_mut().ok_or(Error::NoWorkspace)?;
            let path = workspace.path().map(Path::to_path_buf);
            work(workspace).map_err(|e| in_workspace(e, path.as_deref()))
        })
        .await
    }

    /// Runs long `work` (an import, an inspection) on a blocking thread with
    /// a connection of its own to the open workspace's file, so that the
    /// workspace stays free for every other command meanwhile (WAL lets
    /// them read; the segment index sees the import's commit through
    /// SQLite's `data_version`).
    pub async fn with_own_connection<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workspace) -> leadstream_core::Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let path = {
                let slot = inner
                    .workspace
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let workspace = slot.as_ref().ok_or(Error::NoWorkspace)?;
                workspace.path().map(Path::to_path_buf)
            };
            let Some(path) = path else {
                // In memory: there is no file to open a second connection to.
                let mut slot = inner
                    .workspace
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let workspace = slot.as_mut().ok_or(Error::NoWorkspace)?;
                return Ok(work(workspace)?);
            };
            let mut own = Workspace::open(&path)?;
            work(&mut own).map_err(|e| in_workspace(e, Some(&path)))
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?
    }
}

fn in_workspace(error: leadstream_core::Error, path: Option<&Path>) -> Error {
    match path {
        Some(path) => error.in_workspace(path).into(),
        None => error.into(),
    }
}

/// Makes `workspace` the open one and records it in the recent list; a
/// list that cannot be saved is a warning (returned), not a reason to keep
/// the workspace closed. Also starts building the segment index on a
/// background thread, so the first segment count or plan does not wait for
/// it.
pub fn install(
    slot: &mut Option<Workspace>,
    dirs: &AppDirs,
    workspace: Workspace,
) -> Result<Vec<String>> {
    let warnings: Vec<String> = launch::remember(&dirs.data_dir, &workspace)
        .into_iter()
        .inspect(|warning| eprintln!("leadstream: {warning}"))
        .collect();
    if let Some(warm) = segments::warm_up(&workspace)? {
        let spawned = std::thread::Builder::new()
            .name("segment-index".into())
            .spawn(move || {
                if let Err(e) = warm.run() {
                    eprintln!("leadstream: building the segment index ahead of use: {e}");
                }
            });
        if let Err(e) = spawned {
            eprintln!("leadstream: could not start the segment index thread: {e}");
        }
    }
    *slot = Some(workspace);
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_in(dir: &Path, roots: Vec<PathBuf>) -> AppState {
        let dirs = AppDirs {
            data_dir: dir.join("data"),
            workspaces_dir: dir.join("workspaces"),
        };
        AppState::new(dirs, None, roots)
    }

    #[test]
    fn failing_recent_list_write_does_not_block_opening() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs {
            data_dir: dir.path().join("data"),
            workspaces_dir: dir.path().join("workspaces"),
        };
        // A folder where the list's file should be: saving it fails.
        std::fs::create_dir_all(recent::recent_file(&dirs.data_dir).join("blocker")).unwrap();
        let workspace = Workspace::create(dir.path().join("Mine.leadstream")).unwrap();
        let mut slot = None;
        let warnings = install(&mut slot, &dirs, workspace).expect("the workspace opens");
        assert_eq!(slot.as_ref().map(Workspace::name).as_deref(), Some("Mine"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("could not be saved"), "{warnings:?}");
    }

    #[test]
    fn a_long_import_does_not_block_other_commands() {
        use std::sync::mpsc;
        use std::time::Duration;
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_in(dir.path(), Vec::new());
        let workspace = Workspace::create(dir.path().join("a.leadstream")).unwrap();
        block_on(state.with_slot(move |slot, dirs| install(slot, dirs, workspace).map(drop)))
            .unwrap();

        let (started, import_started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let importer = state.clone();
        // Stands in for import_run: it holds its connection until released.
        let import = std::thread::spawn(move || {
            block_on(importer.with_own_connection(move |ws| {
                started.send(()).unwrap();
                released.recv().unwrap();
                leadstream_core::leads::count(ws.conn())
            }))
        });
        import_started
            .recv_timeout(Duration::from_secs(10))
            .expect("the import started");

        let other = state.clone();
        let (answer, answered) = mpsc::channel();
        std::thread::spawn(move || {
            let count =
                block_on(other.with_workspace(|ws| leadstream_core::leads::count(ws.conn())));
            answer.send(count.is_ok()).unwrap();
        });
        let answer = answered.recv_timeout(Duration::from_secs(5));
        release.send(()).unwrap();
        assert_eq!(import.join().unwrap().unwrap(), 0);
        assert_eq!(
            answer,
            Ok(true),
            "the lead count answered while the import was running"
        );
    }

    #[test]
    fn what_an_import_on_its_own_connection_writes_is_seen_by_the_next_segment_count() {
        use leadstream_core::segments::{self, Combinator, RuleGroup};
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_in(dir.path(), Vec::new());
        let workspace = Workspace::create(dir.path().join("a.leadstream")).unwrap();
        block_on(state.with_slot(move |slot, dirs| install(slot, dirs, workspace).map(drop)))
            .unwrap();
        let everyone = RuleGroup {
            id: None,
            combinator: Combinator::And,
            not: false,
            rules: Vec::new(),
        };
        let count = |rules: RuleGroup| {
            block_on(state.with_workspace(move |ws| segments::count(ws, &rules, segments::now())))
                .unwrap()
        };
        assert_eq!(count(everyone.clone()), 0, "the index is built, empty");

        let spec = leadstream_core::demo::DemoSpec {
            leads: 50,
            events_per_lead: 1,
            seed: 3,
            anchor: 1_790_000_000,
        };
        block_on(state.with_own_connection(move |ws| leadstream_core::demo::generate(ws, &spec)))
            .unwrap();
        assert_eq!(count(everyone), 50, "the index was rebuilt after the write");
    }

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
