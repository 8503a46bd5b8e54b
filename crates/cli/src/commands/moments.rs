//! The instants the command line computes itself: "midnight UTC" of a day,
//! the demo's anchor, a segment command's as-of instant and a plan request.
//! The core is getting one definition of each; until then they live here,
//! one function each, so that the merge can swap them for the core's.

use chrono::{NaiveDate, NaiveTime};
use leadstream_core::streams::model::Stream;
use leadstream_core::streams::{limits, planner};
use leadstream_core::{segments, Workspace};

/// `date` at 00:00 UTC, as a Unix timestamp.
pub fn midnight_utc(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// "Now" for generated demo data: `anchor` (default today) at 00:00 UTC.
pub fn demo_anchor(anchor: Option<NaiveDate>) -> i64 {
    midnight_utc(anchor.unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

/// The as-of instant of a segment command: `--as-of`, or now.
pub fn as_of(text: Option<&str>) -> leadstream_core::Result<i64> {
    text.map_or_else(|| Ok(segments::now()), segments::parse_as_of)
}

/// When a plan runs: its first day, length and entry instant, as given on
/// the command line.
pub struct PlanWindow<'a> {
    /// `--from` (default today, UTC).
    pub from: Option<&'a str>,
    /// `--days`.
    pub days: u32,
    /// `--as-of` (default the first day at 00:00 UTC).
    pub as_of: Option<&'a str>,
}

/// The plan request for `streams` over `window`, with the workspace's
/// planner settings.
pub fn plan_request(
    workspace: &Workspace,
    streams: Vec<Stream>,
    window: &PlanWindow<'_>,
) -> leadstream_core::Result<planner::PlanRequest> {
    let from = match window.from {
        Some(text) => limits::parse_date("the plan's first day (--from)", text)?,
        None => chrono::Utc::now().date_naive(),
    };
    let start = midnight_utc(from);
    Ok(planner::PlanRequest {
        streams,
        from,
        days: window.days,
        as_of: window
            .as_of
            .map(segments::parse_as_of)
            .transpose()?
            .unwrap_or(start),
        settings: planner::load_settings(workspace.conn())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_anchor_is_midnight_utc_of_its_day() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(demo_anchor(Some(day)), 1_772_323_200);
        assert_eq!(demo_anchor(None) % 86_400, 0);
    }

    #[test]
    fn a_plan_starts_at_midnight_utc_unless_told_otherwise() {
        let workspace = Workspace::in_memory().unwrap();
        let window = PlanWindow {
            from: Some("2026-03-01"),
            days: 7,
            as_of: None,
        };
        let request = plan_request(&workspace, Vec::new(), &window).unwrap();
        assert_eq!(request.as_of, 1_772_323_200);
        assert_eq!(request.days, 7);
        let later = PlanWindow {
            as_of: Some("2026-03-02"),
            ..window
        };
        let request = plan_request(&workspace, Vec::new(), &later).unwrap();
        assert_eq!(request.as_of, 1_772_323_200 + 86_400);
    }
}
