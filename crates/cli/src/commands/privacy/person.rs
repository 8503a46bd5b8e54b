//! `person`: (issue 15; being built).

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum PersonCommand {}

pub fn run(_db: &Path, command: PersonCommand, _out: &mut impl Write) -> CliResult {
    match command {}
}
