//! Privacy → People and Retention (issue 15): a person's erasure preview,
//! erasure and access export; retention's preview, run and remembered months.

use std::path::Path;

use leadstream_core::privacy::erase::{self, ErasurePreview, ErasureReport};
use leadstream_core::privacy::person::{self, AccessExportSummary, AccessFormat};
use leadstream_core::privacy::retention::{self, RetentionMode, RetentionPreview, RetentionReport};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// What erasing lead `lead_id` would remove (the confirmation's numbers).
#[tauri::command]
pub async fn person_erasure_preview(
    state: State<'_, AppState>,
    lead_id: i64,
) -> Result<ErasurePreview> {
    state
        .with_workspace(move |ws| erase::preview(ws, lead_id))
        .await
}

/// Erases lead `lead_id` everywhere (workspace, backups, rejected-rows files),
/// on a connection of its own as an import or a merge: the other commands
/// are answered meanwhile, and the erasure stays on the write-ahead log.
#[tauri::command]
pub async fn person_erase(state: State<'_, AppState>, lead_id: i64) -> Result<ErasureReport> {
    state
        .with_own_connection(move |ws| erase::erase(ws, lead_id))
        .await
}

/// Writes lead `lead_id`'s access export to `path` (chosen with the save dialog).
#[tauri::command]
pub async fn person_access_export(
    state: State<'_, AppState>,
    lead_id: i64,
    format: AccessFormat,
    path: String,
) -> Result<AccessExportSummary> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| person::export_access(ws, lead_id, format, Path::new(&path)))
        .await
}

/// Who and how many are inactive for `months` months.
#[tauri::command]
pub async fn retention_preview(
    state: State<'_, AppState>,
    months: u32,
) -> Result<RetentionPreview> {
    state
        .with_workspace(move |ws| retention::preview(ws, months))
        .await
}

/// The months last used (none before the first run or save).
#[tauri::command]
pub async fn retention_months(state: State<'_, AppState>) -> Result<Option<u32>> {
    state.with_workspace(|ws| retention::saved_months(ws)).await
}

/// Deletes or anonymises the leads inactive for `months` months, on a
/// connection of its own (as [`person_erase`]).
#[tauri::command]
pub async fn retention_run(
    state: State<'_, AppState>,
    months: u32,
    mode: RetentionMode,
) -> Result<RetentionReport> {
    state
        .with_own_connection(move |ws| retention::run(ws, months, mode))
        .await
}
