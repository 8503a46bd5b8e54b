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
    NotFound { path: PathBuf },

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

    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

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

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Errors cross IPC as their readable message: the UI shows it as is.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
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
    fn serializes_as_its_message() {
        let json = serde_json::to_string(&Error::UnknownField { key: "x".into() }).unwrap();
        assert_eq!(json, "\"unknown field `x`\"");
    }
}
