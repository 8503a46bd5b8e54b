//! `leadstream insights …`: the analyses of the Insights view, one
//! subcommand each (one module each), and the period and outcome options
//! that the conversion measures share.

use std::path::Path;

use clap::Subcommand;
use leadstream_core::insights::outcome::{Outcome, Period};
use leadstream_core::segments::RuleGroup;

use super::CliResult;

pub mod actions;
pub mod coverage;
pub mod crosstab;
pub mod discover;
pub mod overlap;
pub mod performance;

#[derive(Subcommand)]
pub enum InsightsCommand {
    /// How saved segments overlap: their counts and the pairwise matrix.
    Overlap(overlap::OverlapArgs),
    /// How many leads are in no saved segment, in one, or in many.
    Coverage(coverage::CoverageArgs),
    /// Conversion and engagement per segment over a period.
    Performance(performance::PerformanceArgs),
    /// Which actions predict conversion, ranked by lift.
    Actions(actions::ActionsArgs),
    /// A cross-tab of two fields or segment sets, with conversion rates.
    Crosstab(crosstab::CrosstabArgs),
    /// Segments proposed from the data: groups that convert clearly better.
    Discover(discover::DiscoverArgs),
}

/// `insights overlap|coverage|performance|actions|crosstab|discover`.
pub fn run(db: &Path, command: InsightsCommand, out: &mut impl std::io::Write) -> CliResult {
    match command {
        InsightsCommand::Overlap(args) => overlap::run(db, args, out),
        InsightsCommand::Coverage(args) => coverage::run(db, args, out),
        InsightsCommand::Performance(args) => performance::run(db, args, out),
        InsightsCommand::Actions(args) => actions::run(db, args, out),
        InsightsCommand::Crosstab(args) => crosstab::run(db, args, out),
        InsightsCommand::Discover(args) => discover::run(db, args, out),
    }
}

/// The period and the outcome of the conversion measures.
#[derive(clap::Args)]
pub struct OutcomeArgs {
    /// The period's first day (YYYY-MM-DD or ISO 8601).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The period's last day (a bare date includes that day).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// An event type that counts as a conversion in the period (repeatable;
    /// default: purchase).
    #[arg(long = "outcome", value_name = "TYPE")]
    pub outcome_types: Vec<String>,
    /// A rule JSON file: leads matching it at the period's end count as
    /// converted too (for a CRM's own flag, such as X Education's `Converted`).
    #[arg(long, value_name = "FILE")]
    pub outcome_rules: Option<String>,
}

impl OutcomeArgs {
    pub fn period(&self) -> CliResult<Period> {
        Ok(Period::parse(&self.from, &self.to)?)
    }

    pub fn outcome(&self) -> CliResult<Outcome> {
        let rules = match &self.outcome_rules {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                Some(RuleGroup::from_json(&text).map_err(|e| format!("{path}: {e}"))?)
            }
            None => None,
        };
        let event_types = if self.outcome_types.is_empty() && rules.is_none() {
            Outcome::default().event_types
        } else {
            self.outcome_types.clone()
        };
        Ok(Outcome { event_types, rules })
    }
}
