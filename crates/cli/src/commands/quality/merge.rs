//! `leads merge ID ID... [--dry-run]`: merges duplicates into the first id.

use std::io::Write;
use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The survivor's id, then the ids of the leads merged into it.
    #[arg(required = true, num_args = 2..)]
    pub ids: Vec<i64>,
    /// Show what the merge would do, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(_db: &Path, _args: &MergeArgs, _out: &mut impl Write) -> CliResult {
    Err("leads merge: not built yet".into())
}
