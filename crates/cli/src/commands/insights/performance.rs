//! `insights performance` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct PerformanceArgs {}

pub fn run(_db: &Path, _args: PerformanceArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights performance` is not built yet".into())
}
