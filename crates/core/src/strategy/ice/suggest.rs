//! Suggested ICE scores from the data, each with its reasons in words. Never
//! applied by themselves: the app shows them beside the scores with a "Use"
//! button. What each is made of (docs/strategy-ice.md, "Suggestions"):
//!
//! - Impact: the target's reach (share of all leads), its conversion lift
//!   over all leads and its share of revenue in the last 90 days.
//! - Confidence: how narrow the 95% interval of its conversion rate is, and
//!   how complete (non-empty among all leads) the fields its rules test are.
//! - Ease: whether the content library covers its personas × buying stages
//!   (a stream: whether its e-mails suit its audience), the share of its
//!   leads an active stream already reaches, and its e-mailable share.
//!
//! Each part is a number from 0 to 1; a suggestion is `1 + 9 × their mean`,
//! rounded. Parts the data cannot give (no conversions at all, no revenue,
//! rules over behaviour only) are left out and say so.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::TargetKind;
use crate::export::consent_problem;
use crate::insights::outcome::{Outcome, Period, Rate};
use crate::insights::performance::{performance, GroupPerformance, PerformanceSort};
use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::{self, compile, saved, Combinator, Rule, RuleGroup, RuleNode};
use crate::streams::content::{self, Audience, ContentItem, MatrixCell};
use crate::streams::model as streams;
use crate::text::{fold_key, grouped};
use crate::time::SECONDS_PER_DAY;
use crate::{Result, Workspace};

/// How far back conversions and revenue are read.
pub const PERIOD_DAYS: i64 = 90;
/// A reach of this share of all leads or more counts in full.
const FULL_REACH: f64 = 0.25;
/// A lift at or below this counts nothing; at or above `FULL_LIFT`, in full.
const NO_LIFT: f64 = 0.5;
const FULL_LIFT: f64 = 3.0;
/// A share of all revenue of this much or more counts in full.
const FULL_REVENUE_SHARE: f64 = 0.25;
/// An interval this wide (percentage points, as a share) or narrower counts
/// in full; at `NO_WIDTH` or wider, nothing.
const FULL_WIDTH: f64 = 0.02;
const NO_WIDTH: f64 = 0.20;

/// One suggested score and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IceSuggestion {
    pub value: u8,
    pub reasons: Vec<String>,
}

/// The suggestions for one segment or stream. E comes both ways: `ease`
/// (10 = the easiest) and `effort` (11 − ease), for the formula in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetSuggestions {
    pub kind: TargetKind,
    #[ts(type = "number")]
    pub id: i64,
    pub impact: IceSuggestion,
    pub confidence: IceSuggestion,
    pub ease: IceSuggestion,
    pub effort: IceSuggestion,
}

/// What the suggestions of one target are made from.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFacts {
    /// Members now, and all leads.
    pub members: u64,
    pub all_leads: u64,
    /// Conversion of the members at the period's start over the period,
    /// and all leads'.
    pub conversion: Rate,
    pub baseline: Rate,
    pub revenue: f64,
    pub total_revenue: f64,
    /// Per catalogue field the rules test: its label and the share of all
    /// leads with a value.
    pub completeness: Vec<(String, f64)>,
    /// The personas and buying stages its content must suit, and whether
    /// the rules named them (else the most common among its members).
    pub personas: Vec<String>,
    pub stages: Vec<String>,
    pub audience_from_rules: bool,
    /// persona × stage cells with content, out of the cells (segments).
    pub content_cells: Option<(u32, u32)>,
    /// Members already in an active stream's entry segment (segments).
    pub in_active_stream: Option<u64>,
    /// Members that may be e-mailed (opt-in and not "do not email").
    pub emailable: u64,
    /// The stream's e-mails that suit its audience, out of its e-mails.
    pub stream_emails: Option<(u32, u32)>,
}

impl Default for TargetFacts {
    fn default() -> Self {
        TargetFacts {
            members: 0,
            all_leads: 0,
            conversion: Rate::new(0, 0),
            baseline: Rate::new(0, 0),
            revenue: 0.0,
            total_revenue: 0.0,
            completeness: Vec::new(),
            personas: Vec::new(),
            stages: Vec::new(),
            audience_from_rules: false,
            content_cells: None,
            in_active_stream: None,
            emailable: 0,
            stream_emails: None,
        }
    }
}

/// Suggestions for every saved segment and stream, as of `as_of`.
pub fn suggestions(workspace: &Workspace, as_of: i64) -> Result<Vec<TargetSuggestions>> {
    Ok(facts(workspace, as_of)?
        .into_iter()
        .map(|(kind, id, facts)| {
            let ease = ease(&facts);
            TargetSuggestions {
                kind,
                id,
                impact: impact(&facts),
                confidence: confidence(&facts),
                effort: IceSuggestion {
                    value: 11 - ease.value,
                    reasons: ease.reasons.clone(),
                },
                ease,
            }
        })
        .collect())
}

/// `1 + 9 × mean(parts)`, rounded, each part clamped to 0..1; 1 for none.
pub fn scale(parts: &[f64]) -> u8 {
    if parts.is_empty() {
        return 1;
    }
    let mean = parts.iter().map(|p| p.clamp(0.0, 1.0)).sum::<f64>() / parts.len() as f64;
    (1.0 + 9.0 * mean).round().clamp(1.0, 10.0) as u8
}

/// Linear from 0 at `zero` to 1 at `full` (either direction), clamped.
fn ramp(value: f64, zero: f64, full: f64) -> f64 {
    ((value - zero) / (full - zero)).clamp(0.0, 1.0)
}

fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Impact from reach, lift and revenue share.
pub fn impact(f: &TargetFacts) -> IceSuggestion {
    let mut parts = Vec::new();
    let mut reasons = Vec::new();
    let reach = share(f.members, f.all_leads);
    parts.push(ramp(reach, 0.0, FULL_REACH));
    reasons.push(format!(
        "{} leads, {} of all leads",
        grouped(f.members),
        percent(reach)
    ));
    match f.conversion.lift_over(&f.baseline) {
        Some(lift) if f.conversion.trials > 0 => {
            parts.push(ramp(lift, NO_LIFT, FULL_LIFT));
            reasons.push(format!(
                "converted {} in the last {PERIOD_DAYS} days, {lift:.1}× all leads ({})",
                percent(f.conversion.rate),
                percent(f.baseline.rate)
            ));
        }
        _ => reasons.push(format!(
            "no conversion rate to compare: {} conversions in the last {PERIOD_DAYS} days",
            if f.baseline.successes == 0 {
                "no lead had"
            } else {
                "its leads had no"
            }
        )),
    }
    if f.total_revenue > 0.0 {
        let revenue_share = f.revenue / f.total_revenue;
        parts.push(ramp(revenue_share, 0.0, FULL_REVENUE_SHARE));
        reasons.push(format!(
            "{} revenue in the last {PERIOD_DAYS} days, {} of all revenue",
            grouped(f.revenue.round() as i64),
            percent(revenue_share)
        ));
    } else {
        reasons.push(format!(
            "no revenue recorded in the last {PERIOD_DAYS} days"
        ));
    }
    IceSuggestion {
        value: scale(&parts),
        reasons,
    }
}

/// Confidence from the interval's width and the rule fields' completeness.
pub fn confidence(f: &TargetFacts) -> IceSuggestion {
    let mut parts = Vec::new();
    let mut reasons = Vec::new();
    let width = f.conversion.high - f.conversion.low;
    parts.push(ramp(width, NO_WIDTH, FULL_WIDTH));
    reasons.push(format!(
        "conversion rate {} known within {} to {} (95% interval {:.1} points wide, {} leads)",
        percent(f.conversion.rate),
        percent(f.conversion.low),
        percent(f.conversion.high),
        width * 100.0,
        grouped(f.conversion.trials)
    ));
    if f.completeness.is_empty() {
        reasons.push("its rules test no lead field (behaviour or all leads)".to_owned());
    } else {
        let mean = f.completeness.iter().map(|(_, s)| s).sum::<f64>() / f.completeness.len() as f64;
        parts.push(mean);
        let fields: Vec<String> = f
            .completeness
            .iter()
            .map(|(label, s)| format!("{label} {}", percent(*s)))
            .collect();
        reasons.push(format!(
            "the fields its rules test are filled in for {} of leads on average ({})",
            percent(mean),
            fields.join(", ")
        ));
    }
    IceSuggestion {
        value: scale(&parts),
        reasons,
    }
}

/// Ease (10 = the easiest) from content, existing streams and consent.
pub fn ease(f: &TargetFacts) -> IceSuggestion {
    let mut parts = Vec::new();
    let mut reasons = Vec::new();
    let audience = audience_words(f);
    if let Some((suiting, emails)) = f.stream_emails {
        if emails == 0 {
            parts.push(0.0);
            reasons.push("the stream sends no e-mail yet".to_owned());
        } else {
            parts.push(share(suiting.into(), emails.into()));
            reasons.push(format!(
                "{suiting} of its {emails} e-mails suit its audience{audience}"
            ));
        }
    }
    if let Some((covered, cells)) = f.content_cells {
        if cells == 0 {
            reasons.push(
                "no persona or buying stage to match content to (none in its rules or members)"
                    .to_owned(),
            );
        } else {
            parts.push(share(covered.into(), cells.into()));
            reasons.push(format!(
                "the content library covers {covered} of {cells} persona × stage cells{audience}"
            ));
        }
    }
    if let Some(reached) = f.in_active_stream {
        let reach = share(reached, f.members);
        parts.push(reach);
        reasons.push(format!(
            "{} of its leads ({}) are already in an active stream's entry segment",
            percent(reach),
            grouped(reached)
        ));
    }
    let emailable = share(f.emailable, f.members);
    parts.push(emailable);
    reasons.push(format!(
        "{} of its leads ({}) may be e-mailed (opt-in, not “do not email”)",
        percent(emailable),
        grouped(f.emailable)
    ));
    IceSuggestion {
        value: scale(&parts),
        reasons,
    }
}

fn audience_words(f: &TargetFacts) -> String {
    let mut named: Vec<String> = f.personas.clone();
    named.extend(f.stages.iter().cloned());
    if named.is_empty() {
        return String::new();
    }
    let source = if f.audience_from_rules {
        "from its rules"
    } else {
        "most common among its leads"
    };
    format!(" ({}, {source})", named.join(", "))
}

/// The catalogue fields `group` tests (not `event` or `segment`), in order
/// of first use.
fn rule_fields(group: &RuleGroup, out: &mut Vec<String>) {
    for node in &group.rules {
        match node {
            RuleNode::Group(inner) => rule_fields(inner, out),
            RuleNode::Rule(rule) if rule.field != "event" && rule.field != "segment" => {
                if !out.contains(&rule.field) {
                    out.push(rule.field.clone());
                }
            }
            RuleNode::Rule(_) => {}
        }
    }
}

/// The personas and buying stages `group` requires (`=` or `in`, outside
/// negated groups).
fn rule_audience(group: &RuleGroup, personas: &mut Vec<String>, stages: &mut Vec<String>) {
    if group.not {
        return;
    }
    for node in &group.rules {
        match node {
            RuleNode::Group(inner) => rule_audience(inner, personas, stages),
            RuleNode::Rule(rule) => {
                if !matches!(rule.operator.as_str(), "=" | "in") {
                    continue;
                }
                let target = match rule.field.as_str() {
                    "persona" => &mut *personas,
                    "buying_stage" => &mut *stages,
                    _ => continue,
                };
                for value in rule_values(&rule.value) {
                    if !target.iter().any(|v| fold_key(v) == fold_key(&value)) {
                        target.push(value);
                    }
                }
            }
        }
    }
}

fn rule_values(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(|s| s.trim().to_owned()))
            .filter(|s| !s.is_empty())
            .collect(),
        serde_json::Value::String(text) => text
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn not_empty_rule(key: &str) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::And,
        not: false,
        rules: vec![RuleNode::Rule(Rule {
            id: None,
            field: key.to_owned(),
            operator: "notNull".to_owned(),
            value: serde_json::Value::Null,
        })],
    }
}

/// The performance numbers of a group of segments taken together (a
/// stream's entry segments: overlaps count once per segment).
fn summed(parts: &[&GroupPerformance]) -> (Rate, f64) {
    let successes = parts.iter().map(|p| p.conversion.successes).sum();
    let trials = parts.iter().map(|p| p.conversion.trials).sum();
    let revenue = parts.iter().map(|p| p.revenue).sum();
    (Rate::new(successes, trials), revenue)
}

/// The cells of the persona × stage matrix the audience falls in, and how
/// many of them have content. A dimension the audience leaves open spans
/// every value of the matrix.
fn covered_cells(matrix: &[MatrixCell], personas: &[String], stages: &[String]) -> (u32, u32) {
    if personas.is_empty() && stages.is_empty() {
        return (0, 0);
    }
    let wanted = |values: &[String], value: &str| {
        values.is_empty() || values.iter().any(|v| fold_key(v) == fold_key(value))
    };
    let cells: Vec<&MatrixCell> = matrix
        .iter()
        .filter(|c| wanted(personas, &c.persona) && wanted(stages, &c.stage))
        .collect();
    let covered = cells.iter().filter(|c| c.items > 0).count();
    (covered as u32, cells.len() as u32)
}

/// The facts of every valid saved segment, then every stream.
pub fn facts(workspace: &Workspace, as_of: i64) -> Result<Vec<(TargetKind, i64, TargetFacts)>> {
    let period = Period {
        from: as_of - PERIOD_DAYS * SECONDS_PER_DAY,
        to: as_of,
    };
    let report = performance(
        workspace,
        &[],
        &Outcome::default(),
        period,
        PerformanceSort::Name,
    )?;
    let segments: Vec<saved::Segment> = saved::list(workspace)?
        .into_iter()
        .filter(|s| segments::validate(workspace, &s.rules).is_ok())
        .collect();
    let streams = streams::list(workspace)?;
    let library = content::list(workspace)?;
    let matrix = content::matrix(workspace)?;
    let mut field_keys = Vec::new();
    let mut fields_of: Vec<Vec<String>> = Vec::new();
    for segment in &segments {
        let mut own = Vec::new();
        rule_fields(&segment.rules, &mut own);
        own.retain(|key| compile::field_ref(workspace.conn(), key).is_ok());
        for key in &own {
            if !field_keys.contains(key) {
                field_keys.push(key.clone());
            }
        }
        fields_of.push(own);
    }
    let labels: Vec<String> = field_keys
        .iter()
        .map(|key| {
            compile::field_ref(workspace.conn(), key)
                .map(|f| f.label)
                .unwrap_or_else(|_| key.clone())
        })
        .collect();
    let mut rule_sets: Vec<RuleGroup> = segments.iter().map(|s| s.rules.clone()).collect();
    rule_sets.extend(field_keys.iter().map(|key| not_empty_rule(key)));
    let refs: Vec<&RuleGroup> = rule_sets.iter().collect();
    let profile: Vec<compile::FieldRef> =
        ["persona", "buying_stage", "email_opt_in", "do_not_email"]
            .iter()
            .filter_map(|key| compile::field_ref(workspace.conn(), key).ok())
            .collect();
    segments::with_member_sets(workspace, &refs, as_of, |index, sets| {
        index.load_fields(workspace.conn(), &profile)?;
        let all_leads = index.len() as u64;
        let (segment_sets, field_sets) = sets.split_at(segments.len());
        let filled: Vec<f64> = field_sets
            .iter()
            .map(|set| share(set.count(), all_leads))
            .collect();
        let emailable = Bitset::from_fn(index.len(), |row| {
            consent_problem(
                index.bool_at("do_not_email", row),
                index.bool_at("email_opt_in", row),
            )
            .is_none()
        });
        let set_of = |id: i64| {
            segments
                .iter()
                .position(|s| s.id == id)
                .map(|p| &segment_sets[p])
        };
        let mut reached = Bitset::empty(index.len());
        for stream in streams.iter().filter(|s| s.is_active) {
            for id in &stream.definition.entry_segments {
                if let Some(set) = set_of(*id) {
                    reached.or_with(set);
                }
            }
        }
        let performance_of = |id: i64| {
            report
                .segments
                .iter()
                .find(|r| r.segment_id == id)
                .map(|r| &r.performance)
        };
        let context = Context {
            index,
            all_leads,
            baseline: report.all_leads.conversion,
            total_revenue: report.all_leads.revenue,
            emailable: &emailable,
        };
        let mut out = Vec::new();
        for (position, segment) in segments.iter().enumerate() {
            let members = &segment_sets[position];
            let mut facts = context.base(members, &[performance_of(segment.id)]);
            facts.completeness = fields_of[position]
                .iter()
                .filter_map(|key| field_keys.iter().position(|k| k == key))
                .map(|i| (labels[i].clone(), filled[i]))
                .collect();
            context.audience_of(&mut facts, &[&segment.rules], members);
            facts.content_cells = Some(covered_cells(&matrix, &facts.personas, &facts.stages));
            facts.in_active_stream = Some(members.count_and(&reached));
            out.push((TargetKind::Segment, segment.id, facts));
        }
        for stream in &streams {
            let entry = &stream.definition.entry_segments;
            let mut members = Bitset::empty(index.len());
            let mut rules = Vec::new();
            let mut completeness: Vec<(String, f64)> = Vec::new();
            for id in entry {
                if let Some(position) = segments.iter().position(|s| s.id == *id) {
                    members.or_with(&segment_sets[position]);
                    rules.push(&segments[position].rules);
                    for key in &fields_of[position] {
                        if let Some(i) = field_keys.iter().position(|k| k == key) {
                            if !completeness.iter().any(|(l, _)| *l == labels[i]) {
                                completeness.push((labels[i].clone(), filled[i]));
                            }
                        }
                    }
                }
            }
            let parts: Vec<Option<&GroupPerformance>> =
                entry.iter().map(|id| performance_of(*id)).collect();
            let mut facts = context.base(&members, &parts);
            facts.completeness = completeness;
            context.audience_of(&mut facts, &rules, &members);
            let audience = streams::audience(workspace, &stream.definition)?;
            facts.stream_emails = Some(stream_emails(
                &library,
                &stream.definition.content_ids(),
                &audience,
            ));
            out.push((TargetKind::Stream, stream.id, facts));
        }
        Ok(out)
    })
}

/// The stream's e-mails that suit `audience`, out of its e-mails.
fn stream_emails(library: &[ContentItem], sent: &[i64], audience: &Audience) -> (u32, u32) {
    let suiting = sent
        .iter()
        .filter(|id| {
            library
                .iter()
                .find(|item| item.id == **id)
                .is_some_and(|item| audience.suits(item))
        })
        .count();
    (suiting as u32, sent.len() as u32)
}

/// What every target's facts share.
struct Context<'a> {
    index: &'a LeadIndex,
    all_leads: u64,
    baseline: Rate,
    total_revenue: f64,
    emailable: &'a Bitset,
}

impl Context<'_> {
    fn base(&self, members: &Bitset, parts: &[Option<&GroupPerformance>]) -> TargetFacts {
        let parts: Vec<&GroupPerformance> = parts.iter().flatten().copied().collect();
        let (conversion, revenue) = summed(&parts);
        TargetFacts {
            members: members.count(),
            all_leads: self.all_leads,
            conversion,
            baseline: self.baseline,
            revenue,
            total_revenue: self.total_revenue,
            emailable: members.count_and(self.emailable),
            ..TargetFacts::default()
        }
    }

    /// The personas and stages from `rules`, else the most common value of
    /// each among `members`.
    fn audience_of(&self, facts: &mut TargetFacts, rules: &[&RuleGroup], members: &Bitset) {
        for group in rules {
            rule_audience(group, &mut facts.personas, &mut facts.stages);
        }
        facts.audience_from_rules = !facts.personas.is_empty() || !facts.stages.is_empty();
        let most_common = |key: &str| {
            self.index
                .value_counts_among(key, members, usize::MAX)
                .and_then(|counts| counts.into_iter().find(|(_, n)| *n > 0))
                .map(|(value, _)| value)
        };
        if facts.personas.is_empty() && facts.stages.is_empty() {
            facts.personas.extend(most_common("persona"));
            facts.stages.extend(most_common("buying_stage"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::{generate, DemoSpec};

    #[test]
    fn scale_maps_the_mean_part_to_one_to_ten() {
        assert_eq!(scale(&[]), 1);
        assert_eq!(scale(&[0.0]), 1);
        assert_eq!(scale(&[1.0, 1.0]), 10);
        assert_eq!(scale(&[0.5]), 6); // 1 + 4.5 = 5.5, rounded up
        assert_eq!(scale(&[1.0, 0.0, 0.5]), 6);
        assert_eq!(scale(&[2.0, -1.0]), 6, "parts are clamped first");
    }

    fn sample() -> TargetFacts {
        TargetFacts {
            members: 250,
            all_leads: 1_000,
            conversion: Rate::new(25, 200),
            baseline: Rate::new(50, 1_000),
            revenue: 2_500.0,
            total_revenue: 10_000.0,
            completeness: vec![("Persona".into(), 0.8), ("Country".into(), 0.4)],
            personas: vec!["Executive".into()],
            stages: vec![],
            audience_from_rules: true,
            content_cells: Some((1, 4)),
            in_active_stream: Some(125),
            emailable: 200,
            stream_emails: None,
        }
    }

    #[test]
    fn impact_reads_reach_lift_and_revenue_share() {
        // Reach 25% → 1; lift 12.5% / 5% = 2.5 → (2.5 − 0.5) / 2.5 = 0.8;
        // revenue share 25% → 1. Mean 0.933 → 1 + 8.4 = 9.4 → 9.
        let s = impact(&sample());
        assert_eq!(s.value, 9);
        assert_eq!(s.reasons[0], "250 leads, 25% of all leads");
        assert_eq!(
            s.reasons[1],
            "converted 12% in the last 90 days, 2.5× all leads (5%)"
        );
        assert_eq!(
            s.reasons[2],
            "2,500 revenue in the last 90 days, 25% of all revenue"
        );
        // No conversions and no revenue at all: only reach counts, and says so.
        let quiet = TargetFacts {
            conversion: Rate::new(0, 200),
            baseline: Rate::new(0, 1_000),
            revenue: 0.0,
            total_revenue: 0.0,
            members: 125,
            ..sample()
        };
        let s = impact(&quiet);
        assert_eq!(s.value, 6); // reach 12.5% → 0.5 → 5.5 → 6
        assert!(
            s.reasons[1].contains("no lead had conversions"),
            "{:?}",
            s.reasons
        );
        assert!(s.reasons[2].starts_with("no revenue"));
    }

    #[test]
    fn confidence_reads_the_interval_width_and_completeness() {
        let f = sample();
        let width = f.conversion.high - f.conversion.low;
        let expected = scale(&[(width - NO_WIDTH) / (FULL_WIDTH - NO_WIDTH), 0.6]);
        let s = confidence(&f);
        assert_eq!(s.value, expected);
        assert!(s.reasons[1].contains("60% of leads on average (Persona 80%, Country 40%)"));
        let behaviour_only = TargetFacts {
            completeness: vec![],
            conversion: Rate::new(500, 10_000_000),
            ..sample()
        };
        assert_eq!(
            confidence(&behaviour_only).value,
            10,
            "a very narrow interval alone"
        );
    }

    #[test]
    fn ease_reads_content_streams_and_consent() {
        // Cells 1/4 = 0.25, in a stream 125/250 = 0.5, e-mailable 200/250 = 0.8.
        let s = ease(&sample());
        assert_eq!(s.value, scale(&[0.25, 0.5, 0.8]));
        assert_eq!(s.value, 6);
        assert!(s.reasons[0]
            .contains("covers 1 of 4 persona × stage cells (Executive, from its rules)"));
        let stream = TargetFacts {
            content_cells: None,
            in_active_stream: None,
            stream_emails: Some((0, 0)),
            ..sample()
        };
        let s = ease(&stream);
        assert_eq!(s.value, scale(&[0.0, 0.8]));
        assert_eq!(s.reasons[0], "the stream sends no e-mail yet");
    }

    #[test]
    fn rule_audience_reads_equals_and_in_outside_negated_groups() {
        let rules = RuleGroup::from_json(
            r#"{"combinator":"and","rules":[
                {"field":"persona","operator":"=","value":"Executive"},
                {"field":"buying_stage","operator":"in","value":["Awareness","Decision"]},
                {"combinator":"and","not":true,"rules":[{"field":"persona","operator":"=","value":"Technical"}]},
                {"field":"country","operator":"!=","value":"FR"}]}"#,
        )
        .unwrap();
        let (mut personas, mut stages) = (Vec::new(), Vec::new());
        rule_audience(&rules, &mut personas, &mut stages);
        assert_eq!(personas, vec!["Executive"]);
        assert_eq!(stages, vec!["Awareness", "Decision"]);
        let mut fields = Vec::new();
        rule_fields(&rules, &mut fields);
        assert_eq!(fields, vec!["persona", "buying_stage", "country"]);
    }

    const ANCHOR: i64 = 1_790_000_000;

    fn ids(ws: &Workspace, rules: &RuleGroup, as_of: i64) -> HashSet<i64> {
        segments::members(ws, rules, as_of, 0, usize::MAX)
            .unwrap()
            .into_iter()
            .collect()
    }

    fn sql_ids(ws: &Workspace, sql: &str, params: impl rusqlite::Params) -> HashSet<i64> {
        let mut statement = ws.conn().prepare(sql).unwrap();
        let rows = statement.query_map(params, |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    /// The facts every suggestion is made from agree with an independent
    /// computation: members per segment from `segments::members`, consent,
    /// field values and purchases read straight from SQL.
    #[test]
    fn facts_agree_with_members_and_sql_on_the_demo() {
        let mut ws = Workspace::in_memory().unwrap();
        let spec = DemoSpec {
            leads: 400,
            ..DemoSpec::standard(ANCHOR)
        };
        generate(&mut ws, &spec).unwrap();
        let all = facts(&ws, ANCHOR).unwrap();
        let segments = saved::list(&ws).unwrap();
        let streams = streams::list(&ws).unwrap();
        assert_eq!(all.len(), segments.len() + streams.len());
        let total: i64 = ws
            .conn()
            .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
            .unwrap();
        let emailable = sql_ids(
            &ws,
            "SELECT id FROM leads WHERE email_opt_in = 1 AND coalesce(do_not_email, 0) = 0",
            [],
        );
        let from = ANCHOR - PERIOD_DAYS * SECONDS_PER_DAY;
        let buyers = sql_ids(
            &ws,
            "SELECT lead_id FROM events WHERE type = 'purchase' AND occurred_at >= ?1 AND occurred_at < ?2",
            (from, ANCHOR),
        );
        let mut reached = HashSet::new();
        for stream in streams.iter().filter(|s| s.is_active) {
            for id in &stream.definition.entry_segments {
                let segment = segments.iter().find(|s| s.id == *id).unwrap();
                reached.extend(ids(&ws, &segment.rules, ANCHOR));
            }
        }
        let mut checked_completeness = 0;
        for (kind, id, f) in &all {
            assert_eq!(f.all_leads, total as u64);
            if *kind == TargetKind::Stream {
                continue;
            }
            let segment = segments.iter().find(|s| s.id == *id).unwrap();
            let members = ids(&ws, &segment.rules, ANCHOR);
            assert_eq!(f.members, members.len() as u64, "{}", segment.name);
            assert_eq!(
                f.emailable,
                members.intersection(&emailable).count() as u64,
                "{}",
                segment.name
            );
            assert_eq!(
                f.in_active_stream,
                Some(members.intersection(&reached).count() as u64),
                "{}",
                segment.name
            );
            let at_start = ids(&ws, &segment.rules, from);
            assert_eq!(
                f.conversion.trials,
                at_start.len() as u64,
                "{}",
                segment.name
            );
            assert_eq!(
                f.conversion.successes,
                at_start.intersection(&buyers).count() as u64,
                "{}",
                segment.name
            );
            let mut keys = Vec::new();
            rule_fields(&segment.rules, &mut keys);
            for key in keys.iter().filter(|k| {
                ["persona", "buying_stage", "lifecycle_stage", "country"].contains(&k.as_str())
            }) {
                // Standard text columns: filled when not null and not blank.
                let filled: i64 = ws
                    .conn()
                    .query_row(
                        &format!(
                            "SELECT count(*) FROM leads WHERE trim(coalesce({key}, '')) <> ''"
                        ),
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                let label = compile::field_ref(ws.conn(), key).unwrap().label;
                let (_, share) = f.completeness.iter().find(|(l, _)| *l == label).unwrap();
                assert!(
                    (share - filled as f64 / total as f64).abs() < 1e-12,
                    "{key}"
                );
                checked_completeness += 1;
            }
        }
        assert!(checked_completeness >= 5);
        let suggested = suggestions(&ws, ANCHOR).unwrap();
        assert_eq!(suggested.len(), all.len());
        for s in &suggested {
            assert_eq!(s.ease.value + s.effort.value, 11);
            for value in [s.impact.value, s.confidence.value, s.ease.value] {
                assert!((1..=10).contains(&value));
            }
        }
    }
}
