//! `segment history ID` and `segment diff ID --from --to`: a saved
//! segment's recorded members over time, and who joined or left and why.

use std::io::Write;

use clap::Args;

use leadstream_core::Workspace;

use crate::commands::CliResult;

/// `segment history`.
#[derive(Args)]
pub struct HistoryArgs {
    /// The saved segment's id.
    pub id: i64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `segment diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The saved segment's id.
    pub id: i64,
}

/// `segment history ...`.
pub fn history(_workspace: &mut Workspace, _args: HistoryArgs, _out: &mut impl Write) -> CliResult {
    Err("segment history is not built yet".into())
}

/// `segment diff ...`.
pub fn diff(_workspace: &mut Workspace, _args: DiffArgs, _out: &mut impl Write) -> CliResult {
    Err("segment diff is not built yet".into())
}
