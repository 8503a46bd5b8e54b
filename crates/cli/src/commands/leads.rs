//! `leads count`, `leads export` and `leads search`.

use std::io::Write;
use std::path::Path;

use leadstream_core::export::{export_leads, ExportFormat};
use leadstream_core::leads::{self, CellValue, LeadQuery};

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
        LeadsCommand::Search {
            text,
            limit,
            repeat,
        } => search(db, text, limit, repeat, out)?,
    }
    Ok(())
}

/// The columns `leads search` lists after the id.
const SEARCH_COLUMNS: [&str; 4] = ["first_name", "last_name", "email", "company"];

/// `leads search`: the lead browser's first page for `text`, as the app asks
/// for it (`leads::page`), sorted by id.
fn search(db: &Path, text: String, limit: u32, repeat: u32, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let query = LeadQuery {
        offset: 0,
        limit: limit.min(leads::MAX_PAGE_SIZE),
        columns: SEARCH_COLUMNS.map(String::from).to_vec(),
        sort: None,
        search: text,
        search_custom_fields: false,
    };
    let runs = repeat.max(1);
    let mut run = 1;
    let page = loop {
        let started = std::time::Instant::now();
        let page = leads::page(&workspace, &query)?;
        if runs > 1 {
            crate::commands::print_run_time(run, started, 1);
        }
        if run == runs {
            break page;
        }
        run += 1;
    };
    let total = page.total.unwrap_or(0);
    let noun = if total == 1 {
        "lead matches"
    } else {
        "leads match"
    };
    writeln!(out, "{total} {noun}")?;
    for row in &page.rows {
        let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
        writeln!(out, "{}\t{}", row.id, cells.join("\t"))?;
    }
    Ok(())
}

/// A cell as `leads search` prints it: empty when the lead has no value;
/// tabs and line breaks in a value become spaces, so each lead is one line.
fn cell_text(cell: &Option<CellValue>) -> String {
    let text = match cell {
        None => String::new(),
        Some(CellValue::Text(text)) => text.clone(),
        Some(CellValue::Number(number)) => number.to_string(),
        Some(CellValue::Bool(flag)) => flag.to_string(),
        Some(CellValue::List(items)) => items.join(", "),
    };
    text.replace(['\t', '\n', '\r'], " ")
}
