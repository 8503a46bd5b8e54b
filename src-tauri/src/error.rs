//! The shell's error type: core errors plus what only the shell can get
//! wrong. It crosses IPC as its readable message, which the UI shows.

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

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}
