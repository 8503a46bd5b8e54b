//! Import history: every import with its file, time, counts and mapping, and
//! undo, which removes what an import inserted and restores the values it
//! overwrote.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::spec::{ImportCounts, ImportKind};
use crate::fields;
use crate::leads::iso_datetime;
use crate::{Error, Result, Workspace};

/// One import in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    /// ISO-8601 UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub counts: ImportCounts,
    pub undone_at: Option<String>,
}

/// Every finished import, newest first.
pub fn list(conn: &Connection) -> Result<Vec<ImportRecord>> {
    let mut statement = conn.prepare(
        "SELECT id, kind, file_name, started_at, finished_at, counts, undone_at FROM imports
         WHERE finished_at IS NOT NULL ORDER BY id DESC",
    )?;
    let rows = statement.query_map([], |row| {
        let kind: String = row.get(1)?;
        let counts: String = row.get(5)?;
        Ok(ImportRecord {
            id: row.get(0)?,
            kind: if kind == "events" {
                ImportKind::Events
            } else {
                ImportKind::Leads
            },
            file_name: row.get(2)?,
            started_at: iso_datetime(row.get(3)?),
            finished_at: row.get::<_, Option<i64>>(4)?.map(iso_datetime),
            counts: serde_json::from_str(&counts).unwrap_or_default(),
            undone_at: row.get::<_, Option<i64>>(6)?.map(iso_datetime),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an undo removed and restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UndoSummary {
    #[ts(type = "number")]
    pub leads_removed: u64,
    #[ts(type = "number")]
    pub events_removed: u64,
    #[ts(type = "number")]
    pub values_restored: u64,
}

/// Undoes an import in one transaction: deletes the leads and events it
/// inserted and puts back the field values it overwrote. Custom fields it
/// created stay in the catalogue (empty), so saved segments keep working.
pub fn undo(workspace: &mut Workspace, import_id: i64) -> Result<UndoSummary> {
    let tx = workspace
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let state: Option<(Option<i64>, Option<i64>)> = tx
        .query_row(
            "SELECT finished_at, undone_at FROM imports WHERE id = ?1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match state {
        None | Some((None, _)) => {
            return Err(Error::InvalidArgument(format!(
                "there is no import {import_id}"
            )));
        }
        Some((_, Some(_))) => {
            return Err(Error::InvalidArgument(format!(
                "import {import_id} was already undone"
            )));
        }
        Some(_) => {}
    }
    let events_removed = tx.execute("DELETE FROM events WHERE import_id = ?1", [import_id])? as u64;

    let changes: Vec<(i64, String, Value)> = tx
        .prepare("SELECT lead_id, field_key, old_value FROM import_changes WHERE import_id = ?1")?
        .query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut values_restored = 0;
    for (lead_id, key, old) in changes {
        if matches!(key.as_str(), "external_id" | "email_key" | "updated_at") {
            tx.execute(
                &format!("UPDATE leads SET \"{key}\" = ?1 WHERE id = ?2"),
                params![old, lead_id],
            )?;
        } else {
            let field = fields::resolve(&tx, &key)?;
            if field.field.is_standard {
                tx.execute(
                    &format!("UPDATE leads SET \"{key}\" = ?1 WHERE id = ?2"),
                    params![old, lead_id],
                )?;
            } else if old == Value::Null {
                tx.execute(
                    "DELETE FROM custom_values WHERE field_id = ?1 AND lead_id = ?2",
                    params![field.id, lead_id],
                )?;
            } else {
                tx.execute(
                    "INSERT OR REPLACE INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)",
                    params![field.id, lead_id, old],
                )?;
            }
        }
        values_restored += 1;
    }
    let leads_removed = tx.execute("DELETE FROM leads WHERE import_id = ?1", [import_id])? as u64;
    tx.execute(
        "UPDATE imports SET undone_at = ?1 WHERE id = ?2",
        params![chrono::Utc::now().timestamp(), import_id],
    )?;
    tx.execute(
        "INSERT INTO audit_log (action, detail) VALUES ('undo_import', ?1)",
        [
            serde_json::json!({"import_id": import_id, "leads_removed": leads_removed,
            "events_removed": events_removed, "values_restored": values_restored})
            .to_string(),
        ],
    )?;
    tx.commit()?;
    Ok(UndoSummary {
        leads_removed,
        events_removed,
        values_restored,
    })
}
