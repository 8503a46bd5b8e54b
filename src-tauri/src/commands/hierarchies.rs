//! Hierarchy commands: the saved hierarchies, saving and deleting one, the
//! live primary/secondary counts of an order, and a lead's place in each.

use leadstream_core::segments;
use leadstream_core::segments::hierarchies::{
    self, Assignment, Hierarchy, HierarchyDraft, Placement,
};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Every saved hierarchy with its segments in order.
#[tauri::command]
pub async fn hierarchies_list(state: State<'_, AppState>) -> Result<Vec<Hierarchy>> {
    state.with_workspace(|ws| hierarchies::list(ws)).await
}

/// Creates (no `id` in the draft) or replaces a hierarchy.
#[tauri::command]
pub async fn hierarchy_save(
    state: State<'_, AppState>,
    draft: HierarchyDraft,
) -> Result<Hierarchy> {
    state
        .with_workspace(move |ws| hierarchies::save(ws, &draft))
        .await
}

/// Deletes a hierarchy no segment or stream tests.
#[tauri::command]
pub async fn hierarchy_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| hierarchies::delete(ws, id))
        .await
}

/// The primary, secondary and none counts of segments in this order.
#[tauri::command]
pub async fn hierarchy_assign(
    state: State<'_, AppState>,
    segment_ids: Vec<i64>,
    as_of_text: Option<String>,
) -> Result<Assignment> {
    state
        .with_workspace(move |ws| {
            let at = segments::as_of_or_now(as_of_text.as_deref())?;
            hierarchies::assign_order(ws, &segment_ids, at)
        })
        .await
}

/// Where a lead sits in every hierarchy, and why.
#[tauri::command]
pub async fn lead_hierarchies(
    state: State<'_, AppState>,
    lead_id: i64,
    as_of_text: Option<String>,
) -> Result<Vec<Placement>> {
    state
        .with_workspace(move |ws| {
            hierarchies::placements(ws, lead_id, segments::as_of_or_now(as_of_text.as_deref())?)
        })
        .await
}
