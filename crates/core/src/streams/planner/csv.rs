//! The plan's sends as CSV for an email tool.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::report::PlanRun;
use super::summary::send_outside_calendar;
use crate::export::SafeCsvWriter;
use crate::store::tables::leads;
use crate::streams::content;
use crate::streams::timezones::parse_zone;
use crate::{Result, Workspace};

/// The plan's sends as CSV for an email tool: one row per send with the
/// lead's email, the send time in UTC and in the lead's zone, the stream,
/// step, content title, subject and link. Safe against formula injection.
pub fn write_sends_csv(
    workspace: &Workspace,
    run: &PlanRun,
    out: impl std::io::Write,
) -> Result<u64> {
    let library: HashMap<i64, content::ContentItem> = content::list(workspace)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let streams: HashMap<i64, &str> = run
        .plan
        .streams
        .iter()
        .map(|s| (s.stream_id, s.name.as_str()))
        .collect();
    let mut emails: HashMap<i64, String> = HashMap::new();
    let mut ids: Vec<i64> = run.sends.iter().map(|s| s.lead_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(5_000) {
        leads::visit_by_ids_on(workspace.conn(), ", l.email", chunk, |row| {
            let email: Option<String> = row.get(1)?;
            emails.insert(row.get(0)?, email.unwrap_or_default().trim().to_owned());
            Ok(())
        })?;
    }
    let mut writer = SafeCsvWriter::new(out);
    writer.write_row([
        "email",
        "send_at_utc",
        "send_at_local",
        "timezone",
        "stream",
        "step",
        "content",
        "subject",
        "link",
    ])?;
    let mut written = 0;
    for send in &run.sends {
        let zone = parse_zone(&send.timezone).unwrap_or(Tz::UTC);
        let utc = DateTime::<Utc>::from_timestamp(send.at, 0)
            .ok_or_else(|| send_outside_calendar(send.at))?;
        let item = library.get(&send.content_id);
        let record = [
            emails.get(&send.lead_id).cloned().unwrap_or_default(),
            utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            utc.with_timezone(&zone)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            send.timezone.clone(),
            streams
                .get(&send.stream_id)
                .copied()
                .unwrap_or_default()
                .to_owned(),
            send.node_id.clone(),
            item.map(|i| i.title.clone()).unwrap_or_default(),
            item.map(|i| i.subject.clone()).unwrap_or_default(),
            item.map(|i| i.link.clone()).unwrap_or_default(),
        ];
        writer.write_row(&record)?;
        written += 1;
    }
    writer.finish()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::planner::{Plan, PlanSettings};
    use crate::Workspace;

    #[test]
    fn a_plan_without_sends_is_a_header_only() {
        let workspace = Workspace::in_memory().unwrap();
        let run = PlanRun {
            plan: Plan {
                from: String::new(),
                until: String::new(),
                days: 0,
                as_of: String::new(),
                settings: PlanSettings::default(),
                eligible: 0,
                sends: 0,
                streams: Vec::new(),
                per_day: Vec::new(),
                per_local_day: Vec::new(),
                per_content: Vec::new(),
                suppressed: Vec::new(),
                suppressed_leads: Vec::new(),
                moved: Vec::new(),
                outcomes: Vec::new(),
                sample_leads: Vec::new(),
                skipped: Vec::new(),
            },
            sends: Vec::new(),
        };
        let mut out = Vec::new();
        assert_eq!(write_sends_csv(&workspace, &run, &mut out).unwrap(), 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "email,send_at_utc,send_at_local,timezone,stream,step,content,subject,link\n"
        );
    }
}
