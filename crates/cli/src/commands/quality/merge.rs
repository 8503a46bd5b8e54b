//! `leads merge SURVIVOR ID... [--dry-run] [--pick FIELD=ID ...]`: merges
//! duplicates into the first id. The dry run prints the preview (per field
//! each lead's value, the chosen one and why); the merge prints the change
//! id and how to undo it.

use std::io::Write;
use std::path::Path;

use leadstream_core::quality::merge::{self, ChoiceReason, MergeLead, Picks};
use leadstream_core::DataChange;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The survivor's id, then the ids of the leads merged into it.
    #[arg(required = true, num_args = 2..)]
    pub ids: Vec<i64>,
    /// Show what the merge would do, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Take FIELD's value from lead ID instead of the most recent non-empty
    /// one (repeatable), e.g. `--pick company=102`.
    #[arg(long = "pick", value_name = "FIELD=ID")]
    pub picks: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_picks(picks: &[String]) -> CliResult<Picks> {
    let mut parsed = Picks::new();
    for pick in picks {
        let Some((field, id)) = pick.split_once('=') else {
            return Err(format!("--pick {pick}: write it as FIELD=ID, e.g. company=102").into());
        };
        let id: i64 = id
            .trim()
            .parse()
            .map_err(|_| format!("--pick {pick}: {id} is not a lead id"))?;
        parsed.insert(field.trim().to_owned(), id);
    }
    Ok(parsed)
}

fn describe(lead: &MergeLead) -> String {
    let mut parts = vec![format!("#{}", lead.lead.id)];
    if !lead.lead.name.is_empty() {
        parts.push(lead.lead.name.clone());
    }
    if let Some(email) = &lead.lead.email {
        parts.push(format!("<{email}>"));
    }
    parts.push(format!(
        "updated {}, {} events, in {} segments",
        lead.updated_at,
        lead.events,
        lead.segments.len()
    ));
    parts.join(" ")
}

pub fn run(db: &Path, args: &MergeArgs, out: &mut impl Write) -> CliResult {
    let mut workspace = crate::commands::open_workspace(db)?;
    let (survivor, merged) = args
        .ids
        .split_first()
        .ok_or("leads merge: name the survivor and at least one lead to merge into it")?;
    let picks = parse_picks(&args.picks)?;
    if args.dry_run {
        let preview = merge::preview(&workspace, *survivor, merged, &picks)?;
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&preview)?)?;
            return Ok(());
        }
        writeln!(out, "dry run: {} (nothing changed)", preview.title)?;
        writeln!(out, "survivor {}", describe(&preview.survivor))?;
        for lead in &preview.merged {
            writeln!(out, "merged   {}", describe(lead))?;
        }
        writeln!(
            out,
            "{} events move to the survivor; {} of its values change",
            preview.events_to_move, preview.values_changing
        )?;
        for field in preview.fields.iter().filter(|f| f.chosen.is_some()) {
            let reason = match field.reason {
                ChoiceReason::MostRecent => "most recent non-empty",
                ChoiceReason::Picked => "picked",
                ChoiceReason::Identity => "the survivor's identity",
                ChoiceReason::Empty => "no value",
            };
            let values: Vec<String> = field
                .values
                .iter()
                .map(|v| format!("#{}: {}", v.lead_id, v.value.as_deref().unwrap_or("—")))
                .collect();
            writeln!(
                out,
                "{}{}: {} (from #{}, {reason}) [{}]",
                if field.changes { "* " } else { "  " },
                field.label,
                field.chosen.as_deref().unwrap_or("—"),
                field.chosen_lead.unwrap_or(*survivor),
                values.join("; ")
            )?;
        }
        return Ok(());
    }
    let outcome = merge::merge(&mut workspace, *survivor, merged, &picks)?;
    for problem in workspace.after_data_change(DataChange::Import) {
        eprintln!("leadstream: {problem}");
    }
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&outcome)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "change {}: {} ({} merged, {} values changed)",
        outcome.change_id, outcome.title, outcome.leads_merged, outcome.values_changed
    )?;
    writeln!(out, "undo it with: imports undo {}", outcome.change_id)?;
    Ok(())
}
