//! "Find the perfect group of prospects": a shallow decision tree (CART,
//! Gini) over the leads, splitting on fields (a text value against the rest,
//! a number threshold, a yes/no field) and behaviours (did an event type at
//! least k times before the period) by conversion in the period. Every
//! split is a segment rule and its exact complement, so each leaf is a rule
//! group in the segment format; the leaves whose Wilson interval lies above
//! the baseline rate become proposed segments, each re-counted with the
//! segment evaluator before it is offered.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::crosstab::{format_number, group, round_nicely, rule};
use super::outcome::{conversions, Outcome, Period, Rate};
use crate::fields::{self, FieldType};
use crate::segments::index::Bitset;
use crate::segments::{self, Combinator, RuleGroup, RuleNode};
use crate::{Error, Result, Workspace};

/// Text fields with more distinct values than this are not split on (names,
/// e-mails, cities: too specific to describe a group).
const MAX_TEXT_VALUES: usize = 30;
/// At most this many values of one text field are tried.
const VALUES_PER_FIELD: usize = 12;
/// Number thresholds tried per field: the rounded deciles.
const NUMBER_THRESHOLDS: usize = 9;
/// "Did X at least k times": the k tried.
const BEHAVIOUR_COUNTS: [u64; 3] = [1, 2, 3];
/// Fields never split on: a lifecycle stage of Customer is what a purchase
/// leads to, not what predicts it (field values have no history). Implicit
/// fields (score, buying stage, interests) are also left out: Leadstream
/// derives them from all events, those of the period included.
const EXCLUDED_FIELDS: [&str; 1] = ["lifecycle_stage"];

/// How deep the tree grows and how small a group may get.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiscoverOptions {
    /// Splits from the root to a leaf, 1 to 4.
    pub max_depth: u32,
    /// The smallest group, in leads; `None` means 1% of the leads, at least 50.
    #[ts(type = "number | null")]
    pub min_leaf: Option<u64>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            max_depth: 3,
            min_leaf: None,
        }
    }
}

/// A proposed segment: the conditions of one leaf of the tree.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Proposal {
    /// A name for the segment, from its conditions.
    pub name: String,
    /// Each condition in plain language, in the order the tree split.
    pub conditions: Vec<String>,
    /// The rule group in the segment format (evaluated as of the period's
    /// start, it holds exactly `conversion.trials` leads).
    pub rules: RuleGroup,
    /// Its leads (`trials`) and those that converted in the period.
    pub conversion: Rate,
    /// Its rate over the baseline's.
    pub lift: Option<f64>,
}

/// What the tree found.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Discovery {
    pub baseline: Rate,
    /// Best lift first; only leaves whose interval lies above the baseline.
    pub proposals: Vec<Proposal>,
    /// Leaves of the tree, offered or not.
    pub leaves: u32,
    #[ts(type = "number")]
    pub min_leaf: u64,
    pub max_depth: u32,
    /// How many splits the tree could choose from.
    pub candidates: u32,
}

/// One side of a split: a rule and how to say it.
#[derive(Debug, Clone)]
struct Condition {
    rule: RuleNode,
    text: String,
    /// Set for "text field is not value", which a path may merge.
    excluded_value: Option<Excluded>,
}

/// "`label` is not `value`" on field `key`.
#[derive(Debug, Clone)]
struct Excluded {
    key: String,
    label: String,
    value: String,
}

/// A split: the rule (`yes`) and its exact complement (`no`).
#[derive(Debug, Clone)]
struct Split {
    yes: Condition,
    no: Condition,
}

/// A leaf: the path's splits (index, took the yes side) and its counts.
struct Leaf {
    path: Vec<(usize, bool)>,
    size: u64,
    converted: u64,
}

/// What growing the tree reads.
struct Grower<'a> {
    splits: &'a [Bitset],
    converted: &'a Bitset,
    min_leaf: u64,
    max_depth: u32,
}

/// Proposes segments that convert clearly better than all leads in `period`.
pub fn discover(
    workspace: &Workspace,
    outcome: &Outcome,
    period: Period,
    options: DiscoverOptions,
) -> Result<Discovery> {
    if !(1..=4).contains(&options.max_depth) {
        return Err(Error::InvalidArgument(format!(
            "the tree's depth must be 1 to 4 (not {})",
            options.max_depth
        )));
    }
    let total = crate::leads::count(workspace)?;
    let min_leaf = options.min_leaf.unwrap_or((total / 100).max(50)).max(1);
    let splits = candidate_splits(workspace, outcome, period.from, min_leaf)?;
    let yes_rules: Vec<RuleGroup> = splits
        .iter()
        .map(|s| group_of(vec![s.yes.rule.clone()]))
        .collect();
    let rule_refs: Vec<&RuleGroup> = yes_rules.iter().collect();
    let (baseline, leaves) =
        segments::with_member_sets(workspace, &rule_refs, period.from, |index, sets| {
            let converted = conversions(workspace, index, outcome, period)?.converted;
            let everyone = Bitset::full(index.len());
            let grower = Grower {
                splits: &sets,
                converted: &converted,
                min_leaf,
                max_depth: options.max_depth,
            };
            let mut leaves = Vec::new();
            grower.grow(&everyone, &mut Vec::new(), &mut leaves);
            Ok((Rate::new(converted.count(), index.len() as u64), leaves))
        })?;
    let leaf_count = leaves.len() as u32;
    let mut proposals: Vec<Proposal> = merge_siblings(leaves, &baseline)
        .iter()
        .filter(|leaf| beats(leaf, &baseline))
        .map(|leaf| proposal_of(leaf, &splits, &baseline))
        .collect();
    let counted = segments::count_many(
        workspace,
        &proposals.iter().map(|p| &p.rules).collect::<Vec<_>>(),
        period.from,
    )?;
    let mut counts = counted.into_iter();
    // Never offer a group the segment evaluator would count differently.
    proposals.retain(|p| counts.next() == Some(p.conversion.trials));
    proposals.sort_by(|a, b| {
        b.conversion
            .rate
            .total_cmp(&a.conversion.rate)
            .then(b.conversion.trials.cmp(&a.conversion.trials))
    });
    Ok(Discovery {
        baseline,
        proposals,
        leaves: leaf_count,
        min_leaf,
        max_depth: options.max_depth,
        candidates: splits.len() as u32,
    })
}

impl Grower<'_> {
    fn grow(&self, node: &Bitset, path: &mut Vec<(usize, bool)>, leaves: &mut Vec<Leaf>) {
        let size = node.count();
        let converted = node.count_and(self.converted);
        let best = if path.len() as u32 >= self.max_depth || size < 2 * self.min_leaf {
            None
        } else {
            self.best_split(node, size, converted)
        };
        let Some(split) = best else {
            leaves.push(Leaf {
                path: path.clone(),
                size,
                converted,
            });
            return;
        };
        let mut yes = node.clone();
        yes.and_with(&self.splits[split]);
        let mut outside = self.splits[split].clone();
        outside.negate();
        let mut no = node.clone();
        no.and_with(&outside);
        for (side, set) in [(true, yes), (false, no)] {
            path.push((split, side));
            self.grow(&set, path, leaves);
            path.pop();
        }
    }

    /// The split with the largest fall in Gini impurity that leaves at
    /// least `min_leaf` leads on both sides.
    fn best_split(&self, node: &Bitset, size: u64, converted: u64) -> Option<usize> {
        let mut node_converted = node.clone();
        node_converted.and_with(self.converted);
        let parent = gini(size, converted);
        let mut best: Option<(usize, f64)> = None;
        for (i, split) in self.splits.iter().enumerate() {
            let yes = node.count_and(split);
            let no = size - yes;
            if yes < self.min_leaf || no < self.min_leaf {
                continue;
            }
            let yes_converted = node_converted.count_and(split);
            let weighted = (yes as f64 * gini(yes, yes_converted)
                + no as f64 * gini(no, converted - yes_converted))
                / size as f64;
            let gain = parent - weighted;
            if gain > 1e-12 && best.is_none_or(|(_, b)| gain > b) {
                best = Some((i, gain));
            }
        }
        best.map(|(i, _)| i)
    }
}

/// Whether a leaf's 95% interval lies above the baseline rate.
fn beats(leaf: &Leaf, baseline: &Rate) -> bool {
    Rate::new(leaf.converted, leaf.size).low > baseline.rate
}

/// Two sibling leaves that both beat the baseline say one thing twice: offer
/// their parent instead, when it beats the baseline too (repeatedly, so a
/// whole subtree can fold back).
fn merge_siblings(mut leaves: Vec<Leaf>, baseline: &Rate) -> Vec<Leaf> {
    loop {
        let pair = (0..leaves.len()).find_map(|a| {
            let (last, parent) = leaves[a].path.split_last()?;
            let b = leaves
                .iter()
                .position(|other| other.path.split_last() == Some((&(last.0, !last.1), parent)))?;
            let merged = Leaf {
                path: parent.to_vec(),
                size: leaves[a].size + leaves[b].size,
                converted: leaves[a].converted + leaves[b].converted,
            };
            (beats(&leaves[a], baseline) && beats(&leaves[b], baseline) && beats(&merged, baseline))
                .then_some((a, b, merged))
        });
        let Some((a, b, merged)) = pair else {
            return leaves;
        };
        leaves[a] = merged;
        leaves.remove(b);
    }
}

fn gini(size: u64, converted: u64) -> f64 {
    if size == 0 {
        return 0.0;
    }
    let p = converted as f64 / size as f64;
    2.0 * p * (1.0 - p)
}

fn proposal_of(leaf: &Leaf, splits: &[Split], baseline: &Rate) -> Proposal {
    let conditions = simplify(
        leaf.path
            .iter()
            .map(|&(i, yes)| if yes { &splits[i].yes } else { &splits[i].no })
            .collect(),
    );
    let texts: Vec<String> = conditions.iter().map(|c| c.text.clone()).collect();
    let conversion = Rate::new(leaf.converted, leaf.size);
    let mut name = texts.join(", ");
    if name.is_empty() {
        name = "All leads".to_owned();
    }
    if name.chars().count() > 120 {
        name = name.chars().take(119).collect::<String>() + "…";
    }
    Proposal {
        name,
        rules: group_of(conditions.iter().map(|c| c.rule.clone()).collect()),
        conditions: texts,
        lift: conversion.lift_over(baseline),
        conversion,
    }
}

fn group_of(rules: Vec<RuleNode>) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::And,
        not: false,
        rules,
    }
}

/// Every split worth trying: field values and thresholds that leave at
/// least `min_leaf` leads on both sides, and behaviours.
fn candidate_splits(
    workspace: &Workspace,
    outcome: &Outcome,
    as_of: i64,
    min_leaf: u64,
) -> Result<Vec<Split>> {
    let outcome_fields = outcome
        .rules
        .as_ref()
        .map(|r| r.to_json())
        .unwrap_or_default();
    let catalogue: Vec<fields::Field> = fields::list(workspace.conn())?
        .into_iter()
        .filter(|f| !EXCLUDED_FIELDS.contains(&f.key.as_str()))
        .filter(|f| f.origin == fields::Origin::Explicit)
        .filter(|f| !outcome_fields.contains(&format!("\"field\":\"{}\"", f.key)))
        .filter(|f| f.field_type != FieldType::Date)
        .collect();
    // One `or` of `null` probes loads every column in one pass.
    let probe = RuleGroup {
        combinator: Combinator::Or,
        ..group(
            catalogue
                .iter()
                .map(|f| rule(&f.key, "null", Value::Null))
                .collect(),
        )
    };
    segments::with_member_sets(workspace, &[&probe], as_of, |index, _| {
        let total = index.len() as u64;
        let both_sides = |count: u64| count >= min_leaf && total - count >= min_leaf;
        let mut splits = Vec::new();
        for field in &catalogue {
            let (key, label) = (field.key.as_str(), field.label.as_str());
            match field.field_type {
                FieldType::Text | FieldType::List => {
                    let counts = index.value_counts(key, MAX_TEXT_VALUES).unwrap_or_default();
                    for (value, count) in counts.iter().take(VALUES_PER_FIELD) {
                        if both_sides(*count) {
                            splits.push(text_split(key, label, value));
                        }
                    }
                }
                FieldType::Boolean => splits.push(Split {
                    yes: condition(rule(key, "=", json!(true)), format!("{label} is yes")),
                    no: condition(rule(key, "!=", json!(true)), format!("{label} is not yes")),
                }),
                FieldType::Number => {
                    let numbers = index.numbers_of(key).unwrap_or(&[]);
                    for threshold in thresholds(numbers) {
                        let above = numbers.iter().filter(|&&n| n >= threshold).count();
                        if both_sides(above as u64) {
                            splits.push(number_split(key, label, threshold));
                        }
                    }
                }
                FieldType::Date => {}
            }
        }
        for (_, raw_types, _) in index.event_type_counts(workspace.conn())? {
            let Some(event_type) = raw_types.first() else {
                continue;
            };
            for k in BEHAVIOUR_COUNTS {
                splits.push(behaviour_split(event_type, k));
            }
        }
        Ok(splits)
    })
}

fn condition(rule: segments::Rule, text: String) -> Condition {
    Condition {
        rule: RuleNode::Rule(rule),
        text,
        excluded_value: None,
    }
}

/// Says a path more simply, with the same leads: "is not A" and "is not B"
/// on one field become "is none of A, B"; "is not B" after "is A" goes.
fn simplify(conditions: Vec<&Condition>) -> Vec<Condition> {
    let is_value_of = |key: &str| {
        conditions.iter().any(|c| {
            c.excluded_value.is_none()
                && matches!(&c.rule, RuleNode::Rule(r) if r.field == key && r.operator == "=")
        })
    };
    let mut simpler: Vec<Condition> = Vec::new();
    for condition in &conditions {
        let Some(excluded) = &condition.excluded_value else {
            simpler.push((*condition).clone());
            continue;
        };
        if is_value_of(&excluded.key) {
            continue;
        }
        let first = simpler.iter().position(|c| {
            c.excluded_value
                .as_ref()
                .is_some_and(|e| e.key == excluded.key)
        });
        match first {
            None => simpler.push((*condition).clone()),
            Some(at) => {
                let values: Vec<String> = conditions
                    .iter()
                    .filter_map(|c| c.excluded_value.as_ref())
                    .filter(|e| e.key == excluded.key)
                    .map(|e| e.value.clone())
                    .collect();
                simpler[at] = Condition {
                    rule: RuleNode::Rule(rule(&excluded.key, "notIn", json!(values))),
                    text: format!("{} is none of {}", excluded.label, values.join(", ")),
                    excluded_value: None,
                };
            }
        }
    }
    simpler
}

fn text_split(key: &str, label: &str, value: &str) -> Split {
    Split {
        yes: condition(rule(key, "=", json!(value)), format!("{label} is {value}")),
        no: Condition {
            excluded_value: Some(Excluded {
                key: key.to_owned(),
                label: label.to_owned(),
                value: value.to_owned(),
            }),
            ..condition(
                rule(key, "!=", json!(value)),
                format!("{label} is not {value}"),
            )
        },
    }
}

fn number_split(key: &str, label: &str, threshold: f64) -> Split {
    let at_least = rule(key, ">=", json!(threshold));
    let shown = format_number(threshold);
    Split {
        yes: condition(at_least.clone(), format!("{label} is at least {shown}")),
        // `<` would leave out empty values; the negated group is the exact
        // complement.
        no: Condition {
            rule: RuleNode::Group(RuleGroup {
                not: true,
                ..group(vec![at_least])
            }),
            text: format!("{label} is below {shown} or unknown"),
            excluded_value: None,
        },
    }
}

fn behaviour_split(event_type: &str, times: u64) -> Split {
    let value = json!({"type": event_type, "min": times});
    let what = event_type.replace('_', " ");
    let (yes, no) = if times == 1 {
        (format!("did {what}"), format!("never did {what}"))
    } else {
        (
            format!("did {what} at least {times} times"),
            format!("did {what} fewer than {times} times"),
        )
    };
    Split {
        yes: condition(rule("event", "performed", value.clone()), capitalise(&yes)),
        no: condition(rule("event", "notPerformed", value), capitalise(&no)),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The rounded deciles of the known values, distinct, above the smallest.
fn thresholds(numbers: &[f64]) -> Vec<f64> {
    let mut known: Vec<f64> = numbers.iter().copied().filter(|n| !n.is_nan()).collect();
    if known.is_empty() {
        return Vec::new();
    }
    known.sort_by(f64::total_cmp);
    let mut found: Vec<f64> = (1..=NUMBER_THRESHOLDS)
        .map(|i| round_nicely(known[known.len() * i / (NUMBER_THRESHOLDS + 1)]))
        .filter(|&t| t > known[0])
        .collect();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_is_zero_for_pure_groups_and_half_at_even_odds() {
        assert_eq!(gini(10, 0), 0.0);
        assert_eq!(gini(10, 10), 0.0);
        assert!((gini(10, 5) - 0.5).abs() < 1e-12);
        assert_eq!(gini(0, 0), 0.0);
    }

    #[test]
    fn the_tree_finds_the_planted_group_and_nothing_else() {
        // 1000 rows: split 0 ("a") converts 60%, the rest 5%; split 1 is noise.
        let len = 1000;
        let a = Bitset::from_fn(len, |i| i < 200);
        let noise = Bitset::from_fn(len, |i| i % 2 == 0);
        let converted =
            Bitset::from_fn(len, |i| (i < 200 && i % 5 < 3) || (i >= 200 && i % 20 == 0));
        let splits = [a, noise];
        let grower = Grower {
            splits: &splits,
            converted: &converted,
            min_leaf: 50,
            max_depth: 1,
        };
        let mut leaves = Vec::new();
        grower.grow(&Bitset::full(len), &mut Vec::new(), &mut leaves);
        assert_eq!(leaves.len(), 2);
        assert_eq!(leaves[0].path, vec![(0, true)]);
        assert_eq!((leaves[0].size, leaves[0].converted), (200, 120));
        assert_eq!((leaves[1].size, leaves[1].converted), (800, 40));
    }

    #[test]
    fn siblings_that_both_beat_the_baseline_fold_into_their_parent() {
        let baseline = Rate::new(100, 1000);
        let leaf = |path: Vec<(usize, bool)>, size, converted| Leaf {
            path,
            size,
            converted,
        };
        let leaves = vec![
            leaf(vec![(0, true), (1, true)], 100, 60),
            leaf(vec![(0, true), (1, false)], 100, 50),
            leaf(vec![(0, false)], 800, 10),
        ];
        let merged = merge_siblings(leaves, &baseline);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].path, vec![(0, true)]);
        assert_eq!((merged[0].size, merged[0].converted), (200, 110));
    }

    #[test]
    fn leaves_respect_the_minimum_size() {
        let len = 300;
        let tiny = Bitset::from_fn(len, |i| i < 10);
        let converted = Bitset::from_fn(len, |i| i < 10);
        let splits = [tiny];
        let grower = Grower {
            splits: &splits,
            converted: &converted,
            min_leaf: 50,
            max_depth: 3,
        };
        let mut leaves = Vec::new();
        grower.grow(&Bitset::full(len), &mut Vec::new(), &mut leaves);
        assert_eq!(leaves.len(), 1, "a 10-lead group is never split off");
    }

    #[test]
    fn paths_merge_exclusions_of_one_field() {
        let not_a = text_split("industry", "Industry", "Retail").no;
        let not_b = text_split("industry", "Industry", "Media").no;
        let is_c = text_split("country", "Country", "France").yes;
        let not_d = text_split("country", "Country", "Spain").no;
        let simpler = simplify(vec![&not_a, &is_c, &not_b, &not_d]);
        let texts: Vec<&str> = simpler.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Industry is none of Retail, Media", "Country is France"]
        );
    }

    #[test]
    fn number_splits_have_an_exact_complement() {
        let split = number_split("employees", "Employees", 200.0);
        assert_eq!(split.yes.text, "Employees is at least 200");
        assert_eq!(split.no.text, "Employees is below 200 or unknown");
        let RuleNode::Group(no) = split.no.rule else {
            panic!("the complement is a negated group");
        };
        assert!(no.not);
        assert_eq!(thresholds(&[1.0, 1.0, f64::NAN]), Vec::<f64>::new());
        assert_eq!(
            behaviour_split("trial_start", 1).yes.text,
            "Did trial start"
        );
        assert_eq!(
            behaviour_split("download", 2).no.text,
            "Did download fewer than 2 times"
        );
    }

    #[test]
    fn proposals_on_the_demo_beat_the_baseline_and_count_as_segments() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("discover.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 2000,
            events_per_lead: 8,
            seed: 5,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let period = Period::parse("2026-03-01", "2026-09-21").unwrap();
        let found = discover(
            &workspace,
            &Outcome::default(),
            period,
            DiscoverOptions::default(),
        )
        .unwrap();
        assert_eq!(found.min_leaf, 50);
        assert!(found.leaves > 1, "{found:?}");
        assert!(
            !found.proposals.is_empty(),
            "the demo has buyers: {found:?}"
        );
        for proposal in &found.proposals {
            assert!(proposal.conversion.low > found.baseline.rate);
            assert!(proposal.conversion.trials >= found.min_leaf);
            let counted = segments::count(&workspace, &proposal.rules, period.from).unwrap();
            assert_eq!(counted, proposal.conversion.trials, "{}", proposal.name);
        }
    }
}
