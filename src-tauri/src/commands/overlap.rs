//! Insights overlap command: how the chosen saved segments overlap (the
//! Overlap tab's matrix and largest combinations).

use leadstream_core::insights::overlap::{self, OverlapReport};
use leadstream_core::segments;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The overlap of `segment_ids` (empty: the default choice) as of
/// `as_of_text` (default now), with the `top` largest combinations.
#[tauri::command]
pub async fn insights_overlap(
    state: State<'_, AppState>,
    segment_ids: Vec<i64>,
    as_of_text: Option<String>,
    top: Option<usize>,
) -> Result<OverlapReport> {
    state
        .with_workspace(move |ws| {
            let as_of = segments::as_of_or_now(as_of_text.as_deref())?;
            let top = top.unwrap_or(overlap::DEFAULT_INTERSECTIONS);
            overlap::overlap(ws, &segment_ids, as_of, top)
        })
        .await
}
