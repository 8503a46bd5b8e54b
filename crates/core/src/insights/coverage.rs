//! Coverage of the saved segments, as of an instant: how many leads are in
//! no segment, in exactly one and in more than N; what the uncovered leads
//! have in common (their most frequent values of the main fields against all
//! leads); segments too small or too large; near-duplicate pairs; which of
//! the seven segmentation types the segments' rules use; and a page of the
//! leads of one bucket for the lead browser. Thresholds are workspace
//! settings (`coverage`), saved with [`save_settings`].

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fields::{self, Category, FieldType};
use crate::leads::{self, LeadPage, LeadQuery};
use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::saved::{self, Segment};
use crate::segments::{self, compile, RuleGroup, RuleNode};
use crate::store::settings;
use crate::{Error, Result, Workspace};

/// The settings key of [`CoverageSettings`].
const SETTINGS_KEY: &str = "coverage";
/// Two segments are near-duplicates when each holds more than this share
/// of the other's leads (the issue's "above 90% both ways").
pub const NEAR_DUPLICATE_SHARE: f64 = 0.9;
/// A field is profiled when its values are at most this many (persona,
/// stages, industry, country…); fields with more (names, cities, job
/// titles) say little about a group.
const MAX_PROFILE_VALUES: usize = 40;
/// The values shown per profiled field: the most frequent among the
/// uncovered leads or among all leads.
const VALUES_PER_FIELD: usize = 8;
/// Fields that identify a lead rather than describe it: never profiled.
const IDENTITY_FIELDS: [&str; 6] = [
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "city",
];
/// A value is over-represented among the uncovered leads when its share
/// there is at least this many times its share overall…
const OVER_REPRESENTED_RATIO: f64 = 1.25;
/// …and at least this many percentage points above it.
const OVER_REPRESENTED_POINTS: f64 = 5.0;
/// The number field profiled as company size bands, and its bands.
const SIZE_FIELD: &str = "employees";
const SIZE_BANDS: [(f64, &str); 6] = [
    (10.0, "1–10"),
    (50.0, "11–50"),
    (200.0, "51–200"),
    (1000.0, "201–1,000"),
    (5000.0, "1,001–5,000"),
    (f64::INFINITY, "5,001+"),
];

/// The user's coverage thresholds, kept per workspace.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageSettings {
    /// The third bucket holds leads in more than this many segments.
    pub more_than: u32,
    /// Segments with fewer leads than this are too small to act on.
    #[ts(type = "number")]
    pub too_small: u64,
    /// Segments holding more than this percentage of all leads are too
    /// large to be specific.
    pub too_large_percent: f64,
    /// Whether the built-in segments count as saved segments.
    pub include_builtins: bool,
}

impl Default for CoverageSettings {
    fn default() -> Self {
        CoverageSettings {
            more_than: 3,
            too_small: 50,
            too_large_percent: 50.0,
            include_builtins: false,
        }
    }
}

impl CoverageSettings {
    /// Refuses thresholds that mean nothing, naming the one at fault.
    pub fn check(&self) -> Result<()> {
        if !(1..=1000).contains(&self.more_than) {
            return Err(Error::InvalidArgument(format!(
                "coverage: \"more than\" must be from 1 to 1000 segments, not {}",
                self.more_than
            )));
        }
        if !(self.too_large_percent > 0.0 && self.too_large_percent <= 100.0) {
            return Err(Error::InvalidArgument(format!(
                "coverage: the \"too large\" share must be above 0% and at most 100%, not {}%",
                self.too_large_percent
            )));
        }
        Ok(())
    }
}

/// The saved coverage settings, or the defaults.
pub fn settings(workspace: &Workspace) -> Result<CoverageSettings> {
    Ok(settings::get(workspace, SETTINGS_KEY)?.unwrap_or_default())
}

/// Saves the coverage settings after checking them.
pub fn save_settings(workspace: &mut Workspace, new: &CoverageSettings) -> Result<()> {
    new.check()?;
    settings::set(workspace, SETTINGS_KEY, new)
}

/// A segment with its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageSegment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub is_builtin: bool,
    #[ts(type = "number")]
    pub count: u64,
    /// `count` as a share of all leads, 0–1.
    pub share: f64,
}

/// Two segments that hold nearly the same leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NearDuplicatePair {
    pub first: CoverageSegment,
    pub second: CoverageSegment,
    /// Leads in both.
    #[ts(type = "number")]
    pub both: u64,
    /// `both` as a share of the first segment, 0–1.
    pub share_of_first: f64,
    /// `both` as a share of the second segment, 0–1.
    pub share_of_second: f64,
}

/// One value of a profiled field among the uncovered leads and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UncoveredValueShare {
    /// The value as spelled in the data; `None` for "no value".
    pub value: Option<String>,
    #[ts(type = "number")]
    pub in_bucket: u64,
    #[ts(type = "number")]
    pub overall: u64,
    /// Shares, 0–1, of the bucket and of all leads.
    pub bucket_share: f64,
    pub overall_share: f64,
    pub over_represented: bool,
}

/// How the uncovered leads spread over one field's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UncoveredFieldProfile {
    pub key: String,
    pub label: String,
    /// How differently the bucket spreads over the values than all leads
    /// (total variation distance, 0–1): the fields are ranked by it.
    pub difference: f64,
    pub values: Vec<UncoveredValueShare>,
}

/// One of the seven segmentation types and the segments that use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentationTypeUse {
    pub category: Category,
    pub label: String,
    pub used: bool,
    /// The names of the segments whose rules test a field of this type.
    pub segments: Vec<String>,
}

/// A segment left out because it cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageSkippedSegment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub problem: String,
}

/// The whole coverage report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Coverage {
    #[ts(type = "number")]
    pub as_of: i64,
    pub settings: CoverageSettings,
    #[ts(type = "number")]
    pub total_leads: u64,
    /// The segments counted, largest first.
    pub segments: Vec<CoverageSegment>,
    #[ts(type = "number")]
    pub in_none: u64,
    #[ts(type = "number")]
    pub in_one: u64,
    #[ts(type = "number")]
    pub in_more_than: u64,
    /// The uncovered leads' profile, the most telling field first.
    pub uncovered_profile: Vec<UncoveredFieldProfile>,
    pub too_small: Vec<CoverageSegment>,
    pub too_large: Vec<CoverageSegment>,
    pub near_duplicates: Vec<NearDuplicatePair>,
    pub types: Vec<SegmentationTypeUse>,
    pub skipped: Vec<CoverageSkippedSegment>,
}

/// The three buckets of leads by how many segments hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CoverageBucket {
    None,
    One,
    MoreThan,
}

/// A coverage bucket as the lead browser shows it: the bucket, as of the
/// instant the report was made, with the settings it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageScope {
    pub bucket: CoverageBucket,
    #[ts(type = "number")]
    pub as_of: i64,
    pub more_than: u32,
    pub include_builtins: bool,
}

/// The segments that count, the ones that cannot be evaluated apart.
fn counted_segments(
    workspace: &Workspace,
    include_builtins: bool,
) -> Result<(Vec<Segment>, Vec<CoverageSkippedSegment>)> {
    let mut counted = Vec::new();
    let mut skipped = Vec::new();
    for segment in saved::list(workspace)? {
        if segment.is_builtin && !include_builtins {
            continue;
        }
        match segments::validate(workspace, &segment.rules) {
            Ok(()) => counted.push(segment),
            Err(error) => skipped.push(CoverageSkippedSegment {
                id: segment.id,
                name: segment.name.clone(),
                problem: error.to_string(),
            }),
        }
    }
    Ok((counted, skipped))
}

/// How many of `sets` hold each row (saturating at 255).
fn memberships(len: usize, sets: &[Bitset]) -> Vec<u8> {
    let mut counts = vec![0u8; len];
    for set in sets {
        for row in set.ones() {
            counts[row] = counts[row].saturating_add(1);
        }
    }
    counts
}

/// Whether a lead in `count` segments is in `bucket`.
fn in_bucket(bucket: CoverageBucket, count: u8, more_than: u32) -> bool {
    match bucket {
        CoverageBucket::None => count == 0,
        CoverageBucket::One => count == 1,
        CoverageBucket::MoreThan => u32::from(count) > more_than,
    }
}

/// The coverage report as of `as_of` with `options`.
pub fn coverage(workspace: &Workspace, as_of: i64, options: &CoverageSettings) -> Result<Coverage> {
    options.check()?;
    let (counted, skipped) = counted_segments(workspace, options.include_builtins)?;
    let rules: Vec<&RuleGroup> = counted.iter().map(|s| &s.rules).collect();
    let profiled = profiled_fields(workspace)?;
    segments::with_member_sets(workspace, &rules, as_of, |index, sets| {
        let refs: Vec<compile::FieldRef> = profiled
            .iter()
            .filter_map(|f| compile::field_ref(workspace.conn(), &f.key).ok())
            .collect();
        index.load_fields(workspace.conn(), &refs)?;
        let total = index.len() as u64;
        let counts = memberships(index.len(), &sets);
        let tally = |bucket| {
            counts
                .iter()
                .filter(|&&c| in_bucket(bucket, c, options.more_than))
                .count() as u64
        };
        let sizes: Vec<CoverageSegment> = counted
            .iter()
            .zip(&sets)
            .map(|(segment, set)| size_of(segment, set.count(), total))
            .collect();
        let uncovered = Bitset::from_fn(index.len(), |row| counts[row] == 0);
        let mut ranked = sizes.clone();
        ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        let too_small = ranked
            .iter()
            .filter(|s| s.count < options.too_small)
            .cloned()
            .collect();
        let too_large = ranked
            .iter()
            .filter(|s| s.share * 100.0 > options.too_large_percent)
            .cloned()
            .collect();
        Ok(Coverage {
            as_of,
            settings: *options,
            total_leads: total,
            in_none: tally(CoverageBucket::None),
            in_one: tally(CoverageBucket::One),
            in_more_than: tally(CoverageBucket::MoreThan),
            uncovered_profile: profile(index, &profiled, &uncovered),
            too_small,
            too_large,
            near_duplicates: near_duplicates(&sizes, &sets),
            types: type_use(workspace, &counted)?,
            segments: ranked,
            skipped,
        })
    })
}

fn size_of(segment: &Segment, count: u64, total: u64) -> CoverageSegment {
    CoverageSegment {
        id: segment.id,
        name: segment.name.clone(),
        is_builtin: segment.is_builtin,
        count,
        share: share(count, total),
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Pairs where each segment holds more than [`NEAR_DUPLICATE_SHARE`] of the
/// other, the closest first.
fn near_duplicates(sizes: &[CoverageSegment], sets: &[Bitset]) -> Vec<NearDuplicatePair> {
    let mut pairs = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let both = sets[i].count_and(&sets[j]);
            let (first, second) = (&sizes[i], &sizes[j]);
            if both == 0 {
                continue;
            }
            let share_of_first = share(both, first.count);
            let share_of_second = share(both, second.count);
            if share_of_first > NEAR_DUPLICATE_SHARE && share_of_second > NEAR_DUPLICATE_SHARE {
                pairs.push(NearDuplicatePair {
                    first: first.clone(),
                    second: second.clone(),
                    both,
                    share_of_first,
                    share_of_second,
                });
            }
        }
    }
    pairs.sort_by(|a, b| {
        let closeness = |p: &NearDuplicatePair| p.share_of_first.min(p.share_of_second);
        closeness(b).total_cmp(&closeness(a))
    });
    pairs
}

/// A field the uncovered leads are profiled on.
struct ProfiledField {
    key: String,
    label: String,
    is_list: bool,
}

/// The fields profiled: text, list and yes/no fields of the catalogue that
/// describe a lead (not its identity), and the company size.
fn profiled_fields(workspace: &Workspace) -> Result<Vec<ProfiledField>> {
    Ok(fields::list(workspace.conn())?
        .into_iter()
        .filter(|f| {
            let describes = matches!(
                f.field_type,
                FieldType::Text | FieldType::List | FieldType::Boolean
            );
            (describes && !IDENTITY_FIELDS.contains(&f.key.as_str())) || f.key == SIZE_FIELD
        })
        .map(|f| ProfiledField {
            is_list: f.field_type == FieldType::List,
            key: f.key,
            label: f.label,
        })
        .collect())
}

/// The label of the company size band of `employees`.
fn size_band(employees: f64) -> &'static str {
    SIZE_BANDS
        .iter()
        .find(|(top, _)| employees <= *top)
        .map_or("5,001+", |(_, label)| label)
}

/// Value counts of a field among `rows`, with "no value" last for fields
/// that hold one value per lead; `None` for fields with too many values.
fn counts_among(
    index: &LeadIndex,
    key: &str,
    rows: &Bitset,
    is_list: bool,
) -> Option<Vec<(Option<String>, u64)>> {
    let mut counts: Vec<(Option<String>, u64)> = if key == SIZE_FIELD {
        let mut by_band: HashMap<&str, u64> = HashMap::new();
        for row in rows.ones() {
            if let Some(n) = index.number_at(key, row) {
                *by_band.entry(size_band(n)).or_default() += 1;
            }
        }
        SIZE_BANDS
            .iter()
            .map(|(_, label)| {
                (
                    Some((*label).to_owned()),
                    by_band.get(label).copied().unwrap_or(0),
                )
            })
            .collect()
    } else {
        index
            .value_counts_among(key, rows, MAX_PROFILE_VALUES)?
            .into_iter()
            .map(|(value, n)| (Some(value), n))
            .collect()
    };
    if !is_list {
        let with_value: u64 = counts.iter().map(|(_, n)| n).sum();
        counts.push((None, rows.count().saturating_sub(with_value)));
    }
    Some(counts)
}

/// How the leads of `bucket` spread over each profiled field, against all
/// leads; fields ranked by how differently.
fn profile(
    index: &LeadIndex,
    fields: &[ProfiledField],
    bucket: &Bitset,
) -> Vec<UncoveredFieldProfile> {
    let everyone = Bitset::full(index.len());
    let (bucket_total, total) = (bucket.count(), index.len() as u64);
    let mut profiles = Vec::new();
    if bucket_total == 0 {
        return profiles;
    }
    for ProfiledField {
        key,
        label,
        is_list,
    } in fields
    {
        let is_list = *is_list;
        let (Some(overall), Some(inside)) = (
            counts_among(index, key, &everyone, is_list),
            counts_among(index, key, bucket, is_list),
        ) else {
            continue;
        };
        let overall: HashMap<Option<String>, u64> = overall.into_iter().collect();
        let mut values: Vec<UncoveredValueShare> = inside
            .into_iter()
            .map(|(value, in_bucket)| {
                let all = overall.get(&value).copied().unwrap_or(0);
                let (bucket_share, overall_share) =
                    (share(in_bucket, bucket_total), share(all, total));
                UncoveredValueShare {
                    over_represented: bucket_share >= overall_share * OVER_REPRESENTED_RATIO
                        && (bucket_share - overall_share) * 100.0 >= OVER_REPRESENTED_POINTS,
                    value,
                    in_bucket,
                    overall: all,
                    bucket_share,
                    overall_share,
                }
            })
            .filter(|v| v.overall > 0)
            .collect();
        if values.iter().all(|v| v.value.is_none()) {
            continue; // a field nobody filled in says nothing
        }
        let difference = values
            .iter()
            .map(|v| (v.bucket_share - v.overall_share).abs())
            .sum::<f64>()
            / 2.0;
        // The values frequent among the uncovered or among all leads: the
        // common values the segments do cover (0% here) say as much.
        let weight = |v: &UncoveredValueShare| v.bucket_share.max(v.overall_share);
        values.sort_by(|a, b| {
            weight(b)
                .total_cmp(&weight(a))
                .then_with(|| b.in_bucket.cmp(&a.in_bucket))
        });
        values.truncate(VALUES_PER_FIELD);
        profiles.push(UncoveredFieldProfile {
            key: key.clone(),
            label: label.clone(),
            difference,
            values,
        });
    }
    profiles.sort_by(|a, b| b.difference.total_cmp(&a.difference));
    profiles
}

/// The label of a segmentation type.
fn category_label(category: Category) -> &'static str {
    match category {
        Category::Demographic => "Demographic",
        Category::Geographic => "Geographic",
        Category::Firmographic => "Firmographic",
        Category::Psychographic => "Psychographic",
        Category::Behavioral => "Behavioral",
        Category::NeedsBased => "Needs-based",
        Category::Technographic => "Technographic",
    }
}

/// Which types each segment's rules test: the catalogue category of each
/// field tested, behavioral for behaviour rules, and the types of the
/// segments a rule refers to.
fn type_use(workspace: &Workspace, counted: &[Segment]) -> Result<Vec<SegmentationTypeUse>> {
    let catalogue: HashMap<String, Category> = fields::list(workspace.conn())?
        .into_iter()
        .map(|f| (f.key, f.category))
        .collect();
    let all: HashMap<i64, Segment> = saved::list(workspace)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut types: Vec<SegmentationTypeUse> = Category::ALL
        .iter()
        .map(|&category| SegmentationTypeUse {
            category,
            label: category_label(category).to_owned(),
            used: false,
            segments: Vec::new(),
        })
        .collect();
    for segment in counted {
        let mut found = HashSet::new();
        let mut visited = HashSet::from([segment.id]);
        categories_of(&segment.rules, &catalogue, &all, &mut visited, &mut found);
        for entry in &mut types {
            if found.contains(&category_label(entry.category)) {
                entry.used = true;
                entry.segments.push(segment.name.clone());
            }
        }
    }
    Ok(types)
}

/// Collects the labels of the categories `group` tests into `found`.
fn categories_of(
    group: &RuleGroup,
    catalogue: &HashMap<String, Category>,
    segments: &HashMap<i64, Segment>,
    visited: &mut HashSet<i64>,
    found: &mut HashSet<&'static str>,
) {
    for node in &group.rules {
        match node {
            RuleNode::Group(inner) => categories_of(inner, catalogue, segments, visited, found),
            RuleNode::Rule(rule) if rule.field == "event" => {
                found.insert(category_label(Category::Behavioral));
            }
            RuleNode::Rule(rule) if rule.field == "segment" => {
                let referred = rule.value.as_i64().and_then(|id| segments.get(&id));
                if let Some(other) = referred {
                    if visited.insert(other.id) {
                        categories_of(&other.rules, catalogue, segments, visited, found);
                    }
                }
            }
            RuleNode::Rule(rule) => {
                if let Some(&category) = catalogue.get(&rule.field) {
                    found.insert(category_label(category));
                }
            }
        }
    }
}

/// The lead ids of a bucket, ascending.
pub fn bucket_ids(workspace: &Workspace, scope: &CoverageScope) -> Result<Vec<i64>> {
    let options = CoverageSettings {
        more_than: scope.more_than,
        include_builtins: scope.include_builtins,
        ..CoverageSettings::default()
    };
    options.check()?;
    let (counted, _) = counted_segments(workspace, scope.include_builtins)?;
    let rules: Vec<&RuleGroup> = counted.iter().map(|s| &s.rules).collect();
    segments::with_member_sets(workspace, &rules, scope.as_of, |index, sets| {
        let counts = memberships(index.len(), &sets);
        let mut ids: Vec<i64> = counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| in_bucket(scope.bucket, c, scope.more_than))
            .map(|(row, _)| index.lead_id(row))
            .collect();
        ids.sort_unstable();
        Ok(ids)
    })
}

/// A page of a bucket's leads, with the lead browser's search, sort and
/// columns.
pub fn bucket_page(
    workspace: &Workspace,
    scope: &CoverageScope,
    query: &LeadQuery,
) -> Result<LeadPage> {
    let ids = bucket_ids(workspace, scope)?;
    leads::page_within(workspace, query, &ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::saved::SegmentDraft;

    const AS_OF: i64 = 1_790_000_000;

    fn save(workspace: &mut Workspace, name: &str, rules: &str) -> Segment {
        let draft = SegmentDraft {
            name: name.to_owned(),
            description: String::new(),
            color: "#0f766e".to_owned(),
            folder: String::new(),
            rules: RuleGroup::from_json(rules).unwrap(),
        };
        saved::create(workspace, &draft).unwrap()
    }

    /// A generated demo workspace with saved segments of several types,
    /// two of them near-duplicates.
    fn demo() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("coverage.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 600,
            events_per_lead: 6,
            seed: 7,
            anchor: AS_OF,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let persona = |p: &str| {
            format!(
                r#"{{"combinator":"and","rules":[{{"field":"persona","operator":"=","value":"{p}"}}]}}"#
            )
        };
        save(
            &mut workspace,
            "Executives",
            &persona("Executive decision maker"),
        );
        save(
            &mut workspace,
            "Technical",
            &persona("Technical decision maker"),
        );
        save(
            &mut workspace,
            "Technical with a score",
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Technical decision maker"},
                {"field":"score","operator":">=","value":-1000}]}"#,
        );
        save(
            &mut workspace,
            "Software",
            r#"{"combinator":"and","rules":[{"field":"industry","operator":"=","value":"Software"}]}"#,
        );
        save(
            &mut workspace,
            "Buyers",
            r#"{"combinator":"and","rules":[{"field":"event","operator":"performed","value":{"type":"purchase"}}]}"#,
        );
        save(
            &mut workspace,
            "Germany",
            r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"Germany"}]}"#,
        );
        (dir, workspace)
    }

    #[test]
    fn settings_default_round_trip_and_are_checked() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert_eq!(settings(&workspace).unwrap(), CoverageSettings::default());
        let mine = CoverageSettings {
            more_than: 2,
            too_small: 10,
            too_large_percent: 30.0,
            include_builtins: true,
        };
        save_settings(&mut workspace, &mine).unwrap();
        assert_eq!(settings(&workspace).unwrap(), mine);
        let bad = CoverageSettings {
            more_than: 0,
            ..mine
        };
        assert!(save_settings(&mut workspace, &bad)
            .unwrap_err()
            .to_string()
            .contains("more than"));
        let too_large = CoverageSettings {
            too_large_percent: 0.0,
            ..mine
        };
        assert!(save_settings(&mut workspace, &too_large).is_err());
    }

    #[test]
    fn buckets_and_memberships() {
        let a = Bitset::from_fn(6, |r| r < 3);
        let b = Bitset::from_fn(6, |r| r == 1 || r == 2 || r == 4);
        let c = Bitset::from_fn(6, |r| r == 2);
        let counts = memberships(6, &[a, b, c]);
        assert_eq!(counts, vec![1, 2, 3, 0, 1, 0]);
        assert!(in_bucket(CoverageBucket::None, 0, 3));
        assert!(in_bucket(CoverageBucket::One, 1, 3));
        assert!(!in_bucket(CoverageBucket::MoreThan, 3, 3));
        assert!(in_bucket(CoverageBucket::MoreThan, 3, 2));
    }

    #[test]
    fn size_bands_cover_every_size() {
        assert_eq!(size_band(1.0), "1–10");
        assert_eq!(size_band(10.0), "1–10");
        assert_eq!(size_band(11.0), "11–50");
        assert_eq!(size_band(1000.0), "201–1,000");
        assert_eq!(size_band(1e9), "5,001+");
    }

    #[test]
    fn near_duplicates_need_both_shares_above_ninety_percent() {
        let size = |id, count| CoverageSegment {
            id,
            name: format!("s{id}"),
            is_builtin: false,
            count,
            share: 0.0,
        };
        let a = Bitset::from_fn(100, |r| r < 50);
        let b = Bitset::from_fn(100, |r| r < 48); // 48/50 and 48/48
        let c = Bitset::from_fn(100, |r| r < 100); // holds all of a, but a is half of c
        let sizes = [size(1, 50), size(2, 48), size(3, 100)];
        let pairs = near_duplicates(&sizes, &[a, b, c]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(
            (pairs[0].first.id, pairs[0].second.id, pairs[0].both),
            (1, 2, 48)
        );
        assert!((pairs[0].share_of_first - 0.96).abs() < 1e-9);
        assert!((pairs[0].share_of_second - 1.0).abs() < 1e-9);
    }

    #[test]
    fn types_follow_fields_behaviour_rules_and_references() {
        let (_dir, mut workspace) = demo();
        let executives = saved::list(&workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.name == "Executives")
            .unwrap();
        let referring = format!(
            r#"{{"combinator":"and","rules":[{{"field":"segment","operator":"in","value":{}}}]}}"#,
            executives.id
        );
        let only = save(&mut workspace, "Via a reference", &referring);
        let types = type_use(&workspace, std::slice::from_ref(&only)).unwrap();
        let used: Vec<&str> = types
            .iter()
            .filter(|t| t.used)
            .map(|t| t.label.as_str())
            .collect();
        assert_eq!(used, ["Psychographic"]);
        let (counted, _) = counted_segments(&workspace, false).unwrap();
        let types = type_use(&workspace, &counted).unwrap();
        let used = |label: &str| types.iter().find(|t| t.label == label).unwrap().used;
        assert!(
            used("Psychographic")
                && used("Firmographic")
                && used("Behavioral")
                && used("Geographic")
        );
        assert!(!used("Needs-based") && !used("Technographic") && !used("Demographic"));
        assert_eq!(types.len(), 7);
    }

    /// Differential: buckets, sizes and near-duplicates against the members
    /// of each saved segment listed one by one with `segments::members`.
    #[test]
    fn matches_the_members_of_each_segment() {
        let (_dir, workspace) = demo();
        for include_builtins in [false, true] {
            let options = CoverageSettings {
                include_builtins,
                more_than: if include_builtins { 5 } else { 1 },
                ..CoverageSettings::default()
            };
            let report = coverage(&workspace, AS_OF, &options).unwrap();
            let (counted, _) = counted_segments(&workspace, include_builtins).unwrap();
            let member_sets: Vec<HashSet<i64>> = counted
                .iter()
                .map(|s| {
                    segments::members(&workspace, &s.rules, AS_OF, 0, usize::MAX)
                        .unwrap()
                        .into_iter()
                        .collect()
                })
                .collect();
            let all: Vec<i64> =
                segments::members(&workspace, &RuleGroup::everyone(), AS_OF, 0, usize::MAX)
                    .unwrap();
            let times = |id: &i64| member_sets.iter().filter(|set| set.contains(id)).count();
            let expect = |test: &dyn Fn(usize) -> bool| -> Vec<i64> {
                all.iter().copied().filter(|id| test(times(id))).collect()
            };
            let none = expect(&|n| n == 0);
            let one = expect(&|n| n == 1);
            let more_than = options.more_than as usize;
            let many = expect(&|n| n > more_than);
            assert_eq!(report.total_leads, all.len() as u64);
            assert_eq!(report.in_none, none.len() as u64);
            assert_eq!(report.in_one, one.len() as u64);
            assert_eq!(report.in_more_than, many.len() as u64);
            // The built-ins put every demo lead in several segments.
            assert!(
                include_builtins
                    || (report.in_none > 0 && report.in_one > 0 && report.in_more_than > 0)
            );
            let scope = |bucket| CoverageScope {
                bucket,
                as_of: AS_OF,
                more_than: options.more_than,
                include_builtins,
            };
            assert_eq!(
                bucket_ids(&workspace, &scope(CoverageBucket::None)).unwrap(),
                none
            );
            assert_eq!(
                bucket_ids(&workspace, &scope(CoverageBucket::One)).unwrap(),
                one
            );
            assert_eq!(
                bucket_ids(&workspace, &scope(CoverageBucket::MoreThan)).unwrap(),
                many
            );
            for size in &report.segments {
                let position = counted.iter().position(|s| s.id == size.id).unwrap();
                assert_eq!(
                    size.count,
                    member_sets[position].len() as u64,
                    "{}",
                    size.name
                );
            }
            let mut expected_pairs = Vec::new();
            for i in 0..counted.len() {
                for j in i + 1..counted.len() {
                    let both = member_sets[i].intersection(&member_sets[j]).count() as f64;
                    let (a, b) = (member_sets[i].len() as f64, member_sets[j].len() as f64);
                    if both > 0.0 && both / a > 0.9 && both / b > 0.9 {
                        expected_pairs.push((counted[i].id, counted[j].id));
                    }
                }
            }
            let mut found: Vec<(i64, i64)> = report
                .near_duplicates
                .iter()
                .map(|p| (p.first.id, p.second.id))
                .collect();
            found.sort_unstable();
            expected_pairs.sort_unstable();
            assert_eq!(found, expected_pairs);
            assert!(
                !found.is_empty(),
                "Technical and Technical with a score are near-duplicates"
            );
        }
    }

    /// The profile's counts against the leads read straight from SQL.
    #[test]
    fn the_uncovered_profile_counts_match_sql() {
        let (_dir, workspace) = demo();
        let report = coverage(&workspace, AS_OF, &CoverageSettings::default()).unwrap();
        let none: HashSet<i64> = bucket_ids(
            &workspace,
            &CoverageScope {
                bucket: CoverageBucket::None,
                as_of: AS_OF,
                more_than: 3,
                include_builtins: false,
            },
        )
        .unwrap()
        .into_iter()
        .collect();
        let persona = report
            .uncovered_profile
            .iter()
            .find(|p| p.key == "persona")
            .unwrap();
        let mut statement = workspace
            .conn()
            .prepare("SELECT id, persona FROM leads")
            .unwrap();
        let rows: Vec<(i64, Option<String>)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for value in &persona.values {
            let overall = rows.iter().filter(|(_, p)| *p == value.value).count() as u64;
            let inside = rows
                .iter()
                .filter(|(id, p)| *p == value.value && none.contains(id))
                .count() as u64;
            assert_eq!(
                (value.overall, value.in_bucket),
                (overall, inside),
                "{:?}",
                value.value
            );
        }
        // The segments cover executives and technical leads: the others are over-represented.
        let practitioner = persona
            .values
            .iter()
            .find(|v| v.value.as_deref() == Some("Practitioner"))
            .unwrap();
        assert!(practitioner.over_represented, "{practitioner:?}");
        assert!(persona
            .values
            .iter()
            .all(|v| v.value.as_deref() != Some("Executive decision maker") || v.in_bucket == 0));
        assert!(report
            .uncovered_profile
            .iter()
            .all(|p| !IDENTITY_FIELDS.contains(&p.key.as_str())));
        assert!(report.uncovered_profile.iter().any(|p| p.key == SIZE_FIELD));
    }

    #[test]
    fn too_small_and_too_large_follow_the_thresholds() {
        let (_dir, workspace) = demo();
        let options = CoverageSettings {
            too_small: 100,
            too_large_percent: 25.0,
            ..CoverageSettings::default()
        };
        let report = coverage(&workspace, AS_OF, &options).unwrap();
        for size in &report.segments {
            assert_eq!(
                report.too_small.contains(size),
                size.count < 100,
                "{}",
                size.name
            );
            assert_eq!(
                report.too_large.contains(size),
                size.share > 0.25,
                "{}",
                size.name
            );
        }
        assert!(!report.too_large.is_empty());
    }

    #[test]
    fn a_bucket_pages_with_search_and_sort() {
        let (_dir, workspace) = demo();
        let scope = CoverageScope {
            bucket: CoverageBucket::None,
            as_of: AS_OF,
            more_than: 3,
            include_builtins: false,
        };
        let ids = bucket_ids(&workspace, &scope).unwrap();
        let query = |sort: Option<leads::SortSpec>, search: &str, offset| LeadQuery {
            offset,
            limit: 50,
            columns: vec!["persona".to_owned(), "score".to_owned()],
            sort,
            search: search.to_owned(),
            search_custom_fields: false,
        };
        let first = bucket_page(&workspace, &scope, &query(None, "", 0)).unwrap();
        assert_eq!(first.total, Some(ids.len() as u32));
        assert_eq!(
            first.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            ids[..50]
        );
        let second = bucket_page(&workspace, &scope, &query(None, "", 50)).unwrap();
        assert_eq!(second.total, None);
        assert_eq!(second.rows[0].id, ids[50]);
        let sort = Some(leads::SortSpec {
            field: "score".to_owned(),
            descending: true,
        });
        let sorted = bucket_page(&workspace, &scope, &query(sort, "", 0)).unwrap();
        assert_eq!(sorted.total, Some(ids.len() as u32));
        assert!(sorted.rows.iter().all(|r| ids.binary_search(&r.id).is_ok()));
        let scores: Vec<f64> = sorted
            .rows
            .iter()
            .filter_map(|r| match &r.cells[1] {
                Some(leads::CellValue::Number(n)) => Some(*n),
                _ => None,
            })
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        let searched = bucket_page(&workspace, &scope, &query(None, "a", 0)).unwrap();
        let total = searched.total.unwrap() as usize;
        assert!(total > 0 && total <= ids.len());
        assert!(searched
            .rows
            .iter()
            .all(|r| ids.binary_search(&r.id).is_ok()));
    }
}
