//! `streams list|export|import`: nurture streams and their portable JSON.

use std::io::Write;
use std::path::Path;

use leadstream_core::streams::model as streams;

use super::CliResult;
use crate::StreamsCommand;

/// `streams list|export|import`.
pub fn run(db: &Path, command: StreamsCommand, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    match command {
        StreamsCommand::List { json } => {
            let all = streams::list(workspace)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
            } else {
                for stream in all {
                    let problems = streams::problems(workspace, &stream)?;
                    writeln!(
                        out,
                        "{:>4}  {:>4}  {:<8} {}{}",
                        stream.id,
                        stream.priority,
                        if stream.is_active {
                            "active"
                        } else {
                            "inactive"
                        },
                        stream.name,
                        if problems.is_empty() {
                            String::new()
                        } else {
                            format!("  ({} problems)", problems.len())
                        }
                    )?;
                }
            }
        }
        StreamsCommand::Export { id } => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&streams::export(workspace, id)?)?
            )?;
        }
        StreamsCommand::Import { file } => {
            let json =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let stream = streams::import(workspace, &json)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            writeln!(out, "{}", stream.id)?;
        }
    }
    Ok(())
}
