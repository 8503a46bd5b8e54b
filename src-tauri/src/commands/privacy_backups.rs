//! Backup commands (issue 15): the Backups tab's list and keep setting,
//! "Back up now" and "Restore…".

use leadstream_core::privacy::backups::{self, BackupsOverview, RestoreOutcome};
use leadstream_core::store::backup::BackupInfo;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The backups, newest first, and how many are kept.
#[tauri::command]
pub async fn backups_overview(state: State<'_, AppState>) -> Result<BackupsOverview> {
    state.with_workspace(|ws| backups::overview(ws)).await
}

/// Takes a backup now.
#[tauri::command]
pub async fn backup_create(
    state: State<'_, AppState>,
    reason: Option<String>,
) -> Result<BackupInfo> {
    state
        .with_workspace(move |ws| backups::create_now(ws, reason.as_deref()))
        .await
}

/// Sets how many backups are kept (older ones are deleted).
#[tauri::command]
pub async fn backup_set_keep(state: State<'_, AppState>, count: u32) -> Result<()> {
    state
        .with_workspace(move |ws| backups::set_keep(ws, count))
        .await
}

/// Replaces the workspace with the backup `id` (a backup of the current
/// state is taken first).
#[tauri::command]
pub async fn backup_restore(state: State<'_, AppState>, id: String) -> Result<RestoreOutcome> {
    state
        .with_workspace(move |ws| backups::restore(ws, &id))
        .await
}
