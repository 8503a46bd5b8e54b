//! The demo's saved hierarchies: the four built-in persona segments (which
//! do not overlap: every lead has one persona) and the built-in behaviour
//! segments by engagement (which do, so secondary segments show), so the
//! Hierarchies tab and the hierarchy rule show something real on first open.

use crate::segments::hierarchies::{self, HierarchyDraft};
use crate::store::tables::segments as segment_table;
use crate::{Result, Workspace};

/// The demo hierarchy's name.
pub const PERSONA_HIERARCHY: &str = "By persona";

/// The built-in persona segments in the demo hierarchy's order.
const PERSONA_KEYS: [&str; 4] = [
    "persona-executive",
    "persona-financial",
    "persona-technical",
    "persona-practitioner",
];

/// The second demo hierarchy's name.
pub const ENGAGEMENT_HIERARCHY: &str = "By engagement";

/// The built-in behaviour segments, most engaged first.
const ENGAGEMENT_KEYS: [&str; 5] = [
    "actions-demo-requested",
    "actions-whitepaper-downloaders",
    "actions-active-prospects",
    "actions-first-time-visitors",
    "actions-lapsed-leads",
];

/// Saves the demo's hierarchies.
pub(crate) fn install_demo_hierarchies(workspace: &mut Workspace) -> Result<()> {
    install(workspace, PERSONA_HIERARCHY, &PERSONA_KEYS)?;
    install(workspace, ENGAGEMENT_HIERARCHY, &ENGAGEMENT_KEYS)
}

/// Saves a hierarchy of built-ins by key; built-ins that are missing are left out.
fn install(workspace: &mut Workspace, name: &str, keys: &[&str]) -> Result<()> {
    let keyed = segment_table::builtin_keys_on(workspace.conn())?;
    let segments = keys
        .iter()
        .filter_map(|key| {
            keyed
                .iter()
                .find(|(_, k)| k.as_deref() == Some(*key))
                .map(|(id, _)| *id)
        })
        .collect();
    hierarchies::save(
        workspace,
        &HierarchyDraft {
            id: None,
            name: name.to_owned(),
            segments,
        },
    )?;
    Ok(())
}
