//! The scoring model as the user writes it (and `docs/scoring.md` documents):
//! rules that give points for who a lead is (fit) and what it did
//! (engagement), decay of engagement points, A–D × 1–4 grades and named bands.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segments::RuleGroup;
use crate::{Error, Result};

/// Whether a rule scores who the lead is or what it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ScoreKind {
    /// Explicit data: persona, job title, industry, company size, country…
    Fit,
    /// Behaviour: page views, downloads, clicks, trials, demo requests…
    Engagement,
}

/// One scoring rule: a condition and its points. Exactly one of `when` and
/// `each` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreRule {
    /// What the rule is about, shown in explanations ("Downloaded a whitepaper").
    pub label: String,
    pub kind: ScoreKind,
    /// Points once when the lead matches these rules (the segment rule
    /// format) as of the scoring date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub when: Option<RuleGroup>,
    /// Points for each event that matches this behaviour (a behaviour rule's
    /// value: `type`, optional `where` and `inLast`; `min`/`max` do not
    /// apply), decayed by its age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub each: Option<serde_json::Value>,
    /// Points given (per event for `each`); negative points take away.
    pub points: f64,
    /// The most points (in absolute value) the rule gives one lead, after decay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cap: Option<f64>,
}

/// How engagement points of `each` rules fade with the event's age.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum Decay {
    /// Points keep their value forever.
    None,
    /// Points halve every `days` days.
    HalfLife { days: f64 },
    /// Points count in full for `days` days after the event, then drop to 0.
    Window { days: f64 },
}

/// A named band of total scores: leads with a total of at least `min`
/// (the lowest band has no minimum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Band {
    pub name: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

/// A scoring model's definition: everything but its id, name and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ModelDefinition {
    pub rules: Vec<ScoreRule>,
    pub decay: Decay,
    /// Fit score thresholds of grades A, B and C, highest first; below the
    /// last, D.
    pub fit_grades: [f64; 3],
    /// Engagement score thresholds of grades 1, 2 and 3, highest first;
    /// below the last, 4.
    pub engagement_grades: [f64; 3],
    /// Bands by total score, highest first; the last has no minimum.
    pub bands: Vec<Band>,
}

impl Default for ModelDefinition {
    /// No rules; a 30-day half-life; grades and bands as HubSpot and Pardot
    /// users expect them (docs/decisions.md).
    fn default() -> Self {
        let band = |name: &str, min: Option<f64>| Band {
            name: name.to_owned(),
            min,
        };
        ModelDefinition {
            rules: Vec::new(),
            decay: Decay::HalfLife { days: 30.0 },
            fit_grades: [30.0, 20.0, 10.0],
            engagement_grades: [40.0, 20.0, 5.0],
            bands: vec![
                band("sales-ready", Some(80.0)),
                band("hot", Some(50.0)),
                band("warm", Some(20.0)),
                band("cold", None),
            ],
        }
    }
}

/// The longest a rule label or band name may be.
const MAX_NAME: usize = 120;
/// The largest points, cap, threshold or decay a model may hold.
const MAX_MAGNITUDE: f64 = 1e6;

impl ModelDefinition {
    /// Checks the shape of the model (rules are compiled against the
    /// workspace by the engine): each rule has one condition, finite points,
    /// a positive cap; thresholds descend; bands are named and descend to one
    /// without a minimum. Errors name the rule or band.
    pub fn check(&self) -> Result<()> {
        let invalid = |message: String| Err(Error::InvalidArgument(message));
        let finite = |x: f64| x.is_finite() && x.abs() <= MAX_MAGNITUDE;
        for (index, rule) in self.rules.iter().enumerate() {
            let at = format!("scoring rule {} (“{}”)", index + 1, rule.label);
            if rule.label.trim().is_empty() || rule.label.chars().count() > MAX_NAME {
                return invalid(format!(
                    "scoring rule {}: give it a label of 1 to {MAX_NAME} characters",
                    index + 1
                ));
            }
            match (&rule.when, &rule.each) {
                (Some(_), None) | (None, Some(_)) => {}
                _ => {
                    return invalid(format!(
                        "{at}: give it either rules (`when`) or a behaviour to count (`each`), not both or neither"
                    ))
                }
            }
            if !finite(rule.points) {
                return invalid(format!(
                    "{at}: points must be a number between -{MAX_MAGNITUDE} and {MAX_MAGNITUDE}"
                ));
            }
            if let Some(cap) = rule.cap {
                if !finite(cap) || cap <= 0.0 {
                    return invalid(format!("{at}: the cap must be a positive number"));
                }
            }
        }
        match self.decay {
            Decay::None => {}
            Decay::HalfLife { days } | Decay::Window { days } => {
                if !finite(days) || days <= 0.0 {
                    return invalid("the decay's days must be a positive number".into());
                }
            }
        }
        for (name, thresholds) in [
            ("fit grades", &self.fit_grades),
            ("engagement grades", &self.engagement_grades),
        ] {
            if thresholds.iter().any(|&t| !finite(t)) || thresholds.windows(2).any(|w| w[0] < w[1])
            {
                return invalid(format!(
                    "the {name}' thresholds must be numbers, highest first"
                ));
            }
        }
        let Some((last, others)) = self.bands.split_last() else {
            return invalid("give the model at least one band".into());
        };
        if last.min.is_some() {
            return invalid(format!(
                "the last band (“{}”) takes every lower score: leave its minimum empty",
                last.name
            ));
        }
        let mut previous = f64::INFINITY;
        for band in &self.bands {
            if band.name.trim().is_empty() || band.name.chars().count() > MAX_NAME {
                return invalid(format!(
                    "every band needs a name of 1 to {MAX_NAME} characters"
                ));
            }
            if self.bands.iter().filter(|b| b.name == band.name).count() > 1 {
                return invalid(format!("two bands are named “{}”", band.name));
            }
        }
        for band in others {
            let Some(min) = band.min else {
                return invalid(format!(
                    "band “{}” needs a minimum score (only the last band has none)",
                    band.name
                ));
            };
            if !finite(min) || min >= previous {
                return invalid(format!(
                    "band “{}”: minimums must be numbers, highest band first",
                    band.name
                ));
            }
            previous = min;
        }
        Ok(())
    }

    /// The fit grade (A–D) of a fit score.
    pub fn fit_grade(&self, fit: f64) -> char {
        let at = self.fit_grades.iter().position(|&t| fit >= t).unwrap_or(3);
        ['A', 'B', 'C', 'D'][at]
    }

    /// The engagement grade (1–4) of an engagement score.
    pub fn engagement_grade(&self, engagement: f64) -> char {
        let at = self
            .engagement_grades
            .iter()
            .position(|&t| engagement >= t)
            .unwrap_or(3);
        ['1', '2', '3', '4'][at]
    }

    /// The grade of a lead, such as "A1" (best fit, most engaged) or "D4".
    pub fn grade(&self, fit: f64, engagement: f64) -> String {
        format!(
            "{}{}",
            self.fit_grade(fit),
            self.engagement_grade(engagement)
        )
    }

    /// The index in `bands` of the band a total falls in.
    pub fn band_index(&self, total: f64) -> usize {
        self.bands
            .iter()
            .position(|b| b.min.is_none_or(|min| total >= min))
            .unwrap_or(self.bands.len().saturating_sub(1))
    }

    /// What an event's points are worth `age_seconds` later.
    pub fn decayed(&self, points: f64, age_seconds: i64) -> f64 {
        let age_days = age_seconds.max(0) as f64 / crate::time::SECONDS_PER_DAY as f64;
        match self.decay {
            Decay::None => points,
            Decay::HalfLife { days } => points * 0.5f64.powf(age_days / days),
            Decay::Window { days } => {
                if age_days < days {
                    points
                } else {
                    0.0
                }
            }
        }
    }
}

/// A stored scoring model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoringModel {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// The one model whose scores are the leads' score fields.
    pub is_active: bool,
    pub definition: ModelDefinition,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_checks() {
        ModelDefinition::default().check().unwrap();
    }

    #[test]
    fn grades_and_bands_follow_the_thresholds() {
        let model = ModelDefinition::default();
        assert_eq!(model.grade(30.0, 40.0), "A1");
        assert_eq!(model.grade(29.9, 39.9), "B2");
        assert_eq!(model.grade(-5.0, 0.0), "D4");
        assert_eq!(model.bands[model.band_index(80.0)].name, "sales-ready");
        assert_eq!(model.bands[model.band_index(79.0)].name, "hot");
        assert_eq!(model.bands[model.band_index(-100.0)].name, "cold");
    }

    #[test]
    fn decay_halves_and_windows() {
        let day = crate::time::SECONDS_PER_DAY;
        let mut model = ModelDefinition::default();
        assert!((model.decayed(10.0, 30 * day) - 5.0).abs() < 1e-9);
        model.decay = Decay::Window { days: 7.0 };
        assert_eq!(model.decayed(10.0, 6 * day), 10.0);
        assert_eq!(model.decayed(10.0, 7 * day), 0.0);
        model.decay = Decay::None;
        assert_eq!(model.decayed(10.0, 9999 * day), 10.0);
    }

    #[test]
    fn check_names_what_is_wrong() {
        let mut model = ModelDefinition::default();
        model.rules.push(ScoreRule {
            label: "Both".into(),
            kind: ScoreKind::Fit,
            when: None,
            each: None,
            points: 1.0,
            cap: None,
        });
        let message = model.check().unwrap_err().to_string();
        assert!(message.contains("scoring rule 1 (“Both”)"), "{message}");
        let mut model = ModelDefinition::default();
        model.bands[1].min = Some(90.0);
        let message = model.check().unwrap_err().to_string();
        assert!(message.contains("band “hot”"), "{message}");
        let mut model = ModelDefinition::default();
        model.bands[3].min = Some(0.0);
        assert!(model.check().unwrap_err().to_string().contains("last band"));
    }
}
