//! ICE commands: the ranked table of segments and streams, suggestions
//! from the data, setting a target's scores, the workspace's formula, and
//! the table's CSV export.

use std::path::Path;

use leadstream_core::export::{record_export, write_file_atomically};
use leadstream_core::segments;
use leadstream_core::strategy::ice::{
    self, IceFormula, IceTable, IceUpdate, TargetKind, TargetSuggestions,
};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// The ranked table under the workspace's formula.
#[tauri::command]
pub async fn ice_table(state: State<'_, AppState>) -> Result<IceTable> {
    state
        .with_workspace(|ws| {
            let formula = ice::formula(ws)?;
            ice::ranked_table(ws, formula)
        })
        .await
}

/// Suggested scores of every segment and stream, now.
#[tauri::command]
pub async fn ice_suggestions(state: State<'_, AppState>) -> Result<Vec<TargetSuggestions>> {
    state
        .with_workspace(|ws| ice::suggestions(ws, segments::as_of_or_now(None)?))
        .await
}

/// Changes a target's scores and notes; returns the re-ranked table.
#[tauri::command]
pub async fn ice_set(
    state: State<'_, AppState>,
    kind: TargetKind,
    id: i64,
    update: IceUpdate,
) -> Result<IceTable> {
    state
        .with_workspace(move |ws| ice::set_scores(ws, kind, id, &update))
        .await
}

/// Sets the workspace's formula; returns the table ranked under it.
#[tauri::command]
pub async fn ice_set_formula(state: State<'_, AppState>, formula: IceFormula) -> Result<IceTable> {
    state
        .with_workspace(move |ws| {
            ice::set_formula(ws, formula)?;
            ice::ranked_table(ws, formula)
        })
        .await
}

/// Writes the ranked table as CSV to `path` (replaced only on success);
/// returns how many rows.
#[tauri::command]
pub async fn ice_export(state: State<'_, AppState>, path: String) -> Result<u64> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let table = ice::ranked_table(ws, ice::formula(ws)?)?;
            let rows = write_file_atomically(Path::new(&path), |out| ice::write_csv(&table, out))?;
            record_export(ws, "ICE table", rows, Path::new(&path))?;
            Ok(rows)
        })
        .await
}
