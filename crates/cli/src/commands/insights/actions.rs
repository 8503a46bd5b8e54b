//! `insights actions`: which actions predict conversion, ranked by lift,
//! as a table or JSON.

use std::path::Path;

use leadstream_core::insights::actions::actions;
use leadstream_core::text::grouped;

use super::OutcomeArgs;
use crate::commands::{print_run_time, CliResult};

#[derive(clap::Args)]
pub struct ActionsArgs {
    #[command(flatten)]
    pub outcome: OutcomeArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Run N times and print each run's time on stderr (benchmarks).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

pub fn run(db: &Path, args: ActionsArgs, out: &mut impl std::io::Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let period = args.outcome.period()?;
    let outcome = args.outcome.outcome()?;
    let mut report = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        report = Some(actions(&workspace, &outcome, period)?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let report = report.ok_or("no run")?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "All leads: {} of {} converted ({:.1}%)",
        grouped(report.baseline.successes as i128),
        grouped(report.baseline.trials as i128),
        report.baseline.rate * 100.0
    )?;
    writeln!(
        out,
        "{:<30} {:>9} {:>9} {:>7} {:>15} {:>9} {:>7} {:>6}",
        "Did before converting",
        "Leads",
        "Converted",
        "Rate",
        "95% interval",
        "Did not",
        "Rate",
        "Lift"
    )?;
    for action in &report.actions {
        let what = if action.at_least == 1 {
            action.event_type.clone()
        } else {
            format!("{} (≥{}×)", action.event_type, action.at_least)
        };
        let lift = action.lift.map_or("-".to_owned(), |l| format!("{l:.2}"));
        let mark = if action.distinguishable {
            ""
        } else {
            "  not yet distinguishable"
        };
        writeln!(
            out,
            "{:<30} {:>9} {:>9} {:>6.1}% {:>15} {:>9} {:>6.1}% {:>6}{mark}",
            what,
            grouped(action.did.trials as i128),
            grouped(action.did.successes as i128),
            action.did.rate * 100.0,
            format!(
                "{:.1}–{:.1}%",
                action.did.low * 100.0,
                action.did.high * 100.0
            ),
            grouped(action.did_not.trials as i128),
            action.did_not.rate * 100.0,
            lift,
        )?;
    }
    Ok(())
}
