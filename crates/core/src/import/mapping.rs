//! Mapping CSV columns to fields: presets for the headers of HubSpot,
//! Salesforce, Zoho and Pipedrive exports, and custom-field suggestions.
//!
//! # Header matching
//!
//! Headers are compared by their words ([`words`]): case, accents,
//! punctuation, spacing and camel-case humps do not matter, so `FirstName`,
//! `FIRSTNAME`, `first_name` and `First Name` all match the preset entry
//! `First Name`, and `Country/Region` matches `Country Region`. The preset
//! tables are data (JSON files in `import/presets/`, see [`super::presets`]):
//! `(header, field key)` pairs per CRM, plus the headers every CRM and
//! spreadsheet uses. A header maps to a standard field when any table lists
//! it; the tables agree wherever they overlap (a unit test checks this).
//!
//! Some real headers deliberately map to no standard field and become custom
//! fields: lead statuses and ratings (`Lead Status`, `Status`, `Rating`,
//! `Person - Label`: sales dispositions, not lifecycle stages), mobile numbers
//! (`Mobile`, `MobilePhone`: the `phone` field takes the main number, so a
//! file with both keeps both), full names (`Name`, `Person - Name`) and
//! secondary ids (`Lead Number`).
//!
//! # Source detection
//!
//! [`detect_source`] counts headers that only one CRM writes (its signature:
//! Salesforce API names such as `HasOptedOutOfEmail` or `…__c`, Pipedrive's
//! `Person - …` prefixes, HubSpot's `Country/Region`, Zoho's `Designation`).
//! Signatures compare lower-cased with spaces kept, so `FirstName`
//! (Salesforce) and `First Name` (everyone) differ. A CRM needs at least two
//! signature headers and more than any other; otherwise an event log (see
//! [`looks_like_events`]) counts as web analytics, and anything else is
//! unknown.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::normalize::words;
use super::presets::{category_words, common_headers, crm_presets, event_types};
use crate::fields::{Category, FieldType};

/// A CRM whose export headers we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CrmSource {
    Hubspot,
    Salesforce,
    Zoho,
    Pipedrive,
    /// Analytics or event-log exports (page views, sessions, UTM tags).
    WebAnalytics,
    Unknown,
}

/// For event files: which column is which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EventColumn {
    /// The e-mail of the lead who did it.
    LeadEmail,
    /// The lead's id in the source system.
    LeadExternalId,
    /// What happened.
    EventType,
    /// When it happened.
    OccurredAt,
    /// Anything else: url, asset, value, campaign, …; kept in the event's
    /// properties.
    Property,
}

/// The standard lead fields, in catalogue order (the `fields` seed of
/// `0001_init.sql`).
pub const STANDARD_FIELDS: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "job_title",
    "persona",
    "country",
    "region",
    "city",
    "timezone",
    "industry",
    "employees",
    "annual_revenue",
    "lifecycle_stage",
    "buying_stage",
    "lead_source",
    "entry_point",
    "email_opt_in",
    "do_not_email",
    "ads_opt_in",
    "do_not_sell",
    "score",
    "created_at",
    "updated_at",
];

/// Keys a custom field may never take (see `fields::add_custom`).
const RESERVED_KEYS: &[&str] = &["id", "external_id", "email_key", "event", "segment"];

/// The matching form of a header: its words run together (`Country/Region`
/// → `countryregion`, `FIRSTNAME` and `First Name` → `firstname`).
fn header_key(header: &str) -> String {
    words(header).concat()
}

/// The signature form of a header: lower-case, trimmed, inner spaces
/// collapsed, punctuation kept.
fn signature_form(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every preset and common header by matching form; presets first.
fn header_index() -> &'static HashMap<String, &'static str> {
    static INDEX: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
        let mut index = HashMap::new();
        let tables = crm_presets()
            .iter()
            .map(|preset| preset.fields.as_slice())
            .chain([common_headers()]);
        for table in tables {
            for (header, field) in table {
                index.entry(header_key(header)).or_insert(field.as_str());
            }
        }
        for &field in STANDARD_FIELDS {
            index.entry(header_key(field)).or_insert(field);
        }
        index
    });
    &INDEX
}

/// Guesses which CRM wrote a file from its headers (see the module
/// documentation).
pub fn detect_source(headers: &[String]) -> CrmSource {
    let forms: Vec<String> = headers.iter().map(|h| signature_form(h)).collect();
    let mut scores: Vec<(CrmSource, usize)> = crm_presets()
        .iter()
        .map(|preset| {
            let score = forms
                .iter()
                .filter(|form| {
                    preset.signature.contains(form)
                        || preset
                            .signature_prefixes
                            .iter()
                            .any(|prefix| form.starts_with(prefix))
                        || preset
                            .signature_suffixes
                            .iter()
                            .any(|suffix| form.ends_with(suffix))
                })
                .count();
            (preset.source, score)
        })
        .collect();
    scores.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    match scores.as_slice() {
        [(source, best), rest @ ..]
            if *best >= 2 && rest.first().is_none_or(|&(_, next)| next < *best) =>
        {
            *source
        }
        _ if looks_like_events(headers) => CrmSource::WebAnalytics,
        _ => CrmSource::Unknown,
    }
}

/// The standard lead field key (or `external_id`) for an export header, from
/// the presets of every CRM; `None` when the header is not a standard field.
pub fn standard_field_for_header(header: &str) -> Option<&'static str> {
    header_index().get(&header_key(header)).copied()
}

/// The headers whose field depends on the kind of record the file holds
/// (`record_kinds` in `crm.json`): for a Salesforce Account export, `Name`
/// fills `company`. Keys are headers in their matching form; an empty map
/// for any other file. Looked up before [`standard_field_for_header`].
pub fn record_kind_fields(headers: &[String]) -> HashMap<String, &'static str> {
    let present: HashSet<String> = headers.iter().map(|h| header_key(h)).collect();
    let has_any = |list: &[String]| list.iter().any(|h| present.contains(&header_key(h)));
    crm_presets()
        .iter()
        .flat_map(|preset| &preset.record_kinds)
        .filter(|kind| has_any(&kind.when_any) && !has_any(&kind.unless_any))
        .flat_map(|kind| &kind.fields)
        .map(|(header, field)| (header_key(header), field.as_str()))
        .collect()
}

/// The standard field for `header` in a file whose [`record_kind_fields`]
/// are `kind_fields`: the record kind's field first, then the presets'.
pub fn standard_field_in_file(
    header: &str,
    kind_fields: &HashMap<String, &'static str>,
) -> Option<&'static str> {
    kind_fields
        .get(&header_key(header))
        .copied()
        .or_else(|| standard_field_for_header(header))
}

/// Custom field keys handed out so far: each new key is unique, in constant
/// time (amortised) however many columns share a name.
#[derive(Debug, Clone, Default)]
pub struct CustomKeys {
    taken: HashSet<String>,
    /// For each base key, the next suffix worth trying.
    next_suffix: HashMap<String, usize>,
}

impl CustomKeys {
    /// Starts with the keys already in use (the field catalogue's).
    pub fn new(taken: impl IntoIterator<Item = String>) -> Self {
        CustomKeys {
            taken: taken.into_iter().collect(),
            next_suffix: HashMap::new(),
        }
    }

    fn is_free(&self, key: &str) -> bool {
        !self.taken.contains(key)
            && !STANDARD_FIELDS.contains(&key)
            && !RESERVED_KEYS.contains(&key)
    }

    /// A new custom-field key for a header, now taken: lower-case ASCII
    /// snake_case with accents transliterated (`Année` → `annee`,
    /// `NumWebVisitsMonth` → `num_web_visits_month`), other characters
    /// dropped, starting with a letter (`f_` is prefixed otherwise; a header
    /// with no usable character gives `field`), at most 64 characters, and
    /// unique: not taken, not a standard field key and not reserved (`id`,
    /// `external_id`, …), with `_2`, `_3`, … appended as needed.
    pub fn key_for_header(&mut self, header: &str) -> String {
        const MAX_LEN: usize = 64;
        let ascii_words: Vec<String> = words(header)
            .into_iter()
            .map(|word| word.chars().filter(char::is_ascii_alphanumeric).collect())
            .filter(|word: &String| !word.is_empty())
            .collect();
        let base = match ascii_words.join("_") {
            joined if joined.is_empty() => "field".to_owned(),
            joined if joined.starts_with(|c: char| c.is_ascii_lowercase()) => joined,
            joined => format!("f_{joined}"),
        };
        let truncated = |len: usize| base[..base.len().min(len)].trim_end_matches('_').to_owned();
        let mut key = truncated(MAX_LEN);
        if !self.is_free(&key) {
            // Suffixes below the remembered one are taken: never try them again.
            let mut suffix = self.next_suffix.get(&base).copied().unwrap_or(2);
            loop {
                let tail = format!("_{suffix}");
                key = format!("{}{tail}", truncated(MAX_LEN - tail.len()));
                suffix += 1;
                if self.is_free(&key) {
                    break;
                }
            }
            self.next_suffix.insert(base, suffix);
        }
        self.taken.insert(key.clone());
        key
    }
}

/// Does `pattern` (one or more words, see `category_words.json`) occur in
/// `header_words`?
fn phrase_matches(pattern: &str, header_words: &[String]) -> bool {
    let pattern: Vec<&str> = pattern.split(' ').collect();
    let word_matches = |expected: &str, word: &str| match expected.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == expected || word.strip_suffix('s') == Some(expected),
    };
    header_words.windows(pattern.len()).any(|window| {
        window
            .iter()
            .zip(&pattern)
            .all(|(word, expected)| word_matches(expected, word))
    })
}

/// Guesses the segmentation category of a new custom field from its header
/// words (`category_words.json`): multi-word phrases are tried before single
/// words ("Total Time Spent on Website" is behavioural, not firmographic),
/// and within each pass the categories in the table's order. A header that
/// is one run-together word (`SHIPPINGCITY`, `ANNUALREVENUE`) is then
/// searched for entries of at least 4 letters. With no match, dates and
/// booleans (activity dates, flags such as `Converted`) are behavioural, and
/// text, numbers and lists demographic.
pub fn guess_category(header: &str, field_type: FieldType) -> Category {
    let header_words = words(header);
    for multi_word in [true, false] {
        for entry in category_words() {
            let (category, patterns) = (&entry.category, &entry.words);
            let found = patterns
                .iter()
                .filter(|pattern| pattern.contains(' ') == multi_word)
                .any(|pattern| phrase_matches(pattern, &header_words));
            if found {
                return *category;
            }
        }
    }
    if let [word] = header_words.as_slice() {
        for entry in category_words() {
            let (category, patterns) = (&entry.category, &entry.words);
            let found = patterns.iter().any(|pattern| {
                let letters = pattern.replace([' ', '*'], "");
                letters.len() >= 4 && word.contains(&letters)
            });
            if found {
                return *category;
            }
        }
    }
    match field_type {
        FieldType::Date | FieldType::Boolean => Category::Behavioral,
        FieldType::Text | FieldType::Number | FieldType::List => Category::Demographic,
    }
}

/// Words that qualify an id or an e-mail as the lead's.
const LEAD_WORDS: &[&str] = &[
    "lead",
    "contact",
    "record",
    "external",
    "prospect",
    "user",
    "customer",
    "visitor",
    "person",
    "crm",
    "client",
    "subscriber",
    "member",
    "recipient",
];

/// Which role a column of an event file plays, tried in this order:
///
/// - [`EventColumn::LeadEmail`]: an e-mail word (`Email`, `E-mail`, `Mail`)
///   with only lead words or `address`/`id` beside it (`Contact Email`,
///   `email_address`), not `Email Subject`.
/// - [`EventColumn::LeadExternalId`]: an id word (`id`, `number`, `uid`,
///   `key`) with a lead word (`Lead ID`, `user_id`, `Contact Number`), or one
///   word such as `leadid`. A bare `ID` is the event's own id: a property.
/// - [`EventColumn::OccurredAt`]: `timestamp`, `date`, `time`, `datetime`,
///   `occurred`, `created`, `when`, `ts`, or a word ending in `date`/`time`,
///   unless it is a duration (`Time on Page`, `Time Spent`, `Duration`).
/// - [`EventColumn::EventType`]: only the words `event`, `type`, `activity`,
///   `action`, `interaction`, `touchpoint`, `name`, `kind`, with at least one
///   of the first six (`Event`, `Event Type`, `Activity Type`, `Action`).
/// - [`EventColumn::Property`]: everything else.
pub fn event_column_for_header(header: &str) -> EventColumn {
    let header_words = words(header);
    let has = |set: &[&str]| header_words.iter().any(|w| set.contains(&w.as_str()));
    let only = |set: &[&str]| header_words.iter().all(|w| set.contains(&w.as_str()));
    if header_words.is_empty() {
        return EventColumn::Property;
    }

    const EMAIL_WORDS: &[&str] = &["email", "mail", "emailaddress"];
    let email_companions: Vec<&str> = LEAD_WORDS
        .iter()
        .copied()
        .chain(["email", "mail", "emailaddress", "e", "address", "id"])
        .collect();
    if has(EMAIL_WORDS) && only(&email_companions) {
        return EventColumn::LeadEmail;
    }

    const ID_WORDS: &[&str] = &["id", "identifier", "uid", "key", "number", "no"];
    let one_word_id = header_words.len() == 1
        && LEAD_WORDS
            .iter()
            .any(|lead| header_words[0] == format!("{lead}id"));
    if one_word_id || header_words[0] == "uid" || (has(ID_WORDS) && has(LEAD_WORDS)) {
        return EventColumn::LeadExternalId;
    }

    const DURATION_WORDS: &[&str] = &[
        "spent", "on", "duration", "zone", "timezone", "seconds", "sec", "minutes", "length",
    ];
    let names_time = header_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "timestamp" | "date" | "time" | "datetime" | "occurred" | "created" | "when" | "ts"
        ) || w.ends_with("date")
            || w.ends_with("time")
            || w.ends_with("timestamp")
    });
    if names_time && !has(DURATION_WORDS) {
        return EventColumn::OccurredAt;
    }

    const TYPE_WORDS: &[&str] = &[
        "event",
        "type",
        "activity",
        "action",
        "interaction",
        "touchpoint",
    ];
    let type_companions: Vec<&str> = TYPE_WORDS.iter().copied().chain(["name", "kind"]).collect();
    if has(TYPE_WORDS) && only(&type_companions) {
        return EventColumn::EventType;
    }
    EventColumn::Property
}

/// Does this header set look like an event log: a type column, a timestamp
/// column and a lead identifier (e-mail or id), and few lead attributes (at
/// most 2, or a quarter of the columns when there are more than 8)?
pub fn looks_like_events(headers: &[String]) -> bool {
    let roles: Vec<EventColumn> = headers.iter().map(|h| event_column_for_header(h)).collect();
    let has = |role| roles.contains(&role);
    let lead_attributes = headers
        .iter()
        .zip(&roles)
        .filter(|(header, role)| {
            **role == EventColumn::Property
                && standard_field_for_header(header).is_some_and(|field| {
                    !matches!(field, "email" | "external_id" | "created_at" | "updated_at")
                })
        })
        .count();
    has(EventColumn::EventType)
        && has(EventColumn::OccurredAt)
        && (has(EventColumn::LeadEmail) || has(EventColumn::LeadExternalId))
        && lead_attributes <= 2.max(headers.len() / 4)
}

/// Maps a free-text event name to one of our event types when the name is
/// one of its known spellings (`event_types.json`: `Email Opened` →
/// `email_open`, `Page Visited on Website` → `page_view`, `Add to Cart` →
/// `cart_add`). Anything else becomes the snake_case of its words, so a name
/// that merely contains a type keeps its meaning: `Whitepaper Download` →
/// `whitepaper_download`, `Email Bounced` → `email_bounced`. A name with no
/// letters or digits gives an empty string.
pub fn normalize_event_type(raw: &str) -> String {
    // Each known type's key and its spellings' keys, made once; the first
    // entry that has a key wins.
    static KNOWN: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
        let mut known = HashMap::new();
        for entry in event_types() {
            for spelling in std::iter::once(&entry.event_type).chain(&entry.spellings) {
                known
                    .entry(header_key(spelling))
                    .or_insert(entry.event_type.as_str());
            }
        }
        known
    });
    let raw_words = words(raw);
    match KNOWN.get(&raw_words.concat()) {
        Some(event_type) => (*event_type).to_owned(),
        None => raw_words.join("_"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::is_valid_key;
    use proptest::prelude::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn assert_maps(cases: &[(&str, Option<&str>)]) {
        for &(header, expected) in cases {
            assert_eq!(standard_field_for_header(header), expected, "{header:?}");
        }
    }

    #[test]
    fn hubspot_headers() {
        assert_maps(&[
            ("Record ID", Some("external_id")),
            ("First Name", Some("first_name")),
            ("Last Name", Some("last_name")),
            ("Email", Some("email")),
            ("Phone Number", Some("phone")),
            ("Company Name", Some("company")),
            ("Job Title", Some("job_title")),
            ("Country/Region", Some("country")),
            ("State/Region", Some("region")),
            ("City", Some("city")),
            ("Industry", Some("industry")),
            ("Number of Employees", Some("employees")),
            ("Annual Revenue", Some("annual_revenue")),
            ("Lifecycle Stage", Some("lifecycle_stage")),
            ("Lead Status", None),
            ("Original Source", Some("lead_source")),
            ("Create Date", Some("created_at")),
            ("Last Modified Date", Some("updated_at")),
            ("Time Zone", Some("timezone")),
            ("Persona", Some("persona")),
            ("Marketing contact status", Some("email_opt_in")),
            ("Unsubscribed from all email", Some("do_not_email")),
            ("HubSpot Score", Some("score")),
            ("Contact owner", None),
        ]);
    }

    #[test]
    fn salesforce_headers() {
        assert_maps(&[
            ("Id", Some("external_id")),
            ("Lead ID", Some("external_id")),
            ("Contact ID", Some("external_id")),
            ("FirstName", Some("first_name")),
            ("LastName", Some("last_name")),
            ("Email", Some("email")),
            ("Phone", Some("phone")),
            ("MobilePhone", None),
            ("Company", Some("company")),
            ("Account Name", Some("company")),
            ("Title", Some("job_title")),
            ("Country", Some("country")),
            ("State", Some("region")),
            ("City", Some("city")),
            ("Industry", Some("industry")),
            ("NumberOfEmployees", Some("employees")),
            ("AnnualRevenue", Some("annual_revenue")),
            ("LeadSource", Some("lead_source")),
            ("Lead Source", Some("lead_source")),
            ("Status", None),
            ("Rating", None),
            ("HasOptedOutOfEmail", Some("do_not_email")),
            ("Email Opt Out", Some("do_not_email")),
            ("CreatedDate", Some("created_at")),
            ("LastModifiedDate", Some("updated_at")),
            // Data Loader's upper-case API names.
            ("ID", Some("external_id")),
            ("BILLINGCITY", Some("city")),
            ("BILLINGSTATE", Some("region")),
            ("BILLINGCOUNTRY", Some("country")),
            ("ANNUALREVENUE", Some("annual_revenue")),
            ("NUMBEROFEMPLOYEES", Some("employees")),
            ("CREATEDDATE", Some("created_at")),
            ("LASTMODIFIEDDATE", Some("updated_at")),
            ("SHIPPINGCITY", None),
            ("ORACLE_ID__C", None),
        ]);
    }

    #[test]
    fn zoho_headers() {
        assert_maps(&[
            ("Lead Id", Some("external_id")),
            ("Record Id", Some("external_id")),
            ("First Name", Some("first_name")),
            ("Last Name", Some("last_name")),
            ("Email", Some("email")),
            ("Phone", Some("phone")),
            ("Mobile", None),
            ("Company", Some("company")),
            ("Designation", Some("job_title")),
            ("Country", Some("country")),
            ("State", Some("region")),
            ("City", Some("city")),
            ("Industry", Some("industry")),
            ("No. of Employees", Some("employees")),
            ("Annual Revenue", Some("annual_revenue")),
            ("Lead Source", Some("lead_source")),
            ("Lead Status", None),
            ("Email Opt Out", Some("do_not_email")),
            ("Created Time", Some("created_at")),
            ("Modified Time", Some("updated_at")),
        ]);
    }

    #[test]
    fn pipedrive_headers() {
        assert_maps(&[
            ("Person - ID", Some("external_id")),
            ("Person - Name", None),
            ("Person - First name", Some("first_name")),
            ("Person - Last name", Some("last_name")),
            ("Person - Email", Some("email")),
            ("Person - Email - Work", Some("email")),
            ("Person - Phone", Some("phone")),
            ("Organization - Name", Some("company")),
            ("Person - Organization", Some("company")),
            ("Person - Job title", Some("job_title")),
            ("Lead - Source", Some("lead_source")),
            ("Person - Label", None),
            ("Person - Add time", Some("created_at")),
            ("Person - Update time", Some("updated_at")),
        ]);
    }

    #[test]
    fn x_education_headers() {
        assert_maps(&[
            ("Prospect ID", Some("external_id")),
            ("Lead Number", None),
            ("Lead Origin", Some("entry_point")),
            ("Lead Source", Some("lead_source")),
            ("Do Not Email", Some("do_not_email")),
            ("Do Not Call", None),
            ("Country", Some("country")),
            ("City", Some("city")),
            ("Specialization", None),
            ("What is your current occupation", None),
            ("Tags", None),
            ("Lead Profile", None),
            ("Total Time Spent on Website", None),
            ("Page Views Per Visit", None),
            ("Last Activity", None),
        ]);
    }

    #[test]
    fn a_salesforce_account_name_is_the_company_but_not_elsewhere() {
        let account = strings(&[
            "ID",
            "ISDELETED",
            "NAME",
            "TYPE",
            "BILLINGSTREET",
            "BILLINGCITY",
            "ACCOUNTNUMBER",
            "WEBSITE",
            "INDUSTRY",
        ]);
        let kind = record_kind_fields(&account);
        assert_eq!(standard_field_in_file("NAME", &kind), Some("company"));
        assert_eq!(standard_field_in_file("BILLINGCITY", &kind), Some("city"));
        // An opportunity's name (it has an AccountId) and a person's stay custom.
        let opportunity = strings(&["ID", "ACCOUNTID", "NAME", "STAGENAME", "BILLINGSTREET"]);
        let kind = record_kind_fields(&opportunity);
        assert_eq!(standard_field_in_file("NAME", &kind), None);
        let contact = strings(&["Id", "FirstName", "LastName", "Name", "MailingStreet"]);
        assert!(record_kind_fields(&contact).is_empty());
        assert_eq!(standard_field_for_header("NAME"), None);
    }

    #[test]
    fn generic_and_own_headers() {
        assert_maps(&[
            ("  e-mail  ", Some("email")),
            ("EMAIL_ADDRESS", Some("email")),
            ("first_name", Some("first_name")),
            ("Given name", Some("first_name")),
            ("Surname", Some("last_name")),
            ("Email opt-in", Some("email_opt_in")),
            ("Subscribed", Some("email_opt_in")),
            ("external_id", Some("external_id")),
            ("buying_stage", Some("buying_stage")),
            ("entry_point", Some("entry_point")),
            ("created_at", Some("created_at")),
            ("Employee count", Some("employees")),
            // UCI bank and marketing_campaign: nothing standard but the id.
            ("job", None),
            ("marital", None),
            ("age", None),
            ("Dt_Customer", None),
            ("Income", None),
            ("", None),
            ("Name", None),
        ]);
        assert_eq!(header_key("Country/Region"), header_key("country region"));
    }

    #[test]
    fn preset_tables_agree_and_name_real_fields() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        let tables = crm_presets()
            .iter()
            .map(|p| p.fields.as_slice())
            .chain([common_headers()]);
        for table in tables {
            for (header, field) in table {
                let field = field.as_str();
                assert!(
                    STANDARD_FIELDS.contains(&field) || field == "external_id",
                    "{header} → {field}"
                );
                if let Some(previous) = seen.insert(header_key(header), field) {
                    assert_eq!(previous, field, "{header} maps two ways");
                }
            }
        }
    }

    #[test]
    fn detects_sources() {
        let hubspot = strings(&[
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Lifecycle Stage",
            "Lead Status",
            "Create Date",
            "Country/Region",
            "Marketing contact status",
        ]);
        assert_eq!(detect_source(&hubspot), CrmSource::Hubspot);

        let salesforce = strings(&[
            "Id",
            "FirstName",
            "LastName",
            "Email",
            "Company",
            "LeadSource",
            "Status",
            "HasOptedOutOfEmail",
            "CreatedDate",
        ]);
        assert_eq!(detect_source(&salesforce), CrmSource::Salesforce);

        // accountData.csv from the Salesforce Data Loader samples.
        let data_loader = strings(&[
            "ID",
            "ISDELETED",
            "MASTERRECORDID",
            "NAME",
            "TYPE",
            "PARENTID",
            "BILLINGSTREET",
            "BILLINGCITY",
            "BILLINGSTATE",
            "BILLINGPOSTALCODE",
            "BILLINGCOUNTRY",
            "PHONE",
            "INDUSTRY",
            "ANNUALREVENUE",
            "NUMBEROFEMPLOYEES",
            "RATING",
            "OWNERID",
            "CREATEDDATE",
            "CREATEDBYID",
            "LASTMODIFIEDDATE",
            "SYSTEMMODSTAMP",
            "LASTACTIVITYDATE",
            "ORACLE_ID__C",
            "SESSION_ID__C",
        ]);
        assert_eq!(detect_source(&data_loader), CrmSource::Salesforce);

        let zoho = strings(&[
            "Record Id",
            "Lead Owner",
            "First Name",
            "Last Name",
            "Designation",
            "Email",
            "No. of Employees",
            "Lead Status",
            "Email Opt Out",
            "Created Time",
            "Modified Time",
        ]);
        assert_eq!(detect_source(&zoho), CrmSource::Zoho);

        let pipedrive = strings(&[
            "Person - Name",
            "Person - First name",
            "Person - Email - Work",
            "Organization - Name",
            "Person - Label",
            "Person - Add time",
        ]);
        assert_eq!(detect_source(&pipedrive), CrmSource::Pipedrive);

        let analytics = strings(&["Page Path", "Sessions", "Pageviews", "Bounce Rate"]);
        assert_eq!(detect_source(&analytics), CrmSource::WebAnalytics);
        let event_log = strings(&["email", "event", "timestamp", "url"]);
        assert_eq!(detect_source(&event_log), CrmSource::WebAnalytics);
    }

    #[test]
    fn unknown_sources() {
        let x_education = strings(&[
            "Prospect ID",
            "Lead Number",
            "Lead Origin",
            "Lead Source",
            "Do Not Email",
            "Do Not Call",
            "Converted",
            "TotalVisits",
            "Total Time Spent on Website",
            "Page Views Per Visit",
            "Last Activity",
            "Country",
            "Specialization",
            "Tags",
            "Lead Profile",
            "City",
        ]);
        assert_eq!(detect_source(&x_education), CrmSource::Unknown);
        let bank = strings(&[
            "age",
            "job",
            "marital",
            "education",
            "default",
            "balance",
            "y",
        ]);
        assert_eq!(detect_source(&bank), CrmSource::Unknown);
        let campaign = strings(&["ID", "Year_Birth", "Education", "Income", "Dt_Customer"]);
        assert_eq!(detect_source(&campaign), CrmSource::Unknown);
        // One signature header is not enough.
        let generic = strings(&["Email", "First Name", "Title"]);
        assert_eq!(detect_source(&generic), CrmSource::Unknown);
        assert_eq!(detect_source(&[]), CrmSource::Unknown);
    }

    #[test]
    fn custom_keys() {
        let cases: &[(&str, &str)] = &[
            ("Année", "annee"),
            ("Tech Stack", "tech_stack"),
            ("NumWebVisitsMonth", "num_web_visits_month"),
            ("Dt_Customer", "dt_customer"),
            ("emp.var.rate", "emp_var_rate"),
            ("No. of Employees", "no_of_employees"),
            ("ORACLE_ID__C", "oracle_id_c"),
            (
                "What is your current occupation",
                "what_is_your_current_occupation",
            ),
            ("3rd Party Cookies", "f_3rd_party_cookies"),
            ("Größe (cm)", "grosse_cm"),
            ("Customer's Budget", "customers_budget"),
            ("电话", "field"),
            ("", "field"),
            ("ID", "id_2"),
            ("Email", "email_2"),
        ];
        for &(header, expected) in cases {
            let key = CustomKeys::default().key_for_header(header);
            assert_eq!(key, expected, "{header:?}");
            assert!(is_valid_key(&key), "{key}");
        }
    }

    #[test]
    fn custom_keys_are_unique_and_short() {
        let mut keys = CustomKeys::new(["budget", "budget_2"].map(str::to_owned));
        assert_eq!(keys.key_for_header("Budget"), "budget_3");
        assert_eq!(keys.key_for_header("Budget"), "budget_4");

        let long = "I agree to pay the amount through cheque and by any other means available";
        let mut keys = CustomKeys::default();
        let key = keys.key_for_header(long);
        assert!(key.len() <= 64);
        assert!(!key.ends_with('_'));
        let second = keys.key_for_header(long);
        assert!(second.len() <= 64 && second.ends_with("_2"), "{second}");
        assert!(is_valid_key(&second));
    }

    /// Runs `work` on a thread and fails when it takes more than a minute
    /// (a quadratic algorithm takes hours on these inputs; a linear one,
    /// milliseconds).
    fn finishes_within_a_minute<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || sender.send(work()));
        receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("took more than a minute: is it quadratic again?")
    }

    #[test]
    fn fifty_thousand_duplicate_headers_get_custom_keys_in_linear_time() {
        let keys = finishes_within_a_minute(|| {
            let mut keys = CustomKeys::new(["notes".to_owned(), "notes_3".to_owned()]);
            (0..50_000)
                .map(|_| keys.key_for_header("Notes"))
                .collect::<Vec<_>>()
        });
        assert_eq!(keys[..3], ["notes_2", "notes_4", "notes_5"]);
        assert_eq!(keys.last().unwrap(), "notes_50002");
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 50_000);
    }

    #[test]
    fn categories() {
        use Category::*;
        let cases: &[(&str, FieldType, Category)] = &[
            ("Tech Stack", FieldType::List, Technographic),
            ("Technologies", FieldType::List, Technographic),
            ("CMS", FieldType::Text, Technographic),
            ("Budget", FieldType::Number, NeedsBased),
            ("Pain point", FieldType::Text, NeedsBased),
            ("Need", FieldType::Text, NeedsBased),
            ("Biggest Challenge", FieldType::Text, NeedsBased),
            ("Interests", FieldType::List, Psychographic),
            ("Values", FieldType::Text, Psychographic),
            ("Lifestyle", FieldType::Text, Psychographic),
            ("Personality", FieldType::Text, Psychographic),
            (
                "What matters most to you in choosing a course",
                FieldType::Text,
                Psychographic,
            ),
            ("Lead Profile", FieldType::Text, Psychographic),
            ("Age", FieldType::Number, Demographic),
            ("Gender", FieldType::Text, Demographic),
            ("Education", FieldType::Text, Demographic),
            ("Income", FieldType::Number, Demographic),
            ("Marital_Status", FieldType::Text, Demographic),
            ("job", FieldType::Text, Demographic),
            (
                "What is your current occupation",
                FieldType::Text,
                Demographic,
            ),
            ("Year_Birth", FieldType::Number, Demographic),
            ("Kidhome", FieldType::Number, Demographic),
            ("Specialization", FieldType::Text, Demographic),
            ("Country", FieldType::Text, Geographic),
            ("City", FieldType::Text, Geographic),
            ("State", FieldType::Text, Geographic),
            ("Zip", FieldType::Text, Geographic),
            ("Postal Code", FieldType::Text, Geographic),
            ("Industry", FieldType::Text, Firmographic),
            ("Revenue", FieldType::Number, Firmographic),
            ("Employees", FieldType::Number, Firmographic),
            ("Company Size", FieldType::Text, Firmographic),
            ("TotalVisits", FieldType::Number, Behavioral),
            ("NumWebVisitsMonth", FieldType::Number, Behavioral),
            ("Email Opens", FieldType::Number, Behavioral),
            ("Clicks", FieldType::Number, Behavioral),
            ("NumWebPurchases", FieldType::Number, Behavioral),
            ("Last Activity", FieldType::Text, Behavioral),
            ("Last Notable Activity", FieldType::Text, Behavioral),
            ("Total Time Spent on Website", FieldType::Number, Behavioral),
            ("Page Views Per Visit", FieldType::Number, Behavioral),
            ("Recency", FieldType::Number, Behavioral),
            ("MntWines", FieldType::Number, Behavioral),
            ("AcceptedCmp3", FieldType::Boolean, Behavioral),
            (
                "How did you hear about X Education",
                FieldType::Text,
                Behavioral,
            ),
            ("Lead Quality", FieldType::Text, Behavioral),
            ("Lead Status", FieldType::Text, Behavioral),
            ("Customer Lifetime Value", FieldType::Number, Behavioral),
            // Run-together Data Loader headers.
            ("SHIPPINGCITY", FieldType::Text, Geographic),
            ("ANNUALREVENUE", FieldType::Number, Firmographic),
            ("NUMBEROFEMPLOYEES", FieldType::Number, Firmographic),
            ("LASTACTIVITYDATE", FieldType::Date, Behavioral),
            ("OPERATINGSYSTEM", FieldType::Text, Technographic),
            ("TOTALOPPORTUNITYQUANTITY", FieldType::Number, Demographic),
            // Defaults by type.
            ("Dt_Customer", FieldType::Date, Behavioral),
            ("Magazine", FieldType::Boolean, Behavioral),
            ("Notes", FieldType::Text, Demographic),
            ("Lead Number", FieldType::Number, Demographic),
            ("Misc", FieldType::List, Demographic),
        ];
        for &(header, field_type, expected) in cases {
            assert_eq!(guess_category(header, field_type), expected, "{header:?}");
        }
    }

    #[test]
    fn event_columns() {
        use EventColumn::*;
        let cases: &[(&str, EventColumn)] = &[
            ("Email", LeadEmail),
            ("E-mail", LeadEmail),
            ("Contact Email", LeadEmail),
            ("email_address", LeadEmail),
            ("Lead Email Address", LeadEmail),
            ("Email Subject", Property),
            ("Email Campaign", Property),
            ("Lead ID", LeadExternalId),
            ("user_id", LeadExternalId),
            ("contactId", LeadExternalId),
            ("CUSTOMERID", LeadExternalId),
            ("Prospect ID", LeadExternalId),
            ("Lead Number", LeadExternalId),
            ("user_pseudo_id", LeadExternalId),
            ("ID", Property),
            ("Event ID", Property),
            ("Session ID", Property),
            ("Timestamp", OccurredAt),
            ("occurred_at", OccurredAt),
            ("Event Date", OccurredAt),
            ("event_timestamp", OccurredAt),
            ("Activity Date", OccurredAt),
            ("CreatedDate", OccurredAt),
            ("Date", OccurredAt),
            ("Time on Page", Property),
            ("Time Zone", Property),
            ("Event", EventType),
            ("Event Type", EventType),
            ("event_name", EventType),
            ("Activity Type", EventType),
            ("Activity", EventType),
            ("Action", EventType),
            ("Type", EventType),
            ("Event Category", Property),
            ("Event Label", Property),
            ("URL", Property),
            ("Asset", Property),
            ("Value", Property),
            ("Campaign", Property),
            ("", Property),
        ];
        for &(header, expected) in cases {
            assert_eq!(event_column_for_header(header), expected, "{header:?}");
        }
    }

    #[test]
    fn event_logs_are_recognised() {
        let yes: &[&[&str]] = &[
            &["email", "event", "timestamp", "url"],
            &[
                "Lead ID",
                "Activity Type",
                "Activity Date",
                "Asset",
                "Campaign",
            ],
            &[
                "user_id",
                "event_name",
                "event_timestamp",
                "page_location",
                "value",
            ],
            &["Contact Email", "Type", "Occurred At", "Country"],
        ];
        for headers in yes {
            assert!(looks_like_events(&strings(headers)), "{headers:?}");
        }
        let no: &[&[&str]] = &[
            // No identifier.
            &["event", "timestamp", "url"],
            // No timestamp.
            &["email", "event", "url"],
            // A lead file with a type column.
            &[
                "Email",
                "Type",
                "Created Date",
                "First Name",
                "Last Name",
                "Company",
                "Country",
            ],
            // Salesforce accounts: TYPE and CREATEDDATE but no lead identifier.
            &["ID", "NAME", "TYPE", "CREATEDDATE", "INDUSTRY"],
            // X Education.
            &["Prospect ID", "Lead Origin", "Last Activity", "Country"],
            &[],
        ];
        for headers in no {
            assert!(!looks_like_events(&strings(headers)), "{headers:?}");
        }
    }

    #[test]
    fn event_types() {
        let cases: &[(&str, &str)] = &[
            ("Page View", "page_view"),
            ("pageview", "page_view"),
            ("page_view", "page_view"),
            ("PageView", "page_view"),
            ("Page Visited on Website", "page_view"),
            ("Download", "download"),
            ("Whitepaper Download", "whitepaper_download"),
            ("Add to Cart", "cart_add"),
            ("add_to_cart", "cart_add"),
            ("Email Opened", "email_open"),
            ("Opened", "email_open"),
            ("Email Link Clicked", "email_click"),
            ("Free Trial", "trial_start"),
            ("Trial Started", "trial_start"),
            ("Request a Demo", "demo_request"),
            ("Demo Request", "demo_request"),
            ("Purchase", "purchase"),
            ("Order Completed", "purchase"),
            ("Form Submitted on Website", "form_submit"),
            ("form_submit", "form_submit"),
            ("Webinar Attended", "webinar_attend"),
            ("Trade Show", "trade_show_visit"),
            ("trade_show_visit", "trade_show_visit"),
            ("Olark Chat Conversation", "olark_chat_conversation"),
            ("SMS Sent", "sms_sent"),
            ("Email Bounced", "email_bounced"),
            ("Converted to Lead", "converted_to_lead"),
            ("Inscripción Webinar", "inscripcion_webinar"),
            ("  ", ""),
        ];
        for &(raw, expected) in cases {
            assert_eq!(normalize_event_type(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn ipc_enums_serialize_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&CrmSource::WebAnalytics).unwrap(),
            "\"web_analytics\""
        );
        assert_eq!(
            serde_json::to_string(&EventColumn::LeadExternalId).unwrap(),
            "\"lead_external_id\""
        );
    }

    proptest! {
        #[test]
        fn custom_keys_are_valid_and_free(
            header in any::<String>(),
            taken in prop::collection::hash_set("[a-z_0-9]{1,8}", 0..6),
        ) {
            let key = CustomKeys::new(taken.iter().cloned()).key_for_header(&header);
            prop_assert!(is_valid_key(&key), "{key:?}");
            prop_assert!(!taken.contains(&key));
            prop_assert!(!STANDARD_FIELDS.contains(&key.as_str()));
            prop_assert!(!RESERVED_KEYS.contains(&key.as_str()));
        }

        #[test]
        fn header_functions_never_panic(header in any::<String>()) {
            let _ = standard_field_for_header(&header);
            let _ = guess_category(&header, FieldType::Text);
            let _ = event_column_for_header(&header);
            let _ = detect_source(std::slice::from_ref(&header));
        }

        #[test]
        fn event_types_are_stable(raw in any::<String>()) {
            let once = normalize_event_type(&raw);
            prop_assert_eq!(normalize_event_type(&once), once);
        }
    }
}
