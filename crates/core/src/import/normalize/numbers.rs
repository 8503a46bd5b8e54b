//! Numbers: signs, currency symbols, thousands separators and decimal marks
//! of each [`NumberStyle`].

use super::*;

/// Splits a leading `+` or `-` off `text`: `(is_negative, rest)`.
pub(super) fn split_sign(text: &str) -> Option<(bool, &str)> {
    if let Some(rest) = text.strip_prefix('-') {
        Some((true, rest))
    } else {
        text.strip_prefix('+').map(|rest| (false, rest))
    }
}

/// Rewrites an unsigned number written in `style` as Rust's float syntax.
pub(super) fn plain_number(text: &str, style: NumberStyle) -> Option<String> {
    const SPACES: [char; 6] = [' ', '\u{a0}', '\u{202f}', '\u{2009}', '\'', '\u{2019}'];
    let (decimal_mark, group_mark) = match style {
        NumberStyle::DotDecimal => ('.', ','),
        NumberStyle::CommaDecimal => (',', '.'),
    };
    let is_group_mark = |c: char| c == group_mark || SPACES.contains(&c);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (integer, fraction) = match mantissa.split_once(decimal_mark) {
        Some((integer, fraction)) => (integer, fraction),
        None => (mantissa, ""),
    };
    let integer_digits = ungroup(integer, is_group_mark)?;
    let grouped = integer_digits.len() != integer.len();
    if (integer_digits.is_empty() && fraction.is_empty())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (grouped && exponent.is_some())
    {
        return None;
    }
    let mut plain = if integer_digits.is_empty() {
        "0".to_owned()
    } else {
        integer_digits
    };
    if !fraction.is_empty() {
        plain.push('.');
        plain.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        plain.push('e');
        plain.push_str(exponent);
    }
    Some(plain)
}

/// The digits of an integer part, checking its thousands grouping: one kind
/// of separator, a first group of 1–3 digits, then groups of exactly 3.
pub(super) fn ungroup(integer: &str, is_group_mark: impl Fn(char) -> bool) -> Option<String> {
    let mut separator = None;
    for c in integer.chars() {
        if c.is_ascii_digit() {
            continue;
        }
        if !is_group_mark(c) || separator.is_some_and(|s| s != c) {
            return None;
        }
        separator = Some(c);
    }
    let Some(separator) = separator else {
        return Some(integer.to_owned());
    };
    let mut groups = integer.split(separator);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dot_decimal() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("42", Some(42.0)),
            (" -42 ", Some(-42.0)),
            ("+42", Some(42.0)),
            ("1,234.5", Some(1234.5)),
            ("1,234", Some(1234.0)),
            ("1,234,567.891", Some(1_234_567.891)),
            ("1 234.5", Some(1234.5)),
            ("1\u{a0}234.5", Some(1234.5)),
            ("1\u{202f}234", Some(1234.0)),
            ("1'234.5", Some(1234.5)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("500000.0", Some(500_000.0)),
            ("8.48E10", Some(8.48e10)),
            ("6.0E7", Some(6.0e7)),
            ("1e-3", Some(0.001)),
            ("-2.5e+3", Some(-2500.0)),
            ("$1,234.50", Some(1234.5)),
            ("$ 99", Some(99.0)),
            ("-$5", Some(-5.0)),
            ("$-5", Some(-5.0)),
            ("£7.5", Some(7.5)),
            ("99 €", Some(99.0)),
            ("0.61", Some(0.61)),
            ("001001", Some(1001.0)),
            ("1,5", None),
            ("0,61", None),
            ("1.234,5", None),
            ("1.2.3", None),
            ("1,23,456", None),
            ("1,234 567", None),
            (",234", None),
            ("1,234e3", None),
            ("12%", None),
            ("1e", None),
            ("1e+", None),
            ("e5", None),
            ("--5", None),
            ("+-5", None),
            ("$$5", None),
            ("$5€", None),
            ("5-", None),
            ("1e400", None),
            ("inf", None),
            ("NaN", None),
            ("abc", None),
            ("", None),
            ("-", None),
            ("$", None),
            (".", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_number(text, NumberStyle::DotDecimal),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn numbers_comma_decimal() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0,611553068", Some(0.611_553_068)),
            ("81,20416129", Some(81.204_161_29)),
            ("1,7", Some(1.7)),
            ("1.234,5", Some(1234.5)),
            ("1.234", Some(1234.0)),
            ("200.000.000", Some(200_000_000.0)),
            ("1 234,5", Some(1234.5)),
            ("1\u{a0}234,5", Some(1234.5)),
            ("-1.234,5 €", Some(-1234.5)),
            ("€ 1.234,50", Some(1234.5)),
            ("8,48E10", Some(8.48e10)),
            ("2013", Some(2013.0)),
            ("1,234.5", None),
            ("1.2.3", None),
            ("1.5", None),
            ("8.48E10", None),
            ("12,5%", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(
                parse_number(text, NumberStyle::CommaDecimal),
                expected,
                "{text:?}"
            );
        }
    }
}
