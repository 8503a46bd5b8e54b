//! Segment reviews: each saved segment's review cadence (90 days unless
//! set, or never), what is due or overdue at a date with what changed
//! since the last review (members, conversion and engagement then and now,
//! the fields its rules test that imports changed, the leads imports
//! added), and recorded reviews with the numbers of their day. Rules:
//! `docs/strategy-goals.md`.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::metrics::{self, Measurement, Moment};
use crate::segments::{saved, RuleGroup, RuleNode};
use crate::store::tables::reviews::{self as table, ReviewRow};
use crate::time::SECONDS_PER_DAY;
use crate::{Error, Result, Workspace};

/// The cadence of a segment nobody set one for.
pub const DEFAULT_CADENCE_DAYS: i64 = 90;
/// A due review is overdue this many days after its due date.
pub const OVERDUE_AFTER_DAYS: i64 = 7;
/// The longest cadence one can set.
pub const MAX_CADENCE_DAYS: i64 = 3650;

/// What a review decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Decision {
    Keep,
    Change,
    Retire,
}

impl Decision {
    pub fn key(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Change => "change",
            Decision::Retire => "retire",
        }
    }

    pub fn parse(text: &str) -> Result<Decision> {
        match text.trim() {
            "keep" => Ok(Decision::Keep),
            "change" => Ok(Decision::Change),
            "retire" => Ok(Decision::Retire),
            other => Err(Error::InvalidArgument(format!(
                "`{other}` is not a review decision: use keep, change or retire"
            ))),
        }
    }
}

/// A segment's numbers on a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewNumbers {
    #[ts(type = "number")]
    pub members: u64,
    /// Members converted in the last 90 days, in percent.
    pub conversion_rate: f64,
    /// Members engaged in the last 30 days, in percent.
    pub engagement_rate: f64,
}

impl From<&Measurement> for ReviewNumbers {
    fn from(m: &Measurement) -> Self {
        ReviewNumbers {
            members: m.members,
            conversion_rate: m.conversion_rate(),
            engagement_rate: m.engagement_rate(),
        }
    }
}

/// A recorded review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Review {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub segment_id: i64,
    #[ts(type = "number")]
    pub reviewed_at: i64,
    pub date: String,
    pub decision: Decision,
    pub note: String,
    pub numbers: ReviewNumbers,
}

/// A field a segment's rules test, and how many leads' values of it imports
/// changed since the last review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldShift {
    pub field: String,
    #[ts(type = "number")]
    pub leads_changed: u64,
}

/// A segment that is due (or overdue) for review, and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueReview {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub name: String,
    pub color: String,
    #[ts(type = "number")]
    pub cadence_days: i64,
    /// The last review, or the segment's creation.
    #[ts(type = "number")]
    pub since: i64,
    pub since_date: String,
    pub last_review: Option<Review>,
    pub due_date: String,
    pub overdue: bool,
    #[ts(type = "number")]
    pub days_past_due: i64,
    /// The last review's stored numbers, or the segment measured at its creation.
    pub then: Option<ReviewNumbers>,
    pub now: Option<ReviewNumbers>,
    pub shifted_fields: Vec<FieldShift>,
    /// Leads that imports since then added (to the workspace).
    #[ts(type = "number")]
    pub leads_added: u64,
    /// Why the segment could not be measured, if it could not.
    pub problem: Option<String>,
}

/// Every segment's review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewState {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub name: String,
    pub is_builtin: bool,
    /// `None`: never due.
    #[ts(type = "number | null")]
    pub cadence_days: Option<i64>,
    #[ts(type = "number | null")]
    pub last_reviewed_at: Option<i64>,
    /// `None` when never due or retired.
    pub next_due: Option<String>,
    pub retired: bool,
}

/// The due list at a date, the retired segments, and every segment's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueReport {
    #[ts(type = "number")]
    pub as_of: i64,
    /// Overdue first (most days past due first), then due.
    pub due: Vec<DueReview>,
    pub states: Vec<ReviewState>,
}

fn date_text(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn review_from_row(row: ReviewRow) -> Result<Review> {
    Ok(Review {
        id: row.id,
        segment_id: row.segment_id,
        reviewed_at: row.reviewed_at,
        date: date_text(row.reviewed_at),
        decision: Decision::parse(&row.decision)?,
        note: row.note,
        numbers: ReviewNumbers {
            members: row.members.max(0) as u64,
            conversion_rate: row.conversion_rate,
            engagement_rate: row.engagement_rate,
        },
    })
}

/// When a review of a segment last reviewed (or created) at `since` with
/// `cadence_days` falls due, and whether it is due or overdue at `as_of`.
pub fn due_state(since: i64, cadence_days: i64, as_of: i64) -> (i64, bool, bool) {
    let due_at = since + cadence_days * SECONDS_PER_DAY;
    let due = due_at <= as_of;
    let overdue = as_of > due_at + OVERDUE_AFTER_DAYS * SECONDS_PER_DAY;
    (due_at, due, overdue)
}

/// Every segment's state and the due list at `as_of`.
pub fn due(workspace: &Workspace, as_of: i64) -> Result<DueReport> {
    let segments = saved::list(workspace)?;
    let settings: HashMap<i64, table::ReviewSettingRow> = table::settings(workspace)?
        .into_iter()
        .map(|row| (row.segment_id, row))
        .collect();
    let latest: HashMap<i64, ReviewRow> = table::latest_before(workspace, as_of)?
        .into_iter()
        .map(|row| (row.segment_id, row))
        .collect();
    let outcome = vec!["purchase".to_owned()];
    let mut due = Vec::new();
    let mut states = Vec::new();
    for segment in &segments {
        let setting = settings.get(&segment.id);
        let cadence = setting.map_or(Some(DEFAULT_CADENCE_DAYS), |s| s.days);
        let retired = setting
            .and_then(|s| s.retired_at)
            .is_some_and(|at| at <= as_of);
        let last = latest.get(&segment.id);
        let since = last.map_or(segment.created_at, |r| r.reviewed_at);
        let next = cadence
            .filter(|_| !retired)
            .map(|days| due_state(since, days, as_of));
        states.push(ReviewState {
            segment_id: segment.id,
            name: segment.name.clone(),
            is_builtin: segment.is_builtin,
            cadence_days: cadence,
            last_reviewed_at: last.map(|r| r.reviewed_at),
            next_due: next.map(|(at, _, _)| date_text(at)),
            retired,
        });
        let (Some(days), Some((due_at, true, overdue))) = (cadence, next) else {
            continue;
        };
        let mut item = DueReview {
            segment_id: segment.id,
            name: segment.name.clone(),
            color: segment.color.clone(),
            cadence_days: days,
            since,
            since_date: date_text(since),
            last_review: last.cloned().map(review_from_row).transpose()?,
            due_date: date_text(due_at),
            overdue,
            days_past_due: (as_of - due_at) / SECONDS_PER_DAY,
            then: None,
            now: None,
            shifted_fields: Vec::new(),
            leads_added: table::leads_added_by_imports(workspace, since, as_of)?.max(0) as u64,
            problem: None,
        };
        let rules = metrics::segment_population(segment.id);
        let moments = [since, as_of].map(|at| Moment {
            at,
            conversions_since: at,
        });
        match metrics::measure(workspace, &[&rules], &outcome, &moments) {
            Ok(measured) => {
                let row = measured.into_iter().next().unwrap_or_default();
                item.then = match &item.last_review {
                    Some(review) => Some(review.numbers),
                    None => row.first().map(ReviewNumbers::from),
                };
                item.now = row.get(1).map(ReviewNumbers::from);
            }
            Err(error) => item.problem = Some(error.to_string()),
        }
        let keys: Vec<String> = fields_tested(workspace, &segment.rules)
            .into_iter()
            .collect();
        item.shifted_fields = table::leads_changed_by_imports(workspace, &keys, since, as_of)?
            .into_iter()
            .map(|(field, count)| FieldShift {
                field,
                leads_changed: count.max(0) as u64,
            })
            .collect();
        due.push(item);
    }
    due.sort_by(|a, b| {
        b.days_past_due
            .cmp(&a.days_past_due)
            .then(a.name.cmp(&b.name))
    });
    Ok(DueReport { as_of, due, states })
}

/// The catalogue fields a rule tree tests, through the segments it uses.
pub fn fields_tested(workspace: &Workspace, rules: &RuleGroup) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    let mut seen = HashSet::new();
    collect_fields(workspace, rules, &mut fields, &mut seen);
    fields
}

fn collect_fields(
    workspace: &Workspace,
    group: &RuleGroup,
    fields: &mut BTreeSet<String>,
    seen: &mut HashSet<i64>,
) {
    for node in &group.rules {
        match node {
            RuleNode::Group(inner) => collect_fields(workspace, inner, fields, seen),
            RuleNode::Rule(rule) if rule.field == "segment" => {
                let id = rule.value.as_i64();
                if let Some(segment) = id
                    .filter(|id| seen.insert(*id))
                    .and_then(|id| saved::get(workspace, id).ok())
                {
                    collect_fields(workspace, &segment.rules, fields, seen);
                }
            }
            RuleNode::Rule(rule) if rule.field == "event" => {}
            RuleNode::Rule(rule) => {
                fields.insert(rule.field.clone());
            }
        }
    }
}

/// Records a review of segment `segment_id` at `now` with that day's numbers.
pub fn record(
    workspace: &mut Workspace,
    segment_id: i64,
    decision: Decision,
    note: &str,
    now: i64,
) -> Result<Review> {
    saved::get(workspace, segment_id)?;
    let rules = metrics::segment_population(segment_id);
    let measured = metrics::measure(
        workspace,
        &[&rules],
        &["purchase".to_owned()],
        &[Moment {
            at: now,
            conversions_since: now,
        }],
    )?;
    let numbers = measured
        .first()
        .and_then(|row| row.first())
        .map(ReviewNumbers::from)
        .unwrap_or(ReviewNumbers {
            members: 0,
            conversion_rate: 0.0,
            engagement_rate: 0.0,
        });
    let row = ReviewRow {
        id: 0,
        segment_id,
        reviewed_at: now,
        decision: decision.key().to_owned(),
        note: note.trim().to_owned(),
        members: numbers.members as i64,
        conversion_rate: numbers.conversion_rate,
        engagement_rate: numbers.engagement_rate,
    };
    let id = table::insert(workspace, &row)?;
    review_from_row(ReviewRow { id, ..row })
}

/// Sets segment `segment_id`'s cadence: `Some(days)` (1 to 3650) or `None`
/// for never.
pub fn set_cadence(workspace: &mut Workspace, segment_id: i64, days: Option<i64>) -> Result<()> {
    saved::get(workspace, segment_id)?;
    if let Some(days) = days {
        if !(1..=MAX_CADENCE_DAYS).contains(&days) {
            return Err(Error::InvalidArgument(format!(
                "a review cadence of {days} days is out of range: use 1 to {MAX_CADENCE_DAYS} days, or never"
            )));
        }
    }
    table::set_cadence(workspace, segment_id, days)
}

/// Every review of segment `segment_id`, newest first.
pub fn list(workspace: &Workspace, segment_id: i64) -> Result<Vec<Review>> {
    saved::get(workspace, segment_id)?;
    table::list_for(workspace, segment_id)?
        .into_iter()
        .map(review_from_row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = SECONDS_PER_DAY;

    #[test]
    fn a_review_falls_due_after_its_cadence_and_is_overdue_a_week_later() {
        let since = 1_000 * DAY;
        assert_eq!(
            due_state(since, 90, since + 89 * DAY),
            (since + 90 * DAY, false, false)
        );
        assert_eq!(
            due_state(since, 90, since + 90 * DAY),
            (since + 90 * DAY, true, false)
        );
        assert_eq!(
            due_state(since, 90, since + 97 * DAY),
            (since + 90 * DAY, true, false)
        );
        assert_eq!(
            due_state(since, 90, since + 97 * DAY + 1),
            (since + 90 * DAY, true, true)
        );
    }

    #[test]
    fn decisions_parse_and_unknown_ones_are_refused() {
        for decision in [Decision::Keep, Decision::Change, Decision::Retire] {
            assert_eq!(Decision::parse(decision.key()).unwrap(), decision);
        }
        assert!(Decision::parse("delete")
            .unwrap_err()
            .to_string()
            .contains("`delete` is not a review decision"));
    }

    fn workspace_with_segment() -> (Workspace, i64) {
        let mut workspace = Workspace::in_memory().unwrap();
        let segment = saved::create(
            &mut workspace,
            &saved::SegmentDraft {
                name: "Germany".to_owned(),
                description: String::new(),
                color: "#0f766e".to_owned(),
                folder: String::new(),
                rules: RuleGroup::from_json(
                    r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"DE"}]}"#,
                )
                .unwrap(),
            },
        )
        .unwrap();
        (workspace, segment.id)
    }

    #[test]
    fn a_recorded_review_takes_the_segment_off_the_due_list_until_its_next_due_date() {
        let (mut workspace, id) = workspace_with_segment();
        let created = saved::get(&workspace, id).unwrap().created_at;
        let later = created + 100 * DAY;
        let report = due(&workspace, later).unwrap();
        let item = report.due.iter().find(|d| d.segment_id == id).unwrap();
        assert!(item.overdue && item.days_past_due == 10);
        assert_eq!(item.shifted_fields[0].field, "country");
        record(&mut workspace, id, Decision::Keep, "fine", later).unwrap();
        let report = due(&workspace, later).unwrap();
        assert!(report.due.iter().all(|d| d.segment_id != id));
        let state = report.states.iter().find(|s| s.segment_id == id).unwrap();
        assert_eq!(
            state.next_due.as_deref(),
            Some(date_text(later + 90 * DAY).as_str())
        );
        // Due again after the cadence; the stored numbers are "then".
        let again = due(&workspace, later + 90 * DAY).unwrap();
        let item = again.due.iter().find(|d| d.segment_id == id).unwrap();
        assert_eq!(item.last_review.as_ref().unwrap().note, "fine");
        assert_eq!(item.then, Some(item.last_review.as_ref().unwrap().numbers));
    }

    #[test]
    fn retired_and_never_reviewed_segments_do_not_come_due() {
        let (mut workspace, id) = workspace_with_segment();
        let created = saved::get(&workspace, id).unwrap().created_at;
        set_cadence(&mut workspace, id, None).unwrap();
        let far = created + 1000 * DAY;
        assert!(due(&workspace, far)
            .unwrap()
            .due
            .iter()
            .all(|d| d.segment_id != id));
        set_cadence(&mut workspace, id, Some(30)).unwrap();
        assert!(due(&workspace, far)
            .unwrap()
            .due
            .iter()
            .any(|d| d.segment_id == id));
        record(&mut workspace, id, Decision::Retire, "unused", far).unwrap();
        let report = due(&workspace, far + 100 * DAY).unwrap();
        assert!(report.due.iter().all(|d| d.segment_id != id));
        assert!(report
            .states
            .iter()
            .any(|s| s.segment_id == id && s.retired));
        assert!(set_cadence(&mut workspace, id, Some(0))
            .unwrap_err()
            .to_string()
            .contains("out of range"));
    }

    #[test]
    fn deleting_a_segment_deletes_its_goals_reviews_and_cadence() {
        let (mut workspace, id) = workspace_with_segment();
        set_cadence(&mut workspace, id, Some(30)).unwrap();
        record(&mut workspace, id, Decision::Keep, "", 1_800_000_000).unwrap();
        assert_eq!(table::list_for(&workspace, id).unwrap().len(), 1);
        let goal = crate::strategy::goals::add(
            &mut workspace,
            &crate::strategy::goals::GoalDraft {
                name: String::new(),
                subject: crate::strategy::goals::GoalSubject::Segment(id),
                metric: crate::strategy::metrics::Metric::Size,
                target: 5.0,
                start: "2026-01-01".to_owned(),
                deadline: "2026-06-01".to_owned(),
                objective: String::new(),
                outcome_types: Vec::new(),
            },
            1_800_000_000,
        )
        .unwrap();
        assert_eq!(goal.name, "Germany: Segment size");
        saved::delete(&mut workspace, id).unwrap();
        assert!(crate::strategy::goals::list(&workspace).unwrap().is_empty());
        assert!(table::list_for(&workspace, id).unwrap().is_empty());
        assert!(table::settings(&workspace)
            .unwrap()
            .iter()
            .all(|s| s.segment_id != id));
    }
}
