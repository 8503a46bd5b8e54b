//! The folders the app keeps its files in, and the workspace asked for at
//! launch.

use std::path::PathBuf;

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
