//! Segment commands: the builder's preview and explanation, exporting
//! members, saved segments, and the operators and templates the builder
//! offers.

use std::path::Path;

use leadstream_core::export::{
    record_export, write_file_atomically, ConsentPolicy, MemberExportSummary,
};
use leadstream_core::segments::saved::{self, Segment, SegmentDraft, SegmentSummary};
use leadstream_core::segments::templates::{self, SegmentTemplate};
use leadstream_core::segments::{self, Explanation, OperatorSet, RuleGroup, SegmentPreview};
use tauri::State;

use crate::error::Result;
use crate::state::{AppState, PathUse};

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
            segments::preview(
                ws,
                &rules,
                segments::as_of_or_now(as_of_text.as_deref())?,
                &columns,
                sample,
            )
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
        .with_workspace(move |ws| {
            segments::explain(
                ws,
                &rules,
                lead_id,
                segments::as_of_or_now(as_of_text.as_deref())?,
            )
        })
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
            let at = segments::as_of_or_now(as_of_text.as_deref())?;
            let summary = write_file_atomically(Path::new(&path), |out| {
                segments::export_members(
                    ws,
                    &rules,
                    at,
                    &fields,
                    leadstream_core::export::ExportFormat::Csv,
                    consent,
                    out,
                )
            })?;
            record_export(ws, "segment members", summary.written, Path::new(&path))?;
            Ok(summary)
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
        .with_workspace(move |ws| {
            saved::list_with_counts(ws, segments::as_of_or_now(as_of_text.as_deref())?)
        })
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

/// The known values of one property of one event type, most frequent first,
/// for the behaviour editor's property value box.
#[tauri::command]
pub async fn segment_property_values(
    state: State<'_, AppState>,
    event_type: String,
    property: String,
) -> Result<Vec<segments::ValueCount>> {
    state
        .with_workspace(move |ws| {
            segments::event_property_values(ws, &event_type, &property, PROPERTY_VALUES_SHOWN)
        })
        .await
}

/// How many property values the behaviour editor suggests.
const PROPERTY_VALUES_SHOWN: u32 = 50;

/// Reads an as-of date with the core's one parser (the CLI's `--as-of`):
/// the instant in seconds, or a plain-words error. Blank means now.
#[tauri::command]
pub fn segment_as_of(as_of_text: Option<String>) -> Result<i64> {
    Ok(segments::as_of_or_now(as_of_text.as_deref())?)
}

/// Reads pasted rule JSON and checks it as a save would.
#[tauri::command]
pub async fn segment_parse_rules(state: State<'_, AppState>, text: String) -> Result<RuleGroup> {
    state
        .with_workspace(move |ws| segments::parse_rules_json(ws, &text))
        .await
}
