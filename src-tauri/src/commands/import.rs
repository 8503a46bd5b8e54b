//! Import commands: inspecting a file, running (or dry-running) and
//! cancelling an import, and the import history with undo.

use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::import::history::{self, ImportRecord, UndoSummary};
use leadstream_core::import::inspect::{self, ImportInspection};
use leadstream_core::import::source::SourceFormat;
use leadstream_core::import::spec::{ImportKind, ImportProgress, ImportReport, ImportSpec};
use leadstream_core::quality::fixes;
use leadstream_core::DataChange;
use std::sync::atomic::Ordering;
use tauri::{AppHandle, Emitter, State};

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// The event that carries [`ImportProgress`] to the UI.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// Looks at a dropped or chosen file; `format` and `kind` override detection.
/// Runs on its own connection: other commands do not wait for it.
#[tauri::command]
pub async fn import_inspect(
    state: State<'_, AppState>,
    path: String,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
) -> Result<ImportInspection> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    state
        .with_own_connection(move |ws| inspect::inspect(ws, &path, format, kind))
        .await
}

/// Runs an import or a dry run, emitting `import-progress` events; cancelled
/// by `import_cancel`. Runs on a blocking thread with its own connection: the
/// UI and every other command stay responsive.
#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    spec: ImportSpec,
    dry_run: bool,
) -> Result<ImportReport> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    let cancel = state.reset_import_cancel();
    state
        .with_own_connection(move |ws| {
            let mut progress = |p: &ImportProgress| {
                let _ = app.emit(IMPORT_PROGRESS_EVENT, p);
            };
            let control = ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            };
            let mut report = run_import(ws, &path, &spec, dry_run, control)?;
            if !dry_run {
                // The import is done and stays; a model that no longer
                // compiles keeps the old scores (the scoring view names why).
                ws.after_data_change(DataChange::Import);
                // A Cancel clicked meanwhile came too late as well.
                report.cancel_came_too_late |= cancel.load(Ordering::Relaxed);
            }
            Ok(report)
        })
        .await
}

#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>) {
    state.cancel_import();
}

#[tauri::command]
pub async fn imports_list(state: State<'_, AppState>) -> Result<Vec<ImportRecord>> {
    state.with_workspace(|ws| history::list(ws)).await
}

/// Undoes an import or a fix (`quality::fixes::undo_change`); with
/// `remove_created_fields`, also deletes the custom fields an import created
/// that nothing else uses.
#[tauri::command]
pub async fn import_undo(
    state: State<'_, AppState>,
    id: i64,
    remove_created_fields: bool,
) -> Result<UndoSummary> {
    state
        .with_own_connection(move |ws| {
            let summary = fixes::undo_change(ws, id, remove_created_fields)?;
            ws.after_data_change(DataChange::Undo);
            Ok(summary)
        })
        .await
}
