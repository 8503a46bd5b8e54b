//! ICE scores of some demo segments and streams.

use crate::{Result, Workspace};

/// ICE scores of some demo segments and streams.
pub(super) fn install_demo_ice_scores(_workspace: &mut Workspace, _anchor: i64) -> Result<()> {
    Ok(())
}
