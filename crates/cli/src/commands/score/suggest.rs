//! `score suggest`: suggested points for behaviours and fit values, fitted
//! on the training half and reported on the held-out half, from history
//! (`--at DATE --window DAYS`) or an outcome field. Nothing is applied: the
//! JSON output carries each ready rule to add to a model file.

use std::io::Write;
use std::path::Path;

use leadstream_core::scoring::suggest::{suggest, Evidence, SuggestOutcome};
use leadstream_core::segments::parse_as_of;
use leadstream_core::text::grouped;

use super::evaluate::FieldOutcomeArgs;
use super::explain::date_time;
use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct SuggestArgs {
    /// History: the date behaviours count up to (with --window).
    #[arg(long, value_name = "DATE", requires = "window", conflicts_with_all = ["outcome_field", "outcome_rules"])]
    pub at: Option<String>,
    /// History: the days after --at in which a conversion counts.
    #[arg(long, value_name = "DAYS", requires = "at")]
    pub window: Option<u32>,
    /// History: an event type that counts as a conversion (repeatable;
    /// default: purchase).
    #[arg(long = "outcome", value_name = "TYPE", requires = "at")]
    pub outcome: Vec<String>,
    /// An outcome field: `FIELD=VALUE`, or a bare yes/no or 0/1 field.
    #[arg(long, value_name = "FIELD[=VALUE]", conflicts_with = "outcome_rules")]
    pub outcome_field: Option<String>,
    /// A rule JSON file: leads matching it count as converted.
    #[arg(long, value_name = "FILE")]
    pub outcome_rules: Option<String>,
    /// With an outcome field: read values and behaviours as of this instant
    /// (default: now).
    #[arg(long, value_name = "ISO8601", conflicts_with = "at")]
    pub as_of: Option<String>,
    /// Print JSON (each suggestion carries its ready `rule`).
    #[arg(long)]
    pub json: bool,
}

fn evidence(evidence: &Evidence) -> String {
    format!(
        "{:>8} {:>6.1}% {:>6.1}% {:>6}",
        grouped(evidence.with.trials as i128),
        evidence.with.rate * 100.0,
        evidence.without.rate * 100.0,
        evidence
            .lift
            .map_or_else(|| "-".to_owned(), |l| format!("{l:.2}"))
    )
}

pub fn run(db: &Path, args: SuggestArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let outcome = match (&args.at, args.window) {
        (Some(at), Some(window_days)) => SuggestOutcome::History {
            at: parse_as_of(at.trim())?,
            window_days,
            event_types: if args.outcome.is_empty() {
                vec!["purchase".to_owned()]
            } else {
                args.outcome.clone()
            },
        },
        _ => {
            let field = FieldOutcomeArgs {
                outcome_field: args.outcome_field.clone(),
                outcome_rules: args.outcome_rules.clone(),
            };
            if field.outcome_field.is_none() && field.outcome_rules.is_none() {
                return Err("say what counts as converted: --at DATE --window DAYS [--outcome TYPE] (history) or --outcome-field FIELD[=VALUE] / --outcome-rules FILE".into());
            }
            SuggestOutcome::Field {
                rules: field.rules(&workspace)?,
                as_of: args
                    .as_of
                    .as_deref()
                    .map(|t| parse_as_of(t.trim()))
                    .transpose()?,
            }
        }
    };
    let found = suggest(&workspace, &outcome)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "Suggested points (not applied), as of {} UTC. Fitted on {} leads ({:.1}% converted), checked on {} held-out leads ({:.1}%).",
        date_time(found.as_of),
        grouped(found.training.trials as i128),
        found.training.rate * 100.0,
        grouped(found.held_out.trials as i128),
        found.held_out.rate * 100.0
    )?;
    for reason in &found.left_out {
        writeln!(out, "Left out: {reason}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>6}  {:<40} {:<10} │ {:>8} {:>7} {:>7} {:>6} │ {:>8} {:>7} {:>7} {:>6}",
        "Points",
        "Leads with",
        "Kind",
        "Train",
        "With",
        "Without",
        "Lift",
        "Held out",
        "With",
        "Without",
        "Lift"
    )?;
    for suggestion in &found.suggestions {
        let label: String = suggestion.label.chars().take(40).collect();
        let points = if suggestion.distinguishable {
            format!("{:+}", suggestion.points)
        } else {
            "·".to_owned()
        };
        let kind = match suggestion.kind {
            leadstream_core::scoring::ScoreKind::Fit => "fit",
            leadstream_core::scoring::ScoreKind::Engagement => "engagement",
        };
        writeln!(
            out,
            "{points:>6}  {label:<40} {kind:<10} │ {} │ {}",
            evidence(&suggestion.training),
            evidence(&suggestion.held_out)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "· no clear effect on the training half (95% intervals overlap). With --json, each row's `rule` is ready to add to a model file."
    )?;
    Ok(())
}
