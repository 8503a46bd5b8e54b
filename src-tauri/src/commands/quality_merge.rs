//! Duplicates and merge commands for the Quality view's Duplicates tab:
//! likely duplicate pairs, a merge's preview, and the merge itself (undone
//! through `import_undo`, like every change in the history).

use std::collections::BTreeMap;

use leadstream_core::quality::duplicates::{self, DuplicateOptions, DuplicateReport};
use leadstream_core::quality::fixes::FixOutcome;
use leadstream_core::quality::merge::{self, MergePreview};
use leadstream_core::DataChange;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Likely duplicates at least `min_confidence` (0-1) confident: the `limit`
/// most confident, and how many there are in all. The search reads every
/// lead (11 s at 1M leads), on a connection of its own so that every other
/// command goes on meanwhile.
#[tauri::command]
pub async fn quality_duplicates(
    state: State<'_, AppState>,
    min_confidence: f64,
    limit: usize,
) -> Result<DuplicateReport> {
    let options = DuplicateOptions {
        min_confidence,
        limit: Some(limit),
    };
    state
        .with_own_connection(move |ws| duplicates::find(ws, &options))
        .await
}

/// What merging `merged` into `survivor` would do; `picks` maps a field
/// key to the lead whose value the survivor takes.
#[tauri::command]
pub async fn merge_preview(
    state: State<'_, AppState>,
    survivor: i64,
    merged: Vec<i64>,
    picks: BTreeMap<String, i64>,
) -> Result<MergePreview> {
    state
        .with_workspace(move |ws| merge::preview(ws, survivor, &merged, &picks))
        .await
}

/// Merges `merged` into `survivor`, then refreshes the scores and the
/// segment history as an import does; on a connection of its own, as an
/// import and an undo are: the shared one stays open, so the merge goes
/// through the log with its backup copied beside it, and the workspace
/// stays free for the other commands meanwhile.
#[tauri::command]
pub async fn merge_leads(
    state: State<'_, AppState>,
    survivor: i64,
    merged: Vec<i64>,
    picks: BTreeMap<String, i64>,
) -> Result<FixOutcome> {
    state
        .with_own_connection(move |ws| {
            let outcome = merge::merge(ws, survivor, &merged, &picks)?;
            ws.after_data_change(DataChange::Import);
            Ok(outcome)
        })
        .await
}
