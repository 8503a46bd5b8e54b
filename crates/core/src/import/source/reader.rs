//! The streaming record reader: bounded records, positions in the original
//! file, and recovery from stray quotes.

use super::headers::unique_header_names;
use super::*;

/// The file, as raw bytes (UTF-8) or transcoded to UTF-8.
pub(super) enum Input {
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

/// Where the parser is in the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ParseState {
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
pub(super) struct Resume {
    /// Index in the record's bytes.
    pub(super) raw_index: usize,
    pub(super) tally: Tally,
    /// Bytes of the open field on its opening line.
    pub(super) field_len: usize,
}

/// A quoted field still open.
#[derive(Debug, Clone)]
pub(super) struct OpenQuote {
    /// The line where the quote opened.
    pub(super) line: u64,
    /// 0-based column of the field.
    pub(super) column: usize,
    /// Where the field starts in the record's field bytes.
    pub(super) field_start: usize,
    /// Set at the first line break inside the field.
    pub(super) first_break: Option<Resume>,
}

/// Why a quote is stray.
#[derive(Debug, Clone, Copy)]
pub(super) enum StrayQuote {
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
pub(super) struct RecordBuilder {
    pub(super) line: u64,
    pub(super) byte: u64,
    /// The record's bytes as read, up to the size limit.
    pub(super) raw: Vec<u8>,
    /// Its size in bytes, even past the limit.
    pub(super) size: u64,
    /// Past the size limit: nothing more is kept.
    pub(super) oversize: bool,
    /// The fields' bytes, unquoted, up to the column limit.
    pub(super) field_bytes: Vec<u8>,
    pub(super) field_ends: Vec<usize>,
    /// Fields ended so far, even past the column limit.
    pub(super) columns: usize,
    pub(super) open_quote: Option<OpenQuote>,
}

impl RecordBuilder {
    pub(super) fn begin(&mut self, tally: &Tally) {
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

    pub(super) fn end_field(&mut self, max_columns: usize) {
        self.columns += 1;
        if self.columns <= max_columns {
            self.field_ends.push(self.field_bytes.len());
        }
    }

    /// The fields read so far, decoded lossily.
    pub(super) fn cells(&self) -> Cells {
        Cells::decode(&self.field_bytes, &self.field_ends)
    }
}

/// "16 MiB", "1.5 KiB", "900 bytes": rounded up, so that a size over a limit
/// never reads as the limit itself.
pub(super) fn size_in_words(bytes: u64) -> String {
    pub(super) const UNITS: [(u64, &str); 2] = [(1024 * 1024, "MiB"), (1024, "KiB")];
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
            let mut raw = first.fields.to_vec();
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
    pub(super) fn parse_record(&mut self) -> Option<ParsedRecord> {
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
                            fields: Cells::default(),
                            problem: Some(format!(
                                "the rest of the file could not be read: {error}"
                            )),
                            malformed: false,
                            file_failed: true,
                        });
                    }
                }
            }
            if self.take_run() {
                continue;
            }
            let byte = self.buffer[self.position];
            if let Some(record) = self.feed(byte) {
                return Some(record);
            }
        }
        None
    }

    /// Reads the next chunk of the stream; false at its end.
    pub(super) fn refill(&mut self) -> io::Result<bool> {
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
    pub(super) fn consume(&mut self, byte: u8) {
        self.position += 1;
        self.tally.step(byte);
    }

    /// The fast path of [`RecordReader::feed`] inside a field: takes the
    /// bytes up to the next one that can end it (a delimiter, quote or line
    /// break) at once, when they cannot reach the size limit. Returns
    /// whether it took any.
    pub(super) fn take_run(&mut self) -> bool {
        let ends = match (self.state, self.layout.outer_quote()) {
            (ParseState::Unquoted, _) => self.layout.outer_delimiter(),
            (ParseState::Quoted, Some(quote)) => quote,
            _ => return false,
        };
        let rest = &self.buffer[self.position..];
        let run = memchr::memchr3(ends, b'\r', b'\n', rest).unwrap_or(rest.len());
        let record = &mut self.record;
        if run == 0
            || record.oversize
            || record.size + run as u64 > self.limits.max_record_bytes as u64
        {
            return false;
        }
        let bytes = &rest[..run];
        record.raw.extend_from_slice(bytes);
        if record.columns < self.limits.max_columns {
            record.field_bytes.extend_from_slice(bytes);
        }
        record.size += run as u64;
        self.tally.skip_run(bytes);
        self.position += run;
        true
    }

    /// Takes one byte into the record (and its current field when
    /// `into_field`). A record reaching the size limit with a quote open
    /// across lines is a stray quote: its rejection is returned.
    pub(super) fn take_byte(&mut self, byte: u8, into_field: bool) -> Option<ParsedRecord> {
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
    pub(super) fn feed(&mut self, byte: u8) -> Option<ParsedRecord> {
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
    pub(super) fn line_break_in_quotes(&mut self, field_len_before: usize) -> Option<ParsedRecord> {
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
    pub(super) fn reject_stray_quote(&mut self, why: StrayQuote) -> ParsedRecord {
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
    pub(super) fn describe_column(&self, column: usize) -> String {
        match self.column_names.get(column) {
            Some(name) => format!("column {} ({name})", column + 1),
            None => format!("column {}", column + 1),
        }
    }

    pub(super) fn decoded_fields(&self) -> Result<Cells, usize> {
        self.layout
            .fields(self.record.cells(), self.limits.max_columns)
    }

    /// The file ended: ends the record being read, if any.
    pub(super) fn end_of_file(&mut self) -> Option<ParsedRecord> {
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
    pub(super) fn finish_record(&mut self) -> ParsedRecord {
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
                Cells::default(),
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
                None if !fields.any_contains('\0') => None,
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

pub(super) fn too_many_columns(columns: usize, max_columns: usize) -> String {
    format!(
        "this record has {} columns, more than the {} a record may have",
        crate::text::grouped(columns as u64),
        crate::text::grouped(max_columns as u64)
    )
}

/// A record as parsed, before it is judged readable or not.
pub(super) struct ParsedRecord {
    pub(super) line: u64,
    pub(super) byte: u64,
    /// Decoded lossily; NUL bytes kept.
    pub(super) fields: Cells,
    pub(super) problem: Option<String>,
    /// Its structure is broken (a stray quote, over a limit), not just its
    /// text: a header row like this refuses the file.
    pub(super) malformed: bool,
    /// The file itself could not be read further (an I/O error).
    pub(super) file_failed: bool,
}

impl ParsedRecord {
    pub(super) fn into_result(self) -> RecordResult {
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
                    .iter()
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

pub(super) fn single_ascii_char(value: &str, what: &str) -> Result<u8> {
    match value.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'\r' | b'\n') => Ok(*b),
        _ => Err(Error::InvalidArgument(format!(
            "the {what} must be one ASCII character other than a line break, not {value:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::tests::temp_file;

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
    fn wrapped_rows_are_unwrapped_by_the_reader() {
        let file = temp_file(b"\"id;note\"\r\n\"1;\"\"a;b\"\"\"\r\n\"2;x\"");
        let format = detect_format(file.path()).unwrap();
        assert!(format.rows_wrapped_in_quotes);
        assert_eq!(format.delimiter, ";");
        let mut reader = RecordReader::open(file.path(), &format).unwrap();
        assert_eq!(reader.headers(), ["id", "note"]);
        let rows: Vec<Vec<String>> = reader
            .by_ref()
            .map(|r| r.unwrap().fields.to_vec())
            .collect();
        assert_eq!(rows, [["1", "a;b"], ["2", "x"]]);
    }

    #[test]
    fn sizes_and_counts_read_plainly() {
        assert_eq!(size_in_words(900), "900 bytes");
        assert_eq!(size_in_words(1024), "1 KiB");
        assert_eq!(size_in_words(1025), "1.1 KiB");
        assert_eq!(size_in_words(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size_in_words(80 * 1024 * 1024 + 1), "80.1 MiB");
    }
}
