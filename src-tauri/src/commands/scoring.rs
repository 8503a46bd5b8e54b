//! Scoring commands: the stored models (list, save, activate, delete), the
//! editor's live band preview, a lead's score explanation, back-tests,
//! evaluation against an outcome field and suggested points.

use leadstream_core::insights::outcome::Outcome;
use leadstream_core::scoring::{
    self, Backtest, BacktestRequest, BandChanges, EvaluateRequest, Evaluation, ModelDefinition,
    ScoreExplanation, ScoringModel, SuggestOutcome, Suggestions,
};
use leadstream_core::segments;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Every stored model, the active one first.
#[tauri::command]
pub async fn scoring_models(state: State<'_, AppState>) -> Result<Vec<ScoringModel>> {
    state.with_workspace(|ws| scoring::list_models(ws)).await
}

/// Saves a model (new when `id` is null) after compiling every rule.
#[tauri::command]
pub async fn scoring_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    name: String,
    definition: ModelDefinition,
) -> Result<ScoringModel> {
    state
        .with_workspace(move |ws| scoring::save_model(ws, id, &name, &definition))
        .await
}

/// Makes model `id` the active one.
#[tauri::command]
pub async fn scoring_activate(state: State<'_, AppState>, id: i64) -> Result<ScoringModel> {
    state
        .with_workspace(move |ws| scoring::activate_model(ws, id))
        .await
}

#[tauri::command]
pub async fn scoring_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| scoring::delete_model(ws, id))
        .await
}

/// The leads per band under saved model `saved_id` (none for a new model)
/// and under `definition` as edited, as of today (as the stored scores).
#[tauri::command]
pub async fn scoring_preview(
    state: State<'_, AppState>,
    saved_id: Option<i64>,
    definition: ModelDefinition,
) -> Result<BandChanges> {
    state
        .with_workspace(move |ws| {
            let saved = saved_id.map(|id| scoring::get_model(ws, id)).transpose()?;
            let today = scoring::as_of_today();
            scoring::band_changes(
                ws,
                saved.as_ref().map(|m| &m.definition),
                &definition,
                today,
            )
        })
        .await
}

/// Why lead `lead_id` has its score under model `model_id` (the active
/// model when null), as of today, the instant the stored scores are as of.
#[tauri::command]
pub async fn scoring_explain(
    state: State<'_, AppState>,
    lead_id: i64,
    model_id: Option<i64>,
) -> Result<ScoreExplanation> {
    state
        .with_workspace(move |ws| {
            let model = scoring::model_or_active(ws, model_id)?;
            scoring::explain(ws, &model.definition, lead_id, scoring::as_of_today())
        })
        .await
}

/// Back-tests model `model_id` (or `definition`, as edited) as of `at` (a
/// date) over `window_days`, with these outcome event types.
#[tauri::command]
pub async fn scoring_backtest(
    state: State<'_, AppState>,
    model_id: Option<i64>,
    definition: Option<ModelDefinition>,
    at: String,
    window_days: u32,
    outcome_types: Vec<String>,
) -> Result<Backtest> {
    state
        .with_workspace(move |ws| {
            let definition = match definition {
                Some(definition) => definition,
                None => scoring::model_or_active(ws, model_id)?.definition,
            };
            let request = BacktestRequest {
                at: segments::parse_as_of(&at)?,
                window_days,
                outcome: Outcome {
                    event_types: outcome_types,
                    rules: None,
                },
            };
            scoring::backtest(ws, &definition, &request)
        })
        .await
}

/// Evaluates model `model_id` (the active one when null) now against the
/// outcome field `outcome_field` (`FIELD[=VALUE]`, as `score evaluate
/// --outcome-field` takes it), on the held-out half only when `holdout`.
#[tauri::command]
pub async fn scoring_evaluate(
    state: State<'_, AppState>,
    model_id: Option<i64>,
    outcome_field: String,
    holdout: bool,
) -> Result<Evaluation> {
    state
        .with_workspace(move |ws| {
            let model = scoring::model_or_active(ws, model_id)?;
            let request = EvaluateRequest {
                outcome_rules: scoring::field_outcome(ws, &outcome_field)?,
                as_of: None,
                holdout,
            };
            scoring::evaluate(ws, &model.definition, &request)
        })
        .await
}

/// Suggested points: against the outcome field `outcome_field`
/// (`FIELD[=VALUE]`) when given, else against `outcome_types` events in the
/// `window_days` after `at` (a date).
#[tauri::command]
pub async fn scoring_suggest(
    state: State<'_, AppState>,
    outcome_field: Option<String>,
    at: String,
    window_days: u32,
    outcome_types: Vec<String>,
) -> Result<Suggestions> {
    state
        .with_workspace(move |ws| {
            let outcome = match outcome_field {
                Some(spec) => SuggestOutcome::Field {
                    rules: scoring::field_outcome(ws, &spec)?,
                    as_of: None,
                },
                None => SuggestOutcome::History {
                    at: segments::parse_as_of(&at)?,
                    window_days,
                    event_types: outcome_types,
                },
            };
            scoring::suggest(ws, &outcome)
        })
        .await
}
