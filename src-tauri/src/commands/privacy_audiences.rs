//! The audience export of the Segments view: a segment's members for Google
//! Ads, Meta or LinkedIn, hashed as each platform documents, to a file the
//! user chose.

use std::path::Path;

use leadstream_core::privacy::audiences::{self, AudienceExportSummary, AudiencePlatform};
use leadstream_core::segments::{self, RuleGroup};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

/// Writes the audience of `rules` for `platform` to `path` (whole or not at
/// all) and notes it in the audit log as `segment_label`'s export.
#[tauri::command]
pub async fn audience_export(
    state: State<'_, AppState>,
    rules: RuleGroup,
    as_of_text: Option<String>,
    platform: AudiencePlatform,
    path: String,
    segment_label: String,
) -> Result<AudienceExportSummary> {
    let path = state.allowed_path(&path, PathUse::Save)?;
    state
        .with_workspace(move |ws| {
            let at = segments::as_of_or_now(as_of_text.as_deref())?;
            audiences::export_audience_file(
                ws,
                &rules,
                at,
                platform,
                Path::new(&path),
                &segment_label,
            )
        })
        .await
}
