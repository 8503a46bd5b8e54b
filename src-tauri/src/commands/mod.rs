//! Tauri commands: each is a few lines over one core function, run off the
//! main thread. Their argument and result types come from `leadstream-core`
//! and reach TypeScript through ts-rs (ui/src/bindings).

use std::path::Path;

use leadstream_core::export::{write_file_atomically, ConsentPolicy, MemberExportSummary};
use leadstream_core::fields::{Field, FieldDeletion};
use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::import::history::{self, ImportRecord, UndoSummary};
use leadstream_core::import::inspect::{self, ImportInspection};
use leadstream_core::import::source::SourceFormat;
use leadstream_core::import::spec::{ImportKind, ImportProgress, ImportReport, ImportSpec};
use leadstream_core::launch::{self, FileKind, StartState};
use leadstream_core::leads::{self, LeadDetail, LeadPage, LeadQuery};
use leadstream_core::recent::{self, RecentWorkspace};
use leadstream_core::segments::saved::{self, Segment, SegmentDraft, SegmentSummary};
use leadstream_core::segments::templates::{self, SegmentTemplate};
use leadstream_core::segments::{
    self, EventTypeSummary, Explanation, MemberFormat, OperatorSet, RuleGroup, SegmentPreview,
    ValueCount,
};
use leadstream_core::streams::content::{
    self, ContentDraft, ContentItem, ContentSuggestion, MatrixCell,
};
use leadstream_core::streams::model::{
    self as streams, Stream, StreamDefinition, StreamDraft, StreamProblem,
};
use leadstream_core::streams::planner::{self, LeadJourney, Plan, PlanSettings};
use leadstream_core::streams::templates::{
    stream_templates as stream_templates_of, StreamTemplate,
};
use leadstream_core::{fields, workspace_info as summarise, Workspace, WorkspaceInfo};
use tauri::{AppHandle, Emitter, State};

use crate::error::Result;
use crate::state::{install, AppState, PathUse};

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
            let (recent, recent_warning) = recent::load_with_warning(&dirs.data_dir);
            let mut warnings: Vec<String> = recent_warning.into_iter().collect();
            if slot.is_none() {
                match launch::initial_workspace(
                    &dirs.data_dir,
                    requested.as_deref(),
                    today_anchor(),
                ) {
                    Ok(workspace) => warnings.extend(install(slot, dirs, workspace)?),
                    Err(e) => error = Some(e.to_string()),
                }
            }
            let mut workspace = slot.as_ref().map(summarise).transpose()?;
            if let Some(info) = workspace.as_mut() {
                info.warnings = warnings;
            }
            Ok(StartState {
                workspace,
                error,
                recent: if recent.is_empty() {
                    recent::load(&dirs.data_dir)
                } else {
                    recent
                },
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
    let path = state.allowed_path(&path, PathUse::Open)?;
    state
        .with_slot(move |slot, dirs| switch_to(slot, dirs, Workspace::open(&path)?))
        .await
}

/// Shows the native dialog to choose a file of `kind` to open; the app may
/// then read the chosen file. Resolves to `null` when cancelled.
#[tauri::command]
pub async fn dialog_open(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: FileKind,
) -> Result<Option<String>> {
    state.choose_file(app, kind, PathUse::Open, None).await
}

/// Shows the native dialog to choose where to save a file of `kind`; the
/// app may then write the chosen file. Resolves to `null` when cancelled.
#[tauri::command]
pub async fn dialog_save(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: FileKind,
    default_name: String,
) -> Result<Option<String>> {
    state
        .choose_file(app, kind, PathUse::Save, Some(default_name))
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

/// Deletes a custom field and its values; refused for standard fields and
/// for fields that saved segments or streams use.
#[tauri::command]
pub async fn field_delete(state: State<'_, AppState>, key: String) -> Result<FieldDeletion> {
    state
        .with_workspace(move |ws| fields::delete_custom(ws, &key))
        .await
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
    let mut info = summarise(&workspace)?;
    info.warnings = install(slot, dirs, workspace)?;
    Ok(info)
}

/// Looks at a dropped or chosen file; `format` and `kind` override detection.
/// Runs on its own connection: other commands do not wait for it.
#[tauri::command]
pub async fn import_inspect(
    state: State<'_, AppState>,
    path: String,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
) -> Result<ImportInspection> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    state
        .with_own_connection(move |ws| inspect::inspect(ws.conn(), &path, format, kind))
        .await
}

/// Runs an import or a dry run, emitting `import-progress` events; cancelled
/// by `import_cancel`. Runs on a blocking thread with its own connection: the
/// UI and every other command stay responsive.
#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    spec: ImportSpec,
    dry_run: bool,
) -> Result<ImportReport> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    let cancel = state.reset_import_cancel();
    state
        .with_own_connection(move |ws| {
            let mut progress = |p: &ImportProgress| {
                let _ = app.emit(IMPORT_PROGRESS_EVENT, p);
            };
            let control = ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            };
            run_import(ws, &path, &spec, dry_run, control)
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
    state
        .with_own_connection(move |ws| history::undo(ws, id))
        .await
}

/// The as-of instant of a segment command: the given date or date-time, or now.
fn as_of(text: Option<String>) -> leadstream_core::Result<i64> {
    text.filter(|t| !t.trim().is_empty())
        .map_or_else(|| Ok(segments::now()), |t| segments::parse_as_of(&t))
}

/// The builder's live preview: exact count, share and a sample of members.
#[tauri::command]
pub async fn segment_preview(
    state: State<'_, AppState>,
    rules: RuleGroup,
    as_of_text: Option<String>,
    columns: Vec<String>,
    sample: usize,
) -> Result<SegmentPreview> {
    state
        .with_workspace(move |ws| {
            segments::preview(ws, &rules, as_of(as_of_text)?, &columns, sample)
        })
        .await
}

#[tauri::command]
pub async fn segment_explain(
    state: State<'_, AppState>,
    rules: RuleGroup,
    lead_id: i64,
    as_of_text: Option<String>,
) -> Result<Explanation> {
    state
        .with_workspace(move |ws| segments::explain(ws, &rules, lead_id, as_of(as_of_text)?))
        .await
}

/// Writes the members with the chosen fields as CSV to `path`, for an email
/// tool: leads that may not be emailed are left out unless
/// `include_unconsented`. The file is replaced only if the export succeeds.
#[tauri::command]
pub async fn segment_export(
    state: State<'_, AppState>,
    rules: RuleGroup,
    as_of_text: Option<String>,
    fields: Vec<String>,
    path: String,
    include_unconsented: bool,
) -> Result<MemberExportSummary> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    let consent = if include_unconsented {
        ConsentPolicy::IncludeUnconsented
    } else {
        ConsentPolicy::EmailableOnly
    };
    state
        .with_workspace(move |ws| {
            let at = as_of(as_of_text)?;
            write_file_atomically(Path::new(&path), |out| {
                segments::export_members(ws, &rules, at, &fields, MemberFormat::Csv, consent, out)
            })
        })
        .await
}

/// Saved segments with their counts as of `as_of_text` (default now).
#[tauri::command]
pub async fn segments_list(
    state: State<'_, AppState>,
    as_of_text: Option<String>,
) -> Result<Vec<SegmentSummary>> {
    state
        .with_workspace(move |ws| saved::list_with_counts(ws, as_of(as_of_text)?))
        .await
}

/// Creates (`id` null) or updates a saved segment.
#[tauri::command]
pub async fn segment_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: SegmentDraft,
) -> Result<Segment> {
    state
        .with_workspace(move |ws| match id {
            Some(id) => saved::update(ws, id, &draft),
            None => saved::create(ws, &draft),
        })
        .await
}

#[tauri::command]
pub async fn segment_duplicate(state: State<'_, AppState>, id: i64) -> Result<Segment> {
    state
        .with_workspace(move |ws| saved::duplicate(ws, id))
        .await
}

#[tauri::command]
pub async fn segment_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.with_workspace(move |ws| saved::delete(ws, id)).await
}

/// The operators each field type accepts.
#[tauri::command]
pub fn segment_operators() -> Vec<OperatorSet> {
    segments::operator_sets()
}

/// The operators a behaviour rule's event-property filter accepts.
#[tauri::command]
pub fn segment_property_operators() -> Vec<String> {
    segments::PROPERTY_OPERATORS
        .iter()
        .map(|op| (*op).to_owned())
        .collect()
}

#[tauri::command]
pub fn segment_templates() -> Vec<SegmentTemplate> {
    templates::templates()
}

/// Values seen in a text or list field, for the builder's multi-select.
#[tauri::command]
pub async fn field_values(state: State<'_, AppState>, key: String) -> Result<Vec<ValueCount>> {
    state
        .with_workspace(move |ws| segments::field_values(ws, &key, 200))
        .await
}

/// Event types with counts and property names, for the behaviour editor.
#[tauri::command]
pub async fn event_types(state: State<'_, AppState>) -> Result<Vec<EventTypeSummary>> {
    state.with_workspace(|ws| segments::event_types(ws)).await
}

#[tauri::command]
pub async fn content_list(state: State<'_, AppState>) -> Result<Vec<ContentItem>> {
    state.with_workspace(|ws| content::list(ws.conn())).await
}

#[tauri::command]
pub async fn content_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: ContentDraft,
) -> Result<ContentItem> {
    state
        .with_workspace(move |ws| content::save(ws.conn(), id, &draft))
        .await
}

#[tauri::command]
pub async fn content_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| content::delete(ws.conn(), id))
        .await
}

/// How many items cover each persona × buying stage cell.
#[tauri::command]
pub async fn content_matrix(state: State<'_, AppState>) -> Result<Vec<MatrixCell>> {
    state.with_workspace(|ws| content::matrix(ws)).await
}

/// The library ordered for a stream: items suiting its audience first.
#[tauri::command]
pub async fn content_suggestions(
    state: State<'_, AppState>,
    definition: StreamDefinition,
) -> Result<Vec<ContentSuggestion>> {
    state
        .with_workspace(move |ws| {
            let audience = streams::audience(ws.conn(), &definition)?;
            content::suggestions(ws.conn(), &audience)
        })
        .await
}

#[tauri::command]
pub async fn streams_list(state: State<'_, AppState>) -> Result<Vec<Stream>> {
    state.with_workspace(|ws| streams::list(ws.conn())).await
}

#[tauri::command]
pub async fn stream_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: StreamDraft,
) -> Result<Stream> {
    state
        .with_workspace(move |ws| streams::save(ws, id, &draft))
        .await
}

#[tauri::command]
pub async fn stream_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state
        .with_workspace(move |ws| streams::delete(ws.conn(), id))
        .await
}

/// The problems the designer marks, for a stream as drawn (saved or not).
#[tauri::command]
pub async fn stream_problems(
    state: State<'_, AppState>,
    stream: Stream,
) -> Result<Vec<StreamProblem>> {
    state
        .with_workspace(move |ws| streams::problems(ws, &stream))
        .await
}

#[tauri::command]
pub async fn stream_templates(state: State<'_, AppState>) -> Result<Vec<StreamTemplate>> {
    state
        .with_workspace(|ws| stream_templates_of(ws.conn()))
        .await
}

/// Writes a stream's portable JSON to `path` (replaced only on success).
#[tauri::command]
pub async fn stream_export(state: State<'_, AppState>, id: i64, path: String) -> Result<()> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let json = serde_json::to_string_pretty(&streams::export(ws.conn(), id)?)?;
            write_file_atomically(Path::new(&path), |out| {
                out.write_all(json.as_bytes())
                    .map_err(|e| leadstream_core::Error::Io {
                        path: path.clone(),
                        source: e,
                    })
            })
        })
        .await
}

/// Adds a stream from a JSON file (inactive).
#[tauri::command]
pub async fn stream_import(state: State<'_, AppState>, path: String) -> Result<Stream> {
    let path = state.allowed_path(&path, PathUse::Open)?;
    state
        .with_workspace(move |ws| {
            let json = std::fs::read_to_string(&path).map_err(|e| leadstream_core::Error::Io {
                path: path.clone(),
                source: e,
            })?;
            streams::import(ws, &json)
        })
        .await
}

#[tauri::command]
pub async fn planner_settings(state: State<'_, AppState>) -> Result<PlanSettings> {
    state
        .with_workspace(|ws| planner::load_settings(ws.conn()))
        .await
}

#[tauri::command]
pub async fn planner_settings_save(
    state: State<'_, AppState>,
    settings: PlanSettings,
) -> Result<PlanSettings> {
    state
        .with_workspace(move |ws| {
            planner::save_settings(ws.conn(), &settings)?;
            planner::load_settings(ws.conn())
        })
        .await
}

/// The plan request for `streams` (all active ones when `None`).
fn plan_request(
    ws: &Workspace,
    streams_to_plan: Option<Vec<Stream>>,
    from: &str,
    days: u32,
) -> leadstream_core::Result<planner::PlanRequest> {
    let from = leadstream_core::streams::limits::parse_date("the plan's first day", from)?;
    let chosen = match streams_to_plan {
        Some(chosen) => chosen,
        None => streams::list(ws.conn())?
            .into_iter()
            .filter(|s| s.is_active)
            .collect(),
    };
    Ok(planner::PlanRequest {
        streams: chosen,
        from,
        days,
        as_of: from.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        settings: planner::load_settings(ws.conn())?,
    })
}

/// Dry-runs `streams` (or every active stream) from `from` for `days` days.
#[tauri::command]
pub async fn plan_run(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
) -> Result<Plan> {
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            Ok(planner::plan(ws, &request)?.plan)
        })
        .await
}

/// One lead's journey through the same plan, with explanations.
#[tauri::command]
pub async fn plan_journey(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
    lead_id: i64,
) -> Result<LeadJourney> {
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            planner::journey(ws, &request, lead_id)
        })
        .await
}

/// Writes the plan's sends as CSV to `path` (replaced only on success);
/// returns how many.
#[tauri::command]
pub async fn plan_export(
    state: State<'_, AppState>,
    streams: Option<Vec<Stream>>,
    from: String,
    days: u32,
    path: String,
) -> Result<u64> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let request = plan_request(ws, streams, &from, days)?;
            let run = planner::plan(ws, &request)?;
            write_file_atomically(Path::new(&path), |out| {
                planner::write_sends_csv(ws.conn(), &run, out)
            })
        })
        .await
}
