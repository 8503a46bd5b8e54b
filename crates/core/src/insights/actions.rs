//! Which actions predict conversion: for each event type (and "did it at
//! least twice"), the conversion rate of the leads who did it before
//! converting against the leads who did not, with counts, lift and the
//! Wilson interval, ranked by lift. The Actions tab and `insights actions`.
//!
//! "Before converting" is exact: a lead that converted through an outcome
//! event in the period counts the events strictly before its first such
//! event; every other lead (not converted, or converted by the outcome rules
//! alone, whose moment is unknown) counts the events before the period's
//! end. Events before the period count too: history leads up to a purchase.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::outcome::{conversions, Outcome, Period, Rate};
use crate::segments;
use crate::text::fold_key;
use crate::{Result, Workspace};

/// "Did it at least once" and "at least twice".
pub const THRESHOLDS: [u32; 2] = [1, 2];

/// One action's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionPrediction {
    /// The event type (folded, as behaviour rules match it).
    pub event_type: String,
    /// The lead did it at least this many times before converting.
    pub at_least: u32,
    /// Converted out of the leads who did it.
    pub did: Rate,
    /// Converted out of the leads who did not.
    pub did_not: Rate,
    /// `did.rate / did_not.rate`; `None` when no lead that did not do it
    /// converted.
    pub lift: Option<f64>,
    /// Whether `did`'s interval leaves out `did_not`'s rate.
    pub distinguishable: bool,
}

/// The action ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionsReport {
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    pub outcome: Outcome,
    /// All leads' conversion rate.
    pub baseline: Rate,
    /// Highest lift first; actions no lead did are left out.
    pub actions: Vec<ActionPrediction>,
}

/// Ranks every event type but the outcome's own by how much more often the
/// leads who did it converted in `period`.
pub fn actions(workspace: &Workspace, outcome: &Outcome, period: Period) -> Result<ActionsReport> {
    segments::with_member_sets(workspace, &[], period.from, |index, _| {
        let conversions = conversions(workspace, index, outcome, period)?;
        let len = index.len();
        let cutoffs: Vec<i64> = conversions
            .first_at
            .iter()
            .map(|&first| first.min(period.to))
            .collect();
        let total_converted = conversions.converted.count();
        let outcome_keys: Vec<String> = outcome.event_types.iter().map(|t| fold_key(t)).collect();
        let mut ranked = Vec::new();
        for key in index.event_type_keys() {
            if outcome_keys.contains(&key) {
                continue;
            }
            // did[t] / did_converted[t]: leads with at least THRESHOLDS[t].
            let mut did = [0u64; THRESHOLDS.len()];
            let mut did_converted = [0u64; THRESHOLDS.len()];
            for (row, &cutoff) in cutoffs.iter().enumerate() {
                let times = index.event_times(&key, row);
                let before = times.partition_point(|&t| t < cutoff) as u32;
                let converted = conversions.converted.get(row);
                for (slot, &threshold) in THRESHOLDS.iter().enumerate() {
                    if before >= threshold {
                        did[slot] += 1;
                        did_converted[slot] += u64::from(converted);
                    }
                }
            }
            for (slot, &threshold) in THRESHOLDS.iter().enumerate() {
                if did[slot] == 0 {
                    continue;
                }
                let did_rate = Rate::new(did_converted[slot], did[slot]);
                let did_not = Rate::new(
                    total_converted - did_converted[slot],
                    len as u64 - did[slot],
                );
                ranked.push(ActionPrediction {
                    event_type: key.clone(),
                    at_least: threshold,
                    lift: did_rate.lift_over(&did_not),
                    distinguishable: did_not.trials > 0 && did_rate.differs_from(&did_not),
                    did: did_rate,
                    did_not,
                });
            }
        }
        rank(&mut ranked);
        Ok(ActionsReport {
            from: period.from,
            to: period.to,
            outcome: outcome.clone(),
            baseline: Rate::new(total_converted, len as u64),
            actions: ranked,
        })
    })
}

/// Highest lift first (an action whose non-doers never converted, but whose
/// doers did, first of all), then surer (higher interval low end), then by
/// name and threshold.
fn rank(actions: &mut [ActionPrediction]) {
    let key = |action: &ActionPrediction| match action.lift {
        Some(lift) => lift,
        None if action.did.successes > 0 => f64::INFINITY,
        None => 0.0,
    };
    actions.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then_with(|| b.did.low.total_cmp(&a.did.low))
            .then_with(|| a.event_type.cmp(&b.event_type))
            .then_with(|| a.at_least.cmp(&b.at_least))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tables::events::EventInserter;
    use crate::store::tables::leads::{LeadInserter, NewLead};

    const DAY: i64 = 86_400;
    const START: i64 = 1_780_000_000;

    /// Ten leads: 1–4 start a trial, of whom 1–3 then purchase; 5 purchases
    /// and only then starts a trial; 6 starts two trials and never buys;
    /// 7–10 do nothing but a page view.
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("actions.leadstream")).unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        {
            let mut leads = LeadInserter::new(&tx).unwrap();
            let mut events = EventInserter::new(&tx).unwrap();
            for id in 0..10 {
                leads
                    .insert(&NewLead {
                        id: id + 1,
                        created_at: START - 10 * DAY,
                        updated_at: START - 10 * DAY,
                        ..NewLead::default()
                    })
                    .unwrap();
            }
            let mut event = |lead: i64, kind: &str, day: i64| {
                events.insert(lead, kind, START + day * DAY, "{}").unwrap();
            };
            for lead in 1..=4 {
                event(lead, "trial_start", 1);
            }
            for lead in 1..=3 {
                event(lead, "purchase", 5);
            }
            event(5, "purchase", 2);
            event(5, "trial_start", 3);
            event(6, "trial_start", 1);
            event(6, "trial_start", 2);
            for lead in 7..=10 {
                event(lead, "page_view", 1);
            }
        }
        tx.commit().unwrap();
        (dir, workspace)
    }

    #[test]
    fn counts_only_actions_before_the_first_conversion() {
        let (_dir, workspace) = workspace();
        let period = Period {
            from: START,
            to: START + 30 * DAY,
        };
        let report = actions(&workspace, &Outcome::default(), period).unwrap();
        assert_eq!((report.baseline.successes, report.baseline.trials), (4, 10));
        let find = |kind: &str, at_least: u32| {
            report
                .actions
                .iter()
                .find(|a| a.event_type == kind && a.at_least == at_least)
                .cloned()
        };
        // Trial before converting: leads 1–4 and 6 (5's trial came after).
        let trial = find("trial_start", 1).unwrap();
        assert_eq!((trial.did.successes, trial.did.trials), (3, 5));
        assert_eq!((trial.did_not.successes, trial.did_not.trials), (1, 5));
        assert!((trial.lift.unwrap() - 3.0).abs() < 1e-9);
        let twice = find("trial_start", 2).unwrap();
        assert_eq!((twice.did.successes, twice.did.trials), (0, 1));
        let views = find("page_view", 1).unwrap();
        assert_eq!((views.did.successes, views.did.trials), (0, 4));
        assert_eq!(find("page_view", 2), None, "nobody viewed twice");
        assert_eq!(find("purchase", 1), None, "the outcome is not an action");
        assert_eq!(report.actions[0], trial, "ranked by lift");
        assert!(report
            .actions
            .windows(2)
            .all(|w| w[0].lift.unwrap_or(0.0) >= w[1].lift.unwrap_or(0.0)));
    }

    #[test]
    fn rule_conversions_count_actions_up_to_the_periods_end() {
        let (_dir, workspace) = workspace();
        let period = Period {
            from: START,
            to: START + 30 * DAY,
        };
        let everyone = Outcome {
            event_types: vec![],
            rules: Some(crate::segments::RuleGroup::everyone()),
        };
        let report = actions(&workspace, &everyone, period).unwrap();
        let purchase = report
            .actions
            .iter()
            .find(|a| a.event_type == "purchase" && a.at_least == 1)
            .unwrap();
        assert_eq!((purchase.did.successes, purchase.did.trials), (4, 4));
        assert_eq!(purchase.lift, Some(1.0));
        assert!(!purchase.distinguishable);
    }
}
