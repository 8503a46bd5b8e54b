//! Likely duplicates beyond the exact e-mail: the same address up to the
//! provider's rules, the same phone, or the same name at the same company,
//! found through blocking keys (never every pair), each pair with its
//! evidence and a confidence.
//!
//! One pass over the leads computes each lead's blocking keys (see
//! [`keys`]) and files the lead under a 64-bit hash of each key; only the
//! few hashes shared by several leads are read again, their keys checked
//! exactly, and expanded into pairs. A block larger than
//! [`MAX_BLOCK_SIZE`] (a switchboard number shared by a whole company) is
//! not expanded: it is reported in `skipped_blocks`.
//!
//! Confidence of one piece of evidence: the same address up to the
//! provider's rules 0.95; the same phone 0.8, 0.9 with the same last name;
//! the same name at the same company 0.75, 0.85 with the same e-mail domain.
//! A pair with several pieces combines them as `1 - Π(1 - p)`.

pub mod keys;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::tables::duplicates::{self as stored, LeadMatchColumns};
use crate::{Error, Result, Workspace};

/// The largest block expanded into pairs.
pub const MAX_BLOCK_SIZE: usize = 20;

/// What [`find`] reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateOptions {
    /// Pairs below this confidence (0 to 1) are left out.
    pub min_confidence: f64,
}

impl Default for DuplicateOptions {
    fn default() -> Self {
        DuplicateOptions {
            min_confidence: 0.0,
        }
    }
}

/// The kind of evidence that links two leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EvidenceKind {
    /// The same address up to the provider's rules.
    EmailProvider,
    /// The same phone number (E.164).
    Phone,
    /// The same first and last name at the same company.
    NameCompany,
}

impl EvidenceKind {
    /// The name used in JSON and by the demo's planted pairs.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::EmailProvider => "email_provider",
            EvidenceKind::Phone => "phone",
            EvidenceKind::NameCompany => "name_company",
        }
    }
}

/// One piece of evidence, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "DuplicateEvidence")]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// What links them, e.g. "the same Gmail address janedoe@gmail.com
    /// (dots and +tags ignored)".
    pub detail: String,
    /// This evidence's own confidence.
    pub confidence: f64,
}

/// A lead as a pair shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "DuplicateLead")]
pub struct LeadSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// First and last name; empty when neither is known.
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
}

/// Two leads that are likely one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicatePair {
    /// The lead with the smaller id.
    pub first: LeadSummary,
    pub second: LeadSummary,
    pub evidence: Vec<Evidence>,
    /// 0 to 1: `1 - Π(1 - p)` over the evidence.
    pub confidence: f64,
}

/// A block too large to expand into pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SkippedBlock {
    pub kind: EvidenceKind,
    /// The shared key (an address, an E.164 number, or "first|last|company").
    pub key: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// Likely duplicates, most confident first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateReport {
    pub pairs: Vec<DuplicatePair>,
    pub skipped_blocks: Vec<SkippedBlock>,
    /// How many leads were read.
    #[ts(type = "number")]
    pub leads_checked: u64,
}

/// The blocking keys of one lead: exactly, or with the cheap phone key.
fn lead_keys(lead: &LeadMatchColumns, exact: bool) -> [Option<String>; 3] {
    let text = |value: &Option<String>| value.as_deref().unwrap_or("").to_owned();
    [
        lead.email.as_deref().and_then(keys::provider_email_key),
        lead.phone.as_deref().and_then(|phone| {
            if exact {
                keys::phone_key(phone, lead.country.as_deref())
            } else {
                keys::phone_block_key(phone, lead.country.as_deref())
            }
        }),
        keys::name_company_key(
            &text(&lead.first_name),
            &text(&lead.last_name),
            &text(&lead.company),
        ),
    ]
}

const KINDS: [EvidenceKind; 3] = [
    EvidenceKind::EmailProvider,
    EvidenceKind::Phone,
    EvidenceKind::NameCompany,
];

fn hash_of(kind: usize, key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    kind.hash(&mut hasher);
    key.hash(&mut hasher);
    hasher.finish()
}

/// The leads filed under one hash: most hashes hold one lead.
enum Bucket {
    One(i64),
    Many(Vec<i64>),
}

/// Finds likely duplicates among all leads.
pub fn find(workspace: &Workspace, options: &DuplicateOptions) -> Result<DuplicateReport> {
    if !(0.0..=1.0).contains(&options.min_confidence) {
        return Err(Error::InvalidArgument(format!(
            "the minimum confidence must be between 0 and 1, not {}",
            options.min_confidence
        )));
    }
    let conn = workspace.conn();
    let mut buckets: HashMap<u64, Bucket> = HashMap::new();
    let mut leads_checked = 0u64;
    stored::visit_all(conn, |lead| {
        leads_checked += 1;
        for (kind, key) in lead_keys(&lead, false).iter().enumerate() {
            let Some(key) = key else { continue };
            match buckets.entry(hash_of(kind, key)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(Bucket::One(lead.id));
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => match slot.get_mut() {
                    Bucket::One(first) => {
                        let first = *first;
                        slot.insert(Bucket::Many(vec![first, lead.id]));
                    }
                    Bucket::Many(ids) => ids.push(lead.id),
                },
            }
        }
        Ok(())
    })?;
    let mut candidates: Vec<i64> = buckets
        .into_values()
        .filter_map(|bucket| match bucket {
            Bucket::Many(ids) => Some(ids),
            Bucket::One(_) => None,
        })
        .flatten()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let leads: BTreeMap<i64, LeadMatchColumns> = stored::of_ids(conn, &candidates)?
        .into_iter()
        .map(|lead| (lead.id, lead))
        .collect();

    // Exact keys of the candidates: hash collisions fall apart here.
    let mut blocks: BTreeMap<(usize, String), Vec<i64>> = BTreeMap::new();
    for lead in leads.values() {
        for (kind, key) in lead_keys(lead, true).into_iter().enumerate() {
            if let Some(key) = key {
                blocks.entry((kind, key)).or_default().push(lead.id);
            }
        }
    }
    let mut evidence: BTreeMap<(i64, i64), Vec<Evidence>> = BTreeMap::new();
    let mut skipped_blocks = Vec::new();
    for ((kind, key), ids) in blocks {
        if ids.len() < 2 {
            continue;
        }
        if ids.len() > MAX_BLOCK_SIZE {
            skipped_blocks.push(SkippedBlock {
                kind: KINDS[kind],
                key,
                size: ids.len() as u64,
            });
            continue;
        }
        for (index, first) in ids.iter().enumerate() {
            for second in &ids[index + 1..] {
                let (Some(a), Some(b)) = (leads.get(first), leads.get(second)) else {
                    continue;
                };
                evidence
                    .entry((*first, *second))
                    .or_default()
                    .push(evidence_of(KINDS[kind], &key, a, b));
            }
        }
    }
    let mut pairs: Vec<DuplicatePair> = evidence
        .into_iter()
        .filter_map(|((first, second), mut found)| {
            found.sort_by_key(|e| e.kind);
            let confidence = combined(found.iter().map(|e| e.confidence));
            let (a, b) = (leads.get(&first)?, leads.get(&second)?);
            (confidence + 1e-9 >= options.min_confidence).then(|| DuplicatePair {
                first: summary(a),
                second: summary(b),
                evidence: found,
                confidence,
            })
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.first.id.cmp(&b.first.id))
            .then(a.second.id.cmp(&b.second.id))
    });
    skipped_blocks.sort_by(|a, b| b.size.cmp(&a.size).then(a.key.cmp(&b.key)));
    Ok(DuplicateReport {
        pairs,
        skipped_blocks,
        leads_checked,
    })
}

/// `1 - Π(1 - p)`, rounded to 4 decimals.
pub fn combined(confidences: impl Iterator<Item = f64>) -> f64 {
    let missed: f64 = confidences.map(|p| 1.0 - p).product();
    ((1.0 - missed) * 10_000.0).round() / 10_000.0
}

fn same_folded(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (keys::folded_part(a), keys::folded_part(b));
            !a.is_empty() && a == b
        }
        _ => false,
    }
}

fn evidence_of(
    kind: EvidenceKind,
    key: &str,
    a: &LeadMatchColumns,
    b: &LeadMatchColumns,
) -> Evidence {
    match kind {
        EvidenceKind::EmailProvider => {
            let domain = key.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            let ignored = match keys::provider_rule(domain) {
                Some((keys::ProviderRule::DotsAndPlusTags, _)) => "dots and +tags ignored",
                Some((keys::ProviderRule::DashTags, _)) => "-tags ignored",
                _ => "+tags ignored",
            };
            Evidence {
                kind,
                detail: format!(
                    "one {} address, {key} ({ignored})",
                    keys::provider_name(domain)
                ),
                confidence: 0.95,
            }
        }
        EvidenceKind::Phone => {
            let same_last = same_folded(&a.last_name, &b.last_name);
            Evidence {
                kind,
                detail: if same_last {
                    format!("the same phone number, {key}, and the same last name")
                } else {
                    format!("the same phone number, {key}")
                },
                confidence: if same_last { 0.9 } else { 0.8 },
            }
        }
        EvidenceKind::NameCompany => {
            let domain_of =
                |lead: &LeadMatchColumns| lead.email.as_deref().and_then(keys::email_domain);
            let same_domain = matches!((domain_of(a), domain_of(b)), (Some(x), Some(y)) if x == y);
            let who = format!(
                "{} at {}",
                full_name(a),
                a.company.as_deref().unwrap_or_default()
            );
            Evidence {
                kind,
                detail: if same_domain {
                    format!("the same name at the same company ({who}), same e-mail domain")
                } else {
                    format!("the same name at the same company ({who})")
                },
                confidence: if same_domain { 0.85 } else { 0.75 },
            }
        }
    }
}

fn full_name(lead: &LeadMatchColumns) -> String {
    [lead.first_name.as_deref(), lead.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn summary(lead: &LeadMatchColumns) -> LeadSummary {
    LeadSummary {
        id: lead.id,
        name: full_name(lead),
        email: lead.email.clone(),
        company: lead.company.clone(),
        phone: lead.phone.clone(),
    }
}

#[cfg(test)]
mod tests;
