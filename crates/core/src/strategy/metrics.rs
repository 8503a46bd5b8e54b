//! The metrics goals and reviews measure on a population (a saved segment,
//! or a stream's entry segments) at any date: members, conversions since a
//! date, conversion rate, engagement rate and the e-mailable share, all
//! computed in one pass over the segment index for many dates at once.
//!
//! A population "as of" an instant is the leads that match its rules as of
//! that instant (behaviour rules and relative dates read the as-of instant;
//! field values are today's, as everywhere in Leadstream) and that existed
//! then (`created_at` at or before it).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::insights::performance::ENGAGEMENT_TYPES;
use crate::segments::index::{self, Bitset, LeadIndex};
use crate::segments::{self, compile, Combinator, Rule, RuleGroup, RuleNode};
use crate::text::fold_key;
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// Days before the as-of instant in which an outcome event makes a member
/// count in the conversion rate.
pub const CONVERSION_WINDOW_DAYS: i64 = 90;
/// Days before the as-of instant in which an engagement event makes a
/// member count as engaged.
pub const ENGAGEMENT_WINDOW_DAYS: i64 = 30;

/// What a goal measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Metric {
    /// Members who converted since the goal's start (a count).
    Conversions,
    /// Members who converted in the last 90 days, per 100 members.
    ConversionRate,
    /// Members with an engagement event in the last 30 days, per 100 members.
    EngagementRate,
    /// Members (a count).
    Size,
    /// Members opted in to e-mail and not marked do-not-email, per 100 members.
    EmailableShare,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::Conversions,
        Metric::ConversionRate,
        Metric::EngagementRate,
        Metric::Size,
        Metric::EmailableShare,
    ];

    /// The CLI's and the store's name.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Conversions => "conversions",
            Metric::ConversionRate => "conversion-rate",
            Metric::EngagementRate => "engagement-rate",
            Metric::Size => "size",
            Metric::EmailableShare => "emailable-share",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::Conversions => "Conversions since the start",
            Metric::ConversionRate => "Conversion rate (90 days)",
            Metric::EngagementRate => "Engagement rate (30 days)",
            Metric::Size => "Segment size",
            Metric::EmailableShare => "E-mailable share",
        }
    }

    pub fn parse(text: &str) -> Result<Metric> {
        Metric::ALL
            .into_iter()
            .find(|metric| metric.key() == text.trim())
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "`{}` is not a goal metric: use conversions, conversion-rate, engagement-rate, size or emailable-share",
                    text.trim()
                ))
            })
    }

    /// Whether the value is a percentage (0 to 100).
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Metric::ConversionRate | Metric::EngagementRate | Metric::EmailableShare
        )
    }

    /// The metric's value in a measurement: a count, or a percentage.
    pub fn value(self, measurement: &Measurement) -> f64 {
        let share = |part: u64| {
            if measurement.members == 0 {
                0.0
            } else {
                100.0 * part as f64 / measurement.members as f64
            }
        };
        match self {
            Metric::Conversions => measurement.converted_since as f64,
            Metric::ConversionRate => share(measurement.converted_recently),
            Metric::EngagementRate => share(measurement.engaged),
            Metric::Size => measurement.members as f64,
            Metric::EmailableShare => share(measurement.emailable),
        }
    }
}

/// When to measure: the as-of instant, and the start of the span in which
/// conversions are counted for [`Metric::Conversions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub at: i64,
    pub conversions_since: i64,
}

/// A population measured at one moment: counts of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Measurement {
    #[ts(type = "number")]
    pub at: i64,
    #[ts(type = "number")]
    pub members: u64,
    /// With an outcome event in `[conversions_since, at]`.
    #[ts(type = "number")]
    pub converted_since: u64,
    /// With an outcome event in the 90 days up to `at`.
    #[ts(type = "number")]
    pub converted_recently: u64,
    /// With an engagement event in the 30 days up to `at`.
    #[ts(type = "number")]
    pub engaged: u64,
    /// Opted in to e-mail and not do-not-email (today's consent fields).
    #[ts(type = "number")]
    pub emailable: u64,
}

impl Measurement {
    /// Converted in the last 90 days, as a percentage of members.
    pub fn conversion_rate(&self) -> f64 {
        Metric::ConversionRate.value(self)
    }

    /// Engaged in the last 30 days, as a percentage of members.
    pub fn engagement_rate(&self) -> f64 {
        Metric::EngagementRate.value(self)
    }
}

/// The members of saved segment `id`, as rules.
pub fn segment_population(id: i64) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::And,
        not: false,
        rules: vec![membership(id)],
    }
}

/// The leads of a stream: those in any of its entry segments.
pub fn stream_population(entry_segments: &[i64]) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::Or,
        not: false,
        rules: entry_segments.iter().map(|&id| membership(id)).collect(),
    }
}

fn membership(id: i64) -> RuleNode {
    RuleNode::Rule(Rule {
        id: None,
        field: "segment".to_owned(),
        operator: "in".to_owned(),
        value: Value::from(id),
    })
}

/// Measures each population at each moment: `result[population][moment]`.
/// The rules compile once and the index is loaded once for all of them.
pub fn measure(
    workspace: &Workspace,
    populations: &[&RuleGroup],
    outcome_types: &[String],
    moments: &[Moment],
) -> Result<Vec<Vec<Measurement>>> {
    let conditions: Vec<compile::Condition> = populations
        .iter()
        .map(|rules| compile::compile(workspace.conn(), rules))
        .collect::<Result<_>>()?;
    let extra: Vec<compile::FieldRef> = ["created_at", "email_opt_in", "do_not_email"]
        .iter()
        .map(|key| compile::field_ref(workspace.conn(), key))
        .collect::<Result<_>>()?;
    segments::with_index(workspace, |index| {
        let mut fields = extra.clone();
        for condition in &conditions {
            index::fields_of(condition, &mut fields);
        }
        index.load_fields(workspace.conn(), &fields)?;
        for condition in &conditions {
            index.prepare(workspace.conn(), condition)?;
        }
        index.ensure_events(workspace.conn())?;
        let lead_facts = LeadFacts::read(index, outcome_types);
        let mut results = vec![Vec::with_capacity(moments.len()); conditions.len()];
        for moment in moments {
            let existing = lead_facts.existing_at(moment.at);
            let sets = segments::evaluate_in_parallel(index, &conditions, moment.at);
            for (result, mut members) in results.iter_mut().zip(sets) {
                members.and_with(&existing);
                result.push(lead_facts.measure(index, &members, *moment));
            }
        }
        Ok(results)
    })
}

/// What the measurements read per lead besides membership.
struct LeadFacts {
    created_at: Vec<i64>,
    emailable: Bitset,
    outcome_keys: Vec<String>,
    engagement_keys: Vec<String>,
}

impl LeadFacts {
    fn read(index: &LeadIndex, outcome_types: &[String]) -> LeadFacts {
        let len = index.len();
        let created_at = index
            .instants_of("created_at")
            .map_or_else(|| vec![i64::MIN; len], <[i64]>::to_vec);
        let emailable = Bitset::from_fn(len, |row| {
            index.bool_at("email_opt_in", row) == Some(true)
                && index.bool_at("do_not_email", row) != Some(true)
        });
        let keys = |types: &mut dyn Iterator<Item = &str>| {
            let mut keys: Vec<String> = types.map(fold_key).collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        LeadFacts {
            created_at,
            emailable,
            outcome_keys: keys(&mut outcome_types.iter().map(String::as_str)),
            engagement_keys: keys(&mut ENGAGEMENT_TYPES.iter().copied()),
        }
    }

    /// Leads created at or before `at` (an empty creation date counts as
    /// always there).
    fn existing_at(&self, at: i64) -> Bitset {
        Bitset::from_fn(self.created_at.len(), |row| self.created_at[row] <= at)
    }

    fn measure(&self, index: &LeadIndex, members: &Bitset, moment: Moment) -> Measurement {
        let any_in = |keys: &[String], row: usize, from: i64| {
            keys.iter().any(|key| {
                let times = index.event_times(key, row);
                let first = times.partition_point(|&t| t < from);
                times.get(first).is_some_and(|&t| t <= moment.at)
            })
        };
        let recent_conversion_from = moment.at - CONVERSION_WINDOW_DAYS * SECONDS_PER_DAY;
        let engagement_from = moment.at - ENGAGEMENT_WINDOW_DAYS * SECONDS_PER_DAY;
        let mut measurement = Measurement {
            at: moment.at,
            ..Measurement::default()
        };
        for row in members.ones() {
            measurement.members += 1;
            if any_in(&self.outcome_keys, row, moment.conversions_since) {
                measurement.converted_since += 1;
            }
            // Windows are `(at − window, at]`.
            if any_in(&self.outcome_keys, row, recent_conversion_from + 1) {
                measurement.converted_recently += 1;
            }
            if any_in(&self.engagement_keys, row, engagement_from + 1) {
                measurement.engaged += 1;
            }
            if self.emailable.get(row) {
                measurement.emailable += 1;
            }
        }
        measurement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_round_trip_and_unknown_ones_are_refused() {
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(metric.key()).unwrap(), metric);
        }
        let error = Metric::parse("revenue").unwrap_err().to_string();
        assert!(error.contains("`revenue` is not a goal metric"), "{error}");
    }

    #[test]
    fn rates_are_percentages_of_members_and_zero_without_members() {
        let m = Measurement {
            at: 0,
            members: 8,
            converted_since: 3,
            converted_recently: 2,
            engaged: 4,
            emailable: 6,
        };
        assert_eq!(Metric::Conversions.value(&m), 3.0);
        assert_eq!(Metric::ConversionRate.value(&m), 25.0);
        assert_eq!(Metric::EngagementRate.value(&m), 50.0);
        assert_eq!(Metric::Size.value(&m), 8.0);
        assert_eq!(Metric::EmailableShare.value(&m), 75.0);
        let empty = Measurement::default();
        for metric in Metric::ALL {
            assert_eq!(metric.value(&empty), 0.0);
        }
    }
}
