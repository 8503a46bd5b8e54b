//! The demo's data-quality problems, planted so the Quality view shows
//! something real on first open: duplicate pairs of each kind, invalid, role
//! and disposable addresses, hard bounces, bad phones, country variants,
//! spelling variants and a mostly-empty field. Also the demo's phone numbers,
//! valid in each lead's city and written as CRMs write them (mostly
//! international, one in five national).
//!
//! What is planted is listed by [`planted`], so tests can check that each
//! problem is found and nothing else is flagged as a duplicate: generated
//! people who happen to share a name at one company are renamed here.

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::Transaction;

use super::vocabulary::FIRST_NAMES;
use crate::store::tables::custom_values;
use crate::store::tables::events::EventInserter;
use crate::store::tables::leads as stored_leads;
use crate::text::fold_key;
use crate::Result;

/// The smallest demo that gets planted problems (they use lead ids 101-170).
pub const MIN_LEADS_FOR_PLANTS: u32 = 200;

/// The largest demo whose accidental same-name-same-company pairs are
/// renamed away (at benchmark sizes such pairs are part of the load).
const MAX_LEADS_FOR_CLEANUP: u32 = 50_000;

/// A planted duplicate: the two lead ids and the kind of evidence that links
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlantedPair {
    pub first: i64,
    pub second: i64,
    /// "email_provider": the same address up to the provider's rules;
    /// "phone": the same phone number; "name_company": the same name at the
    /// same company.
    pub evidence: &'static str,
}

/// Everything planted in a demo of at least [`MIN_LEADS_FOR_PLANTS`] leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedProblems {
    pub duplicate_pairs: Vec<PlantedPair>,
    pub invalid_emails: Vec<i64>,
    pub role_emails: Vec<i64>,
    pub disposable_emails: Vec<i64>,
    /// Leads with a hard-bounce event (`email_bounce`, `bounce_type` hard).
    pub hard_bounces: Vec<i64>,
    /// A lead with only a soft bounce: not a problem.
    pub soft_bounce: i64,
    pub invalid_phones: Vec<i64>,
    /// Country variants and how many leads hold each.
    pub country_variants: Vec<(&'static str, usize)>,
    /// Leads whose industry is written in another case or spacing.
    pub industry_spellings: Vec<i64>,
    /// The custom field emptied for one lead in four more (about 62% empty).
    pub mostly_empty_field: &'static str,
}

/// What [`plant`] plants (nothing below [`MIN_LEADS_FOR_PLANTS`] leads).
pub fn planted(leads: u32) -> Option<PlantedProblems> {
    (leads >= MIN_LEADS_FOR_PLANTS).then(|| PlantedProblems {
        duplicate_pairs: DUPLICATES
            .iter()
            .map(|d| PlantedPair {
                first: d.first,
                second: d.second,
                evidence: d.evidence,
            })
            .collect(),
        invalid_emails: vec![121, 122, 123],
        role_emails: vec![124, 125, 126],
        disposable_emails: vec![127, 128],
        hard_bounces: vec![129, 130, 131],
        soft_bounce: 132,
        invalid_phones: vec![141, 142, 143],
        country_variants: COUNTRY_VARIANTS
            .iter()
            .map(|(_, variant, count)| (*variant, *count))
            .collect(),
        industry_spellings: (161..=168).collect(),
        mostly_empty_field: "budget",
    })
}

struct Duplicate {
    first: i64,
    second: i64,
    evidence: &'static str,
    /// (first name, last name, email, phone, country) of each, `None` to
    /// keep the generated value; the second also takes the first's company
    /// when `same_company`.
    people: [Person; 2],
    same_company: bool,
}

#[derive(Clone, Copy)]
struct Person {
    first_name: &'static str,
    last_name: &'static str,
    email: Option<&'static str>,
    phone: Option<&'static str>,
    country: Option<&'static str>,
}

const fn person(first_name: &'static str, last_name: &'static str) -> Person {
    Person {
        first_name,
        last_name,
        email: None,
        phone: None,
        country: None,
    }
}

const DUPLICATES: &[Duplicate] = &[
    // Gmail ignores dots and +tags.
    Duplicate {
        first: 101,
        second: 102,
        evidence: "email_provider",
        people: [
            Person {
                email: Some("jane.doe@gmail.com"),
                ..person("Jane", "Doe")
            },
            Person {
                email: Some("janedoe+webinar@gmail.com"),
                ..person("Jane", "Doe")
            },
        ],
        same_company: false,
    },
    // Outlook ignores +tags (but not dots).
    Duplicate {
        first: 103,
        second: 104,
        evidence: "email_provider",
        people: [
            Person {
                email: Some("alex.morgan+events@outlook.com"),
                ..person("Alex", "Morgan")
            },
            Person {
                email: Some("alex.morgan@outlook.com"),
                ..person("Alex", "Morgan")
            },
        ],
        same_company: false,
    },
    // One phone, written internationally and nationally.
    Duplicate {
        first: 105,
        second: 106,
        evidence: "phone",
        people: [
            Person {
                phone: Some("+1 415 234 5678"),
                country: Some("United States"),
                ..person("Chris", "Patel")
            },
            Person {
                phone: Some("(415) 234-5678"),
                country: Some("United States"),
                ..person("Christopher", "Patel")
            },
        ],
        same_company: false,
    },
    Duplicate {
        first: 107,
        second: 108,
        evidence: "phone",
        people: [
            Person {
                phone: Some("+44 20 7946 0123"),
                country: Some("United Kingdom"),
                ..person("Olivia", "Hughes")
            },
            Person {
                phone: Some("020 7946 0123"),
                country: Some("United Kingdom"),
                ..person("Liv", "Hughes")
            },
        ],
        same_company: false,
    },
    // One person at one company, with two work addresses.
    Duplicate {
        first: 109,
        second: 110,
        evidence: "name_company",
        people: [person("Priya", "Raman"), person("Priya", "Raman")],
        same_company: true,
    },
    // The same name with and without its accents.
    Duplicate {
        first: 111,
        second: 112,
        evidence: "name_company",
        people: [person("Jürgen", "Müller"), person("Jurgen", "Muller")],
        same_company: true,
    },
];

/// (country the leads are in, variant written instead, how many leads).
const COUNTRY_VARIANTS: &[(&str, &str, usize)] = &[
    ("United States", "USA", 6),
    ("United States", "U.S.", 3),
    ("United States", "United States of America", 3),
    ("United Kingdom", "UK", 3),
    ("United Kingdom", "Great Britain", 2),
    ("Germany", "Deutschland", 3),
];

/// A phone number valid in `city`, from three draws, written
/// internationally, or nationally when `national`.
pub(super) fn phone_for(city: &str, draws: [u64; 3], national: bool) -> String {
    let [_, a, b] = draws;
    // Exchanges 200-899, never an N11 service code.
    let exchange = 200 + a % 700;
    let exchange = if exchange % 100 == 11 {
        exchange + 1
    } else {
        exchange
    };
    let nanp = |area: u32| {
        if national {
            format!("({area}) {exchange:03}-{b:04}")
        } else {
            format!("+1 {area} {exchange:03} {b:04}")
        }
    };
    match city {
        "San Francisco" => nanp(415),
        "New York" => nanp(212),
        "Austin" => nanp(512),
        "Toronto" => nanp(416),
        "London" if national => format!("020 7{a:03} {b:04}"),
        "London" => format!("+44 20 7{a:03} {b:04}"),
        "München" if national => format!("089 {a:03}{b:04}"),
        "München" => format!("+49 89 {a:03}{b:04}"),
        "Berlin" if national => format!("030 {a:03}{b:04}"),
        "Berlin" => format!("+49 30 {a:03}{b:04}"),
        "Paris" => {
            let d = format!("4{a:03}{b:04}");
            let groups = format!("{} {} {} {}", &d[0..2], &d[2..4], &d[4..6], &d[6..8]);
            if national {
                format!("01 {groups}")
            } else {
                format!("+33 1 {groups}")
            }
        }
        "Madrid" if national => format!("91 {a:03} {b:04}"),
        "Madrid" => format!("+34 91 {a:03} {b:04}"),
        "Amsterdam" if national => format!("020 {a:03} {b:04}"),
        "Amsterdam" => format!("+31 20 {a:03} {b:04}"),
        "Stockholm" if national => format!("08-5{a:03} {b:04}"),
        "Stockholm" => format!("+46 8 5{a:03} {b:04}"),
        "Warszawa" if national => format!("22 5{a:02} {b:04}", a = a % 100),
        "Warszawa" => format!("+48 22 5{a:02} {b:04}", a = a % 100),
        "São Paulo" if national => format!("(11) 3{a:03}-{b:04}"),
        "São Paulo" => format!("+55 11 3{a:03} {b:04}"),
        "Bengaluru" if national => format!("080 2{a:03} {b:04}"),
        "Bengaluru" => format!("+91 80 2{a:03} {b:04}"),
        "Tokyo" if national => format!("03-5{a:03}-{b:04}"),
        "Tokyo" => format!("+81 3 5{a:03} {b:04}"),
        "Sydney" if national => format!("(02) 9{a:03} {b:04}"),
        "Sydney" => format!("+61 2 9{a:03} {b:04}"),
        _ => format!("+1 415 {exchange:03} {b:04}"),
    }
}

/// Plants the problems [`planted`] lists, after the leads and events are
/// in; returns how many events it added (the bounces).
pub(super) fn plant(
    tx: &Transaction<'_>,
    leads: u32,
    anchor: i64,
    budget_field: i64,
) -> Result<u64> {
    if leads < MIN_LEADS_FOR_PLANTS {
        return Ok(0);
    }
    let set = |id: i64, column: &str, value: &str| {
        stored_leads::set_column(tx, id, column, &Value::Text(value.to_owned()))
    };
    let set_email = |id: i64, email: &str| -> Result<()> {
        set(id, "email", email)?;
        set(id, "email_key", &fold_key(email))
    };
    for duplicate in DUPLICATES {
        let company = stored_leads::column_value(tx, duplicate.first, "company")?;
        for (id, who) in [duplicate.first, duplicate.second]
            .into_iter()
            .zip(duplicate.people)
        {
            set(id, "first_name", who.first_name)?;
            set(id, "last_name", who.last_name)?;
            if let Some(email) = who.email {
                set_email(id, email)?;
            }
            if let Some(phone) = who.phone {
                set(id, "phone", phone)?;
            }
            if let Some(country) = who.country {
                set(id, "country", country)?;
            }
        }
        if duplicate.same_company {
            stored_leads::set_column(tx, duplicate.second, "company", &company)?;
            // A second work address at the same company.
            if let Value::Text(first) = stored_leads::column_value(tx, duplicate.first, "email")? {
                if let Some((_, domain)) = first.split_once('@') {
                    let second = duplicate.people[1];
                    let initial = ascii(second.first_name).chars().next().unwrap_or('x');
                    let email = format!(
                        "{initial}{}.{}@{domain}",
                        ascii(second.last_name),
                        duplicate.second
                    );
                    set_email(duplicate.second, &email)?;
                }
            }
        }
    }

    let domain_of = |id: i64| -> Result<String> {
        Ok(match stored_leads::column_value(tx, id, "email")? {
            Value::Text(email) => email
                .split_once('@')
                .map(|(_, d)| d.to_owned())
                .unwrap_or_else(|| "example.com".to_owned()),
            _ => "example.com".to_owned(),
        })
    };
    set_email(121, "maria.garcia@@example.com")?;
    set_email(122, "tom.baker@company")?;
    set_email(123, "jo smith@northwind.example")?;
    for (id, role) in [(124, "info"), (125, "sales"), (126, "marketing")] {
        let domain = domain_of(id)?;
        set_email(id, &format!("{role}@{domain}"))?;
    }
    set_email(127, "kim.nguyen.127@mailinator.com")?;
    set_email(128, "lee.wong.128@10minutemail.com")?;
    let mut events = EventInserter::new(tx)?;
    for id in [129, 130, 131] {
        events.insert(
            id,
            "email_bounce",
            anchor - 20 * 86_400,
            r#"{"bounce_type":"hard"}"#,
        )?;
    }
    events.insert(
        132,
        "email_bounce",
        anchor - 10 * 86_400,
        r#"{"bounce_type":"soft"}"#,
    )?;
    set(141, "phone", "12345")?;
    set(142, "phone", "n/a")?;
    set(143, "phone", "+1 000 000 0000")?;

    let mut next_id = 171;
    for (country, variant, count) in COUNTRY_VARIANTS {
        let mut planted = 0;
        while planted < *count && next_id <= leads as i64 {
            let id = next_id;
            next_id += 1;
            if stored_leads::column_value(tx, id, "country")? == Value::Text((*country).to_owned())
            {
                set(id, "country", variant)?;
                planted += 1;
            }
        }
    }
    for (offset, id) in (161..=168).enumerate() {
        if let Value::Text(industry) = stored_leads::column_value(tx, id, "industry")? {
            let variant = match offset % 3 {
                0 => industry.to_lowercase(),
                1 => industry.to_uppercase(),
                _ => industry.replacen(' ', "  ", 1) + " ",
            };
            let variant = if variant == industry {
                format!(" {industry}")
            } else {
                variant
            };
            set(id, "industry", &variant)?;
        }
    }
    for id in (4..=leads as i64).step_by(4) {
        custom_values::delete(tx, budget_field, id)?;
    }
    if leads <= MAX_LEADS_FOR_CLEANUP {
        rename_namesakes(tx)?;
    }
    Ok(4)
}

fn ascii(text: &str) -> String {
    fold_key(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// The name-and-company key duplicate detection compares: folded, accents
/// and punctuation aside.
fn namesake_key(parts: &[Option<String>; 3]) -> String {
    parts
        .iter()
        .map(|part| {
            let folded = fold_key(part.as_deref().unwrap_or(""));
            unicode_normalization::UnicodeNormalization::nfd(folded.as_str())
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Renames generated people who share a name at one company (not the
/// planted pairs), so the only namesakes are the planted ones.
fn rename_namesakes(tx: &Transaction<'_>) -> Result<()> {
    let planted: HashSet<i64> = DUPLICATES
        .iter()
        .flat_map(|d| [d.first, d.second])
        .collect();
    let rows = stored_leads::names_and_companies(tx)?;
    let mut seen: HashSet<String> = rows
        .iter()
        .filter(|(id, _)| planted.contains(id))
        .map(|(_, parts)| namesake_key(parts))
        .collect();
    for (id, mut parts) in rows {
        if planted.contains(&id) || parts[0].is_none() || parts[2].is_none() {
            continue;
        }
        let mut attempt = 0;
        while !seen.insert(namesake_key(&parts)) {
            attempt += 1;
            let name = FIRST_NAMES[(id as usize + attempt) % FIRST_NAMES.len()];
            parts[0] = Some(name.to_owned());
            if attempt > FIRST_NAMES.len() {
                break;
            }
        }
        if attempt > 0 {
            if let Some(name) = &parts[0] {
                stored_leads::set_column(tx, id, "first_name", &Value::Text(name.clone()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::phone::{check, PhoneCheck};

    #[test]
    fn demo_phones_are_valid_in_their_city() {
        let regions = [
            ("San Francisco", "US"),
            ("New York", "US"),
            ("Austin", "US"),
            ("Toronto", "CA"),
            ("London", "GB"),
            ("München", "DE"),
            ("Berlin", "DE"),
            ("Paris", "FR"),
            ("Madrid", "ES"),
            ("Amsterdam", "NL"),
            ("Stockholm", "SE"),
            ("Warszawa", "PL"),
            ("São Paulo", "BR"),
            ("Bengaluru", "IN"),
            ("Tokyo", "JP"),
            ("Sydney", "AU"),
        ];
        for (city, region) in regions {
            for draws in [[0, 0, 0], [7, 311, 4567], [97, 999, 9999], [3, 123, 80]] {
                for national in [false, true] {
                    let phone = phone_for(city, draws, national);
                    assert!(
                        matches!(check(&phone, Some(region)), PhoneCheck::Valid { .. }),
                        "{city}: {phone}"
                    );
                }
            }
        }
    }
}
