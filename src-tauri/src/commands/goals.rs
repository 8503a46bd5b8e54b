//! Strategy commands for the Goals and Reviews tabs: SMART goals with their
//! progress at a date, and segment reviews (the due list, recording one,
//! cadences, a segment's history of reviews).

use leadstream_core::segments;
use leadstream_core::strategy::goals::{self, Baseline, Goal, GoalDraft, GoalProgress};
use leadstream_core::strategy::reviews::{self, Decision, DueReport, Review};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Every goal measured as of `as_of` (YYYY-MM-DD; now when absent).
#[tauri::command]
pub async fn goals_list(
    state: State<'_, AppState>,
    as_of: Option<String>,
) -> Result<Vec<GoalProgress>> {
    state
        .with_workspace(move |ws| {
            goals::progress_all(ws, segments::as_of_or_now(as_of.as_deref())?)
        })
        .await
}

/// Goal `id` measured as of `as_of`, with its trajectory.
#[tauri::command]
pub async fn goal_progress(
    state: State<'_, AppState>,
    id: i64,
    as_of: Option<String>,
) -> Result<GoalProgress> {
    state
        .with_workspace(move |ws| {
            goals::progress(ws, id, segments::as_of_or_now(as_of.as_deref())?)
        })
        .await
}

/// The baseline `draft` would get if saved now.
#[tauri::command]
pub async fn goal_baseline(state: State<'_, AppState>, draft: GoalDraft) -> Result<Baseline> {
    state
        .with_workspace(move |ws| goals::baseline(ws, &draft, segments::as_of_or_now(None)?))
        .await
}

/// Sets a goal.
#[tauri::command]
pub async fn goal_add(state: State<'_, AppState>, draft: GoalDraft) -> Result<Goal> {
    state
        .with_workspace(move |ws| goals::add(ws, &draft, segments::as_of_or_now(None)?))
        .await
}

/// Deletes goal `id`.
#[tauri::command]
pub async fn goal_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.with_workspace(move |ws| goals::delete(ws, id)).await
}

/// The segments due for review as of `as_of`, and every segment's state.
#[tauri::command]
pub async fn reviews_due(state: State<'_, AppState>, as_of: Option<String>) -> Result<DueReport> {
    state
        .with_workspace(move |ws| reviews::due(ws, segments::as_of_or_now(as_of.as_deref())?))
        .await
}

/// Records a review of segment `segment_id` now.
#[tauri::command]
pub async fn review_record(
    state: State<'_, AppState>,
    segment_id: i64,
    decision: Decision,
    note: String,
) -> Result<Review> {
    state
        .with_workspace(move |ws| {
            reviews::record(
                ws,
                segment_id,
                decision,
                &note,
                segments::as_of_or_now(None)?,
            )
        })
        .await
}

/// Sets segment `segment_id`'s review cadence in days (`null`: never).
#[tauri::command]
pub async fn review_cadence(
    state: State<'_, AppState>,
    segment_id: i64,
    days: Option<i64>,
) -> Result<()> {
    state
        .with_workspace(move |ws| reviews::set_cadence(ws, segment_id, days))
        .await
}

/// Segment `segment_id`'s reviews, newest first.
#[tauri::command]
pub async fn reviews_list(state: State<'_, AppState>, segment_id: i64) -> Result<Vec<Review>> {
    state
        .with_workspace(move |ws| reviews::list(ws, segment_id))
        .await
}
