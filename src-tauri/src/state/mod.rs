//! App state: the open workspace behind a mutex, the folders the app uses
//! ([`dirs`]), and the files the webview may name ([`paths`]). Database work
//! runs on blocking threads so the UI never waits on SQLite; imports and
//! inspections use a connection of their own, so they never hold the
//! workspace that other commands need.

mod background;
mod dirs;
mod paths;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use leadstream_core::launch::FileKind;
use leadstream_core::DailyUpkeep;
use leadstream_core::{launch, Workspace};

pub use dirs::{requested_workspace, AppDirs};
pub use paths::{allowed_roots_from_env, PathUse};

use crate::error::{Error, Result};
use paths::PathAllowlist;

/// How long the day's upkeep beside the app keeps trying while another
/// connection (an import started at launch) holds the workspace's write
/// lock: as long as a large import may take.
const UPKEEP_WAITS_FOR_WRITERS: std::time::Duration = std::time::Duration::from_secs(600);

struct Inner {
    workspace: Mutex<Option<Workspace>>,
    /// The files the webview may name.
    allowed_paths: PathAllowlist,
    /// Set by `import_cancel`; outside the workspace lock, which a running
    /// import holds.
    import_cancel: Arc<AtomicBool>,
    /// Days' upkeeps running beside the app (`start_daily_upkeep`).
    upkeeps_running: AtomicUsize,
    dirs: AppDirs,
    requested: Option<PathBuf>,
}

/// Shared app state; cheap to clone into background tasks.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    pub fn new(dirs: AppDirs, requested: Option<PathBuf>, allowed_roots: Vec<PathBuf>) -> Self {
        AppState {
            inner: Arc::new(Inner {
                workspace: Mutex::new(None),
                allowed_paths: PathAllowlist::new(allowed_roots),
                import_cancel: Arc::new(AtomicBool::new(false)),
                upkeeps_running: AtomicUsize::new(0),
                dirs,
                requested,
            }),
        }
    }

    /// Clears the cancel flag for a new import and returns it.
    pub fn reset_import_cancel(&self) -> Arc<AtomicBool> {
        self.inner.import_cancel.store(false, Ordering::Relaxed);
        self.inner.import_cancel.clone()
    }

    pub fn cancel_import(&self) {
        self.inner.import_cancel.store(true, Ordering::Relaxed);
    }

    pub fn requested(&self) -> Option<PathBuf> {
        self.inner.requested.clone()
    }

    /// Records paths the user chose or dropped, for `use_`.
    pub fn allow_paths<'a>(&self, paths: impl IntoIterator<Item = &'a PathBuf>, use_: PathUse) {
        self.inner.allowed_paths.allow(paths, use_);
    }

    /// `path` from the webview, if the user gave it to the app for `use_`:
    /// chosen in a dialog or dropped on the window since the app started,
    /// listed in the recent workspaces (to open), or under a folder of
    /// [`paths::ALLOW_PATHS_UNDER_VAR`]. Anything else is refused.
    pub fn allowed_path(&self, path: &str, use_: PathUse) -> Result<PathBuf> {
        self.inner
            .allowed_paths
            .check(path, use_, &self.inner.dirs.data_dir)
    }

    /// Shows the native dialog to open (`PathUse::Open`) or save a file of
    /// `kind`, on a blocking thread, and records the choice. `None` when the
    /// user cancels.
    pub async fn choose_file(
        &self,
        app: tauri::AppHandle,
        kind: FileKind,
        use_: PathUse,
        default_name: Option<String>,
    ) -> Result<Option<String>> {
        let Some(path) = paths::show_file_dialog(app, kind, use_, default_name).await? else {
            return Ok(None);
        };
        self.allow_paths([&path], use_);
        Ok(Some(path.to_string_lossy().into_owned()))
    }

    /// Closes the open workspace as the app exits: what the core keeps for
    /// the next start (the quick search's keys) is stored, and the file is
    /// closed cleanly. Skipped, not waited for, while a command still holds
    /// the workspace: closing the window never hangs.
    pub fn close_on_exit(&self) {
        let closed = match self.inner.workspace.try_lock() {
            Ok(mut slot) => slot.take(),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner().take(),
            Err(std::sync::TryLockError::WouldBlock) => None,
        };
        drop(closed);
    }

    /// Runs `work` on a blocking thread with the state's slot for the open
    /// workspace, which it may fill, replace or use.
    pub async fn with_slot<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Option<Workspace>, &AppDirs) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = inner
                .workspace
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut slot, &inner.dirs)
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Runs `work` on a blocking thread against the open workspace.
    pub async fn with_workspace<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workspace) -> leadstream_core::Result<T> + Send + 'static,
    {
        self.with_slot(move |slot, _| {
            let workspace = slot.as_mut().ok_or(Error::NoWorkspace)?;
            let path = workspace.path().map(Path::to_path_buf);
            work(workspace).map_err(|e| in_workspace(e, path.as_deref()))
        })
        .await
    }

    /// Runs `work` on a blocking thread without the workspace: for a read on
    /// a connection of its own that other commands need not wait for. Its
    /// failure is `None`, said on stderr; the caller then does the work on
    /// the workspace, which reports the error if there is one.
    pub async fn beside_the_workspace<T, F>(&self, work: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce() -> leadstream_core::Result<T> + Send + 'static,
    {
        match tauri::async_runtime::spawn_blocking(work).await {
            Ok(Ok(done)) => Some(done),
            Ok(Err(error)) => {
                eprintln!("leadstream: a read beside the workspace failed ({error}); the workspace does it");
                None
            }
            Err(error) => {
                eprintln!("leadstream: a read beside the workspace stopped ({error}); the workspace does it");
                None
            }
        }
    }

    /// Starts the day's upkeep of the open workspace (its lead scores re-run
    /// as of today, the day's segment history: `Workspace::daily_upkeep`)
    /// beside the app, on a connection of its own, and calls `done` with what
    /// it did. The first screens need not wait for it: at 1M leads it
    /// rewrites every lead's scores, 10 s and more. It runs on a thread of
    /// its own in the idle I/O class (`background::spawn_low_priority`), so
    /// that the first screens' reads of a cold workspace come first. Until
    /// `done`, [`AppState::daily_upkeep_running`] says so.
    pub fn start_daily_upkeep(&self, done: impl FnOnce(DailyUpkeep) + Send + 'static) {
        self.inner.upkeeps_running.fetch_add(1, Ordering::SeqCst);
        // Called once, by the thread or, if none could start, here.
        let done = Arc::new(Mutex::new(Some(done)));
        let state = self.clone();
        let finish = {
            let done = done.clone();
            move |upkeep: DailyUpkeep| {
                for problem in &upkeep.problems {
                    eprintln!("leadstream: {problem}");
                }
                state.inner.upkeeps_running.fetch_sub(1, Ordering::SeqCst);
                let done = done.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(done) = done {
                    done(upkeep);
                }
            }
        };
        let inner = self.inner.clone();
        let finish_in_thread = finish.clone();
        let started = background::spawn_low_priority("daily-upkeep", move || {
            let upkeep = on_own_connection(&inner, |workspace| {
                Ok(workspace.daily_upkeep_patiently(UPKEEP_WAITS_FOR_WRITERS))
            })
            .unwrap_or_else(|error| DailyUpkeep {
                problems: vec![format!("the day's upkeep did not run ({error})")],
                ..DailyUpkeep::default()
            });
            finish_in_thread(upkeep);
        });
        if let Err(error) = started {
            finish(DailyUpkeep {
                problems: vec![format!("the day's upkeep did not start ({error})")],
                ..DailyUpkeep::default()
            });
        }
    }

    /// Is a day's upkeep started by [`AppState::start_daily_upkeep`] still
    /// running?
    pub fn daily_upkeep_running(&self) -> bool {
        self.inner.upkeeps_running.load(Ordering::SeqCst) > 0
    }

    /// Runs long `work` (an import, an inspection, the quality report, the
    /// duplicate search) on a blocking thread with a connection of its own
    /// to the open workspace's file, so that the
    /// workspace stays free for every other command meanwhile (WAL lets
    /// them read; the segment index sees the import's commit through
    /// SQLite's `data_version`). After work that changed too many leads for
    /// the quick search to patch its keys, that connection stores fresh
    /// keys on a thread of its own (`leads::store_search_keys`).
    pub async fn with_own_connection<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workspace) -> leadstream_core::Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tauri::async_runtime::spawn_blocking(move || on_own_connection(&inner, work))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }
}

/// The body of [`AppState::with_own_connection`], on the calling thread.
fn on_own_connection<T, F>(inner: &Arc<Inner>, work: F) -> Result<T>
where
    F: FnOnce(&mut Workspace) -> leadstream_core::Result<T>,
{
    let reopener = {
        let slot = inner
            .workspace
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let workspace = slot.as_ref().ok_or(Error::NoWorkspace)?;
        workspace.reopener()
    };
    let Some(reopener) = reopener else {
        // In memory: there is no file to open a second connection to.
        let mut slot = inner
            .workspace
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let workspace = slot.as_mut().ok_or(Error::NoWorkspace)?;
        return Ok(work(workspace)?);
    };
    // With the passphrase of an encrypted workspace, kept in memory.
    let path = reopener.path().to_path_buf();
    let mut own = reopener.open()?;
    let done = work(&mut own).map_err(|e| in_workspace(e, Some(&path)));
    let outran = done.is_ok()
        && leadstream_core::leads::search_keys_outrun_by_own_writes(&own).unwrap_or(false);
    // Its writes are committed or rolled back: the shared workspace
    // takes over which leads they changed (its quick search then
    // patches its keys instead of reading every lead again).
    let slot = inner
        .workspace
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(workspace) = slot.as_ref() {
        workspace.absorb_lead_changes_of(&own);
    }
    drop(slot);
    if outran {
        // Too many leads changed to patch (a large import): the
        // connection builds and stores the quick search's keys in
        // the background, so the next search loads them.
        std::thread::spawn(move || {
            let _stored = leadstream_core::leads::store_search_keys(&own);
        });
    }
    done
}

fn in_workspace(error: leadstream_core::Error, path: Option<&Path>) -> Error {
    match path {
        Some(path) => error.in_workspace(path).into(),
        None => error.into(),
    }
}

/// Makes `workspace` the open one and records it in the recent list; a
/// list that cannot be saved is a warning (returned), not a reason to keep
/// the workspace closed. Nothing is built ahead in the background: the
/// segment index's parts are kept in the workspace file, so the first count
/// loads what it needs in a few hundred milliseconds (and builds and stores
/// what the file does not hold yet).
pub fn install(
    slot: &mut Option<Workspace>,
    dirs: &AppDirs,
    workspace: Workspace,
) -> Result<Vec<String>> {
    let warnings: Vec<String> = launch::remember(&dirs.data_dir, &workspace)
        .into_iter()
        .inspect(|warning| eprintln!("leadstream: {warning}"))
        .collect();
    *slot = Some(workspace);
    Ok(warnings)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use leadstream_core::recent;

    /// App state whose folders are under `dir`, allowing paths under `roots`.
    pub(crate) fn state_in(dir: &Path, roots: Vec<PathBuf>) -> AppState {
        let dirs = AppDirs {
            data_dir: dir.join("data"),
            workspaces_dir: dir.join("workspaces"),
        };
        AppState::new(dirs, None, roots)
    }

    /// App state under `dir` with a new workspace `a.leadstream` open.
    fn state_with_new_workspace(dir: &Path) -> AppState {
        let state = state_in(dir, Vec::new());
        let workspace = Workspace::create(dir.join("a.leadstream")).unwrap();
        tauri::async_runtime::block_on(
            state.with_slot(move |slot, dirs| install(slot, dirs, workspace).map(drop)),
        )
        .unwrap();
        state
    }

    #[test]
    fn failing_recent_list_write_does_not_block_opening() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs {
            data_dir: dir.path().join("data"),
            workspaces_dir: dir.path().join("workspaces"),
        };
        // A folder where the list's file should be: saving it fails.
        std::fs::create_dir_all(recent::recent_file(&dirs.data_dir).join("blocker")).unwrap();
        let workspace = Workspace::create(dir.path().join("Mine.leadstream")).unwrap();
        let mut slot = None;
        let warnings = install(&mut slot, &dirs, workspace).expect("the workspace opens");
        assert_eq!(slot.as_ref().map(Workspace::name).as_deref(), Some("Mine"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("could not be saved"), "{warnings:?}");
    }

    #[test]
    fn exiting_closes_the_workspace_unless_a_command_holds_it() {
        use tauri::async_runtime::block_on;
        let dir = tempfile::tempdir().unwrap();
        let state = state_with_new_workspace(dir.path());
        let is_open = |state: &AppState| block_on(state.with_slot(|slot, _| Ok(slot.is_some())));

        // A command holds the workspace: exiting does not wait for it.
        let held = state.inner.workspace.lock().unwrap();
        state.close_on_exit();
        drop(held);
        assert!(is_open(&state).unwrap());

        state.close_on_exit();
        assert!(!is_open(&state).unwrap(), "the workspace was closed");
    }

    #[test]
    fn the_day_s_upkeep_runs_beside_the_workspace_and_says_when_it_is_done() {
        use std::time::Duration;
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_with_new_workspace(dir.path());
        let due = || block_on(state.with_workspace(|ws| Ok(ws.daily_upkeep_due()))).unwrap();
        // A new workspace has no snapshot of its built-in segments today.
        assert!(due());
        let (done, finished) = std::sync::mpsc::channel();
        state.start_daily_upkeep(move |upkeep| done.send(upkeep).unwrap());
        let upkeep = finished
            .recv_timeout(Duration::from_secs(30))
            .expect("the upkeep ended");
        assert!(upkeep.history_recorded, "{upkeep:?}");
        assert!(upkeep.problems.is_empty(), "{upkeep:?}");
        assert!(!state.daily_upkeep_running());
        // Done on its own connection, seen by the workspace's.
        assert!(!due());
    }

    #[test]
    fn a_long_import_does_not_block_other_commands() {
        use std::sync::mpsc;
        use std::time::Duration;
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_with_new_workspace(dir.path());

        let (started, import_started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let importer = state.clone();
        // Stands in for import_run: it holds its connection until released.
        let import = std::thread::spawn(move || {
            block_on(importer.with_own_connection(move |ws| {
                started.send(()).unwrap();
                released.recv().unwrap();
                leadstream_core::leads::count(ws)
            }))
        });
        import_started
            .recv_timeout(Duration::from_secs(10))
            .expect("the import started");

        let other = state.clone();
        let (answer, answered) = mpsc::channel();
        std::thread::spawn(move || {
            let count = block_on(other.with_workspace(|ws| leadstream_core::leads::count(ws)));
            answer.send(count.is_ok()).unwrap();
        });
        let answer = answered.recv_timeout(Duration::from_secs(5));
        release.send(()).unwrap();
        assert_eq!(import.join().unwrap().unwrap(), 0);
        assert_eq!(
            answer,
            Ok(true),
            "the lead count answered while the import was running"
        );
    }

    #[test]
    fn a_large_write_on_its_own_connection_leaves_the_search_keys_stored_in_the_file() {
        use leadstream_core::store::tables::derived_cache;
        use std::time::{Duration, Instant};
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_with_new_workspace(dir.path());
        let file = dir.path().join("a.leadstream");
        let stored_keys = || {
            let ws = Workspace::open(&file).unwrap();
            derived_cache::parts(ws.conn())
                .unwrap()
                .into_iter()
                .any(|(name, generation, _)| {
                    name.starts_with("search/")
                        && generation == derived_cache::generation(ws.conn()).unwrap()
                })
        };
        // Stands in for import_run: 1,500 leads, more than a patch takes.
        block_on(state.with_own_connection(|ws| {
            let spec = leadstream_core::demo::DemoSpec {
                leads: 1_500,
                events_per_lead: 0,
                seed: 7,
                anchor: 1_700_000_000,
            };
            leadstream_core::demo::generate(ws, &spec).map(drop)
        }))
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !stored_keys() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(stored_keys(), "the keys were stored in the background");
    }

    #[test]
    fn what_an_import_on_its_own_connection_writes_is_seen_by_the_next_segment_count() {
        use leadstream_core::segments::{self, Combinator, RuleGroup};
        use tauri::async_runtime::block_on;

        let dir = tempfile::tempdir().unwrap();
        let state = state_with_new_workspace(dir.path());
        let everyone = RuleGroup {
            id: None,
            combinator: Combinator::And,
            not: false,
            rules: Vec::new(),
        };
        let count = |rules: RuleGroup| {
            block_on(state.with_workspace(move |ws| {
                segments::count(ws, &rules, leadstream_core::time::now())
            }))
            .unwrap()
        };
        assert_eq!(count(everyone.clone()), 0, "the index is built, empty");

        let spec = leadstream_core::demo::DemoSpec {
            leads: 50,
            events_per_lead: 1,
            seed: 3,
            anchor: 1_790_000_000,
        };
        block_on(state.with_own_connection(move |ws| leadstream_core::demo::generate(ws, &spec)))
            .unwrap();
        assert_eq!(count(everyone), 50, "the index was rebuilt after the write");
    }
}
