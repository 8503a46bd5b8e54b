//! New leads' custom values waiting to be written, so that each field's range
//! of the clustered `custom_values` table is filled in one go, in lead order.
//!
//! `custom_values` is ordered by field, then lead. New leads get ids above
//! every lead stored, so a field's new values all go to the end of that
//! field's range. Written field after field into a new workspace, each
//! field's values go to the end of the table, where SQLite appends without
//! searching the B-tree. Written in batches of a few thousand leads, every
//! batch would insert into the middle of every field's range but the last
//! one, each row searching from the root and splitting pages there: 6.3 s
//! instead of 2.7 s for the 7M values of a 1M-lead CRM export
//! (docs/benchmarks.md, "New leads' custom values written field by field").
//!
//! So the values are held in memory up to a bound, then, where the
//! connection may keep temporary data in files (a plain workspace, see
//! `Workspace::configure`), moved to an unlinked temporary file, one run per
//! field at a time; at the end they are written field by field, the runs of
//! a field in order and then the values still held. There each value is
//! encoded into its field's buffer as it comes: the leads come in id order,
//! so every buffer is in lead order without a sort (sorting the values held
//! took about 0.3 s of the writer's time for a 1M-lead CRM export). An
//! encrypted workspace never writes personal data to a file in clear: its
//! values are held as they are and written, sorted by field, whenever the
//! bound is reached.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use foldhash::HashMap;
use rusqlite::types::{Value, ValueRef};

use crate::{Error, Result};

/// One value to write: `(field id, lead id, value)`.
pub(super) type PendingRow<'a> = (i64, i64, ValueRef<'a>);

/// New leads' custom values not written yet (see the module's comment).
pub(super) struct PendingValues {
    /// Values held in memory, in the order the leads came (an encrypted
    /// workspace's: one that may not spill).
    held: Vec<(i64, i64, Value)>,
    /// A plain workspace's values held in memory, encoded by
    /// [`encode_row`] into one buffer per field, in the order the leads came.
    encoded: HashMap<i64, Vec<u8>>,
    /// How many values `encoded` holds.
    encoded_values: usize,
    /// How many values may be held before they are moved or written.
    held_at_most: usize,
    /// Whether values may go to a temporary file (a plain workspace).
    may_spill: bool,
    /// The temporary file, made the first time it is needed.
    spill: Option<Spill>,
}

/// An unlinked temporary file of runs: each run one field's values, in lead
/// order, encoded by [`encode_row`].
struct Spill {
    file: File,
    /// Where the next run starts.
    end: u64,
    /// Each field's runs, oldest first: (offset, length in bytes).
    runs: BTreeMap<i64, Vec<(u64, usize)>>,
    /// Reused to read a run back.
    buffer: Vec<u8>,
}

impl PendingValues {
    pub(super) fn new(may_spill: bool, held_at_most: usize) -> Self {
        PendingValues {
            held: Vec::new(),
            encoded: HashMap::default(),
            encoded_values: 0,
            held_at_most,
            may_spill,
            spill: None,
        }
    }

    /// Adds one new lead's value. When the bound is reached, the values held
    /// move to the temporary file or, where there is none, are written with
    /// `insert`; either way they go to `spent`, to be freed by the thread
    /// that made them.
    pub(super) fn push(
        &mut self,
        row: (i64, i64, Value),
        insert: impl FnMut(&[PendingRow<'_>]) -> Result<()>,
        spent: &mut Vec<Value>,
    ) -> Result<()> {
        if !self.may_spill {
            self.held.push(row);
            if self.held.len() < self.held_at_most {
                return Ok(());
            }
            return self.write_all(insert, spent);
        }
        let (field_id, lead_id, value) = row;
        encode_row(
            self.encoded.entry(field_id).or_default(),
            lead_id,
            (&value).into(),
        )?;
        spent.push(value);
        self.encoded_values += 1;
        if self.encoded_values < self.held_at_most {
            return Ok(());
        }
        self.spill_encoded()
    }

    /// Writes every value waiting with `insert`, field by field and, within
    /// a field, in the order the leads came (which is lead id order).
    pub(super) fn write_all(
        &mut self,
        mut insert: impl FnMut(&[PendingRow<'_>]) -> Result<()>,
        spent: &mut Vec<Value>,
    ) -> Result<()> {
        if self.encoded_values > 0 {
            self.spill_encoded()?;
        }
        let spilled = self.spill.as_ref().is_some_and(|s| !s.runs.is_empty());
        if self.held.is_empty() && !spilled {
            return Ok(());
        }
        self.held
            .sort_by_key(|(field_id, lead_id, _)| (*field_id, *lead_id));
        let mut fields: BTreeSet<i64> = self.held.iter().map(|(field_id, ..)| *field_id).collect();
        if let Some(spill) = &self.spill {
            fields.extend(spill.runs.keys());
        }
        let mut held = self.held.as_slice();
        for field_id in fields {
            if let Some(spill) = &mut self.spill {
                spill.write_runs_of(field_id, &mut insert)?;
            }
            let of_field = held.partition_point(|(held_field, ..)| *held_field == field_id);
            if of_field > 0 {
                let rows: Vec<PendingRow<'_>> = held[..of_field]
                    .iter()
                    .map(|(field_id, lead_id, value)| (*field_id, *lead_id, ValueRef::from(value)))
                    .collect();
                insert(&rows)?;
                held = &held[of_field..];
            }
        }
        spent.extend(self.held.drain(..).map(|(_, _, value)| value));
        match &mut self.spill {
            Some(spill) if spilled => spill.clear(),
            _ => Ok(()),
        }
    }

    /// Moves the encoded values to the temporary file, one run per field.
    fn spill_encoded(&mut self) -> Result<()> {
        let mut spill = match self.spill.take() {
            Some(spill) => spill,
            None => Spill::new()?,
        };
        for (field_id, run) in &mut self.encoded {
            if !run.is_empty() {
                spill.append_run(*field_id, run)?;
                run.clear();
            }
        }
        self.encoded_values = 0;
        self.spill = Some(spill);
        Ok(())
    }
}

impl Spill {
    fn new() -> Result<Self> {
        let file = tempfile::tempfile().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        Ok(Spill {
            file,
            end: 0,
            runs: BTreeMap::new(),
            buffer: Vec::new(),
        })
    }

    /// Appends `run` as the next run of `field_id`.
    fn append_run(&mut self, field_id: i64, run: &[u8]) -> Result<()> {
        self.file
            .write_all(run)
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        self.runs
            .entry(field_id)
            .or_default()
            .push((self.end, run.len()));
        self.end += run.len() as u64;
        Ok(())
    }

    /// Reads `field_id`'s runs back, oldest first, and writes each with
    /// `insert`.
    fn write_runs_of(
        &mut self,
        field_id: i64,
        insert: &mut impl FnMut(&[PendingRow<'_>]) -> Result<()>,
    ) -> Result<()> {
        let Some(runs) = self.runs.get(&field_id) else {
            return Ok(());
        };
        for &(offset, length) in runs {
            self.buffer.resize(length, 0);
            self.file
                .seek(SeekFrom::Start(offset))
                .and_then(|_| self.file.read_exact(&mut self.buffer))
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            let rows = decode_run(field_id, &self.buffer)?;
            insert(&rows)?;
        }
        Ok(())
    }

    /// Forgets every run and gives the file's space back.
    fn clear(&mut self) -> Result<()> {
        self.runs.clear();
        self.end = 0;
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
            .map_err(|e| Error::io(std::env::temp_dir(), e))
    }
}

const NULL: u8 = 0;
const INTEGER: u8 = 1;
const REAL: u8 = 2;
const TEXT: u8 = 3;
const BLOB: u8 = 4;

/// Appends one value of a run: the lead id, a type byte, then eight bytes
/// for a number, or the length (four bytes) and the bytes of a text or blob.
fn encode_row(buffer: &mut Vec<u8>, lead_id: i64, value: ValueRef<'_>) -> Result<()> {
    buffer.extend_from_slice(&lead_id.to_le_bytes());
    let bytes = match value {
        ValueRef::Null => {
            buffer.push(NULL);
            return Ok(());
        }
        ValueRef::Integer(number) => {
            buffer.push(INTEGER);
            buffer.extend_from_slice(&number.to_le_bytes());
            return Ok(());
        }
        ValueRef::Real(number) => {
            buffer.push(REAL);
            buffer.extend_from_slice(&number.to_le_bytes());
            return Ok(());
        }
        ValueRef::Text(text) => {
            buffer.push(TEXT);
            text
        }
        ValueRef::Blob(blob) => {
            buffer.push(BLOB);
            blob
        }
    };
    let length = u32::try_from(bytes.len())
        .map_err(|_| Error::InvalidArgument(format!("a custom value of {} bytes", bytes.len())))?;
    buffer.extend_from_slice(&length.to_le_bytes());
    buffer.extend_from_slice(bytes);
    Ok(())
}

/// The values of one run of `field_id`, borrowed from `run`.
fn decode_run(field_id: i64, mut run: &[u8]) -> Result<Vec<PendingRow<'_>>> {
    let mut rows = Vec::new();
    while !run.is_empty() {
        let lead_id = i64::from_le_bytes(take_array(&mut run)?);
        let [kind] = take_array(&mut run)?;
        let value = match kind {
            NULL => ValueRef::Null,
            INTEGER => ValueRef::Integer(i64::from_le_bytes(take_array(&mut run)?)),
            REAL => ValueRef::Real(f64::from_le_bytes(take_array(&mut run)?)),
            TEXT | BLOB => {
                let length = u32::from_le_bytes(take_array(&mut run)?) as usize;
                let bytes = run.get(..length).ok_or_else(damaged_run)?;
                run = &run[length..];
                if kind == TEXT {
                    ValueRef::Text(bytes)
                } else {
                    ValueRef::Blob(bytes)
                }
            }
            _ => return Err(damaged_run()),
        };
        rows.push((field_id, lead_id, value));
    }
    Ok(rows)
}

fn take_array<const N: usize>(run: &mut &[u8]) -> Result<[u8; N]> {
    let (head, rest) = run.split_first_chunk::<N>().ok_or_else(damaged_run)?;
    *run = rest;
    Ok(*head)
}

/// A run read back is not what was written (the temporary file changed
/// under the import).
fn damaged_run() -> Error {
    Error::io(
        std::env::temp_dir(),
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "an import's temporary file of custom values was changed while it ran",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows handed to `insert`, owned.
    type Written = Vec<(i64, i64, Value)>;

    fn collect_into(written: &mut Written) -> impl FnMut(&[PendingRow<'_>]) -> Result<()> + '_ {
        |rows| {
            written.extend(
                rows.iter()
                    .map(|(f, l, v)| (*f, *l, Value::try_from(*v).unwrap())),
            );
            Ok(())
        }
    }

    /// Three fields' values for leads 1..=leads, as an import pushes them:
    /// lead by lead, each lead's fields in column order (not field order).
    fn rows(leads: i64) -> Vec<(i64, i64, Value)> {
        let mut rows = Vec::new();
        for lead_id in 1..=leads {
            rows.push((7, lead_id, Value::Text(format!("Müller {lead_id}"))));
            if lead_id % 3 != 0 {
                rows.push((2, lead_id, Value::Integer(lead_id * 10)));
            }
            rows.push((5, lead_id, Value::Real(lead_id as f64 / 4.0)));
            if lead_id == 4 {
                rows.push((9, lead_id, Value::Blob(vec![0, 1, 2])));
                rows.push((11, lead_id, Value::Text(String::new())));
            }
        }
        rows
    }

    fn push_all(pending: &mut PendingValues, rows: &[(i64, i64, Value)], written: &mut Written) {
        let mut spent = Vec::new();
        for row in rows {
            pending
                .push(row.clone(), collect_into(written), &mut spent)
                .unwrap();
        }
        assert_eq!(
            spent.len() + pending.held.len(),
            rows.len(),
            "every moved value is spent"
        );
    }

    /// Pushes `rows`, then writes everything waiting; returns what was
    /// written, in order.
    fn push_then_write_all(pending: &mut PendingValues, rows: &[(i64, i64, Value)]) -> Written {
        let mut written = Written::new();
        push_all(pending, rows, &mut written);
        pending
            .write_all(collect_into(&mut written), &mut Vec::new())
            .unwrap();
        written
    }

    fn field_then_lead(rows: &[(i64, i64, Value)]) -> Vec<(i64, i64, Value)> {
        let mut sorted = rows.to_vec();
        sorted.sort_by_key(|(field_id, lead_id, _)| (*field_id, *lead_id));
        sorted
    }

    #[test]
    fn a_plain_workspace_writes_every_value_field_by_field_at_the_end() {
        let rows = rows(50);
        let mut pending = PendingValues::new(true, 16);
        let mut written = Written::new();
        push_all(&mut pending, &rows, &mut written);
        assert!(written.is_empty(), "nothing is written before the end");
        assert!(pending.spill.as_ref().is_some_and(|s| s.runs.len() == 5));
        let mut spent = Vec::new();
        pending
            .write_all(collect_into(&mut written), &mut spent)
            .unwrap();
        assert_eq!(written, field_then_lead(&rows));
        assert!(pending.held.is_empty());
        let spill = pending.spill.as_ref().unwrap();
        assert!(spill.runs.is_empty() && spill.end == 0);
        assert_eq!(
            spill.file.metadata().unwrap().len(),
            0,
            "the file's space is given back"
        );
    }

    /// A duplicate row of a lead this import inserted writes what waits; the
    /// file is then reused, and the second write has only the later values.
    #[test]
    fn values_written_midway_are_not_written_again() {
        let rows = rows(40);
        let (first, second) = rows.split_at(rows.len() / 2);
        let mut pending = PendingValues::new(true, 7);
        assert_eq!(
            push_then_write_all(&mut pending, first),
            field_then_lead(first)
        );
        assert_eq!(
            push_then_write_all(&mut pending, second),
            field_then_lead(second)
        );
        let nothing_waits = push_then_write_all(&mut pending, &[]);
        assert!(nothing_waits.is_empty());
    }

    /// An encrypted workspace keeps nothing in a file: each time the bound
    /// is reached, the values held are written, field by field.
    #[test]
    fn without_a_file_values_are_written_whenever_the_bound_is_reached() {
        let rows = rows(12);
        let mut pending = PendingValues::new(false, 10);
        let mut written = Written::new();
        push_all(&mut pending, &rows[..10], &mut written);
        assert_eq!(written, field_then_lead(&rows[..10]));
        assert!(pending.spill.is_none());
        push_all(&mut pending, &rows[10..20], &mut written);
        assert_eq!(&written[10..], field_then_lead(&rows[10..20]).as_slice());
        push_all(&mut pending, &rows[20..25], &mut written);
        assert_eq!(written.len(), 20, "below the bound, values wait");
        pending
            .write_all(collect_into(&mut written), &mut Vec::new())
            .unwrap();
        assert_eq!(&written[20..], field_then_lead(&rows[20..25]).as_slice());
    }

    #[test]
    fn a_run_reads_back_as_it_was_written_and_a_cut_run_is_an_error() {
        let values = [
            ValueRef::Null,
            ValueRef::Integer(i64::MIN),
            ValueRef::Real(-0.5),
            ValueRef::Text("Jürgen".as_bytes()),
            ValueRef::Blob(&[]),
        ];
        let mut buffer = Vec::new();
        for (lead_id, value) in values.iter().enumerate() {
            encode_row(&mut buffer, lead_id as i64, *value).unwrap();
        }
        let rows = decode_run(3, &buffer).unwrap();
        let expected: Vec<PendingRow<'_>> = values
            .iter()
            .enumerate()
            .map(|(lead_id, value)| (3, lead_id as i64, *value))
            .collect();
        assert_eq!(rows, expected);
        let error = decode_run(3, &buffer[..buffer.len() - 1]).unwrap_err();
        assert!(
            error.to_string().contains("was changed while it ran"),
            "{error}"
        );
    }
}
