//! Quality report commands: the data-quality report (the Quality view's
//! Overview tab) and every field's completeness (the segment builder's
//! warning on a rule over a mostly-empty field).

use leadstream_core::quality::report::{self, FieldCompleteness, QualityReport, ReportOptions};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The quality report, stale leads counted over `options.stale_months`.
#[tauri::command]
pub async fn quality_report(
    state: State<'_, AppState>,
    options: ReportOptions,
) -> Result<QualityReport> {
    state
        .with_workspace(move |ws| report::report(ws, &options))
        .await
}

/// Every catalogue field's completeness (computed score fields aside).
#[tauri::command]
pub async fn field_completeness(state: State<'_, AppState>) -> Result<Vec<FieldCompleteness>> {
    state
        .with_workspace(|ws| report::field_completeness(ws))
        .await
}
