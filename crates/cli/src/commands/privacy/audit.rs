//! `audit`: (issue 15; being built).

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum AuditCommand {}

pub fn run(_db: &Path, command: AuditCommand, _out: &mut impl Write) -> CliResult {
    match command {}
}
