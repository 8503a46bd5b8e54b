//! Tauri commands: each is a few lines over one core function, run off the
//! main thread. Their argument and result types come from `leadstream-core`
//! and reach TypeScript through ts-rs (ui/src/bindings).

use std::path::Path;

use leadstream_core::fields::Field;
use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::import::history::{self, ImportRecord, UndoSummary};
use leadstream_core::import::inspect::{self, ImportInspection};
use leadstream_core::import::source::SourceFormat;
use leadstream_core::import::spec::{ImportKind, ImportProgress, ImportReport, ImportSpec};
use leadstream_core::launch::{self, StartState};
use leadstream_core::leads::{self, LeadDetail, LeadPage, LeadQuery};
use leadstream_core::recent::{self, RecentWorkspace};
use leadstream_core::{fields, workspace_info as summarise, Workspace, WorkspaceInfo};
use tauri::{AppHandle, Emitter, State};

use crate::error::Result;
use crate::state::{install, AppState};

/// The event that carries [`ImportProgress`] to the UI.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// "Now" for a freshly generated demo: today at 00:00 UTC.
fn today_anchor() -> i64 {
    chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp()
}

/// Opens the launch workspace (the one asked for, the most recent, or the
/// demo) and returns what the first screen needs. A workspace that fails to
/// open leaves the app on the start screen with the reason.
#[tauri::command]
pub async fn app_start(state: State<'_, AppState>) -> Result<StartState> {
    let requested = state.requested();
    state
        .with_slot(move |slot, dirs| {
            let mut error = None;
            if slot.is_none() {
                match launch::initial_workspace(
                    &dirs.data_dir,
                    requested.as_deref(),
                    today_anchor(),
                ) {
                    Ok(workspace) => install(slot, dirs, workspace)?,
                    Err(e) => error = Some(e.to_string()),
                }
            }
            Ok(StartState {
                workspace: slot.as_ref().map(summarise).transpose()?,
                error,
                recent: recent::load(&dirs.data_dir),
                workspaces_dir: dirs.workspaces_dir.to_string_lossy().into_owned(),
            })
        })
        .await
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

#[tauri::command]
pub async fn workspace_open(state: State<'_, AppState>, path: String) -> Result<WorkspaceInfo> {
    state
        .with_slot(move |slot, dirs| switch_to(slot, dirs, Workspace::open(&path)?))
        .await
}

/// Creates an empty workspace called `name` in the workspaces folder.
#[tauri::command]
pub async fn workspace_create(state: State<'_, AppState>, name: String) -> Result<WorkspaceInfo> {
    state
        .with_slot(move |slot, dirs| {
            let path = launch::path_for_name(&dirs.workspaces_dir, &name)?;
            switch_to(slot, dirs, Workspace::create(path)?)
        })
        .await
}

#[tauri::command]
pub async fn workspace_open_demo(state: State<'_, AppState>) -> Result<WorkspaceInfo> {
    state
        .with_slot(|slot, dirs| {
            switch_to(
                slot,
                dirs,
                launch::open_or_create_demo(&dirs.data_dir, today_anchor())?,
            )
        })
        .await
}

#[tauri::command]
pub async fn workspace_recent(state: State<'_, AppState>) -> Result<Vec<RecentWorkspace>> {
    state
        .with_slot(|_, dirs| Ok(recent::load(&dirs.data_dir)))
        .await
}

#[tauri::command]
pub async fn fields_list(state: State<'_, AppState>) -> Result<Vec<Field>> {
    state.with_workspace(|ws| fields::list(ws.conn())).await
}

#[tauri::command]
pub async fn leads_page(state: State<'_, AppState>, query: LeadQuery) -> Result<LeadPage> {
    state
        .with_workspace(move |ws| leads::page(ws.conn(), &query))
        .await
}

#[tauri::command]
pub async fn lead_detail(state: State<'_, AppState>, id: i64) -> Result<LeadDetail> {
    state
        .with_workspace(move |ws| leads::detail(ws.conn(), id))
        .await
}

fn switch_to(
    slot: &mut Option<Workspace>,
    dirs: &crate::state::AppDirs,
    workspace: Workspace,
) -> Result<WorkspaceInfo> {
    let info = summarise(&workspace)?;
    install(slot, dirs, workspace)?;
    Ok(info)
}

/// Looks at a dropped or chosen file; `format` and `kind` override detection.
#[tauri::command]
pub async fn import_inspect(
    state: State<'_, AppState>,
    path: String,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
) -> Result<ImportInspection> {
    state
        .with_workspace(move |ws| inspect::inspect(ws.conn(), Path::new(&path), format, kind))
        .await
}

/// Runs an import or a dry run, emitting `import-progress` events; cancelled
/// by `import_cancel`. Runs on a blocking thread; the UI stays responsive.
#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    spec: ImportSpec,
    dry_run: bool,
) -> Result<ImportReport> {
    let cancel = state.reset_import_cancel();
    state
        .with_workspace(move |ws| {
            let mut progress = |p: &ImportProgress| {
                let _ = app.emit(IMPORT_PROGRESS_EVENT, p);
            };
            let control = ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            };
            run_import(ws, Path::new(&path), &spec, dry_run, control)
        })
        .await
}

#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>) {
    state.cancel_import();
}

#[tauri::command]
pub async fn imports_list(state: State<'_, AppState>) -> Result<Vec<ImportRecord>> {
    state.with_workspace(|ws| history::list(ws.conn())).await
}

#[tauri::command]
pub async fn import_undo(state: State<'_, AppState>, id: i64) -> Result<UndoSummary> {
    state.with_workspace(move |ws| history::undo(ws, id)).await
}
