//! The custom fields an import created, and their removal with the import's
//! undo: a field goes only when nothing else uses it (no value of another
//! lead, no other applied import mapping a column to it, no saved segment or
//! stream mentioning it); otherwise it stays, with the reason.

use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::spec::{ColumnTarget, ImportSpec};
use crate::store::tables::{custom_values, fields as stored_fields, imports};
use crate::Result;

/// A custom field an import created that is still in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreatedField {
    pub key: String,
    pub label: String,
}

/// A created field an undo kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeptField {
    pub label: String,
    pub reason: String,
}

/// What happened to the fields an undone import created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreatedFieldsOutcome {
    /// The labels of the fields deleted.
    pub removed: Vec<String>,
    pub kept: Vec<KeptField>,
}

/// The keys of the new fields an import's spec (stored as JSON) creates.
fn keys_created_by(mapping_json: &str) -> Vec<String> {
    let Ok(spec) = serde_json::from_str::<ImportSpec>(mapping_json) else {
        return Vec::new();
    };
    spec.columns
        .into_iter()
        .filter_map(|column| match column.target {
            ColumnTarget::NewField { key, .. } => Some(key),
            _ => None,
        })
        .collect()
}

/// The fields an import (its spec as JSON) created that are still in the
/// catalogue, in column order.
pub fn still_in_catalogue(conn: &Connection, mapping_json: &str) -> Result<Vec<CreatedField>> {
    let mut found = Vec::new();
    for key in keys_created_by(mapping_json) {
        if let Some(field) = stored_fields::find_on(conn, &key)? {
            if !field.is_standard {
                found.push(CreatedField {
                    key: field.key,
                    label: field.label,
                });
            }
        }
    }
    Ok(found)
}

/// Why a created field must stay, if it must.
fn reason_to_keep(
    tx: &Transaction<'_>,
    import_id: i64,
    field_id: i64,
    key: &str,
) -> Result<Option<String>> {
    let reason = if custom_values::field_has_values(tx, field_id)? {
        "other leads have values in it"
    } else if imports::other_applied_import_maps_to(tx, import_id, key)? {
        "another import fills it"
    } else if stored_fields::mentioned_by_segments_or_streams(tx, key)? {
        "a segment or stream uses it"
    } else {
        return Ok(None);
    };
    Ok(Some(reason.to_owned()))
}

/// Deletes the fields import `import_id` (its spec as JSON) created that
/// nothing else uses, inside the undo's transaction, after its leads and
/// values are gone.
pub(super) fn remove_unused(
    tx: &Transaction<'_>,
    import_id: i64,
    mapping_json: &str,
) -> Result<CreatedFieldsOutcome> {
    let mut outcome = CreatedFieldsOutcome::default();
    for key in keys_created_by(mapping_json) {
        let Some(field) = stored_fields::find_on(tx, &key)? else {
            continue;
        };
        if field.is_standard {
            continue;
        }
        match reason_to_keep(tx, import_id, field.id, &key)? {
            Some(reason) => outcome.kept.push(KeptField {
                label: field.label,
                reason,
            }),
            None => {
                stored_fields::delete_custom(tx, field.id, &key)?;
                outcome.removed.push(field.label);
            }
        }
    }
    Ok(outcome)
}
