//! Scoring leads with a model on the segment index: each rule compiled once
//! (`when` rules as segment conditions evaluated on both cores, `each` rules
//! as behaviours whose matching events are summed with decay and capped),
//! then every lead's fit, engagement and total as of a date, or one lead's
//! points rule by rule (the explanation).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{ModelDefinition, ScoreKind};
use crate::segments::compile::{self, Behaviour, Condition};
use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::rules::{Combinator, Rule, RuleGroup, RuleNode};
use crate::segments::{self, evaluate_in_parallel};
use crate::{Error, Result, Workspace};

/// A model's rule, compiled against the workspace.
#[derive(Debug)]
enum CompiledTest {
    When(Condition),
    Each(Behaviour),
}

/// A model ready to score: its definition and each rule compiled.
#[derive(Debug)]
pub(crate) struct CompiledModel {
    pub definition: ModelDefinition,
    tests: Vec<CompiledTest>,
}

/// The rule tree of an `each` rule: one behaviour rule with its value.
fn behaviour_rules(value: &serde_json::Value) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::And,
        not: false,
        rules: vec![RuleNode::Rule(Rule {
            id: None,
            field: "event".into(),
            operator: "performed".into(),
            value: value.clone(),
        })],
    }
}

impl CompiledModel {
    /// Checks `definition` and compiles each rule; an error names the rule.
    pub fn compile(workspace: &Workspace, definition: &ModelDefinition) -> Result<CompiledModel> {
        definition.check()?;
        let mut tests = Vec::with_capacity(definition.rules.len());
        for (index, rule) in definition.rules.iter().enumerate() {
            let named = |error: Error| {
                Error::InvalidArgument(format!(
                    "scoring rule {} (“{}”): {error}",
                    index + 1,
                    rule.label
                ))
            };
            let test = match (&rule.when, &rule.each) {
                (Some(rules), _) => {
                    CompiledTest::When(compile::compile(workspace.conn(), rules).map_err(named)?)
                }
                (None, Some(value)) => {
                    match compile::compile(workspace.conn(), &behaviour_rules(value))
                        .map_err(named)?
                    {
                        Condition::Group { mut children, .. } if children.len() == 1 => {
                            match children.remove(0) {
                                Condition::Behaviour { behaviour, .. } => {
                                    CompiledTest::Each(behaviour)
                                }
                                _ => {
                                    return Err(named(Error::InvalidArgument(
                                        "the behaviour did not compile to one behaviour".into(),
                                    )))
                                }
                            }
                        }
                        _ => {
                            return Err(named(Error::InvalidArgument(
                                "the behaviour did not compile to one behaviour".into(),
                            )))
                        }
                    }
                }
                (None, None) => unreachable_rule(index)?,
            };
            tests.push(test);
        }
        Ok(CompiledModel {
            definition: definition.clone(),
            tests,
        })
    }

    /// Loads what the rules read into the index (fields, events, properties).
    pub(crate) fn prepare(&self, workspace: &Workspace, index: &mut LeadIndex) -> Result<()> {
        let mut fields = Vec::new();
        for test in &self.tests {
            if let CompiledTest::When(condition) = test {
                crate::segments::index::fields_of(condition, &mut fields);
            }
        }
        index.load_fields(workspace.conn(), &fields)?;
        for test in &self.tests {
            match test {
                CompiledTest::When(condition) => index.prepare(workspace.conn(), condition)?,
                CompiledTest::Each(behaviour) => {
                    let condition = Condition::Behaviour {
                        behaviour: behaviour.clone(),
                        negate: false,
                    };
                    index.prepare(workspace.conn(), &condition)?;
                }
            }
        }
        Ok(())
    }
}

/// `check` guarantees one condition per rule; this keeps the match total
/// without a panic.
fn unreachable_rule(index: usize) -> Result<CompiledTest> {
    Err(Error::InvalidArgument(format!(
        "scoring rule {}: give it either rules (`when`) or a behaviour to count (`each`)",
        index + 1
    )))
}

/// One lead's scores.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadScore {
    pub fit: f64,
    pub engagement: f64,
    pub total: f64,
}

/// What one rule gave one lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RulePoints {
    /// The rule's position in the model (0 first).
    #[ts(type = "number")]
    pub rule: usize,
    pub label: String,
    pub kind: ScoreKind,
    /// The points after decay and cap.
    pub points: f64,
    /// For `each` rules: every matching event, with its time and its points
    /// after decay (before the cap).
    pub events: Vec<EventPoints>,
    /// Whether the cap cut the points.
    pub capped: bool,
}

/// One event behind an `each` rule's points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventPoints {
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub at: i64,
    pub points: f64,
}

/// The rules' member sets as of a date, and the index to read events from.
pub(crate) struct Scorer<'a> {
    model: &'a CompiledModel,
    index: &'a LeadIndex,
    sets: Vec<Option<Bitset>>,
    as_of: i64,
}

impl<'a> Scorer<'a> {
    /// Evaluates the `when` rules as of `as_of` (on the available cores).
    pub fn new(model: &'a CompiledModel, index: &'a LeadIndex, as_of: i64) -> Scorer<'a> {
        let conditions: Vec<Condition> = model
            .tests
            .iter()
            .filter_map(|t| match t {
                CompiledTest::When(c) => Some(c.clone()),
                CompiledTest::Each(_) => None,
            })
            .collect();
        let mut evaluated = evaluate_in_parallel(index, &conditions, as_of).into_iter();
        let sets = model
            .tests
            .iter()
            .map(|t| match t {
                CompiledTest::When(_) => evaluated.next(),
                CompiledTest::Each(_) => None,
            })
            .collect();
        Scorer {
            model,
            index,
            sets,
            as_of,
        }
    }

    /// What rule `rule` gives lead `row`: points, and the events behind them
    /// when `with_events`.
    fn rule_points(
        &self,
        rule: usize,
        row: usize,
        with_events: bool,
    ) -> (f64, Vec<EventPoints>, bool) {
        let definition = &self.model.definition;
        let spec = &definition.rules[rule];
        let (raw, events) = match (&self.model.tests[rule], &self.sets[rule]) {
            (CompiledTest::When(_), Some(set)) => {
                (if set.get(row) { spec.points } else { 0.0 }, Vec::new())
            }
            (CompiledTest::Each(behaviour), _) => {
                let times = self.index.matching_event_times(behaviour, row, self.as_of);
                let mut sum = 0.0;
                let mut events = Vec::new();
                for at in times {
                    let points = definition.decayed(spec.points, self.as_of - at);
                    sum += points;
                    if with_events {
                        events.push(EventPoints { at, points });
                    }
                }
                (sum, events)
            }
            (CompiledTest::When(_), None) => (0.0, Vec::new()),
        };
        match spec.cap {
            Some(cap) if raw.abs() > cap => (cap.copysign(raw), events, true),
            _ => (raw, events, false),
        }
    }

    /// Lead `row`'s scores.
    pub fn score(&self, row: usize) -> LeadScore {
        let mut score = LeadScore::default();
        for (rule, spec) in self.model.definition.rules.iter().enumerate() {
            let (points, _, _) = self.rule_points(rule, row, false);
            match spec.kind {
                ScoreKind::Fit => score.fit += points,
                ScoreKind::Engagement => score.engagement += points,
            }
        }
        score.total = score.fit + score.engagement;
        score
    }

    /// Lead `row`'s points rule by rule: every rule that gave points or
    /// matched an event, in model order.
    pub fn explain(&self, row: usize) -> Vec<RulePoints> {
        let definition = &self.model.definition;
        (0..definition.rules.len())
            .filter_map(|rule| {
                let (points, events, capped) = self.rule_points(rule, row, true);
                let spec = &definition.rules[rule];
                (points != 0.0 || !events.is_empty()).then(|| RulePoints {
                    rule,
                    label: spec.label.clone(),
                    kind: spec.kind,
                    points,
                    events,
                    capped,
                })
            })
            .collect()
    }

    /// Every lead's scores, in index row order (on the available cores).
    pub fn score_all(&self) -> Vec<LeadScore> {
        let len = self.index.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8);
        if threads == 1 || len < 10_000 {
            return (0..len).map(|row| self.score(row)).collect();
        }
        let chunk = len.div_ceil(threads);
        let mut scores = vec![LeadScore::default(); len];
        std::thread::scope(|scope| {
            for (part, out) in scores.chunks_mut(chunk).enumerate() {
                scope.spawn(move || {
                    for (offset, slot) in out.iter_mut().enumerate() {
                        *slot = self.score(part * chunk + offset);
                    }
                });
            }
        });
        scores
    }
}

/// Runs `work` with a [`Scorer`] of `definition` as of `as_of` over the
/// workspace's index.
pub(crate) fn with_scorer<T>(
    workspace: &Workspace,
    definition: &ModelDefinition,
    as_of: i64,
    work: impl FnOnce(&LeadIndex, &Scorer<'_>) -> Result<T>,
) -> Result<T> {
    let model = CompiledModel::compile(workspace, definition)?;
    segments::with_index(workspace, |index| {
        model.prepare(workspace, index)?;
        let index: &LeadIndex = index;
        let scorer = Scorer::new(&model, index, as_of);
        work(index, &scorer)
    })
}

/// Every lead's id and scores under `definition` as of `as_of`, by lead id.
pub fn score_all(
    workspace: &Workspace,
    definition: &ModelDefinition,
    as_of: i64,
) -> Result<Vec<(i64, LeadScore)>> {
    with_scorer(workspace, definition, as_of, |index, scorer| {
        let scores = scorer.score_all();
        let mut pairs: Vec<(i64, LeadScore)> = scores
            .into_iter()
            .enumerate()
            .map(|(row, score)| (index.lead_id(row), score))
            .collect();
        pairs.sort_by_key(|(id, _)| *id);
        Ok(pairs)
    })
}

/// Why a lead has its score: the scores, grade and band, and every rule's
/// points with the events behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreExplanation {
    #[ts(type = "number")]
    pub lead_id: i64,
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub as_of: i64,
    pub score: LeadScore,
    pub grade: String,
    pub band: String,
    pub rules: Vec<RulePoints>,
}

/// Explains lead `lead_id`'s score under `definition` as of `as_of`.
pub fn explain(
    workspace: &Workspace,
    definition: &ModelDefinition,
    lead_id: i64,
    as_of: i64,
) -> Result<ScoreExplanation> {
    with_scorer(workspace, definition, as_of, |index, scorer| {
        let row = index.row_of_lead(lead_id).ok_or_else(|| Error::NotFound {
            what: "lead",
            key: lead_id.to_string(),
        })?;
        let score = scorer.score(row);
        Ok(ScoreExplanation {
            lead_id,
            as_of,
            score,
            grade: definition.grade(score.fit, score.engagement),
            band: definition.bands[definition.band_index(score.total)]
                .name
                .clone(),
            rules: scorer.explain(row),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::model::{Decay, ScoreRule};
    use crate::store::tables::events::EventInserter;
    use crate::store::tables::leads::{LeadInserter, NewLead};

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_780_000_000;

    /// Lead 1: an executive with downloads 0, 30 and 60 days ago; lead 2: no
    /// persona, one download 10 days ago and one after NOW; lead 3: nothing.
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("scoring.leadstream")).unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        {
            let mut leads = LeadInserter::new(&tx).unwrap();
            let mut events = EventInserter::new(&tx).unwrap();
            for (id, persona) in [(1, Some("Executive")), (2, None), (3, None)] {
                leads
                    .insert(&NewLead {
                        id,
                        persona,
                        created_at: NOW - 100 * DAY,
                        updated_at: NOW - 100 * DAY,
                        ..NewLead::default()
                    })
                    .unwrap();
            }
            for days_ago in [0, 30, 60] {
                events
                    .insert(1, "download", NOW - days_ago * DAY, "{}")
                    .unwrap();
            }
            events.insert(2, "download", NOW - 10 * DAY, "{}").unwrap();
            events.insert(2, "download", NOW + DAY, "{}").unwrap();
        }
        tx.commit().unwrap();
        (dir, workspace)
    }

    fn model() -> ModelDefinition {
        let persona: RuleGroup = serde_json::from_str(
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Executive"}]}"#,
        )
        .unwrap();
        ModelDefinition {
            rules: vec![
                ScoreRule {
                    label: "Executive".into(),
                    kind: ScoreKind::Fit,
                    when: Some(persona),
                    each: None,
                    points: 25.0,
                    cap: None,
                },
                ScoreRule {
                    label: "Download".into(),
                    kind: ScoreKind::Engagement,
                    when: None,
                    each: Some(serde_json::json!({"type": "Download"})),
                    points: 10.0,
                    cap: Some(15.0),
                },
            ],
            decay: Decay::HalfLife { days: 30.0 },
            ..ModelDefinition::default()
        }
    }

    #[test]
    fn scores_fit_once_and_each_event_with_decay_and_cap() {
        let (_dir, workspace) = workspace();
        let scores: std::collections::HashMap<i64, LeadScore> =
            score_all(&workspace, &model(), NOW)
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(scores[&1].fit, 25.0);
        // 10 + 5 + 2.5 = 17.5, capped at 15.
        assert_eq!(scores[&1].engagement, 15.0);
        assert_eq!(scores[&1].total, 40.0);
        // One download 10 days ago; the one after NOW does not count yet.
        let expected = 10.0 * 0.5f64.powf(10.0 / 30.0);
        assert!((scores[&2].engagement - expected).abs() < 1e-9);
        assert_eq!(scores[&3], LeadScore::default());
    }

    #[test]
    fn the_explanation_adds_up_to_the_score_and_names_the_events() {
        let (_dir, workspace) = workspace();
        let explanation = explain(&workspace, &model(), 1, NOW).unwrap();
        let sum: f64 = explanation.rules.iter().map(|r| r.points).sum();
        assert_eq!(sum, explanation.score.total);
        let download = &explanation.rules[1];
        assert!(download.capped);
        assert_eq!(download.events.len(), 3);
        assert_eq!(explanation.grade, "B3");
        assert_eq!(explanation.band, "warm");
        assert!(matches!(
            explain(&workspace, &model(), 99, NOW),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn a_rule_that_does_not_compile_is_named() {
        let (_dir, workspace) = workspace();
        let mut broken = model();
        broken.rules[1].each = Some(serde_json::json!({"type": ""}));
        let message = score_all(&workspace, &broken, NOW).unwrap_err().to_string();
        assert!(message.contains("scoring rule 2 (“Download”)"), "{message}");
    }
}
