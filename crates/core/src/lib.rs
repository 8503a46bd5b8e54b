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
//! - [`workspace_info`]: the summary the shell shows in its header (in `store::info`).
//! - [`field_usage`]: what uses a custom field, and deleting fields nothing uses.
//! - [`scoring`]: lead scoring models, scores, grades and back-tests.
//! - [`strategy`]: ICE prioritisation, SMART goals, reviews and segment
//!   history.
//! - [`quality`]: the data-quality report, duplicates, and fixes (merge,
//!   normalise, mark not sendable) recorded and undone like imports.
//! - `workspace_open`: opening a workspace with what the layers above the
//!   store add to it (the built-in segments), and what follows an import
//!   or undo ([`Workspace::after_data_change`]).

pub mod demo;
mod error;
pub mod export;
pub mod field_usage;
pub mod fields;
pub mod import;
pub mod insights;
pub mod launch;
pub mod leads;
pub mod privacy;
pub mod quality;
pub mod recent;
pub mod scoring;
pub mod segments;
pub mod store;
pub mod strategy;
pub mod streams;
pub mod text;
pub mod time;
mod workspace_open;
pub use workspace_open::{DailyUpkeep, DataChange, Reopener};

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use store::info::{event_count, workspace_info, WorkspaceInfo};
pub use store::Workspace;
