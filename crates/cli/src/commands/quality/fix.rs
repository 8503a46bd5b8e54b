//! `fix normalise FIELD [--map FROM=TO ...] [--dry-run] [--json]` and `fix
//! unsendable --reason R ... [--lead ID ...] [--dry-run] [--json]`: the
//! normalisations of a field's values and addresses marked not sendable,
//! each applied as one fix in the change history (`imports undo ID`).

use std::io::Write;
use std::path::Path;

use clap::{Subcommand, ValueEnum};
use leadstream_core::quality::fixes::FixOutcome;
use leadstream_core::quality::normalise::unsendable::{
    self, Unsendable, UnsendablePreview, UnsendableReason,
};
use leadstream_core::quality::normalise::{self, NormalisationPreview};
use leadstream_core::{DataChange, Workspace};

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum FixCommand {
    /// Normalise a field: countries to one name, phones to E.164 (read in
    /// the lead's country), or the spellings of one value to the most
    /// common one. Without --map, applies every suggestion.
    Normalise(NormaliseArgs),
    /// Mark addresses as not sendable ("Do not email"; consent is left alone).
    Unsendable(UnsendableArgs),
}

#[derive(clap::Args)]
pub struct NormaliseArgs {
    /// The field's key (`country`, `phone`, or any text field).
    pub field: String,
    /// A mapping to apply instead of the suggestions: `--map "USA=United
    /// States"` (repeatable; split at the last `=`).
    #[arg(long = "map", value_name = "FROM=TO")]
    pub maps: Vec<String>,
    /// Show what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    Invalid,
    Role,
    Disposable,
    HardBounce,
}

#[derive(clap::Args)]
pub struct UnsendableArgs {
    /// Which addresses: invalid, role, disposable, hard-bounce (repeatable).
    #[arg(long = "reason", value_enum)]
    pub reasons: Vec<ReasonArg>,
    /// A lead to mark, by id (repeatable).
    #[arg(long = "lead", value_name = "ID")]
    pub leads: Vec<i64>,
    /// Show what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, command: FixCommand, out: &mut impl Write) -> CliResult {
    match command {
        FixCommand::Normalise(args) => run_normalise(db, &args, out),
        FixCommand::Unsendable(args) => run_unsendable(db, &args, out),
    }
}

fn parse_map(text: &str) -> CliResult<(String, String)> {
    match text.rsplit_once('=') {
        Some((from, to)) if !from.is_empty() => Ok((from.to_owned(), to.to_owned())),
        _ => Err(
            format!("--map {text:?}: write it as FROM=TO, e.g. --map \"USA=United States\"").into(),
        ),
    }
}

fn run_normalise(db: &Path, args: &NormaliseArgs, out: &mut impl Write) -> CliResult {
    let mut workspace = crate::commands::open_workspace(db)?;
    let plan = normalise::suggest(&workspace, &args.field)?;
    let normalisation = if args.maps.is_empty() {
        normalise::confirm_all(&plan)
    } else {
        let pairs = args
            .maps
            .iter()
            .map(|m| parse_map(m))
            .collect::<CliResult<Vec<_>>>()?;
        normalise::mapping_in_every_region(&workspace, &args.field, &pairs)?
    };
    if args.dry_run {
        let preview = normalise::preview(&workspace, &normalisation)?;
        let untouched = if args.maps.is_empty() {
            plan.untouched.as_slice()
        } else {
            &[]
        };
        if args.json {
            let mut value = serde_json::to_value(&preview)?;
            value["untouched"] = serde_json::to_value(untouched)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        } else {
            print_normalisation_preview(out, &preview)?;
            if !untouched.is_empty() {
                writeln!(
                    out,
                    "left alone ({} values on {}):",
                    plan.untouched_values,
                    leads(plan.untouched_leads)
                )?;
                for value in untouched {
                    writeln!(
                        out,
                        "  {:?}  {}  ({})",
                        value.value,
                        leads(value.leads),
                        value.reason
                    )?;
                }
            }
        }
        return Ok(());
    }
    if normalisation.mappings.is_empty() && args.maps.is_empty() {
        writeln!(out, "nothing to normalise in {}", plan.field)?;
        return Ok(());
    }
    let outcome = normalise::apply(&mut workspace, &normalisation)?;
    after_fix(&mut workspace);
    print_outcome(out, &outcome, args.json)
}

/// "1 lead", "3 leads".
fn leads(count: u64) -> String {
    format!("{count} {}", if count == 1 { "lead" } else { "leads" })
}

fn region_note(region: Option<&str>) -> String {
    region.map(|r| format!(" [{r}]")).unwrap_or_default()
}

fn print_normalisation_preview(out: &mut impl Write, preview: &NormalisationPreview) -> CliResult {
    writeln!(
        out,
        "{}: {} will change",
        preview.title,
        leads(preview.leads_changing)
    )?;
    for mapping in &preview.mappings {
        writeln!(
            out,
            "  {:?} -> {:?}{}  {}",
            mapping.from,
            mapping.to,
            region_note(mapping.region.as_deref()),
            leads(mapping.leads)
        )?;
    }
    Ok(())
}

fn run_unsendable(db: &Path, args: &UnsendableArgs, out: &mut impl Write) -> CliResult {
    let what = Unsendable {
        reasons: args
            .reasons
            .iter()
            .map(|reason| match reason {
                ReasonArg::Invalid => UnsendableReason::Invalid,
                ReasonArg::Role => UnsendableReason::Role,
                ReasonArg::Disposable => UnsendableReason::Disposable,
                ReasonArg::HardBounce => UnsendableReason::HardBounce,
            })
            .collect(),
        lead_ids: args.leads.clone(),
    };
    let mut workspace = crate::commands::open_workspace(db)?;
    if args.dry_run {
        let preview = unsendable::preview_unsendable(&workspace, &what)?;
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&preview)?)?;
        } else {
            print_unsendable_preview(out, &preview)?;
        }
        return Ok(());
    }
    let outcome = unsendable::mark_unsendable(&mut workspace, &what)?;
    after_fix(&mut workspace);
    print_outcome(out, &outcome, args.json)
}

fn print_unsendable_preview(out: &mut impl Write, preview: &UnsendablePreview) -> CliResult {
    writeln!(
        out,
        "{}: {} will be marked, {} already marked",
        preview.title,
        leads(preview.leads_to_mark),
        preview.already_marked
    )?;
    for count in &preview.by_reason {
        writeln!(
            out,
            "  {:<12} {} ({} already marked)",
            count.reason.as_str(),
            leads(count.leads),
            count.already_marked
        )?;
    }
    for lead in &preview.sample {
        writeln!(
            out,
            "  #{} {} <{}>",
            lead.lead_id,
            lead.name,
            lead.email.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// Scores and segment history follow the fix; a failure there is a warning.
fn after_fix(workspace: &mut Workspace) {
    for problem in workspace.after_data_change(DataChange::Import) {
        eprintln!("leadstream: {problem}");
    }
}

fn print_outcome(out: &mut impl Write, outcome: &FixOutcome, json: bool) -> CliResult {
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(outcome)?)?;
    } else {
        writeln!(
            out,
            "{}: changed {} (fix {id}; `imports undo {id}` undoes it)",
            outcome.title,
            leads(outcome.leads_changed),
            id = outcome.change_id
        )?;
    }
    Ok(())
}
