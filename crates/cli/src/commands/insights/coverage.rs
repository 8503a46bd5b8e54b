//! `insights coverage` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct CoverageArgs {}

pub fn run(_db: &Path, _args: CoverageArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights coverage` is not built yet".into())
}
