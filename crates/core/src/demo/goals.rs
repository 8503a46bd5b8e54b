//! Demo goals (one on track, one off) and reviews.

use crate::{Result, Workspace};

/// Demo goals (one on track, one off) and reviews.
pub(super) fn install_demo_goals_and_reviews(
    _workspace: &mut Workspace,
    _anchor: i64,
) -> Result<()> {
    Ok(())
}
