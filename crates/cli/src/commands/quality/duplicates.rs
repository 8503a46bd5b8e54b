//! `quality duplicates [--min-confidence X] [--json]`: likely duplicates,
//! most confident first, each pair with its evidence; blocks too large to
//! expand (a shared switchboard number) are listed after them.

use std::io::Write;
use std::path::Path;

use leadstream_core::quality::duplicates::{self, DuplicateOptions, LeadSummary};

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct DuplicatesArgs {
    /// Only pairs at least this confident (0-1).
    #[arg(long, value_name = "X")]
    pub min_confidence: Option<f64>,
    /// Print at most N pairs, the most confident (all are counted).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn lead_line(lead: &LeadSummary) -> String {
    let mut parts = vec![format!("#{}", lead.id)];
    if !lead.name.is_empty() {
        parts.push(lead.name.clone());
    }
    for value in [&lead.email, &lead.company, &lead.phone]
        .into_iter()
        .flatten()
    {
        parts.push(value.clone());
    }
    parts.join("  ")
}

pub fn run(db: &Path, args: &DuplicatesArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let options = DuplicateOptions {
        min_confidence: args.min_confidence.unwrap_or(0.0),
        limit: args.limit,
    };
    let report = duplicates::find(&workspace, &options)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} likely duplicate pairs among {} leads",
        report.total_pairs, report.leads_checked
    )?;
    if (report.pairs.len() as u64) < report.total_pairs {
        writeln!(out, "the {} most confident:", report.pairs.len())?;
    }
    for pair in &report.pairs {
        writeln!(out)?;
        writeln!(out, "{:.0}% confident", pair.confidence * 100.0)?;
        writeln!(out, "  {}", lead_line(&pair.first))?;
        writeln!(out, "  {}", lead_line(&pair.second))?;
        for evidence in &pair.evidence {
            writeln!(out, "  - {}", evidence.detail)?;
        }
        writeln!(
            out,
            "  merge: leads merge {} {} --dry-run",
            pair.first.id, pair.second.id
        )?;
    }
    if !report.skipped_blocks.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{} groups were too large to compare pair by pair (more than {} leads share the key):",
            report.skipped_blocks.len(),
            duplicates::MAX_BLOCK_SIZE
        )?;
        for block in &report.skipped_blocks {
            writeln!(
                out,
                "  {} leads share {} {}",
                block.size,
                block.kind.as_str(),
                block.key
            )?;
        }
    }
    Ok(())
}
