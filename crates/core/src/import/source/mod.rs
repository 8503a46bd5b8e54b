//! Reading CSV files as they come: encoding, dialect and header detection,
//! and a streaming record reader that reports where every record starts.
//!
//! [`detect_format`] looks at the start of a file (never more than
//! [`DETECTION_LIMIT`] bytes) and proposes a [`SourceFormat`]: the text
//! encoding, delimiter, quote, header row and Excel artefacts such as blank
//! lines before the header or rows wrapped in quotes. It refuses files that
//! are not text at all. The user may confirm or change every field.
//!
//! [`RecordReader`] then streams the file with that format, one record at a
//! time, in bounded memory: UTF-8 is read as raw bytes and checked record by
//! record, so one broken record is rejected ([`RecordError`]) and the import
//! goes on; UTF-16 and Windows-1252 are transcoded to UTF-8 on the fly. Every
//! record carries the physical line and the byte offset (in the original
//! file) where it starts.
//!
//! Hostile or broken files cannot take the rest of the file with them: a
//! record is at most [`MAX_RECORD_BYTES`] and [`MAX_COLUMNS`] wide (see
//! [`ReadLimits`]), and a stray quote (one that never closes) rejects only
//! its own record; reading resumes at the line after the one where it
//! opened, so every line of the file is accounted for.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

mod cells;
mod dialect;
mod encoding;
mod headers;
mod reader;
mod tally;

pub use cells::Cells;
use dialect::*;
use encoding::*;
pub use reader::RecordReader;
use tally::*;

/// Text encodings we read. Latin-1 files are read as Windows-1252 (its
/// superset, as browsers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// How records end. Informative only: the reader accepts CRLF, LF and CR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
    Mixed,
}

/// How to read a file; detected, then confirmable/overridable by the user (so
/// every field is plain data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceFormat {
    pub encoding: TextEncoding,
    /// The file starts with the byte-order mark of `encoding`. The reader
    /// skips such a mark whether or not this is set.
    pub has_bom: bool,
    /// Exactly one ASCII character: "," ";" "\t" "|" when detected.
    pub delimiter: String,
    /// `"` normally, `'` possible, empty for no quoting. When
    /// `rows_wrapped_in_quotes` is set, this is the quote of the inner record.
    pub quote: String,
    /// How records end (outside quoted fields); informative: the reader
    /// accepts CRLF, LF and CR-only anyway.
    pub line_ending: LineEnding,
    pub has_header: bool,
    /// Physical lines skipped before the header row (detected: blank lines).
    pub skip_lines: u32,
    /// Each physical line is ONE quoted field holding the real delimited
    /// record (an Excel artefact). `delimiter` is then the inner delimiter.
    pub rows_wrapped_in_quotes: bool,
}

impl Default for SourceFormat {
    /// Plain comma-separated UTF-8 with a header row.
    fn default() -> Self {
        SourceFormat {
            encoding: TextEncoding::Utf8,
            has_bom: false,
            delimiter: ",".to_owned(),
            quote: "\"".to_owned(),
            line_ending: LineEnding::Lf,
            has_header: true,
            skip_lines: 0,
            rows_wrapped_in_quotes: false,
        }
    }
}

/// Detection reads at most this much from the start of the file.
pub const DETECTION_LIMIT: usize = 64 * 1024 * 1024;

/// How much of the file start the dialect (delimiter, quote, header) is
/// guessed from, and how many records of it.
const DIALECT_SAMPLE_BYTES: usize = 1024 * 1024;
const DIALECT_SAMPLE_RECORDS: usize = 200;
/// Records looked at to decide whether the first row is a header.
const HEADER_SAMPLE_RECORDS: usize = 20;
/// Chunk size when streaming through the detection sample.
const SCAN_CHUNK_BYTES: usize = 1024 * 1024;
/// The reader's parse buffer.
const READ_BUFFER_BYTES: usize = 64 * 1024;
/// Delimiters detection chooses from, in order of preference on a tie.
const DELIMITER_CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Inner delimiters of rows wrapped in quotes.
const WRAPPED_DELIMITER_CANDIDATES: [u8; 2] = [b'\t', b';'];

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16BE_BOM: &[u8] = &[0xFE, 0xFF];

// ---------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------

/// Detects encoding, delimiter, quote, line endings, header row and wrapping.
/// Streams: never reads more than [`DETECTION_LIMIT`] bytes.
///
/// Refuses, with [`Error::UnreadableFile`] and a plain-English message, an
/// empty file, a binary file (an image, archive, workbook or database renamed
/// `.csv`), malformed byte-order marks (such as `FE FF` followed by UTF-32
/// text) and legacy encodings other than Windows-1252.
pub fn detect_format(path: &Path) -> Result<SourceFormat> {
    detect_format_with_limit(path, DETECTION_LIMIT)
}

/// [`detect_format`] reading at most `limit` bytes (tests use small limits).
pub(crate) fn detect_format_with_limit(path: &Path, limit: usize) -> Result<SourceFormat> {
    let limit = limit.max(4);
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let head_limit = limit.min(DIALECT_SAMPLE_BYTES);
    let head = read_up_to(&mut file, head_limit).map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(unreadable(path, "the file is empty"));
    }
    let head_is_whole_file = head.len() < head_limit || head.len() as u64 >= file_len;
    if let Some(kind) = binary_signature(&head) {
        return Err(unreadable(
            path,
            format!("this is not a text file (looks like {kind})"),
        ));
    }
    let (encoding, has_bom) = detect_encoding(path, &mut file, &head, head_is_whole_file, limit)?;
    let text = decode_sample(&head, encoding, has_bom);
    let dialect = detect_dialect(&text, head_is_whole_file);
    Ok(SourceFormat {
        encoding,
        has_bom,
        delimiter: char::from(dialect.delimiter).to_string(),
        quote: dialect
            .quote
            .map(|q| char::from(q).to_string())
            .unwrap_or_default(),
        line_ending: dialect.line_ending,
        has_header: dialect.has_header,
        skip_lines: dialect.skip_lines,
        rows_wrapped_in_quotes: dialect.rows_wrapped_in_quotes,
    })
}

fn unreadable(path: &Path, message: impl Into<String>) -> Error {
    Error::UnreadableFile {
        path: path.to_path_buf(),
        line: None,
        byte: None,
        message: message.into(),
    }
}

/// Reads until `limit` bytes or the end of the file.
fn read_up_to(reader: &mut impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(limit.min(SCAN_CHUNK_BYTES));
    reader.take(limit as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

// ---------------------------------------------------------------------------
// Reading records
// ---------------------------------------------------------------------------

/// One record as read: where it starts and its decoded fields (not trimmed,
/// not normalised).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    /// 1-based physical line where the record starts (CRLF, LF and a lone CR
    /// each end a line).
    pub line: u64,
    /// Offset in the original file bytes where the record starts. For UTF-16
    /// files it is computed from the decoded text (2 bytes per UTF-16 code
    /// unit), exact except around undecodable bytes.
    pub byte: u64,
    pub fields: Cells,
}

impl SourceRecord {
    /// Excel drops trailing empty cells: a record with fewer fields than the
    /// header reads the missing ones as empty.
    pub fn is_short(&self, width: usize) -> bool {
        self.fields.len() < width
    }

    /// Why the import rejects this record for its width, if it does: more
    /// non-empty fields than the header (its values may be shifted). Extra
    /// fields that are all empty (a trailing delimiter) are fine.
    pub fn too_long(&self, width: usize) -> Option<String> {
        let mut extra = self.fields.iter_from(width);
        extra.any(|f| !f.trim().is_empty()).then(|| {
            format!(
                "wrong number of fields: the header has {width}, this row has {}",
                self.fields.len()
            )
        })
    }
}

/// A record that cannot be read; the import rejects it (with line and
/// reason) and goes on with the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: u64,
    pub byte: u64,
    pub message: String,
    /// What could be read of it, lossy (invalid bytes and NUL become U+FFFD),
    /// for the rejected-rows file.
    pub fields: Cells,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} (byte {}): {}",
            self.line, self.byte, self.message
        )
    }
}

impl std::error::Error for RecordError {}

/// One record as the reader returns it: read, or rejected with its reason.
pub type RecordResult = std::result::Result<SourceRecord, RecordError>;

/// A record may hold at most this many bytes as written in the file (16 MiB,
/// quotes and delimiters included). No real CRM cell is that long: a longer
/// record is nearly always a missing closing quote. A longer record is
/// rejected with its size ("line 14: this record is 80 MiB, more than the
/// 16 MiB a record may have — is a quote missing?"). This also bounds the
/// reader's memory: about three times this, whatever the file.
///
/// A quote that opens a field and then reaches this limit, reaches the end
/// of the file, or is closed on a later line by a quote followed by text, is
/// a stray quote: its record is rejected ("a quote opened in column 2
/// (company) never closes") and reading resumes at the line after the one
/// where the quote opened, so the lines it would have swallowed are read as
/// rows of their own. A quoted field that spans lines and closes properly
/// within the limit is data (a multi-line note), whatever its length.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// A record may have at most this many columns (16,384, as many as an Excel
/// sheet). A wider record is rejected; a wider header row refuses the file.
pub const MAX_COLUMNS: usize = 16_384;

/// How the message of a stray quote ends.
const STRAY_QUOTE_RESUMES: &str = "; the lines after it are read as rows of their own";

/// The limits a [`RecordReader`] keeps records within. The default is the
/// documented constants; tests use small ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// See [`MAX_RECORD_BYTES`].
    pub max_record_bytes: usize,
    /// See [`MAX_COLUMNS`].
    pub max_columns: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_record_bytes: MAX_RECORD_BYTES,
            max_columns: MAX_COLUMNS,
        }
    }
}

/// Convenience for previews: the headers and up to `limit` records (errors
/// included) after the header.
pub fn preview(
    path: &Path,
    format: &SourceFormat,
    limit: usize,
) -> Result<(Vec<String>, Vec<RecordResult>)> {
    let mut reader = RecordReader::open(path, format)?;
    let records = reader.by_ref().take(limit).collect();
    Ok((reader.headers().to_vec(), records))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    pub(super) fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file.flush().unwrap();
        file
    }

    pub(super) fn read_all(
        path: &Path,
        format: &SourceFormat,
    ) -> Vec<Result<SourceRecord, RecordError>> {
        RecordReader::open(path, format).unwrap().collect()
    }

    /// Limits small enough for arbitrary bytes to reach them.
    const SMALL_LIMITS: ReadLimits = ReadLimits {
        max_record_bytes: 24,
        max_columns: 3,
    };

    /// Bytes that look like CSV often enough to reach every branch.
    fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => prop::sample::select(b"ab1 ,;\t|\"'\r\n".to_vec()),
            1 => prop::sample::select(vec![0x00, 0xFF, 0xFE, 0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0xE9, 0x80]),
            1 => any::<u8>(),
        ];
        prop::collection::vec(byte, 0..600)
    }

    fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2000),
            csvish_bytes(),
            (
                prop::sample::select(vec![UTF8_BOM, UTF16LE_BOM, UTF16BE_BOM]),
                csvish_bytes()
            )
                .prop_map(|(bom, rest)| [bom, &rest[..]].concat()),
        ]
    }

    /// Reads a whole file, checking that positions only move forward and
    /// that records keep within the limits.
    fn drain(path: &Path, format: &SourceFormat, limits: ReadLimits) {
        // Refusing arbitrary bytes (say, an unreadable header) is a fine
        // outcome here; panicking is not.
        let Ok(mut reader) = RecordReader::open_with_limits(path, format, limits) else {
            return;
        };
        let (mut line, mut byte) = (0, 0);
        while let Some(record) = reader.next_record() {
            let (l, b, fields) = match &record {
                Ok(r) => (r.line, r.byte, &r.fields),
                Err(e) => (e.line, e.byte, &e.fields),
            };
            assert!(l > line || (line == 0 && l >= 1), "lines go forward");
            assert!(b >= byte, "bytes go forward");
            assert!(fields.len() <= limits.max_columns, "columns are bounded");
            if record.is_ok() {
                let size: usize = fields.iter().map(str::len).sum();
                assert!(size <= limits.max_record_bytes, "records are bounded");
            }
            (line, byte) = (l, b);
        }
        if format.encoding == TextEncoding::Utf8 {
            assert_eq!(reader.bytes_read(), reader.total_bytes());
        }
    }

    /// A cell of arbitrary printable text that may hold the delimiter, quotes
    /// and line breaks, but not the other candidate delimiters (which would
    /// make the delimiter genuinely ambiguous) nor a single quote at an edge
    /// (which would make `'` look like the quote).
    fn cell(delimiter: u8) -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            6 => "\\PC{0,3}",
            1 => Just("\"".to_owned()),
            1 => Just("\n".to_owned()),
            1 => Just("\r\n".to_owned()),
            1 => Just("\r".to_owned()),
            1 => Just(char::from(delimiter).to_string()),
        ];
        prop::collection::vec(piece, 0..4).prop_map(move |pieces| {
            pieces
                .concat()
                .chars()
                .filter(|&c| c == char::from(delimiter) || !",;\t|".contains(c))
                .collect::<String>()
                .trim_matches('\'')
                .to_owned()
        })
    }

    fn table() -> impl Strategy<Value = (u8, Vec<Vec<String>>)> {
        (
            prop::sample::select(DELIMITER_CANDIDATES.to_vec()),
            2..6usize,
            2..8usize,
        )
            .prop_flat_map(|(delimiter, columns, rows)| {
                let row = prop::collection::vec(cell(delimiter), columns);
                (Just(delimiter), prop::collection::vec(row, rows))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in arbitrary_bytes()) {
            let file = temp_file(&bytes);
            for limit in [16, DETECTION_LIMIT] {
                if let Ok(format) = detect_format_with_limit(file.path(), limit) {
                    for limits in [ReadLimits::default(), SMALL_LIMITS] {
                        drain(file.path(), &format, limits);
                    }
                }
            }
            for encoding in [TextEncoding::Utf8, TextEncoding::Utf16Le, TextEncoding::Utf16Be, TextEncoding::Windows1252] {
                for (has_header, skip_lines, wrapped, quote) in [(true, 0, false, "\""), (false, 2, true, "'"), (true, 1, false, "")] {
                    let format = SourceFormat {
                        encoding,
                        has_header,
                        skip_lines,
                        rows_wrapped_in_quotes: wrapped,
                        quote: quote.to_owned(),
                        ..SourceFormat::default()
                    };
                    for limits in [ReadLimits::default(), SMALL_LIMITS] {
                        drain(file.path(), &format, limits);
                    }
                }
            }
        }

        #[test]
        fn written_tables_read_back_identically((delimiter, table) in table()) {
            let mut bytes = Vec::new();
            let mut starts = Vec::new();
            for row in &table {
                starts.push(bytes.len());
                let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
                writer.write_record(row).unwrap();
                bytes.extend(writer.into_inner().unwrap());
            }
            let file = temp_file(&bytes);
            let format = detect_format(file.path()).unwrap();
            prop_assert_eq!(format.encoding, TextEncoding::Utf8);
            prop_assert_eq!(&format.delimiter, &char::from(delimiter).to_string());
            prop_assert!(!format.rows_wrapped_in_quotes);
            prop_assert_eq!(format.skip_lines, 0);
            let mut reader = RecordReader::open(file.path(), &format).unwrap();
            let mut read_back = Vec::new();
            if format.has_header {
                read_back.push(reader.raw_headers().to_vec());
            }
            let mut positions = Vec::new();
            for record in reader.by_ref() {
                let record = record.unwrap();
                positions.push((record.line, record.byte));
                read_back.push(record.fields.to_vec());
            }
            prop_assert_eq!(&read_back, &table);
            let first_data_row = usize::from(format.has_header);
            for (record, &start) in positions.iter().zip(&starts[first_data_row..]) {
                let before = &bytes[..start];
                let breaks = before.iter().enumerate().filter(|&(i, &b)| {
                    b == b'\r' || (b == b'\n' && (i == 0 || before[i - 1] != b'\r'))
                }).count() as u64;
                prop_assert_eq!(*record, (1 + breaks, start as u64));
            }
        }
    }
}
