//! The planner: a dry run of streams on the real leads. It decides who
//! enters which stream (the highest priority one they are eligible for),
//! suppresses who must get nothing, walks every lead through its flow day by
//! day, moves sends into each lead's send window and under the frequency
//! cap, and reports who gets which message when. It sends nothing.
//! Semantics: docs/streams.md.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{NodeAction, Reentry, Stream, WaitCondition};
use super::timezones::{country_zone, parse_zone};
use super::{content, limits};
use crate::segments::compile::{self, Condition};
use crate::segments::index::{LeadIndex, Overlay};
use crate::segments::{self, values, RuleGroup};
use crate::{Error, Result, Workspace};

const DAY: i64 = 86_400;
/// An instant past chrono's calendar: "never", after every horizon.
const NEVER: i64 = i64::MAX;

/// When sends may go out, in each lead's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SendWindow {
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// From this hour (inclusive) …
    pub from_hour: u8,
    /// … to this hour (exclusive), 1–24.
    pub to_hour: u8,
}

/// At most `max` emails in any `per_days` days, per lead, across streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FrequencyCap {
    pub max: u32,
    pub per_days: u32,
}

/// The planner's global settings (stored in the workspace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanSettings {
    pub send_window: SendWindow,
    /// IANA zone for leads with neither a time zone nor a known country.
    pub default_timezone: String,
    pub frequency_cap: Option<FrequencyCap>,
    /// Days with no sends (YYYY-MM-DD, in the lead's own calendar).
    pub quiet_dates: Vec<String>,
    /// Leads whose `email_opt_in` is not yes get nothing.
    pub require_opt_in: bool,
    /// Seeds splits and assumed engagement; the same seed gives the same plan.
    #[ts(type = "number")]
    pub seed: u64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            send_window: SendWindow {
                weekdays: vec![1, 2, 3, 4, 5],
                from_hour: 9,
                to_hour: 17,
            },
            default_timezone: "UTC".into(),
            frequency_cap: Some(FrequencyCap {
                max: 2,
                per_days: 7,
            }),
            quiet_dates: Vec::new(),
            require_opt_in: true,
            seed: 1,
        }
    }
}

impl PlanSettings {
    /// Checks every setting against its documented range ([`limits`]),
    /// naming the first one outside it.
    pub fn check(&self) -> Result<()> {
        check_window(
            "send window",
            &self.send_window.weekdays,
            self.send_window.from_hour,
            self.send_window.to_hour,
        )?;
        if parse_zone(&self.default_timezone).is_none() {
            return Err(Error::InvalidArgument(format!(
                "`{}` is not a time zone (use an IANA name such as Europe/Berlin)",
                self.default_timezone
            )));
        }
        if let Some(cap) = self.frequency_cap {
            limits::check(
                "frequency cap (emails)",
                cap.max,
                &limits::CAP_EMAILS,
                " emails",
            )?;
            limits::check(
                "frequency cap (days)",
                cap.per_days,
                &limits::CAP_DAYS,
                " days",
            )?;
        }
        for date in &self.quiet_dates {
            limits::parse_date("each quiet date", date)?;
        }
        Ok(())
    }
}

/// Checks a window of weekdays and hours (the send window, or a "wait
/// until" step's), naming it as `what`.
pub(crate) fn check_window(what: &str, weekdays: &[u8], from_hour: u8, to_hour: u8) -> Result<()> {
    if weekdays.is_empty() {
        return Err(limits::out_of_range(
            &format!("{what} weekdays"),
            "one or more of 1 (Monday) to 7 (Sunday)",
            "none",
        ));
    }
    for &day in weekdays {
        limits::check(
            &format!("{what} weekdays"),
            day,
            &limits::WEEKDAYS,
            " (1 = Monday, 7 = Sunday)",
        )?;
    }
    limits::check(
        &format!("{what} start hour"),
        from_hour,
        &limits::FROM_HOUR,
        "",
    )?;
    limits::check(&format!("{what} end hour"), to_hour, &limits::TO_HOUR, "")?;
    if from_hour >= to_hour {
        return Err(Error::InvalidArgument(format!(
            "{what}: {from_hour}:00–{to_hour}:00 is not a window within a day \
             (it must start before it ends)"
        )));
    }
    Ok(())
}

const SETTINGS_KEY: &str = "planner_settings";

/// The workspace's planner settings, or the defaults. Stored settings that do
/// not fit the settings' types (a workspace edited by hand) are an error
/// naming the setting; ones that fit but are out of range load, so that the
/// settings dialog can show and fix them, and planning refuses them.
pub fn load_settings(conn: &Connection) -> Result<PlanSettings> {
    use rusqlite::OptionalExtension;
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SETTINGS_KEY],
            |row| row.get(0),
        )
        .optional()?;
    let Some(json) = stored else {
        return Ok(PlanSettings::default());
    };
    serde_json::from_str(&json).map_err(|error| {
        let which = serde_json::from_str(&json)
            .ok()
            .and_then(|value| unreadable_setting(&value))
            .map(|key| format!("`{key}`: "))
            .unwrap_or_default();
        Error::InvalidArgument(format!(
            "the planner settings stored in this workspace cannot be read ({which}{error}); \
             choose them again in Planner settings"
        ))
    })
}

/// The first stored setting that does not fit its type, by its key.
fn unreadable_setting(stored: &serde_json::Value) -> Option<&'static str> {
    fn fits<T: serde::de::DeserializeOwned>(value: Option<&serde_json::Value>) -> bool {
        value.is_some_and(|v| serde_json::from_value::<T>(v.clone()).is_ok())
    }
    let at = |path: &[&str]| path.iter().try_fold(stored, |value, key| value.get(key));
    let capped = at(&["frequency_cap"]).is_some_and(|cap| !cap.is_null());
    [
        (
            "send_window.weekdays",
            fits::<Vec<u8>>(at(&["send_window", "weekdays"])),
        ),
        (
            "send_window.from_hour",
            fits::<u8>(at(&["send_window", "from_hour"])),
        ),
        (
            "send_window.to_hour",
            fits::<u8>(at(&["send_window", "to_hour"])),
        ),
        (
            "default_timezone",
            fits::<String>(at(&["default_timezone"])),
        ),
        (
            "frequency_cap.max",
            !capped || fits::<u32>(at(&["frequency_cap", "max"])),
        ),
        (
            "frequency_cap.per_days",
            !capped || fits::<u32>(at(&["frequency_cap", "per_days"])),
        ),
        ("quiet_dates", fits::<Vec<String>>(at(&["quiet_dates"]))),
        ("require_opt_in", fits::<bool>(at(&["require_opt_in"]))),
        ("seed", fits::<u64>(at(&["seed"]))),
    ]
    .into_iter()
    .find(|(_, fits)| !fits)
    .map(|(key, _)| key)
}

pub fn save_settings(conn: &Connection, settings: &PlanSettings) -> Result<()> {
    settings.check()?;
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
        [SETTINGS_KEY, &serde_json::to_string(settings)?],
    )?;
    Ok(())
}

/// How many leads (or sends) had a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReasonTally {
    pub reason: String,
    #[ts(type = "number")]
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NodeCount {
    pub node_id: String,
    #[ts(type = "number")]
    pub leads: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EdgeCount {
    pub edge_id: String,
    #[ts(type = "number")]
    pub leads: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverlapCount {
    #[ts(type = "number")]
    pub stream_id: i64,
    pub name: String,
    #[ts(type = "number")]
    pub leads: u64,
}

/// One stream's share of the plan.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamPlan {
    #[ts(type = "number")]
    pub stream_id: i64,
    pub name: String,
    pub priority: i32,
    /// Leads that entered it (each once, whatever their re-entries).
    #[ts(type = "number")]
    pub leads: u64,
    /// Entries, counting re-entries.
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number")]
    pub sends: u64,
    /// Leads it won that a lower-priority stream also wanted.
    pub also_eligible: Vec<OverlapCount>,
    pub nodes: Vec<NodeCount>,
    pub edges: Vec<EdgeCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayCount {
    /// YYYY-MM-DD in the default time zone.
    pub date: String,
    #[ts(type = "number")]
    pub sends: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContentCount {
    #[ts(type = "number")]
    pub content_id: i64,
    pub title: String,
    #[ts(type = "number")]
    pub sends: u64,
    #[ts(type = "number")]
    pub leads: u64,
}

/// A lead that gets nothing, and why.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SuppressedLead {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub reason: String,
}

/// The plan's summary: counts by stream, node, edge, day and content, and
/// the suppression, move and outcome reports.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Plan {
    /// First and last planned instants (ISO 8601, UTC) and the horizon.
    pub from: String,
    pub until: String,
    pub days: u32,
    pub as_of: String,
    pub settings: PlanSettings,
    /// Leads eligible for at least one stream.
    #[ts(type = "number")]
    pub eligible: u64,
    #[ts(type = "number")]
    pub sends: u64,
    pub streams: Vec<StreamPlan>,
    pub per_day: Vec<DayCount>,
    pub per_content: Vec<ContentCount>,
    /// Eligible leads that get nothing, by reason.
    pub suppressed: Vec<ReasonTally>,
    pub suppressed_leads: Vec<SuppressedLead>,
    /// Sends moved to a later slot, by reason (a send can move for several).
    pub moved: Vec<ReasonTally>,
    /// How each entry ended: goal reached, exit, still in the stream at the
    /// horizon, a send due after the horizon, stream ended, moved on.
    pub outcomes: Vec<ReasonTally>,
    /// The first leads with sends (up to 100), for looking at journeys.
    #[ts(type = "number[]")]
    pub sample_leads: Vec<i64>,
    /// Streams left out of the plan because they cannot be planned.
    pub skipped: Vec<SkippedStream>,
}

/// A stream the plan left out, and why: a workspace edited by an older
/// version or by hand can hold a stream whose segment no longer exists.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SkippedStream {
    #[ts(type = "number")]
    pub stream_id: i64,
    pub name: String,
    pub problems: Vec<String>,
}

/// One planned email.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedSend {
    #[ts(type = "number")]
    pub lead_id: i64,
    #[ts(type = "number")]
    pub stream_id: i64,
    pub node_id: String,
    #[ts(type = "number")]
    pub content_id: i64,
    #[ts(type = "number")]
    pub at: i64,
    pub timezone: String,
    /// Why it moved from when the flow reached it, if it did.
    pub moved: Option<String>,
}

/// A plan with every send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanRun {
    pub plan: Plan,
    pub sends: Vec<PlannedSend>,
}

/// One step of one lead's planned journey.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineEntry {
    /// ISO 8601 UTC, and the same instant in the lead's zone.
    pub at: String,
    pub local: String,
    pub stream: String,
    pub node_id: String,
    pub step: String,
    /// Why it happened then or that way ("moved from … : frequency cap").
    pub note: Option<String>,
}

/// One lead's journey through the plan, with explanations.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadJourney {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub timezone: String,
    /// Which stream it entered and why, or why it gets nothing.
    pub status: String,
    pub entries: Vec<TimelineEntry>,
}

/// What happens to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Outcome {
    GoalReached,
    Exited,
    MovedOn,
    InStreamAtHorizon,
    SendAfterHorizon,
    StreamEnded,
    StepLimit,
}

impl Outcome {
    fn label(self) -> &'static str {
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

/// Why a send moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum MoveReason {
    SendWindow,
    QuietDate,
    FrequencyCap,
}

impl MoveReason {
    fn label(self) -> &'static str {
        match self {
            MoveReason::SendWindow => "outside the send window",
            MoveReason::QuietDate => "quiet date",
            MoveReason::FrequencyCap => "frequency cap",
        }
    }
}

/// A compiled node, with its outgoing edges by handle.
struct CompiledNode {
    id: String,
    action: NodeAction,
    /// (handle, target node index, edge index)
    next: Vec<(Option<String>, usize, usize)>,
    condition: Option<Condition>,
    /// For update-field steps: the key and stored value.
    update: Option<(String, rusqlite::types::Value)>,
    /// A hash of the node id, mixed into per-lead random draws.
    salt: u64,
    /// Does the branch rule look at behaviour (which the future may change)?
    behavioural: bool,
}

struct CompiledStream {
    stream: Stream,
    nodes: Vec<CompiledNode>,
    entry: usize,
    eligibility: Condition,
    goal: Option<Condition>,
    active_from: i64,
    active_until: i64,
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

fn has_behaviour(group: &RuleGroup) -> bool {
    group.rules.iter().any(|node| match node {
        segments::RuleNode::Group(inner) => has_behaviour(inner),
        segments::RuleNode::Rule(rule) => rule.field == "event" || rule.field == "segment",
    })
}

/// Compiles a stream for the planner, or lists the problems (as the
/// designer marks them) that keep it from being planned.
fn compile_stream(
    workspace: &Workspace,
    stream: &Stream,
    horizon: (i64, i64),
) -> Result<std::result::Result<CompiledStream, Vec<String>>> {
    let conn = workspace.conn();
    let problems = super::model::problems(workspace, stream)?;
    if !problems.is_empty() {
        return Ok(Err(problems.iter().map(|p| p.to_string()).collect()));
    }
    let definition = &stream.definition;
    let index_of: HashMap<&str, usize> = definition
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let catalogue = crate::fields::list(conn)?;
    let mut nodes = Vec::with_capacity(definition.nodes.len());
    for node in &definition.nodes {
        let next = definition
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.source == node.id)
            .map(|(edge_index, e)| (e.handle.clone(), index_of[e.target.as_str()], edge_index))
            .collect();
        let (condition, behavioural) = match &node.action {
            NodeAction::Branch { rules, .. } => {
                (Some(compile::compile(conn, rules)?), has_behaviour(rules))
            }
            _ => (None, false),
        };
        let update = match &node.action {
            NodeAction::UpdateField { field, value } => {
                let field_type = catalogue
                    .iter()
                    .find(|f| &f.key == field)
                    .map(|f| f.field_type)
                    .ok_or_else(|| Error::UnknownField { key: field.clone() })?;
                let stored =
                    super::model::field_value(field_type, value).map_err(Error::InvalidArgument)?;
                Some((field.clone(), stored))
            }
            _ => None,
        };
        nodes.push(CompiledNode {
            id: node.id.clone(),
            action: node.action.clone(),
            next,
            condition,
            update,
            salt: node.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            }),
            behavioural,
        });
    }
    let entry = definition
        .nodes
        .iter()
        .position(|n| n.action == NodeAction::Entry)
        .expect("checked by problems()");
    let membership = RuleGroup::from_value(&serde_json::json!({
        "combinator": "or",
        "rules": definition.entry_segments.iter()
            .map(|id| serde_json::json!({"field": "segment", "operator": "in", "value": id}))
            .collect::<Vec<_>>(),
    }))?;
    let date = |text: &Option<String>, end_of_day: bool, fallback: i64| {
        text.as_deref()
            .and_then(values::parse_instant)
            .map(|at| {
                if end_of_day {
                    at.saturating_add(DAY - 1)
                } else {
                    at
                }
            })
            .unwrap_or(fallback)
    };
    Ok(Ok(CompiledStream {
        stream: stream.clone(),
        entry,
        eligibility: compile::compile(conn, &membership)?,
        goal: definition
            .exit_goal
            .as_ref()
            .map(|g| compile::compile(conn, g))
            .transpose()?,
        active_from: date(&definition.active_from, false, horizon.0).max(horizon.0),
        active_until: date(&definition.active_until, true, horizon.1).min(horizon.1),
        nodes,
    }))
}

/// The stream ids a stream moves leads into.
fn move_targets(stream: &Stream) -> impl Iterator<Item = i64> + '_ {
    stream
        .definition
        .nodes
        .iter()
        .filter_map(|node| match node.action {
            NodeAction::MoveToStream { stream_id } => Some(stream_id),
            _ => None,
        })
}

/// Compiles the streams asked for and those they move leads into (which
/// nobody enters directly). A stream that cannot be planned (a missing
/// segment, say, in a workspace edited by an older version or by hand) is
/// left out and reported, with every stream that moves leads into it; the
/// others are planned. Only when none of the streams asked for can be
/// planned is that an error.
fn compile_streams(
    workspace: &Workspace,
    requested: &[Stream],
    horizon: (i64, i64),
) -> Result<(Vec<CompiledStream>, Vec<SkippedStream>)> {
    let saved = super::model::list(workspace.conn())?;
    let mut candidates: Vec<Stream> = requested.to_vec();
    let mut next = 0;
    while next < candidates.len() {
        let targets: Vec<i64> = move_targets(&candidates[next]).collect();
        for id in targets {
            if !candidates.iter().any(|s| s.id == id) {
                // A missing target is one of the mover's problems.
                if let Some(target) = saved.iter().find(|s| s.id == id) {
                    candidates.push(target.clone());
                }
            }
        }
        next += 1;
    }
    let mut compiled = Vec::with_capacity(candidates.len());
    for stream in &candidates {
        compiled.push(compile_stream(workspace, stream, horizon)?);
    }
    // A stream moving leads into one that cannot be planned cannot be either.
    loop {
        let mut changed = false;
        for i in 0..candidates.len() {
            if compiled[i].is_err() {
                continue;
            }
            let broken_target = move_targets(&candidates[i]).find_map(|id| {
                let target = candidates.iter().position(|s| s.id == id)?;
                compiled[target]
                    .as_ref()
                    .err()
                    .map(|problems| (target, problems.join("; ")))
            });
            if let Some((target, problems)) = broken_target {
                compiled[i] = Err(vec![format!(
                    "it moves leads into “{}”, which cannot be planned: {problems}",
                    candidates[target].name
                )]);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut streams = Vec::new();
    let mut skipped = Vec::new();
    for (i, (stream, result)) in candidates.iter().zip(compiled).enumerate() {
        match result {
            Ok(mut ready) => {
                if i >= requested.len() {
                    ready.active_from = NEVER; // nobody enters it directly
                }
                streams.push(ready);
            }
            Err(problems) if i < requested.len() => skipped.push(SkippedStream {
                stream_id: stream.id,
                name: stream.name.clone(),
                problems,
            }),
            Err(_) => {} // reported through the streams moving leads into it
        }
    }
    if !requested.is_empty() && skipped.len() == requested.len() {
        let why = |s: &SkippedStream| {
            format!("“{}” cannot be planned: {}", s.name, s.problems.join("; "))
        };
        let list: Vec<String> = skipped.iter().map(why).collect();
        return Err(Error::InvalidArgument(match list.as_slice() {
            [only] => format!("stream {only}"),
            all => format!("no stream can be planned: {}", all.join(" — ")),
        }));
    }
    if streams.len() > usize::from(u16::MAX) {
        return Err(limits::out_of_range(
            "the number of streams in one plan",
            "at most 65,535",
            limits::grouped(streams.len() as i64),
        ));
    }
    Ok((streams, skipped))
}

/// Everything a plan needs besides the leads.
struct Planner<'a> {
    settings: &'a PlanSettings,
    streams: Vec<CompiledStream>,
    start: i64,
    end: i64,
    quiet: Vec<NaiveDate>,
    default_zone: Tz,
    zones_by_code: HashMap<(bool, u32), Option<Tz>>,
    /// Whether each lead (by row) has a usable email address.
    valid_email: Vec<bool>,
    /// Streams asked for that cannot be planned.
    skipped: Vec<SkippedStream>,
}

/// Which leads (by row) have a usable email address, in one scan.
fn valid_emails(conn: &Connection, index: &LeadIndex) -> Result<Vec<bool>> {
    let mut valid = vec![false; index.len()];
    let mut statement = conn.prepare("SELECT id, email FROM leads WHERE email IS NOT NULL")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        if let Some(position) = index.row_of_lead(row.get(0)?) {
            if let Ok(email) = row.get_ref(1)?.as_str() {
                valid[position] = crate::text::is_email_address(email);
            }
        }
    }
    Ok(valid)
}

/// Per-lead scratch state and the records the simulation produces.
#[derive(Default)]
struct Records {
    sends: Vec<(u32, u16, u16, i64, u8)>,
    visited_scratch: Vec<Vec<bool>>,
    edges_scratch: Vec<Vec<bool>>,
    node_hits: Vec<Vec<u64>>,
    edge_hits: Vec<Vec<u64>>,
    entries: Vec<u64>,
    outcomes: HashMap<Outcome, u64>,
    moves: HashMap<MoveReason, u64>,
}

impl Records {
    fn new(planner: &Planner<'_>) -> Self {
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

impl Planner<'_> {
    fn zone(&mut self, index: &LeadIndex, row: usize) -> Tz {
        if let Some((code, name)) = index.text_at("timezone", row) {
            let zone = *self
                .zones_by_code
                .entry((true, code))
                .or_insert_with(|| parse_zone(name));
            if let Some(zone) = zone {
                return zone;
            }
        }
        if let Some((code, name)) = index.text_at("country", row) {
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
    fn suppression(&self, index: &LeadIndex, row: usize) -> Option<&'static str> {
        if !self.valid_email[row] {
            return Some("no valid email address");
        }
        if index.bool_at("do_not_email", row) == Some(true) {
            return Some("do not email");
        }
        if self.settings.require_opt_in && index.bool_at("email_opt_in", row) != Some(true) {
            return Some("no email opt-in");
        }
        None
    }

    /// The first instant at or after `desired` that is in the lead's send
    /// window, not on a quiet date, and under the frequency cap given the
    /// lead's earlier sends (ascending). Returns it and why it moved.
    fn slot(&self, desired: i64, zone: Tz, history: &[i64]) -> (i64, Vec<MoveReason>) {
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

    fn matches(
        &self,
        index: &LeadIndex,
        condition: &Condition,
        row: usize,
        at: i64,
        overlay: &Overlay,
    ) -> bool {
        index.holds_row(condition, row, at, overlay)
    }

    /// Walks one lead through its stream(s) from `entered`, recording sends
    /// and counts; returns the instant and outcome it ended with.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        index: &LeadIndex,
        row: usize,
        lead_id: i64,
        stream_index: usize,
        entered: i64,
        zone: Tz,
        overlay: &mut Overlay,
        history: &mut Vec<i64>,
        records: &mut Records,
        trace: Trace<'_>,
        round: u32,
    ) -> (i64, Outcome) {
        let at = entered;
        let node = self.streams[stream_index].entry;
        // Which nodes and edges this entry has passed, for the counts.
        let mut visited = std::mem::take(&mut records.visited_scratch);
        let mut edges_seen = std::mem::take(&mut records.edges_scratch);
        visited.iter_mut().for_each(|v| v.fill(false));
        edges_seen.iter_mut().for_each(|v| v.fill(false));
        let result = self.walk_from(
            index,
            row,
            lead_id,
            stream_index,
            at,
            node,
            zone,
            overlay,
            history,
            records,
            trace,
            round,
            &mut visited,
            &mut edges_seen,
        );
        records.visited_scratch = visited;
        records.edges_scratch = edges_seen;
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_from(
        &self,
        index: &LeadIndex,
        row: usize,
        lead_id: i64,
        mut stream_index: usize,
        mut at: i64,
        mut node: usize,
        zone: Tz,
        overlay: &mut Overlay,
        history: &mut Vec<i64>,
        records: &mut Records,
        mut trace: Trace<'_>,
        round: u32,
        visited: &mut [Vec<bool>],
        edges_seen: &mut [Vec<bool>],
    ) -> (i64, Outcome) {
        for _ in 0..1_000 {
            let stream = &self.streams[stream_index];
            let current = &stream.nodes[node];
            if !visited[stream_index][node] {
                visited[stream_index][node] = true;
                records.node_hits[stream_index][node] += 1;
            }
            if at > stream.active_until {
                return (
                    at,
                    if at > self.end {
                        Outcome::InStreamAtHorizon
                    } else {
                        Outcome::StreamEnded
                    },
                );
            }
            if let Some(goal) = &stream.goal {
                if self.matches(index, goal, row, at, overlay) {
                    if let Some(trace) = trace.as_deref_mut() {
                        trace.push(entry(
                            at,
                            zone,
                            stream,
                            "goal",
                            "Exit goal reached".into(),
                            None,
                        ));
                    }
                    return (at, Outcome::GoalReached);
                }
            }
            let mut handle: Option<String> = None;
            let mut note: Option<String> = None;
            let step: String;
            match &current.action {
                NodeAction::Entry => step = format!("Entered “{}”", stream.stream.name),
                NodeAction::Send { content_id } => {
                    let (slot, reasons) = self.slot(at, zone, history);
                    if !reasons.is_empty() {
                        note = Some(format!(
                            "moved from {} to {}: {}",
                            local_text(at, zone),
                            local_text(slot, zone),
                            reasons
                                .iter()
                                .map(|r| r.label())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if slot > self.end || slot > stream.active_until {
                        if let Some(trace) = trace.as_deref_mut() {
                            let why = format!(
                                "due {} — after the plan's horizon",
                                local_text(slot.min(i64::MAX - 1), zone)
                            );
                            trace.push(entry(
                                at,
                                zone,
                                stream,
                                &current.id,
                                format!("Send #{content_id} (not planned)"),
                                Some(why),
                            ));
                        }
                        return (at, Outcome::SendAfterHorizon);
                    }
                    for reason in &reasons {
                        *records.moves.entry(*reason).or_default() += 1;
                    }
                    let mut moved_bits = 0u8;
                    for reason in &reasons {
                        moved_bits |= 1 << (*reason as u8);
                    }
                    at = slot;
                    history.push(slot);
                    records.sends.push((
                        row as u32,
                        stream_index as u16,
                        node as u16,
                        slot,
                        moved_bits,
                    ));
                    step = format!("Send content #{content_id}");
                }
                NodeAction::Wait { amount, unit } => {
                    at = at.saturating_add(i64::from(*amount).saturating_mul(unit.seconds()));
                    step = format!("Wait {amount} {}", crate::fields::enum_text(unit));
                }
                NodeAction::WaitUntil { until } => match until {
                    WaitCondition::Window {
                        weekdays,
                        from_hour,
                        to_hour,
                    } => {
                        let before = at;
                        at = next_in_window(at, zone, weekdays, *from_hour, *to_hour);
                        step = "Wait until the window".to_owned();
                        if at != before {
                            note = Some(format!("waited until {}", local_text(at, zone)));
                        }
                    }
                    WaitCondition::Event {
                        event_type,
                        timeout_days,
                        rate,
                    } => {
                        let rate = rate.unwrap_or(0.0);
                        if rate > 0.0
                            && draw(self.settings.seed, lead_id, current.salt, round) < rate
                        {
                            at = at.saturating_add(DAY.min(i64::from(*timeout_days) * DAY));
                            handle = Some("event".into());
                            note =
                                Some(format!("assumed: {} engage ({event_type})", percent(rate)));
                        } else {
                            at = at.saturating_add(i64::from(*timeout_days) * DAY);
                            handle = Some("timeout".into());
                            note = Some(if rate > 0.0 {
                                format!("assumed not among the {} who engage", percent(rate))
                            } else {
                                "assumed: no further engagement".into()
                            });
                        }
                        step = format!("Wait for {event_type}");
                    }
                },
                NodeAction::Branch { rate, .. } => {
                    let condition = current.condition.as_ref().expect("branches are compiled");
                    let mut yes = self.matches(index, condition, row, at, overlay);
                    if !yes && current.behavioural {
                        let rate = rate.unwrap_or(0.0);
                        if rate > 0.0
                            && draw(self.settings.seed, lead_id, current.salt, round) < rate
                        {
                            yes = true;
                            note = Some(format!("assumed: {} engage", percent(rate)));
                        } else {
                            note = Some("on data known now; assumed no further engagement".into());
                        }
                    }
                    handle = Some(if yes { "yes" } else { "no" }.into());
                    step = format!("Branch: {}", if yes { "yes" } else { "no" });
                }
                NodeAction::Split { percentages } => {
                    let point = draw(self.settings.seed, lead_id, current.salt, round) * 100.0;
                    let mut sum = 0.0;
                    let mut bucket = percentages.len() - 1;
                    for (i, share) in percentages.iter().enumerate() {
                        sum += f64::from(*share);
                        if point < sum {
                            bucket = i;
                            break;
                        }
                    }
                    handle = Some(bucket.to_string());
                    step = format!("Split: path {} ({}%)", bucket + 1, percentages[bucket]);
                }
                NodeAction::UpdateField { field, value } => {
                    let (key, stored) = current.update.clone().expect("compiled");
                    overlay.retain(|(k, _)| *k != key);
                    overlay.push((key, stored));
                    step = format!("Set {field} to {}", value_text(value));
                }
                NodeAction::MoveToStream { stream_id } => {
                    let Some(target) = self.streams.iter().position(|s| s.stream.id == *stream_id)
                    else {
                        return (at, Outcome::MovedOn);
                    };
                    if let Some(trace) = trace.as_deref_mut() {
                        trace.push(entry(
                            at,
                            zone,
                            stream,
                            &current.id,
                            format!("Move to “{}”", self.streams[target].stream.name),
                            None,
                        ));
                    }
                    stream_index = target;
                    node = self.streams[target].entry;
                    records.entries[target] += 1;
                    continue;
                }
                NodeAction::Exit => {
                    if let Some(trace) = trace.as_deref_mut() {
                        trace.push(entry(at, zone, stream, &current.id, "Exit".into(), None));
                    }
                    return (at, Outcome::Exited);
                }
            }
            if let Some(trace) = trace.as_deref_mut() {
                trace.push(entry(at, zone, stream, &current.id, step, note));
            }
            let next = match &handle {
                None => current.next.first(),
                Some(wanted) => current
                    .next
                    .iter()
                    .find(|(h, _, _)| h.as_deref() == Some(wanted.as_str())),
            };
            let Some(&(_, target, edge)) = next else {
                return (at, Outcome::Exited);
            };
            if !edges_seen[stream_index][edge] {
                edges_seen[stream_index][edge] = true;
                records.edge_hits[stream_index][edge] += 1;
            }
            node = target;
            if at > self.end {
                return (at, Outcome::InStreamAtHorizon);
            }
        }
        (at, Outcome::StepLimit)
    }

    /// The stream lead `row` enters first (highest priority among those it
    /// is eligible for), and the others it was also eligible for.
    fn choose(
        &self,
        eligible: &[segments::index::Bitset],
        row: usize,
    ) -> Option<(usize, Vec<usize>)> {
        let mut wanted: Vec<usize> = (0..self.streams.len())
            .filter(|&s| eligible[s].get(row))
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
    #[allow(clippy::too_many_arguments)]
    fn plan_lead(
        &mut self,
        index: &LeadIndex,
        row: usize,
        stream: usize,
        records: &mut Records,
        mut trace: Trace<'_>,
        zone: Tz,
    ) {
        let lead_id = index.lead_id(row);
        let mut overlay: Overlay = Vec::new();
        let mut history: Vec<i64> = Vec::new();
        let mut at = self.streams[stream].active_from;
        for round in 0..50u32 {
            records.entries[stream] += 1;
            let (ended, outcome) = self.walk(
                index,
                row,
                lead_id,
                stream,
                at,
                zone,
                &mut overlay,
                &mut history,
                records,
                trace.as_deref_mut(),
                round,
            );
            *records.outcomes.entry(outcome).or_default() += 1;
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
            let still = self.matches(index, &self.streams[stream].eligibility, row, at, &overlay);
            if !still {
                return;
            }
            if let Some(trace) = trace.as_deref_mut() {
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

/// `at` in `zone`, if `at` is within chrono's calendar.
fn local_time(at: i64, zone: Tz) -> Option<DateTime<Tz>> {
    DateTime::<Utc>::from_timestamp(at, 0).map(|utc| utc.with_timezone(&zone))
}

/// `from_hour`:00 on `date` in `zone`, as an instant (the next valid
/// instant if that hour does not exist on that day).
fn start_of_window(zone: Tz, date: NaiveDate, from_hour: u8) -> i64 {
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
fn next_in_window(at: i64, zone: Tz, weekdays: &[u8], from_hour: u8, to_hour: u8) -> i64 {
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

fn local_text(at: i64, zone: Tz) -> String {
    match Utc.timestamp_opt(at, 0).single() {
        Some(utc) => utc
            .with_timezone(&zone)
            .format("%a %Y-%m-%d %H:%M")
            .to_string(),
        None => "never".into(),
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

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub streams: Vec<Stream>,
    /// First day (00:00 in UTC).
    pub from: NaiveDate,
    pub days: u32,
    /// When entry eligibility is decided (entry segments evaluated as of
    /// this instant); exit goals and branches are evaluated as of each
    /// simulated step.
    pub as_of: i64,
    pub settings: PlanSettings,
}

impl PlanRequest {
    /// Checks the settings, the number of days, the first day and the as-of
    /// instant against their documented ranges ([`limits`]).
    pub fn check(&self) -> Result<()> {
        self.settings.check()?;
        limits::check(
            "the number of days to plan",
            self.days,
            &limits::HORIZON_DAYS,
            " days",
        )?;
        limits::check_date("the plan's first day", self.from)?;
        limits::check_instant("the as-of instant", self.as_of)?;
        Ok(())
    }
}

/// Prepares the planner: compiled streams, loaded columns, eligibility.
fn prepare<'s>(
    workspace: &Workspace,
    request: &'s PlanRequest,
    index: &mut LeadIndex,
) -> Result<(Planner<'s>, Vec<segments::index::Bitset>)> {
    request.check()?;
    let start = request.from.and_time(NaiveTime::MIN).and_utc().timestamp();
    let end = start + i64::from(request.days) * DAY - 1;
    let conn = workspace.conn();
    let (streams, skipped) = compile_streams(workspace, &request.streams, (start, end))?;
    // Every field any condition or the planner itself reads, loaded together.
    let mut fields: Vec<compile::FieldRef> =
        ["do_not_email", "email_opt_in", "timezone", "country"]
            .iter()
            .map(|key| compile::field_ref(conn, key))
            .collect::<Result<_>>()?;
    let mut conditions: Vec<&Condition> = Vec::new();
    for stream in &streams {
        conditions.push(&stream.eligibility);
        conditions.extend(stream.goal.as_ref());
        conditions.extend(stream.nodes.iter().filter_map(|n| n.condition.as_ref()));
    }
    for condition in &conditions {
        segments::index::fields_of(condition, &mut fields);
    }
    index.load_fields(conn, &fields)?;
    for condition in conditions {
        index.prepare(conn, condition)?;
    }
    let eligible: Vec<segments::index::Bitset> = streams
        .iter()
        .map(|s| {
            if s.active_from > s.active_until {
                segments::index::Bitset::empty(index.len())
            } else {
                index.evaluate(&s.eligibility, request.as_of)
            }
        })
        .collect();
    let quiet = request
        .settings
        .quiet_dates
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .collect();
    let planner = Planner {
        settings: &request.settings,
        default_zone: parse_zone(&request.settings.default_timezone).unwrap_or(Tz::UTC),
        streams,
        start,
        end,
        quiet,
        zones_by_code: HashMap::new(),
        valid_email: valid_emails(conn, index)?,
        skipped,
    };
    Ok((planner, eligible))
}

/// Plans every lead. See the module documentation.
pub fn plan(workspace: &Workspace, request: &PlanRequest) -> Result<PlanRun> {
    run_plan(workspace, request, true)
}

/// Plans every lead and returns the summary only (no list of sends).
pub fn plan_summary(workspace: &Workspace, request: &PlanRequest) -> Result<Plan> {
    Ok(run_plan(workspace, request, false)?.plan)
}

fn run_plan(workspace: &Workspace, request: &PlanRequest, with_sends: bool) -> Result<PlanRun> {
    segments::with_index(workspace, |index| {
        let (mut planner, eligible) = prepare(workspace, request, index)?;
        let mut records = Records::new(&planner);
        let mut leads_per_stream = vec![0u64; planner.streams.len()];
        let mut overlaps: HashMap<(usize, usize), u64> = HashMap::new();
        let mut suppressed_leads = Vec::new();
        let mut suppressed: HashMap<&'static str, u64> = HashMap::new();
        let mut eligible_count = 0u64;
        let mut zones: Vec<Tz> = Vec::new();
        let mut zone_of_row: Vec<u16> = vec![u16::MAX; index.len()];
        #[allow(clippy::needless_range_loop)] // `row` also indexes the lead index
        for row in 0..index.len() {
            let Some((stream, others)) = planner.choose(&eligible, row) else {
                continue;
            };
            eligible_count += 1;
            if let Some(reason) = planner.suppression(index, row) {
                *suppressed.entry(reason).or_default() += 1;
                suppressed_leads.push(SuppressedLead {
                    lead_id: index.lead_id(row),
                    reason: reason.to_owned(),
                });
                continue;
            }
            for other in others {
                *overlaps.entry((stream, other)).or_default() += 1;
            }
            leads_per_stream[stream] += 1;
            let zone = planner.zone(index, row);
            let zone_code = match zones.iter().position(|z| *z == zone) {
                Some(code) => code as u16,
                None => {
                    zones.push(zone);
                    (zones.len() - 1) as u16
                }
            };
            zone_of_row[row] = zone_code;
            planner.plan_lead(index, row, stream, &mut records, None, zone);
        }
        summarise(
            workspace.conn(),
            request,
            &planner,
            index,
            records,
            Summary {
                eligible: eligible_count,
                leads_per_stream,
                overlaps,
                suppressed,
                suppressed_leads,
                zones,
                zone_of_row,
            },
            with_sends,
        )
    })
}

struct Summary {
    eligible: u64,
    leads_per_stream: Vec<u64>,
    overlaps: HashMap<(usize, usize), u64>,
    suppressed: HashMap<&'static str, u64>,
    suppressed_leads: Vec<SuppressedLead>,
    zones: Vec<Tz>,
    zone_of_row: Vec<u16>,
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

fn summarise(
    conn: &Connection,
    request: &PlanRequest,
    planner: &Planner<'_>,
    index: &LeadIndex,
    records: Records,
    summary: Summary,
    with_sends: bool,
) -> Result<PlanRun> {
    let library: HashMap<i64, String> = content::list(conn)?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect();
    let mut sends = Vec::with_capacity(records.sends.len());
    let mut per_day: HashMap<NaiveDate, u64> = HashMap::new();
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
        let content = per_content.entry(content_id).or_insert((0, 0, u32::MAX));
        content.0 += 1;
        if content.2 != row {
            content.1 += 1;
            content.2 = row;
        }
        let zone = summary.zones[summary.zone_of_row[row as usize] as usize];
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
            lead_id: index.lead_id(row as usize),
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
            StreamPlan {
                stream_id: compiled.stream.id,
                name: compiled.stream.name.clone(),
                priority: compiled.stream.priority,
                leads: summary.leads_per_stream[i],
                entries: records.entries[i],
                sends: sends_per_stream[i],
                also_eligible: also,
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
                .map(|s| index.lead_id(s.0 as usize))
                .collect();
            ids.dedup();
            ids.truncate(100);
            ids
        },
        skipped: planner.skipped.clone(),
    };
    Ok(PlanRun { plan, sends })
}

fn send_outside_calendar(at: i64) -> Error {
    limits::out_of_range(
        "the time of a send",
        limits::dates_text(),
        limits::grouped(at),
    )
}

/// One lead's journey through the plan, step by step with explanations.
pub fn journey(workspace: &Workspace, request: &PlanRequest, lead_id: i64) -> Result<LeadJourney> {
    segments::with_index(workspace, |index| {
        let (mut planner, eligible) = prepare(workspace, request, index)?;
        let row = index
            .row_of_lead(lead_id)
            .ok_or(Error::UnknownLead { id: lead_id })?;
        let zone = planner.zone(index, row);
        let mut entries = Vec::new();
        let status = match planner.choose(&eligible, row) {
            None => "not in any stream's entry segments".to_owned(),
            Some((stream, others)) => match planner.suppression(index, row) {
                Some(reason) => format!("suppressed: {reason}"),
                None => {
                    let mut records = Records::new(&planner);
                    planner.plan_lead(index, row, stream, &mut records, Some(&mut entries), zone);
                    let library: HashMap<i64, String> = content::list(workspace.conn())?
                        .into_iter()
                        .map(|i| (i.id, i.title))
                        .collect();
                    for entry in &mut entries {
                        if let Some(rest) = entry.step.strip_prefix("Send content #") {
                            if let Some(title) =
                                rest.parse::<i64>().ok().and_then(|id| library.get(&id))
                            {
                                entry.step = format!("Send “{title}”");
                            }
                        }
                    }
                    let also: Vec<String> = others
                        .iter()
                        .map(|&o| format!("“{}”", planner.streams[o].stream.name))
                        .collect();
                    let name = &planner.streams[stream].stream.name;
                    if also.is_empty() {
                        format!("enters “{name}”")
                    } else {
                        format!(
                            "enters “{name}” (highest priority; also eligible for {})",
                            also.join(", ")
                        )
                    }
                }
            },
        };
        Ok(LeadJourney {
            lead_id,
            timezone: zone.name().to_owned(),
            status,
            entries,
        })
    })
}

/// The plan's sends as CSV for an email tool: one row per send with the
/// lead's email, the send time in UTC and in the lead's zone, the stream,
/// step, content title, subject and link. Safe against formula injection.
pub fn write_sends_csv(conn: &Connection, run: &PlanRun, out: impl std::io::Write) -> Result<u64> {
    use crate::export::csv_safe;
    let library: HashMap<i64, content::ContentItem> = content::list(conn)?
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
        let mut statement = conn.prepare_cached(
            "SELECT id, email FROM leads WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = statement.query_map([serde_json::to_string(chunk)?], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (id, email) = row?;
            emails.insert(id, email.unwrap_or_default().trim().to_owned());
        }
    }
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
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
        writer.write_record(record.iter().map(|cell| csv_safe(cell).into_owned()))?;
        written += 1;
    }
    writer.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::model::{
        self, StreamDefinition, StreamDraft, StreamEdge, StreamNode, WaitUnit,
    };
    use proptest::prelude::*;
    use serde_json::json;

    const ANCHOR: i64 = 1_790_035_200; // 2026-09-22 00:00 UTC, a Tuesday

    fn demo(leads: u32) -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads,
                events_per_lead: 6,
                seed: 11,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        workspace
    }

    fn request(streams: Vec<Stream>, settings: PlanSettings, days: u32) -> PlanRequest {
        PlanRequest {
            streams,
            from: DateTime::<Utc>::from_timestamp(ANCHOR, 0)
                .unwrap()
                .date_naive(),
            days,
            as_of: ANCHOR,
            settings,
        }
    }

    /// Checks every invariant the issue names on one plan.
    fn check_invariants(
        workspace: &Workspace,
        request: &PlanRequest,
        run: &PlanRun,
    ) -> std::result::Result<(), String> {
        let settings = &request.settings;
        let suppressed: std::collections::HashSet<i64> = run
            .plan
            .suppressed_leads
            .iter()
            .map(|s| s.lead_id)
            .collect();
        let mut by_lead: HashMap<i64, Vec<&PlannedSend>> = HashMap::new();
        for send in &run.sends {
            if suppressed.contains(&send.lead_id) {
                return Err(format!("suppressed lead {} has a send", send.lead_id));
            }
            let zone = parse_zone(&send.timezone).unwrap();
            let local = Utc.timestamp_opt(send.at, 0).unwrap().with_timezone(&zone);
            let weekday = local.weekday().number_from_monday() as u8;
            let hour = local.hour() as u8;
            if !settings.send_window.weekdays.contains(&weekday)
                || hour < settings.send_window.from_hour
                || hour >= settings.send_window.to_hour
            {
                return Err(format!(
                    "send outside its window: {local} for lead {}",
                    send.lead_id
                ));
            }
            if settings
                .quiet_dates
                .contains(&local.format("%Y-%m-%d").to_string())
            {
                return Err(format!("send on a quiet date: {local}"));
            }
            by_lead.entry(send.lead_id).or_default().push(send);
        }
        if let Some(cap) = settings.frequency_cap {
            let span = i64::from(cap.per_days) * DAY;
            for (lead, sends) in &by_lead {
                let mut times: Vec<i64> = sends.iter().map(|s| s.at).collect();
                times.sort_unstable();
                for (i, &end) in times.iter().enumerate() {
                    let in_window = times[..=i].iter().filter(|&&t| t > end - span).count();
                    if in_window > cap.max as usize {
                        return Err(format!(
                            "lead {lead} gets {in_window} sends in {} days",
                            cap.per_days
                        ));
                    }
                }
            }
        }
        // Every eligible lead is accounted for: it entered a stream or was suppressed.
        let entered: u64 = run.plan.streams.iter().map(|s| s.leads).sum();
        let suppressed_count: u64 = run.plan.suppressed.iter().map(|r| r.count).sum();
        if entered + suppressed_count != run.plan.eligible
            || suppressed_count != suppressed.len() as u64
        {
            return Err(format!(
                "eligible {} != entered {entered} + suppressed {suppressed_count}",
                run.plan.eligible
            ));
        }
        // Every entry ended with exactly one outcome.
        let entries: u64 = run.plan.streams.iter().map(|s| s.entries).sum();
        let outcomes: u64 = run.plan.outcomes.iter().map(|r| r.count).sum();
        // (The demo streams move nobody between streams, so one outcome per entry.)
        if outcomes != entries {
            return Err(format!("{outcomes} outcomes for {entries} entries"));
        }
        let _ = workspace;
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn plans_keep_every_promise(
            max in 1u32..4,
            per_days in 1u32..10,
            from_hour in 6u8..12,
            length in 1u8..9,
            weekdays in prop::sample::subsequence(vec![1u8, 2, 3, 4, 5, 6, 7], 1..=7),
            quiet_offsets in prop::collection::vec(0i64..40, 0..4),
            require_opt_in in any::<bool>(),
            seed in any::<u64>(),
            zone in prop::sample::select(vec!["UTC", "America/New_York", "Asia/Kolkata"]),
        ) {
            let workspace = demo(250);
            let settings = PlanSettings {
                send_window: SendWindow { weekdays, from_hour, to_hour: from_hour + length },
                default_timezone: zone.into(),
                frequency_cap: Some(FrequencyCap { max, per_days }),
                quiet_dates: quiet_offsets
                    .iter()
                    .map(|d| DateTime::<Utc>::from_timestamp(ANCHOR + d * DAY, 0).unwrap().format("%Y-%m-%d").to_string())
                    .collect(),
                require_opt_in,
                seed,
            };
            let streams = model::list(workspace.conn()).unwrap();
            let request = request(streams, settings, 60);
            let run = plan(&workspace, &request).unwrap();
            prop_assert!(run.plan.sends > 0);
            check_invariants(&workspace, &request, &run).map_err(TestCaseError::fail)?;
            // The same inputs and seed give the same plan.
            let again = plan(&workspace, &request).unwrap();
            prop_assert_eq!(
                serde_json::to_string(&again.sends).unwrap(),
                serde_json::to_string(&run.sends).unwrap()
            );
        }
    }

    fn node(id: &str, action: NodeAction) -> StreamNode {
        StreamNode {
            id: id.into(),
            action,
            x: 0.0,
            y: 0.0,
        }
    }

    fn edge(source: &str, target: &str, handle: Option<&str>) -> StreamEdge {
        StreamEdge {
            id: format!("{source}-{target}"),
            source: source.into(),
            target: target.into(),
            handle: handle.map(str::to_owned),
        }
    }

    fn segment(workspace: &Workspace, name: &str) -> i64 {
        crate::segments::saved::list(workspace.conn())
            .unwrap()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
    }

    fn save(
        workspace: &Workspace,
        name: &str,
        priority: i32,
        definition: StreamDefinition,
    ) -> Stream {
        model::save(
            workspace,
            None,
            &StreamDraft {
                name: name.into(),
                priority,
                is_active: true,
                definition,
            },
        )
        .unwrap()
    }

    fn any_content(workspace: &Workspace) -> i64 {
        content::list(workspace.conn())
            .unwrap()
            .into_iter()
            .find(|i| i.title == "Monthly newsletter")
            .unwrap()
            .id
    }

    fn definition(
        segments: Vec<i64>,
        nodes: Vec<StreamNode>,
        edges: Vec<StreamEdge>,
    ) -> StreamDefinition {
        StreamDefinition {
            entry_segments: segments,
            reentry: Reentry::Once,
            exit_goal: None,
            active_from: None,
            active_until: None,
            nodes,
            edges,
        }
    }

    #[test]
    fn an_updated_field_is_seen_by_a_later_branch() {
        let workspace = demo(200);
        let item = any_content(&workspace);
        let stream = save(&workspace, "update then branch", 1, definition(
            vec![segment(&workspace, "Awareness stage")],
            vec![
                node("entry", NodeAction::Entry),
                node("set", NodeAction::UpdateField { field: "buying_stage".into(), value: json!("Decision") }),
                node("check", NodeAction::Branch {
                    rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "buying_stage", "operator": "=", "value": "decision"}]})).unwrap(),
                    rate: None,
                }),
                node("yes", NodeAction::Send { content_id: item }),
                node("no", NodeAction::Exit),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "set", None), edge("set", "check", None), edge("check", "yes", Some("yes")), edge("check", "no", Some("no")), edge("yes", "exit", None)],
        ));
        let run = plan(
            &workspace,
            &request(
                vec![stream],
                PlanSettings {
                    require_opt_in: false,
                    frequency_cap: None,
                    ..PlanSettings::default()
                },
                30,
            ),
        )
        .unwrap();
        let nodes = &run.plan.streams[0].nodes;
        let hits = |id: &str| nodes.iter().find(|n| n.node_id == id).unwrap().leads;
        assert!(hits("check") > 0);
        assert_eq!(hits("yes"), hits("check"));
        assert_eq!(hits("no"), 0);
    }

    #[test]
    fn overlapping_leads_enter_the_highest_priority_stream_only() {
        let workspace = demo(300);
        let item = any_content(&workspace);
        let flow = || {
            (
                vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "send", None), edge("send", "exit", None)],
            )
        };
        let (nodes, edges) = flow();
        let low = save(
            &workspace,
            "low",
            1,
            definition(
                vec![segment(&workspace, "Technical decision makers")],
                nodes,
                edges,
            ),
        );
        let (nodes, edges) = flow();
        let high = save(
            &workspace,
            "high",
            9,
            definition(
                vec![
                    segment(&workspace, "Technical decision makers"),
                    segment(&workspace, "Enterprise"),
                ],
                nodes,
                edges,
            ),
        );
        let run = plan(
            &workspace,
            &request(
                vec![low.clone(), high.clone()],
                PlanSettings {
                    require_opt_in: false,
                    ..PlanSettings::default()
                },
                30,
            ),
        )
        .unwrap();
        let low_plan = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == low.id)
            .unwrap();
        let high_plan = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == high.id)
            .unwrap();
        assert_eq!(
            low_plan.leads, 0,
            "every technical decision maker is also in the higher stream"
        );
        assert!(high_plan.leads > 0);
        let overlap = high_plan
            .also_eligible
            .iter()
            .find(|o| o.stream_id == low.id)
            .unwrap();
        assert!(overlap.leads > 0 && overlap.leads <= high_plan.leads);
        assert!(run.sends.iter().all(|s| s.stream_id == high.id));
    }

    #[test]
    fn exit_goals_and_suppression_are_reported() {
        let workspace = demo(300);
        let item = any_content(&workspace);
        let mut def = definition(
            vec![segment(&workspace, "Practitioners")],
            vec![
                node("entry", NodeAction::Entry),
                node(
                    "wait",
                    NodeAction::Wait {
                        amount: 2,
                        unit: WaitUnit::Days,
                    },
                ),
                node("send", NodeAction::Send { content_id: item }),
                node("exit", NodeAction::Exit),
            ],
            vec![
                edge("entry", "wait", None),
                edge("wait", "send", None),
                edge("send", "exit", None),
            ],
        );
        def.exit_goal = Some(RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]})).unwrap());
        let stream = save(&workspace, "goal", 1, def);
        let run = plan(
            &workspace,
            &request(vec![stream], PlanSettings::default(), 30),
        )
        .unwrap();
        let goal = run
            .plan
            .outcomes
            .iter()
            .find(|o| o.reason == "exit goal reached")
            .map(|o| o.count)
            .unwrap_or(0);
        assert!(goal > 0, "{:?}", run.plan.outcomes);
        assert!(
            run.plan
                .suppressed
                .iter()
                .any(|r| r.reason == "no email opt-in" && r.count > 0),
            "{:?}",
            run.plan.suppressed
        );
        let germans: std::collections::HashSet<i64> = crate::segments::members(
            &workspace,
            &RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]})).unwrap(),
            ANCHOR, 0, usize::MAX,
        ).unwrap().into_iter().collect();
        assert!(run.sends.iter().all(|s| !germans.contains(&s.lead_id)));
    }

    /// The import refuses `ann@example..com`; the planner once thought it
    /// could e-mail it. Both now ask `text::is_email_address`.
    #[test]
    fn planner_and_import_agree_on_an_address_with_an_empty_domain_label() {
        let workspace = demo(300);
        let item = any_content(&workspace);
        let practitioners = segment(&workspace, "Practitioners");
        let lead: i64 = crate::segments::members(
            &workspace,
            &crate::segments::saved::get(workspace.conn(), practitioners)
                .unwrap()
                .rules,
            ANCHOR,
            0,
            1,
        )
        .unwrap()[0];
        workspace
            .conn()
            .execute(
                "UPDATE leads SET email = 'ann@example..com', email_opt_in = 1, do_not_email = 0 WHERE id = ?1",
                [lead],
            )
            .unwrap();
        assert!(crate::import::normalize::normalize_email("ann@example..com").is_none());
        let def = definition(
            vec![practitioners],
            vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "send", None), edge("send", "exit", None)],
        );
        let stream = save(&workspace, "one send", 1, def);
        let run = plan(
            &workspace,
            &request(vec![stream], PlanSettings::default(), 30),
        )
        .unwrap();
        assert!(
            run.sends.iter().all(|send| send.lead_id != lead),
            "no send to an address the import would refuse"
        );
        assert!(
            run.plan
                .suppressed
                .iter()
                .any(|r| r.reason == "no valid email address" && r.count >= 1),
            "{:?}",
            run.plan.suppressed
        );
    }

    #[test]
    fn journeys_explain_moves_and_csv_is_safe() {
        let workspace = demo(300);
        let conn = workspace.conn();
        let evil = content::save(
            conn,
            None,
            &content::ContentDraft {
                title: "=HYPERLINK(\"x\")".into(),
                kind: content::ContentKind::Newsletter,
                subject: "+subject".into(),
                link: "@link".into(),
                body: String::new(),
                personas: vec![],
                stages: vec![],
                lifecycles: vec![],
            },
        )
        .unwrap();
        let stream = save(
            &workspace,
            "two quick sends",
            1,
            definition(
                vec![segment(&workspace, "Executive decision makers")],
                vec![
                    node("entry", NodeAction::Entry),
                    node(
                        "first",
                        NodeAction::Send {
                            content_id: evil.id,
                        },
                    ),
                    node(
                        "second",
                        NodeAction::Send {
                            content_id: evil.id,
                        },
                    ),
                    node("exit", NodeAction::Exit),
                ],
                vec![
                    edge("entry", "first", None),
                    edge("first", "second", None),
                    edge("second", "exit", None),
                ],
            ),
        );
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: Some(FrequencyCap {
                max: 1,
                per_days: 7,
            }),
            ..PlanSettings::default()
        };
        let request = request(vec![stream], settings, 30);
        let run = plan(&workspace, &request).unwrap();
        assert!(
            run.plan
                .moved
                .iter()
                .any(|m| m.reason == "frequency cap" && m.count > 0),
            "{:?}",
            run.plan.moved
        );
        let lead = run.sends[0].lead_id;
        let journey = journey(&workspace, &request, lead).unwrap();
        assert!(
            journey.status.starts_with("enters “two quick sends”"),
            "{}",
            journey.status
        );
        assert!(
            journey.entries.iter().any(|e| e
                .note
                .as_deref()
                .is_some_and(|n| n.contains("frequency cap"))),
            "{:?}",
            journey.entries
        );
        let mut csv = Vec::new();
        write_sends_csv(conn, &run, &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with(
            "email,send_at_utc,send_at_local,timezone,stream,step,content,subject,link\n"
        ));
        assert!(
            text.contains("\"'=HYPERLINK(\"\"x\"\")\",'+subject,'@link"),
            "{text}"
        );
    }

    #[test]
    fn moving_to_another_stream_continues_there() {
        let workspace = demo(200);
        let item = any_content(&workspace);
        let target = save(
            &workspace,
            "follow-up",
            1,
            definition(
                vec![segment(&workspace, "Former customers")],
                vec![
                    node("entry", NodeAction::Entry),
                    node("later", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "later", None), edge("later", "exit", None)],
            ),
        );
        let mut source = save(
            &workspace,
            "first",
            5,
            definition(
                vec![segment(&workspace, "Practitioners")],
                vec![
                    node("entry", NodeAction::Entry),
                    node("hello", NodeAction::Send { content_id: item }),
                    node(
                        "wait",
                        NodeAction::Wait {
                            amount: 1,
                            unit: WaitUnit::Weeks,
                        },
                    ),
                    node(
                        "move",
                        NodeAction::MoveToStream {
                            stream_id: target.id,
                        },
                    ),
                ],
                vec![
                    edge("entry", "hello", None),
                    edge("hello", "wait", None),
                    edge("wait", "move", None),
                ],
            ),
        );
        source.is_active = true;
        // Only the first stream is planned; the one it moves leads into comes along.
        let run = plan(
            &workspace,
            &request(
                vec![source.clone()],
                PlanSettings {
                    require_opt_in: false,
                    frequency_cap: None,
                    ..PlanSettings::default()
                },
                60,
            ),
        )
        .unwrap();
        let first = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == source.id)
            .unwrap();
        let follow = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == target.id)
            .unwrap();
        assert!(first.leads > 0);
        assert_eq!(follow.leads, 0, "nobody enters the follow-up directly");
        assert_eq!(follow.entries, first.leads, "everyone moved on");
        let hits = |plan: &StreamPlan, id: &str| {
            plan.nodes.iter().find(|n| n.node_id == id).unwrap().leads
        };
        assert_eq!(hits(follow, "later"), first.leads);
        // Each lead got both emails, the second a week or more after the first.
        let mut by_lead: HashMap<i64, Vec<i64>> = HashMap::new();
        for send in &run.sends {
            by_lead.entry(send.lead_id).or_default().push(send.at);
        }
        assert_eq!(by_lead.len() as u64, first.leads);
        assert!(by_lead
            .values()
            .all(|times| times.len() == 2 && times[1] - times[0] >= 7 * DAY));
        assert_eq!(
            run.plan.outcomes.iter().map(|o| o.count).sum::<u64>(),
            first.leads,
            "one outcome per lead, however many streams it went through"
        );
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason_and_nothing_is_stored() {
        let workspace = Workspace::in_memory().unwrap();
        let conn = workspace.conn();
        let custom = PlanSettings {
            default_timezone: "Europe/Berlin".into(),
            quiet_dates: vec!["2026-12-25".into()],
            ..PlanSettings::default()
        };
        save_settings(conn, &custom).unwrap();
        assert_eq!(load_settings(conn).unwrap(), custom);
        let cases: Vec<(PlanSettings, &str)> = vec![
            (
                PlanSettings {
                    default_timezone: "Mars/Olympus".into(),
                    ..custom.clone()
                },
                "not a time zone",
            ),
            (
                PlanSettings {
                    send_window: SendWindow {
                        weekdays: vec![8],
                        from_hour: 9,
                        to_hour: 17,
                    },
                    ..custom.clone()
                },
                "weekdays",
            ),
            (
                PlanSettings {
                    send_window: SendWindow {
                        weekdays: vec![1],
                        from_hour: 17,
                        to_hour: 9,
                    },
                    ..custom.clone()
                },
                "not a window",
            ),
            (
                PlanSettings {
                    frequency_cap: Some(FrequencyCap {
                        max: 0,
                        per_days: 7,
                    }),
                    ..custom.clone()
                },
                "frequency cap",
            ),
            (
                PlanSettings {
                    quiet_dates: vec!["25/12/2026".into()],
                    ..custom.clone()
                },
                "each quiet date must be a date from 1900-01-01 to 2199-12-31 (YYYY-MM-DD), not `25/12/2026`",
            ),
        ];
        for (bad, reason) in cases {
            let error = save_settings(conn, &bad).unwrap_err().to_string();
            assert!(error.contains(reason), "{error}");
        }
        assert_eq!(
            load_settings(conn).unwrap(),
            custom,
            "the stored settings are untouched"
        );
    }

    #[test]
    fn slots_respect_windows_in_the_lead_zone() {
        let settings = PlanSettings::default();
        let planner = Planner {
            settings: &settings,
            streams: Vec::new(),
            start: 0,
            end: i64::MAX,
            quiet: vec![NaiveDate::from_ymd_opt(2026, 9, 23).unwrap()],
            default_zone: Tz::UTC,
            zones_by_code: HashMap::new(),
            valid_email: Vec::new(),
            skipped: Vec::new(),
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

    fn active_streams(workspace: &Workspace) -> Vec<Stream> {
        model::list(workspace.conn())
            .unwrap()
            .into_iter()
            .filter(|s| s.is_active)
            .collect()
    }

    #[test]
    fn planner_does_not_panic_on_huge_frequency_cap() {
        let workspace = demo(120);
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: Some(FrequencyCap {
                max: 2,
                per_days: 100_000_000,
            }),
            ..PlanSettings::default()
        };
        let error = plan(
            &workspace,
            &request(active_streams(&workspace), settings.clone(), 60),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("frequency cap") && error.contains("1 to 365 days"),
            "{error}"
        );
        // The settings dialog is refused the same values, with the same reason.
        let refused = save_settings(workspace.conn(), &settings)
            .unwrap_err()
            .to_string();
        assert_eq!(refused, error);
    }

    #[test]
    fn planner_does_not_panic_on_a_plan_from_the_end_of_time() {
        let workspace = demo(120);
        let end_of_time = NaiveDate::from_ymd_opt(262_142, 12, 30).unwrap();
        for from in [end_of_time, NaiveDate::MAX, NaiveDate::MIN] {
            let mut request = request(active_streams(&workspace), PlanSettings::default(), 60);
            request.from = from;
            let error = plan(&workspace, &request).unwrap_err().to_string();
            assert!(
                error.contains("first day") && error.contains("1900-01-01 to 2199-12-31"),
                "{from}: {error}"
            );
        }
        let mut request = request(active_streams(&workspace), PlanSettings::default(), 60);
        request.as_of = i64::MAX;
        let error = plan(&workspace, &request).unwrap_err().to_string();
        assert!(error.contains("as-of"), "{error}");
    }

    #[test]
    fn out_of_range_stored_settings_are_an_error_not_a_panic() {
        let workspace = demo(120);
        let conn = workspace.conn();
        let store = |json: serde_json::Value| {
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [SETTINGS_KEY, &json.to_string()],
            )
            .unwrap();
        };
        let mut stored = serde_json::to_value(PlanSettings::default()).unwrap();
        stored["frequency_cap"]["per_days"] = json!(100_000_000);
        store(stored);
        // Readable, so the settings dialog can show them and they can be fixed…
        let settings = load_settings(conn).unwrap();
        assert_eq!(settings.frequency_cap.unwrap().per_days, 100_000_000);
        // … but not planned.
        let error = plan(
            &workspace,
            &request(active_streams(&workspace), settings, 60),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("frequency cap"), "{error}");

        // Values that do not fit the settings at all are an error, not the defaults.
        let mut stored = serde_json::to_value(PlanSettings::default()).unwrap();
        stored["send_window"]["from_hour"] = json!(300);
        store(stored);
        let error = load_settings(conn).unwrap_err().to_string();
        assert!(
            error.contains("planner settings") && error.contains("from_hour"),
            "{error}"
        );
    }

    /// A date anywhere in chrono's calendar.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
    }

    /// A date within a year of the anchor.
    fn near_date() -> impl Strategy<Value = NaiveDate> {
        (-400i64..400).prop_map(|offset| {
            DateTime::<Utc>::from_timestamp(ANCHOR + offset * DAY, 0)
                .unwrap()
                .date_naive()
        })
    }

    fn date_text(date: NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// Text that may or may not be a date, and if so anywhere in time.
    fn any_date_text() -> impl Strategy<Value = String> {
        prop_oneof![any_date().prop_map(date_text), ".{0,12}"]
    }

    /// Every numeric and date input of a plan, each either ordinary or wild.
    #[derive(Debug, Clone)]
    struct Inputs {
        cap: Option<(u32, u32)>,
        from_hour: u8,
        to_hour: u8,
        weekdays: Vec<u8>,
        zone: String,
        quiet_dates: Vec<String>,
        from: NaiveDate,
        days: u32,
        as_of: i64,
        wait: u32,
        timeout_days: u32,
        rate: f64,
        split: Vec<u32>,
        priority: i32,
        reentry: u32,
        active_from: Option<String>,
        active_until: Option<String>,
    }

    const INPUTS: usize = 18;

    fn ordinary_inputs() -> impl Strategy<Value = Inputs> {
        (
            (
                prop::option::of((1u32..4, 1u32..10)),
                6u8..12,
                12u8..=24,
                prop::sample::subsequence(vec![1u8, 2, 3, 4, 5, 6, 7], 1..=7),
                prop::sample::select(vec![
                    "UTC",
                    "Pacific/Kiritimati",
                    "America/St_Johns",
                    "Asia/Kolkata",
                ]),
                prop::collection::vec(near_date().prop_map(date_text), 0..3),
                near_date(),
                1u32..120,
                (ANCHOR - 400 * DAY)..(ANCHOR + 400 * DAY),
            ),
            (
                1u32..30,
                1u32..30,
                0.0f64..=1.0,
                Just(vec![30u32, 70]),
                -5i32..5,
                1u32..30,
                prop::option::of(near_date().prop_map(date_text)),
                prop::option::of(near_date().prop_map(date_text)),
            ),
        )
            .prop_map(|(a, b)| Inputs {
                cap: a.0,
                from_hour: a.1,
                to_hour: a.2,
                weekdays: a.3,
                zone: a.4.to_owned(),
                quiet_dates: a.5,
                from: a.6,
                days: a.7,
                as_of: a.8,
                wait: b.0,
                timeout_days: b.1,
                rate: b.2,
                split: b.3,
                priority: b.4,
                reentry: b.5,
                active_from: b.6,
                active_until: b.7,
            })
    }

    /// Ordinary inputs with one of them (chosen by `which`) made wild; `which`
    /// past the last input leaves them all ordinary.
    fn inputs() -> impl Strategy<Value = Inputs> {
        (
            ordinary_inputs(),
            0..=INPUTS,
            (
                any::<u32>(),
                any::<u32>(),
                any::<u8>(),
                any::<i64>(),
                any::<f64>(),
                any::<i32>(),
            ),
            (
                any_date(),
                any_date_text(),
                prop::collection::vec(any::<u8>(), 0..8),
                ".{0,12}",
            ),
            prop::collection::vec(any::<u32>(), 0..4),
        )
            .prop_map(|(mut inputs, which, numbers, dates, split)| {
                let (big, other, small, instant, rate, priority) = numbers;
                let (date, text, weekdays, zone) = dates;
                match which {
                    0 => inputs.cap = Some((1, big)),
                    1 => inputs.cap = Some((big, other)),
                    2 => inputs.from_hour = small,
                    3 => inputs.to_hour = small,
                    4 => inputs.weekdays = weekdays,
                    5 => inputs.zone = zone,
                    6 => inputs.quiet_dates.push(text),
                    7 => inputs.from = date,
                    8 => inputs.days = big,
                    9 => inputs.as_of = instant,
                    10 => inputs.wait = big,
                    11 => inputs.timeout_days = big,
                    12 => inputs.rate = rate,
                    13 => inputs.split = split,
                    14 => inputs.priority = priority,
                    15 => inputs.reentry = big,
                    16 => inputs.active_from = Some(text),
                    17 => inputs.active_until = Some(text),
                    _ => {}
                }
                inputs
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Whatever the settings, dates and step parameters, the planner
        /// answers with a plan or an error naming the input, and never panics.
        #[test]
        fn the_planner_never_panics_on_absurd_settings_and_dates(
            inputs in inputs(),
            unit in prop::sample::select(vec![WaitUnit::Hours, WaitUnit::Days, WaitUnit::Weeks]),
            seed in any::<u64>(),
        ) {
            let workspace = demo(60);
            let item = any_content(&workspace);
            let paths = inputs.split.len().max(1);
            let mut nodes = vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node("wait", NodeAction::Wait { amount: inputs.wait, unit }),
                node("event", NodeAction::WaitUntil {
                    until: WaitCondition::Event {
                        event_type: "email_click".into(),
                        timeout_days: inputs.timeout_days,
                        rate: Some(inputs.rate),
                    },
                }),
                node("split", NodeAction::Split { percentages: inputs.split.clone() }),
            ];
            let mut edges = vec![
                edge("entry", "send", None),
                edge("send", "wait", None),
                edge("wait", "event", None),
                edge("event", "split", Some("event")),
                edge("event", "split", Some("timeout")),
            ];
            for path in 0..paths {
                let again = format!("again{path}");
                nodes.push(node(&again, NodeAction::Send { content_id: item }));
                nodes.push(node(&format!("exit{path}"), NodeAction::Exit));
                edges.push(edge("split", &again, Some(&path.to_string())));
                edges.push(edge(&again, &format!("exit{path}"), None));
            }
            let mut stepped = definition(vec![segment(&workspace, "Practitioners")], nodes, edges);
            stepped.reentry = Reentry::AfterDays { days: inputs.reentry };
            stepped.active_from = inputs.active_from.clone();
            stepped.active_until = inputs.active_until.clone();
            let stepped = Stream {
                id: -1,
                name: "every step".into(),
                priority: inputs.priority,
                is_active: true,
                definition: stepped,
            };
            let settings = PlanSettings {
                send_window: SendWindow {
                    weekdays: inputs.weekdays.clone(),
                    from_hour: inputs.from_hour,
                    to_hour: inputs.to_hour,
                },
                default_timezone: inputs.zone.clone(),
                frequency_cap: inputs.cap.map(|(max, per_days)| FrequencyCap { max, per_days }),
                quiet_dates: inputs.quiet_dates.clone(),
                require_opt_in: false,
                seed,
            };
            let mut streams = active_streams(&workspace);
            streams.push(stepped.clone());
            let request = PlanRequest { streams, from: inputs.from, days: inputs.days, as_of: inputs.as_of, settings };
            // A panic fails the test; a plan or an error are both answers.
            match plan(&workspace, &request) {
                Ok(run) => {
                    let start = request.from.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
                    let end = start + i64::from(request.days) * DAY;
                    prop_assert!(run.sends.iter().all(|s| (start..end).contains(&s.at)));
                    if let Some(send) = run.sends.first() {
                        journey(&workspace, &request, send.lead_id).unwrap();
                    }
                    // A step parameter out of range leaves that stream out, named.
                    let own_problems = model::problems(&workspace, &stepped).unwrap();
                    prop_assert_eq!(
                        run.plan.skipped.iter().any(|s| s.stream_id == -1),
                        !own_problems.is_empty()
                    );
                }
                // Only inputs out of range are refused: the demo streams can always be planned.
                Err(error) => prop_assert!(request.check().is_err(), "refused in-range inputs: {}", error),
            }
        }
    }

    fn saved_segment(workspace: &Workspace, name: &str, rules: serde_json::Value) -> i64 {
        crate::segments::saved::create(
            workspace,
            &crate::segments::saved::SegmentDraft {
                name: name.into(),
                description: String::new(),
                color: "#4f46e5".into(),
                folder: String::new(),
                rules: RuleGroup::from_value(&rules).unwrap(),
            },
        )
        .unwrap()
        .id
    }

    #[test]
    fn planning_skips_a_stream_whose_segment_was_deleted_and_plans_the_others() {
        let workspace = demo(200);
        let item = any_content(&workspace);
        let germans = json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]});
        let entry_segment = saved_segment(&workspace, "Germans", germans.clone());
        let rule_segment = saved_segment(&workspace, "Germans again", germans);
        let simple = |segments: Vec<i64>| {
            definition(
                segments,
                vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "send", None), edge("send", "exit", None)],
            )
        };
        let orphan = save(
            &workspace,
            "orphaned entry",
            99,
            simple(vec![entry_segment]),
        );
        let mut branching = simple(vec![segment(&workspace, "Practitioners")]);
        branching.nodes[1] = node(
            "send",
            NodeAction::Branch {
                rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "segment", "operator": "in", "value": rule_segment}]})).unwrap(),
                rate: None,
            },
        );
        branching.nodes.push(node("no", NodeAction::Exit));
        branching.edges[1].handle = Some("yes".into());
        branching.edges.push(edge("send", "no", Some("no")));
        let orphan_rule = save(&workspace, "orphaned branch", 98, branching);
        // A stream moving leads into a broken stream cannot be planned either.
        let mut mover = simple(vec![segment(&workspace, "Practitioners")]);
        mover.nodes[2] = node(
            "exit",
            NodeAction::MoveToStream {
                stream_id: orphan.id,
            },
        );
        let mover = save(&workspace, "moves into the orphan", 97, mover);
        // An older version, or raw SQL, deleted the segments under them.
        workspace
            .conn()
            .execute(
                "DELETE FROM segments WHERE id IN (?1, ?2)",
                [entry_segment, rule_segment],
            )
            .unwrap();
        let streams = active_streams(&workspace);
        let healthy = streams.len() - 3;
        assert!(healthy > 0);
        let settings = PlanSettings {
            require_opt_in: false,
            ..PlanSettings::default()
        };
        let request = request(streams, settings, 30);
        let run = plan(&workspace, &request).expect("the other streams are planned");
        let skipped: HashMap<i64, String> = run
            .plan
            .skipped
            .iter()
            .map(|s| (s.stream_id, s.problems.join("; ")))
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped[&orphan.id]
                .contains(&format!("entry segment #{entry_segment} no longer exists")),
            "{skipped:?}"
        );
        assert!(
            skipped[&orphan_rule.id].contains(&format!("segment {rule_segment} does not exist")),
            "{skipped:?}"
        );
        assert!(
            skipped[&mover.id].contains("“orphaned entry”, which cannot be planned"),
            "{skipped:?}"
        );
        assert_eq!(run.plan.streams.len(), healthy);
        assert!(run
            .plan
            .streams
            .iter()
            .all(|s| ![orphan.id, orphan_rule.id, mover.id].contains(&s.stream_id)));
        assert!(run.plan.sends > 0);
        // Journeys plan the same way.
        let lead = run.sends[0].lead_id;
        assert!(journey(&workspace, &request, lead)
            .unwrap()
            .status
            .starts_with("enters"));
        // With nothing left to plan, the error names every stream's problem.
        let broken = request
            .streams
            .iter()
            .filter(|s| skipped.contains_key(&s.id))
            .cloned()
            .collect();
        let error = plan(
            &workspace,
            &PlanRequest {
                streams: broken,
                ..request.clone()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("orphaned entry")
                && error.contains(&format!("entry segment #{entry_segment} no longer exists")),
            "{error}"
        );
    }
}
