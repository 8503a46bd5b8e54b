//! Text keys for matching: trimming, Unicode normalisation and full case
//! folding. SQLite's own `lower()`, `LIKE` and `NOCASE` fold ASCII only, so the
//! store registers [`fold_key`] as the SQL function `fold()`. Also the one rule
//! for what counts as an e-mail address ([`is_email_address`]) and numbers as
//! messages show them ([`grouped`]).

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

/// Registers `fold(text)` on a connection. NULL folds to NULL; numbers fold to
/// their text form.
pub(crate) fn register_sql_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::ValueRef;
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
    !local.is_empty()
        && !domain.contains('@')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
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
