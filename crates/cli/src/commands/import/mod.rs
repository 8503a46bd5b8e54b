//! `import leads|events` and `imports list|undo`: importing a CSV file and
//! the import history.

mod spec;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::import::history::{self, ImportRecord, UndoSummary};
use leadstream_core::import::spec::{ImportKind, ImportProgress};
use leadstream_core::quality::fixes;
use leadstream_core::{fields, DataChange, Workspace};

use super::CliResult;
use crate::{ImportCommand, ImportsCommand};
use spec::{import_spec, print_report};

/// When set, `import` prints on stderr how long the import transaction and
/// what follows it (scores, segment history) took (`bench/import.sh`).
const TIMINGS_VARIABLE: &str = "LEADSTREAM_IMPORT_TIMINGS";

/// `import leads|events FILE`: imports (or dry-runs) the file and prints
/// the counts.
pub fn run(db: &Path, command: ImportCommand, out: &mut impl Write) -> CliResult {
    let (kind, args) = match command {
        ImportCommand::Leads(args) => (ImportKind::Leads, args),
        ImportCommand::Events(args) => (ImportKind::Events, args),
    };
    let mut workspace = crate::commands::open_workspace(db)?;
    let spec = import_spec(&workspace, kind, &args)?;
    let cancel = AtomicBool::new(false);
    let mut progress = |_: &ImportProgress| {};
    let control = ImportControl {
        cancel: &cancel,
        progress: &mut progress,
    };
    let started = Instant::now();
    let report = run_import(&mut workspace, &args.file, &spec, args.dry_run, control)?;
    let imported = started.elapsed();
    if !args.dry_run {
        warn_after_change(&mut workspace, DataChange::Import);
    }
    if std::env::var_os(TIMINGS_VARIABLE).is_some() {
        eprintln!(
            "timings: import transaction {:.2} s, after the change (scores, segment history) {:.2} s",
            imported.as_secs_f64(),
            (started.elapsed() - imported).as_secs_f64()
        );
    }
    print_report(out, &report, args.json)?;
    Ok(())
}

/// `imports list` and `imports undo ID`.
pub fn history(db: &Path, command: ImportsCommand, out: &mut impl Write) -> CliResult {
    match command {
        ImportsCommand::List { json } => {
            let imports = history::list(&crate::commands::open_workspace(db)?)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&imports)?)?;
            } else {
                for import in imports {
                    writeln!(out, "{}", history_line(&import))?;
                }
            }
        }
        ImportsCommand::Undo { id, remove_fields } => {
            let mut workspace = crate::commands::open_workspace(db)?;
            let change = history::list(&workspace)?.into_iter().find(|i| i.id == id);
            let summary = fixes::undo_change(&mut workspace, id, remove_fields)?;
            warn_after_change(&mut workspace, DataChange::Undo);
            writeln!(out, "{}", undo_line(id, change.as_ref(), &summary))?;
            for label in &summary.created_fields.removed {
                writeln!(out, "removed field {label}")?;
            }
            for kept in &summary.created_fields.kept {
                writeln!(out, "kept field {}: {}", kept.label, kept.reason)?;
            }
        }
    }
    Ok(())
}

/// One change of the history as `imports list` prints it: a fix with its
/// kind, title and the leads it changed or merged; an import with its file
/// and counts.
fn history_line(import: &ImportRecord) -> String {
    let c = &import.counts;
    let undone = import
        .undone_at
        .as_ref()
        .map(|at| format!("  (undone {at})"))
        .unwrap_or_default();
    let kind = fields::enum_text(&import.kind);
    if import.kind.is_fix() {
        return format!(
            "{:>4}  {}  {:<10} {}  leads changed {} merged {}{undone}",
            import.id, import.started_at, kind, import.file_name, c.updated, c.merged
        );
    }
    format!(
        "{:>4}  {}  {:<10} {}  rows {} inserted {} updated {} skipped {} merged {} rejected {}{undone}",
        import.id,
        import.started_at,
        kind,
        import.file_name,
        c.rows,
        c.inserted,
        c.updated,
        c.skipped,
        c.merged,
        c.rejected,
    )
}

/// What `imports undo ID` did, for an import or a fix.
fn undo_line(id: i64, change: Option<&ImportRecord>, summary: &UndoSummary) -> String {
    match change {
        Some(fix) if fix.kind.is_fix() => {
            let mut line = format!(
                "undid fix {id} ({}): restored {} values",
                fix.file_name, summary.values_restored
            );
            if summary.leads_restored > 0 {
                line.push_str(&format!(
                    ", put back {} merged leads",
                    summary.leads_restored
                ));
            }
            line
        }
        _ => format!(
            "undid import {id}: removed {} leads and {} events, restored {} values",
            summary.leads_removed, summary.events_removed, summary.values_restored
        ),
    }
}

/// After an import or an undo changed the data: what follows it (scores,
/// segment history). The change itself is done and stays; what could not
/// follow is a warning on stderr.
fn warn_after_change(workspace: &mut Workspace, change: DataChange) {
    for problem in workspace.after_data_change(change) {
        eprintln!("leadstream: {problem}");
    }
}
