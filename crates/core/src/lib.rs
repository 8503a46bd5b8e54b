//! Leadstream's core: everything the app does, without Tauri. The desktop
//! shell (`src-tauri`) and the CLI (`crates/cli`) are thin layers over it.
//!
//! - [`store`]: workspace files, connections and migrations.
//! - [`fields`]: the field catalogue (standard and custom fields).
//! - [`leads`]: lead pages, search, sort and detail.
//! - [`import`]: CSV import: reading any real-world CSV, normalising values,
//!   mapping columns, and applying the rows to a workspace.
//! - [`export`]: CSV and JSON export, safe against formula injection.
//! - [`streams`]: content library, nurture streams and the planner.
//! - [`demo`]: the deterministic demo and benchmark data generator.
//! - [`launch`]: what opens at launch, the demo workspace, new workspace paths.
//! - [`recent`]: the recently opened workspaces list.
//! - [`segments`]: segment rules, the fast evaluator, explanations, saved
//!   segments and templates.
//! - [`workspace_info`]: the summary the shell shows in its header.
//! - `workspace_open`: opening a workspace with what the layers above the
//!   store add to it (the built-in segments).

pub mod demo;
mod error;
pub mod export;
pub mod fields;
pub mod import;
pub mod launch;
pub mod leads;
pub mod recent;
pub mod segments;
pub mod store;
pub mod streams;
pub mod text;
mod workspace_open;

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use store::Workspace;

use serde::{Deserialize, Serialize};
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
    Ok(store::tables::events::count(workspace)? as u32)
}

/// Summarises the open workspace: cheap enough to run at start-up.
pub fn workspace_info(workspace: &Workspace) -> Result<WorkspaceInfo> {
    Ok(WorkspaceInfo {
        name: workspace.name(),
        path: workspace.path().map(|p| p.to_string_lossy().into_owned()),
        lead_count: store::tables::leads::count(workspace)? as u32,
        field_count: store::tables::fields::count(workspace)? as u32,
        schema_version: workspace.schema_version()?,
        warnings: Vec::new(),
    })
}
