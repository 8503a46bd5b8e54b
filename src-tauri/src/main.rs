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
    match leadstream_app_lib::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("leadstream: error while running Leadstream: {error}");
            ExitCode::FAILURE
        }
    }
}
