//! `person export EMAIL|ID [--format json|csv] [--output FILE]` and
//! `person erase EMAIL|ID [--yes]`: a person's access export (GDPR Art. 15)
//! and their erasure everywhere (Art. 17), with the suppression list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use leadstream_core::privacy::erase::{self, ErasurePreview};
use leadstream_core::privacy::person::{self, AccessFormat};

use crate::commands::CliResult;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Everything the workspace holds about one person (fields, events,
    /// consent, segments and their history, scores, planned sends, changes,
    /// merges, audit entries). Audited as `access_export`.
    Export {
        /// The person's e-mail address (any case) or lead id.
        person: String,
        #[arg(long, value_enum, default_value = "json")]
        format: FormatArg,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Erase one person everywhere: the workspace, its backups and the
    /// rejected-rows files; keep only a salted hash of the e-mail so later
    /// imports skip them. Asks first unless --yes.
    Erase {
        /// The person's e-mail address (any case) or lead id.
        person: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(db: &Path, command: PersonCommand, out: &mut impl Write) -> CliResult {
    match command {
        PersonCommand::Export {
            person,
            format,
            output,
        } => export(db, &person, format, output.as_deref(), out),
        PersonCommand::Erase { person, yes, json } => erase_person(db, &person, yes, json, out),
    }
}

fn export(
    db: &Path,
    query: &str,
    format: FormatArg,
    output: Option<&Path>,
    out: &mut impl Write,
) -> CliResult {
    let mut workspace = crate::commands::open_workspace(db)?;
    let lead_id = person::find(&workspace, query)?;
    let format = match format {
        FormatArg::Json => AccessFormat::Json,
        FormatArg::Csv => AccessFormat::Csv,
    };
    match output {
        Some(path) => {
            let summary = person::export_access(&mut workspace, lead_id, format, path)?;
            writeln!(
                out,
                "wrote the access export of lead {lead_id} ({} rows) to {}",
                summary.rows, summary.path
            )?;
        }
        None => {
            let document = person::access_document(&workspace, lead_id)?;
            let rows = person::write_access(&document, format, out)?;
            person::record_access_export(
                &mut workspace,
                lead_id,
                format,
                "<standard output>",
                rows,
            )?;
        }
    }
    Ok(())
}

fn describe(preview: &ErasurePreview) -> String {
    let mut lines = vec![format!(
        "lead {}: {} events, {} custom values, {} consent statements, {} saved old values, {} merges, in {} segment-history snapshots",
        preview.lead_id,
        preview.events,
        preview.custom_values,
        preview.consent_events,
        preview.import_changes,
        preview.merges,
        preview.snapshots
    )];
    lines.push(format!(
        "{} rejected-rows file(s) hold a row of theirs; {} backup(s) will be erased too (after a new one is taken)",
        preview.rejected_files.len(),
        preview.backups
    ));
    lines.push(if preview.will_suppress {
        "their e-mail's salted hash goes to the suppression list: later imports skip them".into()
    } else {
        "they have no e-mail address: nothing to suppress".into()
    });
    lines.join("\n")
}

fn erase_person(db: &Path, query: &str, yes: bool, json: bool, out: &mut impl Write) -> CliResult {
    let mut workspace = crate::commands::open_workspace(db)?;
    let lead_id = person::find(&workspace, query)?;
    if !yes {
        let preview = erase::preview(&workspace, lead_id)?;
        writeln!(
            out,
            "person erase will delete, and it cannot be undone:\n{}",
            describe(&preview)
        )?;
        if !std::io::stdin().is_terminal() {
            return Err(
                "person erase: standard input is not a terminal to confirm on; pass --yes to erase"
                    .into(),
            );
        }
        write!(out, "Erase this person? [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            writeln!(out, "nothing erased")?;
            return Ok(());
        }
    }
    let report = erase::erase(&mut workspace, lead_id)?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "erased lead {} on {}: {} events, {} custom values, {} consent statements, {} saved old values, {} merges, {} snapshots",
        report.lead_id,
        report.erased_at,
        report.events,
        report.custom_values,
        report.consent_events,
        report.import_changes,
        report.merges,
        report.snapshots
    )?;
    for file in &report.rejected_files_rewritten {
        writeln!(out, "rewrote without their rows: {file}")?;
    }
    for file in &report.rejected_files_deleted {
        writeln!(out, "deleted (it held only their rows): {file}")?;
    }
    writeln!(out, "erased from {} backup(s)", report.backups_erased.len())?;
    match &report.suppression_hash {
        Some(hash) => writeln!(out, "suppressed: {hash}")?,
        None => writeln!(out, "no e-mail address: nothing suppressed")?,
    }
    for problem in &report.problems {
        writeln!(out, "warning: {problem}")?;
    }
    Ok(())
}
