//! The walk: each lead, day by day, through the stream it enters first,
//! with branches, splits, waits, field updates, moves between streams and
//! re-entry, recording sends and counts.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::branching;
use super::calendar::{local_text, next_in_window, MoveReason, SendSlots};
use super::compile::CompiledStream;
use super::report::TimelineEntry;
use super::settings::PlanSettings;
use super::{PlanRequest, Prepared, DAY};
use crate::segments::engine::{CompiledRule, Engine, FieldChanges, Members};
use crate::streams::handles::NodeHandle;
use crate::streams::model::{Engagement, NodeAction, Reentry, WaitCondition};
use crate::streams::timezones::{country_zone, parse_zone};

/// What happens to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Outcome {
    GoalReached,
    Exited,
    MovedOn,
    InStreamAtHorizon,
    SendAfterHorizon,
    StreamEnded,
    StepLimit,
}

impl Outcome {
    pub(super) fn label(self) -> &'static str {
        match self {
            Outcome::GoalReached => "exit goal reached",
            Outcome::Exited => "reached an Exit step",
            Outcome::MovedOn => "moved to another stream",
            Outcome::InStreamAtHorizon => "still in the stream at the horizon",
            Outcome::SendAfterHorizon => "next send falls after the horizon",
            Outcome::StreamEnded => "the stream's active dates ended",
            Outcome::StepLimit => "stopped after 1,000 steps (a loop?)",
        }
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A deterministic draw in [0, 1) for a lead at a node.
fn draw(seed: u64, lead_id: i64, salt: u64, round: u32) -> f64 {
    let bits = splitmix(seed ^ splitmix(lead_id as u64 ^ salt.rotate_left(17) ^ u64::from(round)));
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Everything a plan needs to walk the leads, with the engine that reads
/// them.
pub(super) struct Planner<'a> {
    pub settings: &'a PlanSettings,
    pub streams: &'a [CompiledStream],
    pub start: i64,
    pub end: i64,
    pub slots: SendSlots<'a>,
    pub default_zone: Tz,
    pub engine: &'a Engine<'a>,
    zones_by_code: HashMap<(bool, u32), Option<Tz>>,
}

/// Per-lead scratch state and the records the simulation produces.
#[derive(Default)]
pub(super) struct Records {
    /// (row, stream, node, instant, move reasons as bits) per send.
    pub sends: Vec<(u32, u16, u16, i64, u8)>,
    visited_scratch: Vec<Vec<bool>>,
    edges_scratch: Vec<Vec<bool>>,
    pub node_hits: Vec<Vec<u64>>,
    pub edge_hits: Vec<Vec<u64>>,
    pub entries: Vec<u64>,
    pub outcomes: HashMap<Outcome, u64>,
    pub moves: HashMap<MoveReason, u64>,
}

impl Records {
    pub fn new(planner: &Planner<'_>) -> Self {
        Records {
            node_hits: planner
                .streams
                .iter()
                .map(|s| vec![0; s.nodes.len()])
                .collect(),
            edge_hits: planner
                .streams
                .iter()
                .map(|s| vec![0; s.stream.definition.edges.len()])
                .collect(),
            visited_scratch: planner
                .streams
                .iter()
                .map(|s| vec![false; s.nodes.len()])
                .collect(),
            edges_scratch: planner
                .streams
                .iter()
                .map(|s| vec![false; s.stream.definition.edges.len()])
                .collect(),
            entries: vec![0; planner.streams.len()],
            ..Records::default()
        }
    }
}

/// Where a trace goes, for one-lead journeys.
type Trace<'t> = Option<&'t mut Vec<TimelineEntry>>;

/// One lead on its way through the plan: who it is, the state its walk
/// carries from step to step and round to round, and where it records.
struct LeadWalk<'r, 't> {
    row: usize,
    lead_id: i64,
    zone: Tz,
    /// Re-entry round, mixed into random draws.
    round: u32,
    /// Fields its update steps changed.
    changes: FieldChanges,
    /// Its planned sends so far, ascending (for the frequency cap).
    history: Vec<i64>,
    records: &'r mut Records,
    trace: Trace<'t>,
}

/// Which nodes and edges one entry has passed, by stream, for the counts.
struct Passed<'s> {
    nodes: &'s mut [Vec<bool>],
    edges: &'s mut [Vec<bool>],
}

/// Where a lead is on its walk: the stream, the node and the instant.
#[derive(Debug, Clone, Copy)]
struct Position {
    stream: usize,
    node: usize,
    at: i64,
}

/// What a node's step decided.
enum Step {
    /// Traced as `text` (with `note`); the walk leaves through `handle`
    /// (`None`: the node's single output).
    Done {
        text: String,
        note: Option<String>,
        handle: Option<NodeHandle>,
    },
    /// The walk ends here (traced already).
    End(Outcome),
    /// The lead moves to the entry of the stream at this index (traced
    /// already).
    MoveTo(usize),
}

impl Step {
    /// A step with nothing to note that leaves through the single output.
    fn next(text: String) -> Step {
        Step::Done {
            text,
            note: None,
            handle: None,
        }
    }
}

impl<'a> Planner<'a> {
    /// The planner for `request`, and which leads (by row) are eligible for
    /// each stream as of the request's as-of instant.
    pub fn new(
        request: &'a PlanRequest,
        prepared: &'a Prepared,
        engine: &'a Engine<'a>,
    ) -> (Self, Vec<Members>) {
        let eligible = prepared
            .streams
            .iter()
            .map(|s| {
                if s.active_from > s.active_until {
                    Members::none(engine.len())
                } else {
                    engine.members(&s.eligibility, request.as_of)
                }
            })
            .collect();
        let planner = Planner {
            settings: &request.settings,
            streams: &prepared.streams,
            start: prepared.start,
            end: prepared.end,
            slots: SendSlots::new(&request.settings),
            default_zone: parse_zone(&request.settings.default_timezone).unwrap_or(Tz::UTC),
            engine,
            zones_by_code: HashMap::new(),
        };
        (planner, eligible)
    }
}

impl Planner<'_> {
    /// Lead `row`'s time zone: its own, else its country's, else the default.
    pub fn zone(&mut self, row: usize) -> Tz {
        if let Some((code, name)) = self.engine.text("timezone", row) {
            let zone = *self
                .zones_by_code
                .entry((true, code))
                .or_insert_with(|| parse_zone(name));
            if let Some(zone) = zone {
                return zone;
            }
        }
        if let Some((code, name)) = self.engine.text("country", row) {
            let zone = *self
                .zones_by_code
                .entry((false, code))
                .or_insert_with(|| country_zone(name));
            if let Some(zone) = zone {
                return zone;
            }
        }
        self.default_zone
    }

    /// Why a lead gets nothing, if it must not.
    pub fn suppression(&self, row: usize) -> Option<&'static str> {
        if !self.engine.has_usable_email(row) {
            return Some("no valid email address");
        }
        if self.engine.flag("do_not_email", row) == Some(true) {
            return Some("do not email");
        }
        if self.settings.require_opt_in && self.engine.flag("email_opt_in", row) != Some(true) {
            return Some("no email opt-in");
        }
        None
    }

    /// Walks one lead through its stream(s) from `entered`, recording sends
    /// and counts; returns the instant and outcome it ended with.
    fn walk(
        &self,
        lead: &mut LeadWalk<'_, '_>,
        stream_index: usize,
        entered: i64,
    ) -> (i64, Outcome) {
        let node = self.streams[stream_index].entry;
        // Which nodes and edges this entry has passed, for the counts.
        let mut visited = std::mem::take(&mut lead.records.visited_scratch);
        let mut edges_seen = std::mem::take(&mut lead.records.edges_scratch);
        visited.iter_mut().for_each(|v| v.fill(false));
        edges_seen.iter_mut().for_each(|v| v.fill(false));
        let passed = Passed {
            nodes: &mut visited,
            edges: &mut edges_seen,
        };
        let position = Position {
            stream: stream_index,
            node,
            at: entered,
        };
        let result = self.walk_from(lead, position, passed);
        lead.records.visited_scratch = visited;
        lead.records.edges_scratch = edges_seen;
        result
    }

    /// Walks one lead on from `position`, step by step: it arrives at a
    /// node (counted; the stream's end and exit goal checked), takes the
    /// node's step, and follows the edge the step chose.
    fn walk_from(
        &self,
        lead: &mut LeadWalk<'_, '_>,
        mut position: Position,
        mut passed: Passed<'_>,
    ) -> (i64, Outcome) {
        for _ in 0..1_000 {
            if let Some(outcome) = self.arrive(lead, position, &mut passed) {
                return (position.at, outcome);
            }
            match self.take_step(lead, &mut position, &passed) {
                Step::End(outcome) => return (position.at, outcome),
                Step::MoveTo(target) => {
                    position.stream = target;
                    position.node = self.streams[target].entry;
                    lead.records.entries[target] += 1;
                }
                Step::Done { text, note, handle } => {
                    let stream = &self.streams[position.stream];
                    let node_id = &stream.nodes[position.node].id;
                    if let Some(trace) = lead.trace.as_deref_mut() {
                        trace.push(entry(position.at, lead.zone, stream, node_id, text, note));
                    }
                    if let Some(outcome) = self.follow(lead, &mut position, handle, &mut passed) {
                        return (position.at, outcome);
                    }
                }
            }
        }
        (position.at, Outcome::StepLimit)
    }

    /// Counts the lead's arrival at its node (once per entry) and checks
    /// whether the walk ends there: the stream's active dates are over, or
    /// its exit goal is reached.
    fn arrive(
        &self,
        lead: &mut LeadWalk<'_, '_>,
        position: Position,
        passed: &mut Passed<'_>,
    ) -> Option<Outcome> {
        let Position {
            stream: s,
            node,
            at,
        } = position;
        let stream = &self.streams[s];
        if !passed.nodes[s][node] {
            passed.nodes[s][node] = true;
            lead.records.node_hits[s][node] += 1;
        }
        if at > stream.active_until {
            return Some(if at > self.end {
                Outcome::InStreamAtHorizon
            } else {
                Outcome::StreamEnded
            });
        }
        let goal = stream.goal.as_ref()?;
        if !self.engine.holds(goal, lead.row, at, &lead.changes) {
            return None;
        }
        if let Some(trace) = lead.trace.as_deref_mut() {
            trace.push(entry(
                at,
                lead.zone,
                stream,
                "goal",
                "Exit goal reached".into(),
                None,
            ));
        }
        Some(Outcome::GoalReached)
    }

    /// Takes the step of the lead's node, moving its instant on.
    fn take_step(
        &self,
        lead: &mut LeadWalk<'_, '_>,
        position: &mut Position,
        passed: &Passed<'_>,
    ) -> Step {
        let stream = &self.streams[position.stream];
        let current = &stream.nodes[position.node];
        match &current.action {
            NodeAction::Entry => Step::next(format!("Entered “{}”", stream.stream.name)),
            NodeAction::Send { content_id } => self.send(lead, position, *content_id),
            NodeAction::Wait { amount, unit } => {
                position.at = position
                    .at
                    .saturating_add(i64::from(*amount).saturating_mul(unit.seconds()));
                Step::next(format!("Wait {amount} {}", crate::fields::enum_text(unit)))
            }
            NodeAction::WaitUntil {
                until:
                    WaitCondition::Window {
                        weekdays,
                        from_hour,
                        to_hour,
                    },
            } => {
                let before = position.at;
                position.at = next_in_window(before, lead.zone, weekdays, *from_hour, *to_hour);
                let note = (position.at != before)
                    .then(|| format!("waited until {}", local_text(position.at, lead.zone)));
                Step::Done {
                    text: "Wait until the window".to_owned(),
                    note,
                    handle: None,
                }
            }
            NodeAction::WaitUntil {
                until:
                    WaitCondition::Event {
                        event_type,
                        timeout_days,
                        rate,
                    },
            } => self.wait_for_event(lead, position, event_type, *timeout_days, *rate),
            NodeAction::Branch { rate, .. } => match current.email_node {
                Some((send, engagement)) => {
                    let sent = passed.nodes[position.stream][send];
                    self.email_branch(lead, position, sent, engagement, *rate)
                }
                None => self.branch(lead, position, *rate),
            },
            NodeAction::Split { percentages } => self.split(lead, current.salt, percentages),
            NodeAction::UpdateField { field, value } => {
                if let Some((key, stored)) = current.update.clone() {
                    lead.changes.set(key, stored);
                }
                Step::next(format!("Set {field} to {}", value_text(value)))
            }
            NodeAction::MoveToStream { stream_id } => {
                let Some(target) = self.streams.iter().position(|s| s.stream.id == *stream_id)
                else {
                    return Step::End(Outcome::MovedOn);
                };
                if let Some(trace) = lead.trace.as_deref_mut() {
                    trace.push(entry(
                        position.at,
                        lead.zone,
                        stream,
                        &current.id,
                        format!("Move to “{}”", self.streams[target].stream.name),
                        None,
                    ));
                }
                Step::MoveTo(target)
            }
            NodeAction::Exit => {
                if let Some(trace) = lead.trace.as_deref_mut() {
                    trace.push(entry(
                        position.at,
                        lead.zone,
                        stream,
                        &current.id,
                        "Exit".into(),
                        None,
                    ));
                }
                Step::End(Outcome::Exited)
            }
        }
    }

    /// A send step: the send goes into the lead's next free slot (send
    /// window, quiet dates, frequency cap) unless that falls after the
    /// horizon or the stream's end, which ends the walk.
    fn send(&self, lead: &mut LeadWalk<'_, '_>, position: &mut Position, content_id: i64) -> Step {
        let Position {
            stream: s,
            node,
            at,
        } = *position;
        let zone = lead.zone;
        let stream = &self.streams[s];
        let (slot, reasons) = self.slots.slot(at, zone, &lead.history);
        let note = (!reasons.is_empty()).then(|| {
            format!(
                "moved from {} to {}: {}",
                local_text(at, zone),
                local_text(slot, zone),
                reasons
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        if slot > self.end || slot > stream.active_until {
            if let Some(trace) = lead.trace.as_deref_mut() {
                let why = format!(
                    "due {} — after the plan's horizon",
                    local_text(slot.min(i64::MAX - 1), zone)
                );
                trace.push(entry(
                    at,
                    zone,
                    stream,
                    &stream.nodes[node].id,
                    format!("Send #{content_id} (not planned)"),
                    Some(why),
                ));
            }
            return Step::End(Outcome::SendAfterHorizon);
        }
        for reason in &reasons {
            *lead.records.moves.entry(*reason).or_default() += 1;
        }
        let mut moved_bits = 0u8;
        for reason in &reasons {
            moved_bits |= 1 << (*reason as u8);
        }
        position.at = slot;
        lead.history.push(slot);
        lead.records
            .sends
            .push((lead.row as u32, s as u16, node as u16, slot, moved_bits));
        Step::Done {
            text: format!("Send content #{content_id}"),
            note,
            handle: None,
        }
    }

    /// A "wait until event" step: the lead performs the event (within a
    /// day) with the step's assumed rate, else waits out the timeout.
    fn wait_for_event(
        &self,
        lead: &LeadWalk<'_, '_>,
        position: &mut Position,
        event_type: &str,
        timeout_days: u32,
        rate: Option<f64>,
    ) -> Step {
        let salt = self.streams[position.stream].nodes[position.node].salt;
        let rate = rate.unwrap_or(0.0);
        let happened =
            rate > 0.0 && draw(self.settings.seed, lead.lead_id, salt, lead.round) < rate;
        let note = if happened {
            position.at = position
                .at
                .saturating_add(DAY.min(i64::from(timeout_days) * DAY));
            format!("assumed: {} engage ({event_type})", percent(rate))
        } else {
            position.at = position.at.saturating_add(i64::from(timeout_days) * DAY);
            if rate > 0.0 {
                format!("assumed not among the {} who engage", percent(rate))
            } else {
                "assumed: no further engagement".into()
            }
        };
        Step::Done {
            text: format!("Wait for {event_type}"),
            note: Some(note),
            handle: Some(NodeHandle::of_event_wait(happened)),
        }
    }

    /// A branch: `yes` when the lead matches its rule now; a behavioural
    /// rule that does not match yet is taken with the branch's assumed rate.
    fn branch(&self, lead: &LeadWalk<'_, '_>, position: &Position, rate: Option<f64>) -> Step {
        let current = &self.streams[position.stream].nodes[position.node];
        // Branches are compiled with their rule; one without is never taken.
        let mut yes = current.condition.as_ref().is_some_and(|rule| {
            self.engine
                .holds(rule, lead.row, position.at, &lead.changes)
        });
        let mut note = None;
        if !yes && current.behavioural {
            let rate = rate.unwrap_or(0.0);
            if rate > 0.0 && draw(self.settings.seed, lead.lead_id, current.salt, lead.round) < rate
            {
                yes = true;
                note = Some(format!("assumed: {} engage", percent(rate)));
            } else {
                note = Some("on data known now; assumed no further engagement".into());
            }
        }
        // Journeys say which conditions matched; plans skip the work.
        if lead.trace.is_some() && !current.parts.is_empty() {
            let holds = |rule: &CompiledRule| {
                self.engine
                    .holds(rule, lead.row, position.at, &lead.changes)
            };
            let why = branching::conditions_matched(&current.parts, holds);
            note = Some(match note {
                Some(assumption) => format!("{why}; {assumption}"),
                None => why,
            });
        }
        let taken = NodeHandle::of_branch(yes);
        Step::Done {
            text: format!("Branch: {}", taken.label()),
            note,
            handle: Some(taken),
        }
    }

    /// A branch on this stream's own email (sent on this entry, or not): a
    /// dry run knows no opens of planned emails, so `rate` of the leads sent
    /// it are assumed to engage; nobody when unset.
    fn email_branch(
        &self,
        lead: &LeadWalk<'_, '_>,
        position: &Position,
        sent: bool,
        engagement: Engagement,
        rate: Option<f64>,
    ) -> Step {
        let current = &self.streams[position.stream].nodes[position.node];
        let send_id = current.email_node.map_or("?", |(send, _)| {
            self.streams[position.stream].nodes[send].id.as_str()
        });
        let draw = || draw(self.settings.seed, lead.lead_id, current.salt, lead.round);
        let (yes, note) = branching::email_engaged(sent, engagement, rate, send_id, draw);
        let taken = NodeHandle::of_branch(yes);
        Step::Done {
            text: format!("Branch: {}", taken.label()),
            note: Some(note),
            handle: Some(taken),
        }
    }

    /// A split: the lead's path, drawn by the percentages.
    fn split(&self, lead: &LeadWalk<'_, '_>, salt: u64, percentages: &[u32]) -> Step {
        let point = draw(self.settings.seed, lead.lead_id, salt, lead.round) * 100.0;
        let mut sum = 0.0;
        let mut bucket = percentages.len() - 1;
        for (i, share) in percentages.iter().enumerate() {
            sum += f64::from(*share);
            if point < sum {
                bucket = i;
                break;
            }
        }
        Step::Done {
            text: format!("Split: path {} ({}%)", bucket + 1, percentages[bucket]),
            note: None,
            handle: Some(NodeHandle::Split(bucket)),
        }
    }

    /// Follows the node's edge for `handle` (counted once per entry) to its
    /// target; the walk ends when there is none or the horizon is passed.
    fn follow(
        &self,
        lead: &mut LeadWalk<'_, '_>,
        position: &mut Position,
        handle: Option<NodeHandle>,
        passed: &mut Passed<'_>,
    ) -> Option<Outcome> {
        let current = &self.streams[position.stream].nodes[position.node];
        let next = match handle {
            None => current.next.first(),
            Some(wanted) => current.next.iter().find(|(h, _, _)| *h == Some(wanted)),
        };
        let Some(&(_, target, edge)) = next else {
            return Some(Outcome::Exited);
        };
        let s = position.stream;
        if !passed.edges[s][edge] {
            passed.edges[s][edge] = true;
            lead.records.edge_hits[s][edge] += 1;
        }
        position.node = target;
        (position.at > self.end).then_some(Outcome::InStreamAtHorizon)
    }

    /// The stream lead `row` enters first (highest priority among those it
    /// is eligible for), and the others it was also eligible for.
    pub fn choose(&self, eligible: &[Members], row: usize) -> Option<(usize, Vec<usize>)> {
        let mut wanted: Vec<usize> = (0..self.streams.len())
            .filter(|&s| eligible[s].contains(row))
            .collect();
        if wanted.is_empty() {
            return None;
        }
        wanted.sort_by_key(|&s| {
            (
                std::cmp::Reverse(self.streams[s].stream.priority),
                self.streams[s].stream.id,
            )
        });
        let first = wanted.remove(0);
        Some((first, wanted))
    }

    /// Plans one lead from entry to horizon, re-entering when allowed.
    pub fn plan_lead(
        &mut self,
        row: usize,
        stream: usize,
        records: &mut Records,
        trace: Trace<'_>,
        zone: Tz,
    ) {
        let mut lead = LeadWalk {
            row,
            lead_id: self.engine.lead_id(row),
            zone,
            round: 0,
            changes: FieldChanges::default(),
            history: Vec::new(),
            records,
            trace,
        };
        let mut at = self.streams[stream].active_from;
        for round in 0..50u32 {
            lead.round = round;
            lead.records.entries[stream] += 1;
            let (ended, outcome) = self.walk(&mut lead, stream, at);
            *lead.records.outcomes.entry(outcome).or_default() += 1;
            let Reentry::AfterDays { days } = self.streams[stream].stream.definition.reentry else {
                return;
            };
            if !matches!(outcome, Outcome::GoalReached | Outcome::Exited) {
                return;
            }
            at = ended.saturating_add(i64::from(days.max(1)) * DAY);
            if at > self.end || at > self.streams[stream].active_until {
                return;
            }
            let still =
                self.engine
                    .holds(&self.streams[stream].eligibility, row, at, &lead.changes);
            if !still {
                return;
            }
            if let Some(trace) = lead.trace.as_deref_mut() {
                trace.push(entry(
                    at,
                    zone,
                    &self.streams[stream],
                    "entry",
                    format!("Re-entered after {days} days"),
                    None,
                ));
            }
        }
    }
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn entry(
    at: i64,
    zone: Tz,
    stream: &CompiledStream,
    node: &str,
    step: String,
    note: Option<String>,
) -> TimelineEntry {
    TimelineEntry {
        at: crate::leads::iso_datetime(at),
        local: local_text(at, zone),
        stream: stream.stream.name.clone(),
        node_id: node.to_owned(),
        step,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_deterministic_and_within_the_unit_interval() {
        let first = draw(1, 42, 7, 0);
        assert_eq!(first, draw(1, 42, 7, 0));
        assert_ne!(first, draw(2, 42, 7, 0), "the seed changes the draw");
        assert_ne!(first, draw(1, 42, 7, 1), "each re-entry round draws anew");
        let draws: Vec<f64> = (0..1_000).map(|lead| draw(1, lead, 7, 0)).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.45..0.55).contains(&mean), "{mean}");
    }

    #[test]
    fn outcomes_read_as_sentences() {
        assert_eq!(Outcome::GoalReached.label(), "exit goal reached");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(value_text(&serde_json::json!("won")), "won");
        assert_eq!(value_text(&serde_json::json!(3)), "3");
    }
}
