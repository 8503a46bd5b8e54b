//! Exporting leads as CSV or JSON, streamed row by row so that a million
//! leads never sit in memory. CSV cells are made safe against formula
//! injection before they leave the app.

use std::io::Write;

use rusqlite::Connection;

use crate::fields;
use crate::leads::{CellValue, WholeLeads};
use crate::Result;

/// Output formats of [`export_leads`].
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
pub fn export_leads(conn: &Connection, format: ExportFormat, out: impl Write) -> Result<u64> {
    let catalogue = fields::list_resolved(conn)?;
    let leads = WholeLeads::new(conn, &catalogue);
    let everyone = i64::MIN..=i64::MAX;
    match format {
        ExportFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            let mut header = vec!["id".to_owned(), "external_id".to_owned()];
            header.extend(
                catalogue
                    .iter()
                    .map(|f| csv_safe(&f.field.key).into_owned()),
            );
            writer.write_record(&header)?;
            let mut record: Vec<String> = Vec::with_capacity(header.len());
            let written = leads.read(everyone, LEADS_PER_CHUNK, |lead| {
                record.clear();
                record.push(lead.row.id.to_string());
                record.push(csv_safe(&lead.external_id.unwrap_or_default()).into_owned());
                for cell in &lead.row.cells {
                    let text = cell
                        .as_ref()
                        .map(CellValue::to_plain_text)
                        .unwrap_or_default();
                    record.push(csv_safe(&text).into_owned());
                }
                writer.write_record(&record)?;
                Ok(())
            })?;
            writer
                .flush()
                .map_err(|e| crate::Error::io("<output>", e))?;
            Ok(written)
        }
        ExportFormat::Json => {
            let mut out = std::io::BufWriter::new(out);
            let io = |e| crate::Error::io("<output>", e);
            out.write_all(b"[").map_err(io)?;
            let mut first = true;
            let written = leads.read(everyone, LEADS_PER_CHUNK, |lead| {
                let mut object = serde_json::Map::new();
                object.insert("id".into(), lead.row.id.into());
                object.insert("external_id".into(), lead.external_id.into());
                for (column, cell) in catalogue.iter().zip(lead.row.cells) {
                    object.insert(column.field.key.clone(), serde_json::to_value(cell)?);
                }
                if !first {
                    out.write_all(b",").map_err(io)?;
                }
                first = false;
                out.write_all(b"\n").map_err(io)?;
                serde_json::to_writer(&mut out, &object)?;
                Ok(())
            })?;
            out.write_all(b"\n]\n").map_err(io)?;
            out.flush().map_err(io)?;
            Ok(written)
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
        assert_eq!(
            export_leads(ws.conn(), ExportFormat::Csv, &mut out).unwrap(),
            1
        );
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
        export_leads(ws.conn(), ExportFormat::Json, &mut out).unwrap();
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0]["employees"], 42.0);
        assert_eq!(parsed[0]["email_opt_in"], true);
        assert_eq!(parsed[0]["phone"], serde_json::Value::Null);
        let empty = Workspace::in_memory().unwrap();
        let mut out = Vec::new();
        export_leads(empty.conn(), ExportFormat::Json, &mut out).unwrap();
        assert_eq!(
            serde_json::from_slice::<Vec<serde_json::Value>>(&out)
                .unwrap()
                .len(),
            0
        );
    }
}
