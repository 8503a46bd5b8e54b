//! The plan's summary: sends by day, content and stream, node and edge
//! counts, overlaps, suppressions, moves and outcomes.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::calendar::{local_time, MoveReason};
use super::report::*;
use super::walk::{Planner, Records};
use super::PlanRequest;
use crate::segments::engine::Engine;
use crate::streams::limits;
use crate::streams::model::NodeAction;
use crate::{Error, Result};

/// What the run over the leads counted, besides the walk's records.
pub(super) struct Summary<'t> {
    pub eligible: u64,
    pub leads_per_stream: Vec<u64>,
    /// (stream entered, other stream also eligible) → leads.
    pub overlaps: HashMap<(usize, usize), u64>,
    pub suppressed: HashMap<&'static str, u64>,
    pub suppressed_leads: Vec<SuppressedLead>,
    /// The zones seen, and each lead's (by row) index into them.
    pub zones: Vec<Tz>,
    pub zone_of_row: Vec<u16>,
    /// Streams asked for that cannot be planned.
    pub skipped: Vec<SkippedStream>,
    /// Content titles by id.
    pub titles: &'t HashMap<i64, String>,
}

fn tallies<K: Copy + Ord>(map: &HashMap<K, u64>, label: impl Fn(K) -> String) -> Vec<ReasonTally> {
    let mut items: Vec<(K, u64)> = map.iter().map(|(k, v)| (*k, *v)).collect();
    items.sort_by_key(|(k, _)| *k);
    items
        .into_iter()
        .map(|(k, count)| ReasonTally {
            reason: label(k),
            count,
        })
        .collect()
}

/// Sends per day in each lead's own time zone, every day of the horizon and
/// any day just outside it that a lead's zone reaches (a send early on the
/// first day in UTC is the day before in America).
fn local_day_counts(
    request: &PlanRequest,
    per_local_day: &std::collections::BTreeMap<NaiveDate, u64>,
) -> Vec<DayCount> {
    let horizon_last = request
        .from
        .checked_add_days(chrono::Days::new(u64::from(request.days.saturating_sub(1))))
        .unwrap_or(request.from);
    let first = per_local_day
        .keys()
        .next()
        .map_or(request.from, |d| (*d).min(request.from));
    let last = per_local_day
        .keys()
        .next_back()
        .map_or(horizon_last, |d| (*d).max(horizon_last));
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| DayCount {
            date: date.format("%Y-%m-%d").to_string(),
            sends: per_local_day.get(&date).copied().unwrap_or(0),
        })
        .collect()
}

/// The plan from what the walk recorded; with every send when `with_sends`.
pub(super) fn summarise(
    request: &PlanRequest,
    planner: &Planner<'_>,
    records: Records,
    summary: Summary<'_>,
    with_sends: bool,
) -> Result<PlanRun> {
    let library = summary.titles;
    let engine: &Engine<'_> = planner.engine;
    let mut sends = Vec::with_capacity(records.sends.len());
    let mut per_day: HashMap<NaiveDate, u64> = HashMap::new();
    let mut per_local_day: std::collections::BTreeMap<NaiveDate, u64> = Default::default();
    // (sends, leads, last lead row counted); a lead's sends are contiguous.
    let mut per_content: HashMap<i64, (u64, u64, u32)> = HashMap::new();
    let mut sends_per_stream = vec![0u64; planner.streams.len()];
    let default_zone = planner.default_zone;
    for &(row, stream, node, at, moved_bits) in &records.sends {
        let compiled = &planner.streams[stream as usize];
        let node = &compiled.nodes[node as usize];
        let NodeAction::Send { content_id } = node.action else {
            continue;
        };
        sends_per_stream[stream as usize] += 1;
        let day = local_time(at, default_zone)
            .ok_or_else(|| send_outside_calendar(at))?
            .date_naive();
        *per_day.entry(day).or_default() += 1;
        let zone = summary.zones[summary.zone_of_row[row as usize] as usize];
        let local_day = local_time(at, zone)
            .ok_or_else(|| send_outside_calendar(at))?
            .date_naive();
        *per_local_day.entry(local_day).or_default() += 1;
        let content = per_content.entry(content_id).or_insert((0, 0, u32::MAX));
        content.0 += 1;
        if content.2 != row {
            content.1 += 1;
            content.2 = row;
        }
        let moved = (moved_bits != 0).then(|| {
            [
                MoveReason::SendWindow,
                MoveReason::QuietDate,
                MoveReason::FrequencyCap,
            ]
            .iter()
            .filter(|r| moved_bits & (1 << (**r as u8)) != 0)
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
        });
        if !with_sends {
            continue;
        }
        sends.push(PlannedSend {
            lead_id: engine.lead_id(row as usize),
            stream_id: compiled.stream.id,
            node_id: node.id.clone(),
            content_id,
            at,
            timezone: zone.name().to_owned(),
            moved,
        });
    }
    let mut days: Vec<DayCount> = Vec::with_capacity(request.days as usize);
    for date in request.from.iter_days().take(request.days as usize) {
        days.push(DayCount {
            date: date.format("%Y-%m-%d").to_string(),
            sends: per_day.get(&date).copied().unwrap_or(0),
        });
    }
    let local_days = local_day_counts(request, &per_local_day);
    let mut contents: Vec<ContentCount> = per_content
        .into_iter()
        .map(|(id, (count, leads, _))| ContentCount {
            content_id: id,
            title: library
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
            sends: count,
            leads,
        })
        .collect();
    contents.sort_by(|a, b| b.sends.cmp(&a.sends).then(a.title.cmp(&b.title)));
    let streams = planner
        .streams
        .iter()
        .enumerate()
        .map(|(i, compiled)| {
            let definition = &compiled.stream.definition;
            let mut also: Vec<OverlapCount> = summary
                .overlaps
                .iter()
                .filter(|((winner, _), _)| *winner == i)
                .map(|((_, other), leads)| OverlapCount {
                    stream_id: planner.streams[*other].stream.id,
                    name: planner.streams[*other].stream.name.clone(),
                    leads: *leads,
                })
                .collect();
            also.sort_by_key(|o| std::cmp::Reverse(o.leads));
            let mut lost_to: Vec<OverlapCount> = summary
                .overlaps
                .iter()
                .filter(|((_, other), _)| *other == i)
                .map(|((winner, _), leads)| OverlapCount {
                    stream_id: planner.streams[*winner].stream.id,
                    name: planner.streams[*winner].stream.name.clone(),
                    leads: *leads,
                })
                .collect();
            lost_to.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.name.cmp(&b.name)));
            StreamPlan {
                stream_id: compiled.stream.id,
                name: compiled.stream.name.clone(),
                priority: compiled.stream.priority,
                leads: summary.leads_per_stream[i],
                entries: records.entries[i],
                sends: sends_per_stream[i],
                also_eligible: also,
                lost_to,
                nodes: compiled
                    .nodes
                    .iter()
                    .zip(&records.node_hits[i])
                    .map(|(n, hits)| NodeCount {
                        node_id: n.id.clone(),
                        leads: *hits,
                    })
                    .collect(),
                edges: definition
                    .edges
                    .iter()
                    .zip(&records.edge_hits[i])
                    .map(|(e, hits)| EdgeCount {
                        edge_id: e.id.clone(),
                        leads: *hits,
                    })
                    .collect(),
            }
        })
        .collect();
    let plan = Plan {
        from: crate::leads::iso_datetime(planner.start),
        until: crate::leads::iso_datetime(planner.end),
        days: request.days,
        as_of: crate::leads::iso_datetime(request.as_of),
        settings: request.settings.clone(),
        eligible: summary.eligible,
        sends: records.sends.len() as u64,
        streams,
        per_day: days,
        per_local_day: local_days,
        per_content: contents,
        suppressed: tallies(&summary.suppressed, |r| r.to_owned()),
        suppressed_leads: summary.suppressed_leads,
        moved: tallies(&records.moves, |r| r.label().to_owned()),
        outcomes: tallies(&records.outcomes, |o| o.label().to_owned()),
        sample_leads: {
            let mut ids: Vec<i64> = records
                .sends
                .iter()
                .take(1_000)
                .map(|s| engine.lead_id(s.0 as usize))
                .collect();
            ids.dedup();
            ids.truncate(100);
            ids
        },
        skipped: summary.skipped,
    };
    Ok(PlanRun { plan, sends })
}

pub(super) fn send_outside_calendar(at: i64) -> Error {
    limits::out_of_range(
        "the time of a send",
        limits::dates_text(),
        limits::grouped(at),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_are_in_key_order_with_their_labels() {
        let counts: HashMap<MoveReason, u64> =
            [(MoveReason::FrequencyCap, 2), (MoveReason::SendWindow, 5)]
                .into_iter()
                .collect();
        let tallied = tallies(&counts, |r| r.label().to_owned());
        assert_eq!(tallied.len(), 2);
        assert_eq!(tallied[0].reason, "outside the send window");
        assert_eq!(tallied[0].count, 5);
        assert_eq!(tallied[1].reason, "frequency cap");
    }

    #[test]
    fn a_send_outside_the_calendar_is_out_of_range() {
        let error = send_outside_calendar(i64::MAX).to_string();
        assert!(error.contains("the time of a send"), "{error}");
    }
}
