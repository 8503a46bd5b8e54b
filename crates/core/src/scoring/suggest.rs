//! Suggested points, never applied: for each behaviour (every event type,
//! done at least once and at least twice) and fit value (the most frequent
//! values of persona, industry, job title, country, lifecycle and buying
//! stage, lead source, and employee-size ranges), the conversion lift of
//! the leads with it over the leads without it, fitted on the training half
//! of the leads ([`is_held_out`] false) and reported with its counts and its
//! lift on the held-out half. Points are 20 per doubling of the lift
//! (`20 × log2(lift)`), rounded to 5 and capped to ±50, and only where the
//! training half tells the two groups apart. The outcome is either events
//! in a window after a date (history, as in a back-test) or rules (a field).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::backtest::{created_before, MAX_WINDOW_DAYS};
use super::evaluate::{fields_read, is_held_out};
use super::model::{ScoreKind, ScoreRule};
use crate::fields::{self, FieldType};
use crate::insights::crosstab::{group, rule};
use crate::insights::outcome::{conversions, Outcome, Period, Rate};
use crate::segments::index::Bitset;
use crate::segments::{self, Combinator, RuleGroup};
use crate::text::{fold_key, grouped};
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// The fields whose most frequent values are tried, in this order.
pub const FIT_FIELDS: [&str; 7] = [
    "persona",
    "industry",
    "job_title",
    "country",
    "lifecycle_stage",
    "buying_stage",
    "lead_source",
];
/// How many of a field's most frequent values are tried.
pub const VALUES_PER_FIELD: usize = 8;
/// Employee-size ranges (inclusive; the last has no top), as CRMs bucket
/// company size.
pub const EMPLOYEE_RANGES: [(f64, Option<f64>); 6] = [
    (1.0, Some(10.0)),
    (11.0, Some(50.0)),
    (51.0, Some(200.0)),
    (201.0, Some(1_000.0)),
    (1_001.0, Some(5_000.0)),
    (5_001.0, None),
];
/// "Did it at least k times": the k tried.
pub const BEHAVIOUR_COUNTS: [u64; 2] = [1, 2];
/// Points per doubling of the lift.
pub const POINTS_PER_DOUBLING: f64 = 20.0;
/// The largest suggested points, either way.
pub const MAX_POINTS: f64 = 50.0;

/// What counts as converting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "SuggestOutcome")]
pub enum SuggestOutcome {
    /// Leads that existed at `at` and had not converted are the population;
    /// converted: an event of `event_types` (default purchase) in
    /// `[at, at + window_days)`. Behaviours count up to `at`.
    History {
        #[ts(type = "number")]
        at: i64,
        window_days: u32,
        event_types: Vec<String>,
    },
    /// Every lead; converted: matches `rules` as of `as_of` (default now).
    Field {
        rules: RuleGroup,
        #[ts(type = "number | null")]
        as_of: Option<i64>,
    },
}

/// Conversion with and without a behaviour or value, in one half.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Evidence {
    pub with: Rate,
    pub without: Rate,
    /// `with.rate / without.rate`; `None` when nobody without converted.
    #[ts(optional)]
    pub lift: Option<f64>,
}

/// One suggested rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Suggestion {
    /// What the leads have or did ("Persona is Executive", "demo_request
    /// at least twice").
    pub label: String,
    pub kind: ScoreKind,
    /// On the training half: what the points are fitted on.
    pub training: Evidence,
    /// On the held-out half: whether the lift holds on leads it was not
    /// fitted on.
    pub held_out: Evidence,
    /// Whether the training half's 95% interval of `with` leaves out the
    /// rate `without`; points are suggested only then.
    pub distinguishable: bool,
    /// The suggested points (0: no clear effect).
    pub points: f64,
    /// The rule to add, with these points (`when`: the exact leads counted).
    pub rule: ScoreRule,
}

/// The suggestions and what they were computed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Suggestions {
    /// Behaviours and values as of this instant (seconds since the epoch).
    #[ts(type = "number")]
    pub as_of: i64,
    /// The training and held-out populations, and how many converted.
    pub training: Rate,
    pub held_out: Rate,
    /// Fields not tried, each with why.
    pub left_out: Vec<String>,
    /// Largest points (either way) first, then by training lift.
    pub suggestions: Vec<Suggestion>,
}

/// A behaviour or value to try: its label, kind and the rules of its leads.
struct Candidate {
    label: String,
    kind: ScoreKind,
    rules: RuleGroup,
}

/// Suggests points for behaviours and fit values from `outcome`.
pub fn suggest(workspace: &Workspace, outcome: &SuggestOutcome) -> Result<Suggestions> {
    let (as_of, outcome_keys, mut left_out) = match outcome {
        SuggestOutcome::History {
            at,
            window_days,
            event_types,
        } => {
            if *window_days == 0 || *window_days > MAX_WINDOW_DAYS {
                return Err(Error::InvalidArgument(format!(
                    "the window is {window_days} days: choose 1 to {MAX_WINDOW_DAYS}"
                )));
            }
            let keys = event_types.iter().map(|t| fold_key(t)).collect();
            let left_out = vec![
                "lifecycle_stage: its value is today's, and a purchase changes it".to_owned(),
                "buying_stage: Leadstream derives it from all events, later ones too".to_owned(),
            ];
            (*at, keys, left_out)
        }
        SuggestOutcome::Field { rules, as_of } => {
            let mut read = Vec::new();
            fields_read(rules, &mut read);
            let left_out = read
                .iter()
                .filter(|key| FIT_FIELDS.contains(&key.as_str()) || key.as_str() == "employees")
                .map(|key| format!("{key}: the outcome rules read it"))
                .collect();
            (as_of.unwrap_or_else(crate::time::now), Vec::new(), left_out)
        }
    };
    left_out.sort();
    let skipped = |key: &str| left_out.iter().any(|l| l.starts_with(&format!("{key}:")));
    let candidates = candidates(workspace, as_of, &outcome_keys, &skipped)?;
    let (population, outcome_rules) = match outcome {
        SuggestOutcome::History { at, .. } => (created_before(*at)?, None),
        SuggestOutcome::Field { rules, .. } => (RuleGroup::everyone(), Some(rules.clone())),
    };
    let mut rule_sets: Vec<&RuleGroup> = vec![&population];
    if let Some(rules) = &outcome_rules {
        rule_sets.push(rules);
    }
    rule_sets.extend(candidates.iter().map(|c| &c.rules));
    let extra = rule_sets.len() - candidates.len();
    segments::with_member_sets(workspace, &rule_sets, as_of, |index, mut sets| {
        let features = sets.split_off(extra);
        let (mut scored, converted) = match outcome {
            SuggestOutcome::History {
                at,
                window_days,
                event_types,
            } => {
                let history = Outcome {
                    event_types: event_types.clone(),
                    rules: None,
                };
                let to = at + i64::from(*window_days) * SECONDS_PER_DAY;
                let everyone_before = Period {
                    from: i64::MIN,
                    to: *at,
                };
                let mut before = conversions(workspace, index, &history, everyone_before)?;
                before.converted.negate();
                let after = conversions(workspace, index, &history, Period { from: *at, to })?;
                let mut scored = sets[0].clone();
                scored.and_with(&before.converted);
                (scored, after.converted)
            }
            SuggestOutcome::Field { .. } => (sets[0].clone(), sets[1].clone()),
        };
        let held = Bitset::from_fn(index.len(), |row| is_held_out(index.lead_id(row)));
        let mut training = held.clone();
        training.negate();
        training.and_with(&scored);
        scored.and_with(&held);
        let halves = [
            Half::new(training, &converted),
            Half::new(scored, &converted),
        ];
        let mut suggestions: Vec<Suggestion> = candidates
            .iter()
            .zip(&features)
            .map(|(candidate, set)| suggestion(candidate, set, &halves))
            .collect();
        rank(&mut suggestions);
        Ok(Suggestions {
            as_of,
            training: halves[0].rate(),
            held_out: halves[1].rate(),
            left_out,
            suggestions,
        })
    })
}

/// One half of the population and its converted leads.
struct Half {
    leads: Bitset,
    converted: Bitset,
}

impl Half {
    fn new(leads: Bitset, converted: &Bitset) -> Half {
        let mut hits = leads.clone();
        hits.and_with(converted);
        Half {
            leads,
            converted: hits,
        }
    }

    fn rate(&self) -> Rate {
        Rate::new(self.converted.count(), self.leads.count())
    }

    fn evidence(&self, set: &Bitset) -> Evidence {
        let (leads, hits) = (self.leads.count(), self.converted.count());
        let with_leads = self.leads.count_and(set);
        let with_hits = self.converted.count_and(set);
        let with = Rate::new(with_hits, with_leads);
        let without = Rate::new(hits - with_hits, leads - with_leads);
        Evidence {
            lift: with.lift_over(&without),
            with,
            without,
        }
    }
}

fn suggestion(candidate: &Candidate, set: &Bitset, halves: &[Half; 2]) -> Suggestion {
    let training = halves[0].evidence(set);
    let held_out = halves[1].evidence(set);
    let distinguishable = training.with.trials > 0
        && training.without.trials > 0
        && training.with.differs_from(&training.without);
    let points = if distinguishable {
        points_for(&training)
    } else {
        0.0
    };
    Suggestion {
        rule: ScoreRule {
            label: candidate.label.clone(),
            kind: candidate.kind,
            when: Some(candidate.rules.clone()),
            each: None,
            points,
            cap: None,
        },
        label: candidate.label.clone(),
        kind: candidate.kind,
        training,
        held_out,
        distinguishable,
        points,
    }
}

/// `20 × log2(lift)` rounded to 5 and capped to ±50, the lift taken with
/// half a conversion added to each side (so that no side's zero makes it
/// infinite).
pub fn points_for(evidence: &Evidence) -> f64 {
    let smoothed = |rate: &Rate| (rate.successes as f64 + 0.5) / (rate.trials as f64 + 1.0);
    let lift = smoothed(&evidence.with) / smoothed(&evidence.without);
    let points = (POINTS_PER_DOUBLING * lift.log2() / 5.0).round() * 5.0;
    // `+ 0.0` turns a rounded -0 into 0.
    points.clamp(-MAX_POINTS, MAX_POINTS) + 0.0
}

fn rank(suggestions: &mut [Suggestion]) {
    let lift = |s: &Suggestion| s.training.lift.unwrap_or(f64::INFINITY);
    suggestions.sort_by(|a, b| {
        b.points
            .abs()
            .total_cmp(&a.points.abs())
            .then_with(|| lift(b).total_cmp(&lift(a)))
            .then_with(|| a.label.cmp(&b.label))
    });
}

/// Every behaviour and value to try: event types (but the outcome's), the
/// most frequent values of [`FIT_FIELDS`] and the employee ranges.
fn candidates(
    workspace: &Workspace,
    as_of: i64,
    outcome_keys: &[String],
    skipped: &dyn Fn(&str) -> bool,
) -> Result<Vec<Candidate>> {
    let catalogue: Vec<fields::Field> = fields::list(workspace.conn())?
        .into_iter()
        .filter(|f| FIT_FIELDS.contains(&f.key.as_str()) || f.key == "employees")
        .filter(|f| !skipped(&f.key))
        .collect();
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
        let mut found = Vec::new();
        for key in FIT_FIELDS {
            let Some(field) = catalogue.iter().find(|f| f.key == key) else {
                continue;
            };
            if !matches!(field.field_type, FieldType::Text | FieldType::List) {
                continue;
            }
            let values = index.value_counts(key, usize::MAX).unwrap_or_default();
            for (value, _) in values.into_iter().take(VALUES_PER_FIELD) {
                found.push(Candidate {
                    label: format!("{} is {value}", field.label),
                    kind: ScoreKind::Fit,
                    rules: group(vec![rule(key, "=", json!(value))]),
                });
            }
        }
        if let Some(field) = catalogue.iter().find(|f| f.key == "employees") {
            for (low, high) in EMPLOYEE_RANGES {
                let (label, test) = match high {
                    Some(high) => (
                        format!(
                            "{} {}–{}",
                            field.label,
                            grouped(low as i128),
                            grouped(high as i128)
                        ),
                        rule("employees", "between", json!([low, high])),
                    ),
                    None => (
                        format!("{} {} or more", field.label, grouped(low as i128)),
                        rule("employees", ">=", json!(low)),
                    ),
                };
                found.push(Candidate {
                    label,
                    kind: ScoreKind::Fit,
                    rules: group(vec![test]),
                });
            }
        }
        for (key, raw_types, _) in index.event_type_counts(workspace.conn())? {
            let Some(event_type) = raw_types.first() else {
                continue;
            };
            if outcome_keys.contains(&key) {
                continue;
            }
            for k in BEHAVIOUR_COUNTS {
                found.push(Candidate {
                    label: if k == 1 {
                        format!("Did {event_type}")
                    } else {
                        format!("Did {event_type} at least {k} times")
                    },
                    kind: ScoreKind::Engagement,
                    rules: group(vec![rule(
                        "event",
                        "performed",
                        json!({"type": event_type, "min": k}),
                    )]),
                });
            }
        }
        Ok(found)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tables::events::EventInserter;
    use crate::store::tables::leads::{LeadInserter, NewLead};

    const DAY: i64 = 86_400;
    const T: i64 = 1_780_000_000;

    fn rate(successes: u64, trials: u64) -> Rate {
        Rate::new(successes, trials)
    }

    #[test]
    fn points_follow_the_log_lift_rounded_and_capped() {
        let evidence = |with: Rate, without: Rate| Evidence {
            lift: with.lift_over(&without),
            with,
            without,
        };
        // Lift ≈ 2 → 20; ≈ 1/2 → -20; ≈ 1 → 0; huge → 50.
        assert_eq!(
            points_for(&evidence(rate(2000, 10000), rate(1000, 10000))),
            20.0
        );
        assert_eq!(
            points_for(&evidence(rate(500, 10000), rate(1000, 10000))),
            -20.0
        );
        assert_eq!(
            points_for(&evidence(rate(1000, 10000), rate(1000, 10000))),
            0.0
        );
        assert_eq!(
            points_for(&evidence(rate(9000, 10000), rate(1, 10000))),
            50.0
        );
        // Lift 1.5: 20 × log2(1.5) = 11.7 → 10.
        assert_eq!(
            points_for(&evidence(rate(1500, 10000), rate(1000, 10000))),
            10.0
        );
    }

    /// 400 leads created before T. Even ids downloaded before T; 3 in 4
    /// downloaders and 1 in 10 others buy in the 30 days after T. Lead 400
    /// bought before T; one download after T (lead 1) is in the future.
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("suggest.leadstream")).unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        {
            let mut leads = LeadInserter::new(&tx).unwrap();
            let mut events = EventInserter::new(&tx).unwrap();
            for id in 1..=400i64 {
                let downloaded = id % 2 == 0;
                leads
                    .insert(&NewLead {
                        id,
                        persona: Some(if id % 3 == 0 { "Executive" } else { "Analyst" }),
                        created_at: T - 90 * DAY,
                        updated_at: T - 90 * DAY,
                        ..NewLead::default()
                    })
                    .unwrap();
                if downloaded {
                    events.insert(id, "download", T - 5 * DAY, "{}").unwrap();
                }
                let buys = if downloaded {
                    id % 8 != 0
                } else {
                    id % 10 == 1
                };
                if buys && id != 400 {
                    events.insert(id, "purchase", T + 3 * DAY, "{}").unwrap();
                }
            }
            events.insert(400, "purchase", T - DAY, "{}").unwrap();
            events.insert(1, "download", T + DAY, "{}").unwrap();
        }
        tx.commit().unwrap();
        (dir, workspace)
    }

    fn history() -> SuggestOutcome {
        SuggestOutcome::History {
            at: T,
            window_days: 30,
            event_types: vec!["purchase".into()],
        }
    }

    #[test]
    fn fits_on_the_training_half_and_reports_the_held_out_half() {
        let (_dir, workspace) = workspace();
        let found = suggest(&workspace, &history()).unwrap();
        // Lead 400 had converted before T: 399 leads scored.
        assert_eq!(found.training.trials + found.held_out.trials, 399);
        let download = found
            .suggestions
            .iter()
            .find(|s| s.label == "Did download")
            .unwrap();
        // Recount by hand on each half.
        let recount = |held: bool| {
            let leads: Vec<i64> = (1..400).filter(|&id| is_held_out(id) == held).collect();
            let buys = |id: i64| {
                if id % 2 == 0 {
                    id % 8 != 0
                } else {
                    id % 10 == 1
                }
            };
            let with: Vec<&i64> = leads.iter().filter(|&&id| id % 2 == 0).collect();
            let with_hits = with.iter().filter(|&&&id| buys(id)).count() as u64;
            let hits = leads.iter().filter(|&&id| buys(id)).count() as u64;
            (with.len() as u64, with_hits, leads.len() as u64, hits)
        };
        for (evidence, held) in [(&download.training, false), (&download.held_out, true)] {
            let (with, with_hits, all, hits) = recount(held);
            assert_eq!(
                (evidence.with.trials, evidence.with.successes),
                (with, with_hits)
            );
            assert_eq!(
                (evidence.without.trials, evidence.without.successes),
                (all - with, hits - with_hits)
            );
        }
        assert!(download.distinguishable);
        assert!(download.points >= 40.0, "{}", download.points);
        assert_eq!(download.rule.points, download.points);
        assert_eq!(download.rule.kind, ScoreKind::Engagement);
        // The outcome's own event type is not a suggestion; Persona is.
        assert!(found
            .suggestions
            .iter()
            .all(|s| !s.label.contains("purchase")));
        let persona = found
            .suggestions
            .iter()
            .find(|s| s.label == "Persona is Executive")
            .unwrap();
        assert_eq!(persona.kind, ScoreKind::Fit);
        // Sorted by points, largest first.
        assert_eq!(found.suggestions[0].label, "Did download");
        assert!(found
            .left_out
            .iter()
            .any(|l| l.starts_with("lifecycle_stage")));
    }

    #[test]
    fn an_outcome_field_leaves_its_own_field_out() {
        let (_dir, workspace) = workspace();
        let rules: RuleGroup = serde_json::from_str(
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Executive"}]}"#,
        )
        .unwrap();
        let found = suggest(
            &workspace,
            &SuggestOutcome::Field {
                rules,
                as_of: Some(T),
            },
        )
        .unwrap();
        assert_eq!(found.training.trials + found.held_out.trials, 400);
        assert!(found
            .suggestions
            .iter()
            .all(|s| !s.label.starts_with("Persona")));
        assert_eq!(found.left_out, ["persona: the outcome rules read it"]);
        assert!(found.suggestions.iter().any(|s| s.label == "Did download"));
    }

    #[test]
    fn refuses_an_absurd_window() {
        let (_dir, workspace) = workspace();
        let outcome = SuggestOutcome::History {
            at: T,
            window_days: 0,
            event_types: vec!["purchase".into()],
        };
        let message = suggest(&workspace, &outcome).unwrap_err().to_string();
        assert!(message.contains("choose 1 to"), "{message}");
    }
}
