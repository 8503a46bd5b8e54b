//! The quality report: completeness of every field grouped by the seven
//! segmentation types (and the saved segments that test mostly-empty
//! fields), invalid and risky e-mails, phones, country variants, and stale
//! leads. Spelling variants of other fields are `quality::normalise`'s.
//! What each check counts is documented in docs/quality-report.md.

mod completeness;
pub mod emails;

use completeness::completeness;
pub use completeness::{
    field_completeness, keep_field_completeness, look_up_field_completeness, CompletenessCount,
    CountedCompleteness, FieldCompletenessLookup,
};

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::country;
use super::phone::{self, PhoneCheck};
use crate::fields::Category;
use crate::segments::operators::Operator;
use crate::segments::values::span_start;
use crate::segments::{saved, RelativeSpan, RuleGroup, RuleNode, SpanUnit};
use crate::store::tables::quality as table;
use crate::{Error, Result, Workspace};

/// A field empty for at least this share of leads is "mostly empty": rules
/// on it are flagged in the report and in the segment builder.
pub const MOSTLY_EMPTY_SHARE: f64 = 0.5;

/// How many lead ids a list of leads carries at most (its total is exact).
pub const LEAD_IDS_SHOWN: usize = 100;

/// The default "no activity for N months".
pub const DEFAULT_STALE_MONTHS: u32 = 6;

/// What the report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportOptions {
    /// A lead without activity (events) for this many months is stale.
    pub stale_months: u32,
    /// "Now" for staleness, in seconds since the epoch; `None` for now.
    #[ts(type = "number | null")]
    pub as_of: Option<i64>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            stale_months: DEFAULT_STALE_MONTHS,
            as_of: None,
        }
    }
}

/// How complete one field is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldCompleteness {
    pub key: String,
    pub label: String,
    pub category: Category,
    /// Leads with a value.
    #[ts(type = "number")]
    pub filled: u64,
    /// Leads without one (missing, blank, or an empty list).
    #[ts(type = "number")]
    pub empty: u64,
    /// `empty` over all leads, 0 to 1 (0 when there are no leads).
    pub empty_share: f64,
}

/// The fields of one segmentation type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryCompleteness {
    pub category: Category,
    pub fields: Vec<FieldCompleteness>,
    /// Filled cells (lead × field) over all cells of the type's fields.
    pub filled_share: f64,
}

/// A saved segment, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AffectedSegment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// A mostly-empty field and what it means for the saved segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmptyFieldImpact {
    pub key: String,
    pub label: String,
    #[ts(type = "number")]
    pub empty: u64,
    pub empty_share: f64,
    /// Saved segments with a rule on the field (emptiness tests aside).
    pub segments: Vec<AffectedSegment>,
    /// "budget is empty for 62% of leads: rules on it can never match those leads".
    pub message: String,
}

/// Some leads: how many, how many of them are already marked not sendable
/// (`do_not_email`), and the first [`LEAD_IDS_SHOWN`] ids in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FlaggedLeads {
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub unsendable: u64,
    #[ts(type = "number[]")]
    pub lead_ids: Vec<i64>,
}

impl FlaggedLeads {
    fn add(&mut self, lead_id: i64, unsendable: bool) {
        self.total += 1;
        if unsendable {
            self.unsendable += 1;
        }
        if self.lead_ids.len() < LEAD_IDS_SHOWN {
            self.lead_ids.push(lead_id);
        }
    }
}

/// Invalid and risky e-mail addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmailReport {
    /// No address.
    pub missing: FlaggedLeads,
    /// An address that is not one (`text::is_email_address`).
    pub invalid: FlaggedLeads,
    /// A valid address of a function, not a person (info@, sales@, ...).
    pub role: FlaggedLeads,
    /// A valid address at a disposable domain (the `mailchecker` list).
    pub disposable: FlaggedLeads,
    /// Leads with a hard-bounce event.
    pub hard_bounced: FlaggedLeads,
}

/// A reason and how many values have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhoneReasonCount {
    pub reason: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Phone numbers, checked in each lead's country.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhoneReport {
    #[ts(type = "number")]
    pub empty: u64,
    /// Valid and already written as E.164 (`+14155550123`).
    #[ts(type = "number")]
    pub e164: u64,
    /// Valid, but written otherwise: a normalisation would rewrite them.
    pub normalisable: FlaggedLeads,
    pub invalid: FlaggedLeads,
    /// Why the invalid ones are, most frequent first.
    pub invalid_reasons: Vec<PhoneReasonCount>,
}

/// A value as written and how many leads hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CountryCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// A country written another way than its one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CountryVariant {
    pub value: String,
    /// The one name ("United States").
    pub canonical: String,
    pub alpha2: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Countries: the one names, their variants, and values that are no country.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CountryReport {
    #[ts(type = "number")]
    pub empty: u64,
    /// Values written as the one name, with their counts.
    pub canonical: Vec<CountryCount>,
    pub variants: Vec<CountryVariant>,
    /// Leads holding a variant.
    #[ts(type = "number")]
    pub variant_leads: u64,
    pub unrecognised: Vec<CountryCount>,
    #[ts(type = "number")]
    pub unrecognised_leads: u64,
}

/// Stale leads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaleReport {
    pub months: u32,
    /// Activity before this instant is stale.
    #[ts(type = "number")]
    pub cutoff: i64,
    /// No event since the cutoff (leads without events: created before it).
    pub inactive: FlaggedLeads,
    /// Of `inactive`, leads without any event.
    #[ts(type = "number")]
    pub inactive_without_events: u64,
    /// Leads whose last event (or none) is older than their last import.
    pub activity_before_import: FlaggedLeads,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QualityReport {
    #[ts(type = "number")]
    pub as_of: i64,
    #[ts(type = "number")]
    pub total_leads: u64,
    pub completeness: Vec<CategoryCompleteness>,
    pub mostly_empty: Vec<EmptyFieldImpact>,
    pub emails: EmailReport,
    pub phones: PhoneReport,
    pub countries: CountryReport,
    pub stale: StaleReport,
}

/// The quality report of the workspace.
/// It reads the workspace through one snapshot ([`Workspace::read_snapshot`]):
/// every figure describes the same data, even beside the app's edits.
pub fn report(workspace: &Workspace, options: &ReportOptions) -> Result<QualityReport> {
    workspace.read_snapshot(|workspace| report_from_snapshot(workspace, options))
}

fn report_from_snapshot(workspace: &Workspace, options: &ReportOptions) -> Result<QualityReport> {
    if options.stale_months == 0 || options.stale_months > 120 {
        return Err(Error::InvalidArgument(format!(
            "quality report: stale months must be 1 to 120, not {}",
            options.stale_months
        )));
    }
    let conn = workspace.conn();
    let as_of = options.as_of.unwrap_or_else(crate::time::now);
    let (total_leads, fields) = completeness(workspace)?;
    let mostly_empty = empty_field_impacts(workspace, &fields)?;
    let completeness = group_by_category(fields);

    let bounced: HashSet<i64> = table::hard_bounced_leads(
        conn,
        emails::BOUNCE_EVENT_TYPES,
        emails::HARD_BOUNCE_EVENT_TYPES,
    )?
    .into_iter()
    .collect();
    let last_activity = table::last_activity(conn)?;
    let last_import = table::last_import(conn)?;
    let cutoff = span_start(
        as_of,
        RelativeSpan {
            amount: options.stale_months,
            unit: SpanUnit::Months,
        },
    );

    let mut email_report = EmailReport::default();
    let mut phones = PhoneScan::default();
    let mut stale = StaleReport {
        months: options.stale_months,
        cutoff,
        ..StaleReport::default()
    };
    let mut regions: HashMap<String, Option<&'static str>> = HashMap::new();
    table::each_lead_contact(conn, |lead| {
        let unsendable = lead.do_not_email;
        let verdict = emails::check(lead.email.as_deref());
        for (flag, list) in [
            (verdict.missing, &mut email_report.missing),
            (verdict.invalid, &mut email_report.invalid),
            (verdict.role, &mut email_report.role),
            (verdict.disposable, &mut email_report.disposable),
            (bounced.contains(&lead.id), &mut email_report.hard_bounced),
        ] {
            if flag {
                list.add(lead.id, unsendable);
            }
        }

        let region = match lead.country.as_deref() {
            Some(name) => *regions
                .entry(name.to_owned())
                .or_insert_with(|| country::lookup(name).map(|c| c.alpha2)),
            None => None,
        };
        phones.add(lead.id, lead.phone.as_deref(), region, unsendable);

        let last = last_activity.get(&lead.id).copied();
        if last.unwrap_or(lead.created_at) < cutoff {
            stale.inactive.add(lead.id, unsendable);
            if last.is_none() {
                stale.inactive_without_events += 1;
            }
        }
        if let Some(imported) = last_import.get(&lead.id) {
            if last.is_none_or(|at| at < *imported) {
                stale.activity_before_import.add(lead.id, unsendable);
            }
        }
    })?;

    Ok(QualityReport {
        as_of,
        total_leads,
        completeness,
        mostly_empty,
        emails: email_report,
        phones: phones.finish(),
        countries: countries(workspace)?,
        stale,
    })
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn group_by_category(fields: Vec<FieldCompleteness>) -> Vec<CategoryCompleteness> {
    Category::ALL
        .iter()
        .map(|category| {
            let fields: Vec<FieldCompleteness> = fields
                .iter()
                .filter(|field| field.category == *category)
                .cloned()
                .collect();
            let filled: u64 = fields.iter().map(|f| f.filled).sum();
            let cells: u64 = fields.iter().map(|f| f.filled + f.empty).sum();
            CategoryCompleteness {
                category: *category,
                filled_share: if cells == 0 {
                    1.0
                } else {
                    share(filled, cells)
                },
                fields,
            }
        })
        .collect()
}

/// The share as a whole percentage for messages (0.615 as "62").
pub fn percent(share: f64) -> String {
    format!("{:.0}", share * 100.0)
}

/// Does `group` test the field `key` with a rule that is not an emptiness
/// test (`null`/`notNull`, which are meant for empty values)?
fn tests_field(group: &RuleGroup, key: &str) -> bool {
    group.rules.iter().any(|node| match node {
        RuleNode::Group(inner) => tests_field(inner, key),
        RuleNode::Rule(rule) => {
            rule.field == key
                && !matches!(
                    Operator::parse(&rule.operator).map(Operator::positive_form),
                    Some((Operator::Null, _))
                )
        }
    })
}

fn empty_field_impacts(
    workspace: &Workspace,
    fields: &[FieldCompleteness],
) -> Result<Vec<EmptyFieldImpact>> {
    let segments = saved::list(workspace)?;
    let mut impacts: Vec<EmptyFieldImpact> = fields
        .iter()
        .filter(|field| field.filled + field.empty > 0 && field.empty_share >= MOSTLY_EMPTY_SHARE)
        .map(|field| {
            let users: Vec<AffectedSegment> = segments
                .iter()
                .filter(|segment| tests_field(&segment.rules, &field.key))
                .map(|segment| AffectedSegment {
                    id: segment.id,
                    name: segment.name.clone(),
                })
                .collect();
            let consequence = if users.is_empty() {
                "no saved segment has a rule on it".to_owned()
            } else {
                "rules on it can never match those leads".to_owned()
            };
            EmptyFieldImpact {
                message: format!(
                    "{} is empty for {}% of leads: {consequence}",
                    field.key,
                    percent(field.empty_share)
                ),
                key: field.key.clone(),
                label: field.label.clone(),
                empty: field.empty,
                empty_share: field.empty_share,
                segments: users,
            }
        })
        .collect();
    // Fields that segments use first, then the emptiest.
    impacts.sort_by(|a, b| {
        a.segments
            .is_empty()
            .cmp(&b.segments.is_empty())
            .then(b.empty_share.total_cmp(&a.empty_share))
    });
    Ok(impacts)
}

#[derive(Default)]
struct PhoneScan {
    report: PhoneReport,
    reasons: BTreeMap<&'static str, u64>,
}

impl PhoneScan {
    fn add(&mut self, lead_id: i64, raw: Option<&str>, region: Option<&str>, unsendable: bool) {
        let raw = raw.unwrap_or("");
        match phone::check(raw, region) {
            PhoneCheck::Empty => self.report.empty += 1,
            PhoneCheck::Valid { e164 } if e164 == raw => self.report.e164 += 1,
            PhoneCheck::Valid { .. } => self.report.normalisable.add(lead_id, unsendable),
            PhoneCheck::Invalid { reason } => {
                self.report.invalid.add(lead_id, unsendable);
                *self.reasons.entry(reason).or_default() += 1;
            }
        }
    }

    fn finish(mut self) -> PhoneReport {
        let mut reasons: Vec<PhoneReasonCount> = self
            .reasons
            .into_iter()
            .map(|(reason, count)| PhoneReasonCount {
                reason: reason.to_owned(),
                count,
            })
            .collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        self.report.invalid_reasons = reasons;
        self.report
    }
}

fn countries(workspace: &Workspace) -> Result<CountryReport> {
    let conn = workspace.conn();
    let mut report = CountryReport::default();
    let mut filled = 0;
    for (value, count) in table::country_counts(conn)? {
        filled += count;
        match country::lookup(&value) {
            Some(found) if found.name == value => {
                report.canonical.push(CountryCount { value, count })
            }
            Some(found) => {
                report.variant_leads += count;
                report.variants.push(CountryVariant {
                    value,
                    canonical: found.name.to_owned(),
                    alpha2: found.alpha2.to_owned(),
                    count,
                });
            }
            None => {
                report.unrecognised_leads += count;
                report.unrecognised.push(CountryCount { value, count });
            }
        }
    }
    let (total, _) = table::filled_lead_columns(conn, &[])?;
    report.empty = total.saturating_sub(filled);
    Ok(report)
}

#[cfg(test)]
mod tests;
