//! The core's one error type, with a `Result` alias. Errors carry the position
//! they refer to (file path, row, column, field key) wherever there is one.

use std::path::PathBuf;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: not a Leadstream workspace ({reason})")]
    NotAWorkspace { path: PathBuf, reason: String },

    #[error(
        "{path}: this workspace was written by a newer Leadstream (schema version {found}, \
         this app understands up to {supported}); it was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{path}: a file already exists there")]
    AlreadyExists { path: PathBuf },

    #[error("{path}: no such workspace file")]
    NoSuchWorkspace { path: PathBuf },

    /// The workspace is encrypted (issue 15) and was opened without its
    /// passphrase. Nothing was read or written.
    #[error(
        "{path}: this workspace is protected with a passphrase; enter it to open the workspace"
    )]
    PassphraseRequired { path: PathBuf },

    /// The passphrase given does not open this encrypted workspace (or the
    /// file is not a workspace at all). Nothing was written.
    #[error(
        "{path}: wrong passphrase: it does not open this workspace; the file was left untouched"
    )]
    WrongPassphrase { path: PathBuf },

    /// Something the caller named by id or key that the workspace does not
    /// hold: `what` says what it is (`stream`, `content item`), `key` which.
    #[error("{what} {key} does not exist")]
    NotFound { what: &'static str, key: String },

    /// The file is an SQLite workspace whose pages are broken (cut off,
    /// overwritten). Nothing is written to it.
    #[error(
        "{}this workspace file is damaged ({reason}); Leadstream left it untouched. \
         Restore it from a backup, or open another workspace",
        at(path.as_deref())
    )]
    Damaged {
        path: Option<PathBuf>,
        reason: String,
    },

    /// The file (or its folder) cannot be written; Leadstream refuses to
    /// open workspaces it cannot save to.
    #[error(
        "{}this workspace file is read-only, and Leadstream saves every change as you \
         work. Make the file and its folder writable (or copy it to a folder you can \
         write to) and open it again",
        at(path.as_deref())
    )]
    ReadOnly { path: Option<PathBuf> },

    /// A write ran out of space; its transaction was rolled back.
    #[error(
        "{}the disk is full: nothing was saved, and the workspace still holds everything \
         it held before. Free some space and try again",
        at(path.as_deref())
    )]
    DiskFull { path: Option<PathBuf> },

    /// Another connection held the write lock for longer than the busy timeout.
    #[error(
        "{}the workspace is busy (another Leadstream process is writing); nothing \
         was changed. Try again when it has finished",
        at(path.as_deref())
    )]
    Busy { path: Option<PathBuf> },

    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: rusqlite::Error,
    },

    /// A file could not be read as CSV at all (binary, malformed encoding,
    /// unreadable header). `line` and `byte` say where, when known.
    #[error("{path}{}: {message}", location(*line, *byte))]
    UnreadableFile {
        path: PathBuf,
        line: Option<u64>,
        byte: Option<u64>,
        message: String,
    },

    #[error("the import was cancelled; the workspace is unchanged")]
    Cancelled,

    /// An undo that would not be exact: a later import, still applied, built
    /// on what this import did. `reason` names it and says what it did.
    #[error("import #{import_id} of {file_name} cannot be undone: {reason}")]
    UndoRefused {
        import_id: i64,
        file_name: String,
        reason: String,
    },

    #[error("unknown field `{key}`")]
    UnknownField { key: String },

    /// A custom field that saved segments or streams still use; `used_by`
    /// names each of them (`segment “Big budgets” (12)`).
    #[error("the field `{key}` is used by {}; change those first", used_by.join(", "))]
    FieldInUse { key: String, used_by: Vec<String> },

    #[error("lead {id} does not exist")]
    UnknownLead { id: i64 },

    #[error("segment {id} does not exist")]
    UnknownSegment { id: i64 },

    /// A segment rule that cannot be evaluated. `path` locates the rule in
    /// the tree (`root.rules[1].rules[0]`), `field` names its field.
    #[error("rule {path}{}: {message}", field.as_deref().map(|f| format!(" (field `{f}`)")).unwrap_or_default())]
    InvalidRule {
        path: String,
        field: Option<String>,
        message: String,
    },

    /// Segment references that cannot be followed: a segment that refers
    /// back to itself, or a chain of segments using segments deeper than
    /// the limit. `path` locates the reference in the rules being checked.
    #[error("rule {path} (field `segment`): {message}")]
    SegmentReferences { path: String, message: String },

    /// A number or date outside its documented range (docs/streams.md,
    /// "Limits"): `setting` names it as the user sees it.
    #[error("{setting} must be {allowed}, not {found}")]
    OutOfRange {
        setting: String,
        allowed: String,
        found: String,
    },

    #[error("{0}")]
    InvalidArgument(String),

    /// A backup that cannot be restored (damaged, not a workspace, from a
    /// newer Leadstream); the workspace was not changed.
    #[error("{path}: this backup cannot be restored ({reason}); the workspace was left untouched")]
    BadBackup { path: PathBuf, reason: String },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),

    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn location(line: Option<u64>, byte: Option<u64>) -> String {
    match (line, byte) {
        (Some(line), Some(byte)) => format!(", line {line} (byte {byte})"),
        (Some(line), None) => format!(", line {line}"),
        (None, Some(byte)) => format!(", byte {byte}"),
        (None, None) => String::new(),
    }
}

/// `"{path}: "` when the error knows its file, else nothing.
fn at(path: Option<&std::path::Path>) -> String {
    path.map(|p| format!("{}: ", p.display()))
        .unwrap_or_default()
}

impl Error {
    /// A file system error on `path`; a full disk reads as [`Error::DiskFull`].
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::StorageFull {
            return Error::DiskFull { path: Some(path) };
        }
        Error::Io { path, source }
    }

    /// Names the workspace file in errors about it that do not name a file
    /// yet (a full disk, a busy or damaged workspace).
    pub fn in_workspace(self, workspace: &std::path::Path) -> Self {
        let fill = |path: Option<PathBuf>| path.or_else(|| Some(workspace.to_path_buf()));
        match self {
            Error::Damaged { path, reason } => Error::Damaged {
                path: fill(path),
                reason,
            },
            Error::ReadOnly { path } => Error::ReadOnly { path: fill(path) },
            Error::DiskFull { path } => Error::DiskFull { path: fill(path) },
            Error::Busy { path } => Error::Busy { path: fill(path) },
            other => other,
        }
    }
}

/// SQLite errors that a user can act on become their own variants: a busy,
/// full, damaged or read-only workspace. The rest stay database errors.
impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) => Error::Busy { path: None },
            Some(ErrorCode::DiskFull) => Error::DiskFull { path: None },
            Some(ErrorCode::ReadOnly) => Error::ReadOnly { path: None },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Damaged {
                path: None,
                reason: match &error {
                    rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
                    _ => "its contents are malformed".to_owned(),
                },
            },
            _ => Error::Sqlite(error),
        }
    }
}

/// What kind of failure an [`Error`] is, for callers that react to kinds
/// (the UI marks a failing rule, offers to retry a busy workspace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// The file is not a workspace, is newer, damaged, read-only or missing.
    Workspace,
    /// The workspace is encrypted: ask for its passphrase.
    PassphraseRequired,
    /// The passphrase given does not open the workspace: ask again.
    WrongPassphrase,
    /// The workspace is busy or the disk is full: trying again may work.
    Retry,
    /// A file to import could not be read.
    UnreadableFile,
    /// Something named by id or key does not exist.
    NotFound,
    /// A segment rule (or reference) that cannot be evaluated: see `rule_path`.
    InvalidRule,
    /// A value outside its documented range, or an argument that makes no sense.
    InvalidInput,
    /// An action refused to keep the workspace consistent (undo, field in use).
    Refused,
    /// The user cancelled.
    Cancelled,
    /// Anything else: a bug or an environment failure.
    Internal,
}

/// How an error crosses IPC: its kind, its readable message, and where it
/// is when it has a place (a rule's path in the tree, a field's key).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    /// `root.rules[1].rules[0]`: the rule the error is about.
    pub rule_path: Option<String>,
    /// The key of the field the error is about.
    pub field: Option<String>,
    /// What is wrong, without where: shown beside the rule or field that
    /// `rule_path` or `field` names (`enter a number`).
    pub detail: Option<String>,
}

impl Error {
    /// The kind of this error; see [`ErrorKind`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotAWorkspace { .. }
            | Error::NewerSchema { .. }
            | Error::AlreadyExists { .. }
            | Error::NoSuchWorkspace { .. }
            | Error::Damaged { .. }
            | Error::ReadOnly { .. } => ErrorKind::Workspace,
            Error::PassphraseRequired { .. } => ErrorKind::PassphraseRequired,
            Error::WrongPassphrase { .. } => ErrorKind::WrongPassphrase,
            Error::DiskFull { .. } | Error::Busy { .. } => ErrorKind::Retry,
            Error::UnreadableFile { .. } | Error::Csv(_) => ErrorKind::UnreadableFile,
            Error::NotFound { .. }
            | Error::UnknownField { .. }
            | Error::UnknownLead { .. }
            | Error::UnknownSegment { .. } => ErrorKind::NotFound,
            Error::InvalidRule { .. } | Error::SegmentReferences { .. } => ErrorKind::InvalidRule,
            Error::OutOfRange { .. } | Error::InvalidArgument(_) | Error::Json(_) => {
                ErrorKind::InvalidInput
            }
            Error::UndoRefused { .. } | Error::FieldInUse { .. } | Error::BadBackup { .. } => {
                ErrorKind::Refused
            }
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Migration { .. } | Error::Io { .. } | Error::Sqlite(_) => ErrorKind::Internal,
        }
    }

    /// This error as it crosses IPC.
    pub fn report(&self) -> ErrorReport {
        let (rule_path, field, detail) = match self {
            Error::InvalidRule {
                path,
                field,
                message,
            } => (Some(path.clone()), field.clone(), Some(message.clone())),
            Error::SegmentReferences { path, message } => (
                Some(path.clone()),
                Some("segment".into()),
                Some(message.clone()),
            ),
            Error::UnknownField { key } | Error::FieldInUse { key, .. } => {
                (None, Some(key.clone()), None)
            }
            _ => (None, None, None),
        };
        ErrorReport {
            kind: self.kind(),
            message: self.to_string(),
            rule_path,
            field,
            detail,
        }
    }
}

/// Errors cross IPC as an [`ErrorReport`]: the UI shows the message and
/// marks the rule or field it names.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.report().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_schema_message_names_file_and_versions() {
        let error = Error::NewerSchema {
            path: "/tmp/a.leadstream".into(),
            found: 9,
            supported: 1,
        };
        let message = error.to_string();
        assert!(message.contains("/tmp/a.leadstream"));
        assert!(message.contains("schema version 9"));
        assert!(message.contains("up to 1"));
    }

    #[test]
    fn serializes_as_a_report_with_kind_message_and_place() {
        let json = serde_json::to_value(Error::UnknownField { key: "x".into() }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "not_found",
                "message": "unknown field `x`",
                "rule_path": null,
                "field": "x",
                "detail": null,
            })
        );
        let rule = Error::InvalidRule {
            path: "root.rules[1]".into(),
            field: Some("budget".into()),
            message: "not a number".into(),
        };
        let json = serde_json::to_value(rule).unwrap();
        assert_eq!(json["kind"], "invalid_rule");
        assert_eq!(json["rule_path"], "root.rules[1]");
        assert_eq!(json["field"], "budget");
        assert_eq!(json["detail"], "not a number");
    }
}
