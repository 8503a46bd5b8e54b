//! Header names for display and matching: cleaned, never empty, unique.

use super::*;

/// A header name for display and matching: control characters become
/// spaces, runs of spaces collapse, and the ends are trimmed.
pub(super) fn clean_header_name(raw: &str) -> String {
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
pub(super) fn unique_header_names(raw: &[String]) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::tests::temp_file;

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
}
