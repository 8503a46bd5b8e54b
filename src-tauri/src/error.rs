//! The shell's error type: core errors plus what only the shell can get
//! wrong. It crosses IPC as a core
//! [`ErrorReport`] (kind, readable message, rule path or field), which the
//! UI shows and uses to mark the rule or field it is about.

use leadstream_core::{ErrorKind, ErrorReport};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] leadstream_core::Error),
    #[error("no workspace is open: create or open one from the start screen")]
    NoWorkspace,
    #[error(
        "{path}: Leadstream only opens and saves files you chose in one of its file \
         dialogs, dropped on its window, or opened before (the recent list); choose \
         the file again"
    )]
    PathNotAllowed { path: String },
    #[error("a background task failed: {0}")]
    Task(String),
    #[error("{0}")]
    Setup(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// This error as it crosses IPC.
    pub fn report(&self) -> ErrorReport {
        let kind = match self {
            Error::Core(core) => return core.report(),
            Error::NoWorkspace => ErrorKind::Workspace,
            Error::PathNotAllowed { .. } => ErrorKind::Refused,
            Error::Task(_) | Error::Setup(_) => ErrorKind::Internal,
        };
        ErrorReport {
            kind,
            message: self.to_string(),
            rule_path: None,
            field: None,
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.report(), serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_errors_cross_ipc_as_reports() {
        let json = serde_json::to_value(Error::NoWorkspace).unwrap();
        assert_eq!(json["kind"], "workspace");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .contains("no workspace is open"));
        let core = Error::Core(leadstream_core::Error::UnknownField { key: "x".into() });
        assert_eq!(serde_json::to_value(core).unwrap()["field"], "x");
    }
}
