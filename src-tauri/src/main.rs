//! The desktop app's entry point: runs the shell, and reports on stderr why
//! it could not start (exit code 1).
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match leadstream_app_lib::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("leadstream: error while running Leadstream: {error}");
            ExitCode::FAILURE
        }
    }
}
