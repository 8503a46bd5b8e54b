//! What an import does, as the user confirmed it in the wizard (or gave on the
//! command line): how to read the file, where each column goes, how to match
//! existing leads, and what it came to (counts and rejections).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::normalize::{DateFormat, NumberStyle};
use super::source::SourceFormat;
use crate::fields::{Category, FieldType};

/// Leads (one row per person) or events (one row per thing a lead did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportKind {
    Leads,
    Events,
}

/// Where one column's values go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ColumnTarget {
    /// Not imported.
    Skip,
    /// A field of the catalogue (standard or custom), or `external_id`.
    Field { key: String },
    /// A custom field created by this import.
    NewField {
        key: String,
        label: String,
        field_type: FieldType,
        category: Category,
    },
    /// Events: the lead's e-mail address.
    EventLeadEmail,
    /// Events: the lead's external id.
    EventLeadExternalId,
    /// Events: what happened (page_view, download, ...).
    EventType,
    /// Events: when it happened.
    EventTime,
    /// Events: a property stored with the event under `name`.
    EventProperty { name: String },
}

/// One column of the file and where it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnMapping {
    /// Position in the file, from 0.
    pub index: u32,
    /// The cleaned header (or "Column N").
    pub header: String,
    pub target: ColumnTarget,
    /// How the column writes dates, when it holds dates.
    pub date_format: Option<DateFormat>,
    /// How the column writes numbers, when it holds numbers.
    pub number_style: Option<NumberStyle>,
}

/// How rows find the lead they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MatchKey {
    /// The e-mail address, compared after trimming and full Unicode case folding.
    Email,
    /// The column mapped to `external_id` (a CRM record id).
    ExternalId,
    /// No identity: every row is a new lead (the wizard warns first).
    None,
}

/// What a row that matches an existing lead (or an earlier row of the same
/// file) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OnMatch {
    /// Overwrite fields with the file's non-empty values.
    Update,
    /// Only fill fields that are empty.
    Fill,
    /// Leave the lead as it is.
    Skip,
}

/// What an event row for a lead we do not know does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UnknownLeads {
    /// Create a minimal lead with just the identifier.
    Create,
    /// Reject the row.
    Reject,
}

/// Everything an import needs besides the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportSpec {
    pub kind: ImportKind,
    pub format: SourceFormat,
    pub columns: Vec<ColumnMapping>,
    pub match_key: MatchKey,
    pub on_match: OnMatch,
    /// Cell values that mean "empty" (compared after trimming, case-insensitively).
    pub null_tokens: Vec<String>,
    pub unknown_leads: UnknownLeads,
}

/// What an import did (or, in a dry run, would do). For every import,
/// `rows = inserted + updated + skipped + merged + rejected`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportCounts {
    /// Data rows read from the file (header excluded).
    #[ts(type = "number")]
    pub rows: u64,
    /// New leads (lead files) or new events (event files).
    #[ts(type = "number")]
    pub inserted: u64,
    /// Rows applied to a lead that was already in the workspace.
    #[ts(type = "number")]
    pub updated: u64,
    /// Rows that matched an existing lead under the `skip` policy.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Rows that matched an earlier row of the same file and were merged into it.
    #[ts(type = "number")]
    pub merged: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    /// Event files: minimal leads created for unknown identifiers.
    #[ts(type = "number")]
    pub leads_created: u64,
    /// Rows of people erased earlier (their e-mail's salted hash is in the
    /// suppression list), never written anywhere; counted in `skipped` too.
    #[serde(default)]
    #[ts(type = "number")]
    pub suppressed: u64,
    /// The erasure dates (YYYY-MM-DD) of the suppressed rows' people.
    #[serde(default)]
    pub erased_on: Vec<String>,
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rejection {
    /// The physical line where the row starts (the header is line 1 when present).
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// The result of a dry run or an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub counts: ImportCounts,
    /// The first rejections, in file order (all of them are in the rejected-rows file).
    pub rejections: Vec<Rejection>,
    /// How many rows were rejected for each reason, most frequent first.
    pub reasons: Vec<ReasonCount>,
    /// The rejected-rows CSV written next to the workspace (real imports with rejections).
    pub rejected_file: Option<String>,
    /// The history id of a real import.
    #[ts(type = "number | null")]
    pub import_id: Option<i64>,
    pub dry_run: bool,
    /// Warnings that do not reject rows (no identity column, ...).
    pub warnings: Vec<String>,
    /// Cancel was asked for once the import had passed the point where it
    /// could still be rolled back ([`ImportPhase::Saving`]): it is stored
    /// all the same, and the history's undo takes it back.
    pub cancel_came_too_late: bool,
}

/// How often one kind of rejection happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReasonCount {
    pub reason: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Progress of a running import, for the progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub bytes_read: u64,
    #[ts(type = "number")]
    pub total_bytes: u64,
    pub rows_per_second: f64,
    /// Seconds left, estimated from the bytes read so far.
    pub eta_seconds: Option<f64>,
    pub phase: ImportPhase,
}

/// Where a running import is. Cancel rolls it back in the first two
/// phases, and no longer in the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPhase {
    /// Reading and writing the file's rows.
    Reading,
    /// Every row is read: rebuilding indexes, writing the rejected-rows
    /// file, completing the backup.
    Finishing,
    /// Committing the import and bringing what depends on the data (segment
    /// history, scores, search) up to date: past the point of no return.
    Saving,
}
