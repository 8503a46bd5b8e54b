//! Leadstream's desktop shell: builds the Tauri app, registers the commands
//! and holds the app state. Everything it does is a call into
//! `leadstream-core`; this crate is the only one that knows about Tauri.

mod commands;
mod error;
mod state;

use tauri::Manager;

/// Starts the desktop app.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dirs = state::AppDirs::resolve(app.handle())?;
            app.manage(state::AppState::new(
                dirs,
                state::requested_workspace(),
                state::allowed_roots_from_env(),
            ));
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
            commands::app_start,
            commands::workspace_info,
            commands::workspace_event_count,
            commands::workspace_open,
            commands::workspace_create,
            commands::workspace_open_demo,
            commands::workspace_recent,
            commands::dialog_open,
            commands::dialog_save,
            commands::fields_list,
            commands::field_delete,
            commands::leads_page,
            commands::lead_detail,
            commands::import_inspect,
            commands::import_run,
            commands::import_cancel,
            commands::imports_list,
            commands::import_undo,
            commands::segment_preview,
            commands::segment_explain,
            commands::segment_export,
            commands::segments_list,
            commands::segment_save,
            commands::segment_duplicate,
            commands::segment_delete,
            commands::segment_templates,
            commands::segment_operators,
            commands::segment_property_operators,
            commands::field_values,
            commands::event_types,
            commands::content_list,
            commands::content_save,
            commands::content_delete,
            commands::content_matrix,
            commands::content_suggestions,
            commands::streams_list,
            commands::stream_save,
            commands::stream_delete,
            commands::stream_problems,
            commands::stream_templates,
            commands::stream_export,
            commands::stream_import,
            commands::planner_settings,
            commands::planner_settings_save,
            commands::plan_run,
            commands::plan_journey,
            commands::plan_export,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Leadstream");
}
