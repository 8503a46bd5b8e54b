//! `insights overlap` (being built for issue 11).

use std::path::Path;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct OverlapArgs {}

pub fn run(_db: &Path, _args: OverlapArgs, _out: &mut impl std::io::Write) -> CliResult {
    Err("`insights overlap` is not built yet".into())
}
