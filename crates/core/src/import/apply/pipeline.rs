//! The parser side of an import: a thread of its own reads the file,
//! decodes and converts each record and checks it against the suppression
//! list, and hands the rows, in file order and in batches, to the import's
//! thread, which writes them. A bounded channel holds at most
//! [`BATCHES_IN_FLIGHT`] batches of [`BATCH_ROWS`] rows, so memory does not
//! grow with the file; when the writer stops (an error, a cancel) the
//! channel closes and the parser stops at its next batch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::mpsc::{Receiver, SyncSender};

use rusqlite::Transaction;

use super::convert::{convert_row, EventTypeMemo, PreparedColumn, RowValues};
use crate::import::normalize;
use crate::import::source::{Cells, RecordReader};
use crate::Result;

/// Rows per batch handed from the parser to the writer.
pub(super) const BATCH_ROWS: usize = 512;
/// Batches the channel holds while the writer is busy.
pub(super) const BATCHES_IN_FLIGHT: usize = 4;

/// One data row of the file, as the parser leaves it.
pub(super) enum ParsedRow {
    /// An erased person's row: counted as skipped and suppressed, written
    /// nowhere (not even to the rejected rows).
    Suppressed,
    /// A row that cannot be imported, with its line, reason and cells.
    Rejected {
        line: u64,
        reason: String,
        fields: Cells,
    },
    /// A converted row; its cells stay with it in case the writer rejects it.
    Converted {
        line: u64,
        fields: Cells,
        values: RowValues,
    },
}

/// Consecutive rows, and how far into the file the parser was after them.
pub(super) struct Batch {
    pub(super) rows: Vec<ParsedRow>,
    pub(super) bytes_read: u64,
}

/// What the parser needs besides the reader.
pub(super) struct ParseInput<'a> {
    pub(super) width: usize,
    pub(super) columns: &'a [PreparedColumn],
    pub(super) null_tokens: &'a HashSet<String>,
}

/// The two ends of the parser's channels: batches go to the writer, and
/// the writer sends their emptied row vectors back to be filled again
/// (freeing a vector of this size costs the allocator a consolidation).
pub(super) struct ParserEnds {
    pub(super) batches: SyncSender<Batch>,
    pub(super) emptied: Receiver<Spent>,
}

/// A written batch on its way back to the parser thread, which allocated
/// its rows and values and so frees them (a free from the writing thread
/// would contend for glibc's arena lock) and reuses the row vector.
pub(super) struct Spent {
    pub(super) rows: Vec<ParsedRow>,
    pub(super) values: Vec<rusqlite::types::Value>,
    pub(super) texts: Vec<String>,
}

impl ParserEnds {
    fn empty_rows(&self) -> Vec<ParsedRow> {
        match self.emptied.try_recv() {
            Ok(Spent {
                mut rows,
                values,
                texts,
            }) => {
                drop(values);
                drop(texts);
                rows.clear();
                rows
            }
            Err(_) => Vec::with_capacity(BATCH_ROWS),
        }
    }
}

/// Reads, converts and checks every record of `reader`, sending them in
/// batches until the file ends or the writer hangs up; returns the
/// suppression list with the erasure dates it met.
pub(super) fn parse_rows(
    mut reader: RecordReader,
    input: ParseInput<'_>,
    mut suppressed: Suppressed,
    ends: ParserEnds,
) -> Suppressed {
    let mut rows = ends.empty_rows();
    let mut event_types = EventTypeMemo::default();
    while let Some(next) = reader.next_record() {
        let row = match next {
            Err(error) => {
                if suppressed.holds(&error.fields) {
                    ParsedRow::Suppressed
                } else {
                    ParsedRow::Rejected {
                        line: error.line,
                        reason: error.message,
                        fields: error.fields,
                    }
                }
            }
            Ok(record) => {
                let converted = convert_row(
                    &record,
                    input.width,
                    input.columns,
                    input.null_tokens,
                    &mut event_types,
                );
                match converted {
                    _ if suppressed.holds(&record.fields) => ParsedRow::Suppressed,
                    Err(reason) => ParsedRow::Rejected {
                        line: record.line,
                        reason,
                        fields: record.fields,
                    },
                    Ok(values) => ParsedRow::Converted {
                        line: record.line,
                        fields: record.fields,
                        values,
                    },
                }
            }
        };
        rows.push(row);
        if rows.len() == BATCH_ROWS {
            let batch = Batch {
                rows: std::mem::replace(&mut rows, ends.empty_rows()),
                bytes_read: reader.bytes_read(),
            };
            if ends.batches.send(batch).is_err() {
                return suppressed;
            }
        }
    }
    let last = Batch {
        rows,
        bytes_read: reader.bytes_read(),
    };
    // The writer may have hung up already: nothing more to do either way.
    let _ = ends.batches.send(last);
    suppressed
}

/// The suppression list, in memory for the import: a row whose cell is an
/// e-mail address (any column: the identity one, or one the mapping
/// skips) hashing to an entry is an erased person's.
pub(super) struct Suppressed {
    salt: String,
    hashes: HashMap<String, i64>,
    seen: BTreeSet<i64>,
}

impl Suppressed {
    pub(super) fn load(tx: &Transaction<'_>) -> Result<Self> {
        use crate::store::tables::suppression;
        let hashes = suppression::all(tx)?;
        let salt = if hashes.is_empty() {
            String::new()
        } else {
            suppression::salt(tx)?
        };
        Ok(Suppressed {
            salt,
            hashes,
            seen: Default::default(),
        })
    }

    /// Whether the row is an erased person's (noting the erasure's date).
    fn holds(&mut self, fields: &Cells) -> bool {
        if self.hashes.is_empty() {
            return false;
        }
        for cell in fields.iter() {
            if !cell.contains('@') {
                continue;
            }
            let hash =
                crate::store::tables::suppression::hash_of(&self.salt, &normalize::email_key(cell));
            if let Some(erased_at) = self.hashes.get(&hash) {
                self.seen.insert(*erased_at);
                return true;
            }
        }
        false
    }

    /// The days of the erasures whose people the file held.
    pub(super) fn dates_seen(&self) -> Vec<String> {
        let mut dates: Vec<String> = self
            .seen
            .iter()
            .filter_map(|t| chrono::DateTime::from_timestamp(*t, 0))
            .map(|t| t.format("%Y-%m-%d").to_string())
            .collect();
        dates.dedup();
        dates
    }
}
