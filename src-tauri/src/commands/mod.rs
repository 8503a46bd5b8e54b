//! Tauri commands, one module per domain: each command is a few lines over
//! one core function, run off the main thread. Their argument and result
//! types come from `leadstream-core` and reach TypeScript through ts-rs
//! (ui/src/bindings). Every command that can fail returns the shell's
//! [`Result`](crate::error::Result), whose error crosses IPC as a core
//! `ErrorReport`.

pub mod content;
pub mod coverage;
pub mod dialogs;
pub mod discover;
pub mod fields;
pub mod goals;
pub mod hierarchies;
pub mod history;
pub mod ice;
pub mod import;
pub mod leads;
pub mod overlap;
pub mod performance;
pub mod plan;
pub mod privacy_audiences;
pub mod privacy_audit;
pub mod privacy_backups;
pub mod privacy_consent;
pub mod privacy_encryption;
pub mod privacy_people;
pub mod quality_fixes;
pub mod quality_merge;
pub mod quality_report;
pub mod scoring;
pub mod segments;
pub mod streams;
pub mod workspace;
