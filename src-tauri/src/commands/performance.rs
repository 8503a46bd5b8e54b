//! Insights commands for the Performance and Actions tabs: which segments
//! convert and engage over a period, and which actions predict conversion.

use leadstream_core::insights::actions::{actions, ActionsReport};
use leadstream_core::insights::outcome::{Outcome, Period};
use leadstream_core::insights::performance::{performance, PerformanceReport, PerformanceSort};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The performance table of `segment_ids` (every saved segment when empty)
/// from `from` to `to` (dates; `to` includes its day).
#[tauri::command]
pub async fn insights_performance(
    state: State<'_, AppState>,
    segment_ids: Vec<i64>,
    outcome: Outcome,
    from: String,
    to: String,
    sort: Option<PerformanceSort>,
) -> Result<PerformanceReport> {
    state
        .with_workspace(move |ws| {
            let period = Period::parse(&from, &to)?;
            performance(ws, &segment_ids, &outcome, period, sort.unwrap_or_default())
        })
        .await
}

/// The actions that predict conversion from `from` to `to`, ranked by lift.
#[tauri::command]
pub async fn insights_actions(
    state: State<'_, AppState>,
    outcome: Outcome,
    from: String,
    to: String,
) -> Result<ActionsReport> {
    state
        .with_workspace(move |ws| actions(ws, &outcome, Period::parse(&from, &to)?))
        .await
}
