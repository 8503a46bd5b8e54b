//! `audit list [--json] [--action A] [--since DATE] [--until DATE] [--limit
//! N]` and `audit export --format csv|json --out FILE`: the audit log
//! (issue 15), newest first, one summary line per entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use leadstream_core::privacy::audit::{self, AuditExportFormat, AuditFilter};
use leadstream_core::segments::parse_as_of;
use leadstream_core::text::grouped;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct FilterArgs {
    /// Only entries of this action (import, undo_import, fix, export,
    /// settings, backup, restore, ...).
    #[arg(long, value_name = "A")]
    action: Option<String>,
    /// Only entries from this date on (YYYY-MM-DD, UTC, or ISO 8601).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only entries before this date (YYYY-MM-DD, UTC, or ISO 8601).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

impl FilterArgs {
    fn filter(&self) -> CliResult<AuditFilter> {
        Ok(AuditFilter {
            action: self.action.clone(),
            since: self.since.as_deref().map(parse_as_of).transpose()?,
            until: self.until.as_deref().map(parse_as_of).transpose()?,
        })
    }
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum AuditFormatArg {
    Csv,
    Json,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// List the audit log, newest first: time, action, what happened.
    List {
        /// Print JSON (the entries with their stored detail) instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// At most this many entries.
        #[arg(long, value_name = "N", default_value_t = audit::DEFAULT_PAGE)]
        limit: u64,
    },
    /// Write the audit log (all entries, or those the filter keeps) to a file.
    Export {
        #[arg(long, value_enum)]
        format: AuditFormatArg,
        /// The file to write (replaced only when the export succeeds).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
}

pub fn run(db: &Path, command: AuditCommand, out: &mut impl Write) -> CliResult {
    match command {
        AuditCommand::List {
            json,
            filter,
            limit,
        } => {
            let workspace = crate::commands::open_workspace(db)?;
            let page = audit::list(&workspace, &filter.filter()?, limit, 0)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&page)?)?;
            } else {
                for entry in &page.entries {
                    writeln!(
                        out,
                        "{:>6}  {}  {:<12} {}",
                        entry.id,
                        audit::rfc3339(entry.occurred_at),
                        entry.action,
                        entry.summary
                    )?;
                }
                eprintln!(
                    "{} of {} entries",
                    grouped(page.entries.len() as u64),
                    grouped(page.total)
                );
            }
        }
        AuditCommand::Export {
            format,
            out: file,
            filter,
        } => {
            let mut workspace = crate::commands::open_workspace(db)?;
            let format = match format {
                AuditFormatArg::Csv => AuditExportFormat::Csv,
                AuditFormatArg::Json => AuditExportFormat::Json,
            };
            let written = audit::export(&mut workspace, &filter.filter()?, format, &file)?;
            writeln!(out, "{written}")?;
            eprintln!(
                "Exported {} audit entries to {}",
                grouped(written),
                file.display()
            );
        }
    }
    Ok(())
}
