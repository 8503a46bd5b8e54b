//! `goal add|list|show|progress|delete`: SMART goals of segments and
//! streams, and their progress at any date.

use std::io::Write;
use std::path::Path;

use clap::{ArgGroup, Subcommand};
use leadstream_core::segments;
use leadstream_core::strategy::goals::{self, Goal, GoalDraft, GoalProgress, GoalSubject};
use leadstream_core::strategy::metrics::Metric;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum GoalCommand {
    /// Sets a goal: the baseline is measured now (or at the start, if earlier).
    #[command(group(ArgGroup::new("subject").required(true).args(["segment", "stream"])))]
    Add {
        /// The saved segment the goal is for.
        #[arg(long, value_name = "ID")]
        segment: Option<i64>,
        /// The stream the goal is for (the leads of its entry segments).
        #[arg(long, value_name = "ID")]
        stream: Option<i64>,
        /// conversions, conversion-rate, engagement-rate, size or emailable-share.
        #[arg(long)]
        metric: String,
        /// A count, or a percentage (0-100) for the rates.
        #[arg(long, allow_hyphen_values = true)]
        target: f64,
        /// YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        deadline: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// faster-conversion, lead-satisfaction, personalised-communication,
        /// return-on-investment, or your own words.
        #[arg(long)]
        objective: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Event types that count as a conversion (repeat; default purchase).
        #[arg(long = "outcome-type", value_name = "TYPE")]
        outcome_types: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every goal with its status today.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A goal's definition.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// A goal's progress: current value, the straight line, status, trajectory.
    Progress {
        id: i64,
        /// YYYY-MM-DD or ISO 8601 (default: now).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Deletes a goal.
    Delete { id: i64 },
}

/// `goal ...`.
pub fn run(db: &Path, command: GoalCommand, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    let now = leadstream_core::time::now();
    match command {
        GoalCommand::Add {
            segment,
            stream,
            metric,
            target,
            deadline,
            start,
            objective,
            name,
            outcome_types,
            json,
        } => {
            let subject = match (segment, stream) {
                (Some(id), _) => GoalSubject::Segment(id),
                (None, Some(id)) => GoalSubject::Stream(id),
                (None, None) => return Err("give --segment ID or --stream ID".into()),
            };
            let draft = GoalDraft {
                name: name.unwrap_or_default(),
                subject,
                metric: Metric::parse(&metric)?,
                target,
                start: start.unwrap_or_default(),
                deadline,
                objective: objective.unwrap_or_default(),
                outcome_types,
            };
            let goal = goals::add(workspace, &draft, now)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&goal)?)?;
            } else {
                writeln!(out, "added goal {}", goal.id)?;
                print_goal(out, &goal)?;
            }
        }
        GoalCommand::List { json } => {
            let all = goals::progress_all(workspace, now)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
            } else if all.is_empty() {
                writeln!(out, "no goals yet: add one with `goal add`")?;
            } else {
                writeln!(
                    out,
                    "{:>4}  {:<15} {:>10} {:>10} {:>10}  {:<10}  name",
                    "id", "status", "baseline", "current", "target", "deadline"
                )?;
                for p in &all {
                    let g = &p.goal;
                    writeln!(
                        out,
                        "{:>4}  {:<15} {:>10} {:>10} {:>10}  {:<10}  {}",
                        g.id,
                        status_text(&p.status),
                        value(g.metric, g.baseline),
                        value(g.metric, p.current),
                        value(g.metric, g.target),
                        g.deadline,
                        g.name
                    )?;
                }
            }
        }
        GoalCommand::Show { id, json } => {
            let goal = goals::get(workspace, id)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&goal)?)?;
            } else {
                print_goal(out, &goal)?;
            }
        }
        GoalCommand::Progress { id, as_of, json } => {
            let as_of = segments::as_of_or_now(as_of.as_deref())?;
            let progress = goals::progress(workspace, id, as_of)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&progress)?)?;
            } else {
                print_progress(out, &progress)?;
            }
        }
        GoalCommand::Delete { id } => {
            goals::delete(workspace, id)?;
            writeln!(out, "deleted goal {id}")?;
        }
    }
    Ok(())
}

fn value(metric: Metric, value: f64) -> String {
    if metric.is_rate() {
        format!("{value:.2}%")
    } else {
        format!("{value:.0}")
    }
}

fn status_text(status: &goals::GoalStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn print_goal(out: &mut impl Write, goal: &Goal) -> CliResult {
    let subject = match goal.subject {
        GoalSubject::Segment(id) => format!("segment {id}"),
        GoalSubject::Stream(id) => format!("stream {id}"),
    };
    writeln!(out, "goal {}: {}", goal.id, goal.name)?;
    writeln!(out, "  for        {subject} ({})", goal.subject_name)?;
    writeln!(out, "  metric     {}", goal.metric.label())?;
    if !goal.objective.is_empty() {
        writeln!(out, "  objective  {}", goal.objective_label)?;
    }
    let measured = chrono::DateTime::from_timestamp(goal.baseline_at, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    writeln!(
        out,
        "  baseline   {} (measured {measured})",
        value(goal.metric, goal.baseline)
    )?;
    writeln!(out, "  target     {}", value(goal.metric, goal.target))?;
    writeln!(out, "  from       {} to {}", goal.start, goal.deadline)?;
    writeln!(
        out,
        "  {}  {}",
        if goal.feasibility.achievable {
            "achievable"
        } else {
            "probably not achievable:"
        },
        goal.feasibility.reason
    )?;
    Ok(())
}

fn print_progress(out: &mut impl Write, progress: &GoalProgress) -> CliResult {
    let goal = &progress.goal;
    let metric = goal.metric;
    let as_of = chrono::DateTime::from_timestamp(progress.as_of, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string());
    writeln!(out, "goal {}: {} (as of {as_of})", goal.id, goal.name)?;
    writeln!(out, "  status     {}", status_text(&progress.status))?;
    writeln!(
        out,
        "  current    {} ({} members)",
        value(metric, progress.current),
        progress.measurement.members
    )?;
    writeln!(
        out,
        "  expected   {} on the line from baseline {} to target {}",
        value(metric, progress.expected),
        value(metric, goal.baseline),
        value(metric, goal.target)
    )?;
    if !goal.feasibility.achievable {
        writeln!(
            out,
            "  probably not achievable: {}",
            goal.feasibility.reason
        )?;
    }
    if !progress.trajectory.is_empty() {
        writeln!(out, "  {:<10} {:>10} {:>10}", "date", "value", "expected")?;
        for point in &progress.trajectory {
            writeln!(
                out,
                "  {:<10} {:>10} {:>10}",
                point.date,
                value(metric, point.value),
                value(metric, point.expected)
            )?;
        }
    }
    Ok(())
}
