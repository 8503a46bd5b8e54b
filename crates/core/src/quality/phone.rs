//! Phone numbers: parsed and checked with libphonenumber's metadata (the
//! `phonenumber` crate) and written as E.164 (`+14155550123`). A number
//! without a country code is read in the lead's country (its default
//! region); with neither, it cannot be placed and is reported as such.

use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::Mode;

/// How many compiled patterns libphonenumber's cache keeps: more than the
/// metadata holds, so none is ever compiled twice.
const PATTERN_CACHE_SIZE: usize = 20_000;

/// libphonenumber's metadata compiles its patterns lazily into an LRU cache
/// of 100. Numbers from a dozen countries need more than that, so they evict
/// each other's patterns and nearly every check recompiled some: the quality
/// report of the 5,000-lead demo took 27 s in a debug build, 2.2 s with a
/// cache that holds every pattern (docs/benchmarks.md has release figures).
fn hold_every_pattern() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            *cache = regex_cache::RegexCache::new(PATTERN_CACHE_SIZE);
        }
    });
}

/// What a phone value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneCheck {
    /// No value (empty or blank).
    Empty,
    /// A valid number; `e164` is how it is written normalised.
    Valid { e164: String },
    /// Not a valid number, and why in a few words.
    Invalid { reason: &'static str },
}

/// Checks `raw`, reading a number without a country code in the country
/// with ISO 3166 alpha-2 code `default_region` ("US"), if one is given.
pub fn check(raw: &str, default_region: Option<&str>) -> PhoneCheck {
    hold_every_pattern();
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return PhoneCheck::Empty;
    }
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    if digits < 5 {
        return PhoneCheck::Invalid {
            reason: "too few digits",
        };
    }
    let region = default_region.and_then(|code| Id::from_str(&code.to_uppercase()).ok());
    if region.is_none() && !trimmed.starts_with('+') && !trimmed.starts_with("00") {
        return PhoneCheck::Invalid {
            reason: "no country code, and the lead has no known country",
        };
    }
    match phonenumber::parse(region, trimmed) {
        Err(_) => PhoneCheck::Invalid {
            reason: "not a phone number",
        },
        Ok(number) if !phonenumber::is_valid(&number) => PhoneCheck::Invalid {
            reason: "no such number in its country's numbering plan",
        },
        Ok(number) => PhoneCheck::Valid {
            e164: number.format().mode(Mode::E164).to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(raw: &str, region: Option<&str>) -> Option<String> {
        match check(raw, region) {
            PhoneCheck::Valid { e164 } => Some(e164),
            _ => None,
        }
    }

    #[test]
    fn national_and_international_forms_share_one_e164() {
        let expected = Some("+14155552671".to_owned());
        assert_eq!(e164("(415) 555-2671", Some("US")), expected);
        assert_eq!(e164("415.555.2671", Some("US")), expected);
        assert_eq!(e164("+1 415 555 2671", None), expected);
        assert_eq!(e164("+1 415 555 2671", Some("GB")), expected);
        assert_eq!(
            e164("020 7946 0958", Some("GB")),
            Some("+442079460958".to_owned())
        );
        assert_eq!(
            e164("030 901820", Some("de")),
            Some("+4930901820".to_owned())
        );
    }

    #[test]
    fn what_is_not_a_number_says_why() {
        assert_eq!(check("  ", Some("US")), PhoneCheck::Empty);
        assert!(matches!(
            check("n/a", Some("US")),
            PhoneCheck::Invalid { .. }
        ));
        assert!(matches!(
            check("123", Some("US")),
            PhoneCheck::Invalid { .. }
        ));
        assert!(matches!(
            check("415 555 2671", None),
            PhoneCheck::Invalid {
                reason: "no country code, and the lead has no known country"
            }
        ));
        assert!(matches!(
            check("+1 111 111 1111", None),
            PhoneCheck::Invalid { .. }
        ));
    }
}
