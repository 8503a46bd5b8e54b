//! What the app opens at launch, and where workspaces live: the demo
//! workspace on first launch, the most recent workspace afterwards, paths
//! for new workspaces created by name, and the first-run welcome each
//! workspace shows until it is dismissed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::demo::{self, DemoSpec};
use crate::recent::RecentWorkspace;
use crate::store::backup::{self, DailyMode};
use crate::store::WORKSPACE_EXTENSION;
use crate::WorkspaceInfo;
use crate::{recent, Error, Result, Workspace};

/// What the UI needs to draw its first screen: the workspace opened at
/// launch (or why none could be), and the recent list for the start screen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StartState {
    pub workspace: Option<WorkspaceInfo>,
    /// Why the launch workspace could not be opened, if it could not.
    pub error: Option<String>,
    /// The launch workspace, when it is encrypted and waits for its
    /// passphrase (the UI asks for it and opens it).
    pub locked: Option<String>,
    pub recent: Vec<RecentWorkspace>,
    /// Where workspaces created by name are saved.
    pub workspaces_dir: String,
}

/// The kinds of file the app asks the user for, in its open and save
/// dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileKind {
    /// A `.leadstream` workspace.
    Workspace,
    /// A CSV (or TSV) file to import or to export to.
    Csv,
    /// A stream's portable JSON.
    Json,
}

impl FileKind {
    /// The dialog's filter: its name and file extensions.
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileKind::Workspace => ("Leadstream workspace", &[WORKSPACE_EXTENSION]),
            FileKind::Csv => ("CSV files", &["csv", "tsv", "txt"]),
            FileKind::Json => ("JSON", &["json"]),
        }
    }
}

/// The demo workspace's file in the app's data folder.
pub fn demo_path(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("Demo.{WORKSPACE_EXTENSION}"))
}

/// Opens the demo workspace, generating it first if it does not exist. It is
/// generated in a hidden folder of its own and moved into place only when
/// complete, without replacing anything: an interrupted first launch never
/// leaves a half-filled demo behind, and of two first launches at once one
/// generates the demo that both open. As every opening here, the day's
/// upkeep is left to the app ([`Workspace::open_keyed_leaving_upkeep`]).
pub fn open_or_create_demo(data_dir: &Path, anchor: i64) -> Result<Workspace> {
    let path = demo_path(data_dir);
    if path.exists() {
        return Workspace::open_keyed_leaving_upkeep(&path, None);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
    let scratch = tempfile::Builder::new()
        .prefix(".demo-")
        .tempdir_in(data_dir)
        .map_err(|e| Error::io(data_dir, e))?;
    let partial = scratch.path().join(format!("Demo.{WORKSPACE_EXTENSION}"));
    {
        let mut workspace = Workspace::create(&partial)?;
        demo::generate(&mut workspace, &DemoSpec::standard(anchor))?;
    }
    match std::fs::hard_link(&partial, &path) {
        Ok(()) => {}
        // Another launch finished first: open its demo.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        // A file system without hard links: a plain rename, if still free.
        Err(_) if !path.exists() => {
            std::fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?
        }
        Err(_) => {}
    }
    drop(scratch);
    Workspace::open_keyed_leaving_upkeep(&path, None)
}

/// The setting that remembers, in the workspace itself, that its welcome
/// was dismissed.
const WELCOME_DISMISSED_KEY: &str = "welcome_dismissed";

/// The first-run welcome a workspace shows above its home view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Welcome {
    /// Made-up leads: say so, and suggest the first steps.
    Demo,
    /// No leads yet: say how to import them.
    Empty,
}

/// The welcome `workspace` shows, if any: none once dismissed, and none for
/// a workspace that already holds the user's own leads. The demo is
/// recognised by its mark, or by its place in `data_dir` (a demo generated
/// before the mark existed).
pub fn welcome(workspace: &Workspace, data_dir: &Path) -> Result<Option<Welcome>> {
    let dismissed: bool =
        crate::store::settings::get(workspace, WELCOME_DISMISSED_KEY)?.unwrap_or(false);
    if dismissed {
        return Ok(None);
    }
    let at_demo_path = workspace.path() == Some(demo_path(data_dir).as_path());
    if at_demo_path || demo::is_demo_data(workspace)? {
        return Ok(Some(Welcome::Demo));
    }
    Ok((crate::leads::count(workspace)? == 0).then_some(Welcome::Empty))
}

/// Remembers in the workspace that its welcome was dismissed, so it stays
/// dismissed after a restart and wherever the file is opened.
pub fn dismiss_welcome(workspace: &mut Workspace) -> Result<()> {
    crate::store::settings::set(workspace, WELCOME_DISMISSED_KEY, &true)
}

/// The file for a new workspace called `name` in `dir`: the name with
/// characters that are unsafe in file names replaced, plus the extension.
pub fn path_for_name(dir: &Path, name: &str) -> Result<PathBuf> {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        return Err(Error::InvalidArgument("a workspace needs a name".into()));
    }
    if cleaned.chars().count() > 120 {
        return Err(Error::InvalidArgument(
            "a workspace name has at most 120 characters".into(),
        ));
    }
    Ok(dir.join(format!("{cleaned}.{WORKSPACE_EXTENSION}")))
}

/// Puts `workspace` at the top of the recent list. The list is a
/// convenience: when it cannot be saved, the returned warning says so, and
/// the workspace stays open.
pub fn remember(data_dir: &Path, workspace: &Workspace) -> Option<String> {
    let path = workspace.path()?;
    recent::touch(data_dir, path, &workspace.name())
        .err()
        .map(|e| {
            format!(
                "the workspace is open, but the list of recent workspaces could not be saved: {e}"
            )
        })
}

/// The workspace to open at launch: the one asked for, else the most recent
/// one that still exists, else the demo (generated on first launch). As when
/// the app opens a workspace later, the day's upkeep is left to the app
/// ([`Workspace::daily_upkeep`], which it runs beside its first screens),
/// and a large one's daily backup (issue 15) starts on a thread of its own,
/// `daily_backup_after` the open (the app gives
/// [`backup::DAILY_AFTER_OPEN`]); a small one's is taken before returning.
pub fn initial_workspace(
    data_dir: &Path,
    requested: Option<&Path>,
    anchor: i64,
    daily_backup_after: std::time::Duration,
) -> Result<Workspace> {
    let workspace = match requested {
        Some(path) => Workspace::open_keyed_leaving_upkeep(path, None)?,
        None => match recent::load(data_dir)
            .into_iter()
            .find(|entry| entry.exists)
        {
            Some(last) => Workspace::open_keyed_leaving_upkeep(&last.path, None)?,
            None => open_or_create_demo(data_dir, anchor)?,
        },
    };
    let daily = DailyMode::BackgroundForLarge {
        after: daily_backup_after,
    };
    backup::create_daily_if_due(&workspace, daily).ok();
    Ok(workspace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const ANCHOR: i64 = 1_790_000_000;

    #[test]
    fn a_large_launch_workspace_starts_its_daily_backup_beside_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Big.leadstream");
        let mut big = Workspace::create(&path).unwrap();
        // Past the size from which the daily copy runs beside the app.
        big.conn_mut()
            .unwrap()
            .execute_batch(
                "CREATE TABLE padding (bytes BLOB);
                 INSERT INTO padding VALUES (zeroblob(65 * 1024 * 1024));",
            )
            .unwrap();
        drop(big);
        // No copy yet, daily or other.
        assert!(!backup::backups_dir(&path).exists());
        let launched = initial_workspace(dir.path(), Some(&path), ANCHOR, Duration::ZERO).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let backups = backup::list(&launched).unwrap();
            if backups
                .iter()
                .any(|b| b.reason == "daily" && b.leads == Some(0))
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no daily backup 30 s after the launch: {backups:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn the_demo_welcomes_until_dismissed_even_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let mut demo = open_or_create_demo(dir.path(), ANCHOR).unwrap();
        assert_eq!(welcome(&demo, dir.path()).unwrap(), Some(Welcome::Demo));
        dismiss_welcome(&mut demo).unwrap();
        drop(demo);
        let demo = Workspace::open(demo_path(dir.path())).unwrap();
        assert_eq!(welcome(&demo, dir.path()).unwrap(), None);
    }

    #[test]
    fn an_empty_workspace_says_how_to_import_and_own_leads_need_no_welcome() {
        let dir = tempfile::tempdir().unwrap();
        let mut own = Workspace::create(dir.path().join("Own.leadstream")).unwrap();
        assert_eq!(welcome(&own, dir.path()).unwrap(), Some(Welcome::Empty));
        let tx = own.conn_mut().unwrap().transaction().unwrap();
        let lead = crate::store::tables::leads::NewLead {
            id: 1,
            email: Some("ann@example.com"),
            ..Default::default()
        };
        crate::store::tables::leads::LeadInserter::new(&tx)
            .unwrap()
            .insert(&lead)
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(welcome(&own, dir.path()).unwrap(), None);
    }

    #[test]
    fn generated_leads_anywhere_are_demo_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut made_up = Workspace::create(dir.path().join("Bench.leadstream")).unwrap();
        let spec = DemoSpec {
            leads: 3,
            events_per_lead: 1,
            seed: 1,
            anchor: ANCHOR,
        };
        demo::generate(&mut made_up, &spec).unwrap();
        assert_eq!(welcome(&made_up, dir.path()).unwrap(), Some(Welcome::Demo));
    }

    #[test]
    fn first_launch_generates_the_demo_once() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = initial_workspace(dir.path(), None, ANCHOR, Duration::ZERO).unwrap();
        assert_eq!(crate::leads::count(&workspace).unwrap(), 5_000);
        assert_eq!(workspace.path().unwrap(), demo_path(dir.path()));
        drop(workspace);
        let again = open_or_create_demo(dir.path(), ANCHOR + 86_400).unwrap();
        assert_eq!(crate::leads::count(&again).unwrap(), 5_000);
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".demo-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn two_first_launches_at_once_open_the_same_complete_demo() {
        let dir = tempfile::tempdir().unwrap();
        let start = std::sync::Arc::new(std::sync::Barrier::new(3));
        let launches: Vec<_> = (0..3)
            .map(|_| {
                let (data_dir, start) = (dir.path().to_path_buf(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    open_or_create_demo(&data_dir, ANCHOR)
                        .and_then(|demo| crate::leads::count(&demo))
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        for launch in launches {
            assert_eq!(launch.join().unwrap(), Ok(5_000));
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with("Demo.leadstream"))
            .collect();
        assert!(names.is_empty(), "left behind: {names:?}");
    }

    #[test]
    fn the_most_recent_existing_workspace_wins() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("Mine.leadstream");
        drop(Workspace::create(&mine).unwrap());
        recent::touch(dir.path(), &dir.path().join("Gone.leadstream"), "Gone").unwrap();
        recent::touch(dir.path(), &mine, "Mine").unwrap();
        recent::touch(dir.path(), &dir.path().join("Gone.leadstream"), "Gone").unwrap();
        let workspace = initial_workspace(dir.path(), None, ANCHOR, Duration::ZERO).unwrap();
        assert_eq!(workspace.name(), "Mine");
    }

    #[test]
    fn remembering_a_workspace_when_the_recent_list_cannot_be_saved_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::create(dir.path().join("Mine.leadstream")).unwrap();
        // A folder where the list's file should be: saving it must fail.
        std::fs::create_dir_all(recent::recent_file(dir.path()).join("blocker")).unwrap();
        let warning = remember(dir.path(), &workspace).expect("a warning");
        assert!(
            warning.contains("recent workspaces could not be saved"),
            "{warning}"
        );
        assert_eq!(remember(dir.path(), &Workspace::in_memory().unwrap()), None);
    }

    #[test]
    fn names_become_safe_file_names() {
        let dir = Path::new("/w");
        assert_eq!(
            path_for_name(dir, " Q3 / EMEA: leads ").unwrap(),
            Path::new("/w/Q3 - EMEA- leads.leadstream")
        );
        assert_eq!(
            path_for_name(dir, "Kunden München").unwrap(),
            Path::new("/w/Kunden München.leadstream")
        );
        assert!(path_for_name(dir, "  ").is_err());
        assert!(path_for_name(dir, "..").is_err());
    }
}
