//! What a plan reports, as it crosses IPC: the summary, per-stream counts,
//! sends, suppressions, skipped streams and one lead's journey.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::settings::PlanSettings;

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
    /// Leads it wanted that entered a higher-priority stream instead, by
    /// that stream: its entry count on its own minus its count here.
    pub lost_to: Vec<OverlapCount>,
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
    /// Sends per day in each lead's own time zone, the day the lead gets
    /// them (the send window's days): every day of the horizon, and a day
    /// before or after it where a zone reaches there.
    pub per_local_day: Vec<DayCount>,
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
