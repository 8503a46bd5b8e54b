//! `score evaluate --outcome-field FIELD[=VALUE] | --outcome-rules FILE`:
//! every lead scored as of a date against an outcome field (data without
//! history), optionally on the held-out half only; several `--model`s print
//! side by side.

use std::io::Write;
use std::path::Path;

use leadstream_core::scoring::{evaluate, field_outcome, EvaluateRequest};
use leadstream_core::segments::{parse_as_of, RuleGroup};
use leadstream_core::Workspace;

use super::explain::date_time;
use super::{for_each_model, models, print_json, print_reports};
use crate::commands::CliResult;

/// Where the outcome comes from: a field (and value) or a rule file.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct FieldOutcomeArgs {
    /// The outcome field: `FIELD=VALUE`, or a bare yes/no field (is yes) or
    /// number field (equals 1), by key or label.
    #[arg(long, value_name = "FIELD[=VALUE]")]
    pub outcome_field: Option<String>,
    /// A rule JSON file: leads matching it count as converted.
    #[arg(long, value_name = "FILE")]
    pub outcome_rules: Option<String>,
}

impl FieldOutcomeArgs {
    pub fn rules(&self, workspace: &Workspace) -> CliResult<RuleGroup> {
        match (&self.outcome_field, &self.outcome_rules) {
            (Some(field), _) => Ok(field_outcome(workspace, field)?),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                Ok(RuleGroup::from_json(&text).map_err(|e| format!("{path}: {e}"))?)
            }
            (None, None) => {
                Err("give --outcome-field FIELD[=VALUE] or --outcome-rules FILE".into())
            }
        }
    }
}

#[derive(clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub outcome: FieldOutcomeArgs,
    /// A model's id (repeatable, to compare; default: the active model).
    #[arg(long = "model", value_name = "ID")]
    pub models: Vec<i64>,
    /// Score and read the outcome as of this instant (default: now).
    #[arg(long, value_name = "ISO8601")]
    pub as_of: Option<String>,
    /// Report on the held-out half of the leads only (the half that
    /// `score suggest` does not fit on).
    #[arg(long)]
    pub holdout: bool,
    /// Print JSON: one object, or an array with several models.
    #[arg(long)]
    pub json: bool,
    /// Run N times and print each run's time on stderr (benchmarks).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

pub fn run(db: &Path, args: EvaluateArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let models = models(&workspace, &args.models)?;
    let request = EvaluateRequest {
        outcome_rules: args.outcome.rules(&workspace)?,
        as_of: Some(match &args.as_of {
            Some(text) => parse_as_of(text.trim())?,
            None => leadstream_core::time::now(),
        }),
        holdout: args.holdout,
    };
    let results = for_each_model(&models, args.repeat, |model| {
        evaluate(&workspace, &model.definition, &request)
    })?;
    if args.json {
        let values = results
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()?;
        return print_json(out, &models, values);
    }
    let Some(first) = results.first() else {
        return Ok(());
    };
    writeln!(
        out,
        "Evaluation: scored as of {} UTC; converted = {}",
        date_time(first.as_of),
        request.outcome_rules.to_json()
    )?;
    if first.held_out {
        writeln!(
            out,
            "Held-out half only: {} of {} leads (docs/scoring.md, “The holdout split”)",
            first.report.population.trials, first.leads
        )?;
    }
    for (model, result) in models.iter().zip(&results) {
        if !result.shared_fields.is_empty() {
            writeln!(
                out,
                "Warning: model {} reads {} which the outcome reads too: it scores the outcome itself.",
                model.id,
                result.shared_fields.join(", ")
            )?;
        }
    }
    writeln!(out)?;
    print_reports(out, &models, results.iter().map(|result| &result.report))
}
