//! Field catalogue commands: listing and deleting fields, and the values and
//! event types the segment builder offers.

use leadstream_core::fields::{self, Field, FieldDeletion};
use leadstream_core::segments::{self, EventTypeSummary, ValueCount};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// How many distinct values the builder's multi-select offers.
const FIELD_VALUES_SHOWN: usize = 200;

#[tauri::command]
pub async fn fields_list(state: State<'_, AppState>) -> Result<Vec<Field>> {
    state.with_workspace(|ws| fields::list(ws.conn())).await
}

/// Deletes a custom field and its values; refused for standard fields and
/// for fields that saved segments or streams use.
#[tauri::command]
pub async fn field_delete(state: State<'_, AppState>, key: String) -> Result<FieldDeletion> {
    state
        .with_workspace(move |ws| leadstream_core::field_usage::delete_custom(ws, &key))
        .await
}

/// Values seen in a text or list field, for the builder's multi-select.
#[tauri::command]
pub async fn field_values(state: State<'_, AppState>, key: String) -> Result<Vec<ValueCount>> {
    state
        .with_workspace(move |ws| segments::field_values(ws, &key, FIELD_VALUES_SHOWN))
        .await
}

/// Event types with counts and property names, for the behaviour editor.
#[tauri::command]
pub async fn event_types(state: State<'_, AppState>) -> Result<Vec<EventTypeSummary>> {
    state.with_workspace(|ws| segments::event_types(ws)).await
}
