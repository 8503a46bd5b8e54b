//! The `fields` table: the field catalogue (standard and custom fields).

use crate::{Result, Workspace};

/// How many fields the catalogue holds.
pub fn count(workspace: &Workspace) -> Result<u64> {
    super::count_rows(workspace.conn(), "fields")
}
