//! Segment history commands (issue 12): a segment's counts over time, the
//! diff between two dates with each lead's reason, and its CSV export.

use std::path::Path;

use leadstream_core::export::{record_export, write_file_atomically};
use leadstream_core::strategy::history::{self, SegmentDiff, SegmentHistory};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// Segment `id`'s recorded snapshots, oldest first.
#[tauri::command]
pub async fn segment_history(state: State<'_, AppState>, id: i64) -> Result<SegmentHistory> {
    state
        .with_workspace(move |ws| history::history(ws, id))
        .await
}

/// Who joined or left segment `id` between the snapshots at or before
/// `from` and `to` (dates, each the end of its day, or date-times).
#[tauri::command]
pub async fn segment_diff(
    state: State<'_, AppState>,
    id: i64,
    from: String,
    to: String,
) -> Result<SegmentDiff> {
    state
        .with_workspace(move |ws| {
            history::diff(
                ws,
                id,
                history::diff_bound(&from)?,
                history::diff_bound(&to)?,
            )
        })
        .await
}

/// Writes the diff as CSV to `path` (replaced only on success); returns how
/// many leads it lists.
#[tauri::command]
pub async fn segment_diff_export(
    state: State<'_, AppState>,
    id: i64,
    from: String,
    to: String,
    path: String,
) -> Result<u64> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let diff = history::diff(
                ws,
                id,
                history::diff_bound(&from)?,
                history::diff_bound(&to)?,
            )?;
            write_file_atomically(Path::new(&path), |out| history::write_diff_csv(&diff, out))?;
            let rows = (diff.joined.len() + diff.left.len()) as u64;
            record_export(ws, "segment history changes", rows, Path::new(&path))?;
            Ok(rows)
        })
        .await
}
