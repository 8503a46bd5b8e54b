//! Opening a workspace for the app: the store's open and create, then what
//! the layers above the store add to every workspace (the built-in
//! segments), on open the refresh of stale lead scores and the day's
//! segment history, and after every import or undo what follows from the
//! changed data ([`Workspace::after_data_change`]). The store itself knows
//! nothing of those layers; this is the one place that puts them together,
//! so every opener (CLI, shell, tests) gets the same workspace.

use std::path::Path;

use crate::store::Passphrase;
use crate::strategy::history::SnapshotReason;
use crate::{Error, Result, Workspace};

/// A change to the data that the layers above react to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChange {
    /// An import added or updated leads or events.
    Import,
    /// An import was undone.
    Undo,
}

impl Workspace {
    /// Creates a new, empty workspace file. Refuses to overwrite anything.
    ///
    /// The workspace is built in a hidden temporary file next to `path` and
    /// moved into place only when complete, without replacing anything: a
    /// concurrent opener sees either no file or a whole workspace, and of two
    /// concurrent creators one wins and the other gets `AlreadyExists`.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        with_layers_above(Self::create_store(path)?).map_err(|e| e.in_workspace(path))
    }

    /// Opens an existing workspace file, migrating it to the current schema.
    /// A file that is not a workspace, that a newer Leadstream wrote, that is
    /// damaged or read-only, is refused before anything is written to it.
    /// An encrypted workspace is refused with [`Error::PassphraseRequired`]:
    /// see [`Workspace::open_with_passphrase`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_keyed(path, None)
    }

    /// Opens a workspace encrypted with `passphrase` (issue 15); a wrong
    /// one is refused with [`Error::WrongPassphrase`], the file untouched.
    /// A plain workspace opens as with [`Workspace::open`].
    pub fn open_with_passphrase(path: impl AsRef<Path>, passphrase: Passphrase) -> Result<Self> {
        Self::open_keyed(path, Some(passphrase))
    }

    /// Opens a workspace with a passphrase when one is given (the CLI's
    /// `LEADSTREAM_PASSPHRASE`, the app's passphrase dialog).
    pub fn open_keyed(path: impl AsRef<Path>, passphrase: Option<Passphrase>) -> Result<Self> {
        let path = path.as_ref();
        let store = Self::open_store_keyed(path, passphrase.as_ref())?;
        let mut workspace = with_layers_above(store).map_err(|e| e.in_workspace(path))?;
        // Scores run more than a day ago are re-run as of now (decay moves
        // them as time passes). A model that no longer compiles keeps the
        // old scores rather than refuse the workspace: `score run` and the
        // scoring view name the problem.
        crate::scoring::refresh_if_stale(&mut workspace).ok();
        // The day's snapshot of every saved segment's members, once a day.
        // A failure costs one day's history, never the opening.
        crate::strategy::history::record_daily_if_due(&mut workspace).ok();
        // The daily backup (issue 15), when none was taken in 24 hours, for
        // a small file (a large one's is taken by the app on a thread of its
        // own). A failure never stops the opening; the Backups tab shows
        // when the last one was taken.
        crate::store::backup::create_daily_if_due(
            &workspace,
            crate::store::backup::DailyMode::SmallOnly,
        )
        .ok();
        Ok(workspace)
    }

    /// What follows an import or an undo that changed the data: the lead
    /// scores are re-run and every saved segment's members recorded. The
    /// change itself is done and stays; what could not follow is returned
    /// as a message for the user (the import still succeeded).
    pub fn after_data_change(&mut self, change: DataChange) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(error) = crate::scoring::rescore_after_change(self) {
            problems.push(format!(
                "the lead scores were not updated ({error}); run the scores again after fixing the active model"
            ));
        }
        let reason = match change {
            DataChange::Import => SnapshotReason::Import,
            DataChange::Undo => SnapshotReason::Undo,
        };
        if let Err(error) = crate::strategy::history::record_after_change(self, reason) {
            problems.push(format!("the segment history was not recorded ({error})"));
        }
        problems
    }

    /// Opens `path`, creating the workspace first if there is no file there.
    /// Safe to call from several processes at once.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_or_create_keyed(path, None)
    }

    /// [`Workspace::open_or_create`] with the passphrase of an existing
    /// encrypted workspace; a new workspace is created plain.
    pub fn open_or_create_keyed(
        path: impl AsRef<Path>,
        passphrase: Option<Passphrase>,
    ) -> Result<Self> {
        let path = path.as_ref();
        match Self::open_keyed(path, passphrase.clone()) {
            Err(Error::NoSuchWorkspace { .. }) => match Self::create(path) {
                // Another process created it meanwhile.
                Err(Error::AlreadyExists { .. }) => Self::open_keyed(path, passphrase),
                created => created,
            },
            opened => opened,
        }
    }

    /// How to open this workspace's file again, with the same passphrase,
    /// on any thread: for long work on a connection of its own (imports).
    /// `None` for a workspace in memory.
    pub fn reopener(&self) -> Option<Reopener> {
        self.path().map(|path| Reopener {
            path: path.to_path_buf(),
            passphrase: self.passphrase().cloned(),
        })
    }

    /// A private in-memory workspace, for tests.
    pub fn in_memory() -> Result<Self> {
        with_layers_above(Self::in_memory_store()?)
    }
}

/// Opens one workspace's file again, with the passphrase it was opened with
/// (kept in memory only; never shown by `Debug`).
#[derive(Debug, Clone)]
pub struct Reopener {
    path: std::path::PathBuf,
    passphrase: Option<Passphrase>,
}

impl Reopener {
    /// The workspace's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Another open workspace on the file.
    pub fn open(&self) -> Result<Workspace> {
        Workspace::open_keyed(&self.path, self.passphrase.clone())
    }
}

/// Adds what the layers above the store keep in every workspace: the
/// built-in segments (a settings read once they are there).
fn with_layers_above(mut workspace: Workspace) -> Result<Workspace> {
    // What each layer derives without reading events, kept by an events import.
    workspace.keep_across_event_writes(crate::segments::index::part_reads_no_events);
    workspace.keep_across_event_writes(crate::leads::search_keys_read_no_events);
    // What each layer stores for the next process when the workspace closes.
    workspace.on_close(crate::leads::store_search_keys_on_close);
    crate::segments::saved::install_builtins(&mut workspace)?;
    Ok(workspace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopener_opens_an_encrypted_workspace_with_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.leadstream");
        let mut workspace = Workspace::create(&path).unwrap();
        crate::store::cipher::protect(&mut workspace, Passphrase::new("correct horse")).unwrap();
        let reopener = workspace.reopener().unwrap();
        assert_eq!(reopener.path(), path);
        assert!(!format!("{reopener:?}").contains("correct horse"));
        assert!(reopener.open().unwrap().is_protected());
        assert!(Workspace::in_memory().unwrap().reopener().is_none());
    }

    #[test]
    fn every_new_workspace_has_the_built_in_segments() {
        let workspace = Workspace::in_memory().unwrap();
        assert!(!crate::segments::saved::list(&workspace).unwrap().is_empty());
    }
}
