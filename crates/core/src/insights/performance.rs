//! Which segments perform: for chosen saved segments over a period, their
//! members (as of the period's start), how many converted and at what rate
//! (with its Wilson interval, lift and whether it is told apart from all
//! leads), engagement per member and revenue. The Performance tab and
//! `insights performance`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::outcome::{conversions, Outcome, Period, Rate};
use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::{self, saved, RuleGroup};
use crate::text::fold_key;
use crate::{Error, Result, Workspace};

/// The event types engagement counts, as the demo and the importer name
/// them (matched case and accents aside).
pub const ENGAGEMENT_TYPES: [&str; 4] = ["email_open", "email_click", "page_view", "download"];

/// The properties of an outcome event read as its amount, first present
/// wins (the demo writes `value`; exports often say `amount` or `revenue`).
pub const AMOUNT_PROPERTIES: [&str; 3] = ["value", "amount", "revenue"];

/// Engagement of a group of leads in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EngagementPerLead {
    /// Events per lead in the period.
    pub email_opens: f64,
    pub email_clicks: f64,
    pub page_views: f64,
    pub downloads: f64,
    /// Leads with at least one event of any type in the period.
    #[ts(type = "number")]
    pub active: u64,
    /// `active / leads` (0 for no leads).
    pub active_share: f64,
}

/// How one group of leads performed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GroupPerformance {
    /// `successes` converted out of `trials` members.
    pub conversion: Rate,
    /// The rate over all leads' rate; `None` when no lead converted.
    pub lift: Option<f64>,
    /// Whether the interval leaves out all leads' rate; when not, the
    /// segment is "not yet distinguishable" from the baseline.
    pub distinguishable: bool,
    pub engagement: EngagementPerLead,
    /// The sum of the outcome events' amounts in the period.
    pub revenue: f64,
    pub revenue_per_member: f64,
}

/// One segment's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentPerformance {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub name: String,
    pub color: String,
    pub is_builtin: bool,
    #[serde(flatten)]
    #[ts(flatten)]
    pub performance: GroupPerformance,
}

/// A segment that could not be measured (its rules no longer compile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentFailure {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub name: String,
    pub error: String,
}

/// The performance table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PerformanceReport {
    /// The period, `[from, to)` in seconds; members are taken as of `from`.
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    pub outcome: Outcome,
    /// All leads: the baseline.
    pub all_leads: GroupPerformance,
    /// Ranked by `sort`.
    pub segments: Vec<SegmentPerformance>,
    pub failed: Vec<SegmentFailure>,
}

/// How the table is ranked (highest first; `Name` alphabetically).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PerformanceSort {
    #[default]
    Rate,
    Lift,
    Members,
    Converted,
    Revenue,
    Active,
    Name,
}

impl PerformanceSort {
    pub fn parse(text: &str) -> Result<PerformanceSort> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "rate" => PerformanceSort::Rate,
            "lift" => PerformanceSort::Lift,
            "members" => PerformanceSort::Members,
            "converted" => PerformanceSort::Converted,
            "revenue" => PerformanceSort::Revenue,
            "active" => PerformanceSort::Active,
            "name" => PerformanceSort::Name,
            other => {
                return Err(Error::InvalidArgument(format!(
                "unknown sort `{other}`: use rate, lift, members, converted, revenue, active or name"
            )))
            }
        })
    }
}

/// What each lead did in the period, worked out once for every group.
struct LeadActivity {
    converted: Bitset,
    active: Bitset,
    /// Per engagement type, per lead: events in the period.
    engagement: Vec<Vec<u32>>,
    /// Per lead: the outcome events' amounts in the period.
    revenue: Vec<f64>,
}

/// Measures the saved segments `segment_ids` (all saved ones, built-ins
/// included, when empty) over `period`, ranked by `sort`.
pub fn performance(
    workspace: &Workspace,
    segment_ids: &[i64],
    outcome: &Outcome,
    period: Period,
    sort: PerformanceSort,
) -> Result<PerformanceReport> {
    let chosen = chosen_segments(workspace, segment_ids)?;
    let mut measurable = Vec::new();
    let mut failed = Vec::new();
    for segment in chosen {
        match segments::validate(workspace, &segment.rules) {
            Ok(()) => measurable.push(segment),
            Err(error) => failed.push(SegmentFailure {
                segment_id: segment.id,
                name: segment.name.clone(),
                error: error.to_string(),
            }),
        }
    }
    let rules: Vec<&RuleGroup> = measurable.iter().map(|s| &s.rules).collect();
    segments::with_member_sets(workspace, &rules, period.from, |index, sets| {
        let activity = lead_activity(workspace, index, outcome, period)?;
        let everyone = Bitset::full(index.len());
        let baseline_rate = Rate::new(activity.converted.count(), index.len() as u64);
        let all_leads = measure(&activity, &everyone, &baseline_rate);
        let mut rows: Vec<SegmentPerformance> = measurable
            .iter()
            .zip(&sets)
            .map(|(segment, members)| SegmentPerformance {
                segment_id: segment.id,
                name: segment.name.clone(),
                color: segment.color.clone(),
                is_builtin: segment.is_builtin,
                performance: measure(&activity, members, &baseline_rate),
            })
            .collect();
        rank(&mut rows, sort);
        Ok(PerformanceReport {
            from: period.from,
            to: period.to,
            outcome: outcome.clone(),
            all_leads,
            segments: rows,
            failed: failed.clone(),
        })
    })
}

fn chosen_segments(workspace: &Workspace, segment_ids: &[i64]) -> Result<Vec<saved::Segment>> {
    if segment_ids.is_empty() {
        return saved::list(workspace);
    }
    segment_ids
        .iter()
        .map(|&id| saved::get(workspace, id))
        .collect()
}

fn lead_activity(
    workspace: &Workspace,
    index: &mut LeadIndex,
    outcome: &Outcome,
    period: Period,
) -> Result<LeadActivity> {
    let converted = conversions(workspace, index, outcome, period)?.converted;
    let len = index.len();
    let in_period = |times: &[i64]| {
        let start = times.partition_point(|&t| t < period.from);
        let end = times.partition_point(|&t| t < period.to);
        (start, end)
    };
    let mut active = Bitset::empty(len);
    for key in index.event_type_keys() {
        for row in 0..len {
            let (start, end) = in_period(index.event_times(&key, row));
            if end > start {
                active.insert(row);
            }
        }
    }
    let engagement = ENGAGEMENT_TYPES
        .iter()
        .map(|name| {
            let key = fold_key(name);
            (0..len)
                .map(|row| {
                    let (start, end) = in_period(index.event_times(&key, row));
                    (end - start) as u32
                })
                .collect()
        })
        .collect();
    let mut revenue = vec![0.0; len];
    let mut keys: Vec<String> = outcome.event_types.iter().map(|t| fold_key(t)).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in &keys {
        for property in AMOUNT_PROPERTIES {
            index.ensure_event_property(workspace.conn(), key, property)?;
        }
        for (row, total) in revenue.iter_mut().enumerate() {
            let (start, end) = in_period(index.event_times(key, row));
            for event in start..end {
                *total += event_amount(index, key, row, event);
            }
        }
    }
    Ok(LeadActivity {
        converted,
        active,
        engagement,
        revenue,
    })
}

/// The amount of a lead's `event`-th event of type `key`: the first of
/// [`AMOUNT_PROPERTIES`] that is a number, else 0.
fn event_amount(index: &LeadIndex, key: &str, row: usize, event: usize) -> f64 {
    AMOUNT_PROPERTIES
        .iter()
        .filter_map(|property| index.event_numbers(key, property, row).get(event))
        .copied()
        .find(|amount| amount.is_finite())
        .unwrap_or(0.0)
}

fn measure(activity: &LeadActivity, members: &Bitset, baseline: &Rate) -> GroupPerformance {
    let mut converted = 0u64;
    let mut active = 0u64;
    let mut engagement = [0u64; 4];
    let mut revenue = 0.0;
    let mut count = 0u64;
    for row in members.ones() {
        count += 1;
        converted += u64::from(activity.converted.get(row));
        active += u64::from(activity.active.get(row));
        for (total, per_lead) in engagement.iter_mut().zip(&activity.engagement) {
            *total += u64::from(per_lead[row]);
        }
        revenue += activity.revenue[row];
    }
    let per = |total: f64| {
        if count == 0 {
            0.0
        } else {
            total / count as f64
        }
    };
    let conversion = Rate::new(converted, count);
    GroupPerformance {
        lift: conversion.lift_over(baseline),
        distinguishable: count > 0 && conversion.differs_from(baseline),
        conversion,
        engagement: EngagementPerLead {
            email_opens: per(engagement[0] as f64),
            email_clicks: per(engagement[1] as f64),
            page_views: per(engagement[2] as f64),
            downloads: per(engagement[3] as f64),
            active,
            active_share: per(active as f64),
        },
        revenue,
        revenue_per_member: per(revenue),
    }
}

fn rank(rows: &mut [SegmentPerformance], sort: PerformanceSort) {
    let key = |row: &SegmentPerformance| -> f64 {
        let p = &row.performance;
        match sort {
            PerformanceSort::Rate | PerformanceSort::Name => p.conversion.rate,
            PerformanceSort::Lift => p.lift.unwrap_or(f64::NEG_INFINITY),
            PerformanceSort::Members => p.conversion.trials as f64,
            PerformanceSort::Converted => p.conversion.successes as f64,
            PerformanceSort::Revenue => p.revenue,
            PerformanceSort::Active => p.engagement.active_share,
        }
    };
    if sort == PerformanceSort::Name {
        rows.sort_by_key(|row| fold_key(&row.name));
        return;
    }
    // Highest first; ties by the interval's low end (surer first), then name.
    rows.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then_with(|| {
                b.performance
                    .conversion
                    .low
                    .total_cmp(&a.performance.conversion.low)
            })
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::saved::SegmentDraft;

    fn demo(leads: u32) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("perf.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads,
            events_per_lead: 10,
            seed: 5,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        (dir, workspace)
    }

    fn save(workspace: &mut Workspace, name: &str, rules: &str) -> i64 {
        let draft = SegmentDraft {
            name: name.into(),
            description: String::new(),
            color: "#0f766e".into(),
            folder: String::new(),
            rules: RuleGroup::from_json(rules).unwrap(),
        };
        saved::create(workspace, &draft).unwrap().id
    }

    #[test]
    fn everyone_matches_the_baseline_and_an_empty_segment_has_no_rate() {
        let (_dir, mut workspace) = demo(300);
        let everyone = save(
            &mut workspace,
            "Everyone",
            r#"{"combinator":"and","rules":[]}"#,
        );
        let nobody = save(
            &mut workspace,
            "Nobody",
            r#"{"combinator":"and","rules":[{"field":"email","operator":"=","value":"nobody@nowhere.example"}]}"#,
        );
        let period = Period::parse("2025-09-21", "2026-09-21").unwrap();
        let report = performance(
            &workspace,
            &[nobody, everyone],
            &Outcome::default(),
            period,
            PerformanceSort::Rate,
        )
        .unwrap();
        assert_eq!(report.segments[0].segment_id, everyone, "ranked by rate");
        let all = &report.segments[0].performance;
        assert_eq!(all, &report.all_leads);
        assert_eq!(all.conversion.trials, 300);
        assert!(all.conversion.successes > 0 && all.revenue > 0.0);
        assert_eq!(all.lift, Some(1.0));
        assert!(!all.distinguishable, "all leads are the baseline");
        assert!(all.engagement.active > 0 && all.engagement.page_views > 0.0);
        let none = &report.segments[1].performance;
        assert_eq!(
            (none.conversion.trials, none.revenue, none.distinguishable),
            (0, 0.0, false)
        );
    }

    #[test]
    fn an_unknown_segment_and_an_unknown_sort_are_errors() {
        let (_dir, workspace) = demo(20);
        let period = Period::parse("2026-01-01", "2026-02-01").unwrap();
        let error = performance(
            &workspace,
            &[987_654],
            &Outcome::default(),
            period,
            PerformanceSort::Rate,
        );
        assert!(error.is_err());
        assert!(PerformanceSort::parse("bogus")
            .unwrap_err()
            .to_string()
            .contains("use rate"));
        assert_eq!(
            PerformanceSort::parse("Lift").unwrap(),
            PerformanceSort::Lift
        );
    }

    #[test]
    fn ranking_orders_by_the_chosen_measure() {
        let (_dir, workspace) = demo(400);
        let period = Period::parse("2025-09-21", "2026-09-21").unwrap();
        for sort in [
            PerformanceSort::Rate,
            PerformanceSort::Members,
            PerformanceSort::Revenue,
        ] {
            let report = performance(&workspace, &[], &Outcome::default(), period, sort).unwrap();
            assert!(!report.segments.is_empty(), "the built-ins are measured");
            let keys: Vec<f64> = report
                .segments
                .iter()
                .map(|row| match sort {
                    PerformanceSort::Members => row.performance.conversion.trials as f64,
                    PerformanceSort::Revenue => row.performance.revenue,
                    _ => row.performance.conversion.rate,
                })
                .collect();
            assert!(keys.windows(2).all(|w| w[0] >= w[1]), "{sort:?}: {keys:?}");
        }
    }
}
