//! Native file dialogs: the only way (with drag and drop) that the webview
//! gets to name a file outside the automation folders.

use leadstream_core::launch::FileKind;
use tauri::{AppHandle, State};

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// Shows the native dialog to choose a file of `kind` to open; the app may
/// then read the chosen file. Resolves to `null` when cancelled.
#[tauri::command]
pub async fn dialog_open(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: FileKind,
) -> Result<Option<String>> {
    state.choose_file(app, kind, PathUse::Open, None).await
}

/// Shows the native dialog to choose where to save a file of `kind`; the
/// app may then write the chosen file. Resolves to `null` when cancelled.
#[tauri::command]
pub async fn dialog_save(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: FileKind,
    default_name: String,
) -> Result<Option<String>> {
    state
        .choose_file(app, kind, PathUse::Save, Some(default_name))
        .await
}
