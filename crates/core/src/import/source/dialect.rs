//! The dialect of a text sample: delimiter, quote, line endings, header row,
//! blank lines before it and rows wrapped in quotes; and the [`Layout`] that
//! turns physical records into fields.

use super::*;

/// The detected dialect of a text sample.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Dialect {
    pub(super) delimiter: u8,
    pub(super) quote: Option<u8>,
    pub(super) line_ending: LineEnding,
    pub(super) has_header: bool,
    pub(super) skip_lines: u32,
    pub(super) rows_wrapped_in_quotes: bool,
}

pub(super) fn detect_dialect(text: &str, is_whole_file: bool) -> Dialect {
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
pub(super) fn split_leading_blank_lines(text: &str) -> (u32, &str) {
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
pub(super) fn detect_quote(body: &str) -> u8 {
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
pub(super) fn field_counts(
    body: &str,
    delimiter: u8,
    quote: Option<u8>,
    is_whole_file: bool,
) -> Vec<usize> {
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

pub(super) fn sample_reader(bytes: &[u8], delimiter: u8, quote: Option<u8>) -> csv::Reader<&[u8]> {
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
pub(super) struct FieldCountStats {
    /// The most common field count (the larger on a tie).
    pub(super) mode: usize,
    /// How many records have `mode` fields, out of `records`.
    pub(super) matching: usize,
    pub(super) records: usize,
}

impl FieldCountStats {
    pub(super) fn of(counts: &[usize]) -> Self {
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
    pub(super) fn beats(&self, other: &FieldCountStats) -> bool {
        let mine = self.matching * other.records;
        let theirs = other.matching * self.records;
        mine > theirs || (mine == theirs && self.mode > other.mode)
    }
}

/// Rows wrapped in quotes: every sampled line is one quoted field holding a
/// record split consistently by a tab or a semicolon. Returns that delimiter.
pub(super) fn detect_wrapped_rows(body: &str, is_whole_file: bool) -> Option<u8> {
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
pub(super) fn detect_line_ending(body: &str, quote: Option<u8>) -> LineEnding {
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
pub(super) fn parse_rows(body: &str, layout: &Layout, limit: usize) -> Vec<Vec<String>> {
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
                let cells = record.iter().map(String::from_utf8_lossy).collect();
                let fields = layout.fields(cells, MAX_COLUMNS).unwrap_or_default();
                rows.push(fields.to_vec());
            }
            _ => break,
        }
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CellKind {
    Empty,
    Number,
    Date,
    Email,
    Text,
}

pub(super) fn cell_kind(cell: &str) -> CellKind {
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
pub(super) fn first_row_is_data(rows: &[Vec<String>]) -> bool {
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

/// How physical records become fields.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub(super) delimiter: u8,
    pub(super) quote: Option<u8>,
    /// Each line is one `"`-quoted field holding the record.
    pub(super) wrapped: bool,
}

impl Layout {
    pub(super) fn outer_delimiter(&self) -> u8 {
        if self.wrapped {
            b','
        } else {
            self.delimiter
        }
    }

    pub(super) fn outer_quote(&self) -> Option<u8> {
        if self.wrapped {
            Some(b'"')
        } else {
            self.quote
        }
    }

    /// The fields of a parsed record (`cells`, decoded lossily), unwrapped
    /// when rows are wrapped in quotes. A wrapped row holding more than
    /// `max_columns` fields is refused with its count.
    pub(super) fn fields(&self, cells: Cells, max_columns: usize) -> Result<Cells, usize> {
        if !self.wrapped {
            return Ok(cells);
        }
        let inner = cells.iter().collect::<Vec<_>>().join(",");
        // Splitting holds one entry per field: count before splitting.
        let delimiters = inner.bytes().filter(|&b| b == self.delimiter).count();
        if delimiters >= max_columns.saturating_mul(4) {
            return Err(delimiters + 1);
        }
        let fields = split_inner_record(&inner, self.delimiter, self.quote);
        if fields.len() > max_columns {
            return Err(fields.len());
        }
        Ok(fields.into())
    }
}

/// Splits the text of a wrapped row into its fields.
pub(super) fn split_inner_record(inner: &str, delimiter: u8, quote: Option<u8>) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
