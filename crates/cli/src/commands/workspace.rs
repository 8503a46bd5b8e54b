//! `init` and `demo`: creating a workspace file, empty or filled with
//! generated demo or benchmark data.

use std::io::Write;
use std::path::Path;

use leadstream_core::demo::{self, DemoSpec};
use leadstream_core::{leads, time, Workspace};

use super::CliResult;

/// `init`: creates an empty workspace at `db`.
pub fn init(db: &Path, out: &mut impl Write) -> CliResult {
    Workspace::create(db)?;
    writeln!(out, "created {}", db.display())?;
    Ok(())
}

/// The options of `demo`.
pub struct DemoOptions {
    /// How many leads to generate.
    pub leads: u32,
    /// The average number of events per lead.
    pub events_per_lead: u32,
    /// The random seed.
    pub seed: u64,
    /// "Now" for the generated history; default today (UTC).
    pub anchor: Option<chrono::NaiveDate>,
}

/// `demo`: fills the workspace at `db` (created if missing, and empty) with
/// generated data.
pub fn demo(db: &Path, options: &DemoOptions, out: &mut impl Write) -> CliResult {
    let anchor = time::midnight_utc(options.anchor.unwrap_or_else(time::today_utc));
    let mut workspace = crate::commands::open_or_create_workspace(db)?;
    if leads::count(&workspace)? > 0 {
        return Err(format!(
            "{}: the workspace already holds leads; demo data goes into an empty workspace",
            db.display()
        )
        .into());
    }
    let spec = DemoSpec {
        leads: options.leads,
        events_per_lead: options.events_per_lead,
        seed: options.seed,
        anchor,
    };
    let summary = demo::generate(&mut workspace, &spec)?;
    writeln!(
        out,
        "generated {} leads, {} events, {} custom fields, {} content items and {} streams in {}",
        summary.leads,
        summary.events,
        summary.custom_fields,
        summary.content_items,
        summary.streams,
        db.display()
    )?;
    Ok(())
}
