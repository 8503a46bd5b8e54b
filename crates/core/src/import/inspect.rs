//! The import wizard's first look at a file: how to read it, a preview of its
//! first rows, what each column holds, where each column should go, which
//! values look like "empty" placeholders, and how rows should match leads.
//! Everything here is a suggestion the user confirms or changes.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::mapping::{self, CrmSource, CustomKeys, EventColumn};
use super::normalize::{self, ColumnProfile};
use super::source::{self, RecordReader, SourceFormat};
use super::spec::{ColumnMapping, ColumnTarget, ImportKind, MatchKey};
use crate::fields;
use crate::Result;

/// How many records the inspection reads to infer types and placeholders.
pub const SAMPLE_ROWS: usize = 2_000;
/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// One row of the preview, as it will be parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewRow {
    #[ts(type = "number")]
    pub line: u64,
    pub cells: Vec<String>,
    /// Why this row cannot be read, if it cannot.
    pub error: Option<String>,
}

/// A column with what the inspection found and suggests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnSuggestion {
    pub mapping: ColumnMapping,
    /// The header exactly as in the file.
    pub raw_header: String,
    pub profile: ColumnProfile,
    /// A few non-empty values from the sample.
    pub samples: Vec<String>,
}

/// What the wizard shows after a file is dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportInspection {
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    pub format: SourceFormat,
    pub kind: ImportKind,
    pub source: CrmSource,
    pub headers: Vec<String>,
    pub preview: Vec<PreviewRow>,
    pub columns: Vec<ColumnSuggestion>,
    /// Values that look like "empty" placeholders, for the user to confirm.
    pub suggested_null_tokens: Vec<String>,
    pub match_key: MatchKey,
    /// True when the columns come from a mapping saved by an earlier import
    /// of a file with the same headers.
    pub used_saved_mapping: bool,
    pub warnings: Vec<String>,
}

/// Looks at a file. `format` and `kind` override detection (the user changed
/// them in the wizard).
pub fn inspect(
    conn: &Connection,
    path: &Path,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
) -> Result<ImportInspection> {
    let format = match format {
        Some(format) => format,
        None => source::detect_format(path)?,
    };
    let mut reader = RecordReader::open(path, &format)?;
    let headers = reader.headers().to_vec();
    let raw_headers = reader.raw_headers().to_vec();
    let mut preview = Vec::new();
    let mut sample: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    let mut read = 0;
    while read < SAMPLE_ROWS {
        let Some(next) = reader.next_record() else {
            break;
        };
        read += 1;
        match next {
            Ok(record) => {
                for (index, values) in sample.iter_mut().enumerate() {
                    values.push(record.fields.get(index).cloned().unwrap_or_default());
                }
                if preview.len() < PREVIEW_ROWS {
                    preview.push(PreviewRow {
                        line: record.line,
                        cells: record.fields,
                        error: None,
                    });
                }
            }
            Err(error) => {
                if preview.len() < PREVIEW_ROWS {
                    preview.push(PreviewRow {
                        line: error.line,
                        cells: error.fields,
                        error: Some(error.message),
                    });
                }
            }
        }
    }

    let columns_as_str: Vec<Vec<&str>> = sample
        .iter()
        .map(|values| values.iter().map(String::as_str).collect())
        .collect();
    let suggested_null_tokens = normalize::suggest_null_tokens(&columns_as_str);
    let nulls: HashSet<String> = suggested_null_tokens
        .iter()
        .map(|t| t.trim().to_lowercase())
        .collect();

    let kind = kind.unwrap_or(if mapping::looks_like_events(&headers) {
        ImportKind::Events
    } else {
        ImportKind::Leads
    });
    let catalogue = fields::list(conn)?;
    let mut custom_keys = CustomKeys::new(catalogue.iter().map(|f| f.key.clone()));
    let mut used_targets: HashSet<String> = HashSet::new();
    let mut columns = Vec::with_capacity(headers.len());
    for (index, header) in headers.iter().enumerate() {
        let raw_header = raw_headers
            .get(index)
            .cloned()
            .unwrap_or_else(|| header.clone());
        let values: Vec<&str> = columns_as_str[index]
            .iter()
            .copied()
            .filter(|v| !v.trim().is_empty() && !nulls.contains(&v.trim().to_lowercase()))
            .collect();
        let profile = normalize::infer_column(header, &values);
        let target = match kind {
            ImportKind::Leads => lead_target(
                header,
                &raw_header,
                &profile,
                &catalogue,
                &mut custom_keys,
                &mut used_targets,
            ),
            ImportKind::Events => event_target(header, &mut used_targets),
        };
        let samples = values.iter().take(5).map(|v| v.trim().to_owned()).collect();
        columns.push(ColumnSuggestion {
            mapping: ColumnMapping {
                index: index as u32,
                header: header.clone(),
                target,
                date_format: profile.date_format,
                number_style: profile.number_style,
            },
            raw_header,
            profile,
            samples,
        });
    }

    let mut used_saved_mapping = false;
    if let Some(saved) = saved_mapping(conn, &headers)? {
        if saved.len() == columns.len() {
            for (column, saved) in columns.iter_mut().zip(saved) {
                column.mapping = saved;
            }
            used_saved_mapping = true;
        }
    }

    let mapped = |wanted: &str| {
        columns
            .iter()
            .any(|c| matches!(&c.mapping.target, ColumnTarget::Field { key } if key == wanted))
    };
    let mut warnings = Vec::new();
    let match_key = if mapped("email") {
        MatchKey::Email
    } else if mapped("external_id") {
        MatchKey::ExternalId
    } else {
        if kind == ImportKind::Leads {
            warnings.push(
                "No e-mail or ID column was recognised: every row will become a new lead and duplicates will not be merged. Map an e-mail or ID column to avoid that."
                    .into(),
            );
        }
        MatchKey::None
    };
    Ok(ImportInspection {
        path: path.to_string_lossy().into_owned(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        total_bytes: reader.total_bytes(),
        source: mapping::detect_source(&raw_headers),
        format,
        kind,
        headers,
        preview,
        columns,
        suggested_null_tokens,
        match_key,
        used_saved_mapping,
        warnings,
    })
}

fn lead_target(
    header: &str,
    raw_header: &str,
    profile: &ColumnProfile,
    catalogue: &[fields::Field],
    custom_keys: &mut CustomKeys,
    used: &mut HashSet<String>,
) -> ColumnTarget {
    if profile.non_empty == 0 {
        return ColumnTarget::Skip;
    }
    let standard = mapping::standard_field_for_header(raw_header)
        .or_else(|| mapping::standard_field_for_header(header));
    if let Some(key) = standard {
        if used.insert(key.to_owned()) {
            return ColumnTarget::Field {
                key: key.to_owned(),
            };
        }
    }
    let existing = catalogue.iter().find(|f| {
        !f.is_standard && (f.label.eq_ignore_ascii_case(raw_header.trim()) || f.key == header)
    });
    if let Some(field) = existing {
        if used.insert(field.key.clone()) {
            return ColumnTarget::Field {
                key: field.key.clone(),
            };
        }
    }
    let key = custom_keys.key_for_header(header);
    used.insert(key.clone());
    ColumnTarget::NewField {
        key,
        label: raw_header.trim().to_owned(),
        field_type: profile.field_type,
        category: mapping::guess_category(header, profile.field_type),
    }
}

fn event_target(header: &str, used: &mut HashSet<String>) -> ColumnTarget {
    let target = match mapping::event_column_for_header(header) {
        EventColumn::LeadEmail => ColumnTarget::EventLeadEmail,
        EventColumn::LeadExternalId => ColumnTarget::EventLeadExternalId,
        EventColumn::EventType => ColumnTarget::EventType,
        EventColumn::OccurredAt => ColumnTarget::EventTime,
        EventColumn::Property => return property_target(header),
    };
    if used.insert(format!("{target:?}")) {
        target
    } else {
        property_target(header)
    }
}

/// Event properties are named by their header in snake_case (`Page URL` →
/// `page_url`); unlike field keys they may repeat standard field names.
fn property_target(header: &str) -> ColumnTarget {
    let name = normalize::words(header).join("_");
    ColumnTarget::EventProperty {
        name: if name.is_empty() {
            "property".into()
        } else {
            name
        },
    }
}

/// The settings key of the mapping saved for files with these headers.
fn mapping_key(headers: &[String]) -> String {
    format!(
        "import-mapping:{}",
        serde_json::to_string(headers).unwrap_or_default()
    )
}

/// The column mapping the last import of a file with these headers used.
pub fn saved_mapping(conn: &Connection, headers: &[String]) -> Result<Option<Vec<ColumnMapping>>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [mapping_key(headers)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// Remembers a mapping for the next file with the same headers. New fields
/// exist after the import, so they are saved as plain field targets.
pub fn save_mapping(
    conn: &Connection,
    headers: &[String],
    columns: &[ColumnMapping],
) -> Result<()> {
    let saved: Vec<ColumnMapping> = columns
        .iter()
        .cloned()
        .map(|mut column| {
            if let ColumnTarget::NewField { key, .. } = &column.target {
                column.target = ColumnTarget::Field { key: key.clone() };
            }
            column
        })
        .collect();
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
        (mapping_key(headers), serde_json::to_string(&saved)?),
    )?;
    Ok(())
}
