//! Calendar maths: send windows in a lead's time zone, quiet dates, the
//! frequency cap, and instants as dates and local text.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::settings::PlanSettings;
use super::{DAY, NEVER};

/// Why a send moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum MoveReason {
    SendWindow,
    QuietDate,
    FrequencyCap,
}

impl MoveReason {
    pub(super) fn label(self) -> &'static str {
        match self {
            MoveReason::SendWindow => "outside the send window",
            MoveReason::QuietDate => "quiet date",
            MoveReason::FrequencyCap => "frequency cap",
        }
    }
}

/// `at` in `zone`, if `at` is within chrono's calendar.
pub(super) fn local_time(at: i64, zone: Tz) -> Option<DateTime<Tz>> {
    DateTime::<Utc>::from_timestamp(at, 0).map(|utc| utc.with_timezone(&zone))
}

/// `from_hour`:00 on `date` in `zone`, as an instant (the next valid
/// instant if that hour does not exist on that day).
pub(super) fn start_of_window(zone: Tz, date: NaiveDate, from_hour: u8) -> i64 {
    let mut local = date.and_time(NaiveTime::MIN) + Duration::hours(i64::from(from_hour.min(23)));
    for _ in 0..4 {
        if let Some(at) = zone.from_local_datetime(&local).earliest() {
            return at.timestamp();
        }
        match local.checked_add_signed(Duration::minutes(30)) {
            Some(later) => local = later,
            None => return NEVER,
        }
    }
    Utc.from_utc_datetime(&local).timestamp()
}

/// The first instant at or after `at` on one of `weekdays` between the hours.
pub(super) fn next_in_window(
    at: i64,
    zone: Tz,
    weekdays: &[u8],
    from_hour: u8,
    to_hour: u8,
) -> i64 {
    let mut candidate = at;
    for _ in 0..16 {
        let Some(local) = local_time(candidate, zone) else {
            return NEVER;
        };
        let weekday = local.weekday().number_from_monday() as u8;
        let date = local.date_naive();
        if weekdays.contains(&weekday) && local.hour() < u32::from(to_hour) {
            if local.hour() >= u32::from(from_hour) {
                return candidate;
            }
            return start_of_window(zone, date, from_hour);
        }
        candidate = match date.succ_opt() {
            Some(next) => start_of_window(zone, next, 0),
            None => NEVER,
        };
    }
    candidate
}

pub(super) fn local_text(at: i64, zone: Tz) -> String {
    match Utc.timestamp_opt(at, 0).single() {
        Some(utc) => utc
            .with_timezone(&zone)
            .format("%a %Y-%m-%d %H:%M")
            .to_string(),
        None => "never".into(),
    }
}

/// Where sends may go: the send window and frequency cap of the settings
/// and the quiet dates, in each lead's own calendar.
pub(super) struct SendSlots<'s> {
    settings: &'s PlanSettings,
    quiet: Vec<NaiveDate>,
}

impl<'s> SendSlots<'s> {
    pub fn new(settings: &'s PlanSettings) -> Self {
        SendSlots {
            settings,
            quiet: settings
                .quiet_dates
                .iter()
                .filter_map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                .collect(),
        }
    }

    /// The first instant at or after `desired` that is in the lead's send
    /// window, not on a quiet date, and under the frequency cap given the
    /// lead's earlier sends (ascending). Returns it and why it moved.
    pub fn slot(&self, desired: i64, zone: Tz, history: &[i64]) -> (i64, Vec<MoveReason>) {
        let window = &self.settings.send_window;
        let mut at = desired;
        let mut reasons: Vec<MoveReason> = Vec::new();
        let note = |reason: MoveReason, reasons: &mut Vec<MoveReason>| {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        };
        for _ in 0..10_000 {
            let Some(local) = local_time(at, zone) else {
                return (NEVER, reasons);
            };
            let date = local.date_naive();
            let weekday = local.weekday().number_from_monday() as u8;
            let next_day_start = |date: NaiveDate| match date.succ_opt() {
                Some(next) => start_of_window(zone, next, window.from_hour),
                None => NEVER,
            };
            if self.quiet.contains(&date) {
                note(MoveReason::QuietDate, &mut reasons);
                at = next_day_start(date);
                continue;
            }
            if !window.weekdays.contains(&weekday) || local.hour() >= u32::from(window.to_hour) {
                note(MoveReason::SendWindow, &mut reasons);
                at = next_day_start(date);
                continue;
            }
            if local.hour() < u32::from(window.from_hour) {
                note(MoveReason::SendWindow, &mut reasons);
                at = start_of_window(zone, date, window.from_hour);
                continue;
            }
            if let Some(cap) = self.settings.frequency_cap {
                let span = i64::from(cap.per_days) * DAY;
                let max = cap.max as usize;
                let recent = &history[history.partition_point(|&s| s <= at.saturating_sub(span))..];
                if max > 0 && recent.len() >= max {
                    note(MoveReason::FrequencyCap, &mut reasons);
                    // When enough of the recent sends have left the window.
                    let oldest_to_leave = recent[recent.len() - max];
                    at = oldest_to_leave.saturating_add(span);
                    continue;
                }
            }
            return (at, reasons);
        }
        (NEVER, reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_respect_windows_in_the_lead_zone() {
        let settings = PlanSettings::default();
        let planner = SendSlots {
            settings: &settings,
            quiet: vec![NaiveDate::from_ymd_opt(2026, 9, 23).unwrap()],
        };
        // Tuesday 2026-09-22 20:00 in Berlin is after hours; Wednesday is quiet.
        let desired = Tz::Europe__Berlin
            .with_ymd_and_hms(2026, 9, 22, 20, 0, 0)
            .unwrap()
            .timestamp();
        let (slot, reasons) = planner.slot(desired, Tz::Europe__Berlin, &[]);
        assert_eq!(local_text(slot, Tz::Europe__Berlin), "Thu 2026-09-24 09:00");
        assert_eq!(reasons, vec![MoveReason::SendWindow, MoveReason::QuietDate]);
        // Two sends in the last 7 days: the next waits until the older leaves.
        let history = [slot - 6 * DAY, slot - DAY];
        let (capped, reasons) = planner.slot(slot, Tz::Europe__Berlin, &history);
        assert_eq!(reasons, vec![MoveReason::FrequencyCap]);
        assert_eq!(capped, slot + DAY);
    }
}
