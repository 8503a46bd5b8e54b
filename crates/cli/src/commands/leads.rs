//! `leads count` and `leads export`.

use std::io::Write;
use std::path::Path;

use leadstream_core::export::{export_leads, ExportFormat};
use leadstream_core::leads;

use super::CliResult;
use crate::{Format, LeadsCommand};

pub fn run(db: &Path, command: LeadsCommand, out: &mut impl Write) -> CliResult {
    match command {
        LeadsCommand::Count => {
            let count = leads::count(&crate::commands::open_workspace(db)?)?;
            writeln!(out, "{count}")?;
        }
        LeadsCommand::Export { format, output } => {
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            let mut workspace = crate::commands::open_workspace(db)?;
            let rows = output.write(out, |file| export_leads(&workspace, format, file))?;
            output.record(&mut workspace, "leads", rows)?;
        }
        LeadsCommand::Merge(args) => crate::commands::quality::merge::run(db, &args, out)?,
    }
    Ok(())
}
