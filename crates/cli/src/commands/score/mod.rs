//! `leadstream score …`: scoring models (`model`), why a lead has its score
//! (`explain`), and proving a model: back-tests on history (`backtest`),
//! evaluation against an outcome field (`evaluate`) and suggested points
//! (`suggest`); storing every lead's scores in its score fields (`run`).
//! One module per command; this one dispatches and holds what
//! they share: which models to use and how to print several side by side.

use std::path::Path;

use clap::Subcommand;
use leadstream_core::scoring::{self, ScoringModel};
use leadstream_core::Workspace;

use super::CliResult;

pub mod backtest;
pub mod evaluate;
pub mod explain;
pub mod model;
pub mod report;
pub mod run;
pub mod suggest;

#[derive(Subcommand)]
pub enum ScoreCommand {
    /// Scoring models: list, show, save, activate, delete.
    Model {
        #[command(subcommand)]
        command: model::ModelCommand,
    },
    /// Why a lead has its score: every rule's points and the events behind them.
    Explain(explain::ExplainArgs),
    /// Score every lead as of a past date and see who converted after it.
    Backtest(backtest::BacktestArgs),
    /// Score every lead against an outcome field (data without history).
    Evaluate(evaluate::EvaluateArgs),
    /// Suggested points for behaviours and fit values, from their lift.
    Suggest(suggest::SuggestArgs),
    /// Score every lead with the active model and store the scores (the
    /// fields score_fit, score_engagement, score_total, score_grade and
    /// score_band); with no active model, clear them.
    Run(run::RunArgs),
}

/// `score model|explain|backtest|evaluate|suggest|run`.
pub fn run(db: &Path, command: ScoreCommand, out: &mut impl std::io::Write) -> CliResult {
    match command {
        ScoreCommand::Model { command } => model::run(db, command, out),
        ScoreCommand::Explain(args) => explain::run(db, args, out),
        ScoreCommand::Backtest(args) => backtest::run(db, args, out),
        ScoreCommand::Evaluate(args) => evaluate::run(db, args, out),
        ScoreCommand::Suggest(args) => suggest::run(db, args, out),
        ScoreCommand::Run(args) => run::run(db, &args, out),
    }
}

/// The models `ids` names, or the active one when there are none.
pub fn models(workspace: &Workspace, ids: &[i64]) -> CliResult<Vec<ScoringModel>> {
    if ids.is_empty() {
        let active = scoring::active_model(workspace)?.ok_or(
            "no scoring model is active: list the models with `leadstream score model list`, then `leadstream score model activate ID` (or pass --model ID)",
        )?;
        return Ok(vec![active]);
    }
    Ok(ids
        .iter()
        .map(|&id| scoring::get_model(workspace, id))
        .collect::<leadstream_core::Result<_>>()?)
}

/// Prints `results` as JSON, each object with its model's `model_id` and
/// `model_name` added: one object for one model, an array for several.
pub fn print_json(
    out: &mut impl std::io::Write,
    models: &[ScoringModel],
    results: Vec<serde_json::Value>,
) -> CliResult {
    let mut rows = Vec::new();
    for (model, mut value) in models.iter().zip(results) {
        if let Some(object) = value.as_object_mut() {
            object.insert("model_id".into(), model.id.into());
            object.insert("model_name".into(), model.name.clone().into());
        }
        rows.push(value);
    }
    let text = match rows.as_slice() {
        [one] => serde_json::to_string_pretty(one)?,
        _ => serde_json::to_string_pretty(&rows)?,
    };
    writeln!(out, "{text}")?;
    Ok(())
}

/// Prints blocks of lines side by side, each padded to its widest line.
pub fn print_side_by_side(out: &mut impl std::io::Write, blocks: &[Vec<String>]) -> CliResult {
    let widths: Vec<usize> = blocks
        .iter()
        .map(|lines| lines.iter().map(|l| l.chars().count()).max().unwrap_or(0))
        .collect();
    let height = blocks.iter().map(Vec::len).max().unwrap_or(0);
    for line in 0..height {
        let mut text = String::new();
        for (block, width) in blocks.iter().zip(&widths) {
            let cell = block.get(line).map_or("", String::as_str);
            if !text.is_empty() {
                text.push_str("   │ ");
            }
            text.push_str(cell);
            text.push_str(&" ".repeat(width - cell.chars().count()));
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

/// Runs `report` for each model, `repeat` times each (the last answer kept;
/// with `repeat` > 1 each run's time goes to stderr, for benchmarks).
pub fn for_each_model<T>(
    models: &[ScoringModel],
    repeat: u32,
    mut report: impl FnMut(&ScoringModel) -> leadstream_core::Result<T>,
) -> CliResult<Vec<T>> {
    let mut results = Vec::with_capacity(models.len());
    for model in models {
        let mut result = None;
        for run in 1..=repeat.max(1) {
            let started = std::time::Instant::now();
            result = Some(report(model)?);
            if repeat > 1 {
                super::print_run_time(run, started, 1);
            }
        }
        results.push(result.ok_or("no run")?);
    }
    Ok(results)
}

/// Prints each model's report (bands, deciles, AUC) side by side, one
/// column per model.
pub fn print_reports<'a>(
    out: &mut impl std::io::Write,
    models: &[ScoringModel],
    reports: impl Iterator<Item = &'a leadstream_core::scoring::ModelReport>,
) -> CliResult {
    let blocks: Vec<Vec<String>> = models
        .iter()
        .zip(reports)
        .map(|(model, result)| {
            report::lines(&format!("Model {} “{}”", model.id, model.name), result)
        })
        .collect();
    print_side_by_side(out, &blocks)
}
