//! The rejected rows: their reasons counted for the report and the rows
//! written, with line and reason, to a CSV next to the workspace.

use std::collections::HashMap;

use super::*;
use crate::import::source::Cells;

/// Rejected rows: the first ones for the report, counts per reason, and all
/// of them buffered to a temporary CSV until the import knows its file name.
pub(super) struct RejectLog {
    pub(super) headers: Vec<String>,
    pub(super) first: Vec<Rejection>,
    pub(super) by_reason: HashMap<String, u64>,
    pub(super) count: u64,
    pub(super) spool: Option<csv::Writer<tempfile::NamedTempFile>>,
}

impl RejectLog {
    pub(super) fn new(headers: Vec<String>) -> Self {
        RejectLog {
            headers,
            first: Vec::new(),
            by_reason: HashMap::new(),
            count: 0,
            spool: None,
        }
    }

    pub(super) fn add(&mut self, line: u64, reason: String, fields: &Cells) -> Result<()> {
        self.count += 1;
        *self.by_reason.entry(reason_kind(&reason)).or_default() += 1;
        let writer = match self.spool.as_mut() {
            Some(writer) => writer,
            None => {
                let file = tempfile::NamedTempFile::new()
                    .map_err(|e| Error::io(std::env::temp_dir(), e))?;
                // Rejected rows keep their original width, ragged or not.
                let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(file);
                let mut header = vec!["line".to_owned(), "reason".to_owned()];
                header.extend(self.headers.iter().cloned());
                writer.write_record(&header)?;
                self.spool.insert(writer)
            }
        };
        // The user opens this file in a spreadsheet to fix the rows, so it
        // is neutralised against formula injection like every export.
        let mut record = vec![line.to_string(), csv_safe(&reason).into_owned()];
        record.extend(fields.iter().map(|field| csv_safe(field).into_owned()));
        writer.write_record(&record)?;
        if self.first.len() < REPORTED_REJECTIONS {
            self.first.push(Rejection { line, reason });
        }
        Ok(())
    }

    pub(super) fn reasons(&self) -> Vec<ReasonCount> {
        let mut reasons: Vec<ReasonCount> = self
            .by_reason
            .iter()
            .map(|(reason, count)| ReasonCount {
                reason: reason.clone(),
                count: *count,
            })
            .collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        reasons
    }

    /// Moves the spooled rejected rows to `target`.
    pub(super) fn save(&mut self, target: &Path) -> Result<()> {
        let Some(writer) = self.spool.take() else {
            return Ok(());
        };
        let spool = writer
            .into_inner()
            .map_err(|e| Error::io(target, e.into_error()))?;
        if let Err(error) = spool.persist(target) {
            // Across file systems a rename fails: copy instead.
            std::fs::copy(error.file.path(), target).map_err(|e| Error::io(target, e))?;
        }
        Ok(())
    }
}

/// The kind of a rejection, for counting: the reason without the row's own
/// value (`invalid e-mail address "x" in column "Email"` → `invalid e-mail
/// address in column "Email"`).
pub(super) fn reason_kind(reason: &str) -> String {
    let mut kind = String::with_capacity(reason.len());
    let mut rest = reason;
    // Drop the first quoted value (the cell), keep the column name.
    if let Some(start) = rest.find('"') {
        if let Some(end) = rest[start + 1..].find("\" in column") {
            kind.push_str(rest[..start].trim_end());
            rest = &rest[start + 1 + end + 1..];
        }
    }
    kind.push_str(rest);
    kind
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_kinds_drop_the_cell_value() {
        assert_eq!(
            reason_kind("invalid e-mail address \"x@\" in column \"Email\""),
            "invalid e-mail address in column \"Email\""
        );
        assert_eq!(
            reason_kind("contains a NUL byte (column 2)"),
            "contains a NUL byte (column 2)"
        );
    }
}
