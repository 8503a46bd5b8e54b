//! `insights crosstab` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct CrosstabArgs {}

pub fn run(_db: &Path, _args: CrosstabArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights crosstab` is not built yet".into())
}
