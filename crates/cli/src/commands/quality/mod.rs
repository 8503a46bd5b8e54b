//! `quality report|duplicates`, `leads merge` and `fix normalise`: the
//! data-quality report, likely duplicates, and the fixes (each recorded in
//! the change history: `imports list` lists it, `imports undo ID` undoes it).

pub mod duplicates;
pub mod fix;
pub mod merge;
pub mod report;

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum QualityCommand {
    /// What is wrong with the leads: completeness by segmentation type,
    /// e-mails, phones, countries, spellings and stale leads.
    Report(report::ReportArgs),
    /// Likely duplicates beyond the exact e-mail, with evidence and confidence.
    Duplicates(duplicates::DuplicatesArgs),
}

pub fn run(db: &Path, command: QualityCommand, out: &mut impl Write) -> CliResult {
    match command {
        QualityCommand::Report(args) => report::run(db, &args, out),
        QualityCommand::Duplicates(args) => duplicates::run(db, &args, out),
    }
}
