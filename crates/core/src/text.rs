//! Text keys for matching: trimming, Unicode normalisation and full case
//! folding. SQLite's own `lower()`, `LIKE` and `NOCASE` fold ASCII only, so the
//! store registers [`fold_key`] as the SQL function `fold()`. The search key
//! ([`search_key`]) goes further and drops accents, for the quick search (the
//! SQL function `search_match()`). Also the one rule for what counts as an
//! e-mail address ([`is_email_address`]) and numbers as messages show them
//! ([`grouped`]).

use std::cell::RefCell;
use std::sync::OnceLock;

use caseless::Caseless;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The matching key of a text: trimmed, canonically decomposed, fully case
/// folded, then recomposed. `MÜNCHEN` and `münchen`, or `SÃO PAULO` and
/// `São Paulo` (composed or not), get the same key.
pub fn fold_key(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_ascii() {
        return trimmed.to_ascii_lowercase();
    }
    let decomposed: String = trimmed.nfd().collect();
    caseless::default_case_fold_str(&decomposed).nfc().collect()
}

/// The search key of a text: trimmed, fully case folded and without accents,
/// so that `pebeo` finds `Pébéo`, `muller` finds `Müller` and `strasse` finds
/// `Straße`. Each character is decomposed (canonical), case folded,
/// decomposed again, and stripped of its combining marks; a few letters that
/// carry their stroke in the letter itself are written as their base letter
/// (`ø` as `o`, `ł` as `l`, `đ` as `d`, `æ` as `ae`, ...), as search engines
/// do. Keys are for matching only (Hangul, say, stays decomposed).
pub fn search_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    push_search_key(text.trim(), &mut key);
    key
}

/// Appends the search key of `text` (untrimmed) to `out`. ASCII text, most
/// of any workspace, is only lowercased; other characters of the Latin
/// blocks come from a table made once.
fn push_search_key(text: &str, out: &mut String) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    let latin = latin_search_keys();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(key) = latin.get((c as usize).wrapping_sub(LATIN_FIRST)) {
            out.push_str(key);
        } else {
            push_char_search_key(c, out);
        }
    }
}

/// The first and one past the last character of the table of search keys:
/// Latin-1 Supplement, Latin Extended-A and B.
const LATIN_FIRST: usize = 0x80;
const LATIN_END: usize = 0x250;

fn latin_search_keys() -> &'static [String] {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        (LATIN_FIRST..LATIN_END)
            .map(|code| {
                let mut key = String::new();
                if let Some(c) = char::from_u32(code as u32) {
                    push_char_search_key(c, &mut key);
                }
                key
            })
            .collect()
    })
}

/// The search key of one character, appended to `out`.
fn push_char_search_key(c: char, out: &mut String) {
    let mut decomposed = Vec::with_capacity(4);
    decompose_canonical(c, |d| decomposed.push(d));
    for folded in decomposed.into_iter().default_case_fold() {
        decompose_canonical(folded, |d| {
            if !is_combining_mark(d) {
                match letter_without_stroke(d) {
                    Some(base) => out.push_str(base),
                    None => out.push(d),
                }
            }
        });
    }
}

/// Letters whose accent is part of the letter (no decomposition), searched
/// as their base letters. Lowercase only: they are looked up after folding.
fn letter_without_stroke(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        'ð' => "d",
        'ħ' => "h",
        'ı' => "i",
        'ŧ' => "t",
        'ƀ' => "b",
        'ɨ' => "i",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        _ => return None,
    })
}

/// Whether the search key of `fields`, joined by spaces, contains `needle`
/// (itself a search key).
pub fn search_keys_contain<'a>(needle: &str, fields: impl IntoIterator<Item = &'a str>) -> bool {
    let mut haystack = String::new();
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            haystack.push(' ');
        }
        push_search_key(field, &mut haystack);
    }
    contains(haystack.as_bytes(), needle.as_bytes())
}

/// Whether `needle` occurs in `haystack`: a first-byte scan, then a compare.
/// Haystacks are a lead's few fields, so this beats searchers that need
/// setting up for each call.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() < needle.len() {
        return false;
    }
    let last_start = haystack.len() - needle.len();
    haystack[..=last_start]
        .iter()
        .enumerate()
        .any(|(start, &byte)| byte == first && &haystack[start + 1..start + needle.len()] == rest)
}

/// `search_match(needle, field, ...)` for one row: the fields' search key is
/// built in a buffer kept per thread, so a scan of a million leads
/// allocates nothing per row.
fn sql_search_match(ctx: &rusqlite::functions::Context<'_>) -> rusqlite::Result<bool> {
    thread_local! {
        static HAYSTACK: RefCell<String> = const { RefCell::new(String::new()) };
    }
    if ctx.len() < 2 {
        return Err(rusqlite::Error::UserFunctionError(
            "search_match takes a needle and at least one field".into(),
        ));
    }
    let needle = ctx.get_raw(0).as_str().unwrap_or("");
    HAYSTACK.with(|cell| {
        let mut haystack = cell
            .try_borrow_mut()
            .map_err(|error| rusqlite::Error::UserFunctionError(error.into()))?;
        haystack.clear();
        push_values_search_key(
            (1..ctx.len()).map(|index| ctx.get_raw(index)),
            &mut haystack,
        );
        Ok(contains(haystack.as_bytes(), needle.as_bytes()))
    })
}

/// Appends the search key of stored values, as `search_match()` reads them,
/// to `out`: NULLs left out, numbers as text, the others joined by spaces.
/// The quick search's index (`leads::search_index`) builds each lead's key
/// with it too, so both find exactly the same leads.
pub fn push_values_search_key<'a>(
    values: impl IntoIterator<Item = rusqlite::types::ValueRef<'a>>,
    out: &mut String,
) {
    use rusqlite::types::ValueRef;
    use std::fmt::Write;
    let start = out.len();
    for value in values {
        if value == ValueRef::Null {
            continue;
        }
        if out.len() > start {
            out.push(' ');
        }
        match value {
            ValueRef::Null => {}
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                push_search_key(&String::from_utf8_lossy(bytes), out)
            }
            ValueRef::Integer(n) => {
                let _ = write!(out, "{n}");
            }
            ValueRef::Real(f) => {
                let _ = write!(out, "{f}");
            }
        }
    }
}

/// Registers the SQL functions on a connection:
/// - `fold(text)`: [`fold_key`]. NULL folds to NULL; numbers fold to their
///   text form.
/// - `search_match(needle, field, ...)`: 1 when the search key of the
///   fields (NULLs left out, numbers as text) joined by spaces contains
///   `needle`, a [`search_key`]; else 0.
pub(crate) fn register_sql_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::ValueRef;
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("search_match", -1, flags, sql_search_match)?;
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Null => None,
                ValueRef::Text(bytes) => Some(fold_key(&String::from_utf8_lossy(bytes))),
                ValueRef::Integer(i) => Some(i.to_string()),
                ValueRef::Real(f) => Some(f.to_string()),
                ValueRef::Blob(bytes) => Some(fold_key(&String::from_utf8_lossy(bytes))),
            })
        },
    )
}

/// Whether `text` (trimmed) is an e-mail address an e-mail tool would take:
/// one `@` with something before it, a domain of two or more non-empty
/// labels, and no blank or control character. The import's validation and
/// the planner's "can be e-mailed" both ask this, so they never disagree.
pub fn is_email_address(text: &str) -> bool {
    let address = text.trim();
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    // An import asks this of every row: ASCII text (nearly every address)
    // is checked byte by byte, where a blank or control character is a
    // space or an ASCII control.
    let blank_or_control = if address.is_ascii() {
        address.bytes().any(|b| b == b' ' || b.is_ascii_control())
    } else {
        address.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    !local.is_empty() && !blank_or_control && is_labelled_domain(domain)
}

/// Two or more labels, none empty, and no second `@`: one pass over the
/// bytes (`str::contains("..")` took a tenth of an events import's parser
/// thread on its short strings).
fn is_labelled_domain(domain: &str) -> bool {
    let mut previous = b'.';
    let mut dots = 0;
    for byte in domain.bytes() {
        match byte {
            b'@' => return false,
            b'.' if previous == b'.' => return false,
            b'.' => dots += 1,
            _ => {}
        }
        previous = byte;
    }
    dots > 0 && previous != b'.'
}

/// A whole number as messages show it: 16384 as "16,384", -1000 as "-1,000".
pub fn grouped(number: impl Into<i128>) -> String {
    let number: i128 = number.into();
    let digits = number.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_an_email_tool_would_take() {
        assert!(is_email_address(" ann@example.com "));
        assert!(is_email_address("o'brien+news@sub.example.co.uk"));
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@example",
            "ann@.com",
            "ann@example.",
            "ann@example..com",
            "a b@example.com",
            "a@b@example.com",
            "ann@exa\u{7}mple.com",
        ] {
            assert!(!is_email_address(bad), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// The byte-level checks answer as the plain definition does.
        #[test]
        fn email_checks_agree_with_the_plain_definition(
            text in "[ a-zA-Z@.\t\u{b}\u{1f}\u{7f}\u{a0}\u{85}é\u{2028}]{0,12}"
        ) {
            let address = text.trim();
            let plain = address.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && !address.chars().any(|c| c.is_whitespace() || c.is_control())
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(|label| !label.is_empty())
            });
            proptest::prop_assert_eq!(is_email_address(&text), plain);
        }
    }

    #[test]
    fn grouped_puts_a_comma_every_three_digits() {
        assert_eq!(grouped(7u8), "7");
        assert_eq!(grouped(16_384u64), "16,384");
        assert_eq!(grouped(1_234_567i64), "1,234,567");
        assert_eq!(grouped(-1_000i64), "-1,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn folds_beyond_ascii() {
        assert_eq!(fold_key("MÜNCHEN"), fold_key("münchen"));
        assert_eq!(fold_key(" SÃO PAULO "), fold_key("São Paulo"));
        assert_eq!(fold_key("Straße"), fold_key("STRASSE"));
    }

    #[test]
    fn composed_and_decomposed_forms_match() {
        let composed = "S\u{e3}o";
        let decomposed = "Sa\u{303}o";
        assert_eq!(fold_key(composed), fold_key(decomposed));
    }

    #[test]
    fn ascii_fast_path_trims_and_lowercases() {
        assert_eq!(fold_key("  Ann@Example.COM "), "ann@example.com");
    }

    #[test]
    fn search_keys_drop_accents_and_fold_case() {
        assert_eq!(search_key(" Pébéo "), "pebeo");
        assert_eq!(search_key("MÜLLER"), "muller");
        assert_eq!(search_key("Straße"), "strasse");
        assert_eq!(search_key("STRASSE"), "strasse");
        assert_eq!(search_key("Søren Łukasz Đorđe"), "soren lukasz dorde");
        assert_eq!(search_key("Ærø"), "aero");
        assert_eq!(search_key("São"), search_key("Sa\u{303}o"));
        assert_eq!(search_key("ΣΊΣΥΦΟΣ"), "σισυφοσ");
        assert_eq!(search_key("東京"), "東京");
        assert_eq!(search_key("ﬁle"), "file");
    }

    #[test]
    fn search_keys_contain_joins_fields_with_spaces() {
        assert!(search_keys_contain("al zeta", ["Al", "Zeta"]));
        assert!(search_keys_contain("pebeo", ["Pébéo SA"]));
        assert!(search_keys_contain("strasse", ["Hauptstraße 1"]));
        assert!(!search_keys_contain("alzeta", ["Al", "Zeta"]));
        assert!(search_keys_contain("", ["anything"]));
    }

    #[test]
    fn sql_search_match_reads_texts_numbers_and_nulls() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        register_sql_functions(&conn).unwrap();
        let matches = |sql: &str| -> bool { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert!(matches("SELECT search_match('muller', 'Jürgen', 'Müller')"));
        assert!(matches(
            "SELECT search_match('gen mu', 'Jürgen', NULL, 'Müller')"
        ));
        assert!(matches("SELECT search_match('660737', 660737)"));
        assert!(!matches("SELECT search_match('x', NULL)"));
        assert!(conn
            .query_row("SELECT search_match('x')", [], |r| r.get::<_, bool>(0))
            .is_err());
    }

    #[test]
    fn sql_function_matches_rust() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        register_sql_functions(&conn).unwrap();
        let folded: String = conn
            .query_row("SELECT fold('MÜNCHEN')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(folded, "münchen");
        let null: Option<String> = conn
            .query_row("SELECT fold(NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
    }
}
