//! `quality duplicates [--min-confidence X] [--json]`: likely duplicates.

use std::io::Write;
use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct DuplicatesArgs {
    /// Only pairs at least this confident (0-1).
    #[arg(long, value_name = "X")]
    pub min_confidence: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_db: &Path, _args: &DuplicatesArgs, _out: &mut impl Write) -> CliResult {
    Err("quality duplicates: not built yet".into())
}
