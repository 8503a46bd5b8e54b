//! `insights discover`: segments proposed from the data, the leaves of a
//! shallow decision tree that convert clearly better than all leads, with
//! their rule groups and numbers.

use std::io::Write;
use std::path::Path;

use leadstream_core::insights::discover::{self, DiscoverOptions};

use super::OutcomeArgs;
use crate::commands::{print_run_time, CliResult};

#[derive(clap::Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub outcome: OutcomeArgs,
    /// How many splits deep the tree grows (1 to 4).
    #[arg(long, default_value_t = 3)]
    pub depth: u32,
    /// The smallest group, in leads (default: 1% of the leads, at least 50).
    #[arg(long, value_name = "LEADS")]
    pub min_size: Option<u64>,
    /// Run this many times and print each run's time to stderr (the first
    /// loads the index): for benchmarks.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Print JSON: the baseline and each proposal with its rule group.
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, args: DiscoverArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let options = DiscoverOptions {
        max_depth: args.depth,
        min_leaf: args.min_size,
    };
    let (outcome, period) = (args.outcome.outcome()?, args.outcome.period()?);
    let mut found = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        found = Some(discover::discover(&workspace, &outcome, period, options)?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let Some(found) = found else {
        return Ok(());
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        return Ok(());
    }
    let percent = |p: f64| format!("{:.1}%", p * 100.0);
    writeln!(
        out,
        "Baseline: {} ({} of {} leads converted)",
        percent(found.baseline.rate),
        found.baseline.successes,
        found.baseline.trials
    )?;
    writeln!(
        out,
        "Tree: depth {}, groups of at least {} leads, {} candidate splits, {} leaves",
        found.max_depth, found.min_leaf, found.candidates, found.leaves
    )?;
    if found.proposals.is_empty() {
        writeln!(
            out,
            "No group converts clearly better than all leads (no leaf's 95% interval is above the baseline)."
        )?;
        return Ok(());
    }
    for (i, proposal) in found.proposals.iter().enumerate() {
        let rate = &proposal.conversion;
        writeln!(out)?;
        writeln!(out, "{}. {}", i + 1, proposal.name)?;
        for condition in &proposal.conditions {
            writeln!(out, "   - {condition}")?;
        }
        writeln!(
            out,
            "   {} leads, {} converted ({} to {}, 95%), lift {}",
            rate.trials,
            percent(rate.rate),
            percent(rate.low),
            percent(rate.high),
            proposal
                .lift
                .map_or_else(|| "n/a".to_owned(), |lift| format!("{lift:.2}×"))
        )?;
        writeln!(out, "   rules: {}", proposal.rules.to_json())?;
    }
    Ok(())
}
