//! Encryption commands (the Privacy view's Encryption tab): whether the
//! open workspace is protected with a passphrase, and protecting it,
//! changing its passphrase or removing it. The passphrase crosses IPC once
//! and stays in memory, in the open workspace; it is never written or
//! logged.

use leadstream_core::store::cipher::{self, EncryptionChange, EncryptionStatus};
use leadstream_core::store::Passphrase;
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn encryption_status(state: State<'_, AppState>) -> Result<EncryptionStatus> {
    state.with_workspace(|ws| cipher::status(ws)).await
}

/// Encrypts the workspace and its backups with `passphrase`.
#[tauri::command]
pub async fn encryption_protect(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<EncryptionChange> {
    state
        .with_workspace(move |ws| cipher::protect(ws, Passphrase::new(passphrase)))
        .await
}

/// Re-encrypts the workspace and its backups with `passphrase`.
#[tauri::command]
pub async fn encryption_change(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<EncryptionChange> {
    state
        .with_workspace(move |ws| cipher::change_passphrase(ws, Passphrase::new(passphrase)))
        .await
}

/// Decrypts the workspace and its backups.
#[tauri::command]
pub async fn encryption_unprotect(state: State<'_, AppState>) -> Result<EncryptionChange> {
    state.with_workspace(cipher::unprotect).await
}
