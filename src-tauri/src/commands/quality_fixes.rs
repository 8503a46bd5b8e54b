//! Data-quality fix commands for the Fixes tab: a field's suggested
//! normalisation, its preview and apply, the fields with values written
//! several ways, and marking addresses as not sendable. Each apply is one
//! fix in the change history, followed (as an import is) by the rescoring
//! and a segment-history snapshot.

use leadstream_core::quality::fixes::FixOutcome;
use leadstream_core::quality::normalise::unsendable::{self, Unsendable, UnsendablePreview};
use leadstream_core::quality::normalise::{
    self, Normalisation, NormalisationPlan, NormalisationPreview, SpellingField,
};
use leadstream_core::DataChange;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// What could be normalised in `field`.
#[tauri::command]
pub async fn normalise_suggest(
    state: State<'_, AppState>,
    field: String,
) -> Result<NormalisationPlan> {
    state
        .with_workspace(move |ws| normalise::suggest(ws, &field))
        .await
}

/// What the confirmed mappings would change.
#[tauri::command]
pub async fn normalise_preview(
    state: State<'_, AppState>,
    normalisation: Normalisation,
) -> Result<NormalisationPreview> {
    state
        .with_workspace(move |ws| normalise::preview(ws, &normalisation))
        .await
}

/// Applies the confirmed mappings as one fix.
#[tauri::command]
pub async fn normalise_apply(
    state: State<'_, AppState>,
    normalisation: Normalisation,
) -> Result<FixOutcome> {
    state
        .with_workspace(move |ws| {
            let outcome = normalise::apply(ws, &normalisation)?;
            ws.after_data_change(DataChange::Import);
            Ok(outcome)
        })
        .await
}

/// The text fields with values written several ways.
#[tauri::command]
pub async fn spelling_fields(state: State<'_, AppState>) -> Result<Vec<SpellingField>> {
    state
        .with_workspace(|ws| normalise::spelling_fields(ws))
        .await
}

/// What marking addresses as not sendable would do.
#[tauri::command]
pub async fn unsendable_preview(
    state: State<'_, AppState>,
    what: Unsendable,
) -> Result<UnsendablePreview> {
    state
        .with_workspace(move |ws| unsendable::preview_unsendable(ws, &what))
        .await
}

/// Marks the addresses as not sendable, as one fix.
#[tauri::command]
pub async fn unsendable_apply(state: State<'_, AppState>, what: Unsendable) -> Result<FixOutcome> {
    state
        .with_workspace(move |ws| {
            let outcome = unsendable::mark_unsendable(ws, &what)?;
            ws.after_data_change(DataChange::Import);
            Ok(outcome)
        })
        .await
}
