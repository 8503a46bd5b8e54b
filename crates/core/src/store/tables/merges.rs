//! The merge family's table `lead_merges`: for every lead a merge fix merged
//! into a survivor, what its undo needs to put that lead back exactly (its
//! row, custom values, undo records, moved events and segment history), and
//! the questions the undo of a change asks about merges.

use rusqlite::Transaction;

use crate::Result;

/// Why change `change_id` (an import or a fix) cannot be undone exactly
/// because of a merge, if it cannot: a later merge merged away a lead it
/// would put back or change. `None` when nothing stands in the way.
pub fn undo_blocker(_tx: &Transaction<'_>, _change_id: i64) -> Result<Option<String>> {
    // Foundation stub: the merge helper fills this in.
    Ok(None)
}

/// For the undo of change `change_id`: each later merge fix, still applied,
/// that merged away leads this change added or changed, with how many.
pub fn merged_leads_of(_tx: &Transaction<'_>, _change_id: i64) -> Result<Vec<(i64, i64)>> {
    // Foundation stub: the merge helper fills this in.
    Ok(Vec::new())
}

/// Puts back every lead merge fix `fix_id` merged away (a no-op for other
/// changes); returns how many.
pub fn restore(_tx: &Transaction<'_>, _fix_id: i64) -> Result<u64> {
    // Foundation stub: the merge helper fills this in.
    Ok(0)
}
