//! Demo goals (one on track, one off) and reviews, measured against the
//! demo's own data as of its anchor: the two segments with the most
//! conversions get a conversions goal each, one with a target its pace
//! meets and one with a target its pace misses; four segments get reviews
//! recorded in the past, so three are due (two overdue) and one is not.

use crate::segments::saved;
use crate::strategy::goals::{self, GoalDraft, GoalSubject};
use crate::strategy::metrics::{self, Metric, Moment};
use crate::strategy::reviews::{self, Decision};
use crate::time::SECONDS_PER_DAY;
use crate::{Result, Workspace};

fn date_text(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A demo review: how many days before the anchor, the decision, the note.
type DemoReview = (i64, Decision, &'static str);

/// A demo goal: its name, start and deadline (days from the anchor), the
/// target as a multiple of the conversions since the start, the objective.
struct DemoGoal {
    name: &'static str,
    start_days: i64,
    deadline_days: i64,
    factor: f64,
    objective: &'static str,
}

/// On track: 60 of 120 days gone, 62% of the target made. Off track: 90 of
/// 120 days gone (the line at 75% of the target), 67% made.
const DEMO_GOALS: [DemoGoal; 2] = [
    DemoGoal {
        name: "Grow conversions at a steady pace",
        start_days: -60,
        deadline_days: 60,
        factor: 1.6,
        objective: "faster-conversion",
    },
    DemoGoal {
        name: "Speed up conversions before the quarter ends",
        start_days: -90,
        deadline_days: 30,
        factor: 1.5,
        objective: "return-on-investment",
    },
];

/// Demo goals (one on track, one off) and reviews.
pub(super) fn install_demo_goals_and_reviews(workspace: &mut Workspace, anchor: i64) -> Result<()> {
    let segments = saved::list(workspace)?;
    let day = SECONDS_PER_DAY;
    let populations: Vec<_> = segments
        .iter()
        .map(|s| metrics::segment_population(s.id))
        .collect();
    let rules: Vec<_> = populations.iter().collect();
    let moments: Vec<Moment> = DEMO_GOALS
        .iter()
        .map(|goal| Moment {
            at: anchor,
            conversions_since: anchor + goal.start_days * day,
        })
        .collect();
    let measured = metrics::measure(workspace, &rules, &["purchase".to_owned()], &moments)?;
    // The segments with the most conversions in the last 60 days.
    let mut ranked: Vec<(u64, usize)> = measured
        .iter()
        .enumerate()
        .filter_map(|(i, row)| row.first().map(|m| (m.converted_since, i)))
        .filter(|(conversions, _)| *conversions >= 4)
        .collect();
    ranked.sort_by(|a, b| b.cmp(a));
    for (n, ((_, i), goal)) in ranked.iter().zip(&DEMO_GOALS).enumerate() {
        let segment = &segments[*i];
        let conversions = measured[*i].get(n).map_or(0, |m| m.converted_since);
        goals::add(
            workspace,
            &GoalDraft {
                name: format!("{}: {}", goal.name, segment.name),
                subject: GoalSubject::Segment(segment.id),
                metric: Metric::Conversions,
                target: (conversions as f64 * goal.factor).round(),
                start: date_text(anchor + goal.start_days * day),
                deadline: date_text(anchor + goal.deadline_days * day),
                objective: goal.objective.to_owned(),
                outcome_types: Vec::new(),
            },
            anchor,
        )?;
    }
    // Reviews: overdue (120 days ago), due (95 days ago), not due (20 days
    // ago, after an older one), and a 30-day cadence reviewed 40 days ago.
    let reviewed: [(&[DemoReview], Option<i64>); 4] = [
        (
            &[(
                120,
                Decision::Keep,
                "Still the core audience for the spring campaign.",
            )],
            None,
        ),
        (
            &[(
                95,
                Decision::Change,
                "Narrowed to leads active in the last quarter.",
            )],
            None,
        ),
        (
            &[
                (200, Decision::Keep, "Kept as is."),
                (20, Decision::Keep, "Converting well; no change."),
            ],
            None,
        ),
        (
            &[(40, Decision::Keep, "Reviewed monthly while the trial runs.")],
            Some(30),
        ),
    ];
    for (segment, (reviews_of, cadence)) in segments.iter().rev().zip(reviewed) {
        if let Some(days) = cadence {
            reviews::set_cadence(workspace, segment.id, Some(days))?;
        }
        for (days_ago, decision, note) in reviews_of {
            reviews::record(
                workspace,
                segment.id,
                *decision,
                note,
                anchor - days_ago * day,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::strategy::goals::{self, GoalStatus};
    use crate::strategy::reviews;
    use crate::Workspace;

    #[test]
    fn the_demo_has_a_goal_on_track_one_off_and_reviews_due_and_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("demo.leadstream")).unwrap();
        let anchor = 1_790_000_000;
        crate::demo::generate(&mut workspace, &crate::demo::DemoSpec::standard(anchor)).unwrap();
        let statuses: Vec<GoalStatus> = goals::progress_all(&workspace, anchor)
            .unwrap()
            .into_iter()
            .map(|p| p.status)
            .collect();
        assert_eq!(statuses.len(), 2);
        assert!(statuses.contains(&GoalStatus::OnTrack), "{statuses:?}");
        assert!(statuses.contains(&GoalStatus::OffTrack), "{statuses:?}");
        let report = reviews::due(&workspace, anchor).unwrap();
        assert_eq!(report.due.len(), 3, "{:?}", report.due);
        assert_eq!(report.due.iter().filter(|d| d.overdue).count(), 2);
        assert!(report.states.iter().any(|s| s.last_reviewed_at.is_some()
            && s.next_due.is_some()
            && !report.due.iter().any(|d| d.segment_id == s.segment_id)));
    }
}
