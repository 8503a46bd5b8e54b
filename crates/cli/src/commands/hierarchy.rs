//! `hierarchy save|list|show|assign` (being built for issue 11).

use std::path::Path;

use clap::Subcommand;

use super::CliResult;

#[derive(Subcommand)]
pub enum HierarchyCommand {
    /// List the saved hierarchies.
    List,
}

pub fn run(_db: &Path, _command: HierarchyCommand, _out: &mut impl std::io::Write) -> CliResult {
    Err("`hierarchy` is not built yet".into())
}
