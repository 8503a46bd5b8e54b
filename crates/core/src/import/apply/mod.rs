//! Applying a CSV file to a workspace: the dry run and the import itself.
//!
//! Both run the same code inside one transaction; a dry run rolls it back, so
//! its counts are exactly what the import would do. Every data row ends up in
//! exactly one count (`rows = inserted + updated + skipped + merged +
//! rejected`); rejected rows go, with their line and reason, to a CSV next to
//! the workspace. Cancelling or failing rolls everything back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rusqlite::types::Value;
use rusqlite::{Transaction, TransactionBehavior};

use crate::export::csv_safe;
use crate::fields::{self, FieldType, NewField, Origin};
use crate::import::normalize::{self, DateFormat, NumberStyle};
use crate::import::source::{RecordReader, SourceRecord};
use crate::import::spec::{
    ColumnTarget, ImportCounts, ImportKind, ImportPhase, ImportProgress, ImportReport, ImportSpec,
    MatchKey, OnMatch, ReasonCount, Rejection, UnknownLeads,
};
use crate::store::journal;
use crate::store::tables::imports::{self, NewImport};
use crate::store::tables::{
    audit, defer_secondary_indexes, derived_cache, rows_held_about, set_foreign_keys, BulkFill,
    DeferredIndexes,
};
use crate::{Error, Result, Workspace};

mod convert;
mod identities;
mod pending_values;
mod pipeline;
mod properties;
mod report;
#[cfg(test)]
pub(crate) mod suggested;
mod writer;

use convert::*;
use identities::{Identities, IdentityUse};
use pipeline::{
    parse_rows, ParseInput, ParsedRow, ParserEnds, Spent, Suppressed, BATCHES_IN_FLIGHT,
};
use report::*;
use writer::*;

/// The reason in the name of the backup taken before an import.
pub const BACKUP_REASON: &str = "before-import";
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
    /// tables they fill and rebuild them once at the end…
    pub defer_indexes_from_bytes: u64,
    /// …unless the table already holds more than this many rows for each
    /// row the file can add: the rebuild sorts every row, old and new, and
    /// then costs more than keeping the indexes up row by row.
    pub keep_indexes_from_rows_per_new_row: u64,
    /// With more than this many leads in the workspace for each row the file
    /// can add, and the identity indexes in place, each row's lead is
    /// looked up in them instead of every lead's identities being read
    /// first (`Identities::look_up`).
    pub look_up_from_leads_per_row: u64,
    /// How many new leads' custom values wait in memory before they move to
    /// a temporary file (or, in an encrypted workspace, are inserted):
    /// `pending_values`.
    pub custom_values_held_at_most: usize,
}

impl Default for ImportTuning {
    fn default() -> Self {
        ImportTuning {
            defer_indexes_from_bytes: DEFER_INDEXES_FROM_BYTES,
            keep_indexes_from_rows_per_new_row: KEEP_INDEXES_FROM_ROWS_PER_NEW_ROW,
            look_up_from_leads_per_row: LOOK_UP_FROM_LEADS_PER_ROW,
            custom_values_held_at_most: CUSTOM_VALUES_HELD_AT_MOST,
        }
    }
}

impl ImportTuning {
    /// Whether a file of `file_bytes` with `columns` columns, into a table
    /// holding about `rows_held` rows, drops the secondary indexes and
    /// rebuilds them at the end. The file's rows are estimated at
    /// [`MIN_BYTES_PER_CELL`] a cell, which counts more rows than real files
    /// have, so a doubt goes to the rebuild (the faster way into an empty
    /// or small table).
    fn defers_indexes(&self, file_bytes: u64, columns: usize, rows_held: u64) -> bool {
        file_bytes >= self.defer_indexes_from_bytes
            && rows_held / self.keep_indexes_from_rows_per_new_row.max(1)
                <= most_rows_in(file_bytes, columns)
    }

    /// Whether an import of a file of `file_bytes` with `columns` columns
    /// into a workspace of about `leads_held` leads, with the identity
    /// indexes in place, looks each row's lead up in them.
    fn looks_identities_up(&self, file_bytes: u64, columns: usize, leads_held: u64) -> bool {
        let file_rows = most_rows_in(file_bytes, columns);
        leads_held > file_rows.saturating_mul(self.look_up_from_leads_per_row)
    }
}

/// The most rows a file of `file_bytes` with `columns` columns can hold, at
/// [`MIN_BYTES_PER_CELL`] a cell: more than real files have.
fn most_rows_in(file_bytes: u64, columns: usize) -> u64 {
    file_bytes / (MIN_BYTES_PER_CELL * columns.max(1) as u64)
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
    // An import alone on its file leaves the write-ahead log for its
    // transaction (`store::journal`), and comes back to it whatever the
    // outcome; a dry run writes nothing and stays on it.
    journal::in_place_if_alone(workspace, !dry_run, |workspace| {
        // Every row an import writes points at a lead, field or import it
        // has just read or written in its own transaction: the per-row
        // parent look-ups of foreign-key enforcement are skipped for it,
        // and turned back on whatever the outcome.
        let were_on = set_foreign_keys(workspace.conn(), false)?;
        let imported = import_without_key_checks(workspace, path, spec, dry_run, control, tuning);
        let restored = set_foreign_keys(workspace.conn(), were_on);
        let report = imported?;
        restored?;
        Ok(report)
    })
}

/// [`run_import_tuned`] once foreign-key enforcement is off.
fn import_without_key_checks(
    workspace: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    dry_run: bool,
    control: ImportControl<'_>,
    tuning: ImportTuning,
) -> Result<ImportReport> {
    let workspace_path = workspace.path().map(Path::to_path_buf);
    // What the import could lose; a dry run keeps nothing, and counts none.
    let leads_at_stake = if dry_run {
        0
    } else {
        crate::store::tables::leads::count(workspace)?
    };
    // A copy of the workspace before the real import changes it (issue 15;
    // `backup::take_before_write`: copied first when the import writes in
    // place, beside it on the log); a workspace without leads has nothing
    // to lose, and needs none.
    let backup = if leads_at_stake == 0 {
        None
    } else {
        crate::store::backup::take_before_write(workspace, BACKUP_REASON)?
    };
    // A dry run is rolled back, and an events import changes nothing the
    // lead-side derived parts read (`prepare_columns` refuses an events file
    // that maps lead fields; leads it creates for unknown e-mails are
    // checked at the end): both keep those parts cached.
    let events_only = spec.kind == ImportKind::Events;
    // A leads import adds leads after every existing one (`RowWriter` gives
    // them the next free ids) and writes the fields it maps, with the
    // identities and times every lead has: the parts that read none of them
    // (the events, the other fields' columns) stay cached.
    let leads_written = fields_a_leads_import_writes(spec);
    let survives_lead_writes = workspace.survives_lead_writes();
    // The leads this import changes, read before it commits: the quick
    // search's stored keys outlive it with them noted beside
    // (`leads::carry_search_keys_across`).
    let leads_changed = workspace.lead_changes_after(workspace.lead_changes_mark());
    let conn = if dry_run {
        workspace.conn_mut_rolled_back()
    } else if events_only {
        workspace.conn_mut_for_events()?
    } else {
        let written: Vec<&str> = leads_written.iter().map(String::as_str).collect();
        workspace.conn_mut_for_leads(&written)?
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
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

    let reader = RecordReader::open(path, &spec.format)?;
    let headers = reader.headers().to_vec();
    let width = headers.len();
    let total_bytes = reader.total_bytes();
    let mut rejects = RejectLog::new(reader.raw_headers().to_vec());
    let mut counts = ImportCounts::default();
    let null_tokens: HashSet<String> = spec
        .null_tokens
        .iter()
        .map(|t| t.trim().to_lowercase())
        .collect();
    let filled = match spec.kind {
        ImportKind::Leads => BulkFill::Leads,
        ImportKind::Events => BulkFill::Events,
    };
    let rows_held = rows_held_about(&tx, filled)?;
    let deferred = if tuning.defers_indexes(total_bytes, width, rows_held) {
        defer_secondary_indexes(&tx, filled)?
    } else {
        DeferredIndexes::default()
    };
    // A file far smaller than the workspace looks its leads up in the
    // identity indexes, when they stay in place.
    let leads_held = match filled {
        BulkFill::Leads => rows_held,
        BulkFill::Events => rows_held_about(&tx, BulkFill::Leads)?,
    };
    let identities = if deferred.keeps_identity_indexes()
        && tuning.looks_identities_up(total_bytes, width, leads_held)
    {
        Identities::look_up(identity_use(&columns))
    } else {
        Identities::load(&tx, identity_use(&columns))?
    };
    // What a real events import inserts is noted for the segment index,
    // which then reads back from SQL only the events that were there before.
    let record_events = events_only && !dry_run;
    let stamp = ImportStamp {
        import_id,
        now: started_at,
        file_name: &file_name,
    };
    let mut writer = RowWriter::new(
        &tx,
        stamp,
        &columns,
        identities,
        record_events,
        tuning.custom_values_held_at_most,
    )?;
    let suppressed = Suppressed::load(&tx)?;
    let started = Instant::now();

    let suppressed = std::thread::scope(|scope| -> Result<Suppressed> {
        let (sender, batches) = sync_channel(BATCHES_IN_FLIGHT);
        let (recycle, emptied) = sync_channel(BATCHES_IN_FLIGHT);
        let input = ParseInput {
            width,
            columns: &columns,
            null_tokens: &null_tokens,
        };
        let ends = ParserEnds {
            batches: sender,
            emptied,
        };
        let parser = scope.spawn(move || parse_rows(reader, input, suppressed, ends));
        let mut found_ahead = Vec::new();
        for mut batch in batches {
            writer.find_ahead(&batch.rows, spec, &mut found_ahead);
            // Rows are read in place and go back to the parser thread to be freed.
            for (index, row) in batch.rows.iter_mut().enumerate() {
                counts.rows += 1;
                match row {
                    ParsedRow::Suppressed => {
                        counts.skipped += 1;
                        counts.suppressed += 1;
                    }
                    ParsedRow::Rejected {
                        line,
                        reason,
                        fields,
                    } => rejects.add(*line, std::mem::take(reason), fields)?,
                    ParsedRow::Converted {
                        line,
                        fields,
                        values,
                    } => {
                        let values = std::mem::take(values);
                        let found = found_ahead.get(index).copied().flatten();
                        if let Err(reason) = writer.write(values, spec, &mut counts, found)? {
                            rejects.add(*line, reason, fields)?;
                        }
                    }
                }
                if counts.rows % CHECK_EVERY == 0 {
                    if control.cancel.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled);
                    }
                    let read = (batch.bytes_read, total_bytes);
                    (control.progress)(&progress(&counts, read, started));
                }
            }
            // The parser may have finished: then the batch is simply dropped here.
            let (values, texts) = writer.take_spent();
            let spent = Spent {
                rows: batch.rows,
                values,
                texts,
            };
            let _ = recycle.try_send(spent);
        }
        parser.join().map_err(|_| Error::UnreadableFile {
            path: path.to_path_buf(),
            line: None,
            byte: None,
            message: "the import's reader thread stopped unexpectedly".into(),
        })
    })?;
    counts.rejected = rejects.count;
    counts.erased_on = suppressed.dates_seen();
    let read_all = (total_bytes, total_bytes);
    (control.progress)(&progress(&counts, read_all, started).in_phase(ImportPhase::Finishing));
    writer.flush()?;
    let recorder = writer.events.take_recorder();
    drop(writer);
    deferred.rebuild(&tx)?;

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
        if events_only && counts.leads_created > 0 {
            // New leads, after every existing one, with an identity and
            // times: the lead ids and those columns go, the other fields'
            // columns kept so far stay and cover the leads there were.
            derived_cache::invalidate_except_in(&tx, |part| {
                survives_lead_writes(part, &FIELDS_OF_A_LEAD_AN_EVENT_CREATES)
            })?;
        }
        if !events_only || counts.leads_created > 0 {
            crate::leads::carry_search_keys_across(&tx, leads_changed())?;
        }
        crate::import::inspect::save_mapping(&tx, &headers, &spec.columns)?;
        if let Some(backup) = backup {
            backup.finish()?;
        }
        // The last moment Cancel rolls the import back; the rejected-rows
        // file written for it goes with it.
        if control.cancel.load(Ordering::Relaxed) {
            if let Some(file) = &rejected_file {
                std::fs::remove_file(file).ok();
            }
            return Err(Error::Cancelled);
        }
        (control.progress)(&progress(&counts, read_all, started).in_phase(ImportPhase::Saving));
        // Sealed last: the generation it names is the one the commit makes.
        let appended = match recorder {
            Some(recorder) => recorder.seal(&tx)?,
            None => None,
        };
        tx.commit()?;
        if let Some(appended) = appended {
            workspace.hand_over_appended_events(appended);
        }
    }
    Ok(ImportReport {
        counts,
        reasons: rejects.reasons(),
        rejections: rejects.first,
        rejected_file,
        import_id: (!dry_run).then_some(import_id),
        dry_run,
        warnings,
        cancel_came_too_late: !dry_run && control.cancel.load(Ordering::Relaxed),
    })
}

/// Files at least this large load faster with secondary indexes rebuilt once
/// at the end than maintained row by row…
const DEFER_INDEXES_FROM_BYTES: u64 = 32 * 1024 * 1024;

/// …when the table holds at most twice the rows the file adds: rebuilding
/// takes about a microsecond per row of the table, old and new, and keeping
/// the indexes about three per new row (docs/decisions.md, "Speed (issue
/// 16): imports into a big workspace").
const KEEP_INDEXES_FROM_ROWS_PER_NEW_ROW: u64 = 2;

/// From this many leads in the workspace per row the file can add, an
/// import looks each row's lead up in the identity indexes (a few
/// microseconds a look-up) instead of reading every lead's identities
/// first (about half a microsecond a lead: 0.5 s at 1M leads, for a file
/// of a few thousand rows).
const LOOK_UP_FROM_LEADS_PER_ROW: u64 = 8;

/// New leads' custom values held in memory at most (a few megabytes).
const CUSTOM_VALUES_HELD_AT_MOST: usize = 65_536;

/// The fewest bytes a CSV cell takes on average, delimiter included, for
/// estimating a file's rows from its size (an overestimate of the rows).
const MIN_BYTES_PER_CELL: u64 = 8;

/// What an import writes of every lead it creates (`RowWriter::insert_lead`).
const FIELDS_EVERY_NEW_LEAD_GETS: [&str; 5] = [
    "external_id",
    "email_key",
    "created_at",
    "updated_at",
    "import_id",
];

/// What an events import writes of a lead it creates for an unknown e-mail
/// or external id (`RowWriter::write_event`).
const FIELDS_OF_A_LEAD_AN_EVENT_CREATES: [&str; 6] = [
    "external_id",
    "email_key",
    "created_at",
    "updated_at",
    "import_id",
    "email",
];

/// The lead fields a leads import may write: the fields its columns map,
/// and what every new or updated lead gets (identities, times, the import).
fn fields_a_leads_import_writes(spec: &ImportSpec) -> Vec<String> {
    let mut written: Vec<String> = FIELDS_EVERY_NEW_LEAD_GETS.map(String::from).into();
    for column in &spec.columns {
        match &column.target {
            ColumnTarget::Field { key } | ColumnTarget::NewField { key, .. } => {
                written.push(key.clone());
            }
            _ => {}
        }
    }
    written
}

/// The identities an import looks leads up by: those its columns map.
fn identity_use(columns: &[PreparedColumn]) -> IdentityUse {
    let maps = |wanted: fn(&Destination) -> bool| columns.iter().any(|c| wanted(&c.destination));
    IdentityUse {
        email_keys: maps(|d| {
            matches!(d, Destination::EventLeadEmail)
                || matches!(d, Destination::Standard { key, .. } if key == "email")
        }),
        external_ids: maps(|d| {
            matches!(
                d,
                Destination::ExternalId | Destination::EventLeadExternalId
            )
        }),
    }
}

/// The progress after `read` (bytes read, file size).
fn progress(counts: &ImportCounts, read: (u64, u64), started: Instant) -> ImportProgress {
    let elapsed = started.elapsed().as_secs_f64().max(1e-6);
    let (bytes_read, total_bytes) = read;
    let eta_seconds = (bytes_read > 0)
        .then(|| total_bytes.saturating_sub(bytes_read) as f64 * elapsed / bytes_read as f64);
    ImportProgress {
        rows: counts.rows,
        bytes_read,
        total_bytes,
        rows_per_second: counts.rows as f64 / elapsed,
        eta_seconds,
        phase: ImportPhase::Reading,
    }
}

impl ImportProgress {
    fn in_phase(self, phase: ImportPhase) -> Self {
        ImportProgress { phase, ..self }
    }
}

/// The rejected-rows file of an import: next to the workspace file.
pub(crate) fn rejected_rows_path(
    workspace: Option<&Path>,
    import_id: i64,
    file_name: &str,
) -> PathBuf {
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

    #[test]
    fn rejected_rows_go_next_to_the_workspace() {
        let path = rejected_rows_path(Some(Path::new("/data/crm.leadstream")), 4, "march.csv");
        assert_eq!(
            path,
            Path::new("/data/crm.import-4-march-rejected.csv").to_path_buf()
        );
    }

    /// Imports `csv` as suggested, on the big-file path (secondary indexes
    /// dropped and rebuilt).
    fn import_suggested(
        workspace: &mut Workspace,
        csv: &str,
        cancel: bool,
    ) -> Result<ImportReport> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.csv");
        std::fs::write(&path, csv).unwrap();
        let tuning = ImportTuning {
            defer_indexes_from_bytes: 0,
            keep_indexes_from_rows_per_new_row: u64::MAX,
            ..ImportTuning::default()
        };
        suggested::import_as_suggested(workspace, &path, cancel, tuning)
    }

    fn count(workspace: &Workspace, sql: &str) -> i64 {
        workspace.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The import writes with foreign-key enforcement off: what it wrote
    /// (new, merged and updated leads, custom values, consent statements,
    /// events, leads created by events) still satisfies every foreign key,
    /// and enforcement is back on afterwards, also after a cancel.
    #[test]
    fn imports_keep_every_foreign_key_and_turn_enforcement_back_on() {
        let mut workspace = Workspace::in_memory().unwrap();
        let leads = "Email,Email Opt In,Plan,Company\n\
                     a@x.io,yes,Pro,Acme\nb@x.io,no,Free,Globex\na@x.io,no,Team,Acme\n";
        let report = import_suggested(&mut workspace, leads, false).unwrap();
        assert_eq!((report.counts.inserted, report.counts.merged), (2, 1));
        let again = import_suggested(
            &mut workspace,
            "Email,Plan,Email Opt In\nb@x.io,Team,yes\nc@x.io,Pro,\n",
            false,
        );
        assert_eq!(again.unwrap().counts.updated, 1);
        let events = "Email,Event,Timestamp,Page URL\n\
                      a@x.io,Page View,2026-01-02 10:00,/pricing\nnew@x.io,Download,2026-01-03 11:00,/guide\n";
        assert_eq!(
            import_suggested(&mut workspace, events, false)
                .unwrap()
                .counts
                .leads_created,
            1
        );
        let many: String = (0..CHECK_EVERY).map(|i| format!("z{i}@x.io\n")).collect();
        let cancelled = import_suggested(&mut workspace, &format!("Email\n{many}"), true);
        assert!(matches!(cancelled, Err(Error::Cancelled)));

        assert_eq!(count(&workspace, "SELECT count(*) FROM leads"), 4);
        assert!(count(&workspace, "SELECT count(*) FROM custom_values") >= 3);
        assert_eq!(count(&workspace, "SELECT count(*) FROM consent_events"), 4);
        assert_eq!(count(&workspace, "SELECT count(*) FROM events"), 2);
        let violations = count(&workspace, "SELECT count(*) FROM pragma_foreign_key_check");
        assert_eq!(violations, 0);
        assert_eq!(count(&workspace, "PRAGMA foreign_keys"), 1);
    }

    /// An events import keeps the derived parts that read no events (the
    /// lead ids, the field columns, the quick search's keys) for the new
    /// generation and drops the events'; one that creates leads keeps none,
    /// like any other import; a dry run keeps everything and the generation.
    /// Each time, the counts are what a rebuild from SQL gives.
    #[test]
    fn an_events_import_keeps_the_derived_parts_that_read_no_events() {
        use crate::segments::rules::RuleGroup;
        let mut workspace = Workspace::in_memory().unwrap();
        let leads = "Email,Company\na@x.io,Acme\nb@x.io,Globex\n";
        import_suggested(&mut workspace, leads, false).unwrap();
        let rule = |json: serde_json::Value| serde_json::from_value::<RuleGroup>(json).unwrap();
        let sets = [
            rule(serde_json::json!({"combinator": "and", "rules": [
                {"field": "company", "operator": "=", "value": "Acme"}]})),
            rule(serde_json::json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]})),
        ];
        let counts = |workspace: &Workspace| {
            let refs: Vec<&RuleGroup> = sets.iter().collect();
            let counts = crate::segments::count_many(workspace, &refs, i64::MAX / 2).unwrap();
            let query = crate::leads::LeadQuery {
                offset: 0,
                limit: 10,
                columns: vec!["email".into()],
                sort: None,
                search: "acme".into(),
                search_custom_fields: false,
            };
            let found = crate::leads::page(workspace, &query).unwrap().total;
            (counts, found)
        };
        let from_sql = |workspace: &Workspace| {
            workspace.clear_derived();
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            counts(workspace)
        };
        let parts = |workspace: &Workspace| -> Vec<(String, i64)> {
            derived_cache::parts(workspace.conn())
                .unwrap()
                .into_iter()
                .map(|(name, generation, _)| (name, generation))
                .collect()
        };
        let generation =
            |workspace: &Workspace| derived_cache::generation(workspace.conn()).unwrap();
        assert_eq!(counts(&workspace), (vec![1, 0], Some(1)));
        // The search's keys are stored when a workspace closes, as here.
        crate::leads::store_search_keys_on_close(&workspace);
        let lead_side = [
            "search/v3/keys/1",
            "search/v3/keys/2",
            "search/v3/keys/changed",
            "segment-index/v1/field/company",
            "segment-index/v1/lead-ids",
        ];
        let names = |parts: &[(String, i64)]| -> Vec<String> {
            parts.iter().map(|(name, _)| name.clone()).collect()
        };
        let before = parts(&workspace);
        for part in lead_side {
            assert!(
                names(&before).iter().any(|n| n == part),
                "{part}: {before:?}"
            );
        }
        assert!(
            names(&before).iter().any(|n| n.ends_with("/event-types")),
            "{before:?}"
        );

        let events = "Email,Event,Timestamp\na@x.io,Page View,2026-01-02 10:00\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, events).unwrap();
        let spec = crate::import::inspect::inspect(&workspace, &path, None, None)
            .unwrap()
            .into_suggested_spec();
        let cancel = AtomicBool::new(false);
        let mut progress = |_: &ImportProgress| {};
        let control = ImportControl {
            cancel: &cancel,
            progress: &mut progress,
        };
        let generation_before = generation(&workspace);
        run_import(&mut workspace, &path, &spec, true, control).unwrap();
        assert_eq!(parts(&workspace), before, "a dry run keeps every part");
        assert_eq!(generation(&workspace), generation_before);
        assert!(
            workspace.take_appended_events().is_none(),
            "nor hands any over"
        );

        let report = import_suggested(&mut workspace, events, false).unwrap();
        assert_eq!(report.counts.leads_created, 0);
        // What it wrote waits for the segment index (the counts below use it).
        let appended = workspace
            .take_appended_events()
            .expect("the import's events");
        let spellings: Vec<&str> = appended.types.iter().map(|t| t.raw_type.as_str()).collect();
        assert_eq!(spellings, ["page_view"]);
        assert_eq!(appended.types[0].entries.len(), 1);
        workspace.hand_over_appended_events(appended);
        let after = parts(&workspace);
        assert_eq!(names(&after), lead_side, "only the lead-side parts stay");
        assert!(
            after.iter().all(|(_, g)| *g <= generation_before),
            "kept as built"
        );
        assert!(generation(&workspace) > generation_before);
        let counted = counts(&workspace);
        assert_eq!(counted, (vec![1, 1], Some(1)));
        assert_eq!(counted, from_sql(&workspace));

        // A lead created for an unknown e-mail changes the lead ids and its
        // identity's and times' columns; the other columns stay, covering
        // the leads there were, and so do the search's keys, with the new
        // lead noted beside them.
        counts(&workspace);
        crate::leads::store_search_keys_on_close(&workspace);
        let unknown = "Email,Event,Timestamp\nc@acme.io,Page View,2026-01-03 10:00\n";
        let report = import_suggested(&mut workspace, unknown, false).unwrap();
        assert_eq!(report.counts.leads_created, 1);
        assert_eq!(
            names(&parts(&workspace)),
            [
                "search/v3/keys/1",
                "search/v3/keys/2",
                "search/v3/keys/changed",
                "segment-index/v1/field/company"
            ]
        );
        // Read from the file, as a fresh process would.
        workspace.clear_derived();
        let counted = counts(&workspace);
        assert_eq!(counted, (vec![1, 2], Some(2)));
        assert_eq!(counted, from_sql(&workspace));
    }

    /// A big file rebuilds the secondary indexes at the end, unless the
    /// table already holds more than twice the rows it can add; a small
    /// file never does.
    #[test]
    fn a_big_file_rebuilds_the_indexes_unless_the_table_holds_far_more() {
        let tuning = ImportTuning::default();
        let mib = 1024 * 1024;
        // 100 MiB of 7 columns is taken for at most 1,872,457 rows.
        assert!(tuning.defers_indexes(100 * mib, 7, 0));
        assert!(tuning.defers_indexes(100 * mib, 7, 3_744_914));
        assert!(!tuning.defers_indexes(100 * mib, 7, 3_744_916));
        assert!(!tuning.defers_indexes(100 * mib, 7, 11_000_000));
        assert!(!tuning.defers_indexes(mib, 7, 0));
        let always = ImportTuning {
            defer_indexes_from_bytes: 0,
            keep_indexes_from_rows_per_new_row: u64::MAX,
            ..ImportTuning::default()
        };
        assert!(always.defers_indexes(10, 3, 50_000_000));
    }

    /// A file far smaller than the workspace looks its leads up: the
    /// 9,893-row update of three columns (776,128 bytes, taken for at most
    /// 32,338 rows) into 1M leads does; the same file into 200,000 leads,
    /// or a file of 1M events into them, reads them all.
    #[test]
    fn a_file_far_smaller_than_the_workspace_looks_its_leads_up() {
        let tuning = ImportTuning::default();
        assert!(tuning.looks_identities_up(776_128, 3, 1_000_000));
        assert!(!tuning.looks_identities_up(776_128, 3, 200_000));
        assert!(!tuning.looks_identities_up(97 * 1024 * 1024, 7, 200_000));
        assert!(!tuning.looks_identities_up(0, 3, 0), "no lead to look up");
        let never = ImportTuning {
            look_up_from_leads_per_row: u64::MAX,
            ..tuning
        };
        assert!(!never.looks_identities_up(1_000, 3, 1_000_000));
    }

    /// A CRM export with its own lead score: the suggestions keep it out of
    /// the computed score fields, and an explicit mapping to one is refused
    /// with the column's name.
    #[test]
    fn computed_score_fields_are_never_import_targets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.csv");
        std::fs::write(
            &path,
            "Email,Lead Score,Score Band,score_total\na@x.io,42,hot,7\nb@x.io,12,cold,3\n",
        )
        .unwrap();
        let mut workspace = Workspace::in_memory().unwrap();
        let inspection = crate::import::inspect::inspect(&workspace, &path, None, None).unwrap();
        let computed: Vec<String> = fields::list(workspace.conn())
            .unwrap()
            .into_iter()
            .filter(|f| f.is_computed)
            .map(|f| f.key)
            .collect();
        assert_eq!(computed.len(), 5);
        for column in &inspection.columns {
            if let ColumnTarget::Field { key } = &column.mapping.target {
                assert!(!computed.contains(key), "{} → {key}", column.mapping.header);
            }
        }
        let mut spec = inspection.into_suggested_spec();
        spec.columns[2].target = ColumnTarget::Field {
            key: "score_band".into(),
        };
        let cancel = AtomicBool::new(false);
        let mut progress = |_: &ImportProgress| {};
        let refused = run_import(
            &mut workspace,
            &path,
            &spec,
            false,
            ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("column “Score Band” is mapped to “Score band” (`score_band`)"),
            "{refused}"
        );
        assert_eq!(crate::store::tables::leads::count(&workspace).unwrap(), 0);
    }

    /// Imports `csv` into the workspace file at `path`, asking for Cancel
    /// when the import reports `cancel_in`; the phases it reported, and its
    /// outcome.
    fn import_cancelled_in(
        path: &Path,
        csv: &str,
        cancel_in: ImportPhase,
    ) -> (Vec<ImportPhase>, Result<ImportReport>) {
        let mut workspace = Workspace::open(path).unwrap();
        let file = path.with_file_name("leads.csv");
        std::fs::write(&file, csv).unwrap();
        let spec = crate::import::inspect::inspect(&workspace, &file, None, None)
            .unwrap()
            .into_suggested_spec();
        let cancel = AtomicBool::new(false);
        let mut phases = Vec::new();
        let mut progress = |p: &ImportProgress| {
            if phases.last() != Some(&p.phase) {
                phases.push(p.phase);
            }
            if p.phase == cancel_in {
                cancel.store(true, Ordering::Relaxed);
            }
        };
        let control = ImportControl {
            cancel: &cancel,
            progress: &mut progress,
        };
        let outcome = run_import(&mut workspace, &file, &spec, false, control);
        (phases, outcome)
    }

    /// Cancel rolls an import back until every row is read and checked, and
    /// removes the rejected-rows file written for it; once the import saves,
    /// it is stored and its report says the Cancel came too late.
    #[test]
    fn cancel_rolls_back_until_the_import_saves_and_then_comes_too_late() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.leadstream");
        let mut workspace = Workspace::create(&path).unwrap();
        import_suggested(&mut workspace, "Email\nkept@x.io\n", false).unwrap();
        drop(workspace);
        let rows: String = (0..CHECK_EVERY)
            .map(|i| format!("p{i}@x.io,{i}\n"))
            .collect();
        let csv = format!("Email,Employees\n{rows}rejected@x.io,-3\n");
        let leads = |path: &Path| {
            count(
                &Workspace::open(path).unwrap(),
                "SELECT count(*) FROM leads",
            )
        };
        let rejected_files = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .contains("rejected")
                })
                .count()
        };

        let (phases, outcome) = import_cancelled_in(&path, &csv, ImportPhase::Finishing);
        assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
        assert_eq!(phases, [ImportPhase::Reading, ImportPhase::Finishing]);
        assert_eq!(leads(&path), 1, "nothing of the cancelled import is stored");
        assert_eq!(rejected_files(), 0);

        let (phases, outcome) = import_cancelled_in(&path, &csv, ImportPhase::Saving);
        let report = outcome.unwrap();
        assert_eq!(
            phases,
            [
                ImportPhase::Reading,
                ImportPhase::Finishing,
                ImportPhase::Saving
            ]
        );
        assert!(report.cancel_came_too_late);
        assert_eq!(report.counts.rejected, 1);
        assert_eq!(leads(&path), 1 + CHECK_EVERY as i64);
        assert_eq!(rejected_files(), 1);

        let (_, outcome) = import_cancelled_in(&path, &csv, ImportPhase::Reading);
        assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
    }
}
