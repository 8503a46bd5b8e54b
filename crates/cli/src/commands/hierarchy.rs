//! `hierarchy save|list|show|assign|delete`: saved hierarchies of segments
//! and how they settle each lead into one primary segment.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;
use leadstream_core::segments::{self, hierarchies};
use leadstream_core::Workspace;

use super::{print_run_time, CliResult};

#[derive(Subcommand)]
pub enum HierarchyCommand {
    /// Save a hierarchy from a JSON file (`{"name": …, "segments": [ids]}`,
    /// with `"id"` to replace one); `-` reads stdin. Prints its id.
    Save {
        /// The hierarchy JSON file, or `-` for stdin.
        file: String,
    },
    /// List the saved hierarchies with their segments in order.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one hierarchy's segments in order.
    Show {
        id: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Each segment's primary and secondary counts and the count in none
    /// (with --leads: each lead's primary segment).
    Assign {
        id: i64,
        /// Evaluate relative dates and behaviour as of this instant (YYYY-MM-DD
        /// or ISO 8601; default: now).
        #[arg(long, value_name = "ISO8601")]
        as_of: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Print each lead's primary segment (and secondary ones) instead of the counts.
        #[arg(long)]
        leads: bool,
        /// Assign this many times and print each run's time to stderr (warm figures).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// Delete a hierarchy (refused while a segment or stream tests it).
    Delete { id: i64 },
}

pub fn run(db: &Path, command: HierarchyCommand, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    match command {
        HierarchyCommand::Save { file } => {
            let text = if file == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?
            };
            let draft: hierarchies::HierarchyDraft = serde_json::from_str(&text).map_err(|e| {
                format!("{file}: not a hierarchy ({{\"name\": …, \"segments\": [ids]}}): {e}")
            })?;
            let saved = hierarchies::save(workspace, &draft)?;
            if saved.segments.is_empty() {
                eprintln!("note: hierarchy “{}” has no segments yet", saved.name);
            }
            writeln!(out, "{}", saved.id)?;
        }
        HierarchyCommand::List { json } => {
            let all = hierarchies::list(workspace)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
            } else {
                writeln!(out, "{:>4}  {:>8}  name", "id", "segments")?;
                for hierarchy in &all {
                    writeln!(
                        out,
                        "{:>4}  {:>8}  {}",
                        hierarchy.id,
                        hierarchy.segments.len(),
                        hierarchy.name
                    )?;
                }
            }
        }
        HierarchyCommand::Show { id, json } => {
            let hierarchy = hierarchies::get(workspace, id)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&hierarchy)?)?;
            } else {
                writeln!(out, "{} ({})", hierarchy.name, hierarchy.id)?;
                for (position, segment) in hierarchy.segments.iter().enumerate() {
                    writeln!(
                        out,
                        "{:>3}. {} ({})",
                        position + 1,
                        segment.name,
                        segment.id
                    )?;
                }
            }
        }
        HierarchyCommand::Assign {
            id,
            as_of,
            json,
            leads,
            repeat,
        } => {
            let at = segments::as_of_or_now(as_of.as_deref())?;
            if leads {
                return print_leads(workspace, id, at, json, out);
            }
            let mut assignment = None;
            for run in 1..=repeat.max(1) {
                let started = std::time::Instant::now();
                assignment = Some(hierarchies::assign(workspace, id, at)?);
                if repeat > 1 {
                    print_run_time(run, started, 3);
                }
            }
            let assignment = assignment.ok_or("no assignment was made")?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&assignment)?)?;
            } else {
                print_assignment(out, &assignment)?;
            }
        }
        HierarchyCommand::Delete { id } => {
            let name = hierarchies::get(workspace, id)?.name;
            hierarchies::delete(workspace, id)?;
            writeln!(out, "Deleted hierarchy {id} (“{name}”)")?;
        }
    }
    Ok(())
}

/// `assign` as a table: position, segment, primary, secondary, then none.
fn print_assignment(out: &mut impl Write, assignment: &hierarchies::Assignment) -> CliResult {
    writeln!(
        out,
        "{:>3}  {:>9}  {:>9}  {:>9}  segment",
        "#", "primary", "secondary", "members"
    )?;
    for (position, row) in assignment.segments.iter().enumerate() {
        writeln!(
            out,
            "{:>3}  {:>9}  {:>9}  {:>9}  {} ({})",
            position + 1,
            row.primary,
            row.secondary,
            row.members,
            row.segment.name,
            row.segment.id
        )?;
    }
    writeln!(out, "     {:>9}  in none", assignment.none)?;
    writeln!(out, "     {:>9}  leads in all", assignment.total)?;
    if let Some(note) = &assignment.note {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// `assign --leads`: one line (or JSON object) per lead: its id, its
/// primary segment's id (empty: in none) and its secondary segments' ids.
fn print_leads(
    workspace: &Workspace,
    id: i64,
    at: i64,
    json: bool,
    out: &mut impl Write,
) -> CliResult {
    let leads = hierarchies::lead_primaries(workspace, id, at)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&leads)?)?;
        return Ok(());
    }
    writeln!(out, "lead_id,primary,secondary")?;
    for lead in leads {
        let secondary: Vec<String> = lead.secondary.iter().map(i64::to_string).collect();
        writeln!(
            out,
            "{},{},{}",
            lead.lead_id,
            lead.primary.map(|id| id.to_string()).unwrap_or_default(),
            secondary.join(";")
        )?;
    }
    Ok(())
}
