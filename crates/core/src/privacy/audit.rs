//! The audit log: its list and export (issue 15). The log itself is
//! written where each change happens (`store::tables::audit::record`); this
//! module reads it back newest first, filtered and paged, with one line per
//! entry in a marketer's words, and exports it as CSV or JSON. An export of
//! the log is itself an audited export.

use std::path::Path;

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::export::{write_file_atomically, JsonArrayWriter, SafeCsvWriter};
use crate::store::tables::audit::{self, AuditQuery, AuditRow};
use crate::text::grouped;
use crate::{Result, Workspace};

/// How many entries a page holds when the caller does not say.
pub const DEFAULT_PAGE: u64 = 200;
/// How many rows an export reads at a time.
const EXPORT_CHUNK: u64 = 1_000;

/// Which entries to show: every condition that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditFilter {
    /// Only this action (`import`, `export`, `restore`, ...).
    #[serde(default)]
    pub action: Option<String>,
    /// From this time on (Unix seconds, inclusive).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub since: Option<i64>,
    /// Before this time (Unix seconds, exclusive).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub until: Option<i64>,
}

impl AuditFilter {
    fn query(&self) -> AuditQuery {
        AuditQuery {
            action: self.action.clone().filter(|a| !a.is_empty()),
            since: self.since,
            until: self.until,
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// Unix seconds (UTC).
    #[ts(type = "number")]
    pub occurred_at: i64,
    pub action: String,
    /// One line in a marketer's words: "Imported leads.csv: 1,200 added, …".
    pub summary: String,
    /// The stored detail (lead ids, counts, file paths; never a person).
    #[ts(type = "unknown")]
    pub detail: Value,
}

/// A page of entries and how many match the filter in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[ts(type = "number")]
    pub total: u64,
    /// Every action in the log, for the filter.
    pub actions: Vec<String>,
}

/// The entries that match `filter`, newest first: `limit` of them after
/// skipping `offset`.
pub fn list(
    workspace: &Workspace,
    filter: &AuditFilter,
    limit: u64,
    offset: u64,
) -> Result<AuditPage> {
    let query = filter.query();
    let entries = audit::list(workspace, &query, limit, offset)?
        .into_iter()
        .map(entry)
        .collect();
    Ok(AuditPage {
        entries,
        total: audit::count(workspace, &query)?,
        actions: audit::actions(workspace)?
            .into_iter()
            .map(|(action, _)| action)
            .collect(),
    })
}

fn entry((id, occurred_at, action, detail): AuditRow) -> AuditEntry {
    let detail: Value = serde_json::from_str(&detail).unwrap_or(Value::String(detail));
    AuditEntry {
        id,
        occurred_at,
        summary: summary(&action, &detail),
        action,
        detail,
    }
}

fn number(detail: &Value, pointer: &str) -> u64 {
    detail.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

fn text<'a>(detail: &'a Value, pointer: &str) -> &'a str {
    detail
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn count_of(detail: &Value, pointer: &str) -> String {
    grouped(number(detail, pointer))
}

/// "1 lead" / "2 leads".
fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(count), if count == 1 { one } else { many })
}

/// The line the audit tab and `audit list` show for one entry.
pub fn summary(action: &str, detail: &Value) -> String {
    match action {
        "import" => {
            let mut line = format!(
                "Imported {}: {} added, {} updated, {} rejected",
                text(detail, "/file"),
                count_of(detail, "/counts/inserted"),
                count_of(detail, "/counts/updated"),
                count_of(detail, "/counts/rejected"),
            );
            for (key, label) in [("skipped", "skipped"), ("merged", "merged in the file")] {
                let count = number(detail, &format!("/counts/{key}"));
                if count > 0 {
                    line.push_str(&format!(", {} {label}", grouped(count)));
                }
            }
            line
        }
        "undo_import" => format!(
            "Undid change {}: {} and {} removed, {} restored",
            number(detail, "/import_id"),
            counted(number(detail, "/leads_removed"), "lead", "leads"),
            counted(number(detail, "/events_removed"), "event", "events"),
            counted(number(detail, "/values_restored"), "value", "values"),
        ),
        "fix" if text(detail, "/kind") == "merge" => {
            format!(
                "Merged {} leads",
                grouped(number(detail, "/leads_merged") + 1)
            )
        }
        "fix" => format!(
            "{}: {} changed",
            text(detail, "/title"),
            counted(number(detail, "/leads_changed"), "lead", "leads")
        ),
        "delete_field" => format!(
            "Deleted the field {} ({})",
            text(detail, "/key"),
            counted(number(detail, "/values_deleted"), "value", "values")
        ),
        "backup" => format!(
            "Backed up the workspace ({}, {})",
            text(detail, "/reason"),
            counted(number(detail, "/leads"), "lead", "leads")
        ),
        "restore" => format!(
            "Restored the backup {}: {} before, {} after",
            text(detail, "/backup"),
            counted(number(detail, "/leads_before"), "lead", "leads"),
            grouped(number(detail, "/leads_after")),
        ),
        "export" => format!(
            "Exported {} ({}) to {}",
            counted(number(detail, "/rows"), "row", "rows"),
            text(detail, "/what"),
            text(detail, "/file")
        ),
        "settings" => format!("Changed the setting {}", text(detail, "/key")),
        _ => generic_summary(action, detail),
    }
}

/// An action this module does not know (added later, or by another area):
/// its name and its scalar details, `erase: lead_id 4711, events 12`.
fn generic_summary(action: &str, detail: &Value) -> String {
    let mut name = action.replace('_', " ");
    if let Some(first) = name.get(..1) {
        name = first.to_uppercase() + &name[1..];
    }
    if let Some(lead) = detail.get("lead_id").and_then(Value::as_i64) {
        if action.starts_with("erase") {
            return format!("Erased lead {lead}");
        }
    }
    let parts: Vec<String> = detail
        .as_object()
        .map(|object| {
            object
                .iter()
                .filter_map(|(key, value)| match value {
                    Value::Number(n) => Some(format!("{} {n}", key.replace('_', " "))),
                    Value::String(s) => Some(format!("{} {s}", key.replace('_', " "))),
                    Value::Bool(b) => Some(format!("{} {b}", key.replace('_', " "))),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if parts.is_empty() {
        name
    } else {
        format!("{name}: {}", parts.join(", "))
    }
}

/// The file formats of the log's export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AuditExportFormat {
    Csv,
    Json,
}

/// Writes every entry that matches `filter`, newest first, to `path` (whole
/// or not at all) and notes the export in the log; returns how many
/// entries were written. CSV columns: id, occurred_at (UTC, RFC 3339),
/// action, summary, detail (JSON); JSON: an array of [`AuditEntry`].
pub fn export(
    workspace: &mut Workspace,
    filter: &AuditFilter,
    format: AuditExportFormat,
    path: &Path,
) -> Result<u64> {
    let query = filter.query();
    let reader: &Workspace = workspace;
    let written = write_file_atomically(path, |out| {
        let mut written = 0u64;
        let mut each = |visit: &mut dyn FnMut(AuditEntry) -> Result<()>| -> Result<()> {
            loop {
                let rows = audit::list(reader, &query, EXPORT_CHUNK, written)?;
                if rows.is_empty() {
                    return Ok(());
                }
                for row in rows {
                    visit(entry(row))?;
                    written += 1;
                }
            }
        };
        match format {
            AuditExportFormat::Csv => {
                let mut writer = SafeCsvWriter::new(out);
                writer.write_row(["id", "occurred_at", "action", "summary", "detail"])?;
                each(&mut |e| {
                    writer.write_row([
                        e.id.to_string(),
                        rfc3339(e.occurred_at),
                        e.action,
                        e.summary,
                        e.detail.to_string(),
                    ])
                })?;
                writer.finish()?;
            }
            AuditExportFormat::Json => {
                let mut array = JsonArrayWriter::new(out)?;
                each(&mut |e| array.push(&e))?;
                array.finish()?;
            }
        }
        Ok(written)
    })?;
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::record(
        &tx,
        "export",
        &serde_json::json!({"what": "audit log", "rows": written,
            "file": path.to_string_lossy()}),
    )?;
    tx.commit()?;
    Ok(written)
}

/// Unix seconds as `2026-11-30T04:06:38Z`.
pub fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
