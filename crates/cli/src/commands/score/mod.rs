//! `score …`: lead scoring (`score run` stores every lead's scores).

pub mod run;

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use super::CliResult;

#[derive(Subcommand)]
pub enum ScoreCommand {
    /// Score every lead with the active model and store the scores (the
    /// fields score_fit, score_engagement, score_total, score_grade and
    /// score_band); with no active model, clear them.
    Run(run::RunArgs),
}

pub fn run(db: &Path, command: ScoreCommand, out: &mut impl Write) -> CliResult {
    match command {
        ScoreCommand::Run(args) => run::run(db, &args, out),
    }
}
