//! `content list`: the content library.

use std::io::Write;
use std::path::Path;

use leadstream_core::fields;
use leadstream_core::streams::content;

use super::CliResult;
use crate::ContentCommand;

pub fn run(db: &Path, command: ContentCommand, out: &mut impl Write) -> CliResult {
    let ContentCommand::List { json } = command;
    let items = content::list(&crate::commands::open_workspace(db)?)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
    } else {
        for item in items {
            writeln!(
                out,
                "{:>4}  {:<16} {}  [{}] [{}]",
                item.id,
                fields::enum_text(&item.kind),
                item.title,
                item.personas.join(", "),
                item.stages.join(", ")
            )?;
        }
    }
    Ok(())
}
