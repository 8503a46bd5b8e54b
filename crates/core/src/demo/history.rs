//! A few weeks of segment history before the anchor: every saved segment's
//! members as of each of the 28 days before it and as of the anchor itself,
//! evaluated with the demo's data as it is (the demo has no older data to
//! replay), so behaviour and relative date rules move leads in and out as
//! their windows slide. Recorded with the reason `demo`.

use crate::strategy::history::{record, SnapshotReason};
use crate::time::SECONDS_PER_DAY;
use crate::{Result, Workspace};

/// Days of history before the anchor.
pub const DEMO_HISTORY_DAYS: i64 = 28;
/// Above this many leads (the benchmark workspaces) only the anchor's
/// snapshot is recorded: 28 evaluations of every segment would add tens of
/// seconds to the generation.
pub const BACKFILL_MAX_LEADS: u64 = 200_000;

/// A few weeks of segment history before the anchor.
pub(super) fn install_demo_history(workspace: &mut Workspace, anchor: i64) -> Result<()> {
    let leads = crate::store::tables::leads::count(workspace)?;
    if leads <= BACKFILL_MAX_LEADS {
        for days_back in (1..=DEMO_HISTORY_DAYS).rev() {
            let taken_at = anchor - days_back * SECONDS_PER_DAY;
            record(workspace, taken_at, anchor, SnapshotReason::Demo, None)?;
        }
    }
    record(workspace, anchor, anchor, SnapshotReason::Demo, None)?;
    Ok(())
}
