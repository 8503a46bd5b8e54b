//! `segment ice [--json]` and `segment ice set ID ...`: the ICE ranking of
//! segments and streams, and setting their scores.

use std::io::Write;

use clap::{Args, Subcommand};

use leadstream_core::Workspace;

use crate::commands::CliResult;

/// `segment ice`: the ranked table, or a subcommand.
#[derive(Args)]
pub struct IceArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<IceCommand>,
}

#[derive(Subcommand)]
pub enum IceCommand {}

/// `segment ice ...`.
pub fn run(_workspace: &mut Workspace, _args: IceArgs, _out: &mut impl Write) -> CliResult {
    Err("segment ice is not built yet".into())
}
