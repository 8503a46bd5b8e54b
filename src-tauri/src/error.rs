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
            detail: None,
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

    #[test]
    fn an_invalid_rule_from_the_core_crosses_ipc_with_its_rule_path() {
        let rule = leadstream_core::Error::InvalidRule {
            path: "root.rules[1]".into(),
            field: Some("budget".into()),
            message: "not a number".into(),
        };
        let json = serde_json::to_value(Error::from(rule)).unwrap();
        assert_eq!(json["kind"], "invalid_rule");
        assert_eq!(json["rule_path"], "root.rules[1]");
        assert_eq!(json["field"], "budget");
        assert!(
            json["message"].as_str().unwrap().contains("not a number"),
            "{json}"
        );
    }

    #[test]
    fn a_core_error_from_a_workspace_command_keeps_its_rule_path() {
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let dirs = crate::state::AppDirs {
            data_dir: dir.path().join("data"),
            workspaces_dir: dir.path().join("workspaces"),
        };
        let state = crate::state::AppState::new(dirs, None, Vec::new());
        let workspace =
            leadstream_core::Workspace::create(dir.path().join("a.leadstream")).unwrap();
        block_on(
            state.with_slot(move |slot, dirs| {
                crate::state::install(slot, dirs, workspace).map(drop)
            }),
        )
        .unwrap();
        let error = block_on(state.with_workspace(|_| -> leadstream_core::Result<()> {
            Err(leadstream_core::Error::InvalidRule {
                path: "root.rules[0].rules[2]".into(),
                field: None,
                message: "no value".into(),
            })
        }))
        .unwrap_err();
        let json = serde_json::to_value(error).unwrap();
        assert_eq!(json["kind"], "invalid_rule");
        assert_eq!(json["rule_path"], "root.rules[0].rules[2]");
        assert_eq!(json["field"], serde_json::Value::Null);
    }
}
