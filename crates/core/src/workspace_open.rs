//! Opening a workspace for the app: the store's open and create, then what
//! the layers above the store add to every workspace (the built-in
//! segments), the day's upkeep (the refresh of stale lead scores and the
//! day's segment history) on open or beside it, and after every import or
//! undo what follows from the changed data
//! ([`Workspace::after_data_change`]). The store itself knows nothing of
//! those layers; this is the one place that puts them together, so every
//! opener (CLI, shell, tests) gets the same workspace.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::store::Passphrase;
use crate::strategy::history::SnapshotReason;
use crate::{Error, Result, Workspace};

/// What [`Workspace::daily_upkeep`] did: the app tells its views to ask
/// again when anything changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DailyUpkeep {
    /// The lead scores were re-run as of today.
    pub scores_refreshed: bool,
    /// Today's snapshot of the saved segments' members was recorded.
    pub history_recorded: bool,
    /// What could not be done, for the log; the workspace is usable all the
    /// same.
    pub problems: Vec<String>,
    /// Another connection held the workspace's write lock past the busy
    /// timeout (an import started meanwhile): what was not done is still
    /// due, and trying again later may do it.
    pub workspace_busy: bool,
}

impl DailyUpkeep {
    /// Notes that `what` could not be done because of `error`.
    fn could_not(&mut self, what: &str, error: Error) {
        self.workspace_busy |= matches!(error, Error::Busy { .. });
        self.problems.push(format!("{what} ({error})"));
    }
}

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
        let mut workspace = Self::open_keyed_leaving_upkeep(path, passphrase)?;
        workspace.daily_upkeep();
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

    /// Opens as [`Workspace::open_keyed`] does, but leaves the day's upkeep
    /// ([`Workspace::daily_upkeep`]) and the daily backup to the caller: for
    /// the app, which shows its first screens first and runs the upkeep beside
    /// them on a connection of its own, and for such a second connection.
    pub fn open_keyed_leaving_upkeep(
        path: impl AsRef<Path>,
        passphrase: Option<Passphrase>,
    ) -> Result<Self> {
        let path = path.as_ref();
        let store = Self::open_store_keyed(path, passphrase.as_ref())?;
        with_layers_above(store).map_err(|e| e.in_workspace(path))
    }

    /// Is any of the day's upkeep due ([`Workspace::daily_upkeep`])? A few
    /// settings reads; an error counts as due, so the upkeep reports it.
    pub fn daily_upkeep_due(&self) -> bool {
        crate::scoring::refresh_due(self).unwrap_or(true)
            || crate::strategy::history::daily_due(self).unwrap_or(true)
    }

    /// The upkeep of the first opening of a day (UTC): lead scores run on an
    /// earlier day are re-run as of today's end (decay moves them once a
    /// day), then the day's snapshot of every saved segment's members is
    /// recorded (after the scores, so that segments on scores see today's).
    /// Each is done once a day, whichever connection does it first. A model
    /// that no longer compiles keeps the old scores rather than refuse the
    /// workspace (`score run` and the Scoring view name the problem); a
    /// failed snapshot costs one day's history. Either is in `problems`.
    pub fn daily_upkeep(&mut self) -> DailyUpkeep {
        let mut upkeep = DailyUpkeep::default();
        match crate::scoring::refresh_if_stale(self) {
            Ok(summary) => upkeep.scores_refreshed = summary.is_some(),
            Err(error) => upkeep.could_not("today's lead scores were not run", error),
        }
        match crate::strategy::history::record_daily_if_due(self) {
            Ok(recorded) => upkeep.history_recorded = recorded,
            Err(error) => upkeep.could_not("today's segment history was not recorded", error),
        }
        upkeep
    }

    /// [`Workspace::daily_upkeep`], tried again while another connection
    /// held the write lock (an import started at launch), for at most
    /// `patience`: the upkeep beside the app. Between tries it only waits
    /// for the lock ([`Workspace::wait_until_writable`]), so the scores are
    /// computed again once the file is free, not every few seconds beside
    /// the import. What it did is what all the tries did together.
    pub fn daily_upkeep_patiently(&mut self, patience: std::time::Duration) -> DailyUpkeep {
        let until = std::time::Instant::now() + patience;
        let mut upkeep = self.daily_upkeep();
        while upkeep.workspace_busy && std::time::Instant::now() < until {
            match self.wait_until_writable() {
                Ok(()) => {}
                // Still held after the busy timeout: wait again.
                Err(Error::Busy { .. }) => continue,
                Err(error) => {
                    upkeep.could_not("the workspace could not be written", error);
                    upkeep.workspace_busy = false;
                    break;
                }
            }
            let again = self.daily_upkeep();
            upkeep = DailyUpkeep {
                scores_refreshed: upkeep.scores_refreshed || again.scores_refreshed,
                history_recorded: upkeep.history_recorded || again.history_recorded,
                ..again
            };
        }
        upkeep
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

    /// Another open workspace on the file, for work beside the first: the
    /// day's upkeep and the daily backup are left to the first one's opener.
    pub fn open(&self) -> Result<Workspace> {
        Workspace::open_keyed_leaving_upkeep(&self.path, self.passphrase.clone())
    }
}

/// Adds what the layers above the store keep in every workspace: the
/// built-in segments (a settings read once they are there).
fn with_layers_above(mut workspace: Workspace) -> Result<Workspace> {
    // What each layer derives without reading events, kept by an events import.
    workspace.keep_across_event_writes(crate::segments::index::part_reads_no_events);
    workspace.keep_across_event_writes(crate::leads::search_keys_read_no_events);
    // What each layer derives per lead that new leads and a few written
    // fields leave true, kept by a leads import.
    workspace.keep_across_lead_writes(crate::segments::index::part_survives_leads_written);
    workspace.keep_across_lead_writes(crate::leads::search_keys_survive_leads_written);
    // What each layer carries across a write that rewrote a few known leads
    // (a merge, its undo), rewritten inside that write.
    workspace.keep_across_lead_row_writes(
        crate::segments::index::part_carried_across_lead_rows,
        crate::segments::index::carry_across_lead_rows,
    );
    workspace.keep_across_lead_row_writes(
        crate::leads::search_keys_carried_across_lead_rows,
        crate::leads::carry_search_keys_across_lead_rows,
    );
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

    /// A demo workspace at `path` whose scores were run, and whose segment
    /// history was last recorded, two days ago.
    fn workspace_of_two_days_ago(path: &Path) {
        let mut workspace = Workspace::create(path).unwrap();
        let anchor = crate::time::now();
        let spec = crate::demo::DemoSpec {
            leads: 40,
            events_per_lead: 4,
            seed: 7,
            anchor,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        workspace
            .conn_mut()
            .unwrap()
            .execute_batch(
                "UPDATE settings SET value = json_set(value, '$.ran_at', \
                     json_extract(value, '$.ran_at') - 2 * 86400, \
                     '$.as_of', json_extract(value, '$.as_of') - 2 * 86400) \
                 WHERE key = 'score_last_run';
                 UPDATE segment_snapshots SET taken_at = taken_at - 2 * 86400;",
            )
            .unwrap();
    }

    #[test]
    fn the_day_s_upkeep_runs_on_open_or_where_the_opener_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.leadstream");
        workspace_of_two_days_ago(&path);
        let as_of = |w: &Workspace| crate::scoring::last_run(w).unwrap().unwrap().as_of;
        let today = crate::scoring::as_of_today();

        // The app's opening leaves it, and so does a second connection.
        let first = Workspace::open_keyed_leaving_upkeep(&path, None).unwrap();
        assert!(first.daily_upkeep_due());
        assert!(as_of(&first) < today);
        let mut beside = first.reopener().unwrap().open().unwrap();
        assert!(beside.daily_upkeep_due());
        // The second connection does it; the first sees it done.
        let upkeep = beside.daily_upkeep();
        assert_eq!(
            upkeep,
            DailyUpkeep {
                scores_refreshed: true,
                history_recorded: true,
                ..DailyUpkeep::default()
            }
        );
        assert!(!first.daily_upkeep_due());
        assert_eq!(as_of(&first), today);
        // Once a day: a second upkeep finds nothing to do.
        assert_eq!(beside.daily_upkeep(), DailyUpkeep::default());
        drop((first, beside));

        // Every other opener (the CLI's) does it before returning.
        workspace_of_two_days_ago(&dir.path().join("cli.leadstream"));
        let opened = Workspace::open(dir.path().join("cli.leadstream")).unwrap();
        assert!(!opened.daily_upkeep_due());
        assert_eq!(as_of(&opened), today);
    }

    #[test]
    fn an_upkeep_that_finds_the_workspace_busy_leaves_it_due() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.leadstream");
        workspace_of_two_days_ago(&path);
        // Another writer (an import) holds the write lock; the opening
        // needs none.
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut workspace = Workspace::open_keyed_leaving_upkeep(&path, None).unwrap();
        let mut beside = workspace.reopener().unwrap().open().unwrap();
        assert!(beside.daily_upkeep().workspace_busy);
        workspace
            .conn()
            .busy_timeout(std::time::Duration::from_millis(100))
            .unwrap();
        let upkeep = workspace.daily_upkeep();
        assert!(upkeep.workspace_busy, "{upkeep:?}");
        assert!(!upkeep.scores_refreshed);
        assert!(upkeep.problems[0].starts_with("today's lead scores were not run"));
        assert!(workspace.daily_upkeep_due());
        // Patiently, it is done once the writer is.
        let writer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            writer.execute_batch("COMMIT").unwrap();
        });
        let again = workspace.daily_upkeep_patiently(std::time::Duration::from_secs(60));
        writer.join().unwrap();
        assert!(
            again.scores_refreshed && again.history_recorded,
            "{again:?}"
        );
        assert!(!again.workspace_busy, "{again:?}");
        assert!(!workspace.daily_upkeep_due());
        // Committed: another connection sees it done.
        drop(workspace);
        let other = Workspace::open_keyed_leaving_upkeep(&path, None).unwrap();
        assert!(!other.daily_upkeep_due());
    }

    #[test]
    fn every_new_workspace_has_the_built_in_segments() {
        let workspace = Workspace::in_memory().unwrap();
        assert!(!crate::segments::saved::list(&workspace).unwrap().is_empty());
    }
}
