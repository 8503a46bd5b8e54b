//! Identifiers normalised as each ad platform documents, and hashed with
//! SHA-256 (lower-case hex). The rules and their sources are in
//! docs/decisions.md, "Privacy (issue 15): consent and audiences".

use sha2::{Digest, Sha256};

use crate::quality::{country, phone};

/// SHA-256 of the UTF-8 bytes of `text`, as 64 lower-case hex digits.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// An e-mail address as Google, Meta and LinkedIn normalise it before
/// hashing: leading and trailing whitespace removed, lower case. `None`
/// for a blank value or one without an `@`.
pub fn email(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (trimmed.contains('@') && !trimmed.starts_with('@') && !trimmed.ends_with('@'))
        .then(|| trimmed.to_lowercase())
}

/// A phone number in E.164 (`+14155550123`), read in the lead's country
/// when it has no country code; `None` when it is not a valid number.
pub fn phone_e164(raw: &str, country_alpha2: Option<&str>) -> Option<String> {
    match phone::check(raw, country_alpha2) {
        phone::PhoneCheck::Valid { e164 } => Some(e164),
        _ => None,
    }
}

/// Meta's form of a phone number: digits only, country code included, no
/// leading zeros (E.164 without its `+`).
pub fn phone_digits(e164: &str) -> String {
    e164.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .trim_start_matches('0')
        .to_owned()
}

/// A name as Google normalises it: trimmed, lower case. `None` when blank.
pub fn name_lowercase(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_lowercase())
}

/// A name, city or region as Meta normalises it: lower case, letters and
/// digits only (no punctuation, no spaces), accented letters kept as UTF-8.
/// `None` when nothing is left.
pub fn meta_letters(raw: &str) -> Option<String> {
    let kept: String = raw
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// A lead's country as its ISO 3166-1 alpha-2 code, upper case ("US").
pub fn country_alpha2(raw: &str) -> Option<&'static str> {
    country::lookup(raw).map(|c| c.alpha2)
}

/// US states and DC with their two-letter ANSI codes, lower case: Meta's
/// form of the state (`st`) of a US lead.
const US_STATES: [(&str, &str); 51] = [
    ("Alabama", "al"),
    ("Alaska", "ak"),
    ("Arizona", "az"),
    ("Arkansas", "ar"),
    ("California", "ca"),
    ("Colorado", "co"),
    ("Connecticut", "ct"),
    ("Delaware", "de"),
    ("District of Columbia", "dc"),
    ("Florida", "fl"),
    ("Georgia", "ga"),
    ("Hawaii", "hi"),
    ("Idaho", "id"),
    ("Illinois", "il"),
    ("Indiana", "in"),
    ("Iowa", "ia"),
    ("Kansas", "ks"),
    ("Kentucky", "ky"),
    ("Louisiana", "la"),
    ("Maine", "me"),
    ("Maryland", "md"),
    ("Massachusetts", "ma"),
    ("Michigan", "mi"),
    ("Minnesota", "mn"),
    ("Mississippi", "ms"),
    ("Missouri", "mo"),
    ("Montana", "mt"),
    ("Nebraska", "ne"),
    ("Nevada", "nv"),
    ("New Hampshire", "nh"),
    ("New Jersey", "nj"),
    ("New Mexico", "nm"),
    ("New York", "ny"),
    ("North Carolina", "nc"),
    ("North Dakota", "nd"),
    ("Ohio", "oh"),
    ("Oklahoma", "ok"),
    ("Oregon", "or"),
    ("Pennsylvania", "pa"),
    ("Rhode Island", "ri"),
    ("South Carolina", "sc"),
    ("South Dakota", "sd"),
    ("Tennessee", "tn"),
    ("Texas", "tx"),
    ("Utah", "ut"),
    ("Vermont", "vt"),
    ("Virginia", "va"),
    ("Washington", "wa"),
    ("West Virginia", "wv"),
    ("Wisconsin", "wi"),
    ("Wyoming", "wy"),
];

/// Meta's form of a region: the lower-case two-letter code of a US state
/// (from its name or its code), otherwise lower-case letters only.
pub fn meta_region(raw: &str, country_alpha2: Option<&str>) -> Option<String> {
    if country_alpha2 == Some("US") {
        let trimmed = raw.trim();
        let found = US_STATES.iter().find(|(name, code)| {
            name.eq_ignore_ascii_case(trimmed) || code.eq_ignore_ascii_case(trimmed)
        });
        if let Some((_, code)) = found {
            return Some((*code).to_owned());
        }
    }
    meta_letters(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_fips_180_example() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased_and_dots_are_kept() {
        assert_eq!(
            email("  John.Doe@Example.COM ").as_deref(),
            Some("john.doe@example.com")
        );
        // No gmail dot removal: Customer Match does not document it (decisions.md).
        assert_eq!(
            email("Jane.Doe@gmail.com").as_deref(),
            Some("jane.doe@gmail.com")
        );
        assert_eq!(email("   "), None);
        assert_eq!(email("not an address"), None);
    }

    #[test]
    fn phones_become_e164_in_the_leads_country_and_digits_for_meta() {
        assert_eq!(
            phone_e164("(650) 253-0000", Some("US")).as_deref(),
            Some("+16502530000")
        );
        assert_eq!(
            phone_e164("020 7946 0958", Some("GB")).as_deref(),
            Some("+442079460958")
        );
        assert_eq!(phone_e164("12", Some("US")), None);
        assert_eq!(phone_digits("+442079460958"), "442079460958");
    }

    #[test]
    fn meta_names_lose_punctuation_and_spaces_but_keep_accents() {
        assert_eq!(
            meta_letters(" O'Brien-Smith ").as_deref(),
            Some("obriensmith")
        );
        assert_eq!(meta_letters("José").as_deref(), Some("josé"));
        assert_eq!(meta_letters("New York").as_deref(), Some("newyork"));
        assert_eq!(meta_letters(" .- "), None);
    }

    #[test]
    fn us_states_become_their_code_for_meta() {
        assert_eq!(meta_region("California", Some("US")).as_deref(), Some("ca"));
        assert_eq!(meta_region("NY", Some("US")).as_deref(), Some("ny"));
        assert_eq!(
            meta_region("Ontario", Some("CA")).as_deref(),
            Some("ontario")
        );
    }

    #[test]
    fn countries_become_alpha2() {
        assert_eq!(country_alpha2("United States"), Some("US"));
        assert_eq!(
            country_alpha2("Deutschland").or(country_alpha2("Germany")),
            Some("DE")
        );
    }
}
