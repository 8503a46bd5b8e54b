//! Segment history: snapshots of every saved segment's members (roaring
//! bitmaps of lead ids), recorded once a day on open and after every import
//! or undo, kept bounded by thinning ([`thinning`]), the counts over time
//! ([`history`]), and who joined or left between two dates and why
//! ([`diff`]). What users read: `docs/strategy-history.md`.

pub mod diff;
pub mod thinning;

use roaring::RoaringBitmap;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segments::{self, saved, RuleGroup};
use crate::store::tables::history::{self as table, NewSnapshot};
use crate::{Error, Result, Workspace};

pub use diff::{diff, diff_bound, write_diff_csv, DiffLead, LeadReason, ReasonKind, SegmentDiff};

/// Why a snapshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotReason {
    /// The first opening of the day.
    Daily,
    /// After an import.
    Import,
    /// After an import was undone.
    Undo,
    /// The demo's generated data and its backfilled weeks.
    Demo,
    /// Asked for (`segment history --record`, the benchmarks).
    Manual,
}

impl SnapshotReason {
    /// The reason as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotReason::Daily => "daily",
            SnapshotReason::Import => "import",
            SnapshotReason::Undo => "undo",
            SnapshotReason::Demo => "demo",
            SnapshotReason::Manual => "manual",
        }
    }
}

/// What one recording did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordSummary {
    /// Segments whose members were recorded.
    #[ts(type = "number")]
    pub recorded: u64,
    /// Segments skipped because their rules no longer compile.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Bytes of members written.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Older snapshots thinned out.
    #[ts(type = "number")]
    pub thinned: u64,
}

/// Records every saved segment's members after the data changed, naming
/// the import that was applied or undone.
pub fn record_after_change(workspace: &mut Workspace, reason: SnapshotReason) -> Result<()> {
    let import = match reason {
        SnapshotReason::Import => table::latest_applied_import(workspace)?,
        SnapshotReason::Undo => table::latest_undone_import(workspace)?,
        _ => None,
    };
    let now = crate::time::now();
    record(workspace, now, now, reason, import.map(|i| i.id)).map(|_| ())
}

/// Records the members of every saved segment that has no snapshot today
/// (UTC): all of them on the first opening of the day, and a segment saved
/// since on the next opening.
/// Returns whether it recorded any.
pub fn record_daily_if_due(workspace: &mut Workspace) -> Result<bool> {
    let due = segments_due_today(workspace)?;
    if due.is_empty() {
        return Ok(false);
    }
    let now = crate::time::now();
    record_segments(workspace, &due, now, now, SnapshotReason::Daily, None).map(|_| true)
}

/// Would [`record_daily_if_due`] record anything? Some saved segment has no
/// snapshot today (UTC).
pub fn daily_due(workspace: &Workspace) -> Result<bool> {
    Ok(!segments_due_today(workspace)?.is_empty())
}

/// The saved segments with no snapshot today (UTC).
fn segments_due_today(workspace: &Workspace) -> Result<Vec<saved::Segment>> {
    let today = crate::time::midnight_utc(crate::time::today_utc());
    let done = table::segments_recorded_since(workspace, today)?;
    Ok(saved::list(workspace)?
        .into_iter()
        .filter(|s| !done.contains(&s.id))
        .collect())
}

/// Records every saved segment's members as of `taken_at` in one index pass
/// and one transaction, then thins each segment's older snapshots as of
/// `now`. A segment whose rules do not compile is recorded without members,
/// with the problem, and the others are recorded all the same.
pub fn record(
    workspace: &mut Workspace,
    taken_at: i64,
    now: i64,
    reason: SnapshotReason,
    import_id: Option<i64>,
) -> Result<RecordSummary> {
    let segments = saved::list(workspace)?;
    record_segments(workspace, &segments, taken_at, now, reason, import_id)
}

/// [`record`] for some of the saved segments.
fn record_segments(
    workspace: &mut Workspace,
    segments: &[saved::Segment],
    taken_at: i64,
    now: i64,
    reason: SnapshotReason,
    import_id: Option<i64>,
) -> Result<RecordSummary> {
    let checks: Vec<Option<String>> = segments
        .iter()
        .map(|s| {
            segments::validate(workspace, &s.rules)
                .err()
                .map(|e| e.to_string())
        })
        .collect();
    let valid: Vec<&RuleGroup> = segments
        .iter()
        .zip(&checks)
        .filter(|(_, problem)| problem.is_none())
        .map(|(s, _)| &s.rules)
        .collect();
    let mut bitmaps = member_bitmaps(workspace, &valid, taken_at)?.into_iter();
    let mut members: Vec<Option<(u64, Vec<u8>)>> = Vec::with_capacity(segments.len());
    for problem in &checks {
        members.push(match problem {
            Some(_) => None,
            None => {
                let bitmap = bitmaps.next().ok_or_else(|| {
                    Error::InvalidArgument("a segment's members went missing".to_owned())
                })?;
                Some((bitmap.len(), serialize(&bitmap)?))
            }
        });
    }
    let rules: Vec<String> = segments.iter().map(|s| s.rules.to_json()).collect();
    let rows: Vec<NewSnapshot<'_>> = segments
        .iter()
        .enumerate()
        .map(|(i, segment)| NewSnapshot {
            segment_id: segment.id,
            taken_at,
            reason: reason.as_str(),
            import_id,
            member_count: members[i].as_ref().map(|(count, _)| *count),
            rules: &rules[i],
            members: members[i].as_ref().map(|(_, bytes)| bytes.as_slice()),
            problem: checks[i].as_deref(),
        })
        .collect();
    let thinned =
        table::write_and_thin(workspace, &rows, now, |kept| thinning::to_thin(kept, now))?;
    Ok(RecordSummary {
        recorded: members.iter().filter(|m| m.is_some()).count() as u64,
        skipped: members.iter().filter(|m| m.is_none()).count() as u64,
        bytes: members.iter().flatten().map(|(_, b)| b.len() as u64).sum(),
        thinned,
    })
}

/// The members of each rule tree as of `as_of`, as bitmaps of lead ids.
pub(crate) fn member_bitmaps(
    workspace: &Workspace,
    rule_sets: &[&RuleGroup],
    as_of: i64,
) -> Result<Vec<RoaringBitmap>> {
    if rule_sets.is_empty() {
        return Ok(Vec::new());
    }
    segments::with_member_sets(workspace, rule_sets, as_of, |index, sets| {
        sets.iter()
            .map(|set| {
                let mut bitmap = RoaringBitmap::new();
                for row in set.ones() {
                    let id = lead_id_u32(index.lead_id(row))?;
                    if bitmap.try_push(id).is_err() {
                        bitmap.insert(id);
                    }
                }
                Ok(bitmap)
            })
            .collect()
    })
}

/// A lead id as a bitmap holds it; refuses one beyond `u32`.
pub fn lead_id_u32(id: i64) -> Result<u32> {
    u32::try_from(id).map_err(|_| {
        Error::InvalidArgument(format!(
            "lead id {id} is beyond what the segment history can record (ids 0 to {})",
            u32::MAX
        ))
    })
}

/// The bitmap as stored.
pub(crate) fn serialize(bitmap: &RoaringBitmap) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(bitmap.serialized_size());
    bitmap
        .serialize_into(&mut bytes)
        .map_err(|e| Error::InvalidArgument(format!("a snapshot could not be written: {e}")))?;
    Ok(bytes)
}

/// A stored bitmap read back.
pub(crate) fn deserialize(bytes: &[u8]) -> Result<RoaringBitmap> {
    RoaringBitmap::deserialize_from(bytes)
        .map_err(|e| Error::InvalidArgument(format!("a stored snapshot is damaged: {e}")))
}

/// One recorded snapshot of a segment, as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryPoint {
    #[ts(type = "number")]
    pub snapshot_id: i64,
    /// When the members were taken (ISO 8601, UTC).
    pub taken_at: String,
    /// `daily`, `import`, `undo` or `demo`.
    pub reason: String,
    /// The import applied or undone, with its file: `#3 leads.csv`.
    pub import: Option<String>,
    /// `None` when the segment's rules did not compile then (`problem`).
    #[ts(type = "number | null")]
    pub count: Option<u64>,
    /// Leads that joined since the previous recorded snapshot.
    #[ts(type = "number | null")]
    pub joined: Option<u64>,
    /// Leads that left since the previous recorded snapshot.
    #[ts(type = "number | null")]
    pub left: Option<u64>,
    /// The rules differ from the previous snapshot's.
    pub rules_changed: bool,
    pub problem: Option<String>,
}

/// A segment's recorded history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentHistory {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub segment_name: String,
    pub points: Vec<HistoryPoint>,
    /// Bytes the segment's stored members take.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The counts of segment `segment_id` over time, with who joined and left
/// between consecutive snapshots.
pub fn history(workspace: &Workspace, segment_id: i64) -> Result<SegmentHistory> {
    let segment = saved::get(workspace, segment_id)?;
    let rows = table::list_of_segment(workspace, segment_id)?;
    let imports = table::imports_by_id(workspace)?;
    let mut previous: Option<(RoaringBitmap, String)> = None;
    let mut points = Vec::with_capacity(rows.len());
    for row in &rows {
        let members = match table::members_of(workspace, row.id)? {
            Some(bytes) => Some(deserialize(&bytes)?),
            None => None,
        };
        let rules_changed = previous
            .as_ref()
            .is_some_and(|(_, rules)| !same_rules(rules, &row.rules));
        let (joined, left) = match (&previous, &members) {
            (Some((before, _)), Some(after)) => (
                Some(after.difference_len(before)),
                Some(before.difference_len(after)),
            ),
            _ => (None, None),
        };
        points.push(HistoryPoint {
            snapshot_id: row.id,
            taken_at: crate::leads::iso_datetime(row.taken_at),
            reason: row.reason.clone(),
            import: row
                .import_id
                .map(|id| import_label(id, imports.get(&id).map(|i| i.file_name.as_str()))),
            count: row.member_count,
            joined,
            left,
            rules_changed,
            problem: row.problem.clone(),
        });
        if let Some(members) = members {
            previous = Some((members, row.rules.clone()));
        }
    }
    Ok(SegmentHistory {
        segment_id,
        segment_name: segment.name,
        bytes: rows.iter().map(|r| r.bytes).sum(),
        points,
    })
}

/// Whether two stored rule texts are the same rules (ids and spacing aside
/// they are compared as parsed JSON).
pub(crate) fn same_rules(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// An import as the history names it: `#3 “leads.csv”`.
pub(crate) fn import_label(id: i64, file_name: Option<&str>) -> String {
    match file_name {
        Some(file) => format!("#{id} “{file}”"),
        None => format!("#{id}"),
    }
}

/// The whole history's storage: (snapshot rows, bytes of members).
pub fn storage(workspace: &Workspace) -> Result<(u64, u64)> {
    table::storage(workspace)
}

#[cfg(test)]
mod tests;
