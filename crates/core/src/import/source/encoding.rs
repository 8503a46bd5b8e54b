//! Text encodings: detection (byte-order marks, UTF-8 validity, UTF-16 without
//! a mark, Windows-1252) and refusing files that are not text.

use super::*;

impl TextEncoding {
    pub(super) fn encoding_rs(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    pub(super) fn bom(self) -> &'static [u8] {
        match self {
            TextEncoding::Utf8 => UTF8_BOM,
            TextEncoding::Utf16Le => UTF16LE_BOM,
            TextEncoding::Utf16Be => UTF16BE_BOM,
            TextEncoding::Windows1252 => &[],
        }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 little-endian",
            TextEncoding::Utf16Be => "UTF-16 big-endian",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// What a binary file starting with these bytes probably is.
pub(super) fn binary_signature(head: &[u8]) -> Option<&'static str> {
    pub(super) const SIGNATURES: &[(&[u8], &str)] = &[
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

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub(super) fn detect_encoding(
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
pub(super) fn check_utf16(
    path: &Path,
    body: &[u8],
    encoding: TextEncoding,
    has_bom: bool,
) -> Result<()> {
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
pub(super) fn bomless_utf16(head: &[u8]) -> Option<TextEncoding> {
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
pub(super) fn looks_like_utf32(bytes: &[u8]) -> bool {
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
pub(super) fn check_control_bytes(path: &Path, head: &[u8]) -> Result<()> {
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
pub(super) struct Utf8Scan {
    pub(super) invalid_sequences: u64,
    pub(super) valid_non_ascii: u64,
}

/// Checks the detection sample (the head, then the rest of the file up to
/// `limit`) for UTF-8 validity, in chunks. A sequence cut by the sample's end
/// is not counted as invalid unless the file ends there.
pub(super) fn scan_utf8(
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
pub(super) fn count_non_ascii_chars(valid: &[u8]) -> u64 {
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
pub(super) fn guess_legacy_encoding(
    file: &mut File,
    limit: usize,
) -> io::Result<&'static Encoding> {
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
pub(super) fn decode_sample(head: &[u8], encoding: TextEncoding, has_bom: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::tests::{read_all, temp_file};

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
}
