//! The import wizard's first look at a file: how to read it, a preview of its
//! first rows, what each column holds, where each column should go, which
//! values look like "empty" placeholders, and how rows should match leads.
//! Everything here is a suggestion the user confirms or changes.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::mapping::{self, CrmSource, CustomKeys, EventColumn};
use super::normalize::{self, ColumnProfile};
use super::source::{self, RecordReader, SourceFormat};
use super::spec::{
    ColumnMapping, ColumnTarget, ImportKind, ImportSpec, MatchKey, OnMatch, UnknownLeads,
};
use crate::fields::{self, Category, FieldType};
use crate::{Result, Workspace};

/// How many records the inspection reads to infer types and placeholders.
pub const SAMPLE_ROWS: usize = 2_000;
/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;
/// The inspection's sample (and preview) may hold about this much memory
/// (64 MiB), counting each value's text and bookkeeping: a file too wide for
/// [`SAMPLE_ROWS`] rows in this is sampled on fewer rows, with a warning.
/// It may go over by one record, itself bounded by
/// [`source::MAX_RECORD_BYTES`].
pub const SAMPLE_MEMORY_BYTES: usize = 64 * 1024 * 1024;
/// What one sampled value costs besides its text: its `String` and the two
/// `&str` views the type inference makes of it.
const VALUE_OVERHEAD_BYTES: usize = size_of::<String>() + 2 * size_of::<&str>();

/// One row of the preview, as it will be parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewRow {
    #[ts(type = "number")]
    pub line: u64,
    pub cells: Vec<String>,
    /// Why this row cannot be read or will be rejected, if so.
    pub error: Option<String>,
    /// Something the import does with this row that the user should know
    /// (a short row padded with empty cells).
    pub note: Option<String>,
}

/// How many lines of each kind [`RowWidths`] names.
pub const ROW_WIDTH_LINES: usize = 10;

/// Rows of the sample whose number of fields differs from the header's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowWidths {
    /// Rows with fewer fields: their missing cells read as empty.
    #[ts(type = "number")]
    pub short_rows: u64,
    /// The lines of the first [`ROW_WIDTH_LINES`] short rows.
    #[ts(type = "number[]")]
    pub short_lines: Vec<u64>,
    /// Rows with more non-empty fields: the import rejects them.
    #[ts(type = "number")]
    pub long_rows: u64,
    /// The lines of the first [`ROW_WIDTH_LINES`] long rows.
    #[ts(type = "number[]")]
    pub long_lines: Vec<u64>,
}

impl RowWidths {
    fn note(count: &mut u64, lines: &mut Vec<u64>, line: u64) {
        *count += 1;
        if lines.len() < ROW_WIDTH_LINES {
            lines.push(line);
        }
    }
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
    /// The key the column gets if the user makes it a new custom field:
    /// the key of its suggested new field, else one from
    /// [`CustomKeys::key_for_header`] that no other column or field has. The
    /// one definition of a header's key; the wizard never computes its own.
    pub suggested_key: String,
    /// The name the column gets if the user makes it an event property.
    pub suggested_property: String,
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
    /// Data rows read for the sample (at most [`SAMPLE_ROWS`]); 0 for a file
    /// with a header and no rows.
    pub sampled_rows: u32,
    /// Short and long rows among the sampled ones.
    pub row_widths: RowWidths,
}

impl ImportInspection {
    /// The import of a user who accepts every suggestion: the suggested
    /// columns, key and placeholders, matches updated and unknown leads
    /// created (the wizard's and the CLI's defaults).
    pub fn into_suggested_spec(self) -> ImportSpec {
        ImportSpec {
            kind: self.kind,
            format: self.format,
            columns: self.columns.into_iter().map(|c| c.mapping).collect(),
            match_key: self.match_key,
            on_match: OnMatch::Update,
            null_tokens: self.suggested_null_tokens,
            unknown_leads: UnknownLeads::Create,
        }
    }
}

/// Looks at a file. `format` and `kind` override detection (the user changed
/// them in the wizard). It only reads the workspace (the catalogue and the
/// saved mappings), so the shell runs it on a workspace opened on a
/// connection of its own, beside a running import.
pub fn inspect(
    workspace: &Workspace,
    path: &Path,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
) -> Result<ImportInspection> {
    inspect_within(workspace, path, format, kind, SAMPLE_MEMORY_BYTES)
}

/// The first records of a file, for the preview and the type inference.
#[derive(Debug)]
struct Sample {
    preview: Vec<PreviewRow>,
    /// The sampled values, column by column.
    columns: Vec<Vec<String>>,
    /// Records read (readable or not).
    records: usize,
    /// The memory limit stopped the sample before [`SAMPLE_ROWS`].
    cut_short: bool,
    row_widths: RowWidths,
}

/// Reads up to [`SAMPLE_ROWS`] records, keeping the first `width` values of
/// each, until the sample holds about `memory_limit` bytes.
fn read_sample(reader: &mut RecordReader, width: usize, memory_limit: usize) -> Sample {
    let mut sample = Sample {
        preview: Vec::new(),
        columns: vec![Vec::new(); width],
        records: 0,
        cut_short: false,
        row_widths: RowWidths::default(),
    };
    let mut held = 0usize;
    while sample.records < SAMPLE_ROWS {
        if held >= memory_limit {
            sample.cut_short = true;
            break;
        }
        let Some(next) = reader.next_record() else {
            break;
        };
        sample.records += 1;
        let widths = &mut sample.row_widths;
        let (line, cells, error, note) = match next {
            Ok(record) => {
                for (index, values) in sample.columns.iter_mut().enumerate() {
                    let value = record.fields.get(index).unwrap_or_default().to_owned();
                    held += value.len() + VALUE_OVERHEAD_BYTES;
                    values.push(value);
                }
                let too_long = record.too_long(width);
                let note = if too_long.is_some() {
                    RowWidths::note(&mut widths.long_rows, &mut widths.long_lines, record.line);
                    None
                } else if record.is_short(width) {
                    RowWidths::note(&mut widths.short_rows, &mut widths.short_lines, record.line);
                    Some(format!(
                        "{} of {width} fields: the missing cells read as empty",
                        record.fields.len()
                    ))
                } else {
                    None
                };
                let error = too_long.map(|reason| format!("{reason}; it will be rejected"));
                (record.line, record.fields, error, note)
            }
            Err(error) => (error.line, error.fields, Some(error.message), None),
        };
        if sample.preview.len() < PREVIEW_ROWS {
            held += cells
                .iter()
                .map(|cell| cell.len() + size_of::<String>())
                .sum::<usize>();
            sample.preview.push(PreviewRow {
                line,
                cells: cells.to_vec(),
                error,
                note,
            });
        }
    }
    sample
}

/// [`inspect`] with another memory limit than [`SAMPLE_MEMORY_BYTES`].
fn inspect_within(
    workspace: &Workspace,
    path: &Path,
    format: Option<SourceFormat>,
    kind: Option<ImportKind>,
    memory_limit: usize,
) -> Result<ImportInspection> {
    let format = match format {
        Some(format) => format,
        None => source::detect_format(path)?,
    };
    let mut reader = RecordReader::open(path, &format)?;
    let headers = reader.headers().to_vec();
    let raw_headers = reader.raw_headers().to_vec();
    let Sample {
        preview,
        columns: sample,
        records: sampled,
        cut_short,
        row_widths,
    } = read_sample(&mut reader, headers.len(), memory_limit);

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
    let catalogue = fields::list(workspace.conn())?;
    let kind_fields = mapping::record_kind_fields(&raw_headers);
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
                (&catalogue, &kind_fields),
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
            suggested_key: String::new(),
            suggested_property: property_name(header),
        });
    }
    suggest_keys(&mut columns, &custom_keys);
    if kind == ImportKind::Leads {
        align_sibling_flags(&mut columns, &catalogue);
    }

    let mut used_saved_mapping = false;
    if let Some(saved) = saved_mapping(workspace, &headers)? {
        if saved.len() == columns.len() {
            for (column, saved) in columns.iter_mut().zip(saved) {
                // A field the saved mapping names may have been deleted
                // since (with the undo of the import that created it).
                let field_exists = match &saved.target {
                    ColumnTarget::Field { key } => {
                        key == "external_id"
                            || catalogue.iter().any(|f| &f.key == key && !f.is_computed)
                    }
                    _ => true,
                };
                if field_exists {
                    column.mapping = saved;
                }
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
    if cut_short {
        warnings.push(format!(
            "This file has {} columns, so only its first {sampled} rows were looked at to \
             suggest what each column holds. Check the suggested types before importing.",
            headers.len()
        ));
    }
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
        sampled_rows: u32::try_from(sampled).unwrap_or(u32::MAX),
        row_widths,
    })
}

fn lead_target(
    header: &str,
    raw_header: &str,
    profile: &ColumnProfile,
    (catalogue, kind_fields): (&[fields::Field], &HashMap<String, &'static str>),
    custom_keys: &mut CustomKeys,
    used: &mut HashSet<String>,
) -> ColumnTarget {
    if profile.non_empty == 0 {
        return ColumnTarget::Skip;
    }
    let standard = mapping::standard_field_in_file(raw_header, kind_fields)
        .or_else(|| mapping::standard_field_in_file(header, kind_fields));
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
    ColumnTarget::EventProperty {
        name: property_name(header),
    }
}

/// The event property name for a header (see [`property_target`]).
fn property_name(header: &str) -> String {
    let name = normalize::words(header).join("_");
    if name.is_empty() {
        "property".into()
    } else {
        name
    }
}

/// Gives Yes/No columns that stand side by side in the file (X Education's
/// `Search`, `Magazine`, `Newspaper`, … or `Do Not Email`, `Do Not Call`)
/// one category: the one most of them got from their header (standard
/// fields count with their catalogue category), ties to the first. A
/// header's words alone would scatter such siblings (`X Education Forums`
/// reads as demographic among behavioural flags).
fn align_sibling_flags(columns: &mut [ColumnSuggestion], catalogue: &[fields::Field]) {
    let category_of = |column: &ColumnSuggestion| match &column.mapping.target {
        ColumnTarget::NewField {
            field_type: FieldType::Boolean,
            category,
            ..
        } => Some(*category),
        ColumnTarget::Field { key } => catalogue
            .iter()
            .find(|f| &f.key == key && f.field_type == FieldType::Boolean)
            .map(|f| f.category),
        _ => None,
    };
    let mut start = 0;
    while start < columns.len() {
        let run = columns[start..]
            .iter()
            .take_while(|c| category_of(c).is_some())
            .count();
        if run < 2 {
            start += 1;
            continue;
        }
        let siblings = &mut columns[start..start + run];
        let guesses: Vec<Category> = siblings.iter().filter_map(category_of).collect();
        let most_common = guesses
            .iter()
            .max_by_key(|&&candidate| {
                let votes = guesses.iter().filter(|&&g| g == candidate).count();
                let first = guesses.iter().position(|&g| g == candidate);
                (votes, std::cmp::Reverse(first))
            })
            .copied();
        for column in siblings.iter_mut() {
            if let (
                ColumnTarget::NewField {
                    field_type: FieldType::Boolean,
                    category,
                    ..
                },
                Some(shared),
            ) = (&mut column.mapping.target, most_common)
            {
                *category = shared;
            }
        }
        start += run;
    }
}

/// Fills each column's [`ColumnSuggestion::suggested_key`]: a column
/// suggested as a new field keeps that key; the others get a key of their
/// own, after every key handed out so far (`custom_keys`).
fn suggest_keys(columns: &mut [ColumnSuggestion], custom_keys: &CustomKeys) {
    let mut spare_keys = custom_keys.clone();
    for column in columns {
        column.suggested_key = match &column.mapping.target {
            ColumnTarget::NewField { key, .. } => key.clone(),
            _ => spare_keys.key_for_header(&column.mapping.header),
        };
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
pub fn saved_mapping(
    workspace: &Workspace,
    headers: &[String],
) -> Result<Option<Vec<ColumnMapping>>> {
    let text = crate::store::settings::get_text(workspace, &mapping_key(headers))?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// Remembers a mapping for the next file with the same headers. New fields
/// exist after the import, so they are saved as plain field targets.
pub fn save_mapping(
    tx: &rusqlite::Transaction<'_>,
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
    crate::store::settings::set_in(tx, &mapping_key(headers), &saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file of `columns` numbered columns and `rows` rows of short numbers.
    fn wide_file(columns: usize, rows: usize) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let header: Vec<String> = (0..columns).map(|c| format!("c{c}")).collect();
        writeln!(file, "{}", header.join(",")).unwrap();
        for row in 0..rows {
            let values: Vec<String> = (0..columns).map(|c| (row * c % 97).to_string()).collect();
            writeln!(file, "{}", values.join(",")).unwrap();
        }
        file.flush().unwrap();
        file
    }

    fn bytes_held(sample: &Sample) -> usize {
        let values: usize = sample
            .columns
            .iter()
            .flatten()
            .map(|value| value.len() + VALUE_OVERHEAD_BYTES)
            .sum();
        let preview: usize = sample
            .preview
            .iter()
            .flat_map(|row| &row.cells)
            .map(|cell| cell.len() + size_of::<String>())
            .sum();
        values + preview
    }

    #[test]
    fn the_inspection_limits_are_the_documented_ones() {
        assert_eq!(SAMPLE_MEMORY_BYTES, 64 * 1024 * 1024);
        assert_eq!(SAMPLE_ROWS, 2_000);
        assert_eq!(PREVIEW_ROWS, 20);
    }

    #[test]
    fn a_wide_file_is_sampled_within_the_memory_limit() {
        let (columns, rows) = (500, 1_000);
        let file = wide_file(columns, rows);
        let limit = 256 * 1024;
        let mut reader = RecordReader::open(file.path(), &SourceFormat::default()).unwrap();
        let sample = read_sample(&mut reader, columns, limit);
        let one_row = columns * (2 + VALUE_OVERHEAD_BYTES + 2 + size_of::<String>());
        let held = bytes_held(&sample);
        assert!(held <= limit + one_row, "{held} bytes held");
        assert!(sample.cut_short);
        assert!(
            sample.records > 1 && sample.records < rows,
            "{}",
            sample.records
        );
        assert!(sample
            .columns
            .iter()
            .all(|values| values.len() == sample.records));

        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect_within(&ws, file.path(), None, None, limit).unwrap();
        assert_eq!(inspection.columns.len(), columns);
        let warning = format!(
            "This file has 500 columns, so only its first {} rows were looked at",
            sample.records
        );
        assert!(
            inspection.warnings.iter().any(|w| w.starts_with(&warning)),
            "{:?}",
            inspection.warnings
        );
    }

    #[test]
    fn a_narrow_file_is_sampled_on_its_first_rows_without_warning() {
        let file = wide_file(3, 2_500);
        let mut reader = RecordReader::open(file.path(), &SourceFormat::default()).unwrap();
        let sample = read_sample(&mut reader, 3, SAMPLE_MEMORY_BYTES);
        assert_eq!(sample.records, SAMPLE_ROWS);
        assert!(!sample.cut_short);
        assert_eq!(sample.preview.len(), PREVIEW_ROWS);
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        assert!(
            !inspection
                .warnings
                .iter()
                .any(|w| w.contains("were looked at")),
            "{:?}",
            inspection.warnings
        );
    }

    #[test]
    fn every_column_has_a_free_key_of_its_own_and_a_property_name() {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        writeln!(
            file,
            "Email,Année,NumWebVisitsMonth,Num Web Visits Month,Blank"
        )
        .unwrap();
        writeln!(file, "a@example.com,2001,3,4,").unwrap();
        writeln!(file, "b@example.com,1999,5,6,").unwrap();
        file.flush().unwrap();
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        let keys: Vec<&str> = inspection
            .columns
            .iter()
            .map(|c| c.suggested_key.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "email_2",
                "annee",
                "num_web_visits_month",
                "num_web_visits_month_2",
                "blank"
            ]
        );
        for column in &inspection.columns {
            if let ColumnTarget::NewField { key, .. } = &column.mapping.target {
                assert_eq!(key, &column.suggested_key);
            }
        }
        let properties: Vec<&str> = inspection
            .columns
            .iter()
            .map(|c| c.suggested_property.as_str())
            .collect();
        assert_eq!(
            properties,
            [
                "email",
                "annee",
                "num_web_visits_month",
                "num_web_visits_month",
                "blank"
            ]
        );
    }

    fn csv_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.flush().unwrap();
        file
    }

    fn category_of(inspection: &ImportInspection, header: &str) -> Option<Category> {
        let column = inspection
            .columns
            .iter()
            .find(|c| c.mapping.header == header)?;
        match &column.mapping.target {
            ColumnTarget::NewField { category, .. } => Some(*category),
            _ => None,
        }
    }

    #[test]
    fn sibling_yes_no_columns_get_one_category() {
        let file = csv_file(
            "Email,Do Not Email,Do Not Call,Notes,Search,Magazine,X Education Forums,Newspaper\n\
             a@example.com,No,No,hi,No,No,No,Yes\n\
             b@example.com,Yes,No,ho,No,Yes,No,No\n",
        );
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        // Beside the standard `do_not_email` (behavioural).
        assert_eq!(
            category_of(&inspection, "Do Not Call"),
            Some(Category::Behavioral)
        );
        // Alone, "X Education Forums" reads as demographic (education).
        assert_eq!(
            mapping::guess_category("X Education Forums", FieldType::Boolean),
            Category::Demographic
        );
        for header in ["Search", "Magazine", "X Education Forums", "Newspaper"] {
            assert_eq!(
                category_of(&inspection, header),
                Some(Category::Behavioral),
                "{header}"
            );
        }
        // A text column is no sibling.
        assert_eq!(
            category_of(&inspection, "Notes"),
            Some(Category::Demographic)
        );
    }

    #[test]
    fn the_preview_names_short_and_long_rows() {
        let file = csv_file("Email,Name,Company\na@example.com,Ann,Acme\nb@example.com,Bo\nc@example.com,Cy,Corp,extra\nd@example.com,Di,Dyn,\n");
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        assert_eq!(inspection.sampled_rows, 4);
        assert_eq!(
            inspection.row_widths,
            RowWidths {
                short_rows: 1,
                short_lines: vec![3],
                long_rows: 1,
                long_lines: vec![4],
            }
        );
        let row = |line: u64| inspection.preview.iter().find(|r| r.line == line).unwrap();
        assert_eq!(
            row(3).note.as_deref(),
            Some("2 of 3 fields: the missing cells read as empty")
        );
        assert_eq!(row(3).error, None);
        assert_eq!(
            row(4).error.as_deref(),
            Some("wrong number of fields: the header has 3, this row has 4; it will be rejected")
        );
        // A trailing delimiter is no long row.
        assert_eq!((row(5).error.as_ref(), row(5).note.as_ref()), (None, None));
    }

    #[test]
    fn a_header_only_file_has_no_rows() {
        let file = csv_file("Email,First Name\n");
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        assert_eq!(inspection.sampled_rows, 0);
        assert!(inspection.preview.is_empty());
    }

    #[test]
    fn a_salesforce_account_export_maps_name_to_company() {
        let file = csv_file(
            "\"ID\",\"ISDELETED\",\"NAME\",\"BILLINGSTREET\",\"BILLINGCITY\",\"ACCOUNTNUMBER\"\n\
             \"001x0000002xLCVAA2\",\"false\",\"Gravity Investments\",\"150 Palmer Drive\",\"FORT COLLINS\",\"4-203974\"\n",
        );
        let ws = crate::Workspace::in_memory().unwrap();
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        let target = |header: &str| {
            inspection
                .columns
                .iter()
                .find(|c| c.mapping.header == header)
                .map(|c| c.mapping.target.clone())
        };
        assert_eq!(
            target("NAME"),
            Some(ColumnTarget::Field {
                key: "company".into()
            })
        );
        assert_eq!(
            target("ID"),
            Some(ColumnTarget::Field {
                key: "external_id".into()
            })
        );
    }

    #[test]
    fn a_saved_mapping_to_a_deleted_field_falls_back_to_the_suggestion() {
        let file = csv_file("Email,Shoe Size\na@example.com,38\n");
        let mut ws = crate::Workspace::in_memory().unwrap();
        let headers = vec!["Email".to_owned(), "Shoe Size".to_owned()];
        let inspection = inspect(&ws, file.path(), None, None).unwrap();
        let mut columns: Vec<ColumnMapping> = inspection
            .columns
            .iter()
            .map(|c| c.mapping.clone())
            .collect();
        columns[1].target = ColumnTarget::Field {
            key: "gone_field".into(),
        };
        columns[0].target = ColumnTarget::Skip;
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        save_mapping(&tx, &headers, &columns).unwrap();
        tx.commit().unwrap();
        let again = inspect(&ws, file.path(), None, None).unwrap();
        assert!(again.used_saved_mapping);
        assert_eq!(again.columns[0].mapping.target, ColumnTarget::Skip);
        assert!(matches!(
            again.columns[1].mapping.target,
            ColumnTarget::NewField { .. }
        ));
    }
}
