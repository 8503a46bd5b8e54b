//! Content library commands: the items, the persona × stage coverage matrix
//! and the suggestions for a stream's audience.

use leadstream_core::streams::content::{
    self, ContentDraft, ContentItem, ContentSuggestion, MatrixCell,
};
use leadstream_core::streams::model::{self as streams, StreamDefinition};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn content_list(state: State<'_, AppState>) -> Result<Vec<ContentItem>> {
    state.with_workspace(|ws| content::list(ws)).await
}

#[tauri::command]
pub async fn content_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: ContentDraft,
) -> Result<ContentItem> {
    state
        .with_workspace(move |ws| content::save(ws, id, &draft))
        .await
}

#[tauri::command]
pub async fn content_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| content::delete(ws, id))
        .await
}

/// How many items cover each persona × buying stage cell.
#[tauri::command]
pub async fn content_matrix(state: State<'_, AppState>) -> Result<Vec<MatrixCell>> {
    state.with_workspace(|ws| content::matrix(ws)).await
}

/// The library ordered for a stream: items suiting its audience first.
#[tauri::command]
pub async fn content_suggestions(
    state: State<'_, AppState>,
    definition: StreamDefinition,
) -> Result<Vec<ContentSuggestion>> {
    state
        .with_workspace(move |ws| {
            let audience = streams::audience(ws, &definition)?;
            content::suggestions(ws, &audience)
        })
        .await
}
