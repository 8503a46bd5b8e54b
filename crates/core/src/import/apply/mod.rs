//! Applying a CSV file to a workspace: the dry run and the import itself.
//!
//! Both run the same code inside one transaction; a dry run rolls it back, so
//! its counts are exactly what the import would do. Every data row ends up in
//! exactly one count (`rows = inserted + updated + skipped + merged +
//! rejected`); rejected rows go, with their line and reason, to a CSV next to
//! the workspace. Cancelling or failing rolls everything back.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rusqlite::types::Value;
use rusqlite::{Transaction, TransactionBehavior};

use crate::export::csv_safe;
use crate::fields::{self, FieldType, NewField, Origin};
use crate::import::normalize::{self, DateFormat, NumberStyle};
use crate::import::source::{RecordReader, SourceRecord};
use crate::import::spec::{
    ColumnTarget, ImportCounts, ImportKind, ImportProgress, ImportReport, ImportSpec, MatchKey,
    OnMatch, ReasonCount, Rejection, UnknownLeads,
};
use crate::store::tables::audit;
use crate::store::tables::imports::{self, NewImport};
use crate::{Error, Result, Workspace};

mod convert;
mod report;
mod writer;

use convert::*;
use report::*;
use writer::*;

/// How many rejections a report carries in full (the file has all of them).
pub const REPORTED_REJECTIONS: usize = 200;
/// How often (in rows) the import reports progress and checks for cancel.
const CHECK_EVERY: u64 = 2_000;

/// Hooks into a running import: a cancel flag and a progress callback.
pub struct ImportControl<'a> {
    pub cancel: &'a AtomicBool,
    pub progress: &'a mut dyn FnMut(&ImportProgress),
}

/// Thresholds of an import that callers never need to change: tests lower
/// them to reach the big-file code paths with small files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportTuning {
    /// Files at least this large (in bytes) drop the secondary indexes of the
    /// tables they fill and rebuild them once at the end.
    pub defer_indexes_from_bytes: u64,
}

impl Default for ImportTuning {
    fn default() -> Self {
        ImportTuning {
            defer_indexes_from_bytes: DEFER_INDEXES_FROM_BYTES,
        }
    }
}

/// Runs an import (or a dry run) of `path` into `workspace`.
pub fn run_import(
    workspace: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    dry_run: bool,
    control: ImportControl<'_>,
) -> Result<ImportReport> {
    run_import_tuned(
        workspace,
        path,
        spec,
        dry_run,
        control,
        ImportTuning::default(),
    )
}

/// [`run_import`] with other thresholds (for tests).
#[doc(hidden)]
pub fn run_import_tuned(
    workspace: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    dry_run: bool,
    control: ImportControl<'_>,
    tuning: ImportTuning,
) -> Result<ImportReport> {
    let workspace_path = workspace.path().map(Path::to_path_buf);
    let tx = workspace
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let columns = prepare_columns(&tx, spec)?;
    let mut warnings = Vec::new();
    validate_identity(spec, &columns, &mut warnings)?;

    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started_at = chrono::Utc::now().timestamp();
    let import_id = imports::begin(
        &tx,
        &NewImport {
            kind: &fields::enum_text(&spec.kind),
            file_name: &file_name,
            started_at,
            mapping: &serde_json::to_string(spec)?,
        },
    )?;

    let mut reader = RecordReader::open(path, &spec.format)?;
    let headers = reader.headers().to_vec();
    let width = headers.len();
    let mut rejects = RejectLog::new(reader.raw_headers().to_vec());
    let mut counts = ImportCounts::default();
    let null_tokens: HashSet<String> = spec
        .null_tokens
        .iter()
        .map(|t| t.trim().to_lowercase())
        .collect();
    let deferred = if reader.total_bytes() >= tuning.defer_indexes_from_bytes {
        defer_secondary_indexes(&tx, spec.kind)?
    } else {
        Vec::new()
    };
    let mut writer = RowWriter::new(&tx, import_id, started_at, &columns)?;
    let started = Instant::now();

    while let Some(next) = reader.next_record() {
        counts.rows += 1;
        match next {
            Err(error) => rejects.add(error.line, error.message, &error.fields)?,
            Ok(record) => match convert_row(&record, width, &columns, &null_tokens) {
                Err(reason) => rejects.add(record.line, reason, &record.fields)?,
                Ok(values) => match writer.write(values, spec, &mut counts)? {
                    Ok(()) => {}
                    Err(reason) => rejects.add(record.line, reason, &record.fields)?,
                },
            },
        }
        if counts.rows % CHECK_EVERY == 0 {
            if control.cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            (control.progress)(&progress(&counts, &reader, started));
        }
    }
    counts.rejected = rejects.count;
    (control.progress)(&progress(&counts, &reader, started));
    drop(writer);
    for create_sql in deferred {
        tx.execute(create_sql, [])?;
    }

    let rejected_file = if dry_run || rejects.count == 0 {
        None
    } else {
        let target = rejected_rows_path(workspace_path.as_deref(), import_id, &file_name);
        rejects.save(&target)?;
        Some(target.to_string_lossy().into_owned())
    };
    imports::finish(
        &tx,
        import_id,
        chrono::Utc::now().timestamp(),
        &serde_json::to_string(&counts)?,
    )?;
    audit::record(
        &tx,
        "import",
        &serde_json::json!({"import_id": import_id, "file": file_name, "counts": &counts}),
    )?;
    if dry_run {
        tx.rollback()?;
    } else {
        crate::import::inspect::save_mapping(&tx, &headers, &spec.columns)?;
        tx.commit()?;
    }
    Ok(ImportReport {
        counts,
        reasons: rejects.reasons(),
        rejections: rejects.first,
        rejected_file,
        import_id: (!dry_run).then_some(import_id),
        dry_run,
        warnings,
    })
}

/// Files at least this large load faster with secondary indexes rebuilt once
/// at the end than maintained row by row.
const DEFER_INDEXES_FROM_BYTES: u64 = 32 * 1024 * 1024;

/// The secondary (non-unique) indexes of the tables an import fills, by the
/// kind of import that fills them, exactly as the migrations create them.
/// Only these are ever dropped and rebuilt, from this text: SQL and names
/// read from a workspace file are never executed (a crafted file could carry
/// any statement in them). Other indexes stay and are kept up row by row.
const SECONDARY_INDEXES: &[(ImportKind, &str, &str)] = &[
    (
        ImportKind::Leads,
        "leads_last_name",
        "CREATE INDEX leads_last_name ON leads (last_name)",
    ),
    (
        ImportKind::Leads,
        "leads_company",
        "CREATE INDEX leads_company ON leads (company)",
    ),
    (
        ImportKind::Leads,
        "leads_created_at",
        "CREATE INDEX leads_created_at ON leads (created_at)",
    ),
    (
        ImportKind::Leads,
        "custom_values_lead",
        "CREATE INDEX custom_values_lead ON custom_values (lead_id)",
    ),
    (
        ImportKind::Events,
        "events_lead_time",
        "CREATE INDEX events_lead_time ON events (lead_id, occurred_at)",
    ),
];

/// For a big file, drops the secondary indexes of the tables the import
/// fills and returns the statements that recreate them (one sort each)
/// before commit. Unique indexes stay: de-duplication looks leads up by them.
/// All of it is inside the import's transaction, so a cancel or an error
/// puts them back untouched.
fn defer_secondary_indexes(tx: &Transaction<'_>, kind: ImportKind) -> Result<Vec<&'static str>> {
    let mut deferred = Vec::new();
    for (index_kind, name, create_sql) in SECONDARY_INDEXES {
        if *index_kind != kind {
            continue;
        }
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if exists {
            // `name` is one of the constants above, never text from the file.
            tx.execute(&format!("DROP INDEX {name}"), [])?;
            deferred.push(*create_sql);
        }
    }
    Ok(deferred)
}

fn progress(counts: &ImportCounts, reader: &RecordReader, started: Instant) -> ImportProgress {
    let elapsed = started.elapsed().as_secs_f64().max(1e-6);
    let bytes_read = reader.bytes_read();
    let total_bytes = reader.total_bytes();
    let eta_seconds = (bytes_read > 0)
        .then(|| total_bytes.saturating_sub(bytes_read) as f64 * elapsed / bytes_read as f64);
    ImportProgress {
        rows: counts.rows,
        bytes_read,
        total_bytes,
        rows_per_second: counts.rows as f64 / elapsed,
        eta_seconds,
    }
}

/// The rejected-rows file of an import: next to the workspace file.
fn rejected_rows_path(workspace: Option<&Path>, import_id: i64, file_name: &str) -> PathBuf {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    let name = format!("import-{import_id}-{stem}-rejected.csv");
    match workspace {
        Some(ws) => {
            let ws_stem = ws
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            ws.with_file_name(format!("{ws_stem}.{name}"))
        }
        None => std::env::temp_dir().join(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_names(ws: &Workspace) -> Vec<String> {
        index_names_in(ws.conn())
    }

    #[test]
    fn deferred_indexes_come_back_on_commit_and_on_rollback() {
        let mut ws = Workspace::in_memory().unwrap();
        let before = index_names(&ws);
        {
            let tx = ws.conn_mut().transaction().unwrap();
            let deferred = defer_secondary_indexes(&tx, ImportKind::Leads).unwrap();
            assert_eq!(deferred.len(), 4);
            assert!(
                !index_names_in(&tx).contains(&"leads_last_name".to_owned()),
                "dropped for the import"
            );
            // Dropped and not restored: a rollback must bring them back.
        }
        assert_eq!(index_names(&ws), before);
        let tx = ws.conn_mut().transaction().unwrap();
        let deferred = defer_secondary_indexes(&tx, ImportKind::Events).unwrap();
        assert_eq!(deferred.len(), 1);
        for create_sql in deferred {
            tx.execute(create_sql, []).unwrap();
        }
        tx.commit().unwrap();
        assert_eq!(index_names(&ws), before);
    }

    fn index_names_in(conn: &rusqlite::Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|n| n.unwrap())
            .collect()
    }

    /// The indexes an import rebuilds are the schema's own, statement for
    /// statement, so rebuilding changes nothing.
    #[test]
    fn secondary_indexes_are_the_schema_indexes() {
        let ws = Workspace::in_memory().unwrap();
        for (kind, name, create_sql) in SECONDARY_INDEXES {
            let (table, sql): (String, String) = ws
                .conn()
                .query_row(
                    "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap_or_else(|e| panic!("index {name} is in the schema: {e}"));
            let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squeeze(&sql), squeeze(create_sql), "{name}");
            let tables: &[&str] = match kind {
                ImportKind::Leads => &["leads", "custom_values"],
                ImportKind::Events => &["events"],
            };
            assert!(tables.contains(&table.as_str()), "{name} is on {table}");
        }
    }
}
