//! Audit log commands (issue 15): the Audit log tab's pages and its export.

use std::path::Path;

use leadstream_core::privacy::audit::{self, AuditExportFormat, AuditFilter, AuditPage};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// The entries that match `filter`, newest first: `limit` after `offset`.
#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    filter: AuditFilter,
    limit: u64,
    offset: u64,
) -> Result<AuditPage> {
    state
        .with_workspace(move |ws| audit::list(ws, &filter, limit, offset))
        .await
}

/// Writes the entries that match `filter` to `path` (replaced only on
/// success); returns how many. The export is itself audited.
#[tauri::command]
pub async fn audit_export(
    state: State<'_, AppState>,
    filter: AuditFilter,
    format: AuditExportFormat,
    path: String,
) -> Result<u64> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| audit::export(ws, &filter, format, Path::new(&path)))
        .await
}
