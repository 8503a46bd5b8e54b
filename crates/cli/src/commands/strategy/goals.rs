//! `goal add|list|show|progress`: SMART goals of segments and streams.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum GoalCommand {}

/// `goal ...`.
pub fn run(_db: &Path, command: GoalCommand, _out: &mut impl Write) -> CliResult {
    match command {}
}
