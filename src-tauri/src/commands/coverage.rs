//! Coverage commands: the coverage report of the saved segments, its
//! thresholds (workspace settings) and the lead browser's pages of one
//! coverage bucket.

use leadstream_core::insights::coverage::{self, Coverage, CoverageScope, CoverageSettings};
use leadstream_core::leads::{LeadPage, LeadQuery};
use leadstream_core::segments;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn coverage_settings(state: State<'_, AppState>) -> Result<CoverageSettings> {
    state.with_workspace(move |ws| coverage::settings(ws)).await
}

#[tauri::command]
pub async fn coverage_settings_save(
    state: State<'_, AppState>,
    settings: CoverageSettings,
) -> Result<CoverageSettings> {
    state
        .with_workspace(move |ws| {
            coverage::save_settings(ws, &settings)?;
            coverage::settings(ws)
        })
        .await
}

#[tauri::command]
pub async fn coverage_report(
    state: State<'_, AppState>,
    settings: CoverageSettings,
    as_of_text: Option<String>,
) -> Result<Coverage> {
    state
        .with_workspace(move |ws| {
            let as_of = segments::as_of_or_now(as_of_text.as_deref())?;
            coverage::coverage(ws, as_of, &settings)
        })
        .await
}

#[tauri::command]
pub async fn coverage_leads_page(
    state: State<'_, AppState>,
    scope: CoverageScope,
    query: LeadQuery,
) -> Result<LeadPage> {
    state
        .with_workspace(move |ws| coverage::bucket_page(ws, &scope, &query))
        .await
}
