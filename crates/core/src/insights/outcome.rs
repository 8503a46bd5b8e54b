//! What counts as a conversion in a period, and how sure a rate is: the
//! outcome every insight measures (outcome events in the period, or a rule
//! such as a CRM export's own `Converted` flag) and 95% Wilson intervals.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segments::index::{Bitset, LeadIndex};
use crate::segments::{self, compile, parse_as_of, RuleGroup};
use crate::text::fold_key;
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// What makes a lead count as converted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Outcome {
    /// Event types that count when one happens in the period (matched as
    /// behaviour rules match types: case and accents aside). Default:
    /// `purchase`.
    pub event_types: Vec<String>,
    /// Leads matching these rules at the period's end count as converted
    /// too, whenever that happened: for data without history, such as
    /// X Education's `Converted` flag or a lifecycle stage of Customer.
    pub rules: Option<RuleGroup>,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            event_types: vec!["purchase".to_owned()],
            rules: None,
        }
    }
}

/// A span of time, `[from, to)` in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    /// Reads a period as the CLI's `--from`/`--to` and the app's date boxes
    /// give it: dates (YYYY-MM-DD) or ISO 8601 date-times. A bare date in
    /// `to` includes that whole day.
    pub fn parse(from: &str, to: &str) -> Result<Period> {
        let date = |which: &str, text: &str| {
            parse_as_of(text.trim()).map_err(|_| {
                Error::InvalidArgument(format!(
                    "the period's {which} `{}` is not a date: use YYYY-MM-DD or an ISO 8601 date-time",
                    text.trim()
                ))
            })
        };
        let start = date("start", from)?;
        let mut end = date("end", to)?;
        if is_bare_date(to) {
            end += SECONDS_PER_DAY;
        }
        if end <= start {
            return Err(Error::InvalidArgument(format!(
                "the period ends ({}) before it starts ({}): put the earlier date first",
                to.trim(),
                from.trim()
            )));
        }
        Ok(Period {
            from: start,
            to: end,
        })
    }

    pub fn contains(&self, at: i64) -> bool {
        self.from <= at && at < self.to
    }
}

fn is_bare_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok()
}

/// Who converted in a period, and when they first did.
#[derive(Debug)]
pub(crate) struct Conversions {
    /// Leads with an outcome event in the period, or matching the outcome
    /// rules at its end.
    pub converted: Bitset,
    /// Each lead's first outcome event in the period; `i64::MAX` when it
    /// has none (also for leads converted by the rules alone).
    pub first_at: Vec<i64>,
}

/// Works out [`Conversions`] over the index's leads. Loads the events.
pub(crate) fn conversions(
    workspace: &Workspace,
    index: &mut LeadIndex,
    outcome: &Outcome,
    period: Period,
) -> Result<Conversions> {
    index.ensure_events(workspace.conn())?;
    let len = index.len();
    let mut converted = Bitset::empty(len);
    let mut first_at = vec![i64::MAX; len];
    let mut keys: Vec<String> = outcome.event_types.iter().map(|t| fold_key(t)).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in &keys {
        for (row, first) in first_at.iter_mut().enumerate() {
            let times = index.event_times(key, row);
            let start = times.partition_point(|&t| t < period.from);
            if let Some(&at) = times.get(start).filter(|&&at| at < period.to) {
                *first = (*first).min(at);
                converted.insert(row);
            }
        }
    }
    if let Some(rules) = &outcome.rules {
        let condition = compile::compile(workspace.conn(), rules)?;
        index.prepare(workspace.conn(), &condition)?;
        converted.or_with(&index.evaluate(&condition, period.to - 1));
    }
    Ok(Conversions {
        converted,
        first_at,
    })
}

/// The conversion rate of all leads in `period`: the baseline every
/// segment's rate is compared with.
pub fn baseline(workspace: &Workspace, outcome: &Outcome, period: Period) -> Result<Rate> {
    segments::with_member_sets(workspace, &[], period.from, |index, _| {
        let conversions = conversions(workspace, index, outcome, period)?;
        Ok(Rate::new(conversions.converted.count(), index.len() as u64))
    })
}

/// A rate with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rate {
    #[ts(type = "number")]
    pub successes: u64,
    #[ts(type = "number")]
    pub trials: u64,
    /// `successes / trials`; 0 when there are no trials.
    pub rate: f64,
    /// The interval's bounds, 0 to 1 (0 and 1 when there are no trials).
    pub low: f64,
    pub high: f64,
}

/// z for a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

impl Rate {
    pub fn new(successes: u64, trials: u64) -> Rate {
        if trials == 0 {
            return Rate {
                successes,
                trials,
                rate: 0.0,
                low: 0.0,
                high: 1.0,
            };
        }
        let n = trials as f64;
        let p = successes as f64 / n;
        let z2 = Z_95 * Z_95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
        Rate {
            successes,
            trials,
            rate: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        }
    }

    /// How many times the baseline's rate this rate is; `None` when the
    /// baseline is 0.
    pub fn lift_over(&self, baseline: &Rate) -> Option<f64> {
        (baseline.rate > 0.0).then(|| self.rate / baseline.rate)
    }

    /// Whether the interval leaves out the baseline's rate: only then is the
    /// rate told apart from the baseline rather than noise.
    pub fn differs_from(&self, baseline: &Rate) -> bool {
        baseline.rate < self.low || baseline.rate > self.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_published_values() {
        // Wilson (1927) as tabulated by Newcombe (1998), method 3: 81/263.
        let rate = Rate::new(81, 263);
        assert!((rate.low - 0.2553).abs() < 5e-4, "{rate:?}");
        assert!((rate.high - 0.3662).abs() < 5e-4, "{rate:?}");
        // 0/10: the interval still has width, from 0 up.
        let none = Rate::new(0, 10);
        assert_eq!(none.low, 0.0);
        assert!((none.high - 0.2775).abs() < 5e-4, "{none:?}");
        let empty = Rate::new(0, 0);
        assert_eq!((empty.rate, empty.low, empty.high), (0.0, 0.0, 1.0));
    }

    #[test]
    fn lift_and_distinguishability() {
        let baseline = Rate::new(100, 1000);
        let strong = Rate::new(60, 200);
        assert!((strong.lift_over(&baseline).unwrap() - 3.0).abs() < 1e-9);
        assert!(strong.differs_from(&baseline));
        let noisy = Rate::new(2, 15);
        assert!(!noisy.differs_from(&baseline));
        assert_eq!(strong.lift_over(&Rate::new(0, 10)), None);
    }

    #[test]
    fn the_baseline_counts_outcome_events_in_the_period_and_outcome_rules() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("outcome.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 400,
            events_per_lead: 8,
            seed: 11,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let all = crate::leads::count(&workspace).unwrap();
        let period = Period::parse("2000-01-01", "2100-01-01").unwrap();
        let purchases = baseline(&workspace, &Outcome::default(), period).unwrap();
        assert_eq!(purchases.trials, all);
        assert!(
            purchases.successes > 0,
            "the demo has purchases: {purchases:?}"
        );
        let nothing = Outcome {
            event_types: vec!["no such event".into()],
            rules: None,
        };
        assert_eq!(baseline(&workspace, &nothing, period).unwrap().successes, 0);
        let everyone = Outcome {
            event_types: vec![],
            rules: Some(RuleGroup::everyone()),
        };
        assert_eq!(
            baseline(&workspace, &everyone, period).unwrap().successes,
            all
        );
    }

    #[test]
    fn a_bare_end_date_includes_its_day() {
        let period = Period::parse("2026-01-01", "2026-01-31").unwrap();
        assert_eq!(period.to - period.from, 31 * SECONDS_PER_DAY);
        let error = Period::parse("2026-02-01", "2026-01-01").unwrap_err();
        assert!(
            error.to_string().contains("put the earlier date first"),
            "{error}"
        );
    }
}
