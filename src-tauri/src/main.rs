//! The desktop app's entry point: runs the shell, and reports on stderr why
//! it could not start (exit code 1).
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: an import's parser and writer
/// threads allocate and free a value per cell, and glibc's arenas made them
/// wait on each other's locks (docs/decisions.md, "Speed (issue 16)").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    render_without_gpu_compositing_unless_asked();
    match leadstream_app_lib::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("leadstream: error while running Leadstream: {error}");
            ExitCode::FAILURE
        }
    }
}

/// WebKitGTK composites the page on a GL thread of its web process. Where
/// there is no GPU (a VM, a remote desktop, Xvfb), that is Mesa's software
/// rasterizer, and there the compositor thread crashed mid-session (a
/// protection fault in `swrast_dri.so`, WebKitGTK 2.50 on Mesa 22.3), which
/// leaves a blank window. Leadstream's pages are tables and forms that need
/// no GPU, so it asks WebKit to paint without compositing, as many Tauri apps
/// do; `WEBKIT_DISABLE_COMPOSITING_MODE=0` in the environment turns it back on
/// (docs/decisions.md, "The window paints without GPU compositing").
#[cfg(target_os = "linux")]
fn render_without_gpu_compositing_unless_asked() {
    const COMPOSITING_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    // Called first thing in `main`, before any thread exists to read the
    // environment at the same time.
    if std::env::var_os(COMPOSITING_SWITCH).is_none() {
        std::env::set_var(COMPOSITING_SWITCH, "1");
    }
}
