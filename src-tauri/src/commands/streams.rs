//! Stream commands: saving, deleting and checking streams, the templates,
//! and a stream's portable JSON file.

use std::path::Path;

use leadstream_core::export::{record_export, write_file_atomically};
use leadstream_core::streams::model::{
    self as streams, SavedStream, Stream, StreamDraft, StreamProblem,
};
use leadstream_core::streams::templates::{
    stream_templates as stream_templates_of, StreamTemplate,
};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

#[tauri::command]
pub async fn streams_list(state: State<'_, AppState>) -> Result<Vec<Stream>> {
    state.with_workspace(|ws| streams::list(ws)).await
}

/// Saves the stream as drawn; one asked to be active that has problems is
/// saved inactive, and the answer says what keeps it so.
#[tauri::command]
pub async fn stream_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: StreamDraft,
) -> Result<SavedStream> {
    state
        .with_workspace(move |ws| streams::save_or_keep_inactive(ws, id, &draft))
        .await
}

#[tauri::command]
pub async fn stream_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| streams::delete(ws, id))
        .await
}

/// The problems the designer marks, for a stream as drawn (saved or not).
#[tauri::command]
pub async fn stream_problems(
    state: State<'_, AppState>,
    stream: Stream,
) -> Result<Vec<StreamProblem>> {
    state
        .with_workspace(move |ws| streams::problems(ws, &stream))
        .await
}

#[tauri::command]
pub async fn stream_templates(state: State<'_, AppState>) -> Result<Vec<StreamTemplate>> {
    state.with_workspace(|ws| stream_templates_of(ws)).await
}

/// Writes a stream's portable JSON to `path` (replaced only on success).
#[tauri::command]
pub async fn stream_export(state: State<'_, AppState>, id: i64, path: String) -> Result<()> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let json = serde_json::to_string_pretty(&streams::export(ws, id)?)?;
            write_file_atomically(Path::new(&path), |out| {
                out.write_all(json.as_bytes())
                    .map_err(|e| leadstream_core::Error::Io {
                        path: path.clone(),
                        source: e,
                    })
            })?;
            record_export(ws, "stream definition", 1, Path::new(&path))
        })
        .await
}

/// Adds a stream from a JSON file (inactive).
#[tauri::command]
pub async fn stream_import(state: State<'_, AppState>, path: String) -> Result<Stream> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    state
        .with_workspace(move |ws| {
            let json = std::fs::read_to_string(&path).map_err(|e| leadstream_core::Error::Io {
                path: path.clone(),
                source: e,
            })?;
            streams::import(ws, &json)
        })
        .await
}
