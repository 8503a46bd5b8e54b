//! Import history: every import with its file, time, counts and mapping, and
//! undo, which removes what an import inserted and restores the values it
//! overwrote. An undo is exact or refused: it is refused, naming them, while
//! later imports that are still applied build on what it would take away.

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
///
/// An undo is exact or refused. It is refused, with
/// [`Error::UndoRefused`] naming the later imports to undo first, when a
/// later import that is still applied built on this one: it changed or added
/// events to a lead this import added, or changed a value this import set
/// (the lead's `updated_at` aside), or took an e-mail address or external id
/// that this undo would give back. Lead ids are never reused, so the undo
/// records always name the lead they were written for.
pub fn undo(workspace: &mut Workspace, import_id: i64) -> Result<UndoSummary> {
    let tx = workspace
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let state: Option<(String, Option<i64>, Option<i64>)> = tx
        .query_row(
            "SELECT file_name, finished_at, undone_at FROM imports WHERE id = ?1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let file_name = match state {
        None | Some((_, None, _)) => {
            return Err(Error::NotFound {
                what: "import",
                key: import_id.to_string(),
            });
        }
        Some((_, _, Some(_))) => {
            return Err(Error::InvalidArgument(format!(
                "import {import_id} was already undone"
            )));
        }
        Some((file_name, _, None)) => file_name,
    };
    let refuse = |reason: String| Error::UndoRefused {
        import_id,
        file_name: file_name.clone(),
        reason,
    };
    let dependents = later_dependents(&tx, import_id)?;
    if !dependents.is_empty() {
        return Err(refuse(describe_dependents(&tx, &dependents)?));
    }
    if let Some(reason) = identity_taken(&tx, import_id)? {
        return Err(refuse(reason));
    }

    let events_removed = tx.execute("DELETE FROM events WHERE import_id = ?1", [import_id])? as u64;
    // Before the restore: a lead this import added may hold an identity that
    // an overwritten value gives back to an older lead.
    let leads_removed = tx.execute("DELETE FROM leads WHERE import_id = ?1", [import_id])? as u64;
    let changes: Vec<(i64, String, Value)> = tx
        .prepare(
            "SELECT lead_id, field_key, old_value FROM import_changes WHERE import_id = ?1
             ORDER BY lead_id, field_key",
        )?
        .query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Identities first cleared, then restored: two leads may swap them.
    for (lead_id, key, _) in changes.iter().filter(|(_, key, _)| is_identity(key)) {
        tx.execute(
            &format!("UPDATE leads SET {key} = NULL WHERE id = ?1"),
            [lead_id],
        )?;
    }
    let mut values_restored = 0;
    for (lead_id, key, old) in changes {
        if key == "updated_at" {
            restore_updated_at(&tx, import_id, lead_id, &old)?;
            continue;
        }
        if is_identity(&key) {
            tx.execute(
                &format!("UPDATE leads SET {key} = ?1 WHERE id = ?2"),
                params![old, lead_id],
            )?;
        } else {
            let field = fields::resolve(&tx, &key)?;
            if field.field.is_standard {
                // `key` is a catalogue key: resolved above.
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
    // Spent: an undone import is never undone again.
    tx.execute(
        "DELETE FROM import_changes WHERE import_id = ?1",
        [import_id],
    )?;
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

/// The identity columns an import may overwrite (unique in `leads`).
fn is_identity(key: &str) -> bool {
    matches!(key, "external_id" | "email_key")
}

/// Puts back the lead's `updated_at` from before the undone import, unless a
/// later import (still applied) updated the lead too: then the lead keeps
/// that later time, and that import's own undo record takes over the older
/// time, so undoing it later still ends where the lead started.
fn restore_updated_at(
    tx: &rusqlite::Transaction<'_>,
    import_id: i64,
    lead_id: i64,
    old: &Value,
) -> Result<()> {
    let next_import: Option<i64> = tx.query_row(
        "SELECT min(import_id) FROM import_changes
         WHERE lead_id = ?1 AND field_key = 'updated_at' AND import_id > ?2",
        params![lead_id, import_id],
        |r| r.get(0),
    )?;
    match next_import {
        Some(next) => tx.execute(
            "UPDATE import_changes SET old_value = ?1
             WHERE import_id = ?2 AND lead_id = ?3 AND field_key = 'updated_at'",
            params![old, next, lead_id],
        )?,
        None => tx.execute(
            "UPDATE leads SET updated_at = ?1 WHERE id = ?2",
            params![old, lead_id],
        )?,
    };
    Ok(())
}

/// A later import, still applied, that depends on the one being undone.
#[derive(Default)]
struct Dependent {
    import_id: Option<i64>,
    /// How many of the leads the undone import added it changed.
    leads_changed: i64,
    /// How many of the leads the undone import added it added events to.
    leads_with_events: i64,
    /// On how many leads it changed a value the undone import set.
    values_changed: i64,
}

/// Records one count of a [`Dependent`].
type SetCount = fn(&mut Dependent, i64);

/// What later imports did on top of `import_id`, newest first. Undo records
/// and events of undone imports are gone, so every row here is applied.
fn later_dependents(conn: &Connection, import_id: i64) -> Result<Vec<Dependent>> {
    let mut by_import: std::collections::BTreeMap<Option<i64>, Dependent> = Default::default();
    let queries: [(&str, SetCount); 3] = [
        // Changed a lead this import added.
        (
            "SELECT c.import_id, count(DISTINCT c.lead_id)
             FROM leads l JOIN import_changes c ON c.lead_id = l.id
             WHERE l.import_id = ?1 AND c.import_id <> ?1
             GROUP BY c.import_id",
            |d, n| d.leads_changed = n,
        ),
        // Added events to a lead this import added.
        (
            "SELECT e.import_id, count(DISTINCT e.lead_id)
             FROM leads l JOIN events e ON e.lead_id = l.id
             WHERE l.import_id = ?1 AND e.import_id IS NOT ?1
             GROUP BY e.import_id",
            |d, n| d.leads_with_events = n,
        ),
        // Changed a value this import set (the update time aside).
        (
            "SELECT later.import_id, count(DISTINCT later.lead_id)
             FROM import_changes mine
             JOIN import_changes later
               ON later.lead_id = mine.lead_id AND later.field_key = mine.field_key
             WHERE mine.import_id = ?1 AND later.import_id > ?1
               AND mine.field_key <> 'updated_at'
             GROUP BY later.import_id",
            |d, n| d.values_changed = n,
        ),
    ];
    for (sql, set) in queries {
        let rows: Vec<(Option<i64>, i64)> = conn
            .prepare(sql)?
            .query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, count) in rows {
            let dependent = by_import.entry(id).or_insert_with(|| Dependent {
                import_id: id,
                ..Dependent::default()
            });
            set(dependent, count);
        }
    }
    Ok(by_import.into_values().rev().collect())
}

/// "import #7 of b.csv on 2026-03-01 10:00 UTC changed 3 of the leads it
/// added; undo it first".
fn describe_dependents(conn: &Connection, dependents: &[Dependent]) -> Result<String> {
    let mut sentences = Vec::new();
    for dependent in dependents {
        let mut did = Vec::new();
        if dependent.leads_changed > 0 {
            did.push(format!(
                "changed {} of the leads it added",
                dependent.leads_changed
            ));
        }
        if dependent.leads_with_events > 0 {
            did.push(format!(
                "added events to {} of the leads it added",
                dependent.leads_with_events
            ));
        }
        if dependent.values_changed > 0 {
            did.push(format!(
                "changed values it set on {}",
                plural(dependent.values_changed, "lead", "leads")
            ));
        }
        let who = match dependent.import_id {
            Some(id) => describe_import(conn, id)?,
            None => "events not added by an import".to_owned(),
        };
        sentences.push(format!("{who} {}", and_list(&did)));
    }
    let advice = match dependents {
        [_] => "undo it first",
        _ => "undo those imports first, newest first",
    };
    Ok(format!("{}; {advice}", sentences.join("; ")))
}

/// "import #7 of b.csv on 2026-03-01 10:00 UTC".
fn describe_import(conn: &Connection, import_id: i64) -> Result<String> {
    let (file_name, started_at): (String, i64) = conn.query_row(
        "SELECT file_name, started_at FROM imports WHERE id = ?1",
        [import_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let when = chrono::DateTime::from_timestamp(started_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| started_at.to_string());
    Ok(format!("import #{import_id} of {file_name} on {when}"))
}

fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why giving back an overwritten e-mail address or external id would clash
/// with the lead that holds it now, if it would.
fn identity_taken(conn: &Connection, import_id: i64) -> Result<Option<String>> {
    let taken: Option<(String, String, i64, i64, Option<i64>)> = conn
        .query_row(
            "SELECT c.field_key, c.old_value, c.lead_id, holder.id, holder.import_id
             FROM import_changes c
             JOIN leads holder ON holder.id <> c.lead_id AND (
                    (c.field_key = 'email_key' AND holder.email_key = c.old_value)
                 OR (c.field_key = 'external_id' AND holder.external_id = c.old_value))
             WHERE c.import_id = ?1
               -- Leads this import added are removed first.
               AND holder.import_id IS NOT ?1
               -- A holder this undo gives another value to is no clash.
               AND NOT EXISTS (SELECT 1 FROM import_changes mine
                               WHERE mine.import_id = ?1 AND mine.lead_id = holder.id
                                 AND mine.field_key = c.field_key)
             LIMIT 1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((key, value, lead_id, holder, holder_import)) = taken else {
        return Ok(None);
    };
    let what = if key == "email_key" {
        "e-mail address"
    } else {
        "external id"
    };
    let given_by: Option<i64> = conn.query_row(
        "SELECT max(import_id) FROM import_changes WHERE lead_id = ?1 AND field_key = ?2",
        params![holder, key],
        |r| r.get(0),
    )?;
    let how = match (given_by, holder_import) {
        (Some(id), _) => format!("{} gave it to lead #{holder}", describe_import(conn, id)?),
        (None, Some(id)) => format!(
            "{} added lead #{holder} with it",
            describe_import(conn, id)?
        ),
        (None, None) => format!("lead #{holder} has it now"),
    };
    let advice = if given_by.or(holder_import).is_some() {
        "undo that import first".to_owned()
    } else {
        format!("lead #{holder} must give it up first")
    };
    Ok(Some(format!(
        "it would give the {what} {value:?} back to lead #{lead_id}, but {how}; {advice}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_sentences() {
        let words = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(and_list(&words(&["a"])), "a");
        assert_eq!(and_list(&words(&["a", "b", "c"])), "a, b and c");
        assert_eq!(plural(1, "lead", "leads"), "1 lead");
        assert_eq!(plural(3, "lead", "leads"), "3 leads");
    }

    #[test]
    fn a_refusal_names_every_later_import_newest_first() {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO imports (id, kind, file_name, started_at, finished_at) VALUES
                     (2, 'leads', 'b.csv', 1772359200, 1772359200),
                     (3, 'events', 'e.csv', 1772362800, 1772362800)",
            )
            .unwrap();
        let dependents = [
            Dependent {
                import_id: Some(3),
                leads_with_events: 2,
                ..Dependent::default()
            },
            Dependent {
                import_id: Some(2),
                leads_changed: 1,
                values_changed: 4,
                ..Dependent::default()
            },
        ];
        assert_eq!(
            describe_dependents(ws.conn(), &dependents).unwrap(),
            "import #3 of e.csv on 2026-03-01 11:00 UTC added events to 2 of the leads it added; \
             import #2 of b.csv on 2026-03-01 10:00 UTC changed 1 of the leads it added and \
             changed values it set on 4 leads; undo those imports first, newest first"
        );
    }
}
