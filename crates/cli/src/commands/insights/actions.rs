//! `insights actions` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct ActionsArgs {}

pub fn run(_db: &Path, _args: ActionsArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights actions` is not built yet".into())
}
