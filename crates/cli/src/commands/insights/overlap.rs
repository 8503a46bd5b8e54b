//! `insights overlap [SEGMENT]... [--as-of] [--json] [--repeat N]`: how saved
//! segments overlap: their counts, the pairwise matrix of intersection
//! counts with the share of the row's segment, and the largest exact
//! combinations of three or more segments.

use std::io::Write;
use std::path::Path;

use leadstream_core::insights::overlap::{self, OverlapReport};
use leadstream_core::segments::{self, saved};
use leadstream_core::Workspace;

use crate::commands::{print_run_time, CliResult};

#[derive(clap::Args)]
pub struct OverlapArgs {
    /// Saved segments by id or exact name (default: every segment that is
    /// not built in).
    #[arg(value_name = "SEGMENT")]
    pub segments: Vec<String>,
    /// Count as of this instant (YYYY-MM-DD or ISO 8601; default: now).
    #[arg(long, value_name = "ISO8601")]
    pub as_of: Option<String>,
    /// How many exact combinations of three or more segments to list.
    #[arg(long, default_value_t = overlap::DEFAULT_INTERSECTIONS)]
    pub top: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Compute this many times and print each run's time to stderr (the
    /// first includes loading the index): for benchmarks.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
}

pub fn run(db: &Path, args: OverlapArgs, out: &mut impl Write) -> CliResult {
    let workspace = &crate::commands::open_workspace(db)?;
    let ids = resolve(workspace, &args.segments)?;
    let at = segments::as_of_or_now(args.as_of.as_deref())?;
    let mut report = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        report = Some(overlap::overlap(workspace, &ids, at, args.top)?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let report = report.ok_or("no overlap was computed")?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print_report(out, &report)?;
    }
    Ok(())
}

/// Segment ids from ids or exact names; a name shared by several segments
/// must be given by id.
fn resolve(workspace: &Workspace, given: &[String]) -> CliResult<Vec<i64>> {
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let all = saved::list(workspace)?;
    given
        .iter()
        .map(|text| {
            if let Ok(id) = text.trim().parse::<i64>() {
                if all.iter().any(|segment| segment.id == id) {
                    return Ok(id);
                }
            }
            let named: Vec<i64> = all
                .iter()
                .filter(|segment| segment.name == text.trim())
                .map(|segment| segment.id)
                .collect();
            match named.as_slice() {
                [id] => Ok(*id),
                [] => Err(format!(
                    "no saved segment has the id or name `{text}` (see `segment list`)"
                )
                .into()),
                ids => Err(format!(
                    "several segments are named `{text}` (ids {}): give the id",
                    ids.iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
                .into()),
            }
        })
        .collect()
}

fn instant(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// The report as text: the segments, the matrix (count and share of the
/// row), then the largest combinations.
fn print_report(out: &mut impl Write, report: &OverlapReport) -> CliResult {
    writeln!(
        out,
        "Overlap as of {} ({} leads in the workspace)",
        instant(report.as_of),
        report.total_leads
    )?;
    if report.segments.is_empty() {
        writeln!(
            out,
            "No segments chosen: save a segment first, or name some."
        )?;
        return Ok(());
    }
    writeln!(out, "{:>5}  {:>9}  name", "id", "count")?;
    for segment in &report.segments {
        let count = segment
            .count
            .map_or_else(|| "—".to_owned(), |count| count.to_string());
        write!(out, "{:>5}  {count:>9}  {}", segment.id, segment.name)?;
        if let Some(problem) = &segment.problem {
            write!(out, "  (cannot be counted: {problem})")?;
        }
        writeln!(out)?;
    }
    let counted: Vec<i64> = report
        .segments
        .iter()
        .filter(|segment| segment.count.is_some())
        .map(|segment| segment.id)
        .collect();
    if !counted.is_empty() {
        writeln!(
            out,
            "\nLeads in both (row and column; % of the row's segment):"
        )?;
        write!(out, "{:>5}", "")?;
        for id in &counted {
            write!(out, "  {:>16}", format!("#{id}"))?;
        }
        writeln!(out)?;
        for row in &counted {
            write!(out, "{:>5}", format!("#{row}"))?;
            for cell in report.cells.iter().filter(|cell| cell.row == *row) {
                let text = format!("{} ({:.1}%)", cell.count, cell.share_of_row * 100.0);
                write!(out, "  {text:>16}")?;
            }
            writeln!(out)?;
        }
    }
    writeln!(
        out,
        "\nLargest exact combinations of three or more segments ({} with leads):",
        report.combinations_of_three_or_more
    )?;
    if report.intersections.is_empty() {
        writeln!(out, "  none: no lead is in three or more of these segments")?;
    }
    for intersection in &report.intersections {
        let names: Vec<String> = intersection
            .segment_ids
            .iter()
            .map(|id| {
                let name = report
                    .segments
                    .iter()
                    .find(|segment| segment.id == *id)
                    .map_or("", |segment| segment.name.as_str());
                format!("#{id} {name}")
            })
            .collect();
        writeln!(out, "{:>9}  {}", intersection.count, names.join(" + "))?;
    }
    Ok(())
}
