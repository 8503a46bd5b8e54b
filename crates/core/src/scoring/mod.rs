//! Lead scoring: models of fit and engagement rules ([`model`]), the
//! scores, grades and bands they give every lead as of a date, and why
//! ([`engine`]); how well they predict conversion on the workspace's own
//! history ([`backtest`]); stored models, one active. Reads take `&Workspace`, writes
//! `&mut Workspace`; rules are the segment rule format, evaluated on the
//! segment index.

pub mod backtest;
pub mod engine;
pub mod evaluate;
pub mod model;
pub mod preview;
pub mod run;
pub mod suggest;

pub use backtest::{backtest, Backtest, BacktestRequest, ModelReport};
pub use engine::{explain, score_all, EventPoints, LeadScore, RulePoints, ScoreExplanation};
pub use evaluate::{evaluate, field_outcome, is_held_out, EvaluateRequest, Evaluation};
pub use model::{Band, Decay, ModelDefinition, ScoreKind, ScoreRule, ScoringModel};
pub use preview::{band_changes, BandChanges, BandCount, BandMove};
pub use run::{
    as_of_or_today, as_of_today, last_run, refresh_due, refresh_if_stale, rescore_after_change,
    run, BandLeads, RunSummary, SCORE_FIELDS,
};
pub use suggest::{suggest, SuggestOutcome, Suggestion, Suggestions};

use crate::store::tables::scoring::{self as stored, ModelRow};
use crate::{Error, Result, Workspace};

fn model_of(row: ModelRow) -> Result<ScoringModel> {
    let definition: ModelDefinition = serde_json::from_str(&row.definition).map_err(|e| {
        Error::InvalidArgument(format!(
            "scoring model {} (“{}”) is stored in a form this version cannot read: {e}",
            row.id, row.name
        ))
    })?;
    Ok(ScoringModel {
        id: row.id,
        name: row.name,
        is_active: row.is_active,
        definition,
    })
}

/// Every stored model, the active one first.
pub fn list_models(workspace: &Workspace) -> Result<Vec<ScoringModel>> {
    stored::list(workspace)?.into_iter().map(model_of).collect()
}

/// Model `id`.
pub fn get_model(workspace: &Workspace, id: i64) -> Result<ScoringModel> {
    let row = stored::get(workspace, id)?.ok_or_else(|| Error::NotFound {
        what: "scoring model",
        key: id.to_string(),
    })?;
    model_of(row)
}

/// The active model, if one is.
pub fn active_model(workspace: &Workspace) -> Result<Option<ScoringModel>> {
    stored::active(workspace)?.map(model_of).transpose()
}

/// The longest a model's name may be.
const MAX_MODEL_NAME: usize = 120;

/// Saves a model (new when `id` is `None`) after checking its name and
/// compiling every rule against the workspace; returns it as stored.
pub fn save_model(
    workspace: &mut Workspace,
    id: Option<i64>,
    name: &str,
    definition: &ModelDefinition,
) -> Result<ScoringModel> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_MODEL_NAME {
        return Err(Error::InvalidArgument(format!(
            "give the scoring model a name of 1 to {MAX_MODEL_NAME} characters"
        )));
    }
    engine::CompiledModel::compile(workspace, definition)?;
    let json = serde_json::to_string(definition)
        .map_err(|e| Error::InvalidArgument(format!("the model cannot be written: {e}")))?;
    let id = stored::save(workspace, id, name, &json)?;
    let model = get_model(workspace, id)?;
    if model.is_active {
        run(workspace, as_of_today())?;
    }
    Ok(model)
}

/// Makes model `id` the active one and stores its scores as of today
/// ([`as_of_today`]).
pub fn activate_model(workspace: &mut Workspace, id: i64) -> Result<ScoringModel> {
    activate_model_as_of(workspace, id, as_of_today())
}

/// Makes model `id` the active one and stores its scores as of `as_of`
/// (the demo scores as of its own "today").
pub fn activate_model_as_of(
    workspace: &mut Workspace,
    id: i64,
    as_of: i64,
) -> Result<ScoringModel> {
    stored::activate(workspace, id)?;
    run(workspace, as_of)?;
    get_model(workspace, id)
}

/// Deletes model `id` (the active one's scores are cleared).
pub fn delete_model(workspace: &mut Workspace, id: i64) -> Result<()> {
    let was_active = get_model(workspace, id).is_ok_and(|m| m.is_active);
    if stored::delete(workspace, id)? {
        if was_active {
            run(workspace, as_of_today())?;
        }
        Ok(())
    } else {
        Err(Error::NotFound {
            what: "scoring model",
            key: id.to_string(),
        })
    }
}

/// Model `id`, or the active one when `id` is `None` (an error says so
/// when no model is active).
pub fn model_or_active(workspace: &Workspace, id: Option<i64>) -> Result<ScoringModel> {
    match id {
        Some(id) => get_model(workspace, id),
        None => active_model(workspace)?.ok_or_else(|| {
            Error::InvalidArgument(
                "no scoring model is active: activate one in Scoring, or name a model".into(),
            )
        }),
    }
}

#[cfg(test)]
mod properties;
