//! `retention run --inactive-months N [--mode delete|anonymise] [--dry-run]`:
//! deleting or anonymising leads without activity (last event, last update,
//! creation) for N months; the dry run previews how many and who.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;
use leadstream_core::privacy::retention::{self, RetentionMode};

use crate::commands::CliResult;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    Delete,
    Anonymise,
}

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Delete (or anonymise) the leads without activity for N months.
    Run {
        /// Months without an event, an update or creation.
        #[arg(long)]
        inactive_months: u32,
        /// delete: the leads and everything hanging off them; anonymise:
        /// clear who they are, keep country, industry, lifecycle and events.
        #[arg(long, value_enum, default_value = "delete")]
        mode: ModeArg,
        /// Show how many and who (the first 50), and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(db: &Path, command: RetentionCommand, out: &mut impl Write) -> CliResult {
    let RetentionCommand::Run {
        inactive_months,
        mode,
        dry_run,
        json,
    } = command;
    let mut workspace = crate::commands::open_workspace(db)?;
    if dry_run {
        let preview = retention::preview(&workspace, inactive_months)?;
        if json {
            writeln!(out, "{}", serde_json::to_string(&preview)?)?;
            return Ok(());
        }
        writeln!(
            out,
            "{} leads without activity since {} ({} months); oldest activity {}",
            preview.count,
            preview.cutoff,
            preview.months,
            preview.oldest_activity.as_deref().unwrap_or("-")
        )?;
        for lead in &preview.sample {
            writeln!(
                out,
                "  #{:<8} {}  last activity {}",
                lead.id, lead.title, lead.last_activity
            )?;
        }
        return Ok(());
    }
    let mode = match mode {
        ModeArg::Delete => RetentionMode::Delete,
        ModeArg::Anonymise => RetentionMode::Anonymise,
    };
    let report = retention::run(&mut workspace, inactive_months, mode)?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
        return Ok(());
    }
    let verb = match report.mode {
        RetentionMode::Delete => "deleted",
        RetentionMode::Anonymise => "anonymised",
    };
    writeln!(
        out,
        "{verb} {} leads without activity since {} ({} events deleted)",
        report.leads, report.cutoff, report.events_deleted
    )?;
    if let Some(backup) = &report.backup {
        writeln!(out, "backup taken first: {backup}")?;
    }
    for problem in &report.problems {
        writeln!(out, "warning: {problem}")?;
    }
    Ok(())
}
