//! The instants the shell's commands compute themselves: "midnight UTC" of a
//! day, a segment command's as-of instant and a plan request. The core is
//! getting one definition of each; until then they live here, one function
//! each, so that the merge can swap them for the core's.

use chrono::{NaiveDate, NaiveTime};
use leadstream_core::streams::model as streams;
use leadstream_core::streams::{limits, planner};
use leadstream_core::{segments, Workspace};

/// `date` at 00:00 UTC, as a Unix timestamp.
pub fn midnight_utc(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// "Now" for a freshly generated demo: today at 00:00 UTC.
pub fn today_anchor() -> i64 {
    midnight_utc(chrono::Utc::now().date_naive())
}

/// The as-of instant of a segment command: the given date or date-time, or now.
pub fn as_of(text: Option<String>) -> leadstream_core::Result<i64> {
    text.filter(|t| !t.trim().is_empty())
        .map_or_else(|| Ok(segments::now()), |t| segments::parse_as_of(&t))
}

/// The plan request for `streams_to_plan` (all active ones when `None`) from
/// `from` for `days` days, with entry segments evaluated at the first day's
/// midnight UTC.
pub fn plan_request(
    ws: &Workspace,
    streams_to_plan: Option<Vec<streams::Stream>>,
    from: &str,
    days: u32,
) -> leadstream_core::Result<planner::PlanRequest> {
    let from = limits::parse_date("the plan's first day", from)?;
    let chosen = match streams_to_plan {
        Some(chosen) => chosen,
        None => streams::list(ws.conn())?
            .into_iter()
            .filter(|s| s.is_active)
            .collect(),
    };
    Ok(planner::PlanRequest {
        streams: chosen,
        from,
        days,
        as_of: midnight_utc(from),
        settings: planner::load_settings(ws.conn())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_utc_is_the_first_second_of_the_day() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(midnight_utc(day), 1_772_323_200);
        assert_eq!(today_anchor() % 86_400, 0);
    }

    #[test]
    fn a_blank_as_of_means_now() {
        let before = segments::now();
        let at = as_of(Some("  ".into())).unwrap();
        assert!(at >= before);
        assert_eq!(
            as_of(Some("2026-03-01".into())).unwrap(),
            as_of(Some("2026-03-01T00:00:00Z".into())).unwrap()
        );
    }
}
