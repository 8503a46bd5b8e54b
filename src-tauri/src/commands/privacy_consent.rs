//! Consent commands for the Privacy view's Consent tab and the lead detail
//! panel: the overview, a lead's history, recording a statement (followed,
//! as an import is, by the rescoring and a segment-history snapshot).

use leadstream_core::privacy::consent::{self, ConsentEvent, ConsentOverview, ConsentStatement};
use leadstream_core::DataChange;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Leads per channel by consent status and lawful basis.
#[tauri::command]
pub async fn consent_overview(state: State<'_, AppState>) -> Result<ConsentOverview> {
    state.with_workspace(|ws| consent::overview(ws)).await
}

/// A lead's consent statements, newest first.
#[tauri::command]
pub async fn consent_history(
    state: State<'_, AppState>,
    lead_id: i64,
) -> Result<Vec<ConsentEvent>> {
    state
        .with_workspace(move |ws| consent::history(ws, lead_id))
        .await
}

/// Records a statement for a lead and sets its current status.
#[tauri::command]
pub async fn consent_record(
    state: State<'_, AppState>,
    lead_id: i64,
    statement: ConsentStatement,
) -> Result<ConsentEvent> {
    state
        .with_workspace(move |ws| {
            let event = consent::record(ws, lead_id, &statement)?;
            ws.after_data_change(DataChange::Import);
            Ok(event)
        })
        .await
}
