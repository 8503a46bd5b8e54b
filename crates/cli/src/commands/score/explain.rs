//! `score explain --lead ID`: a lead's fit, engagement and total scores,
//! grade and band, and every rule that gave or took points, with the events
//! behind an engagement rule and their decayed points.

use std::io::Write;
use std::path::Path;

use leadstream_core::scoring;

use super::models;
use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The lead's id.
    #[arg(long)]
    pub lead: i64,
    /// The model's id (default: the active model).
    #[arg(long)]
    pub model: Option<i64>,
    /// Score as of this instant (YYYY-MM-DD or ISO 8601; default: the end of
    /// today, UTC, the instant the stored scores are as of).
    #[arg(long, value_name = "ISO8601")]
    pub as_of: Option<String>,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A time as the CLI prints it.
pub fn date_time(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(
        || at.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

pub fn run(db: &Path, args: ExplainArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let ids: Vec<i64> = args.model.into_iter().collect();
    let model = models(&workspace, &ids)?.remove(0);
    let as_of = scoring::as_of_or_today(args.as_of.as_deref())?;
    let explanation = scoring::explain(&workspace, &model.definition, args.lead, as_of)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&explanation)?)?;
        return Ok(());
    }
    let score = &explanation.score;
    writeln!(
        out,
        "Lead {} under model {} (“{}”) as of {} UTC",
        explanation.lead_id,
        model.id,
        model.name,
        date_time(as_of)
    )?;
    writeln!(
        out,
        "Total {:.1} = fit {:.1} + engagement {:.1}; grade {}; band {}",
        score.total, score.fit, score.engagement, explanation.grade, explanation.band
    )?;
    if explanation.rules.is_empty() {
        writeln!(out, "No rule gave or took points.")?;
    }
    for rule in &explanation.rules {
        let kind = match rule.kind {
            scoring::ScoreKind::Fit => "fit",
            scoring::ScoreKind::Engagement => "engagement",
        };
        let capped = if rule.capped { " (capped)" } else { "" };
        writeln!(
            out,
            "{:>+9.2}  {} [{kind}]{capped}",
            rule.points, rule.label
        )?;
        for event in &rule.events {
            writeln!(
                out,
                "           {:>+8.2}  event at {}",
                event.points,
                date_time(event.at)
            )?;
        }
    }
    Ok(())
}
