//! Leadstream's desktop shell: builds the Tauri app, registers the commands
//! and holds the app state. Everything it does is a call into
//! `leadstream-core`; this crate is the only one that knows about Tauri.

mod commands;
mod error;
mod state;

use tauri::Manager;

/// Starts the desktop app and runs it until its last window closes, then
/// closes the open workspace; the error is why it could not start.
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dirs = state::AppDirs::resolve(app.handle())?;
            app.manage(state::AppState::new(
                dirs,
                state::requested_workspace(),
                state::allowed_roots_from_env(),
            ));
            #[cfg(target_os = "linux")]
            reload_when_the_page_process_ends(app)?;
            Ok(())
        })
        // Files dropped on the window may be read by the commands the
        // webview calls next (the import wizard opens on a drop). Tauri 2.12
        // runs this handler on the main thread in the same callback that
        // queues `tauri://drag-drop` for the webview, so the path is allowed
        // before the webview can hear of the drop (manager/window.rs).
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window
                    .state::<state::AppState>()
                    .allow_paths(paths, state::PathUse::Open);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace::app_start,
            commands::workspace::app_quit,
            commands::workspace::workspace_info,
            commands::workspace::workspace_event_count,
            commands::workspace::workspace_open,
            commands::workspace::workspace_create,
            commands::workspace::workspace_open_demo,
            commands::workspace::workspace_upkeep_running,
            commands::workspace::workspace_recent,
            commands::workspace::workspace_welcome,
            commands::workspace::workspace_dismiss_welcome,
            commands::dialogs::dialog_open,
            commands::dialogs::dialog_save,
            commands::fields::fields_list,
            commands::fields::field_delete,
            commands::leads::leads_page,
            commands::leads::lead_detail,
            commands::import::import_inspect,
            commands::import::import_run,
            commands::import::import_cancel,
            commands::import::imports_list,
            commands::import::import_undo,
            commands::segments::segment_preview,
            commands::segments::segment_explain,
            commands::segments::segment_export,
            commands::segments::segments_list,
            commands::segments::segment_save,
            commands::segments::segment_duplicate,
            commands::segments::segment_delete,
            commands::segments::segment_templates,
            commands::segments::segment_operators,
            commands::segments::segment_property_operators,
            commands::segments::segment_property_values,
            commands::segments::segment_as_of,
            commands::segments::segment_parse_rules,
            commands::fields::field_values,
            commands::fields::event_types,
            commands::content::content_list,
            commands::content::content_save,
            commands::content::content_delete,
            commands::content::content_matrix,
            commands::content::content_suggestions,
            commands::streams::streams_list,
            commands::streams::stream_save,
            commands::streams::stream_delete,
            commands::streams::stream_problems,
            commands::streams::stream_templates,
            commands::streams::stream_export,
            commands::streams::stream_import,
            commands::plan::planner_settings,
            commands::plan::planner_settings_save,
            commands::plan::plan_run,
            commands::plan::plan_journey,
            commands::plan::plan_export,
            commands::overlap::insights_overlap,
            commands::hierarchies::hierarchies_list,
            commands::hierarchies::hierarchy_save,
            commands::hierarchies::hierarchy_delete,
            commands::hierarchies::hierarchy_assign,
            commands::hierarchies::lead_hierarchies,
            commands::coverage::coverage_settings,
            commands::coverage::coverage_settings_save,
            commands::coverage::coverage_report,
            commands::coverage::coverage_leads_page,
            commands::performance::insights_performance,
            commands::performance::insights_actions,
            commands::discover::insights_crosstab,
            commands::discover::insights_discover,
            commands::scoring::scoring_models,
            commands::scoring::scoring_save,
            commands::scoring::scoring_activate,
            commands::scoring::scoring_delete,
            commands::scoring::scoring_preview,
            commands::scoring::scoring_explain,
            commands::scoring::scoring_backtest,
            commands::scoring::scoring_evaluate,
            commands::scoring::scoring_suggest,
            commands::goals::goals_list,
            commands::goals::goal_progress,
            commands::goals::goal_baseline,
            commands::goals::goal_add,
            commands::goals::goal_delete,
            commands::goals::reviews_due,
            commands::goals::review_record,
            commands::goals::review_cadence,
            commands::goals::reviews_list,
            commands::ice::ice_table,
            commands::ice::ice_suggestions,
            commands::ice::ice_set,
            commands::ice::ice_set_formula,
            commands::ice::ice_export,
            commands::history::segment_history,
            commands::history::segment_diff,
            commands::history::segment_diff_export,
            commands::quality_report::quality_report,
            commands::quality_report::field_completeness,
            commands::quality_merge::quality_duplicates,
            commands::quality_merge::merge_preview,
            commands::quality_merge::merge_leads,
            commands::quality_fixes::normalise_suggest,
            commands::quality_fixes::normalise_preview,
            commands::quality_fixes::normalise_apply,
            commands::quality_fixes::spelling_fields,
            commands::quality_fixes::unsendable_preview,
            commands::quality_fixes::unsendable_apply,
            commands::privacy_backups::backups_overview,
            commands::privacy_backups::backup_create,
            commands::privacy_backups::backup_set_keep,
            commands::privacy_backups::backup_restore,
            commands::privacy_audit::audit_list,
            commands::privacy_audit::audit_export,
            commands::privacy_consent::consent_overview,
            commands::privacy_consent::consent_history,
            commands::privacy_consent::consent_record,
            commands::privacy_audiences::audience_export,
            commands::privacy_people::person_erasure_preview,
            commands::privacy_people::person_erase,
            commands::privacy_people::person_access_export,
            commands::privacy_people::retention_preview,
            commands::privacy_people::retention_months,
            commands::privacy_people::retention_run,
            commands::privacy_encryption::encryption_status,
            commands::privacy_encryption::encryption_protect,
            commands::privacy_encryption::encryption_change,
            commands::privacy_encryption::encryption_unprotect,
        ])
        .build(tauri::generate_context!())?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<state::AppState>().close_on_exit();
            }
        });
    Ok(())
}

/// WebKitGTK renders the page in a process of its own. When that process
/// ends (it crashed, or the system killed it for memory), the window would
/// stay blank until the app is restarted. The page is loaded again instead,
/// as a browser does, and the reason goes to stderr. Nothing is lost: all
/// data lives in the workspace, which this process holds open. A process
/// ended on purpose through WebKit's API is left ended, and so is one that
/// ends again soon after a reload: a page that cannot stay up would
/// otherwise be reloaded in a loop.
#[cfg(target_os = "linux")]
fn reload_when_the_page_process_ends(app: &tauri::App) -> tauri::Result<()> {
    use std::cell::Cell;
    use std::time::{Duration, Instant};
    use webkit2gtk::{WebProcessTerminationReason, WebViewExt};
    const RELOAD_AGAIN_AFTER: Duration = Duration::from_secs(30);
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.with_webview(|webview| {
        let last_reload: Cell<Option<Instant>> = Cell::new(None);
        webview
            .inner()
            .connect_web_process_terminated(move |view, reason| {
                if reason == WebProcessTerminationReason::TerminatedByApi {
                    return;
                }
                let again_soon = last_reload
                    .get()
                    .is_some_and(|reloaded| reloaded.elapsed() < RELOAD_AGAIN_AFTER);
                let line = if again_soon {
                    format!(
                        "leadstream: the window's page process ended again ({reason:?}) within {} s of a reload; not loading the page again, restart Leadstream\n",
                        RELOAD_AGAIN_AFTER.as_secs()
                    )
                } else {
                    format!("leadstream: the window's page process ended ({reason:?}); loading the page again\n")
                };
                // Formatted first and written at once: stderr is unbuffered,
                // and a formatted `eprint!` writes piece by piece.
                eprint!("{line}");
                if !again_soon {
                    last_reload.set(Some(Instant::now()));
                    view.reload();
                }
            });
    })
}
