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
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::normalize::{self, DateFormat, NumberStyle};
use super::source::{RecordReader, SourceRecord};
use super::spec::{
    ColumnTarget, ImportCounts, ImportKind, ImportProgress, ImportReport, ImportSpec, MatchKey,
    OnMatch, ReasonCount, Rejection, UnknownLeads,
};
use crate::export::csv_safe;
use crate::fields::{self, FieldType, NewField, Origin};
use crate::{Error, Result, Workspace};

/// How many rejections a report carries in full (the file has all of them).
pub const REPORTED_REJECTIONS: usize = 200;
/// How often (in rows) the import reports progress and checks for cancel.
const CHECK_EVERY: u64 = 2_000;

/// Hooks into a running import: a cancel flag and a progress callback.
pub struct ImportControl<'a> {
    pub cancel: &'a AtomicBool,
    pub progress: &'a mut dyn FnMut(&ImportProgress),
}

/// Standard fields whose values are numbers, with the range we accept.
const NUMBER_RANGES: &[(&str, f64, f64)] = &[
    ("employees", 0.0, 10_000_000.0),
    ("annual_revenue", 0.0, 1e13),
    ("score", -1e9, 1e9),
];
/// The range of dates we accept: 1900-01-01 to 2200-01-01.
const DATE_RANGE: (i64, i64) = (-2_208_988_800, 7_258_118_400);

/// Where a mapped column's values are written.
#[derive(Debug, Clone)]
enum Destination {
    ExternalId,
    Standard {
        key: String,
        field_type: FieldType,
    },
    Custom {
        id: i64,
        key: String,
        field_type: FieldType,
    },
    EventLeadEmail,
    EventLeadExternalId,
    EventType,
    EventTime,
    EventProperty {
        name: String,
    },
}

#[derive(Debug, Clone)]
struct PreparedColumn {
    index: usize,
    header: String,
    destination: Destination,
    date_format: Option<DateFormat>,
    number_style: NumberStyle,
}

/// One row's values, converted and checked.
#[derive(Default)]
struct RowValues {
    email: Option<String>,
    external_id: Option<String>,
    standard: Vec<(String, Value)>,
    custom: Vec<(i64, String, Value)>,
    event_type: Option<String>,
    event_time: Option<i64>,
    event_properties: serde_json::Map<String, serde_json::Value>,
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
    tx.execute(
        "INSERT INTO imports (kind, file_name, started_at, mapping) VALUES (?1, ?2, ?3, ?4)",
        params![
            fields::enum_text(&spec.kind),
            file_name,
            started_at,
            serde_json::to_string(spec)?
        ],
    )?;
    let import_id = tx.last_insert_rowid();

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
    tx.execute(
        "UPDATE imports SET finished_at = ?1, counts = ?2 WHERE id = ?3",
        params![
            chrono::Utc::now().timestamp(),
            serde_json::to_string(&counts)?,
            import_id
        ],
    )?;
    tx.execute(
        "INSERT INTO audit_log (action, detail) VALUES ('import', ?1)",
        [
            serde_json::json!({"import_id": import_id, "file": file_name, "counts": &counts})
                .to_string(),
        ],
    )?;
    if dry_run {
        tx.rollback()?;
    } else {
        super::inspect::save_mapping(&tx, &headers, &spec.columns)?;
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

/// Resolves every mapped column against the catalogue, creating new custom
/// fields, and refuses a mapping that cannot work.
fn prepare_columns(tx: &Transaction<'_>, spec: &ImportSpec) -> Result<Vec<PreparedColumn>> {
    let mut prepared = Vec::new();
    let mut targeted = HashSet::new();
    for column in &spec.columns {
        let destination = match &column.target {
            ColumnTarget::Skip => continue,
            ColumnTarget::Field { key } if key == "external_id" => Destination::ExternalId,
            ColumnTarget::Field { key } => {
                let field = fields::resolve(tx, key)?;
                if field.field.is_standard {
                    Destination::Standard {
                        key: key.clone(),
                        field_type: field.field.field_type,
                    }
                } else {
                    Destination::Custom {
                        id: field.id,
                        key: key.clone(),
                        field_type: field.field.field_type,
                    }
                }
            }
            ColumnTarget::NewField {
                key,
                label,
                field_type,
                category,
            } => {
                let field = fields::add_custom(
                    tx,
                    &NewField {
                        key,
                        label,
                        field_type: *field_type,
                        origin: Origin::Explicit,
                        category: *category,
                    },
                )?;
                let id = fields::resolve(tx, &field.key)?.id;
                Destination::Custom {
                    id,
                    key: key.clone(),
                    field_type: *field_type,
                }
            }
            ColumnTarget::EventLeadEmail => Destination::EventLeadEmail,
            ColumnTarget::EventLeadExternalId => Destination::EventLeadExternalId,
            ColumnTarget::EventType => Destination::EventType,
            ColumnTarget::EventTime => Destination::EventTime,
            ColumnTarget::EventProperty { name } => {
                Destination::EventProperty { name: name.clone() }
            }
        };
        let target_name = match &destination {
            Destination::ExternalId => "external_id".to_owned(),
            Destination::Standard { key, .. } | Destination::Custom { key, .. } => key.clone(),
            Destination::EventProperty { name } => format!("property {name}"),
            other => format!("{other:?}"),
        };
        if !targeted.insert(target_name.clone()) {
            return Err(Error::InvalidArgument(format!(
                "two columns are mapped to {target_name}; map each field from one column only"
            )));
        }
        prepared.push(PreparedColumn {
            index: column.index as usize,
            header: column.header.clone(),
            destination,
            date_format: column.date_format,
            number_style: column.number_style.unwrap_or(NumberStyle::DotDecimal),
        });
    }
    let lead_only = |c: &PreparedColumn| {
        matches!(
            c.destination,
            Destination::Standard { .. } | Destination::Custom { .. }
        )
    };
    let event_only = |c: &PreparedColumn| {
        matches!(
            c.destination,
            Destination::EventType
                | Destination::EventTime
                | Destination::EventProperty { .. }
                | Destination::EventLeadEmail
                | Destination::EventLeadExternalId
        )
    };
    match spec.kind {
        ImportKind::Leads if prepared.iter().any(event_only) => Err(Error::InvalidArgument(
            "a lead import cannot map columns to event parts".into(),
        )),
        ImportKind::Events if prepared.iter().any(lead_only) => Err(Error::InvalidArgument(
            "an event import maps columns to the lead identifier, event type, time and properties only".into(),
        )),
        _ => Ok(prepared),
    }
}

fn validate_identity(
    spec: &ImportSpec,
    columns: &[PreparedColumn],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let has = |wanted: fn(&Destination) -> bool| columns.iter().any(|c| wanted(&c.destination));
    let email = has(|d| matches!(d, Destination::Standard { key, .. } if key == "email"));
    let external = has(|d| matches!(d, Destination::ExternalId));
    match spec.kind {
        ImportKind::Leads => match spec.match_key {
            MatchKey::Email if !email => Err(Error::InvalidArgument(
                "leads are matched by e-mail, but no column is mapped to email".into(),
            )),
            MatchKey::ExternalId if !external => Err(Error::InvalidArgument(
                "leads are matched by external id, but no column is mapped to external_id".into(),
            )),
            MatchKey::None => {
                warnings.push(
                    "No identity column: every row becomes a new lead, and duplicates are not merged.".into(),
                );
                Ok(())
            }
            _ => Ok(()),
        },
        ImportKind::Events => {
            let lead_email = has(|d| matches!(d, Destination::EventLeadEmail));
            let lead_external = has(|d| matches!(d, Destination::EventLeadExternalId));
            if !lead_email && !lead_external {
                return Err(Error::InvalidArgument(
                    "an event file needs a column with the lead's e-mail or external id".into(),
                ));
            }
            if !has(|d| matches!(d, Destination::EventType)) {
                return Err(Error::InvalidArgument(
                    "an event file needs an event type column".into(),
                ));
            }
            if !has(|d| matches!(d, Destination::EventTime)) {
                return Err(Error::InvalidArgument(
                    "an event file needs a timestamp column".into(),
                ));
            }
            Ok(())
        }
    }
}

/// Converts one record's cells to typed values, or says why it cannot.
fn convert_row(
    record: &SourceRecord,
    width: usize,
    columns: &[PreparedColumn],
    null_tokens: &HashSet<String>,
) -> std::result::Result<RowValues, String> {
    if record.fields.len() > width && record.fields[width..].iter().any(|f| !f.trim().is_empty()) {
        return Err(format!(
            "wrong number of fields: the header has {width}, this row has {}",
            record.fields.len()
        ));
    }
    let mut values = RowValues::default();
    for column in columns {
        // Short rows (Excel drops trailing empty cells) read as empty.
        let raw = record
            .fields
            .get(column.index)
            .map(String::as_str)
            .unwrap_or("");
        let text = raw.trim();
        if text.is_empty() || null_tokens.contains(&text.to_lowercase()) {
            continue;
        }
        let bad = |what: &str| format!("{what} {text:?} in column {:?}", column.header);
        match &column.destination {
            Destination::ExternalId => values.external_id = Some(text.to_owned()),
            Destination::Standard { key, field_type } => {
                let value = if key == "email" {
                    let email = normalize::normalize_email(text)
                        .ok_or_else(|| bad("invalid e-mail address"))?;
                    values.email = Some(email.clone());
                    Value::Text(email)
                } else {
                    typed_value(text, *field_type, column, &bad)?
                };
                if let Some((_, low, high)) = NUMBER_RANGES.iter().find(|(k, _, _)| k == key) {
                    if let Value::Real(n) = value {
                        if !(*low..=*high).contains(&n) {
                            return Err(bad(&format!(
                                "out-of-range value (expected {low} to {high})"
                            )));
                        }
                    }
                }
                let value = match (key.as_str(), value) {
                    ("employees", Value::Real(n)) => Value::Integer(n.round() as i64),
                    (_, value) => value,
                };
                values.standard.push((key.clone(), value));
            }
            Destination::Custom {
                id,
                key,
                field_type,
            } => {
                let value = typed_value(text, *field_type, column, &bad)?;
                values.custom.push((*id, key.clone(), value));
            }
            Destination::EventLeadEmail => {
                let email = normalize::normalize_email(text)
                    .ok_or_else(|| bad("invalid e-mail address"))?;
                values.email = Some(email);
            }
            Destination::EventLeadExternalId => values.external_id = Some(text.to_owned()),
            Destination::EventType => {
                let event_type = super::mapping::normalize_event_type(text);
                if event_type.is_empty() {
                    return Err(format!(
                        "event type {text:?} in column {:?} has no letters or digits",
                        column.header
                    ));
                }
                values.event_type = Some(event_type);
            }
            Destination::EventTime => {
                let format = column.date_format.unwrap_or(DateFormat::Iso);
                let seconds =
                    normalize::parse_date(text, format).ok_or_else(|| bad("unreadable date"))?;
                values.event_time = Some(check_date(seconds, &bad)?);
            }
            Destination::EventProperty { name } => {
                values
                    .event_properties
                    .insert(name.clone(), serde_json::Value::String(text.to_owned()));
            }
        }
    }
    for column in columns {
        let missing = match column.destination {
            Destination::EventType if values.event_type.is_none() => "the event type",
            Destination::EventTime if values.event_time.is_none() => "the event time",
            _ => continue,
        };
        return Err(format!("{missing} is empty (column {:?})", column.header));
    }
    Ok(values)
}

fn check_date(seconds: i64, bad: &dyn Fn(&str) -> String) -> std::result::Result<i64, String> {
    if (DATE_RANGE.0..DATE_RANGE.1).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(bad("date outside 1900-2200"))
    }
}

fn typed_value(
    text: &str,
    field_type: FieldType,
    column: &PreparedColumn,
    bad: &dyn Fn(&str) -> String,
) -> std::result::Result<Value, String> {
    Ok(match field_type {
        FieldType::Text => Value::Text(text.to_owned()),
        FieldType::Number => Value::Real(
            normalize::parse_number(text, column.number_style)
                .ok_or_else(|| bad("unreadable number"))?,
        ),
        FieldType::Boolean => Value::Integer(
            normalize::parse_bool(text).ok_or_else(|| bad("unreadable yes/no value"))? as i64,
        ),
        FieldType::Date => {
            let format = column.date_format.unwrap_or(DateFormat::Iso);
            let seconds =
                normalize::parse_date(text, format).ok_or_else(|| bad("unreadable date"))?;
            Value::Integer(check_date(seconds, bad)?)
        }
        FieldType::List => {
            let items = normalize::split_list(text);
            Value::Text(serde_json::to_string(&items).map_err(|e| e.to_string())?)
        }
    })
}

/// Writes converted rows: finds the lead a row belongs to, and inserts,
/// updates, merges or skips per the policy. It keeps no per-row state in
/// memory, so a file of any length imports in bounded memory: leads inserted
/// by this import are recognised by their `import_id`, and existing leads it
/// already touched are listed in a temporary table (on disk).
struct RowWriter<'tx> {
    tx: &'tx Transaction<'tx>,
    import_id: i64,
    now: i64,
    /// The columns every new lead is inserted with: identity, times and
    /// import first, then each mapped standard field (empty ones as NULL).
    lead_columns: Vec<String>,
    /// `INSERT INTO leads (lead_columns) VALUES (?1, ...)`, built once.
    insert_sql: String,
    /// Event files: identity → lead id for recent identities (bounded).
    recent_leads: HashMap<String, i64>,
}

/// How many identities an event import remembers before starting over.
const RECENT_LEADS_LIMIT: usize = 100_000;

/// A lead found by identity, and whether this import inserted it.
#[derive(Clone, Copy)]
struct FoundLead {
    id: i64,
    inserted_here: bool,
}

impl<'tx> RowWriter<'tx> {
    fn new(
        tx: &'tx Transaction<'tx>,
        import_id: i64,
        now: i64,
        columns: &[PreparedColumn],
    ) -> Result<Self> {
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_touched (lead_id INTEGER PRIMARY KEY);
             DELETE FROM temp.import_touched;",
        )?;
        let mut lead_columns: Vec<String> = [
            "external_id",
            "email_key",
            "created_at",
            "updated_at",
            "import_id",
        ]
        .map(String::from)
        .to_vec();
        for column in columns {
            if let Destination::Standard { key, .. } = &column.destination {
                if !lead_columns.contains(key) {
                    lead_columns.push(key.clone());
                }
            }
        }
        // Events may create minimal leads with just an e-mail.
        if !lead_columns.iter().any(|c| c == "email") {
            lead_columns.push("email".into());
        }
        // Column names are catalogue keys checked in prepare_columns.
        let insert_sql = format!(
            "INSERT INTO leads ({}) VALUES ({})",
            lead_columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=lead_columns.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(RowWriter {
            tx,
            import_id,
            now,
            lead_columns,
            insert_sql,
            recent_leads: HashMap::new(),
        })
    }

    /// Writes one row; the inner error is a row rejection.
    fn write(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        match spec.kind {
            ImportKind::Leads => self.write_lead(values, spec, counts),
            ImportKind::Events => self.write_event(values, spec, counts),
        }
    }

    fn find_lead(&self, values: &RowValues, key: MatchKey) -> Result<Option<FoundLead>> {
        let row = |r: &rusqlite::Row<'_>| {
            Ok(FoundLead {
                id: r.get(0)?,
                inserted_here: r.get::<_, Option<i64>>(1)? == Some(self.import_id),
            })
        };
        let found = match key {
            MatchKey::Email => match values.email.as_deref() {
                Some(email) => self
                    .tx
                    .prepare_cached("SELECT id, import_id FROM leads WHERE email_key = ?1")?
                    .query_row([normalize::email_key(email)], row)
                    .optional()?,
                None => None,
            },
            MatchKey::ExternalId => match values.external_id.as_deref() {
                Some(id) => self
                    .tx
                    .prepare_cached("SELECT id, import_id FROM leads WHERE external_id = ?1")?
                    .query_row([id], row)
                    .optional()?,
                None => None,
            },
            MatchKey::None => None,
        };
        Ok(found)
    }

    /// Marks an existing lead as touched by this import; true if it already was.
    fn touch(&self, lead_id: i64) -> Result<bool> {
        let inserted = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO temp.import_touched (lead_id) VALUES (?1)")?
            .execute([lead_id])?;
        Ok(inserted == 0)
    }

    fn write_lead(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        let Some(lead) = self.find_lead(&values, spec.match_key)? else {
            return Ok(match self.insert_lead(&values, spec.match_key)? {
                Ok(_) => {
                    counts.inserted += 1;
                    Ok(())
                }
                Err(reason) => Err(reason),
            });
        };
        if spec.on_match != OnMatch::Skip {
            if let Some(conflict) = self.identity_conflict(lead.id, &values, spec.match_key)? {
                return Ok(Err(conflict));
            }
        }
        // A lead this file already inserted or touched: a duplicate row.
        let duplicate = lead.inserted_here || self.touch(lead.id)?;
        match (duplicate, spec.on_match) {
            (true, OnMatch::Skip) => counts.merged += 1,
            (true, policy) => {
                self.apply_to_existing(lead, &values, policy)?;
                counts.merged += 1;
            }
            (false, OnMatch::Skip) => counts.skipped += 1,
            (false, policy) => {
                self.apply_to_existing(lead, &values, policy)?;
                counts.updated += 1;
            }
        }
        Ok(Ok(()))
    }

    /// A row matched by one identity must not carry the other identity of a
    /// different lead (the unique indexes would refuse it anyway).
    fn identity_conflict(
        &self,
        lead_id: i64,
        values: &RowValues,
        key: MatchKey,
    ) -> Result<Option<String>> {
        let other = match key {
            MatchKey::Email => self.find_lead(values, MatchKey::ExternalId)?,
            MatchKey::ExternalId => self.find_lead(values, MatchKey::Email)?,
            MatchKey::None => None,
        };
        Ok(match other {
            Some(other) if other.id != lead_id => Some(format!(
                "this row's e-mail and external id belong to two different leads ({lead_id} and {})",
                other.id
            )),
            _ => None,
        })
    }

    /// Inserts a new lead; `already_checked` is the identity the caller just
    /// looked up and found free.
    fn insert_lead(
        &mut self,
        values: &RowValues,
        already_checked: MatchKey,
    ) -> Result<std::result::Result<i64, String>> {
        // A new lead's identity must be free (another identity column may clash).
        if let Some(email) = values
            .email
            .as_deref()
            .filter(|_| already_checked != MatchKey::Email)
        {
            if self.find_lead(values, MatchKey::Email)?.is_some() {
                return Ok(Err(format!(
                    "e-mail {email:?} already belongs to another lead"
                )));
            }
        }
        if let Some(id) = values
            .external_id
            .as_deref()
            .filter(|_| already_checked != MatchKey::ExternalId)
        {
            if self.find_lead(values, MatchKey::ExternalId)?.is_some() {
                return Ok(Err(format!(
                    "external id {id:?} already belongs to another lead"
                )));
            }
        }
        let mut params: Vec<Value> = vec![Value::Null; self.lead_columns.len()];
        params[0] = values.external_id.clone().map_or(Value::Null, Value::Text);
        params[1] = values
            .email
            .as_deref()
            .map_or(Value::Null, |e| Value::Text(normalize::email_key(e)));
        params[2] = Value::Integer(self.now);
        params[3] = Value::Integer(self.now);
        params[4] = Value::Integer(self.import_id);
        for (key, value) in &values.standard {
            if let Some(position) = self.lead_columns.iter().position(|c| c == key) {
                params[position] = value.clone();
            }
        }
        self.tx
            .prepare_cached(&self.insert_sql)?
            .execute(rusqlite::params_from_iter(params.iter()))?;
        let lead_id = self.tx.last_insert_rowid();
        let mut insert_custom = self.tx.prepare_cached(
            "INSERT INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)",
        )?;
        for (field_id, _, value) in &values.custom {
            insert_custom.execute(params![field_id, lead_id, value])?;
        }
        Ok(Ok(lead_id))
    }

    /// Applies a row to a lead that exists, recording old values for undo.
    fn apply_to_existing(
        &mut self,
        lead: FoundLead,
        values: &RowValues,
        policy: OnMatch,
    ) -> Result<()> {
        let lead_id = lead.id;
        let record_undo = !lead.inserted_here;
        let mut changed = false;
        let mut standard: Vec<(String, Value)> = values.standard.clone();
        if let Some(id) = &values.external_id {
            standard.push(("external_id".into(), Value::Text(id.clone())));
        }
        if let Some(email) = &values.email {
            standard.push(("email_key".into(), Value::Text(normalize::email_key(email))));
        }
        for (key, value) in &standard {
            // Keys are catalogue keys (checked) or our own identity columns.
            let old: Value = self
                .tx
                .prepare_cached(&format!("SELECT \"{key}\" FROM leads WHERE id = ?1"))?
                .query_row([lead_id], |r| r.get(0))?;
            if policy_writes(policy, &old, value) {
                if record_undo {
                    self.record_change(lead_id, key, &old)?;
                }
                self.tx
                    .prepare_cached(&format!("UPDATE leads SET \"{key}\" = ?1 WHERE id = ?2"))?
                    .execute(params![value, lead_id])?;
                changed = true;
            }
        }
        for (field_id, key, value) in &values.custom {
            let old: Value = self
                .tx
                .prepare_cached(
                    "SELECT value FROM custom_values WHERE field_id = ?1 AND lead_id = ?2",
                )?
                .query_row(params![field_id, lead_id], |r| r.get(0))
                .optional()?
                .unwrap_or(Value::Null);
            if policy_writes(policy, &old, value) {
                if record_undo {
                    self.record_change(lead_id, key, &old)?;
                }
                self.tx
                    .prepare_cached("INSERT OR REPLACE INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)")?
                    .execute(params![field_id, lead_id, value])?;
                changed = true;
            }
        }
        if changed {
            if record_undo {
                let old: Value = self
                    .tx
                    .prepare_cached("SELECT updated_at FROM leads WHERE id = ?1")?
                    .query_row([lead_id], |r| r.get(0))?;
                self.record_change(lead_id, "updated_at", &old)?;
            }
            self.tx
                .prepare_cached("UPDATE leads SET updated_at = ?1 WHERE id = ?2")?
                .execute(params![self.now, lead_id])?;
        }
        Ok(())
    }

    /// Keeps the value a field had before this import (the first one only).
    fn record_change(&self, lead_id: i64, key: &str, old: &Value) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO import_changes (import_id, lead_id, field_key, old_value) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![self.import_id, lead_id, key, old])?;
        Ok(())
    }

    fn write_event(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        let (Some(event_type), Some(occurred_at)) = (values.event_type.clone(), values.event_time)
        else {
            return Ok(Err("the event type or time is empty".into()));
        };
        let key = values
            .email
            .as_deref()
            .map(|e| format!("e:{}", normalize::email_key(e)))
            .or_else(|| values.external_id.as_ref().map(|id| format!("x:{id}")));
        let Some(key) = key else {
            return Ok(Err("the row has no lead e-mail or external id".into()));
        };
        if self.recent_leads.len() >= RECENT_LEADS_LIMIT {
            self.recent_leads.clear();
        }
        let lead_id = match self.recent_leads.get(&key) {
            Some(id) => *id,
            None => {
                let by = if values.email.is_some() {
                    MatchKey::Email
                } else {
                    MatchKey::ExternalId
                };
                let found = match self.find_lead(&values, by)? {
                    Some(lead) => lead.id,
                    None if spec.unknown_leads == UnknownLeads::Reject => {
                        return Ok(Err("no lead has this e-mail or external id".into()));
                    }
                    None => {
                        let minimal = RowValues {
                            email: values.email.clone(),
                            external_id: values.external_id.clone(),
                            standard: values
                                .email
                                .iter()
                                .map(|e| ("email".to_owned(), Value::Text(e.clone())))
                                .collect(),
                            ..RowValues::default()
                        };
                        match self.insert_lead(&minimal, by)? {
                            Ok(id) => {
                                counts.leads_created += 1;
                                id
                            }
                            Err(reason) => return Ok(Err(reason)),
                        }
                    }
                };
                self.recent_leads.insert(key, found);
                found
            }
        };
        self.tx
            .prepare_cached(
                "INSERT INTO events (lead_id, type, occurred_at, properties, import_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                lead_id,
                event_type,
                occurred_at,
                serde_json::Value::Object(values.event_properties).to_string(),
                self.import_id
            ])?;
        counts.inserted += 1;
        Ok(Ok(()))
    }
}

/// Does `policy` replace the stored `old` value with `new`?
fn policy_writes(policy: OnMatch, old: &Value, new: &Value) -> bool {
    match policy {
        OnMatch::Update => old != new,
        OnMatch::Fill => *old == Value::Null,
        OnMatch::Skip => false,
    }
}

/// Rejected rows: the first ones for the report, counts per reason, and all
/// of them buffered to a temporary CSV until the import knows its file name.
struct RejectLog {
    headers: Vec<String>,
    first: Vec<Rejection>,
    by_reason: HashMap<String, u64>,
    count: u64,
    spool: Option<csv::Writer<tempfile::NamedTempFile>>,
}

impl RejectLog {
    fn new(headers: Vec<String>) -> Self {
        RejectLog {
            headers,
            first: Vec::new(),
            by_reason: HashMap::new(),
            count: 0,
            spool: None,
        }
    }

    fn add(&mut self, line: u64, reason: String, fields: &[String]) -> Result<()> {
        self.count += 1;
        *self.by_reason.entry(reason_kind(&reason)).or_default() += 1;
        let writer = match self.spool.as_mut() {
            Some(writer) => writer,
            None => {
                let file = tempfile::NamedTempFile::new()
                    .map_err(|e| Error::io(std::env::temp_dir(), e))?;
                // Rejected rows keep their original width, ragged or not.
                let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(file);
                let mut header = vec!["line".to_owned(), "reason".to_owned()];
                header.extend(self.headers.iter().cloned());
                writer.write_record(&header)?;
                self.spool.insert(writer)
            }
        };
        // The user opens this file in a spreadsheet to fix the rows, so it
        // is neutralised against formula injection like every export.
        let mut record = vec![line.to_string(), csv_safe(&reason).into_owned()];
        record.extend(fields.iter().map(|field| csv_safe(field).into_owned()));
        writer.write_record(&record)?;
        if self.first.len() < REPORTED_REJECTIONS {
            self.first.push(Rejection { line, reason });
        }
        Ok(())
    }

    fn reasons(&self) -> Vec<ReasonCount> {
        let mut reasons: Vec<ReasonCount> = self
            .by_reason
            .iter()
            .map(|(reason, count)| ReasonCount {
                reason: reason.clone(),
                count: *count,
            })
            .collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        reasons
    }

    /// Moves the spooled rejected rows to `target`.
    fn save(&mut self, target: &Path) -> Result<()> {
        let Some(writer) = self.spool.take() else {
            return Ok(());
        };
        let spool = writer
            .into_inner()
            .map_err(|e| Error::io(target, e.into_error()))?;
        if let Err(error) = spool.persist(target) {
            // Across file systems a rename fails: copy instead.
            std::fs::copy(error.file.path(), target).map_err(|e| Error::io(target, e))?;
        }
        Ok(())
    }
}

/// The kind of a rejection, for counting: the reason without the row's own
/// value (`invalid e-mail address "x" in column "Email"` → `invalid e-mail
/// address in column "Email"`).
fn reason_kind(reason: &str) -> String {
    let mut kind = String::with_capacity(reason.len());
    let mut rest = reason;
    // Drop the first quoted value (the cell), keep the column name.
    if let Some(start) = rest.find('"') {
        if let Some(end) = rest[start + 1..].find("\" in column") {
            kind.push_str(rest[..start].trim_end());
            rest = &rest[start + 1 + end + 1..];
        }
    }
    kind.push_str(rest);
    kind
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

    #[test]
    fn policies_decide_writes() {
        let old = Value::Text("Acme".into());
        let new = Value::Text("Globex".into());
        assert!(policy_writes(OnMatch::Update, &old, &new));
        assert!(!policy_writes(OnMatch::Update, &old, &old));
        assert!(!policy_writes(OnMatch::Fill, &old, &new));
        assert!(policy_writes(OnMatch::Fill, &Value::Null, &new));
        assert!(!policy_writes(OnMatch::Skip, &Value::Null, &new));
    }

    #[test]
    fn reason_kinds_drop_the_cell_value() {
        assert_eq!(
            reason_kind("invalid e-mail address \"x@\" in column \"Email\""),
            "invalid e-mail address in column \"Email\""
        );
        assert_eq!(
            reason_kind("contains a NUL byte (column 2)"),
            "contains a NUL byte (column 2)"
        );
    }
}
