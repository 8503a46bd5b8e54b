//! `segment ice [--json|--csv] [--formula F] [--suggest] [--repeat N]`, `segment ice set
//! ID ...`, `segment ice clear ID` and `segment ice formula F`: the ICE
//! ranking of segments and streams, setting their scores, and the
//! workspace's formula.

use std::io::Write;

use clap::{Args, Subcommand};

use leadstream_core::segments::as_of_or_now;
use leadstream_core::strategy::ice::{
    self, format_score, IceFormula, IceTable, IceUpdate, TargetKind, TargetSuggestions,
};
use leadstream_core::Workspace;

use crate::commands::{print_run_time, CliResult};

/// `segment ice`: the ranked table, or a subcommand.
#[derive(Args)]
pub struct IceArgs {
    /// Print JSON (the table, its formula and every target's suggestions).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the ranked table as CSV (what the app's "Export CSV" writes).
    #[arg(long)]
    pub csv: bool,
    /// Rank with this formula for this print only (weighted, product or
    /// average); default: the workspace's.
    #[arg(long, value_name = "FORMULA")]
    pub formula: Option<String>,
    /// Print the suggestions from the data under each row, with reasons.
    #[arg(long)]
    pub suggest: bool,
    /// Suggestions as of this instant (default: now).
    #[arg(long, value_name = "ISO8601")]
    pub as_of: Option<String>,
    /// Works the table and its suggestions out N times and prints each
    /// time to stderr (benchmarks).
    #[arg(long, value_name = "N")]
    pub repeat: Option<u32>,
    #[command(subcommand)]
    pub command: Option<IceCommand>,
}

#[derive(Subcommand)]
pub enum IceCommand {
    /// Set a segment's (or with --stream, a stream's) scores and notes;
    /// what is not given is kept.
    Set(SetArgs),
    /// Clear a segment's (or stream's) scores and notes.
    Clear {
        id: i64,
        /// ID is a stream's.
        #[arg(long)]
        stream: bool,
    },
    /// Set the workspace's formula: weighted (Impact × Confidence / Effort),
    /// product (I × C × Ease) or average ((I + C + Ease) / 3).
    Formula { formula: String },
}

#[derive(Args)]
pub struct SetArgs {
    /// The saved segment's id (a stream's with --stream).
    pub id: i64,
    #[arg(long)]
    pub stream: bool,
    /// Impact, 1-10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub impact: Option<i64>,
    /// Confidence, 1-10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub confidence: Option<i64>,
    /// Ease, 1-10 (10 = the easiest).
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "effort",
        allow_negative_numbers = true
    )]
    pub ease: Option<i64>,
    /// Effort, 1-10 (10 = the most work): stored as ease 11 − N.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub effort: Option<i64>,
    #[arg(long, value_name = "TEXT")]
    pub note_impact: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub note_confidence: Option<String>,
    /// The note of E (ease or effort).
    #[arg(long, value_name = "TEXT")]
    pub note_ease: Option<String>,
    /// A note for the whole row.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `segment ice ...`.
pub fn run(workspace: &mut Workspace, args: IceArgs, out: &mut impl Write) -> CliResult {
    match args.command {
        Some(IceCommand::Set(set)) => {
            let kind = kind_of(set.stream);
            let update = IceUpdate {
                impact: score("Impact", set.impact)?,
                confidence: score("Confidence", set.confidence)?,
                ease: score("Ease", set.ease)?,
                effort: score("Effort", set.effort)?,
                note_impact: set.note_impact,
                note_confidence: set.note_confidence,
                note_ease: set.note_ease,
                note: set.note,
            };
            if update == IceUpdate::default() {
                return Err("say what to set: --impact, --confidence, --ease or --effort (1-10), or a --note".into());
            }
            let table = ice::set_scores(workspace, kind, set.id, &update)?;
            let row = table
                .rows
                .iter()
                .find(|r| r.kind == kind && r.id == set.id)
                .ok_or("the scored row is missing from the table")?;
            let rank = row.rank.map_or_else(
                || "not ranked yet (score all three)".to_owned(),
                |r| format!("rank {r} of {}", ranked(&table)),
            );
            writeln!(
                out,
                "{} {} “{}”: I {}, C {}, {} {}; score {} ({})",
                kind.key(),
                row.id,
                row.name,
                dash(row.impact),
                dash(row.confidence),
                e_short(&table),
                dash(row.e),
                row.score.map_or_else(|| "-".to_owned(), format_score),
                rank
            )?;
        }
        Some(IceCommand::Clear { id, stream }) => {
            let had = ice::clear_scores(workspace, kind_of(stream), id)?;
            writeln!(
                out,
                "{}",
                if had {
                    format!("cleared the scores of {} {id}", kind_of(stream).key())
                } else {
                    format!("{} {id} had no scores", kind_of(stream).key())
                }
            )?;
        }
        Some(IceCommand::Formula { formula }) => {
            let formula = IceFormula::parse(&formula)?;
            ice::set_formula(workspace, formula)?;
            writeln!(
                out,
                "ICE formula: {} ({}); E reads as {}",
                formula.key(),
                formula.describe(),
                formula.e_label()
            )?;
        }
        None => print_table(workspace, &args, out)?,
    }
    Ok(())
}

fn kind_of(stream: bool) -> TargetKind {
    if stream {
        TargetKind::Stream
    } else {
        TargetKind::Segment
    }
}

/// A score from the command line: 1-10, refused with the value and the range.
fn score(name: &str, value: Option<i64>) -> CliResult<Option<u8>> {
    match value {
        None => Ok(None),
        Some(v) if (1..=10).contains(&v) => Ok(Some(v as u8)),
        Some(v) => Err(format!("{name} must be a whole number from 1 to 10, not {v}").into()),
    }
}

fn dash(value: Option<u8>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn ranked(table: &IceTable) -> usize {
    table.rows.iter().filter(|r| r.rank.is_some()).count()
}

fn e_short(table: &IceTable) -> &'static str {
    if table.e_is_effort {
        "Effort"
    } else {
        "Ease"
    }
}

fn print_table(workspace: &Workspace, args: &IceArgs, out: &mut impl Write) -> CliResult {
    let formula = match &args.formula {
        Some(text) => IceFormula::parse(text)?,
        None => ice::formula(workspace)?,
    };
    let table = ice::ranked_table(workspace, formula)?;
    if args.csv {
        ice::write_csv(&table, out)?;
        return Ok(());
    }
    let as_of = as_of_or_now(args.as_of.as_deref())?;
    for run in 1..=args.repeat.unwrap_or(0) {
        let started = std::time::Instant::now();
        ice::ranked_table(workspace, formula)?;
        ice::suggestions(workspace, as_of)?;
        print_run_time(run, started, 1);
    }
    let suggestions = if args.json || args.suggest {
        ice::suggestions(workspace, as_of)?
    } else {
        Vec::new()
    };
    if args.json {
        let json = serde_json::json!({
            "formula": table.formula,
            "formula_text": table.formula_text,
            "e_is_effort": table.e_is_effort,
            "e_label": table.e_label,
            "rows": table.rows,
            "suggestions": suggestions,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "ICE ranking, formula {}: {} (E = {})",
        table.formula.key(),
        table.formula_text,
        table.e_label
    )?;
    writeln!(
        out,
        "{:>4}  {:<7} {:>5}  {:<36} {:>2} {:>2} {:>2} {:>8}",
        "Rank", "Kind", "Id", "Name", "I", "C", "E", "Score"
    )?;
    for row in &table.rows {
        let name: String = row.name.chars().take(36).collect();
        writeln!(
            out,
            "{:>4}  {:<7} {:>5}  {:<36} {:>2} {:>2} {:>2} {:>8}",
            row.rank.map_or_else(|| "-".to_owned(), |r| r.to_string()),
            row.kind.key(),
            row.id,
            name,
            dash(row.impact),
            dash(row.confidence),
            dash(row.e),
            row.score
                .map_or_else(|| "not scored".to_owned(), format_score)
        )?;
        if let Some(s) = suggestions
            .iter()
            .find(|s| s.kind == row.kind && s.id == row.id)
        {
            print_suggestions(&table, s, out)?;
        }
    }
    Ok(())
}

fn print_suggestions(table: &IceTable, s: &TargetSuggestions, out: &mut impl Write) -> CliResult {
    let e = if table.e_is_effort {
        &s.effort
    } else {
        &s.ease
    };
    for (label, suggestion) in [
        ("Impact", &s.impact),
        ("Confidence", &s.confidence),
        (e_short(table), e),
    ] {
        writeln!(
            out,
            "{:>14} suggested {label} {}: {}",
            "",
            suggestion.value,
            suggestion.reasons.join("; ")
        )?;
    }
    Ok(())
}
