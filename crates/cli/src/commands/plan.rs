//! `plan`: dry-running nurture streams on the leads, as sends, a summary or
//! one lead's journey.

use std::io::Write;
use std::path::Path;

use leadstream_core::streams::{limits, model as streams, planner};
use leadstream_core::{segments, time, Workspace};

use super::{print_run_time, CliResult};
use crate::{Format, PlanArgs};

/// `plan`: dry-runs the chosen streams and prints the sends, the summary
/// or one lead's journey.
pub fn run(db: &Path, args: &PlanArgs, out: &mut impl Write) -> CliResult {
    let workspace = &crate::commands::open_workspace(db)?;
    let chosen = chosen_streams(workspace, &args.streams)?;
    let from = match args.from.as_deref() {
        Some(text) => limits::parse_date("the plan's first day (--from)", text)?,
        None => time::today_utc(),
    };
    let as_of = args
        .as_of
        .as_deref()
        .map(segments::parse_as_of)
        .transpose()?;
    let request =
        planner::PlanRequest::for_workspace(workspace, Some(chosen), from, args.days, as_of)?;
    if let Some(lead) = args.lead {
        let journey = planner::journey(workspace, &request, lead)?;
        return print_journey(out, &journey, args.format);
    }
    if args.summary {
        return print_summary_runs(workspace, &request, args, out);
    }
    let run = planner::plan(workspace, &request)?;
    warn_skipped(&run.plan.skipped);
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&run)?)?,
        Format::Csv => {
            planner::write_sends_csv(workspace, &run, out)?;
        }
    }
    Ok(())
}

/// The streams named by `--stream` (saved ids or JSON files), or every
/// active stream when none is named.
fn chosen_streams(workspace: &Workspace, sources: &[String]) -> CliResult<Vec<streams::Stream>> {
    if sources.is_empty() {
        let active: Vec<_> = streams::list(workspace)?
            .into_iter()
            .filter(|s| s.is_active)
            .collect();
        if active.is_empty() {
            return Err("no active streams: activate one, or name one with --stream".into());
        }
        return Ok(active);
    }
    let mut chosen = Vec::new();
    for source in sources {
        chosen.push(match source.parse::<i64>() {
            Ok(id) => streams::get(workspace, id)?,
            Err(_) => {
                let json = std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?;
                streams::from_file(workspace, &json).map_err(|e| format!("{source}: {e}"))?
            }
        });
    }
    Ok(chosen)
}

/// `plan --lead ID`: the lead's journey, as JSON or as text.
fn print_journey(
    out: &mut impl Write,
    journey: &planner::LeadJourney,
    format: Format,
) -> CliResult {
    if matches!(format, Format::Json) {
        writeln!(out, "{}", serde_json::to_string_pretty(journey)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "Lead {} ({}): {}",
        journey.lead_id, journey.timezone, journey.status
    )?;
    for entry in &journey.entries {
        let note = entry
            .note
            .as_deref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}  {:<28} {}{note}",
            entry.local, entry.stream, entry.step
        )?;
    }
    Ok(())
}

/// `plan --summary [--repeat N]`: plans `--repeat` times (timing each run
/// on stderr when more than one) and prints the last summary.
fn print_summary_runs(
    workspace: &Workspace,
    request: &planner::PlanRequest,
    args: &PlanArgs,
    out: &mut impl Write,
) -> CliResult {
    let mut plan = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        plan = Some(planner::plan_summary(workspace, request)?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let Some(plan) = plan else {
        return Err("the plan was not run".into());
    };
    match args.format {
        Format::Json => {
            warn_skipped(&plan.skipped);
            writeln!(out, "{}", serde_json::to_string_pretty(&plan)?)?
        }
        Format::Csv => print_plan_summary(out, &plan)?,
    }
    Ok(())
}

/// Streams the plan left out, on stderr: the plan itself is on stdout.
fn warn_skipped(skipped: &[planner::SkippedStream]) {
    for stream in skipped {
        eprintln!(
            "leadstream: warning: stream {} “{}” was not planned: {}",
            stream.stream_id,
            stream.name,
            stream.problems.join("; ")
        );
    }
}

fn print_plan_summary(out: &mut impl Write, plan: &planner::Plan) -> CliResult {
    writeln!(
        out,
        "Plan {} to {} ({} days), entry as of {}",
        plan.from, plan.until, plan.days, plan.as_of
    )?;
    writeln!(
        out,
        "{} eligible leads, {} sends",
        plan.eligible, plan.sends
    )?;
    for stream in &plan.streams {
        writeln!(
            out,
            "  stream {} “{}” (priority {}): {} leads, {} entries, {} sends",
            stream.stream_id,
            stream.name,
            stream.priority,
            stream.leads,
            stream.entries,
            stream.sends
        )?;
        for other in &stream.also_eligible {
            writeln!(
                out,
                "    {} also eligible for “{}”",
                other.leads, other.name
            )?;
        }
        for winner in &stream.lost_to {
            writeln!(
                out,
                "    {} lost to the higher-priority “{}”",
                winner.leads, winner.name
            )?;
        }
        for node in &stream.nodes {
            writeln!(out, "    {:<14} {:>9} leads", node.node_id, node.leads)?;
        }
    }
    let tally =
        |out: &mut dyn Write, title: &str, items: &[planner::ReasonTally]| -> std::io::Result<()> {
            writeln!(out, "{title}:")?;
            for item in items {
                writeln!(out, "  {:>9}  {}", item.count, item.reason)?;
            }
            Ok(())
        };
    tally(out, "Suppressed leads", &plan.suppressed)?;
    tally(out, "Moved sends", &plan.moved)?;
    tally(out, "Outcomes", &plan.outcomes)?;
    writeln!(out, "Content:")?;
    for item in &plan.per_content {
        writeln!(
            out,
            "  {:>9} sends to {:>9} leads  {}",
            item.sends, item.leads, item.title
        )?;
    }
    if !plan.skipped.is_empty() {
        writeln!(out, "Not planned (fix these streams to plan them):")?;
        for stream in &plan.skipped {
            writeln!(
                out,
                "  stream {} “{}”: {}",
                stream.stream_id,
                stream.name,
                stream.problems.join("; ")
            )?;
        }
    }
    let busiest = plan.per_day.iter().max_by_key(|d| d.sends);
    if let Some(day) = busiest {
        writeln!(out, "Busiest day: {} with {} sends", day.date, day.sends)?;
    }
    Ok(())
}
