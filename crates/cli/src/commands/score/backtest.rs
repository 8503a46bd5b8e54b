//! `score backtest --at DATE --window DAYS`: every lead that existed at the
//! date and had not converted, scored with only what was known then, against
//! who converted in the window after it: bands, deciles with lift and
//! cumulative gains, ROC AUC. Several `--model`s print side by side.

use std::io::Write;
use std::path::Path;

use leadstream_core::insights::outcome::Outcome;
use leadstream_core::scoring::{backtest, BacktestRequest};
use leadstream_core::segments::parse_as_of;

use super::explain::date_time;
use super::{for_each_model, models, print_json, print_reports};
use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct BacktestArgs {
    /// The date the leads are scored as of (YYYY-MM-DD or ISO 8601).
    #[arg(long, value_name = "DATE")]
    pub at: String,
    /// The days after it in which a conversion counts (1 to 3,650).
    #[arg(long, value_name = "DAYS")]
    pub window: u32,
    /// A model's id (repeatable, to compare; default: the active model).
    #[arg(long = "model", value_name = "ID")]
    pub models: Vec<i64>,
    /// An event type that counts as a conversion (repeatable; default: purchase).
    #[arg(long = "outcome", value_name = "TYPE")]
    pub outcome: Vec<String>,
    /// Print JSON: one object, or an array with several models.
    #[arg(long)]
    pub json: bool,
    /// Run N times and print each run's time on stderr (benchmarks).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

pub fn run(db: &Path, args: BacktestArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let models = models(&workspace, &args.models)?;
    let request = BacktestRequest {
        at: parse_as_of(args.at.trim())?,
        window_days: args.window,
        outcome: if args.outcome.is_empty() {
            Outcome::default()
        } else {
            Outcome {
                event_types: args.outcome.clone(),
                rules: None,
            }
        },
    };
    let results = for_each_model(&models, args.repeat, |model| {
        backtest(&workspace, &model.definition, &request)
    })?;
    if args.json {
        let values = results
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()?;
        return print_json(out, &models, values);
    }
    writeln!(
        out,
        "Back-test: scored as of {} UTC; converted = {} from then to {} UTC",
        date_time(request.at),
        request.outcome.event_types.join(" or "),
        date_time(request.at + i64::from(request.window_days) * 86_400)
    )?;
    let last = results.first().and_then(|r| r.last_outcome_at);
    let to = request.at + i64::from(request.window_days) * 86_400;
    match last {
        None => writeln!(
            out,
            "Note: no event of type {} in the workspace: nobody can have converted.",
            request.outcome.event_types.join(" or ")
        )?,
        Some(last) if last < to => writeln!(
            out,
            "Note: the last {} event is at {} UTC, before the window ends: later conversions are not in the data yet.",
            request.outcome.event_types.join(" or "),
            date_time(last)
        )?,
        Some(_) => {}
    }
    writeln!(out)?;
    print_reports(out, &models, results.iter().map(|result| &result.report))
}
