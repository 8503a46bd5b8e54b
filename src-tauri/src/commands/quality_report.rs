//! Quality report commands: the data-quality report (the Quality view's
//! Overview tab) and every field's completeness (the segment builder's
//! warning on a rule over a mostly-empty field).

use leadstream_core::quality::report::{
    self, FieldCompleteness, FieldCompletenessLookup, QualityReport, ReportOptions,
};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// The quality report, stale leads counted over `options.stale_months`. It
/// reads every lead and event (15 s at 1M leads), on a connection of its own
/// so that every other command goes on meanwhile.
#[tauri::command]
pub async fn quality_report(
    state: State<'_, AppState>,
    options: ReportOptions,
) -> Result<QualityReport> {
    state
        .with_own_connection(move |ws| report::report(ws, &options))
        .await
}

/// Every catalogue field's completeness (computed score fields aside). When
/// the workspace has not kept it for its data, it is counted on a connection
/// of its own (1.3 s at 1M leads), so the builder's first live count does not
/// wait behind it; the workspace then keeps it.
#[tauri::command]
pub async fn field_completeness(state: State<'_, AppState>) -> Result<Vec<FieldCompleteness>> {
    let lookup = state.with_workspace(|ws| report::look_up_field_completeness(ws));
    let count = match lookup.await? {
        FieldCompletenessLookup::Known(figures) => return Ok(figures),
        FieldCompletenessLookup::Count(count) => count,
    };
    let counted = state.beside_the_workspace(move || count.run()).await;
    state
        .with_workspace(move |ws| report::keep_field_completeness(ws, counted))
        .await
}
