//! Countries: any spelling of a country ("USA", "U.S.", "United States of
//! America", "Deutschland", "DE") to its one name and ISO 3166 code, from
//! the ISO 3166 data the `keshvar` crate ships (official, common and native
//! names, alpha-2 and alpha-3 codes).
//!
//! The one name is the country's common English name where ISO's short name
//! is formal ("United States", not "United States of America"; "United
//! Kingdom"), else ISO's short name: what a marketer writes in a CRM. Codes
//! match only when written as codes (upper case, dots allowed: "DE", "U.S."),
//! so the word "in" or "no" is never India or Norway. A spelling two
//! countries share matches neither.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::fold_key;

/// A recognised country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// The one name values are normalised to.
    pub name: &'static str,
    /// ISO 3166-1 alpha-2, upper case: the default region for phone numbers.
    pub alpha2: &'static str,
}

struct Index {
    countries: Vec<Country>,
    /// Folded names (letters and digits only) to an index in `countries`.
    by_name: HashMap<String, usize>,
    /// Upper-case alpha-2 and alpha-3 codes to an index in `countries`.
    by_code: HashMap<String, usize>,
}

/// The letters and digits of a spelling, case folded: "U.S.A." and "usa"
/// share a key, as do "Côte d'Ivoire" and "côte divoire".
fn name_key(text: &str) -> String {
    fold_key(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut countries = Vec::new();
        let mut names: HashMap<String, Option<usize>> = HashMap::new();
        let mut by_code = HashMap::new();
        for country in keshvar::CountryIterator::new() {
            let position = countries.len();
            let unofficial = country.unofficial_name_list();
            let name = unofficial
                .first()
                .copied()
                .unwrap_or_else(|| country.iso_short_name());
            let alpha2 = leak(country.alpha2().to_string().to_uppercase());
            countries.push(Country { name, alpha2 });
            by_code.insert(alpha2.to_owned(), position);
            by_code.insert(country.alpha3().to_string().to_uppercase(), position);
            let spellings = [country.iso_short_name(), country.iso_long_name()]
                .into_iter()
                .chain(unofficial.iter().copied());
            for spelling in spellings {
                let key = name_key(spelling);
                if key.is_empty() {
                    continue;
                }
                let entry = names.entry(key).or_insert(Some(position));
                if *entry != Some(position) {
                    // Two countries share this spelling: it names neither.
                    *entry = None;
                }
            }
        }
        let by_name = names
            .into_iter()
            .filter_map(|(key, position)| position.map(|p| (key, p)))
            .collect();
        Index {
            countries,
            by_name,
            by_code,
        }
    })
}

/// The country `raw` names, if it names exactly one.
pub fn lookup(raw: &str) -> Option<Country> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let index = index();
    let looks_like_code = trimmed.chars().all(|c| c.is_ascii_uppercase() || c == '.')
        && trimmed.chars().any(|c| c.is_ascii_uppercase());
    if looks_like_code {
        let code: String = trimmed.chars().filter(|c| *c != '.').collect();
        if let Some(&position) = index.by_code.get(&code) {
            return Some(index.countries[position]);
        }
    }
    index
        .by_name
        .get(&name_key(trimmed))
        .map(|&position| index.countries[position])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(raw: &str) -> Option<&'static str> {
        lookup(raw).map(|c| c.name)
    }

    #[test]
    fn variants_of_one_country_share_its_name_and_code() {
        for raw in [
            "USA",
            "U.S.",
            "US",
            "u.s.a.",
            "United States",
            "United States of America",
            "united states",
        ] {
            assert_eq!(name_of(raw), Some("United States"), "{raw}");
            assert_eq!(lookup(raw).unwrap().alpha2, "US", "{raw}");
        }
        for raw in ["Deutschland", "Germany", "DE", "DEU", "germany "] {
            assert_eq!(name_of(raw), Some("Germany"), "{raw}");
        }
        for raw in ["UK", "U.K.", "United Kingdom", "Great Britain", "GB"] {
            assert_eq!(name_of(raw), Some("United Kingdom"), "{raw}");
        }
        assert_eq!(name_of("Canada"), Some("Canada"));
        assert_eq!(name_of("CA"), Some("Canada"));
    }

    #[test]
    fn words_that_are_not_countries_match_nothing() {
        assert_eq!(name_of(""), None);
        assert_eq!(name_of("n/a"), None);
        assert_eq!(name_of("in"), None, "a lower-case word is not a code");
        assert_eq!(name_of("no"), None);
        assert_eq!(name_of("Atlantis"), None);
    }
}
