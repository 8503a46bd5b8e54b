//! Lead commands: the lead table's pages and one lead's detail.

use leadstream_core::leads::{self, LeadDetail, LeadPage, LeadQuery};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn leads_page(state: State<'_, AppState>, query: LeadQuery) -> Result<LeadPage> {
    state
        .with_workspace(move |ws| leads::page(ws, &query))
        .await
}

#[tauri::command]
pub async fn lead_detail(state: State<'_, AppState>, id: i64) -> Result<LeadDetail> {
    state.with_workspace(move |ws| leads::detail(ws, id)).await
}
