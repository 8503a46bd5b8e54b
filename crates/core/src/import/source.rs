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

impl TextEncoding {
    fn encoding_rs(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    fn bom(self) -> &'static [u8] {
        match self {
            TextEncoding::Utf8 => UTF8_BOM,
            TextEncoding::Utf16Le => UTF16LE_BOM,
            TextEncoding::Utf16Be => UTF16BE_BOM,
            TextEncoding::Windows1252 => &[],
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 little-endian",
            TextEncoding::Utf16Be => "UTF-16 big-endian",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

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

/// What a binary file starting with these bytes probably is.
fn binary_signature(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"SQLite format 3\0", "an SQLite database"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Excel .xls workbook or another Microsoft Office file; \
             save it from Excel as CSV",
        ),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"\x7FELF", "a program"),
    ];
    if [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|magic| head.starts_with(*magic))
    {
        let is_workbook = contains(head, b"[Content_Types].xml") || contains(head, b"xl/");
        return Some(if is_workbook {
            "an Excel .xlsx workbook (a ZIP archive); save it from Excel as CSV"
        } else {
            "a ZIP archive"
        });
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn detect_encoding(
    path: &Path,
    file: &mut File,
    head: &[u8],
    head_is_whole_file: bool,
    limit: usize,
) -> Result<(TextEncoding, bool)> {
    if head.starts_with(&[0x00, 0x00, 0xFE, 0xFF]) || head.starts_with(&[0xFF, 0xFE, 0x00, 0x00]) {
        return Err(unreadable(
            path,
            "this file is UTF-32 text, which Leadstream does not read; re-save it as UTF-8",
        ));
    }
    for utf16 in [TextEncoding::Utf16Le, TextEncoding::Utf16Be] {
        if head.starts_with(utf16.bom()) {
            check_utf16(path, &head[2..], utf16, true)?;
            return Ok((utf16, true));
        }
    }
    let has_utf8_bom = head.starts_with(UTF8_BOM);
    if !has_utf8_bom {
        if let Some(utf16) = bomless_utf16(head) {
            check_utf16(path, head, utf16, false)?;
            return Ok((utf16, false));
        }
        if looks_like_utf32(head) {
            return Err(unreadable(
                path,
                "this file's text is laid out as UTF-32, which Leadstream does not read; \
                 re-save it as UTF-8",
            ));
        }
    }
    let body = if has_utf8_bom { &head[3..] } else { head };
    check_control_bytes(path, body)?;
    let scan = scan_utf8(file, head, limit, head_is_whole_file).map_err(|e| Error::io(path, e))?;
    if has_utf8_bom || scan.invalid_sequences == 0 {
        return Ok((TextEncoding::Utf8, has_utf8_bom));
    }
    // A UTF-8 file with a few broken bytes: its broken records are rejected
    // one by one, which beats reading all of its accents as mojibake.
    if scan.valid_non_ascii > 4 * scan.invalid_sequences {
        return Ok((TextEncoding::Utf8, false));
    }
    let guess = guess_legacy_encoding(file, limit).map_err(|e| Error::io(path, e))?;
    if guess == encoding_rs::WINDOWS_1252 {
        Ok((TextEncoding::Windows1252, false))
    } else {
        Err(unreadable(
            path,
            format!(
                "this file is neither UTF-8 nor Windows-1252 (Latin-1) text; it looks like {}, \
                 which Leadstream cannot read yet; re-save it as UTF-8",
                guess.name()
            ),
        ))
    }
}

/// Refuses a UTF-16 guess whose text is not text: UTF-32 code units behind a
/// UTF-16 mark, or mostly NUL and undecodable characters.
fn check_utf16(path: &Path, body: &[u8], encoding: TextEncoding, has_bom: bool) -> Result<()> {
    let problem = if has_bom {
        let mark = if encoding == TextEncoding::Utf16Le {
            "FF FE"
        } else {
            "FE FF"
        };
        format!(
            "malformed byte-order mark: the file starts with {mark} ({})",
            encoding.describe()
        )
    } else {
        format!(
            "the file looks like {} without a byte-order mark",
            encoding.describe()
        )
    };
    if looks_like_utf32(body) {
        return Err(unreadable(
            path,
            format!("{problem} but its text is laid out as UTF-32; re-save it as UTF-8"),
        ));
    }
    let (text, _) = encoding.encoding_rs().decode_without_bom_handling(body);
    let mut chars = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        chars += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0B' | '\x0C'))
        {
            bad += 1;
        }
    }
    if bad >= 2 && bad * 5 > chars {
        return Err(unreadable(
            path,
            format!(
                "{problem} but {}% of its characters decode to NUL or invalid characters; \
                 re-save it as UTF-8",
                bad * 100 / chars
            ),
        ));
    }
    Ok(())
}

/// UTF-16 without a byte-order mark: one byte of nearly every pair is zero
/// (Latin text), the other nearly never.
fn bomless_utf16(head: &[u8]) -> Option<TextEncoding> {
    let sample = &head[..head.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_first = sample.chunks_exact(2).filter(|p| p[0] == 0).count();
    let zero_second = sample.chunks_exact(2).filter(|p| p[1] == 0).count();
    if zero_second * 10 >= pairs * 7 && zero_first * 20 <= pairs {
        Some(TextEncoding::Utf16Le)
    } else if zero_first * 10 >= pairs * 7 && zero_second * 20 <= pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Most 4-byte units are a UTF-32 code unit of a BMP character
/// (`xx xx 00 00` little-endian, `00 00 xx xx` big-endian).
fn looks_like_utf32(bytes: &[u8]) -> bool {
    let units = &bytes[..bytes.len().min(16 * 1024) & !3];
    let count = units.len() / 4;
    if count < 2 {
        return false;
    }
    let little = units
        .chunks_exact(4)
        .filter(|u| u[2] == 0 && u[3] == 0 && (u[0] | u[1]) != 0)
        .count();
    let big = units
        .chunks_exact(4)
        .filter(|u| u[0] == 0 && u[1] == 0 && (u[2] | u[3]) != 0)
        .count();
    little.max(big) * 10 >= count * 8
}

/// Refuses binary data: too many NUL and other control bytes in the head.
fn check_control_bytes(path: &Path, head: &[u8]) -> Result<()> {
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)) || b == 0x7F)
        .count();
    if controls >= 8 && controls * 20 > head.len() {
        return Err(unreadable(
            path,
            format!(
                "this is not a text file (looks like binary data: {}% of its first {} bytes \
                 are NUL or other control bytes)",
                controls * 100 / head.len(),
                head.len()
            ),
        ));
    }
    Ok(())
}

#[derive(Debug, Default)]
struct Utf8Scan {
    invalid_sequences: u64,
    valid_non_ascii: u64,
}

/// Checks the detection sample (the head, then the rest of the file up to
/// `limit`) for UTF-8 validity, in chunks. A sequence cut by the sample's end
/// is not counted as invalid unless the file ends there.
fn scan_utf8(
    file: &mut File,
    head: &[u8],
    limit: usize,
    head_is_whole_file: bool,
) -> io::Result<Utf8Scan> {
    let mut scan = Utf8Scan::default();
    let mut carry: Vec<u8> = Vec::new();
    let feed = |chunk: &[u8], scan: &mut Utf8Scan, carry: &mut Vec<u8>| {
        let mut bytes = std::mem::take(carry);
        bytes.extend_from_slice(chunk);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    scan.valid_non_ascii += count_non_ascii_chars(valid.as_bytes());
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    scan.valid_non_ascii += count_non_ascii_chars(valid);
                    match error.error_len() {
                        Some(len) => {
                            scan.invalid_sequences += 1;
                            rest = &after[len..];
                        }
                        None => {
                            carry.extend_from_slice(after);
                            break;
                        }
                    }
                }
            }
        }
    };
    feed(head, &mut scan, &mut carry);
    let mut total = head.len();
    let mut reached_end = head_is_whole_file;
    if !head_is_whole_file {
        file.seek(SeekFrom::Start(head.len() as u64))?;
        let mut chunk = vec![0u8; SCAN_CHUNK_BYTES];
        while total < limit {
            let want = (limit - total).min(chunk.len());
            let read = file.read(&mut chunk[..want])?;
            if read == 0 {
                reached_end = true;
                break;
            }
            total += read;
            feed(&chunk[..read], &mut scan, &mut carry);
        }
    }
    if reached_end && !carry.is_empty() {
        scan.invalid_sequences += 1;
    }
    Ok(scan)
}

/// Counts the characters of valid UTF-8 that are not ASCII (their lead bytes),
/// skipping ASCII eight bytes at a time.
fn count_non_ascii_chars(valid: &[u8]) -> u64 {
    let mut count = 0u64;
    let mut words = valid.chunks_exact(8);
    for word in &mut words {
        let value = u64::from_ne_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        if value & 0x8080_8080_8080_8080 != 0 {
            count += word.iter().filter(|&&b| b >= 0xC0).count() as u64;
        }
    }
    count + words.remainder().iter().filter(|&&b| b >= 0xC0).count() as u64
}

/// Asks chardetng which legacy encoding the detection sample is in.
fn guess_legacy_encoding(file: &mut File, limit: usize) -> io::Result<&'static Encoding> {
    file.seek(SeekFrom::Start(0))?;
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let mut chunk = vec![0u8; SCAN_CHUNK_BYTES];
    let mut total = 0usize;
    while total < limit {
        let want = (limit - total).min(chunk.len());
        let read = file.read(&mut chunk[..want])?;
        if read == 0 {
            detector.feed(&[], true);
            break;
        }
        total += read;
        detector.feed(&chunk[..read], false);
    }
    Ok(detector.guess(None, Utf8Detection::Allow))
}

/// The head as text, without its byte-order mark. A character cut at the end
/// becomes U+FFFD, which is harmless: detection drops the last, incomplete
/// record of a partial sample.
fn decode_sample(head: &[u8], encoding: TextEncoding, has_bom: bool) -> String {
    let body = if has_bom && head.starts_with(encoding.bom()) {
        &head[encoding.bom().len()..]
    } else {
        head
    };
    match encoding {
        TextEncoding::Utf8 => String::from_utf8_lossy(body).into_owned(),
        other => other
            .encoding_rs()
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
    }
}

/// The detected dialect of a text sample.
#[derive(Debug, Clone, PartialEq)]
struct Dialect {
    delimiter: u8,
    quote: Option<u8>,
    line_ending: LineEnding,
    has_header: bool,
    skip_lines: u32,
    rows_wrapped_in_quotes: bool,
}

fn detect_dialect(text: &str, is_whole_file: bool) -> Dialect {
    let (skip_lines, body) = split_leading_blank_lines(text);
    let quote = Some(detect_quote(body));
    let mut best: Option<(u8, FieldCountStats)> = None;
    for delimiter in DELIMITER_CANDIDATES {
        let stats = FieldCountStats::of(&field_counts(body, delimiter, quote, is_whole_file));
        if stats.mode < 2 {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(_, current)| stats.beats(current))
        {
            best = Some((delimiter, stats));
        }
    }
    let (delimiter, quote, rows_wrapped_in_quotes) = match best {
        Some((delimiter, _)) => (delimiter, quote, false),
        None => match detect_wrapped_rows(body, is_whole_file) {
            Some(inner) => (inner, Some(b'"'), true),
            None => (b',', quote, false),
        },
    };
    let layout = Layout {
        delimiter,
        quote,
        wrapped: rows_wrapped_in_quotes,
    };
    let rows = parse_rows(body, &layout, HEADER_SAMPLE_RECORDS);
    Dialect {
        delimiter,
        quote,
        line_ending: detect_line_ending(
            body,
            if rows_wrapped_in_quotes {
                Some(b'"')
            } else {
                quote
            },
        ),
        has_header: !first_row_is_data(&rows),
        skip_lines,
        rows_wrapped_in_quotes,
    }
}

/// Counts the blank lines (empty or only spaces) before the first line with
/// content, and returns the text after them. A text of blank lines only has
/// nothing to skip.
fn split_leading_blank_lines(text: &str) -> (u32, &str) {
    let mut skipped = 0u32;
    let mut rest = text;
    loop {
        let end = rest.find(['\r', '\n']);
        let line = &rest[..end.unwrap_or(rest.len())];
        if !line.bytes().all(|b| b == b' ') {
            return (skipped, rest);
        }
        let Some(end) = end else {
            return (0, text);
        };
        let terminator = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + terminator..];
        skipped += 1;
    }
}

/// `"` unless single quotes clearly delimit fields and double quotes never do.
fn detect_quote(body: &str) -> u8 {
    let bytes = body.as_bytes();
    let is_boundary = |b: Option<&u8>| match b {
        None => true,
        Some(b) => matches!(b, b'\r' | b'\n') || DELIMITER_CANDIDATES.contains(b),
    };
    let boundary_quotes = |quote: u8| {
        let (mut opening, mut closing) = (0usize, 0usize);
        for (i, &b) in bytes.iter().enumerate() {
            if b == quote {
                opening += is_boundary(i.checked_sub(1).and_then(|j| bytes.get(j))) as usize;
                closing += is_boundary(bytes.get(i + 1)) as usize;
            }
        }
        opening.min(closing)
    };
    let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    let single = boundary_quotes(b'\'');
    if single >= 2 && single * 4 >= lines && boundary_quotes(b'"') == 0 {
        b'\''
    } else {
        b'"'
    }
}

/// Field counts of the first records of `body`. When the sample is only the
/// start of the file, its last record may be cut, so it is left out (unless
/// it is the only one).
fn field_counts(body: &str, delimiter: u8, quote: Option<u8>, is_whole_file: bool) -> Vec<usize> {
    let mut reader = sample_reader(body.as_bytes(), delimiter, quote);
    let mut record = csv::ByteRecord::new();
    let mut counts = Vec::new();
    while counts.len() <= DIALECT_SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => counts.push(record.len()),
            _ => break,
        }
    }
    if counts.len() > DIALECT_SAMPLE_RECORDS || (!is_whole_file && counts.len() > 1) {
        counts.pop();
    }
    counts
}

fn sample_reader(bytes: &[u8], delimiter: u8, quote: Option<u8>) -> csv::Reader<&[u8]> {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quote.is_some())
        .quote(quote.unwrap_or(b'"'));
    builder.from_reader(bytes)
}

/// How consistently a candidate delimiter splits the sample's records.
#[derive(Debug, Clone, Copy)]
struct FieldCountStats {
    /// The most common field count (the larger on a tie).
    mode: usize,
    /// How many records have `mode` fields, out of `records`.
    matching: usize,
    records: usize,
}

impl FieldCountStats {
    fn of(counts: &[usize]) -> Self {
        let mut sorted = counts.to_vec();
        sorted.sort_unstable();
        let (mut mode, mut matching) = (0, 0);
        for run in sorted.chunk_by(|a, b| a == b) {
            if run.len() >= matching {
                (mode, matching) = (run[0], run.len());
            }
        }
        FieldCountStats {
            mode,
            matching,
            records: counts.len(),
        }
    }

    /// More consistent wins; then more fields (the delimiter that occurs
    /// more often); an exact tie keeps the earlier candidate.
    fn beats(&self, other: &FieldCountStats) -> bool {
        let mine = self.matching * other.records;
        let theirs = other.matching * self.records;
        mine > theirs || (mine == theirs && self.mode > other.mode)
    }
}

/// Rows wrapped in quotes: every sampled line is one quoted field holding a
/// record split consistently by a tab or a semicolon. Returns that delimiter.
fn detect_wrapped_rows(body: &str, is_whole_file: bool) -> Option<u8> {
    let mut lines: Vec<&str> = body
        .split(['\r', '\n'])
        .filter(|line| !line.is_empty())
        .take(DIALECT_SAMPLE_RECORDS + 1)
        .collect();
    if lines.len() > DIALECT_SAMPLE_RECORDS || (!is_whole_file && lines.len() > 2) {
        lines.pop();
    }
    if lines.len() < 2 {
        return None;
    }
    let mut inner_records = Vec::with_capacity(lines.len());
    for line in lines {
        let inner = line.strip_prefix('"')?.strip_suffix('"')?;
        if inner.replace("\"\"", "").contains('"') {
            return None;
        }
        inner_records.push(inner.replace("\"\"", "\""));
    }
    WRAPPED_DELIMITER_CANDIDATES.into_iter().find(|&delimiter| {
        let width = split_inner_record(&inner_records[0], delimiter, Some(b'"')).len();
        width >= 2
            && inner_records
                .iter()
                .all(|inner| split_inner_record(inner, delimiter, Some(b'"')).len() == width)
    })
}

/// How records end outside quoted fields: the one terminator used, or Mixed.
fn detect_line_ending(body: &str, quote: Option<u8>) -> LineEnding {
    let bytes = body.as_bytes();
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    let mut in_quotes = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if Some(b) == quote => in_quotes = !in_quotes,
            b'\r' if !in_quotes => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    crlf += 1;
                    i += 1;
                } else {
                    cr += 1;
                }
            }
            b'\n' if !in_quotes => lf += 1,
            _ => {}
        }
        i += 1;
    }
    match (lf > 0, crlf > 0, cr > 0) {
        (_, false, false) => LineEnding::Lf,
        (false, true, false) => LineEnding::CrLf,
        (false, false, true) => LineEnding::Cr,
        _ => LineEnding::Mixed,
    }
}

/// The first `limit` records of a sample, read with a layout.
fn parse_rows(body: &str, layout: &Layout, limit: usize) -> Vec<Vec<String>> {
    let mut reader = sample_reader(
        body.as_bytes(),
        layout.outer_delimiter(),
        layout.outer_quote(),
    );
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    while rows.len() < limit {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                let fields: Vec<&[u8]> = record.iter().collect();
                rows.push(layout.fields(&fields, MAX_COLUMNS).unwrap_or_default());
            }
            _ => break,
        }
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CellKind {
    Empty,
    Number,
    Date,
    Email,
    Text,
}

fn cell_kind(cell: &str) -> CellKind {
    let cell = cell.trim();
    let digits = cell.bytes().filter(u8::is_ascii_digit).count();
    if cell.is_empty() {
        CellKind::Empty
    } else if digits > 0
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || b".,+-% ".contains(&b))
    {
        CellKind::Number
    } else if digits >= 4
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || b"-/.: T".contains(&b))
    {
        CellKind::Date
    } else if cell.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !cell.contains(char::is_whitespace)
    }) {
        CellKind::Email
    } else {
        CellKind::Text
    }
}

/// The first row looks like data rather than names: none of its cells is
/// text (all numbers, dates or email addresses) and the second row has the
/// same kinds in the same columns. Conservative: anything else is a header.
fn first_row_is_data(rows: &[Vec<String>]) -> bool {
    let [first, second, ..] = rows else {
        return false;
    };
    let first_kinds: Vec<CellKind> = first.iter().map(|c| cell_kind(c)).collect();
    if first.len() != second.len()
        || first_kinds.iter().all(|k| *k == CellKind::Empty)
        || first_kinds.contains(&CellKind::Text)
    {
        return false;
    }
    first_kinds
        .iter()
        .zip(second.iter().map(|c| cell_kind(c)))
        .all(|(a, b)| *a == CellKind::Empty || b == CellKind::Empty || *a == b)
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
    pub fields: Vec<String>,
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
    pub fields: Vec<String>,
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

/// How physical records become fields.
#[derive(Debug, Clone, Copy)]
struct Layout {
    delimiter: u8,
    quote: Option<u8>,
    /// Each line is one `"`-quoted field holding the record.
    wrapped: bool,
}

impl Layout {
    fn outer_delimiter(&self) -> u8 {
        if self.wrapped {
            b','
        } else {
            self.delimiter
        }
    }

    fn outer_quote(&self) -> Option<u8> {
        if self.wrapped {
            Some(b'"')
        } else {
            self.quote
        }
    }

    /// The fields of a parsed record, decoded lossily (the reader checks
    /// UTF-8 before) and unwrapped when rows are wrapped in quotes. A wrapped
    /// row holding more than `max_columns` fields is refused with its count.
    fn fields(&self, raw_fields: &[&[u8]], max_columns: usize) -> Result<Vec<String>, usize> {
        let decoded = raw_fields
            .iter()
            .map(|field| String::from_utf8_lossy(field).into_owned());
        if !self.wrapped {
            return Ok(decoded.collect());
        }
        let inner = decoded.collect::<Vec<_>>().join(",");
        // Splitting holds one entry per field: count before splitting.
        let delimiters = inner.bytes().filter(|&b| b == self.delimiter).count();
        if delimiters >= max_columns.saturating_mul(4) {
            return Err(delimiters + 1);
        }
        let fields = split_inner_record(&inner, self.delimiter, self.quote);
        if fields.len() > max_columns {
            return Err(fields.len());
        }
        Ok(fields)
    }
}

/// Splits the text of a wrapped row into its fields.
fn split_inner_record(inner: &str, delimiter: u8, quote: Option<u8>) -> Vec<String> {
    let mut reader = sample_reader(inner.as_bytes(), delimiter, quote);
    let mut fields = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        fields.extend(
            record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned()),
        );
    }
    if fields.is_empty() {
        fields.push(String::new());
    }
    fields
}

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

/// The file, as raw bytes (UTF-8) or transcoded to UTF-8.
enum Input {
    Raw(File),
    Decoded(Box<DecodeReaderBytes<File, Vec<u8>>>),
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Raw(file) => file.read(buf),
            Input::Decoded(decoder) => decoder.read(buf),
        }
    }
}

/// How many original file bytes a character of the (UTF-8) stream stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OriginalUnits {
    /// The stream is the file.
    SameBytes,
    /// One byte per character (Windows-1252).
    OneBytePerChar,
    /// Two bytes per UTF-16 code unit: 2 per character, 4 beyond the BMP.
    Utf16,
}

/// Where the stream is in the original file: physical line and byte.
#[derive(Debug, Clone)]
struct Tally {
    /// 1-based physical line of the next byte.
    line: u64,
    /// Original file offset of the next byte.
    original: u64,
    after_cr: bool,
    units: OriginalUnits,
}

impl Tally {
    /// Moves past one byte of the stream.
    fn step(&mut self, byte: u8) {
        if byte == b'\r' || (byte == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = byte == b'\r';
        self.original += match self.units {
            OriginalUnits::SameBytes => 1,
            OriginalUnits::OneBytePerChar => u64::from(byte & 0xC0 != 0x80),
            OriginalUnits::Utf16 => match byte {
                0x80..=0xBF => 0,
                0xF0..=0xFF => 4,
                _ => 2,
            },
        };
    }

    #[cfg(test)]
    fn advance(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.step(byte);
        }
    }
}

/// Where the parser is in the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ParseState {
    /// In the format's leading lines, which are not read.
    SkipLines,
    /// Between records: line breaks here are blank lines, skipped.
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    /// Right after a quote inside a quoted field: a second quote is an
    /// escaped quote, a delimiter or line end closes the field.
    QuoteInQuoted,
}

/// Where reading resumes when a quote turns out to be stray: the start of
/// the line after the one where it opened.
#[derive(Debug, Clone)]
struct Resume {
    /// Index in the record's bytes.
    raw_index: usize,
    tally: Tally,
    /// Bytes of the open field on its opening line.
    field_len: usize,
}

/// A quoted field still open.
#[derive(Debug, Clone)]
struct OpenQuote {
    /// The line where the quote opened.
    line: u64,
    /// 0-based column of the field.
    column: usize,
    /// Where the field starts in the record's field bytes.
    field_start: usize,
    /// Set at the first line break inside the field.
    first_break: Option<Resume>,
}

/// Why a quote is stray.
#[derive(Debug, Clone, Copy)]
enum StrayQuote {
    /// The file ends inside the field.
    NeverCloses,
    TooManyBytes,
    /// Closed on a later line by a quote followed by text.
    ClosedByText {
        line: u64,
    },
}

/// The record being read, bounded by the [`ReadLimits`].
#[derive(Debug, Default)]
struct RecordBuilder {
    line: u64,
    byte: u64,
    /// The record's bytes as read, up to the size limit.
    raw: Vec<u8>,
    /// Its size in bytes, even past the limit.
    size: u64,
    /// Past the size limit: nothing more is kept.
    oversize: bool,
    /// The fields' bytes, unquoted, up to the column limit.
    field_bytes: Vec<u8>,
    field_ends: Vec<usize>,
    /// Fields ended so far, even past the column limit.
    columns: usize,
    open_quote: Option<OpenQuote>,
}

impl RecordBuilder {
    fn begin(&mut self, tally: &Tally) {
        const KEPT_CAPACITY: usize = 4 * READ_BUFFER_BYTES;
        self.line = tally.line;
        self.byte = tally.original;
        for bytes in [&mut self.raw, &mut self.field_bytes] {
            bytes.clear();
            bytes.shrink_to(KEPT_CAPACITY);
        }
        self.field_ends.clear();
        self.field_ends.shrink_to(KEPT_CAPACITY / 8);
        self.size = 0;
        self.oversize = false;
        self.columns = 0;
        self.open_quote = None;
    }

    fn end_field(&mut self, max_columns: usize) {
        self.columns += 1;
        if self.columns <= max_columns {
            self.field_ends.push(self.field_bytes.len());
        }
    }

    fn raw_fields(&self) -> Vec<&[u8]> {
        let mut start = 0;
        self.field_ends
            .iter()
            .map(|&end| {
                let field = &self.field_bytes[start..end];
                start = end;
                field
            })
            .collect()
    }
}

/// "16 MiB", "1.5 KiB", "900 bytes": rounded up, so that a size over a limit
/// never reads as the limit itself.
fn size_in_words(bytes: u64) -> String {
    const UNITS: [(u64, &str); 2] = [(1024 * 1024, "MiB"), (1024, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = (bytes * 10).div_ceil(unit);
            return if tenths % 10 == 0 {
                format!("{} {name}", tenths / 10)
            } else {
                format!("{}.{} {name}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{bytes} bytes")
}

/// Streams records from a file with a given format. Never loads the whole
/// file: memory is one record (at most [`ReadLimits::max_record_bytes`],
/// held about three times) plus fixed buffers.
///
/// The parser reads RFC 4180 CSV as the `csv` crate does (quotes open a
/// field only at its start, `""` is an escaped quote, text after a closing
/// quote is kept, blank lines are skipped, CRLF, LF and CR end lines), and
/// adds what `csv` cannot: it bounds records by the [`ReadLimits`] and
/// recovers from stray quotes, resuming at the line after the one where the
/// quote opened.
pub struct RecordReader {
    input: Input,
    /// Stream bytes not parsed yet: `buffer[position..]`.
    buffer: Vec<u8>,
    position: usize,
    tally: Tally,
    lines_to_skip: u32,
    state: ParseState,
    record: RecordBuilder,
    layout: Layout,
    limits: ReadLimits,
    check_utf8: bool,
    headers: Vec<String>,
    raw_headers: Vec<String>,
    /// Header names used in messages (none without a header row).
    column_names: Vec<String>,
    /// The first record, read early for its width when there is no header.
    first_record: Option<Result<SourceRecord, RecordError>>,
    total_bytes: u64,
    finished: bool,
}

impl RecordReader {
    /// Opens a file and reads its header row when `format.has_header`.
    /// Header-only and empty files are fine: they have no records.
    pub fn open(path: &Path, format: &SourceFormat) -> Result<Self> {
        Self::open_with_limits(path, format, ReadLimits::default())
    }

    /// [`RecordReader::open`] with other limits than the documented ones.
    pub fn open_with_limits(
        path: &Path,
        format: &SourceFormat,
        limits: ReadLimits,
    ) -> Result<Self> {
        let delimiter = single_ascii_char(&format.delimiter, "delimiter")?;
        let quote = match format.quote.as_str() {
            "" => None,
            quote => Some(single_ascii_char(quote, "quote")?),
        };
        if quote == Some(delimiter) {
            return Err(Error::InvalidArgument(
                "the delimiter and the quote must differ".to_owned(),
            ));
        }
        let layout = Layout {
            delimiter,
            quote,
            wrapped: format.rows_wrapped_in_quotes,
        };
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        let total_bytes = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let bom = format.encoding.bom();
        let start = read_up_to(&mut file, bom.len()).map_err(|e| Error::io(path, e))?;
        let bom_len = if !bom.is_empty() && start == bom {
            bom.len()
        } else {
            file.seek(SeekFrom::Start(0))
                .map_err(|e| Error::io(path, e))?;
            0
        };
        let (input, units) = match format.encoding {
            TextEncoding::Utf8 => (Input::Raw(file), OriginalUnits::SameBytes),
            other => {
                let decoder = DecodeReaderBytesBuilder::new()
                    .encoding(Some(other.encoding_rs()))
                    .bom_sniffing(false)
                    .build(file);
                let units = if other == TextEncoding::Windows1252 {
                    OriginalUnits::OneBytePerChar
                } else {
                    OriginalUnits::Utf16
                };
                (Input::Decoded(Box::new(decoder)), units)
            }
        };
        let mut reader = RecordReader {
            input,
            buffer: Vec::new(),
            position: 0,
            tally: Tally {
                line: 1,
                original: bom_len as u64,
                after_cr: false,
                units,
            },
            lines_to_skip: format.skip_lines,
            state: if format.skip_lines > 0 {
                ParseState::SkipLines
            } else {
                ParseState::RecordStart
            },
            record: RecordBuilder::default(),
            layout,
            limits,
            check_utf8: format.encoding == TextEncoding::Utf8,
            headers: Vec::new(),
            raw_headers: Vec::new(),
            column_names: Vec::new(),
            first_record: None,
            total_bytes,
            finished: false,
        };
        let Some(first) = reader.parse_record() else {
            return Ok(reader);
        };
        if format.has_header && (first.file_failed || first.malformed) {
            let problem = first.problem.unwrap_or_default();
            return Err(Error::UnreadableFile {
                path: path.to_path_buf(),
                line: Some(first.line),
                byte: Some(first.byte),
                message: if first.file_failed {
                    problem
                } else if let Some(stray) = problem.strip_suffix(STRAY_QUOTE_RESUMES) {
                    format!(
                        "the header row cannot be read: {stray}; if the file does not put \
                         quotes around fields, set its quote character to none"
                    )
                } else {
                    format!("the header row cannot be read: {problem}")
                },
            });
        }
        if format.has_header {
            let mut raw = first.fields;
            if let Some(name) = raw.first_mut() {
                if let Some(stripped) = name.strip_prefix('\u{FEFF}') {
                    *name = stripped.to_owned();
                }
            }
            reader.headers = unique_header_names(&raw);
            reader.raw_headers = raw;
            if !layout.wrapped {
                reader.column_names = reader.headers.clone();
            }
        } else {
            reader.headers = (1..=first.fields.len())
                .map(|n| format!("Column {n}"))
                .collect();
            reader.raw_headers = reader.headers.clone();
            reader.first_record = Some(first.into_result());
        }
        Ok(reader)
    }

    /// Header names, cleaned: BOM removed, control characters (TAB, LF, CR,
    /// VT, FF, NUL) replaced by a space, runs of spaces collapsed, trimmed.
    /// Empty names become "Column N" (1-based position); duplicates get
    /// " (2)", " (3)". Without a header row: "Column 1".."Column N" from the
    /// first record's width.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header names exactly as in the file (decoded, BOM removed), for
    /// labels and presets. Without a header row, the same as [`Self::headers`].
    pub fn raw_headers(&self) -> &[String] {
        &self.raw_headers
    }

    /// The next record after the header, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<Result<SourceRecord, RecordError>> {
        if let Some(first) = self.first_record.take() {
            return Some(first);
        }
        self.parse_record().map(ParsedRecord::into_result)
    }

    /// Bytes of the original file read so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.tally.original
    }

    /// The size of the file.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Parses the next record and checks it (limits, stray quotes, UTF-8,
    /// NUL bytes).
    fn parse_record(&mut self) -> Option<ParsedRecord> {
        while !self.finished {
            if self.position == self.buffer.len() {
                match self.refill() {
                    Ok(true) => {}
                    Ok(false) => return self.end_of_file(),
                    Err(error) => {
                        self.finished = true;
                        return Some(ParsedRecord {
                            line: self.tally.line,
                            byte: self.tally.original,
                            fields: Vec::new(),
                            problem: Some(format!(
                                "the rest of the file could not be read: {error}"
                            )),
                            malformed: false,
                            file_failed: true,
                        });
                    }
                }
            }
            let byte = self.buffer[self.position];
            if let Some(record) = self.feed(byte) {
                return Some(record);
            }
        }
        None
    }

    /// Reads the next chunk of the stream; false at its end.
    fn refill(&mut self) -> io::Result<bool> {
        self.buffer.clear();
        self.buffer.shrink_to(READ_BUFFER_BYTES);
        self.buffer.resize(READ_BUFFER_BYTES, 0);
        self.position = 0;
        loop {
            match self.input.read(&mut self.buffer) {
                Ok(read) => {
                    self.buffer.truncate(read);
                    return Ok(read > 0);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.buffer.clear();
                    return Err(error);
                }
            }
        }
    }

    /// Moves past one byte.
    fn consume(&mut self, byte: u8) {
        self.position += 1;
        self.tally.step(byte);
    }

    /// Takes one byte into the record (and its current field when
    /// `into_field`). A record reaching the size limit with a quote open
    /// across lines is a stray quote: its rejection is returned.
    fn take_byte(&mut self, byte: u8, into_field: bool) -> Option<ParsedRecord> {
        let record = &mut self.record;
        if !record.oversize && record.size >= self.limits.max_record_bytes as u64 {
            if record
                .open_quote
                .as_ref()
                .is_some_and(|open| open.first_break.is_some())
            {
                return Some(self.reject_stray_quote(StrayQuote::TooManyBytes));
            }
            record.oversize = true;
            record.raw = Vec::new();
            record.field_bytes.shrink_to_fit();
        }
        record.size += 1;
        if !record.oversize {
            record.raw.push(byte);
            if into_field && record.columns < self.limits.max_columns {
                record.field_bytes.push(byte);
            }
        }
        self.consume(byte);
        None
    }

    /// Feeds one byte to the parser; returns a record when one ends.
    fn feed(&mut self, byte: u8) -> Option<ParsedRecord> {
        let quote = self.layout.outer_quote();
        let delimiter = self.layout.outer_delimiter();
        let is_line_break = byte == b'\r' || byte == b'\n';
        let max_columns = self.limits.max_columns;
        match self.state {
            ParseState::SkipLines => {
                self.consume(byte);
                if self.tally.line > u64::from(self.lines_to_skip) {
                    self.state = ParseState::RecordStart;
                }
            }
            ParseState::RecordStart => {
                if is_line_break {
                    self.consume(byte);
                } else {
                    self.record.begin(&self.tally);
                    self.state = ParseState::FieldStart;
                }
            }
            ParseState::FieldStart if Some(byte) == quote => {
                self.record.open_quote = Some(OpenQuote {
                    line: self.tally.line,
                    column: self.record.columns,
                    field_start: self.record.field_bytes.len(),
                    first_break: None,
                });
                self.state = ParseState::Quoted;
                return self.take_byte(byte, false);
            }
            ParseState::FieldStart | ParseState::Unquoted => {
                if byte == delimiter {
                    self.record.end_field(max_columns);
                    self.state = ParseState::FieldStart;
                    return self.take_byte(byte, false);
                } else if is_line_break {
                    self.consume(byte);
                    self.record.end_field(max_columns);
                    return Some(self.finish_record());
                } else {
                    self.state = ParseState::Unquoted;
                    return self.take_byte(byte, true);
                }
            }
            ParseState::Quoted => {
                if Some(byte) == quote {
                    self.state = ParseState::QuoteInQuoted;
                    return self.take_byte(byte, false);
                }
                let field_len = self.record.field_bytes.len();
                let line = self.tally.line;
                if let Some(rejected) = self.take_byte(byte, true) {
                    return Some(rejected);
                }
                if self.tally.line > line {
                    return self.line_break_in_quotes(field_len);
                }
            }
            ParseState::QuoteInQuoted => {
                if Some(byte) == quote {
                    self.state = ParseState::Quoted;
                    return self.take_byte(byte, true);
                }
                let spans_lines = self
                    .record
                    .open_quote
                    .as_ref()
                    .is_some_and(|open| open.first_break.is_some());
                if !is_line_break && byte != delimiter && spans_lines {
                    let line = self.tally.line;
                    return Some(self.reject_stray_quote(StrayQuote::ClosedByText { line }));
                }
                self.record.open_quote = None;
                self.state = ParseState::Unquoted;
                return self.feed(byte);
            }
        }
        None
    }

    /// A line break inside a quoted field: the first one is where reading
    /// resumes if the quote turns out to be stray.
    fn line_break_in_quotes(&mut self, field_len_before: usize) -> Option<ParsedRecord> {
        let oversize = self.record.oversize;
        let raw_index = self.record.raw.len();
        let open = self.record.open_quote.as_mut()?;
        if open.first_break.is_some() {
            return None;
        }
        open.first_break = Some(Resume {
            raw_index,
            tally: self.tally.clone(),
            field_len: field_len_before.saturating_sub(open.field_start),
        });
        if oversize {
            // Past the size limit nothing is kept to read again: this line
            // break is where reading resumes.
            return Some(self.reject_stray_quote(StrayQuote::TooManyBytes));
        }
        None
    }

    /// Rejects the record of a stray quote and rewinds to the line after the
    /// one where the quote opened.
    fn reject_stray_quote(&mut self, why: StrayQuote) -> ParsedRecord {
        let open = self.record.open_quote.take();
        let (line, column) = open
            .as_ref()
            .map_or((self.record.line, self.record.columns), |open| {
                (open.line, open.column)
            });
        if let Some(open) = &open {
            if let Some(resume) = &open.first_break {
                let kept = (open.field_start + resume.field_len).min(self.record.field_bytes.len());
                self.record.field_bytes.truncate(kept);
                if !self.record.oversize && resume.raw_index <= self.record.raw.len() {
                    let mut replay = self.record.raw[resume.raw_index..].to_vec();
                    replay.extend_from_slice(&self.buffer[self.position..]);
                    self.buffer = replay;
                    self.position = 0;
                    self.tally = resume.tally.clone();
                }
            }
        }
        self.record.end_field(self.limits.max_columns);
        self.state = ParseState::RecordStart;
        let limits = self.limits;
        let opened = if line == self.record.line {
            format!("a quote opened in {}", self.describe_column(column))
        } else {
            format!(
                "a quote opened on line {line} in {}",
                self.describe_column(column)
            )
        };
        let what = match why {
            StrayQuote::NeverCloses => "never closes".to_owned(),
            StrayQuote::TooManyBytes => format!(
                "runs over more than {}, so it probably never closes",
                size_in_words(limits.max_record_bytes as u64)
            ),
            StrayQuote::ClosedByText { line } => format!(
                "is closed on line {line} by a quote followed by text, \
                 so it probably never closes"
            ),
        };
        let fields = self.decoded_fields().unwrap_or_default();
        ParsedRecord {
            line: self.record.line,
            byte: self.record.byte,
            fields,
            problem: Some(format!("{opened} {what}{STRAY_QUOTE_RESUMES}")),
            malformed: true,
            file_failed: false,
        }
    }

    /// "column 2 (company)", or "column 2" without a header row.
    fn describe_column(&self, column: usize) -> String {
        match self.column_names.get(column) {
            Some(name) => format!("column {} ({name})", column + 1),
            None => format!("column {}", column + 1),
        }
    }

    fn decoded_fields(&self) -> Result<Vec<String>, usize> {
        self.layout
            .fields(&self.record.raw_fields(), self.limits.max_columns)
    }

    /// The file ended: ends the record being read, if any.
    fn end_of_file(&mut self) -> Option<ParsedRecord> {
        match self.state {
            ParseState::SkipLines | ParseState::RecordStart => {
                self.finished = true;
                None
            }
            ParseState::FieldStart | ParseState::Unquoted | ParseState::QuoteInQuoted => {
                self.record.end_field(self.limits.max_columns);
                Some(self.finish_record())
            }
            ParseState::Quoted => Some(self.reject_stray_quote(StrayQuote::NeverCloses)),
        }
    }

    /// A record ended normally: checks it against the limits and for broken
    /// text.
    fn finish_record(&mut self) -> ParsedRecord {
        self.state = ParseState::RecordStart;
        let record = &self.record;
        let limits = self.limits;
        let malformed_problem = if record.oversize {
            Some(format!(
                "this record is {}, more than the {} a record may have — is a quote missing?",
                size_in_words(record.size),
                size_in_words(limits.max_record_bytes as u64)
            ))
        } else if record.columns > limits.max_columns {
            Some(too_many_columns(record.columns, limits.max_columns))
        } else {
            None
        };
        let (fields, malformed_problem) = match (malformed_problem, self.decoded_fields()) {
            (Some(problem), fields) => (fields.unwrap_or_default(), Some(problem)),
            (None, Ok(fields)) => (fields, None),
            (None, Err(columns)) => (
                Vec::new(),
                Some(too_many_columns(columns, limits.max_columns)),
            ),
        };
        let malformed = malformed_problem.is_some();
        let problem = malformed_problem.or_else(|| {
            let invalid_utf8_at = if self.check_utf8 {
                std::str::from_utf8(&record.raw)
                    .err()
                    .map(|e| record.byte + e.valid_up_to() as u64)
            } else {
                None
            };
            match invalid_utf8_at {
                Some(byte) => Some(format!("invalid UTF-8 at byte {byte}")),
                None => fields
                    .iter()
                    .position(|field| field.contains('\0'))
                    .map(|column| format!("contains a NUL byte (column {})", column + 1)),
            }
        });
        ParsedRecord {
            line: record.line,
            byte: record.byte,
            fields,
            problem,
            malformed,
            file_failed: false,
        }
    }
}

fn too_many_columns(columns: usize, max_columns: usize) -> String {
    format!(
        "this record has {} columns, more than the {} a record may have",
        crate::text::grouped(columns as u64),
        crate::text::grouped(max_columns as u64)
    )
}

/// A record as parsed, before it is judged readable or not.
struct ParsedRecord {
    line: u64,
    byte: u64,
    /// Decoded lossily; NUL bytes kept.
    fields: Vec<String>,
    problem: Option<String>,
    /// Its structure is broken (a stray quote, over a limit), not just its
    /// text: a header row like this refuses the file.
    malformed: bool,
    /// The file itself could not be read further (an I/O error).
    file_failed: bool,
}

impl ParsedRecord {
    fn into_result(self) -> RecordResult {
        match self.problem {
            None => Ok(SourceRecord {
                line: self.line,
                byte: self.byte,
                fields: self.fields,
            }),
            Some(message) => Err(RecordError {
                line: self.line,
                byte: self.byte,
                message,
                fields: self
                    .fields
                    .into_iter()
                    .map(|f| f.replace('\0', "\u{FFFD}"))
                    .collect(),
            }),
        }
    }
}

impl Iterator for RecordReader {
    type Item = RecordResult;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

fn single_ascii_char(value: &str, what: &str) -> Result<u8> {
    match value.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'\r' | b'\n') => Ok(*b),
        _ => Err(Error::InvalidArgument(format!(
            "the {what} must be one ASCII character other than a line break, not {value:?}"
        ))),
    }
}

/// A header name for display and matching: control characters become
/// spaces, runs of spaces collapse, and the ends are trimmed.
fn clean_header_name(raw: &str) -> String {
    let spaced: String = raw
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\0' => ' ',
            c => c,
        })
        .collect();
    spaced
        .split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// Cleaned, non-empty, unique header names, in linear time: for each name,
/// the copy number to try next is remembered, so 50,000 copies of one name
/// are not compared with each other.
fn unique_header_names(raw: &[String]) -> Vec<String> {
    let mut used = HashSet::with_capacity(raw.len());
    let mut next_copy: HashMap<String, usize> = HashMap::new();
    raw.iter()
        .enumerate()
        .map(|(index, raw)| {
            let mut base = clean_header_name(raw);
            if base.is_empty() {
                base = format!("Column {}", index + 1);
            }
            let mut name = base.clone();
            if used.contains(&name) {
                let mut copy = next_copy.get(&base).copied().unwrap_or(2);
                loop {
                    name = format!("{base} ({copy})");
                    copy += 1;
                    if !used.contains(&name) {
                        break;
                    }
                }
                next_copy.insert(base, copy);
            }
            used.insert(name.clone());
            name
        })
        .collect()
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

    fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file.flush().unwrap();
        file
    }

    fn read_all(path: &Path, format: &SourceFormat) -> Vec<Result<SourceRecord, RecordError>> {
        RecordReader::open(path, format).unwrap().collect()
    }

    #[test]
    fn invalid_utf8_beyond_the_limit_is_one_record_error() {
        let mut bytes = b"id,name\n".to_vec();
        for i in 0..100 {
            bytes.extend_from_slice(format!("{i},name {i}\n").as_bytes());
        }
        let bad_byte = bytes.len() as u64;
        bytes.extend_from_slice(b"100,na\xFFme\n101,last\n");
        let file = temp_file(&bytes);
        let format = detect_format_with_limit(file.path(), 256).unwrap();
        assert_eq!(format.encoding, TextEncoding::Utf8);
        let records = read_all(file.path(), &format);
        assert_eq!(records.len(), 102);
        let errors: Vec<&RecordError> = records.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 102);
        assert_eq!(errors[0].byte, bad_byte);
        assert_eq!(
            errors[0].message,
            format!("invalid UTF-8 at byte {}", bad_byte + 6)
        );
        assert_eq!(errors[0].fields, ["100", "na\u{FFFD}me"]);
        assert_eq!(records[101].as_ref().unwrap().fields, ["101", "last"]);
    }

    #[test]
    fn a_sample_end_inside_a_character_is_not_invalid_utf8() {
        let mut bytes = b"name,city\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 300));
        bytes.extend_from_slice("Zoë,Zürich\n".as_bytes());
        let split = bytes.iter().position(|&b| b >= 0x80).unwrap();
        let file = temp_file(&bytes);
        for limit in split..split + 3 {
            let format = detect_format_with_limit(file.path(), limit).unwrap();
            assert_eq!(format.encoding, TextEncoding::Utf8, "limit {limit}");
        }
    }

    #[test]
    fn a_file_ending_inside_a_character_has_invalid_utf8() {
        let file = temp_file(b"a,b\n1,caf\xC3");
        let head = std::fs::read(file.path()).unwrap();
        let mut opened = File::open(file.path()).unwrap();
        let scan = scan_utf8(&mut opened, &head, DETECTION_LIMIT, true).unwrap();
        assert_eq!(scan.invalid_sequences, 1);
        let cut = scan_utf8(&mut opened, &head, head.len(), false).unwrap();
        assert_eq!(cut.invalid_sequences, 0, "a cut sample is not invalid");
    }

    #[test]
    fn header_names_are_cleaned() {
        assert_eq!(clean_header_name("  First \t Name \r\n"), "First Name");
        assert_eq!(clean_header_name("a\0b\x0Bc\x0Cd"), "a b c d");
        assert_eq!(clean_header_name(" \t "), "");
        assert_eq!(clean_header_name("Année"), "Année");
    }

    #[test]
    fn a_header_row_with_nul_or_broken_bytes_is_still_named() {
        let file = temp_file(b"na\0me,ci\xFFty\n1,2\n");
        let format = SourceFormat::default();
        let reader = RecordReader::open(file.path(), &format).unwrap();
        assert_eq!(reader.headers(), ["na me", "ci\u{FFFD}ty"]);
        assert_eq!(reader.raw_headers(), ["na\0me", "ci\u{FFFD}ty"]);
    }

    #[test]
    fn header_names_are_unique_and_never_empty() {
        let raw: Vec<String> = ["a", "", "a", "a (2)", "", "Column 2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            unique_header_names(&raw),
            [
                "a",
                "Column 2",
                "a (2)",
                "a (2) (2)",
                "Column 5",
                "Column 2 (2)"
            ]
        );
    }

    #[test]
    fn fifty_thousand_duplicate_headers_are_numbered_in_linear_time() {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let raw = vec!["email".to_owned(); 50_000];
            sender.send(unique_header_names(&raw))
        });
        // A quadratic numbering takes hours here; a linear one, milliseconds.
        let names = receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("numbering 50,000 duplicate headers took more than a minute");
        assert_eq!(names[..3], ["email", "email (2)", "email (3)"]);
        assert_eq!(names[49_999], "email (50000)");
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), 50_000);
    }

    #[test]
    fn field_count_stats_prefer_consistency_then_width() {
        let consistent = FieldCountStats::of(&[3, 3, 3]);
        let ragged = FieldCountStats::of(&[5, 5, 4]);
        assert_eq!((consistent.mode, consistent.matching), (3, 3));
        assert_eq!((ragged.mode, ragged.matching), (5, 2));
        assert!(consistent.beats(&ragged));
        assert!(!ragged.beats(&consistent));
        let wide = FieldCountStats::of(&[8, 8, 8]);
        assert!(wide.beats(&consistent));
        assert!(!consistent.beats(&consistent));
    }

    #[test]
    fn leading_blank_lines() {
        assert_eq!(split_leading_blank_lines("\n\r\n  \rabc\n"), (3, "abc\n"));
        assert_eq!(split_leading_blank_lines("abc"), (0, "abc"));
        assert_eq!(split_leading_blank_lines("\n\n"), (0, "\n\n"));
        assert_eq!(split_leading_blank_lines(""), (0, ""));
        assert_eq!(split_leading_blank_lines("\t\t\na"), (0, "\t\t\na"));
    }

    #[test]
    fn line_endings_outside_quotes() {
        let quote = Some(b'"');
        assert_eq!(
            detect_line_ending("a\r\n\"x\ny\"\r\n", quote),
            LineEnding::CrLf
        );
        assert_eq!(detect_line_ending("a\rb\r", quote), LineEnding::Cr);
        assert_eq!(detect_line_ending("a\nb\r\n", quote), LineEnding::Mixed);
        assert_eq!(detect_line_ending("a,b", quote), LineEnding::Lf);
    }

    #[test]
    fn header_detection_is_conservative() {
        let rows = |rows: &[&[&str]]| -> Vec<Vec<String>> {
            rows.iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect()
        };
        assert!(first_row_is_data(&rows(&[&["1", "2.5"], &["3", "4"]])));
        assert!(first_row_is_data(&rows(&[
            &["a@b.com", "2024-01-01"],
            &["c@d.org", "2024-02-02"]
        ])));
        assert!(!first_row_is_data(&rows(&[&["id", "score"], &["1", "2"]])));
        assert!(!first_row_is_data(&rows(&[&["1", "2"]])));
        assert!(!first_row_is_data(&rows(&[&["", ""], &["1", "2"]])));
        assert!(!first_row_is_data(&rows(&[&["1", "2"], &["x", "2"]])));
        assert!(!first_row_is_data(&rows(&[
            &["2019", "2020"],
            &["1", "2", "3"]
        ])));
    }

    #[test]
    fn tally_counts_crlf_split_across_chunks_once() {
        let mut tally = Tally {
            line: 1,
            original: 0,
            after_cr: false,
            units: OriginalUnits::SameBytes,
        };
        tally.advance(b"a\r");
        tally.advance(b"\nb\rc\n\n");
        assert_eq!(tally.line, 5);
        assert_eq!(tally.original, 8);
        let mut utf16 = Tally {
            units: OriginalUnits::Utf16,
            ..tally.clone()
        };
        utf16.advance("é😀".as_bytes());
        assert_eq!(utf16.original, 8 + 2 + 4);
    }

    #[test]
    fn skipped_lines_may_end_with_cr_lf() {
        let file = temp_file(b"title\r\nsub\r\nname,x\r\n1,2\r\n");
        let format = SourceFormat {
            skip_lines: 2,
            ..SourceFormat::default()
        };
        let mut reader = RecordReader::open(file.path(), &format).unwrap();
        assert_eq!(reader.headers(), ["name", "x"]);
        let record = reader.next_record().unwrap().unwrap();
        assert_eq!((record.line, record.byte), (4, 20));
        assert_eq!(record.fields, ["1", "2"]);
        assert!(reader.next_record().is_none());
        assert_eq!(reader.bytes_read(), 25);
    }

    #[test]
    fn signatures_and_layouts() {
        assert_eq!(
            binary_signature(b"\x89PNG\r\n\x1a\nrest"),
            Some("a PNG image")
        );
        assert_eq!(
            binary_signature(b"PK\x03\x04xl/workbook.xml").map(|k| k.contains("xlsx")),
            Some(true)
        );
        assert_eq!(binary_signature(b"name,email\n"), None);
        let utf16le: Vec<u8> = "a,b\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = "a,b\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(bomless_utf16(&utf16le), Some(TextEncoding::Utf16Le));
        assert_eq!(bomless_utf16(&utf16be), Some(TextEncoding::Utf16Be));
        assert_eq!(bomless_utf16(b"a,b\n1,2\n"), None);
        let utf32le: Vec<u8> = "a,b\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert!(looks_like_utf32(&utf32le));
        assert!(!looks_like_utf32(&utf16le));
    }

    #[test]
    fn wrapped_rows_need_every_line_wrapped_and_consistent() {
        assert_eq!(
            detect_wrapped_rows("\"a\tb\tc\"\r\n\"1\t2\t3\"\r\n\"4\t\"\"five\"\"\t6\"", true),
            Some(b'\t')
        );
        assert_eq!(detect_wrapped_rows("\"a;b\"\n\"1;2\"\n", true), Some(b';'));
        assert_eq!(detect_wrapped_rows("\"a;b\"\n1;2\n", true), None);
        assert_eq!(detect_wrapped_rows("\"a;b\"\n\"1;2;3\"\n", true), None);
        assert_eq!(
            detect_wrapped_rows("\"Main St, 1\"\n\"Oak Ave, 2\"\n", true),
            None
        );
        assert_eq!(detect_wrapped_rows("\"a;b\"\n", true), None);
    }

    #[test]
    fn wrapped_rows_are_unwrapped_by_the_reader() {
        let file = temp_file(b"\"id;note\"\r\n\"1;\"\"a;b\"\"\"\r\n\"2;x\"");
        let format = detect_format(file.path()).unwrap();
        assert!(format.rows_wrapped_in_quotes);
        assert_eq!(format.delimiter, ";");
        let mut reader = RecordReader::open(file.path(), &format).unwrap();
        assert_eq!(reader.headers(), ["id", "note"]);
        let rows: Vec<Vec<String>> = reader.by_ref().map(|r| r.unwrap().fields).collect();
        assert_eq!(rows, [["1", "a;b"], ["2", "x"]]);
    }

    /// Limits small enough for arbitrary bytes to reach them.
    const SMALL_LIMITS: ReadLimits = ReadLimits {
        max_record_bytes: 24,
        max_columns: 3,
    };

    #[test]
    fn sizes_and_counts_read_plainly() {
        assert_eq!(size_in_words(900), "900 bytes");
        assert_eq!(size_in_words(1024), "1 KiB");
        assert_eq!(size_in_words(1025), "1.1 KiB");
        assert_eq!(size_in_words(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size_in_words(80 * 1024 * 1024 + 1), "80.1 MiB");
    }

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
                let size: usize = fields.iter().map(String::len).sum();
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
                read_back.push(record.fields);
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
