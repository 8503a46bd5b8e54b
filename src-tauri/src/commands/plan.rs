//! Planner commands: the planner settings, and dry-running streams into a
//! plan, one lead's journey, or a CSV of sends.

use std::path::Path;

use leadstream_core::export::{record_export, write_file_atomically};
use leadstream_core::streams::limits;
use leadstream_core::streams::model::Stream;
use leadstream_core::streams::planner::{self, LeadJourney, Plan, PlanSettings};
use leadstream_core::Workspace;
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

#[tauri::command]
pub async fn planner_settings(state: State<'_, AppState>) -> Result<PlanSettings> {
    state.with_workspace(|ws| planner::settings::load(ws)).await
}

#[tauri::command]
pub async fn planner_settings_save(
    state: State<'_, AppState>,
    settings: PlanSettings,
) -> Result<PlanSettings> {
    state
        .with_workspace(move |ws| {
            planner::settings::save(ws, &settings)?;
            planner::settings::load(ws)
        })
        .await
}

/// Dry-runs `streams` (or every active stream) from `from` for `days` days.
#[tauri::command]
pub async fn plan_run(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
) -> Result<Plan> {
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            Ok(planner::plan(ws, &request)?.plan)
        })
        .await
}

/// One lead's journey through the same plan, with explanations.
#[tauri::command]
pub async fn plan_journey(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
    lead_id: i64,
) -> Result<LeadJourney> {
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            planner::journey(ws, &request, lead_id)
        })
        .await
}

/// Writes the plan's sends as CSV to `path` (replaced only on success);
/// returns how many.
#[tauri::command]
pub async fn plan_export(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
    path: String,
) -> Result<u64> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            let run = planner::plan(ws, &request)?;
            let rows = write_file_atomically(Path::new(&path), |out| {
                planner::write_sends_csv(ws, &run, out)
            })?;
            record_export(ws, "planned sends", rows, Path::new(&path))?;
            Ok(rows)
        })
        .await
}

/// The request of a plan command: `streams` (every active one when `None`)
/// from the day `from` names, for `days` days.
fn plan_request(
    ws: &Workspace,
    streams: Option<Vec<Stream>>,
    from: &str,
    days: u32,
) -> leadstream_core::Result<planner::PlanRequest> {
    let from = limits::parse_date("the plan's first day", from)?;
    planner::PlanRequest::for_workspace(ws, streams, from, days, None)
}
