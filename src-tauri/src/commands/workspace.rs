//! Workspace commands: the launch state, opening, creating and switching
//! workspaces, the demo, the recent list, the first-run welcome, and quitting.

use leadstream_core::launch::{self, StartState, Welcome};
use leadstream_core::recent::{self, RecentWorkspace};
use leadstream_core::store::{backup, Passphrase};
use leadstream_core::{time, workspace_info as summarise, DailyUpkeep, Workspace, WorkspaceInfo};
use tauri::{AppHandle, Emitter, State};

use crate::error::Result;
use crate::state::{install, AppDirs, AppState, PathUse};

/// Opens the launch workspace (the one asked for, the most recent, or the
/// demo) and returns what the first screen needs. A workspace that fails to
/// open leaves the app on the start screen with the reason.
#[tauri::command]
pub async fn app_start(app: AppHandle, state: State<'_, AppState>) -> Result<StartState> {
    let requested = state.requested();
    let (start, upkeep_due) = state
        .with_slot(move |slot, dirs| {
            let mut upkeep_due = false;
            let mut error = None;
            let mut locked = None;
            let (recent, recent_warning) = recent::load_with_warning(&dirs.data_dir);
            let mut warnings: Vec<String> = recent_warning.into_iter().collect();
            if slot.is_none() {
                match launch::initial_workspace(
                    &dirs.data_dir,
                    requested.as_deref(),
                    time::midnight_utc(time::today_utc()),
                    backup::DAILY_AFTER_OPEN,
                ) {
                    Ok(workspace) => {
                        upkeep_due = workspace.daily_upkeep_due();
                        warnings.extend(install(slot, dirs, workspace)?)
                    }
                    // An encrypted workspace: the UI asks for its passphrase.
                    Err(leadstream_core::Error::PassphraseRequired { path }) => locked = Some(path),
                    Err(e) => error = Some(e.to_string()),
                }
            }
            let mut workspace = slot.as_ref().map(summarise).transpose()?;
            if let Some(info) = workspace.as_mut() {
                info.warnings = warnings;
            }
            let start = StartState {
                workspace,
                error,
                locked: locked.as_ref().map(|p| p.to_string_lossy().into_owned()),
                recent: if recent.is_empty() {
                    recent::load(&dirs.data_dir)
                } else {
                    recent
                },
                workspaces_dir: dirs.workspaces_dir.to_string_lossy().into_owned(),
            };
            Ok((start, upkeep_due))
        })
        .await?;
    upkeep_beside(&state, app, upkeep_due);
    // The launch workspace waiting for its passphrase may be opened (it
    // was asked for on the command line or is the most recent one).
    if let Some(locked) = &start.locked {
        state.allow_paths([&std::path::PathBuf::from(locked)], PathUse::Open);
    }
    Ok(start)
}

#[tauri::command]
pub async fn workspace_info(state: State<'_, AppState>) -> Result<Option<WorkspaceInfo>> {
    state
        .with_slot(|slot, _| Ok(slot.as_ref().map(summarise).transpose()?))
        .await
}

#[tauri::command]
pub async fn workspace_event_count(state: State<'_, AppState>) -> Result<u32> {
    state
        .with_workspace(|ws| leadstream_core::event_count(ws))
        .await
}

/// Opens the workspace at `path`; an encrypted one needs `passphrase`
/// (refused with the `passphrase_required` or `wrong_passphrase` kind, so
/// the UI asks for it). The passphrase stays in memory, in the open
/// workspace; it is never written or logged.
#[tauri::command]
pub async fn workspace_open(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    passphrase: Option<String>,
) -> Result<WorkspaceInfo> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    let passphrase = passphrase.map(Passphrase::new);
    let (info, upkeep_due) = state
        .with_slot(move |slot, dirs| {
            let workspace = Workspace::open_keyed_leaving_upkeep(&path, passphrase)?;
            switch_to(slot, dirs, workspace)
        })
        .await?;
    upkeep_beside(&state, app, upkeep_due);
    Ok(info)
}

/// Creates an empty workspace called `name` in the workspaces folder.
#[tauri::command]
pub async fn workspace_create(state: State<'_, AppState>, name: String) -> Result<WorkspaceInfo> {
    state
        .with_slot(move |slot, dirs| {
            let path = launch::path_for_name(&dirs.workspaces_dir, &name)?;
            // A new workspace has no scores and records its first history on
            // its next opening, as when it was opened.
            switch_to(slot, dirs, Workspace::create(path)?).map(|(info, _)| info)
        })
        .await
}

/// Opens the demo workspace (generated on first use); a protected demo
/// needs `passphrase`, as in [`workspace_open`].
#[tauri::command]
pub async fn workspace_open_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> Result<WorkspaceInfo> {
    let (info, upkeep_due) = state
        .with_slot(move |slot, dirs| {
            let demo = launch::demo_path(&dirs.data_dir);
            let workspace = match passphrase {
                Some(passphrase) if demo.exists() => {
                    Workspace::open_keyed_leaving_upkeep(&demo, Some(Passphrase::new(passphrase)))?
                }
                _ => launch::open_or_create_demo(
                    &dirs.data_dir,
                    time::midnight_utc(time::today_utc()),
                )?,
            };
            switch_to(slot, dirs, workspace)
        })
        .await?;
    upkeep_beside(&state, app, upkeep_due);
    Ok(info)
}

/// Whether the day's upkeep of the open workspace (its lead scores re-run
/// as of today, the day's segment history) is still running beside the app;
/// `daily-upkeep-done` says when it ends.
#[tauri::command]
pub fn workspace_upkeep_running(state: State<'_, AppState>) -> bool {
    state.daily_upkeep_running()
}

#[tauri::command]
pub async fn workspace_recent(state: State<'_, AppState>) -> Result<Vec<RecentWorkspace>> {
    state
        .with_slot(|_, dirs| Ok(recent::load(&dirs.data_dir)))
        .await
}

/// The first-run welcome the open workspace shows, if any.
#[tauri::command]
pub async fn workspace_welcome(state: State<'_, AppState>) -> Result<Option<Welcome>> {
    state
        .with_slot(|slot, dirs| match slot.as_ref() {
            Some(workspace) => Ok(launch::welcome(workspace, &dirs.data_dir)?),
            None => Ok(None),
        })
        .await
}

/// Remembers in the open workspace that its welcome was dismissed.
#[tauri::command]
pub async fn workspace_dismiss_welcome(state: State<'_, AppState>) -> Result<()> {
    state.with_workspace(launch::dismiss_welcome).await
}

/// The event that says the day's upkeep beside the app ended, with what it
/// did ([`DailyUpkeep`]): the UI asks its views' answers again.
pub const DAILY_UPKEEP_DONE_EVENT: &str = "daily-upkeep-done";

/// Starts the open workspace's day's upkeep beside the app when it is due
/// (the workspace was opened leaving it: the first screens come first), and
/// emits [`DAILY_UPKEEP_DONE_EVENT`] when it ends.
fn upkeep_beside(state: &AppState, app: AppHandle, due: bool) {
    if due {
        state.start_daily_upkeep(move |upkeep: DailyUpkeep| {
            let _ = app.emit(DAILY_UPKEEP_DONE_EVENT, upkeep);
        });
    }
}

/// Makes `workspace` the open one and describes it, with the warnings that
/// installing it raised, and whether its day's upkeep is due.
fn switch_to(
    slot: &mut Option<Workspace>,
    dirs: &AppDirs,
    workspace: Workspace,
) -> Result<(WorkspaceInfo, bool)> {
    let upkeep_due = workspace.daily_upkeep_due();
    let mut info = summarise(&workspace)?;
    // A large workspace's daily backup (issue 15) runs beside the app, once
    // its first screens are shown.
    let daily = backup::DailyMode::BackgroundForLarge {
        after: backup::DAILY_AFTER_OPEN,
    };
    backup::create_daily_if_due(&workspace, daily).ok();
    info.warnings = install(slot, dirs, workspace)?;
    Ok((info, upkeep_due))
}

/// Quits the app as closing its window does: the event loop ends and the
/// open workspace is closed on `RunEvent::Exit` (`AppState::close_on_exit`).
/// Async, so that it runs off the event loop that `exit` asks to end.
#[tauri::command]
pub async fn app_quit(app: tauri::AppHandle) {
    app.exit(0);
}
