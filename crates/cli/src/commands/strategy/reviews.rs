//! `review due|record`: segment reviews.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum ReviewCommand {}

/// `review ...`.
pub fn run(_db: &Path, command: ReviewCommand, _out: &mut impl Write) -> CliResult {
    match command {}
}
