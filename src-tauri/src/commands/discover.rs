//! Insights commands for cross-tabs and proposed segments: each a few lines
//! over `insights::crosstab` and `insights::discover`.

use leadstream_core::insights::crosstab::{self, Crosstab, Dimension};
use leadstream_core::insights::discover::{self, DiscoverOptions, Discovery};
use leadstream_core::insights::outcome::{Outcome, Period};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The cross-tab of `rows` × `columns` over the period `from`..`to` (dates;
/// `to` includes its day).
#[tauri::command]
pub async fn insights_crosstab(
    state: State<'_, AppState>,
    rows: Dimension,
    columns: Dimension,
    outcome: Outcome,
    from: String,
    to: String,
) -> Result<Crosstab> {
    state
        .with_workspace(move |ws| {
            let period = Period::parse(&from, &to)?;
            crosstab::crosstab(ws, &rows, &columns, &outcome, period)
        })
        .await
}

/// Segments proposed from the data over the period `from`..`to`.
#[tauri::command]
pub async fn insights_discover(
    state: State<'_, AppState>,
    outcome: Outcome,
    from: String,
    to: String,
    options: Option<DiscoverOptions>,
) -> Result<Discovery> {
    state
        .with_workspace(move |ws| {
            let period = Period::parse(&from, &to)?;
            discover::discover(ws, &outcome, period, options.unwrap_or_default())
        })
        .await
}
