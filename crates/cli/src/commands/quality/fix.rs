//! `fix normalise FIELD [--dry-run]`: normalisations of a field's values.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum FixCommand {
    /// Normalise a field: countries to one name, phones to E.164, or a
    /// value mapping.
    Normalise(NormaliseArgs),
}

#[derive(clap::Args)]
pub struct NormaliseArgs {
    /// The field's key (`country`, `phone`, or any text field).
    pub field: String,
    /// Show what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(_db: &Path, command: FixCommand, _out: &mut impl Write) -> CliResult {
    match command {
        FixCommand::Normalise(_) => Err("fix normalise: not built yet".into()),
    }
}
