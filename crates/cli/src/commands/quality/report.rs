//! `quality report [--json]`: the data-quality report.

use std::io::Write;
use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_db: &Path, _args: &ReportArgs, _out: &mut impl Write) -> CliResult {
    Err("quality report: not built yet".into())
}
