//! Normalisations of a field (countries to their one name, phones to E.164,
//! a value mapping the user confirms) and addresses marked as not sendable:
//! each with a preview of the leads and values it changes, applied as a fix.
//!
//! A normalisation is what the user confirmed: a list of mappings `from ->
//! to`, each matching the leads whose value is exactly `from`. Phones map
//! per lead's country (the same "(415) 234-5678" is a different number in
//! each country), so a phone mapping also names the region it was read in
//! (the ISO alpha-2 of the lead's country; none for leads without a known
//! country) and matches only the leads of that region.
//!
//! - [`suggest`]: what could be normalised in a field, and what is left
//!   untouched (unrecognised countries, invalid phones).
//! - [`spelling_fields`]: the text fields with values written several ways.
//! - [`preview`] and [`apply`]: the confirmed mappings' effect, and the fix.
//! - [`unsendable`]: marking addresses as not sendable.

pub mod unsendable;

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fixes::{self, FixOutcome};
use super::{country, phone};
use crate::fields::{self, FieldType, ResolvedField};
use crate::import::history::ChangeKind;
use crate::store::tables::field_values::{self, FieldSource, LeadLabel};
use crate::text::search_key;
use crate::{Error, Result, Workspace};

/// How many leads a preview names as examples.
const SAMPLE_SIZE: usize = 20;
/// How many untouched values a plan lists (their totals count them all).
const UNTOUCHED_LISTED: usize = 200;
/// A field with more distinct values than this is free text, not a list of
/// values written several ways: the Fixes tab does not offer it.
const MAX_DISTINCT_FOR_SPELLINGS: usize = 2_000;

/// Which normalisation a field gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NormalisationKind {
    /// Country spellings to the one name (`quality::country`).
    Country,
    /// Valid phone numbers to E.164, read in the lead's country.
    Phone,
    /// Spellings of one value to its most common spelling.
    Spelling,
}

/// One confirmed mapping: leads whose value is exactly `from` get `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValueMapping {
    pub from: String,
    pub to: String,
    /// Phones only: the ISO alpha-2 code of the country the number was read
    /// in; the mapping matches only leads of that country (`None`: leads
    /// without a known country).
    #[serde(default)]
    pub region: Option<String>,
}

/// What the user confirmed for one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Normalisation {
    pub field: String,
    pub mappings: Vec<ValueMapping>,
}

/// A suggested mapping with how many leads it would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SuggestedMapping {
    pub from: String,
    pub to: String,
    pub region: Option<String>,
    #[ts(type = "number")]
    pub leads: u64,
}

/// A value the normalisation leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UntouchedValue {
    pub value: String,
    #[ts(type = "number")]
    pub leads: u64,
    pub reason: String,
}

/// What could be normalised in a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NormalisationPlan {
    pub field: String,
    pub label: String,
    pub kind: NormalisationKind,
    /// Sorted by target, then most leads first.
    pub suggestions: Vec<SuggestedMapping>,
    /// Leads the suggestions together would change.
    #[ts(type = "number")]
    pub leads_to_change: u64,
    /// The values left alone, most leads first (at most 200 listed).
    pub untouched: Vec<UntouchedValue>,
    #[ts(type = "number")]
    pub untouched_values: u64,
    #[ts(type = "number")]
    pub untouched_leads: u64,
}

/// A lead a preview names: what its value is and becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NormalisedLead {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub from: String,
    pub to: String,
}

/// What a normalisation would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NormalisationPreview {
    pub field: String,
    /// The title the change history will list it under.
    pub title: String,
    #[ts(type = "number")]
    pub leads_changing: u64,
    /// Each mapping with the leads it changes now.
    pub mappings: Vec<SuggestedMapping>,
    /// The first leads that change, by id.
    pub sample: Vec<NormalisedLead>,
}

/// A text field with values written several ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SpellingField {
    pub field: String,
    pub label: String,
    /// Values written more than one way.
    #[ts(type = "number")]
    pub groups: u64,
    /// Leads whose spelling is not their value's most common one.
    #[ts(type = "number")]
    pub leads: u64,
}

/// The key under which spellings of one value meet: case, accents, spacing
/// and punctuation folded away ("Health-care", "healthcare ", "HEALTHCARE").
pub fn spelling_key(value: &str) -> String {
    search_key(value)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Which normalisation `field` gets.
fn kind_of(key: &str) -> NormalisationKind {
    match key {
        "country" => NormalisationKind::Country,
        "phone" => NormalisationKind::Phone,
        _ => NormalisationKind::Spelling,
    }
}

/// Resolves `key` to a text field a normalisation may rewrite.
fn normalisable(conn: &Connection, key: &str) -> Result<ResolvedField> {
    let field = fields::resolve(conn, key)?;
    if field.field.field_type != FieldType::Text || field.field.is_computed {
        return Err(Error::InvalidArgument(format!(
            "{} is not a text field: only text values are normalised",
            field.field.key
        )));
    }
    if key == "email" {
        return Err(Error::InvalidArgument(
            "e-mail addresses are not normalised (they identify leads): merge duplicates instead"
                .into(),
        ));
    }
    Ok(field)
}

fn source_of(field: &ResolvedField) -> FieldSource<'_> {
    if field.field.is_standard {
        FieldSource::Column(&field.field.key)
    } else {
        FieldSource::Custom(field.id)
    }
}

/// The title a normalisation of `field` is listed under in the history.
fn title_of(field: &ResolvedField) -> String {
    let label = if field.field.is_standard {
        field.field.label.to_lowercase()
    } else {
        field.field.label.clone()
    };
    format!("Normalise {label}")
}

/// The ISO alpha-2 code of a stored country value, if it is a country.
fn region_of(country_value: Option<&str>) -> Option<String> {
    country_value
        .and_then(country::lookup)
        .map(|c| c.alpha2.to_owned())
}

fn sort_suggestions(suggestions: &mut [SuggestedMapping]) {
    suggestions.sort_by(|a, b| {
        (&a.to, std::cmp::Reverse(a.leads), &a.from, &a.region).cmp(&(
            &b.to,
            std::cmp::Reverse(b.leads),
            &b.from,
            &b.region,
        ))
    });
}

/// What could be normalised in `field`: for `country`, each recognised
/// spelling that is not the country's one name; for `phone`, each valid
/// number not written as E.164 (read in the lead's country); for any other
/// text field, the spellings of one value that are not its most common
/// spelling (ties: the longest, then the first alphabetically).
pub fn suggest(workspace: &Workspace, field: &str) -> Result<NormalisationPlan> {
    let conn = workspace.conn();
    let resolved = normalisable(conn, field)?;
    let kind = kind_of(&resolved.field.key);
    let (mut suggestions, mut untouched) = match kind {
        NormalisationKind::Country => country_suggestions(conn, &resolved)?,
        NormalisationKind::Phone => phone_suggestions(conn)?,
        NormalisationKind::Spelling => (
            spelling_suggestions(&field_values::value_counts(conn, source_of(&resolved))?),
            Vec::new(),
        ),
    };
    sort_suggestions(&mut suggestions);
    untouched.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.value.cmp(&b.value)));
    let untouched_values = untouched.len() as u64;
    let untouched_leads = untouched.iter().map(|u| u.leads).sum();
    untouched.truncate(UNTOUCHED_LISTED);
    Ok(NormalisationPlan {
        field: resolved.field.key.clone(),
        label: resolved.field.label.clone(),
        kind,
        leads_to_change: suggestions.iter().map(|s| s.leads).sum(),
        suggestions,
        untouched,
        untouched_values,
        untouched_leads,
    })
}

type Suggestions = (Vec<SuggestedMapping>, Vec<UntouchedValue>);

fn country_suggestions(conn: &Connection, field: &ResolvedField) -> Result<Suggestions> {
    let mut suggestions = Vec::new();
    let mut untouched = Vec::new();
    for (value, leads) in field_values::value_counts(conn, source_of(field))? {
        match country::lookup(&value) {
            Some(found) if found.name != value => suggestions.push(SuggestedMapping {
                from: value,
                to: found.name.to_owned(),
                region: None,
                leads,
            }),
            Some(_) => {}
            None => untouched.push(UntouchedValue {
                value,
                leads,
                reason: "not a country Leadstream knows".into(),
            }),
        }
    }
    Ok((suggestions, untouched))
}

fn phone_suggestions(conn: &Connection) -> Result<Suggestions> {
    let mut suggested: BTreeMap<(String, Option<String>), (String, u64)> = BTreeMap::new();
    let mut invalid: BTreeMap<String, (u64, &'static str)> = BTreeMap::new();
    for (raw, country_value, leads) in field_values::phone_country_counts(conn)? {
        let region = region_of(country_value.as_deref());
        match phone::check(&raw, region.as_deref()) {
            phone::PhoneCheck::Valid { e164 } if e164 != raw => {
                let entry = suggested.entry((raw, region)).or_insert((e164, 0));
                entry.1 += leads;
            }
            phone::PhoneCheck::Invalid { reason } => {
                invalid.entry(raw).or_insert((0, reason)).0 += leads;
            }
            _ => {}
        }
    }
    let suggestions = suggested
        .into_iter()
        .map(|((from, region), (to, leads))| SuggestedMapping {
            from,
            to,
            region,
            leads,
        })
        .collect();
    let untouched = invalid
        .into_iter()
        .map(|(value, (leads, reason))| UntouchedValue {
            value,
            leads,
            reason: format!("invalid: {reason}"),
        })
        .collect();
    Ok((suggestions, untouched))
}

/// The most common spelling of a group: most leads, then the longest, then
/// the first alphabetically.
fn preferred_spelling<'a>(spellings: &[&'a (String, u64)]) -> Option<&'a String> {
    spellings
        .iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| a.0.chars().count().cmp(&b.0.chars().count()))
                .then_with(|| b.0.cmp(&a.0))
        })
        .map(|best| &best.0)
}

/// Every spelling that shares its key with a more common spelling, mapped
/// to that one.
fn spelling_suggestions(counts: &[(String, u64)]) -> Vec<SuggestedMapping> {
    let mut groups: HashMap<String, Vec<&(String, u64)>> = HashMap::new();
    for entry in counts {
        let key = spelling_key(&entry.0);
        if !key.is_empty() {
            groups.entry(key).or_default().push(entry);
        }
    }
    let mut suggestions = Vec::new();
    for spellings in groups.values().filter(|group| group.len() > 1) {
        let Some(target) = preferred_spelling(spellings) else {
            continue;
        };
        for (from, leads) in spellings.iter().copied() {
            if from != target {
                suggestions.push(SuggestedMapping {
                    from: from.clone(),
                    to: target.clone(),
                    region: None,
                    leads: *leads,
                });
            }
        }
    }
    suggestions
}

/// Fields never offered for spellings: identities, names, addresses,
/// phones and countries (which have their own normalisations).
fn offers_spellings(field: &ResolvedField) -> bool {
    !matches!(
        field.field.key.as_str(),
        "email" | "first_name" | "last_name" | "phone" | "country" | "external_id" | "company"
    ) && field.field.field_type == FieldType::Text
        && !field.field.is_computed
}

/// The text fields with values written several ways, most leads first.
pub fn spelling_fields(workspace: &Workspace) -> Result<Vec<SpellingField>> {
    let conn = workspace.conn();
    let mut found = Vec::new();
    for field in fields::list_resolved(conn)? {
        if !offers_spellings(&field) {
            continue;
        }
        let counts = field_values::value_counts(conn, source_of(&field))?;
        if counts.len() > MAX_DISTINCT_FOR_SPELLINGS {
            continue;
        }
        let suggestions = spelling_suggestions(&counts);
        if suggestions.is_empty() {
            continue;
        }
        let groups: HashSet<&String> = suggestions.iter().map(|s| &s.to).collect();
        found.push(SpellingField {
            field: field.field.key.clone(),
            label: field.field.label.clone(),
            groups: groups.len() as u64,
            leads: suggestions.iter().map(|s| s.leads).sum(),
        });
    }
    found.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.field.cmp(&b.field)));
    Ok(found)
}

/// One lead a normalisation changes.
struct LeadChange {
    lead_id: i64,
    mapping: usize,
}

/// Checks the mappings: no empty target, no value mapped twice (per region
/// for phones). Mappings to the value itself change nothing and are kept.
fn check_mappings(field: &ResolvedField, normalisation: &Normalisation) -> Result<()> {
    let mut seen = HashSet::new();
    for mapping in &normalisation.mappings {
        if mapping.to.trim().is_empty() {
            return Err(Error::InvalidArgument(format!(
                "'{}' is mapped to nothing: give the value it should become",
                mapping.from
            )));
        }
        let region = if field.field.key == "phone" {
            mapping.region.clone()
        } else {
            None
        };
        if !seen.insert((mapping.from.as_str(), region)) {
            return Err(Error::InvalidArgument(format!(
                "'{}' is mapped twice in the {} normalisation",
                mapping.from, field.field.key
            )));
        }
    }
    Ok(())
}

/// The leads each mapping changes, by lead id: one read of the field's
/// values matched against every mapping (phones by value and region).
fn lead_changes(
    conn: &Connection,
    field: &ResolvedField,
    normalisation: &Normalisation,
) -> Result<Vec<LeadChange>> {
    check_mappings(field, normalisation)?;
    let mut by_key: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let is_phone = field.field.key == "phone";
    for (index, mapping) in normalisation.mappings.iter().enumerate() {
        if mapping.from != mapping.to {
            let region = if is_phone {
                mapping.region.as_deref()
            } else {
                None
            };
            by_key.insert((mapping.from.as_str(), region), index);
        }
    }
    if by_key.is_empty() {
        return Ok(Vec::new());
    }
    let mut changes = Vec::new();
    if is_phone {
        let mut regions: HashMap<Option<String>, Option<String>> = HashMap::new();
        for (lead_id, raw, country_value) in field_values::phones_and_countries(conn)? {
            let region = regions
                .entry(country_value)
                .or_insert_with_key(|value| region_of(value.as_deref()));
            if let Some(&mapping) = by_key.get(&(raw.as_str(), region.as_deref())) {
                changes.push(LeadChange { lead_id, mapping });
            }
        }
    } else {
        for (lead_id, value) in field_values::lead_values(conn, source_of(field))? {
            if let Some(&mapping) = by_key.get(&(value.as_str(), None)) {
                changes.push(LeadChange { lead_id, mapping });
            }
        }
    }
    Ok(changes)
}

/// What `normalisation` would change now: leads, per mapping, and a sample.
pub fn preview(
    workspace: &Workspace,
    normalisation: &Normalisation,
) -> Result<NormalisationPreview> {
    let conn = workspace.conn();
    let field = normalisable(conn, &normalisation.field)?;
    let changes = lead_changes(conn, &field, normalisation)?;
    let mut per_mapping = vec![0_u64; normalisation.mappings.len()];
    for change in &changes {
        per_mapping[change.mapping] += 1;
    }
    let sample_ids: Vec<i64> = changes
        .iter()
        .take(SAMPLE_SIZE)
        .map(|c| c.lead_id)
        .collect();
    let labels: HashMap<i64, LeadLabel> = field_values::lead_labels(conn, &sample_ids)?
        .into_iter()
        .map(|label| (label.id, label))
        .collect();
    let sample = changes
        .iter()
        .take(SAMPLE_SIZE)
        .filter_map(|change| {
            let label = labels.get(&change.lead_id)?;
            let mapping = &normalisation.mappings[change.mapping];
            Some(NormalisedLead {
                lead_id: change.lead_id,
                name: label.name.clone(),
                email: label.email.clone(),
                from: mapping.from.clone(),
                to: mapping.to.clone(),
            })
        })
        .collect();
    let mappings = normalisation
        .mappings
        .iter()
        .zip(per_mapping)
        .map(|(mapping, leads)| SuggestedMapping {
            from: mapping.from.clone(),
            to: mapping.to.clone(),
            region: mapping.region.clone(),
            leads,
        })
        .collect();
    Ok(NormalisationPreview {
        field: field.field.key.clone(),
        title: title_of(&field),
        leads_changing: changes.len() as u64,
        mappings,
        sample,
    })
}

/// Applies `normalisation` as one fix in the change history ("Normalise
/// country"), undoable like an import. The caller then runs
/// `workspace.after_data_change(DataChange::Import)`. Refused when it would
/// change no lead.
///
/// The fix changes one field of existing leads, so what the workspace
/// derived from everything else stays: the segment index's other parts in
/// the file and the index in memory (without that field's column), and the
/// quick search's keys unless the field is one they read.
pub fn apply(workspace: &mut Workspace, normalisation: &Normalisation) -> Result<FixOutcome> {
    let key = normalisable(workspace.conn(), &normalisation.field)?
        .field
        .key;
    crate::segments::writing_fields(workspace, &[key.as_str()], |conn| {
        apply_on(conn, &key, normalisation)
    })
}

/// [`apply`] of a normalisation of the field `key`, on the connection `conn`.
fn apply_on(conn: &mut Connection, key: &str, normalisation: &Normalisation) -> Result<FixOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let field = normalisable(&tx, &normalisation.field)?;
    if field.field.key != key {
        // The catalogue changed between the read above and the write lock:
        // the parts kept were chosen for another field.
        return Err(Error::InvalidArgument(format!(
            "the field {} changed while the fix started; try again",
            normalisation.field
        )));
    }
    let changes = lead_changes(&tx, &field, normalisation)?;
    if changes.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "nothing to normalise in {}: no lead holds a value these mappings change",
            field.field.key
        )));
    }
    let spec = serde_json::to_value(normalisation)?;
    let mut fix = fixes::begin(&tx, ChangeKind::Normalise, &title_of(&field), spec)?;
    for change in &changes {
        let target = &normalisation.mappings[change.mapping].to;
        fix.set_value(
            change.lead_id,
            &field.field.key,
            &Value::Text(target.clone()),
        )?;
    }
    let outcome = fix.finish()?;
    tx.commit()?;
    Ok(outcome)
}

/// The normalisation of `field` that maps each `(from, to)` pair: for
/// phones, in every country where a lead holds `from` (one mapping per
/// region); for other fields, one mapping each.
pub fn mapping_in_every_region(
    workspace: &Workspace,
    field: &str,
    pairs: &[(String, String)],
) -> Result<Normalisation> {
    let conn = workspace.conn();
    let resolved = normalisable(conn, field)?;
    let mut mappings = Vec::new();
    for (from, to) in pairs {
        if resolved.field.key != "phone" {
            mappings.push(ValueMapping {
                from: from.clone(),
                to: to.clone(),
                region: None,
            });
            continue;
        }
        let regions: std::collections::BTreeSet<Option<String>> =
            field_values::leads_with_phone(conn, from)?
                .into_iter()
                .map(|(_, country_value)| region_of(country_value.as_deref()))
                .collect();
        mappings.extend(regions.into_iter().map(|region| ValueMapping {
            from: from.clone(),
            to: to.clone(),
            region,
        }));
    }
    Ok(Normalisation {
        field: resolved.field.key.clone(),
        mappings,
    })
}

/// The normalisation that confirms every suggestion of `plan`.
pub fn confirm_all(plan: &NormalisationPlan) -> Normalisation {
    Normalisation {
        field: plan.field.clone(),
        mappings: plan
            .suggestions
            .iter()
            .map(|s| ValueMapping {
                from: s.from.clone(),
                to: s.to.clone(),
                region: s.region.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
