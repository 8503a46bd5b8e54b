//! `insights crosstab --rows DIM --columns DIM`: two dimensions (a field's
//! values or a set of saved segments) against each other, with each cell's
//! leads and conversion rate over a period.

use std::io::Write;
use std::path::Path;

use leadstream_core::insights::crosstab::{self, Dimension};
use leadstream_core::insights::outcome::Rate;

use super::OutcomeArgs;
use crate::commands::{print_run_time, CliResult};

#[derive(clap::Args)]
pub struct CrosstabArgs {
    /// The rows: `field:KEY` (a field from `leadstream fields`) or
    /// `segments:ID,ID,...` (saved segments, one row each).
    #[arg(long, value_name = "DIM")]
    pub rows: String,
    /// The columns, in the same form as --rows.
    #[arg(long, value_name = "DIM")]
    pub columns: String,
    #[command(flatten)]
    pub outcome: OutcomeArgs,
    /// Run this many times and print each run's time to stderr (the first
    /// loads the index): for benchmarks.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Print JSON: the buckets with their rules, the cells, the totals.
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, args: CrosstabArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let rows = Dimension::parse(&args.rows)?;
    let columns = Dimension::parse(&args.columns)?;
    let (outcome, period) = (args.outcome.outcome()?, args.outcome.period()?);
    let mut table = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        table = Some(crosstab::crosstab(
            &workspace, &rows, &columns, &outcome, period,
        )?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let Some(table) = table else {
        return Ok(());
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&table)?)?;
        return Ok(());
    }
    let cell = |rate: &Rate| format!("{} · {:.1}%", rate.trials, rate.rate * 100.0);
    let mut header = vec![String::new()];
    header.extend(table.columns.iter().map(|c| c.label.clone()));
    header.push("Total".to_owned());
    let mut lines = vec![header];
    for (r, row) in table.rows.iter().enumerate() {
        let mut line = vec![row.label.clone()];
        line.extend(table.cells[r].iter().map(cell));
        line.push(cell(&table.row_totals[r]));
        lines.push(line);
    }
    let mut totals = vec!["Total".to_owned()];
    totals.extend(table.column_totals.iter().map(cell));
    totals.push(cell(&table.total));
    lines.push(totals);
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    writeln!(
        out,
        "Leads · conversion rate in the period ({} of {} leads converted overall)",
        table.total.successes, table.total.trials
    )?;
    for line in &lines {
        let padded: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (text, &width))| {
                let pad = width - text.chars().count();
                if i == 0 {
                    format!("{text}{}", " ".repeat(pad))
                } else {
                    format!("{}{text}", " ".repeat(pad))
                }
            })
            .collect();
        writeln!(out, "{}", padded.join("  ").trim_end())?;
    }
    Ok(())
}
