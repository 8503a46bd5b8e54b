//! `review due|record|cadence|list`: segment reviews.

use std::io::Write;
use std::path::Path;

use clap::{ArgGroup, Subcommand};
use leadstream_core::segments;
use leadstream_core::strategy::reviews::{self, Decision, ReviewNumbers};

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// The segments due (or overdue) for review, with what changed since the last one.
    Due {
        /// YYYY-MM-DD or ISO 8601 (default: now).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Records a review of a segment with today's numbers.
    Record {
        /// The saved segment's id.
        id: i64,
        /// keep, change or retire.
        #[arg(long)]
        decision: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Sets a segment's review cadence.
    #[command(group(ArgGroup::new("cadence").required(true).args(["days", "never"])))]
    Cadence {
        id: i64,
        /// Days between reviews (1-3650; default 90).
        #[arg(long)]
        days: Option<i64>,
        /// Never due for review.
        #[arg(long)]
        never: bool,
    },
    /// A segment's recorded reviews, newest first.
    List {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

fn numbers(n: &ReviewNumbers) -> String {
    format!(
        "{} members, {:.2}% converted (90 d), {:.2}% engaged (30 d)",
        n.members, n.conversion_rate, n.engagement_rate
    )
}

/// `review ...`.
pub fn run(db: &Path, command: ReviewCommand, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    match command {
        ReviewCommand::Due { as_of, json } => {
            let as_of = segments::as_of_or_now(as_of.as_deref())?;
            let report = reviews::due(workspace, as_of)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
                return Ok(());
            }
            if report.due.is_empty() {
                writeln!(out, "no segment is due for review")?;
            }
            for item in &report.due {
                writeln!(
                    out,
                    "{} {}: {} (due {}, every {} days; since {})",
                    if item.overdue { "OVERDUE" } else { "due    " },
                    item.segment_id,
                    item.name,
                    item.due_date,
                    item.cadence_days,
                    item.since_date
                )?;
                if let Some(problem) = &item.problem {
                    writeln!(out, "    cannot be measured: {problem}")?;
                }
                if let (Some(then), Some(now)) = (&item.then, &item.now) {
                    writeln!(out, "    then  {}", numbers(then))?;
                    writeln!(out, "    now   {}", numbers(now))?;
                }
                let shifted: Vec<String> = item
                    .shifted_fields
                    .iter()
                    .filter(|f| f.leads_changed > 0)
                    .map(|f| format!("{} ({} leads)", f.field, f.leads_changed))
                    .collect();
                if !shifted.is_empty() {
                    writeln!(out, "    fields changed by imports: {}", shifted.join(", "))?;
                }
                if item.leads_added > 0 {
                    writeln!(out, "    leads added by imports: {}", item.leads_added)?;
                }
            }
            let retired: Vec<String> = report
                .states
                .iter()
                .filter(|s| s.retired)
                .map(|s| format!("{} {}", s.segment_id, s.name))
                .collect();
            if !retired.is_empty() {
                writeln!(out, "retired: {}", retired.join(", "))?;
            }
        }
        ReviewCommand::Record {
            id,
            decision,
            note,
            json,
        } => {
            let decision = Decision::parse(&decision)?;
            let review =
                reviews::record(workspace, id, decision, &note, leadstream_core::time::now())?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&review)?)?;
            } else {
                writeln!(
                    out,
                    "recorded review {} of segment {id}: {} ({})",
                    review.id,
                    decision.key(),
                    numbers(&review.numbers)
                )?;
            }
        }
        ReviewCommand::Cadence { id, days, never } => {
            let days = if never { None } else { days };
            reviews::set_cadence(workspace, id, days)?;
            match days {
                Some(days) => writeln!(out, "segment {id} is due for review every {days} days")?,
                None => writeln!(out, "segment {id} is never due for review")?,
            }
        }
        ReviewCommand::List { id, json } => {
            let list = reviews::list(workspace, id)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            } else if list.is_empty() {
                writeln!(out, "segment {id} has no recorded review")?;
            } else {
                for review in &list {
                    writeln!(
                        out,
                        "{}  {:<6}  {}  {}",
                        review.date,
                        review.decision.key(),
                        numbers(&review.numbers),
                        review.note
                    )?;
                }
            }
        }
    }
    Ok(())
}
