//! `segment history ID` and `segment diff ID --from --to`: a saved
//! segment's recorded members over time, and who joined or left and why.
//! `segment history --record` records every segment's members now.

use std::io::Write;

use clap::{Args, ValueEnum};

use leadstream_core::strategy::history::{self, SegmentDiff, SnapshotReason};
use leadstream_core::Workspace;

use crate::commands::{print_run_time, CliResult};

/// `segment history`.
#[derive(Args)]
pub struct HistoryArgs {
    /// The saved segment's id.
    #[arg(required_unless_present = "record")]
    pub id: Option<i64>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Record every saved segment's members now (reason `manual`) and print
    /// what it took and what the history stores.
    #[arg(long, conflicts_with = "id")]
    pub record: bool,
    /// With `--record`: the members as of this date (YYYY-MM-DD or ISO
    /// 8601) instead of now, as the demo's backfilled weeks are taken.
    #[arg(long, requires = "record", value_name = "DATE")]
    pub as_of: Option<String>,
    /// With `--record`: record N times and print each time on stderr (benchmarks).
    #[arg(long, requires = "record", default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

/// How a diff is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// A summary and the first leads of each side, with their reasons.
    Text,
    /// One row per lead: change, id, e-mail, name, reason.
    Csv,
    Json,
}

/// `segment diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The saved segment's id.
    pub id: i64,
    /// The earlier date (YYYY-MM-DD: the end of that day, or ISO 8601).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The later date (YYYY-MM-DD: the end of that day, or ISO 8601).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// In text, list at most this many leads on each side.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

/// `segment history ...`.
pub fn history(workspace: &mut Workspace, args: HistoryArgs, out: &mut impl Write) -> CliResult {
    if args.record {
        let now = leadstream_core::time::now();
        let taken_at = leadstream_core::segments::as_of_or_now(args.as_of.as_deref())?;
        let mut last = None;
        for run in 1..=args.repeat.max(1) {
            let started = std::time::Instant::now();
            let summary = history::record(workspace, taken_at, now, SnapshotReason::Manual, None)?;
            if args.repeat > 1 {
                print_run_time(run, started, 1);
            }
            last = Some((summary, started.elapsed().as_secs_f64() * 1000.0));
        }
        let (summary, elapsed) = last.ok_or("nothing was recorded")?;
        let (rows, bytes) = history::storage(workspace)?;
        if args.json {
            let value = serde_json::json!({
                "summary": summary, "elapsed_ms": elapsed,
                "stored_snapshots": rows, "stored_bytes": bytes,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        } else {
            writeln!(
                out,
                "Recorded {} segment(s) in {elapsed:.0} ms: {} bytes of members; {} skipped, {} older snapshot(s) thinned out",
                summary.recorded, summary.bytes, summary.skipped, summary.thinned
            )?;
            writeln!(
                out,
                "The history holds {rows} segment snapshot(s), {bytes} bytes of members"
            )?;
        }
        return Ok(());
    }
    let id = args.id.ok_or("give a segment id (or --record)")?;
    let history = history::history(workspace, id)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&history)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "Segment {id} “{}”: {} snapshot(s), {} bytes of members",
        history.segment_name,
        history.points.len(),
        history.bytes
    )?;
    writeln!(
        out,
        "{:<17} {:>9} {:>8} {:>8}  Reason",
        "Taken (UTC)", "Count", "Joined", "Left"
    )?;
    let dash = |n: Option<u64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    for point in &history.points {
        let mut reason = point.reason.clone();
        if let Some(import) = &point.import {
            reason.push_str(&format!(" {import}"));
        }
        if point.rules_changed {
            reason.push_str("; rules changed");
        }
        if let Some(problem) = &point.problem {
            reason.push_str(&format!("; not recorded: {problem}"));
        }
        writeln!(
            out,
            "{:<17} {:>9} {:>8} {:>8}  {reason}",
            point
                .taken_at
                .replace('T', " ")
                .get(..16)
                .unwrap_or(&point.taken_at),
            dash(point.count),
            dash(point.joined),
            dash(point.left),
        )?;
    }
    Ok(())
}

/// `segment diff ...`.
pub fn diff(workspace: &mut Workspace, args: DiffArgs, out: &mut impl Write) -> CliResult {
    let from = history::diff_bound(&args.from)?;
    let to = history::diff_bound(&args.to)?;
    let diff = history::diff(workspace, args.id, from, to)?;
    match args.format {
        DiffFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&diff)?)?,
        DiffFormat::Csv => history::write_diff_csv(&diff, &mut *out)?,
        DiffFormat::Text => print_text(&diff, args.limit, out)?,
    }
    Ok(())
}

fn print_text(diff: &SegmentDiff, limit: usize, out: &mut impl Write) -> CliResult {
    writeln!(
        out,
        "Segment {} “{}”: {} joined, {} left",
        diff.segment_id,
        diff.segment_name,
        diff.joined.len(),
        diff.left.len()
    )?;
    for (label, asked, used) in [
        ("From", &diff.from_requested, &diff.from),
        ("To", &diff.to_requested, &diff.to),
    ] {
        writeln!(
            out,
            "{label:<4} {asked}: the snapshot of {} ({}), {} members",
            used.taken_at, used.reason, used.count
        )?;
    }
    if diff.rules_changed {
        writeln!(
            out,
            "The segment's rules changed between the two snapshots."
        )?;
    }
    for (label, leads) in [("Joined", &diff.joined), ("Left", &diff.left)] {
        writeln!(out, "\n{label} ({}):", leads.len())?;
        for lead in leads.iter().take(limit) {
            writeln!(
                out,
                "  {:>7}  {}  {}: {}",
                lead.lead_id,
                lead.name,
                lead.email.as_deref().unwrap_or("(no e-mail)"),
                lead.reason.summary
            )?;
        }
        if leads.len() > limit {
            writeln!(
                out,
                "  … and {} more (--limit N, or --format csv for all)",
                leads.len() - limit
            )?;
        }
    }
    Ok(())
}
