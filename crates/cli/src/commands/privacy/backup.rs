//! `backup`: (issue 15; being built).

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum BackupCommand {}

pub fn run(_db: &Path, command: BackupCommand, _out: &mut impl Write) -> CliResult {
    match command {}
}
