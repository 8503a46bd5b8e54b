//! `backup create [--reason TEXT]`, `backup list [--json]`, `backup restore
//! ID [--yes]`, `backup keep [N]`: the workspace's backups (issue 15).
//! Restoring replaces the whole workspace; without `--yes` the command says
//! what would happen and changes nothing.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;
use leadstream_core::privacy::backups;
use leadstream_core::store::backup::{self, BackupInfo};
use leadstream_core::store::restore;
use leadstream_core::text::grouped;

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Take a backup now (SQLite's online backup into `<file>-backups/`).
    Create {
        /// Why, as a word or two; part of the file name (default "manual").
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// List the backups, newest first: id, time, reason, size, leads.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Replace the workspace with a backup (a backup of the current state is
    /// taken first). Without --yes, says what would happen and stops.
    Restore {
        /// The backup's id, as `backup list` shows it.
        id: String,
        /// Restore without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Show how many backups are kept, or set it (1 to 1,000).
    Keep {
        /// The new number of backups to keep.
        count: Option<u32>,
    },
}

pub fn run(db: &Path, command: BackupCommand, out: &mut impl Write) -> CliResult {
    let mut workspace = crate::commands::open_workspace(db)?;
    match command {
        BackupCommand::Create { reason } => {
            let made = backups::create_now(&mut workspace, reason.as_deref())?;
            writeln!(out, "{}", made.id)?;
            eprintln!(
                "Backed up {} leads ({}) to {}",
                leads_text(&made),
                size_text(made.size_bytes),
                backup::path_of(&workspace, &made.id)?.display()
            );
        }
        BackupCommand::List { json } => {
            let overview = backups::overview(&workspace)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&overview)?)?;
            } else {
                for info in &overview.backups {
                    writeln!(
                        out,
                        "{}  {}  {:<16} {:>10}  {} leads",
                        info.id,
                        time_text(info.taken_at),
                        info.reason,
                        size_text(info.size_bytes),
                        leads_text(info)
                    )?;
                }
                eprintln!(
                    "{} backups (the newest {} are kept) in {}",
                    overview.backups.len(),
                    overview.keep,
                    overview.folder.unwrap_or_default()
                );
            }
        }
        BackupCommand::Restore { id, yes } => {
            let file = backup::path_of(&workspace, &id)?;
            let (_, backup_leads) = restore::check(&workspace, &file)?;
            let taken = backup::list(&workspace)?
                .into_iter()
                .find(|b| b.id == id)
                .map(|b| time_text(b.taken_at))
                .unwrap_or_default();
            let current = leadstream_core::leads::count(&workspace)?;
            let plan = format!(
                "The workspace ({} leads) will be replaced by the backup of {taken} ({} leads); \
                 a backup of the current state is taken first.",
                grouped(current),
                grouped(backup_leads)
            );
            if !yes {
                return Err(format!("{plan} Run again with --yes to restore.").into());
            }
            let outcome = backups::restore(&mut workspace, &id)?;
            writeln!(
                out,
                "Restored {}: {} leads (were {}). The state before is in the backup {}.",
                outcome.restored,
                grouped(outcome.leads_after),
                grouped(outcome.leads_before),
                outcome.safety_backup.unwrap_or_default()
            )?;
            for warning in outcome.warnings {
                eprintln!("warning: {warning}");
            }
        }
        BackupCommand::Keep { count } => {
            if let Some(count) = count {
                backups::set_keep(&mut workspace, count)?;
            }
            writeln!(out, "{}", backup::keep(&workspace)?)?;
        }
    }
    Ok(())
}

fn leads_text(info: &BackupInfo) -> String {
    info.leads.map(grouped).unwrap_or_else(|| "?".to_owned())
}

/// `2026-11-30 04:06 UTC`.
fn time_text(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// `12.4 MB`, `880 KB`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} KB", bytes.div_ceil(1_000))
    }
}
