//! `score run [--as-of ISO8601] [--json]`: stores every lead's scores under
//! the active model and prints how many leads each band holds.

use std::io::Write;
use std::path::Path;

use clap::Args;
use leadstream_core::scoring;

use crate::commands::{print_run_time, CliResult};

#[derive(Args)]
pub struct RunArgs {
    /// Score as of this instant (YYYY-MM-DD or ISO 8601; default: the end of
    /// today, UTC, as every re-run of the stored scores).
    #[arg(long, value_name = "ISO8601")]
    pub as_of: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Run this many times and print each run's time to stderr (warm figures).
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
}

pub fn run(db: &Path, args: &RunArgs, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    let as_of = scoring::as_of_or_today(args.as_of.as_deref())?;
    let mut summary = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        summary = Some(scoring::run(workspace, as_of)?);
        if args.repeat > 1 {
            print_run_time(run, started, 0);
        }
    }
    let Some(summary) = summary else {
        return Ok(());
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
        return Ok(());
    }
    let when = chrono::DateTime::from_timestamp(summary.as_of, 0)
        .map_or_else(|| summary.as_of.to_string(), |t| t.to_rfc3339());
    match &summary.model_name {
        None => writeln!(
            out,
            "no active scoring model: scores cleared (as of {when})"
        )?,
        Some(name) => {
            writeln!(
                out,
                "scored {} leads with “{name}” as of {when}",
                summary.leads
            )?;
            for band in &summary.bands {
                writeln!(out, "{:>10}  {}", band.leads, band.name)?;
            }
        }
    }
    Ok(())
}
