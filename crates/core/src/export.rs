//! Exporting leads as CSV or JSON, streamed row by row so that a million
//! leads never sit in memory; the consent rule of exports for email tools;
//! writing export files whole or not at all. CSV cells are made safe against
//! formula injection before they leave the app.
//!
//! This module owns the one export format type, [`ExportFormat`], and the
//! writers every export goes through: [`SafeCsvWriter`] (every cell through
//! [`csv_safe`]) and [`JsonArrayWriter`] (a streamed JSON array).

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fields;
use crate::leads::{CellValue, WholeLeads};
use crate::text::grouped;
use crate::{Error, Result, Workspace};

/// The output formats of every export: all leads ([`export_leads`]),
/// segment members, plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// The characters that make a spreadsheet read a cell as a formula, in
/// their ASCII and full-width forms (Excel and LibreOffice fold full-width
/// signs to ASCII on input).
const FORMULA_TRIGGERS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Neutralises spreadsheet formula injection, as OWASP recommends: a cell
/// gets a leading apostrophe, so Excel and Sheets show it as text instead of
/// running it, when it starts with a tab, carriage return, line feed or NUL,
/// or when its first character after any leading whitespace and control
/// characters is `=`, `+`, `-`, `@` or their full-width forms `＝＋－＠`
/// (spreadsheets trim the leading blanks and then run the formula).
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_with_control = cell.starts_with(['\t', '\r', '\n', '\0']);
    let first_visible = cell.chars().find(|c| !c.is_whitespace() && !c.is_control());
    let starts_with_formula = first_visible.is_some_and(|c| FORMULA_TRIGGERS.contains(&c));
    if starts_with_control || starts_with_formula {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// How many leads an export reads at a time (fewer when there are many
/// custom fields).
const LEADS_PER_CHUNK: usize = 1_000;

/// Writes every lead with every field (id, external_id, then the catalogue
/// in order) and returns how many leads were written. Works for any number
/// of custom fields: values are read by lead from `custom_values`, never as
/// one SQL column per field.
pub fn export_leads(workspace: &Workspace, format: ExportFormat, out: impl Write) -> Result<u64> {
    let conn = workspace.conn();
    let catalogue = fields::list_resolved(conn)?;
    let leads = WholeLeads::new(conn, &catalogue);
    let everyone = i64::MIN..=i64::MAX;
    match format {
        ExportFormat::Csv => {
            let mut writer = SafeCsvWriter::new(out);
            let mut header = vec!["id", "external_id"];
            header.extend(catalogue.iter().map(|f| f.field.key.as_str()));
            writer.write_row(header)?;
            let mut record: Vec<String> = Vec::with_capacity(catalogue.len() + 2);
            let written = leads.read(everyone, LEADS_PER_CHUNK, |lead| {
                record.clear();
                record.push(lead.row.id.to_string());
                record.push(lead.external_id.unwrap_or_default());
                record.extend(lead.row.cells.iter().map(cell_text));
                writer.write_row(&record)
            })?;
            writer.finish()?;
            Ok(written)
        }
        ExportFormat::Json => {
            let mut array = JsonArrayWriter::new(out)?;
            let written = leads.read(everyone, LEADS_PER_CHUNK, |lead| {
                let mut object = serde_json::Map::new();
                object.insert("id".into(), lead.row.id.into());
                object.insert("external_id".into(), lead.external_id.into());
                for (column, cell) in catalogue.iter().zip(lead.row.cells) {
                    object.insert(column.field.key.clone(), serde_json::to_value(cell)?);
                }
                array.push(&object)
            })?;
            array.finish()?;
            Ok(written)
        }
    }
}

/// The plain text of a cell as exports write it; empty for no value.
pub fn cell_text(cell: &Option<CellValue>) -> String {
    cell.as_ref()
        .map(CellValue::to_plain_text)
        .unwrap_or_default()
}

/// Writes CSV with every cell made safe against formula injection
/// ([`csv_safe`]): the one way exports write CSV.
pub struct SafeCsvWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> SafeCsvWriter<W> {
    pub fn new(out: W) -> Self {
        SafeCsvWriter {
            writer: csv::Writer::from_writer(out),
        }
    }

    /// Writes one record (a header or a row), each cell through [`csv_safe`].
    pub fn write_row<I>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.writer.write_record(
            cells
                .into_iter()
                .map(|cell| csv_safe(cell.as_ref()).into_owned()),
        )?;
        Ok(())
    }

    /// Flushes what is buffered to the output.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(output_error)
    }
}

/// Streams a JSON array to `out`, one element per line, so an export of a
/// million objects never holds more than one of them.
pub struct JsonArrayWriter<W: Write> {
    out: std::io::BufWriter<W>,
    empty: bool,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(out: W) -> Result<Self> {
        let mut out = std::io::BufWriter::new(out);
        out.write_all(b"[").map_err(output_error)?;
        Ok(JsonArrayWriter { out, empty: true })
    }

    pub fn push(&mut self, element: &impl Serialize) -> Result<()> {
        let separator: &[u8] = if self.empty { b"\n" } else { b",\n" };
        self.empty = false;
        self.out.write_all(separator).map_err(output_error)?;
        serde_json::to_writer(&mut self.out, element)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.out.write_all(b"\n]\n").map_err(output_error)?;
        self.out.flush().map_err(output_error)
    }
}

fn output_error(error: std::io::Error) -> Error {
    Error::io("<output>", error)
}

/// Writes the file at `path` whole or not at all: `write` fills a temporary
/// file in the same folder, which replaces `path` only once `write` has
/// succeeded and the data is on disk. A failed export (an unknown field, a
/// rule that does not validate, a full disk) leaves what was at `path`
/// before. A replaced file keeps its permissions; a new one is readable by
/// its owner only, as it holds personal data.
pub fn write_file_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let io = |e| Error::io(path, e);
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".leadstream-export-").suffix(".tmp");
    if let Ok(existing) = std::fs::metadata(path) {
        builder.permissions(existing.permissions());
    }
    let mut temporary = builder.tempfile_in(folder).map_err(io)?;
    let value = {
        let mut out = std::io::BufWriter::new(temporary.as_file_mut());
        let value = write(&mut out)?;
        out.flush().map_err(io)?;
        value
    };
    temporary.as_file().sync_all().map_err(io)?;
    temporary.persist(path).map_err(|e| io(e.error))?;
    Ok(value)
}

/// Notes in the audit log (issue 15) that an export wrote `rows` rows of
/// `what` ("leads", "segment members", ...) to the file at `path`: every
/// export that writes a file calls this once the file is in place. The
/// entry holds the path and the count, never a row.
pub fn record_export(workspace: &mut Workspace, what: &str, rows: u64, path: &Path) -> Result<()> {
    let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::store::tables::audit::record(
        &tx,
        "export",
        &serde_json::json!({"what": what, "rows": rows, "file": shown.to_string_lossy()}),
    )?;
    tx.commit()?;
    Ok(())
}

/// Whether an export for an email tool (HubSpot, Mailchimp) includes leads
/// that may not be emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsentPolicy {
    /// Leave out leads marked "do not email" and leads without an email
    /// opt-in (the default).
    #[default]
    EmailableOnly,
    /// Include them: the user's explicit choice, which the summary reports.
    IncludeUnconsented,
}

/// Why a lead may not be emailed. A lead with both reasons counts under
/// "do not email".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsentReason {
    /// `do_not_email` is true: the lead unsubscribed or asked not to be emailed.
    DoNotEmail,
    /// `email_opt_in` is false or empty: no consent to marketing email is
    /// recorded (what HubSpot's GDPR mode and the planner also assume).
    NoEmailOptIn,
}

impl ConsentReason {
    /// The reason in a marketer's words, for "left out 3: …".
    pub fn describe(self, count: u64) -> String {
        match self {
            ConsentReason::DoNotEmail => format!("{} marked “do not email”", grouped(count)),
            ConsentReason::NoEmailOptIn => format!("{} without email opt-in", grouped(count)),
        }
    }
}

/// Why a lead with these consent fields may not be emailed, if it may not.
pub fn consent_problem(
    do_not_email: Option<bool>,
    email_opt_in: Option<bool>,
) -> Option<ConsentReason> {
    if do_not_email == Some(true) {
        Some(ConsentReason::DoNotEmail)
    } else if email_opt_in != Some(true) {
        Some(ConsentReason::NoEmailOptIn)
    } else {
        None
    }
}

/// How many members had one reason not to be emailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentCount {
    pub reason: ConsentReason,
    #[ts(type = "number")]
    pub count: u64,
}

/// What an export of segment members did: how many leads the segment has,
/// how many were written and, by reason, how many may not be emailed (left
/// out, or written when the user chose to include them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MemberExportSummary {
    #[ts(type = "number")]
    pub members: u64,
    #[ts(type = "number")]
    pub written: u64,
    /// True when leads that may not be emailed were included on request.
    pub included_unconsented: bool,
    /// Members that may not be emailed, by reason; only reasons that occur.
    pub unconsented: Vec<ConsentCount>,
    /// All of the above in one sentence, as the CLI and the app show it.
    pub message: String,
}

impl MemberExportSummary {
    /// Builds the summary and its message from the counts.
    pub fn new(
        members: u64,
        written: u64,
        policy: ConsentPolicy,
        do_not_email: u64,
        no_opt_in: u64,
    ) -> Self {
        let unconsented: Vec<ConsentCount> = [
            (ConsentReason::DoNotEmail, do_not_email),
            (ConsentReason::NoEmailOptIn, no_opt_in),
        ]
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(reason, count)| ConsentCount { reason, count })
        .collect();
        let total: u64 = unconsented.iter().map(|c| c.count).sum();
        let reasons = unconsented
            .iter()
            .map(|c| c.reason.describe(c.count))
            .collect::<Vec<_>>()
            .join(", ");
        let leads = |n: u64| if n == 1 { "lead" } else { "leads" };
        let included_unconsented = policy == ConsentPolicy::IncludeUnconsented;
        let message = if total == 0 {
            format!("Exported {} {}.", grouped(written), leads(written))
        } else if included_unconsented {
            format!(
                "Exported {} {}, including {} who may not be emailed ({reasons}), as you chose.",
                grouped(written),
                leads(written),
                grouped(total)
            )
        } else {
            format!(
                "Exported {} of {} {}; left out {} who may not be emailed: {reasons}.",
                grouped(written),
                grouped(members),
                leads(members),
                grouped(total)
            )
        };
        MemberExportSummary {
            members,
            written,
            included_unconsented,
            unconsented,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn formula_cells_are_neutralised() {
        for dangerous in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert!(csv_safe(dangerous).starts_with('\''), "{dangerous:?}");
        }
        assert_eq!(csv_safe("Ann"), "Ann");
        assert_eq!(csv_safe(""), "");
    }

    fn is_neutralised(cell: &str) -> bool {
        csv_safe(cell) == format!("'{cell}")
    }

    #[test]
    fn formula_after_leading_spaces_is_neutralised() {
        for cell in [
            " =1+1",
            "   +SUM(A1)",
            " -2+3",
            "  @cmd",
            "\u{a0}=1",
            "\u{3000}=1",
        ] {
            assert!(is_neutralised(cell), "{cell:?}");
        }
    }

    #[test]
    fn formula_after_leading_tabs_is_neutralised() {
        for cell in ["\t=1+1", "\t\t+1", " \t@cmd", "\t-1"] {
            assert!(is_neutralised(cell), "{cell:?}");
        }
    }

    #[test]
    fn full_width_formula_signs_are_neutralised() {
        for cell in ["＝1+1", "＋SUM(A1)", "－2", "＠cmd", " ＝1"] {
            assert!(is_neutralised(cell), "{cell:?}");
        }
    }

    #[test]
    fn leading_nul_is_neutralised() {
        for cell in ["\0=1+1", "\0", "\0Ann"] {
            assert!(is_neutralised(cell), "{cell:?}");
        }
    }

    #[test]
    fn leading_line_breaks_are_neutralised() {
        for cell in ["\r=1", "\n=1", "\r\n@cmd", "\nAnn", "\rAnn"] {
            assert!(is_neutralised(cell), "{cell:?}");
        }
    }

    #[test]
    fn harmless_cells_are_left_alone() {
        for cell in [
            "Ann",
            " Ann",
            "a=b",
            "ann@example.com",
            "1-2",
            "",
            "  ",
            "Ｘ＝1",
        ] {
            assert_eq!(csv_safe(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn failed_export_leaves_the_existing_file_alone() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("members.csv");
        std::fs::write(&target, "the previous export\n").unwrap();
        let failed = write_file_atomically(&target, |out| {
            out.write_all(b"half a file").unwrap();
            Err::<(), _>(Error::UnknownField {
                key: "shoe_size".into(),
            })
        });
        assert!(matches!(failed, Err(Error::UnknownField { .. })));
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "the previous export\n"
        );
        let names: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["members.csv"], "no temporary file is left behind");
    }

    #[test]
    fn successful_export_replaces_the_file_and_keeps_its_permissions() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("leads.csv");
        std::fs::write(&target, "old").unwrap();
        let before = std::fs::metadata(&target).unwrap().permissions();
        let written = write_file_atomically(&target, |out| {
            out.write_all(b"new").map_err(|e| Error::io("<test>", e))?;
            Ok(3)
        })
        .unwrap();
        assert_eq!(written, 3);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::metadata(&target).unwrap().permissions(), before);
        let fresh = folder.path().join("fresh.json");
        write_file_atomically(&fresh, |out| {
            out.write_all(b"[]").map_err(|e| Error::io("<test>", e))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "[]");
    }

    #[test]
    fn consent_problems_follow_the_planner() {
        assert_eq!(consent_problem(Some(false), Some(true)), None);
        assert_eq!(consent_problem(None, Some(true)), None);
        assert_eq!(
            consent_problem(Some(true), Some(true)),
            Some(ConsentReason::DoNotEmail)
        );
        assert_eq!(
            consent_problem(Some(true), None),
            Some(ConsentReason::DoNotEmail),
            "one reason per lead: do not email first"
        );
        assert_eq!(
            consent_problem(Some(false), Some(false)),
            Some(ConsentReason::NoEmailOptIn)
        );
        assert_eq!(
            consent_problem(None, None),
            Some(ConsentReason::NoEmailOptIn),
            "no opt-in recorded is no consent"
        );
    }

    #[test]
    fn member_export_summary_says_what_was_left_out_and_why() {
        let all_fine = MemberExportSummary::new(3, 3, ConsentPolicy::EmailableOnly, 0, 0);
        assert_eq!(all_fine.message, "Exported 3 leads.");
        assert!(all_fine.unconsented.is_empty());
        let left_out = MemberExportSummary::new(10, 7, ConsentPolicy::EmailableOnly, 1, 2);
        assert_eq!(
            left_out.message,
            "Exported 7 of 10 leads; left out 3 who may not be emailed: \
             1 marked “do not email”, 2 without email opt-in."
        );
        assert!(!left_out.included_unconsented);
        assert_eq!(
            left_out.unconsented,
            [
                ConsentCount {
                    reason: ConsentReason::DoNotEmail,
                    count: 1
                },
                ConsentCount {
                    reason: ConsentReason::NoEmailOptIn,
                    count: 2
                }
            ]
        );
        let included = MemberExportSummary::new(10, 10, ConsentPolicy::IncludeUnconsented, 0, 4);
        assert!(included.included_unconsented);
        assert_eq!(
            included.message,
            "Exported 10 leads, including 4 who may not be emailed \
             (4 without email opt-in), as you chose."
        );
    }

    fn workspace_with_one_lead() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute(
                "INSERT INTO leads (external_id, email, first_name, company, employees, email_opt_in, created_at, updated_at)
                 VALUES ('X1', 'ann@example.com', 'Ann', '=HYPERLINK(\"http://evil\")', 42, 1, 0, 0)",
                [],
            )
            .unwrap();
        ws
    }

    #[test]
    fn csv_export_has_header_and_safe_cells() {
        let ws = workspace_with_one_lead();
        let mut out = Vec::new();
        assert_eq!(export_leads(&ws, ExportFormat::Csv, &mut out).unwrap(), 1);
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "id");
        assert_eq!(&header[2], "email");
        let record = reader.records().next().unwrap().unwrap();
        let column = |key: &str| record[header.iter().position(|h| h == key).unwrap()].to_owned();
        assert_eq!(column("email"), "ann@example.com");
        assert_eq!(column("company"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(column("employees"), "42");
        assert_eq!(column("email_opt_in"), "true");
        assert_eq!(column("created_at"), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn json_export_is_an_array_of_typed_objects() {
        let ws = workspace_with_one_lead();
        let mut out = Vec::new();
        export_leads(&ws, ExportFormat::Json, &mut out).unwrap();
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0]["employees"], 42.0);
        assert_eq!(parsed[0]["email_opt_in"], true);
        assert_eq!(parsed[0]["phone"], serde_json::Value::Null);
        let empty = Workspace::in_memory().unwrap();
        let mut out = Vec::new();
        export_leads(&empty, ExportFormat::Json, &mut out).unwrap();
        assert_eq!(
            serde_json::from_slice::<Vec<serde_json::Value>>(&out)
                .unwrap()
                .len(),
            0
        );
    }
}
