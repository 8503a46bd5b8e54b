//! `insights discover` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct DiscoverArgs {}

pub fn run(_db: &Path, _args: DiscoverArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights discover` is not built yet".into())
}
