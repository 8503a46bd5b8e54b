//! App state: the open workspace behind a mutex, and the folders the app uses.
//! Database work runs on blocking threads so the UI never waits on SQLite.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use leadstream_core::{recent, segments, Workspace};
use tauri::Manager;

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

struct Inner {
    workspace: Mutex<Option<Workspace>>,
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
    pub fn new(dirs: AppDirs, requested: Option<PathBuf>) -> Self {
        AppState {
            inner: Arc::new(Inner {
                workspace: Mutex::new(None),
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
            Ok(work(workspace)?)
        })
        .await
    }
}

/// Makes `workspace` the open one and records it in the recent list.
/// Also starts building the segment index on a background thread, so the
/// first segment count or plan does not wait for it.
pub fn install(slot: &mut Option<Workspace>, dirs: &AppDirs, workspace: Workspace) -> Result<()> {
    if let Some(path) = workspace.path() {
        recent::touch(&dirs.data_dir, path, &workspace.name())?;
    }
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
    Ok(())
}
