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
use std::collections::hash_map::Entry;
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
    /// At most this many pairs are reported (the most confident); all are
    /// counted in `total_pairs`. `None`: every pair.
    pub limit: Option<usize>,
}

impl Default for DuplicateOptions {
    fn default() -> Self {
        DuplicateOptions {
            min_confidence: 0.0,
            limit: None,
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
    /// The most confident pairs, at most the limit asked for.
    pub pairs: Vec<DuplicatePair>,
    /// Every pair at or above the minimum confidence.
    #[ts(type = "number")]
    pub total_pairs: u64,
    pub skipped_blocks: Vec<SkippedBlock>,
    /// How many leads were read.
    #[ts(type = "number")]
    pub leads_checked: u64,
}

/// The blocking key of kind `kind` (an index of [`KINDS`]) of one lead:
/// exactly, or with the cheap phone key.
fn lead_key(lead: &LeadMatchColumns, kind: usize, exact: bool) -> Option<String> {
    let text = |value: &Option<String>| value.as_deref().unwrap_or("").to_owned();
    match kind {
        0 => lead.email.as_deref().and_then(keys::provider_email_key),
        1 => lead.phone.as_deref().and_then(|phone| {
            if exact {
                keys::phone_key(phone, lead.country.as_deref())
            } else {
                keys::phone_block_key(phone, lead.country.as_deref())
            }
        }),
        _ => keys::name_company_key(
            &text(&lead.first_name),
            &text(&lead.last_name),
            &text(&lead.company),
        ),
    }
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

/// One piece of evidence of one pair, before it is put in words: the pair,
/// the kind (an index of [`KINDS`]), the block and its confidence.
struct Link {
    pair: (i64, i64),
    kind: usize,
    block: usize,
    confidence: f64,
}

/// Finds likely duplicates among all leads, read through one snapshot
/// ([`Workspace::read_snapshot`]): beside the app's merges, every pair
/// describes one state of the data (a pair may name a lead merged away
/// since; the merge then refuses it as not found).
pub fn find(workspace: &Workspace, options: &DuplicateOptions) -> Result<DuplicateReport> {
    workspace.read_snapshot(|workspace| find_in_snapshot(workspace, options))
}

fn find_in_snapshot(workspace: &Workspace, options: &DuplicateOptions) -> Result<DuplicateReport> {
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
        for kind in 0..KINDS.len() {
            let Some(key) = lead_key(&lead, kind, false) else {
                continue;
            };
            match buckets.entry(hash_of(kind, &key)) {
                Entry::Vacant(slot) => {
                    slot.insert(Bucket::One(lead.id));
                }
                Entry::Occupied(mut slot) => match slot.get_mut() {
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
    // Which keys of which leads are worth computing exactly: those whose
    // hash another lead shares.
    let mut candidates: HashMap<i64, [bool; 3]> = HashMap::new();
    let mut shared: Vec<Vec<i64>> = Vec::new();
    for bucket in buckets.into_values() {
        if let Bucket::Many(ids) = bucket {
            shared.push(ids);
        }
    }
    let mut wanted: Vec<i64> = shared.iter().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let leads: BTreeMap<i64, LeadMatchColumns> = stored::of_ids(conn, &wanted)?
        .into_iter()
        .map(|lead| (lead.id, lead))
        .collect();
    // Which kinds of key to compute exactly for each candidate: a lead is a
    // phone candidate only if its cheap phone key is shared.
    for ids in &shared {
        let Some(first) = leads.get(&ids[0]) else {
            continue;
        };
        let hashes: Vec<Option<u64>> = (0..KINDS.len())
            .map(|kind| lead_key(first, kind, false).map(|key| hash_of(kind, &key)))
            .collect();
        for id in ids {
            let Some(lead) = leads.get(id) else { continue };
            let entry = candidates.entry(*id).or_default();
            for (kind, hash) in hashes.iter().enumerate() {
                if hash.is_some()
                    && lead_key(lead, kind, false).map(|key| hash_of(kind, &key)) == *hash
                {
                    entry[kind] = true;
                }
            }
        }
    }

    // Exact keys of the candidates: hash collisions fall apart here. Phones
    // are parsed in the order of their cheap key, so one country's numbers
    // follow each other: libphonenumber keeps only 100 compiled patterns, and
    // parsing countries in turn would compile them again for every number.
    let mut blocks: BTreeMap<(usize, String), Vec<i64>> = BTreeMap::new();
    let mut phones: Vec<(String, i64)> = Vec::new();
    for (id, kinds) in &candidates {
        let Some(lead) = leads.get(id) else { continue };
        for kind in (0..KINDS.len()).filter(|kind| kinds[*kind]) {
            if kind == 1 {
                if let Some(cheap) = lead_key(lead, kind, false) {
                    phones.push((cheap, *id));
                }
            } else if let Some(key) = lead_key(lead, kind, true) {
                blocks.entry((kind, key)).or_default().push(*id);
            }
        }
    }
    phones.sort_unstable();
    for (_, id) in phones {
        let Some(lead) = leads.get(&id) else { continue };
        if let Some(key) = lead_key(lead, 1, true) {
            blocks.entry((1, key)).or_default().push(id);
        }
    }
    let blocks: Vec<((usize, String), Vec<i64>)> = blocks
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(key, mut ids)| {
            ids.sort_unstable();
            (key, ids)
        })
        .collect();
    let mut links = Vec::new();
    let mut skipped_blocks = Vec::new();
    for (block, ((kind, key), ids)) in blocks.iter().enumerate() {
        if ids.len() > MAX_BLOCK_SIZE {
            skipped_blocks.push(SkippedBlock {
                kind: KINDS[*kind],
                key: key.clone(),
                size: ids.len() as u64,
            });
            continue;
        }
        for (index, first) in ids.iter().enumerate() {
            for second in &ids[index + 1..] {
                let (Some(a), Some(b)) = (leads.get(first), leads.get(second)) else {
                    continue;
                };
                links.push(Link {
                    pair: (*first, *second),
                    kind: *kind,
                    block,
                    confidence: confidence_of(KINDS[*kind], a, b),
                });
            }
        }
    }
    links.sort_unstable_by_key(|link| (link.pair, link.kind));
    // Each pair: its links, and their combined confidence.
    let mut pairs: Vec<(f64, std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    while start < links.len() {
        let mut end = start + 1;
        while end < links.len() && links[end].pair == links[start].pair {
            end += 1;
        }
        let confidence = combined(links[start..end].iter().map(|l| l.confidence));
        if confidence + 1e-9 >= options.min_confidence {
            pairs.push((confidence, start..end));
        }
        start = end;
    }
    pairs.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(links[a.1.start].pair.cmp(&links[b.1.start].pair))
    });
    let total_pairs = pairs.len() as u64;
    pairs.truncate(options.limit.unwrap_or(usize::MAX));
    let pairs = pairs
        .into_iter()
        .filter_map(|(confidence, range)| {
            let (first, second) = links[range.start].pair;
            let (a, b) = (leads.get(&first)?, leads.get(&second)?);
            let evidence = links[range]
                .iter()
                .map(|link| {
                    let key = &blocks[link.block].0 .1;
                    evidence_of(KINDS[link.kind], key, a, b)
                })
                .collect();
            Some(DuplicatePair {
                first: summary(a),
                second: summary(b),
                evidence,
                confidence,
            })
        })
        .collect();
    skipped_blocks.sort_by(|a, b| b.size.cmp(&a.size).then(a.key.cmp(&b.key)));
    Ok(DuplicateReport {
        pairs,
        total_pairs,
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

fn same_domain(a: &LeadMatchColumns, b: &LeadMatchColumns) -> bool {
    let domain_of = |lead: &LeadMatchColumns| lead.email.as_deref().and_then(keys::email_domain);
    matches!((domain_of(a), domain_of(b)), (Some(x), Some(y)) if x == y)
}

/// The confidence of one piece of evidence (see the module's comment).
fn confidence_of(kind: EvidenceKind, a: &LeadMatchColumns, b: &LeadMatchColumns) -> f64 {
    match kind {
        EvidenceKind::EmailProvider => 0.95,
        EvidenceKind::Phone if same_folded(&a.last_name, &b.last_name) => 0.9,
        EvidenceKind::Phone => 0.8,
        EvidenceKind::NameCompany if same_domain(a, b) => 0.85,
        EvidenceKind::NameCompany => 0.75,
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
                confidence: confidence_of(kind, a, b),
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
                confidence: confidence_of(kind, a, b),
            }
        }
        EvidenceKind::NameCompany => {
            let same_domain = same_domain(a, b);
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
                confidence: confidence_of(kind, a, b),
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
