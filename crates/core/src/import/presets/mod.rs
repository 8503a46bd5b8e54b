//! The mapping tables as data: the JSON files beside this module (CRM header
//! presets, headers common to every source, category words and event-type
//! spellings), compiled in with `include_str!` and parsed once.
//!
//! The unit tests below guarantee that every file parses, names only known
//! fields, categories or event types, and lists no header twice. Should a
//! file still fail to parse at run time, its table is empty (and the reason
//! is written to standard error) rather than the app panicking: headers are
//! then simply not recognised.

use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::mapping::CrmSource;
use crate::fields::Category;

/// The header presets of one CRM (`crm.json`).
#[derive(Debug, Deserialize)]
pub(crate) struct CrmPreset {
    pub(crate) source: CrmSource,
    /// Headers this CRM writes and the field each fills (a standard field key
    /// or `external_id`).
    pub(crate) fields: Vec<(String, String)>,
    /// Headers only this CRM writes, mapped or not: evidence for
    /// `mapping::detect_source`. Compared lower-cased, spaces kept.
    pub(crate) signature: Vec<String>,
    /// Header prefixes and suffixes only this CRM writes.
    pub(crate) signature_prefixes: Vec<String>,
    pub(crate) signature_suffixes: Vec<String>,
    /// Kinds of record this CRM exports whose headers mean something else
    /// than in a lead export (a Salesforce Account's `Name` is the company).
    #[serde(default)]
    pub(crate) record_kinds: Vec<RecordKind>,
}

/// A kind of record a CRM exports (`crm.json`), recognised by its headers,
/// and the fields some of its headers fill in that kind of file.
#[derive(Debug, Deserialize)]
pub(crate) struct RecordKind {
    /// What the record is, for the reader of the JSON file.
    #[allow(dead_code)]
    pub(crate) about: String,
    /// The file is of this kind when it has any of these headers
    /// (compared in their matching form, see `mapping::header_key`) …
    pub(crate) when_any: Vec<String>,
    /// … and none of these.
    pub(crate) unless_any: Vec<String>,
    /// Headers of this kind of record and the field each fills.
    pub(crate) fields: Vec<(String, String)>,
}

/// The words that suggest one category (`category_words.json`).
#[derive(Debug, Deserialize)]
pub(crate) struct CategoryWords {
    pub(crate) category: Category,
    /// A multi-word entry matches consecutive header words; an entry ending
    /// in `*` matches any word starting with it; other entries match a word
    /// exactly or with a plural `s`.
    pub(crate) words: Vec<String>,
}

/// One of our event types and the names other tools give it
/// (`event_types.json`).
#[derive(Debug, Deserialize)]
pub(crate) struct EventTypeSpellings {
    pub(crate) event_type: String,
    pub(crate) spellings: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CrmFile {
    presets: Vec<CrmPreset>,
}

#[derive(Debug, Default, Deserialize)]
struct CommonHeadersFile {
    headers: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
struct CategoryWordsFile {
    categories: Vec<CategoryWords>,
}

#[derive(Debug, Default, Deserialize)]
struct EventTypesFile {
    event_types: Vec<EventTypeSpellings>,
}

const CRM_JSON: &str = include_str!("crm.json");
const COMMON_HEADERS_JSON: &str = include_str!("common_headers.json");
const CATEGORY_WORDS_JSON: &str = include_str!("category_words.json");
const EVENT_TYPES_JSON: &str = include_str!("event_types.json");

/// Parses a table compiled into the binary; an empty table (and a message
/// on standard error) if it does not parse, which the unit tests rule out.
fn parse_table<T: DeserializeOwned + Default>(file_name: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|error| {
        eprintln!(
            "leadstream: the import preset table {file_name} is broken ({error}); it is ignored"
        );
        T::default()
    })
}

static CRM: LazyLock<CrmFile> = LazyLock::new(|| parse_table("crm.json", CRM_JSON));
static COMMON_HEADERS: LazyLock<CommonHeadersFile> =
    LazyLock::new(|| parse_table("common_headers.json", COMMON_HEADERS_JSON));
static CATEGORY_WORDS: LazyLock<CategoryWordsFile> =
    LazyLock::new(|| parse_table("category_words.json", CATEGORY_WORDS_JSON));
static EVENT_TYPES: LazyLock<EventTypesFile> =
    LazyLock::new(|| parse_table("event_types.json", EVENT_TYPES_JSON));

/// The header presets of every CRM whose exports we recognise.
pub(crate) fn crm_presets() -> &'static [CrmPreset] {
    &CRM.presets
}

/// Headers of any source and the field each fills: generic names,
/// spreadsheets, our own field keys (so exported workspaces re-import), and
/// the X Education lead file.
pub(crate) fn common_headers() -> &'static [(String, String)] {
    &COMMON_HEADERS.headers
}

/// Header words that suggest each category, in order of precedence.
pub(crate) fn category_words() -> &'static [CategoryWords] {
    &CATEGORY_WORDS.categories
}

/// Our event types and their spellings elsewhere.
pub(crate) fn event_types() -> &'static [EventTypeSpellings] {
    &EVENT_TYPES.event_types
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::import::mapping::STANDARD_FIELDS;

    fn assert_no_duplicates<'a>(what: &str, items: impl IntoIterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for item in items {
            assert!(seen.insert(item), "{what} lists {item:?} twice");
        }
    }

    #[test]
    fn every_table_parses() {
        serde_json::from_str::<CrmFile>(CRM_JSON).unwrap();
        serde_json::from_str::<CommonHeadersFile>(COMMON_HEADERS_JSON).unwrap();
        serde_json::from_str::<CategoryWordsFile>(CATEGORY_WORDS_JSON).unwrap();
        serde_json::from_str::<EventTypesFile>(EVENT_TYPES_JSON).unwrap();
    }

    #[test]
    fn crm_presets_name_known_fields_once_each() {
        let presets = &serde_json::from_str::<CrmFile>(CRM_JSON).unwrap().presets;
        assert_eq!(presets.len(), 5);
        let sources: Vec<CrmSource> = presets.iter().map(|p| p.source).collect();
        assert!(!sources.contains(&CrmSource::Unknown));
        assert_eq!(sources.iter().collect::<HashSet<_>>().len(), sources.len());
        for preset in presets {
            let what = format!("{:?}", preset.source);
            for (header, field) in &preset.fields {
                assert!(
                    STANDARD_FIELDS.contains(&field.as_str()) || field == "external_id",
                    "{what}: {header} → {field} is not a known field"
                );
            }
            assert_no_duplicates(&what, preset.fields.iter().map(|(h, _)| h.as_str()));
            assert_no_duplicates(&what, preset.signature.iter().map(String::as_str));
            for signature in &preset.signature {
                assert_eq!(signature, &signature.to_lowercase(), "{what}");
            }
            for kind in &preset.record_kinds {
                assert!(!kind.when_any.is_empty(), "{what}: {}", kind.about);
                for (header, field) in &kind.fields {
                    assert!(
                        STANDARD_FIELDS.contains(&field.as_str()),
                        "{what}: {header} → {field} is not a known field"
                    );
                }
            }
        }
    }

    #[test]
    fn common_headers_name_known_fields_once_each() {
        let headers = serde_json::from_str::<CommonHeadersFile>(COMMON_HEADERS_JSON)
            .unwrap()
            .headers;
        assert!(!headers.is_empty());
        for (header, field) in &headers {
            assert!(
                STANDARD_FIELDS.contains(&field.as_str()) || field == "external_id",
                "{header} → {field} is not a known field"
            );
        }
        assert_no_duplicates("common headers", headers.iter().map(|(h, _)| h.as_str()));
    }

    #[test]
    fn category_words_cover_each_category_once() {
        let categories = serde_json::from_str::<CategoryWordsFile>(CATEGORY_WORDS_JSON)
            .unwrap()
            .categories;
        assert_eq!(categories.len(), 7);
        let distinct: Vec<String> = categories
            .iter()
            .map(|c| format!("{:?}", c.category))
            .collect();
        assert_no_duplicates("category words", distinct.iter().map(String::as_str));
        for entry in &categories {
            let what = format!("{:?}", entry.category);
            assert_no_duplicates(&what, entry.words.iter().map(String::as_str));
            assert!(entry.words.iter().all(|w| !w.is_empty()), "{what}");
        }
    }

    #[test]
    fn event_types_are_snake_case_and_listed_once() {
        let event_types = serde_json::from_str::<EventTypesFile>(EVENT_TYPES_JSON)
            .unwrap()
            .event_types;
        assert!(!event_types.is_empty());
        assert_no_duplicates(
            "event types",
            event_types.iter().map(|e| e.event_type.as_str()),
        );
        for entry in &event_types {
            assert!(
                entry
                    .event_type
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                entry.event_type
            );
            assert_no_duplicates(
                &entry.event_type,
                entry.spellings.iter().map(String::as_str),
            );
        }
    }

    #[test]
    fn the_loaded_tables_are_the_files() {
        assert_eq!(crm_presets().len(), 5);
        assert!(!common_headers().is_empty());
        assert_eq!(category_words().len(), 7);
        assert!(!event_types().is_empty());
    }
}
