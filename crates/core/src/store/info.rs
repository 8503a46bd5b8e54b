//! The summary of an open workspace that the shell shows in its header:
//! its name, file, and how many leads, fields and events it holds.

use serde::{Deserialize, Serialize};

use crate::{Result, Workspace};
use ts_rs::TS;

/// A summary of the open workspace.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    pub name: String,
    pub path: Option<String>,
    pub lead_count: u32,
    pub field_count: u32,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// Things the user should know that did not stop the workspace from
    /// opening (the recent list could not be saved, say).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// How many events the workspace holds. Kept out of [`WorkspaceInfo`]: on a
/// cold 10M-event file this count reads hundreds of megabytes, so the UI asks
/// for it after the first screen is drawn.
pub fn event_count(workspace: &Workspace) -> Result<u32> {
    Ok(super::tables::events::count(workspace)? as u32)
}

/// Summarises the open workspace: cheap enough to run at start-up.
pub fn workspace_info(workspace: &Workspace) -> Result<WorkspaceInfo> {
    Ok(WorkspaceInfo {
        name: workspace.name(),
        path: workspace.path().map(|p| p.to_string_lossy().into_owned()),
        lead_count: super::tables::leads::count(workspace)? as u32,
        field_count: super::tables::fields::count(workspace)? as u32,
        schema_version: workspace.schema_version()?,
        warnings: Vec::new(),
    })
}
