//! The merge family's table `lead_merges`: for every lead a merge fix merged
//! into a survivor, what its undo needs to put that lead back exactly (its
//! row, custom values, undo records, moved events and segment history), and
//! the questions the undo of a change asks about merges. Also the merge's
//! own writes: moving a lead's events and segment history to the survivor,
//! and deleting the merged lead.

use roaring::RoaringBitmap;
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use crate::{Error, Result};

/// A SQLite value as JSON, exactly: integers and text as themselves, a real
/// as `{"real": x}`, a blob as `{"blob": [bytes]}`.
pub fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(n) => json!(n),
        Value::Real(x) => json!({ "real": x }),
        Value::Text(t) => json!(t),
        Value::Blob(b) => json!({ "blob": b }),
    }
}

/// The value [`value_to_json`] wrote.
pub fn value_from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => n.as_i64().map(Value::Integer).unwrap_or(Value::Null),
        serde_json::Value::String(t) => Value::Text(t.clone()),
        serde_json::Value::Object(map) => {
            if let Some(x) = map.get("real").and_then(serde_json::Value::as_f64) {
                Value::Real(x)
            } else if let Some(serde_json::Value::Array(bytes)) = map.get("blob") {
                Value::Blob(
                    bytes
                        .iter()
                        .filter_map(|b| b.as_u64().map(|b| b as u8))
                        .collect(),
                )
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    }
}

fn damaged(what: &str) -> Error {
    Error::InvalidArgument(format!("a stored merge is damaged: {what}"))
}

/// Everything about lead `lead_id` that goes when it is deleted: its row
/// (`[[column, value], ...]`), its custom values (`[[field id, value]]`) and
/// its undo records (`[[change id, field key, old value]]`), as JSON.
pub fn lead_as_json(tx: &Transaction<'_>, lead_id: i64) -> Result<serde_json::Value> {
    let mut statement = tx.prepare_cached("SELECT * FROM leads WHERE id = ?1")?;
    let names: Vec<String> = statement.column_names().map(str::to_owned).collect();
    let row: Option<Vec<Value>> = statement
        .query_row([lead_id], |r| {
            (0..names.len()).map(|i| r.get::<_, Value>(i)).collect()
        })
        .optional()?;
    let row = row.ok_or_else(|| Error::NotFound {
        what: "lead",
        key: lead_id.to_string(),
    })?;
    let row: Vec<serde_json::Value> = names
        .iter()
        .zip(&row)
        .map(|(name, value)| json!([name, value_to_json(value)]))
        .collect();
    let custom: Vec<serde_json::Value> = tx
        .prepare_cached("SELECT field_id, value FROM custom_values WHERE lead_id = ?1")?
        .query_map([lead_id], |r| {
            Ok(json!([r.get::<_, i64>(0)?, value_to_json(&r.get(1)?)]))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let changes: Vec<serde_json::Value> = tx
        .prepare_cached(
            "SELECT import_id, field_key, old_value FROM import_changes WHERE lead_id = ?1",
        )?
        .query_map([lead_id], |r| {
            Ok(json!([
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                value_to_json(&r.get(2)?)
            ]))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(json!({ "row": row, "custom": custom, "changes": changes }))
}

/// An event a merge moved to the survivor, as the undo recognises it.
///
/// Event ids alone do not name one event for ever: `events` has no
/// AUTOINCREMENT, so when the undo of an events import deletes the newest
/// events, the next import reuses their ids. The import that added the event
/// and its time go with the id: import ids are never reused (imports are
/// never deleted) and an undone import adds nothing again, so a later event
/// that took a moved event's id differs from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MovedEvent {
    pub id: i64,
    /// The import that added it; `None` for the demo's events.
    pub import_id: Option<i64>,
    /// Seconds since the epoch (UTC).
    pub occurred_at: i64,
}

impl MovedEvent {
    /// As stored in `lead_merges.moved_events`: `[id, import id, time]`.
    fn to_json(self) -> serde_json::Value {
        json!([self.id, self.import_id, self.occurred_at])
    }
}

/// A stored moved event: `[id, import id, time]`, or a bare id as merges
/// made before the fingerprint was kept wrote it (`None`: only the id is
/// known).
fn moved_event_from_json(json: &serde_json::Value) -> Result<(i64, Option<MovedEvent>)> {
    if let Some(id) = json.as_i64() {
        return Ok((id, None));
    }
    let id = json[0].as_i64().ok_or_else(|| damaged("a moved event"))?;
    let occurred_at = json[2].as_i64().ok_or_else(|| damaged("a moved event"))?;
    Ok((
        id,
        Some(MovedEvent {
            id,
            import_id: json[1].as_i64(),
            occurred_at,
        }),
    ))
}

/// Moves lead `from`'s events to lead `to` (ids kept); returns them.
pub fn move_events(tx: &Transaction<'_>, from: i64, to: i64) -> Result<Vec<MovedEvent>> {
    let moved: Vec<MovedEvent> = tx
        .prepare_cached(
            "SELECT id, import_id, occurred_at FROM events WHERE lead_id = ?1 ORDER BY id",
        )?
        .query_map([from], |r| {
            Ok(MovedEvent {
                id: r.get(0)?,
                import_id: r.get(1)?,
                occurred_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    tx.prepare_cached("UPDATE events SET lead_id = ?2 WHERE lead_id = ?1")?
        .execute(params![from, to])?;
    Ok(moved)
}

/// Moves the events a merge moved from `merged` to `survivor` back, each
/// only if it is still there and still the event that was moved (not a later
/// event that took its id after it was deleted); returns how many moved.
fn move_events_back(
    tx: &Transaction<'_>,
    merged: i64,
    survivor: i64,
    stored: &serde_json::Value,
) -> Result<u64> {
    let stored = stored
        .as_array()
        .ok_or_else(|| damaged("the moved events"))?;
    let mut exact = tx.prepare_cached(
        "UPDATE events SET lead_id = ?1
         WHERE id = ?2 AND lead_id = ?3 AND import_id IS ?4 AND occurred_at = ?5",
    )?;
    let mut moved = 0;
    for event in stored {
        moved += match moved_event_from_json(event)? {
            (_, Some(event)) => exact.execute(params![
                merged,
                event.id,
                survivor,
                event.import_id,
                event.occurred_at
            ])?,
            (id, None) => tx
                .prepare_cached("UPDATE events SET lead_id = ?1 WHERE id = ?2 AND lead_id = ?3")?
                .execute(params![merged, id, survivor])?,
        } as u64;
    }
    Ok(moved)
}

fn read_bitmap(bytes: &[u8]) -> Result<RoaringBitmap> {
    RoaringBitmap::deserialize_from(bytes).map_err(|e| damaged(&format!("a snapshot: {e}")))
}

fn write_snapshot(tx: &Transaction<'_>, id: i64, bitmap: &RoaringBitmap) -> Result<()> {
    let mut bytes = Vec::with_capacity(bitmap.serialized_size());
    bitmap
        .serialize_into(&mut bytes)
        .map_err(|e| damaged(&format!("a snapshot could not be written: {e}")))?;
    tx.prepare_cached(
        "UPDATE segment_snapshots SET members = ?2, member_count = ?3 WHERE id = ?1",
    )?
    .execute(params![id, bytes, bitmap.len() as i64])?;
    Ok(())
}

/// Lead ids as a segment snapshot holds them.
fn member(lead_id: i64) -> Result<u32> {
    u32::try_from(lead_id).map_err(|_| damaged(&format!("lead id {lead_id}")))
}

/// Replaces lead `merged` by `survivor` in every segment snapshot that
/// holds it; returns `[[snapshot id, the survivor was already in]]`.
pub fn move_segment_history(
    tx: &Transaction<'_>,
    merged: i64,
    survivor: i64,
) -> Result<serde_json::Value> {
    let (merged, survivor_member) = (member(merged)?, member(survivor)?);
    let snapshots: Vec<(i64, Vec<u8>)> = tx
        .prepare_cached("SELECT id, members FROM segment_snapshots WHERE members IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut moved = Vec::new();
    for (id, bytes) in snapshots {
        let mut bitmap = read_bitmap(&bytes)?;
        if !bitmap.remove(merged) {
            continue;
        }
        let survivor_was_in = !bitmap.insert(survivor_member);
        write_snapshot(tx, id, &bitmap)?;
        moved.push(json!([id, survivor_was_in]));
    }
    Ok(serde_json::Value::Array(moved))
}

/// What a merge keeps about one lead it merged away.
pub struct MergedLead<'a> {
    pub fix_id: i64,
    pub survivor_id: i64,
    pub merged_id: i64,
    /// The import that added the merged lead.
    pub merged_import_id: Option<i64>,
    /// [`lead_as_json`] of the lead, read before anything moved.
    pub lead: &'a serde_json::Value,
    pub moved_events: &'a [MovedEvent],
    /// [`move_segment_history`]'s answer.
    pub history: &'a serde_json::Value,
}

/// Keeps what the undo needs, then deletes the merged lead (its custom
/// values and undo records go with it; its events were moved).
pub fn record_and_delete(tx: &Transaction<'_>, merged: &MergedLead<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO lead_merges (fix_id, survivor_id, merged_id, merged_import_id,
                                  merged_lead, moved_events, history)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        merged.fix_id,
        merged.survivor_id,
        merged.merged_id,
        merged.merged_import_id,
        merged.lead.to_string(),
        serde_json::Value::Array(merged.moved_events.iter().map(|e| e.to_json()).collect())
            .to_string(),
        merged.history.to_string()
    ])?;
    tx.prepare_cached("DELETE FROM leads WHERE id = ?1")?
        .execute([merged.merged_id])?;
    Ok(())
}

/// Why change `change_id` (an import or a fix) cannot be undone exactly
/// because of a merge, if it cannot: a later merge, still applied, merged
/// away the survivor of this merge or kept a lead this change added as its
/// survivor; or a later import, still applied, changed the survivor or
/// added events to it after this merge gave it an identity (it may have
/// found the survivor by it); or an identity the merged lead would take back
/// is held by another lead. `None` when nothing stands in the way.
pub fn undo_blocker(tx: &Transaction<'_>, change_id: i64) -> Result<Option<String>> {
    let survivor_merged_away: Option<(i64, i64)> = tx
        .query_row(
            "SELECT later.fix_id, later.merged_id
             FROM lead_merges mine
             JOIN lead_merges later ON later.merged_id = mine.survivor_id
             JOIN imports i ON i.id = later.fix_id AND i.undone_at IS NULL
             WHERE mine.fix_id = ?1 AND later.fix_id > ?1
             ORDER BY later.fix_id DESC LIMIT 1",
            [change_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((later, survivor)) = survivor_merged_away {
        return Ok(Some(format!(
            "fix #{later} (a merge) merged away lead {survivor}, the survivor of this merge; \
             undo fix #{later} first"
        )));
    }
    let survivor_added: Option<(i64, i64)> = tx
        .query_row(
            "SELECT m.fix_id, m.survivor_id
             FROM lead_merges m
             JOIN leads l ON l.id = m.survivor_id
             JOIN imports i ON i.id = m.fix_id AND i.undone_at IS NULL
             WHERE l.import_id = ?1 AND m.fix_id > ?1
             ORDER BY m.fix_id DESC LIMIT 1",
            [change_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((later, survivor)) = survivor_added {
        return Ok(Some(format!(
            "fix #{later} (a merge) merged other leads into lead {survivor}, which this \
             import added; undo fix #{later} first"
        )));
    }
    if let Some((later, survivor)) = identity_used(tx, change_id)? {
        return Ok(Some(format!(
            "import #{later} found lead {survivor} by the e-mail address or external id this \
             merge gave it, and changed it or added events to it; undo import #{later} first"
        )));
    }
    let identity_held = identity_held(tx, change_id)?;
    if let Some((merged, key, value, holder)) = identity_held {
        let what = if key == "email_key" {
            "e-mail address"
        } else {
            "external id"
        };
        return Ok(Some(format!(
            "lead {merged} would take back its {what} {value}, which lead {holder} now holds; \
             change or undo what gave it to lead {holder} first"
        )));
    }
    Ok(None)
}

/// For the undo of merge `fix_id`, when it gave its survivor an identity
/// (e-mail address or external id) the survivor lacked: the latest later
/// import, still applied, that changed the survivor or added events to it,
/// with the survivor. Such an import may have found the survivor by that
/// identity; without the merge it would have found the merged lead, so the
/// undo could not say where its changes belong.
fn identity_used(tx: &Transaction<'_>, fix_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(tx
        .query_row(
            "SELECT i.id, m.survivor_id
             FROM lead_merges m
             JOIN imports i ON i.id > m.fix_id AND i.undone_at IS NULL
                           AND i.kind IN ('leads', 'events')
             WHERE m.fix_id = ?1
               AND EXISTS (SELECT 1 FROM import_changes given
                           WHERE given.import_id = ?1 AND given.lead_id = m.survivor_id
                             AND given.field_key IN ('email_key', 'external_id'))
               AND (EXISTS (SELECT 1 FROM import_changes later
                            WHERE later.import_id = i.id AND later.lead_id = m.survivor_id)
                    OR EXISTS (SELECT 1 FROM events e
                               WHERE e.lead_id = m.survivor_id AND e.import_id = i.id))
             ORDER BY i.id DESC LIMIT 1",
            [fix_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// An identity (e-mail key, external id) a lead merge fix `fix_id` merged
/// away would take back while another lead holds it: (merged lead, column,
/// value, holder). The survivor giving back an identity this merge gave it
/// is no clash: its own undo record puts it back first.
fn identity_held(tx: &Transaction<'_>, fix_id: i64) -> Result<Option<(i64, String, String, i64)>> {
    let merges: Vec<(i64, i64, String)> = tx
        .prepare("SELECT merged_id, survivor_id, merged_lead FROM lead_merges WHERE fix_id = ?1")?
        .query_map([fix_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (merged, survivor, lead) in merges {
        let lead: serde_json::Value = serde_json::from_str(&lead)?;
        let Some(row) = lead["row"].as_array() else {
            return Err(damaged("the lead's row"));
        };
        for key in ["email_key", "external_id"] {
            let Some(value) = row
                .iter()
                .find(|pair| pair[0] == key)
                .and_then(|pair| pair[1].as_str())
            else {
                continue;
            };
            let holder: Option<i64> = tx
                .query_row(
                    &format!("SELECT id FROM leads WHERE {key} = ?1"),
                    [value],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(holder) = holder else { continue };
            let given_back: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM import_changes
                                WHERE import_id = ?1 AND lead_id = ?2 AND field_key = ?3)",
                params![fix_id, survivor, key],
                |r| r.get(0),
            )?;
            if holder == survivor && given_back {
                continue;
            }
            return Ok(Some((merged, key.to_owned(), value.to_owned(), holder)));
        }
    }
    Ok(None)
}

/// For the undo of change `change_id`: each later merge fix, still applied,
/// that merged away leads this change added or changed, with how many.
pub fn merged_leads_of(tx: &Transaction<'_>, change_id: i64) -> Result<Vec<(i64, i64)>> {
    let rows = tx
        .prepare(
            "SELECT m.fix_id, count(*)
             FROM lead_merges m
             JOIN imports i ON i.id = m.fix_id AND i.undone_at IS NULL
             WHERE m.fix_id > ?1
               AND (m.merged_import_id = ?1
                    OR EXISTS (SELECT 1 FROM json_each(m.merged_lead, '$.changes') c
                               WHERE json_extract(c.value, '$[0]') = ?1))
             GROUP BY m.fix_id ORDER BY m.fix_id",
        )?
        .query_map([change_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The leads merge fix `fix_id` joined, still merged: each survivor and
/// merged lead, ascending and distinct; empty for any other change.
pub fn leads_of_merge(conn: &rusqlite::Connection, fix_id: i64) -> Result<Vec<i64>> {
    let mut leads: Vec<i64> = conn
        .prepare_cached(
            "SELECT survivor_id FROM lead_merges WHERE fix_id = ?1
             UNION SELECT merged_id FROM lead_merges WHERE fix_id = ?1",
        )?
        .query_map([fix_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    leads.sort_unstable();
    Ok(leads)
}

type StoredMerge = (i64, i64, String, String, String);

/// Puts back every lead merge fix `fix_id` merged away (a no-op for other
/// changes), last merged first; returns how many.
pub fn restore(tx: &Transaction<'_>, fix_id: i64) -> Result<u64> {
    let merges: Vec<StoredMerge> = tx
        .prepare(
            "SELECT survivor_id, merged_id, merged_lead, moved_events, history
             FROM lead_merges WHERE fix_id = ?1 ORDER BY rowid DESC",
        )?
        .query_map([fix_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let restored = merges.len() as u64;
    for (survivor, merged, lead, moved_events, history) in merges {
        let lead: serde_json::Value = serde_json::from_str(&lead)?;
        insert_lead(tx, &lead)?;
        move_events_back(tx, merged, survivor, &serde_json::from_str(&moved_events)?)?;
        let history: Vec<(i64, bool)> = serde_json::from_str(&history)?;
        restore_segment_history(tx, merged, survivor, &history)?;
    }
    tx.execute("DELETE FROM lead_merges WHERE fix_id = ?1", [fix_id])?;
    Ok(restored)
}

fn insert_lead(tx: &Transaction<'_>, lead: &serde_json::Value) -> Result<()> {
    let pairs = |key: &str| -> Result<Vec<(serde_json::Value, Value)>> {
        lead[key]
            .as_array()
            .ok_or_else(|| damaged(key))?
            .iter()
            .map(|pair| {
                let last = pair.as_array().and_then(|items| items.last());
                Ok((
                    pair[0].clone(),
                    value_from_json(last.ok_or_else(|| damaged(key))?),
                ))
            })
            .collect()
    };
    let row = pairs("row")?;
    let mut columns = Vec::with_capacity(row.len());
    for (name, _) in &row {
        let name = name.as_str().ok_or_else(|| damaged("a column name"))?;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(damaged(&format!("column {name}")));
        }
        columns.push(format!("\"{name}\""));
    }
    let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
    tx.execute(
        &format!(
            "INSERT INTO leads ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        ),
        rusqlite::params_from_iter(row.iter().map(|(_, value)| value)),
    )?;
    let lead_id = lead["row"]
        .as_array()
        .and_then(|row| row.iter().find(|pair| pair[0] == "id"))
        .and_then(|pair| pair[1].as_i64())
        .ok_or_else(|| damaged("the lead's id"))?;
    for (field_id, value) in pairs("custom")? {
        tx.prepare_cached(
            "INSERT INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![field_id.as_i64(), lead_id, value])?;
    }
    let changes = lead["changes"]
        .as_array()
        .ok_or_else(|| damaged("changes"))?;
    for change in changes {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO import_changes (import_id, lead_id, field_key, old_value)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            change[0].as_i64(),
            lead_id,
            change[1].as_str(),
            value_from_json(&change[2])
        ])?;
    }
    Ok(())
}

fn restore_segment_history(
    tx: &Transaction<'_>,
    merged: i64,
    survivor: i64,
    history: &[(i64, bool)],
) -> Result<()> {
    let (merged, survivor) = (member(merged)?, member(survivor)?);
    for (snapshot, survivor_was_in) in history {
        let bytes: Option<Vec<u8>> = tx
            .query_row(
                "SELECT members FROM segment_snapshots WHERE id = ?1",
                [snapshot],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        // A snapshot thinned away since has nothing to put back.
        let Some(bytes) = bytes else { continue };
        let mut bitmap = read_bitmap(&bytes)?;
        bitmap.insert(merged);
        if !survivor_was_in {
            bitmap.remove(survivor);
        }
        write_snapshot(tx, *snapshot, &bitmap)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn lead_of(tx: &Transaction<'_>, event: i64) -> i64 {
        tx.query_row("SELECT lead_id FROM events WHERE id = ?1", [event], |r| {
            r.get(0)
        })
        .unwrap()
    }

    #[test]
    fn only_the_events_still_as_moved_go_back() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO imports (id, kind, file_name, started_at, finished_at) VALUES
                 (1, 'events', 'a.csv', 0, 0), (2, 'events', 'b.csv', 0, 0);
             INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0), (2, 0, 0);
             INSERT INTO events (id, lead_id, type, occurred_at, import_id) VALUES
                 (10, 2, 'page_view', 100, 1), (11, 2, 'download', 200, NULL);",
        )
        .unwrap();
        let moved = move_events(&tx, 2, 1).unwrap();
        assert_eq!(
            moved,
            vec![
                MovedEvent {
                    id: 10,
                    import_id: Some(1),
                    occurred_at: 100
                },
                MovedEvent {
                    id: 11,
                    import_id: None,
                    occurred_at: 200
                },
            ]
        );
        let stored: serde_json::Value = moved.iter().map(|e| e.to_json()).collect();
        assert_eq!(stored, json!([[10, 1, 100], [11, null, 200]]));
        // Event 10 is deleted (its import undone) and a later import's event
        // on the survivor takes its id.
        tx.execute_batch(
            "DELETE FROM events WHERE id = 10;
             INSERT INTO events (id, lead_id, type, occurred_at, import_id)
                 VALUES (10, 1, 'page_view', 100, 2);",
        )
        .unwrap();
        assert_eq!(move_events_back(&tx, 2, 1, &stored).unwrap(), 1);
        assert_eq!((lead_of(&tx, 10), lead_of(&tx, 11)), (1, 2));
    }

    #[test]
    fn a_merge_stored_with_bare_event_ids_moves_them_back_by_id() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0), (2, 0, 0);
             INSERT INTO events (id, lead_id, type, occurred_at) VALUES
                 (10, 1, 'page_view', 100), (11, 1, 'download', 200);",
        )
        .unwrap();
        assert_eq!(move_events_back(&tx, 2, 1, &json!([10])).unwrap(), 1);
        assert_eq!((lead_of(&tx, 10), lead_of(&tx, 11)), (2, 1));
        assert!(move_events_back(&tx, 2, 1, &json!([["x"]])).is_err());
    }
}
