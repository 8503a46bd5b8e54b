//! Erasing one lead's rows everywhere in one database (the workspace or a
//! backup of it): the lead, its events, custom values, consent history, undo
//! records, merges, segment-history snapshots and change titles naming it.
//! Works on any connection inside a transaction the caller holds, so the
//! same code erases the workspace and each backup file.

use roaring::RoaringBitmap;
use rusqlite::{params, Connection, OptionalExtension};

use crate::{Error, Result};

/// Who a lead is, as stored: what erasure searches for and removes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredIdentity {
    pub id: i64,
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
}

/// How many rows of each kind one erasure removed from one database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasedRows {
    pub leads: u64,
    pub events: u64,
    pub custom_values: u64,
    pub consent_events: u64,
    pub import_changes: u64,
    pub merges: u64,
    pub snapshots: u64,
    pub titles: u64,
}

/// The stored identity of lead `id`, if it is there.
pub fn identity(conn: &Connection, id: i64) -> Result<Option<StoredIdentity>> {
    Ok(conn
        .query_row(
            "SELECT id, email, email_key, first_name, last_name, phone FROM leads WHERE id = ?1",
            [id],
            |r| {
                Ok(StoredIdentity {
                    id: r.get(0)?,
                    email: r.get(1)?,
                    email_key: r.get(2)?,
                    first_name: r.get(3)?,
                    last_name: r.get(4)?,
                    phone: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Empties the derived cache of `conn` if it has one (a backup's, which
/// holds what the workspace derived when the backup was taken: the
/// person's values among it).
pub fn empty_derived_cache(conn: &Connection) -> Result<()> {
    if has_table(conn, "derived_cache")? {
        super::derived_cache::invalidate(conn)?;
    }
    Ok(())
}

fn has_table(conn: &Connection, table: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

fn delete(conn: &Connection, sql: &str, id: i64) -> Result<u64> {
    Ok(conn.execute(sql, [id])? as u64)
}

/// Removes lead `person`'s every row from `conn` (inside the caller's
/// transaction). Snapshots lose the lead's id from their member bitmaps;
/// change titles naming the person (a merge's "Merge 2 leads into Jane
/// Doe <jane@x.io>") become neutral. The derived parts are the caller's to
/// carry or empty ([`empty_derived_cache`]): they may hold the person's
/// values.
pub fn erase_lead(conn: &Connection, person: &StoredIdentity) -> Result<ErasedRows> {
    let id = person.id;
    let mut erased = ErasedRows {
        titles: neutralise_titles(conn, person)?,
        ..ErasedRows::default()
    };
    erased.events = delete(conn, "DELETE FROM events WHERE lead_id = ?1", id)?;
    erased.custom_values = delete(conn, "DELETE FROM custom_values WHERE lead_id = ?1", id)?;
    if has_table(conn, "consent_events")? {
        erased.consent_events = delete(conn, "DELETE FROM consent_events WHERE lead_id = ?1", id)?;
    }
    erased.import_changes = delete(conn, "DELETE FROM import_changes WHERE lead_id = ?1", id)?;
    if has_table(conn, "lead_merges")? {
        erased.merges = delete(
            conn,
            "DELETE FROM lead_merges WHERE survivor_id = ?1 OR merged_id = ?1",
            id,
        )?;
    }
    if has_table(conn, "segment_snapshots")? {
        erased.snapshots = remove_from_snapshots(conn, id)?;
    }
    erased.leads = delete(conn, "DELETE FROM leads WHERE id = ?1", id)?;
    Ok(erased)
}

/// Rewrites the titles of changes that name the person: merge fixes of
/// which they are the survivor or a merged lead, and any change whose title
/// holds their e-mail address or full name.
fn neutralise_titles(conn: &Connection, person: &StoredIdentity) -> Result<u64> {
    let mut changed = 0;
    if has_table(conn, "lead_merges")? {
        changed += conn.execute(
            "UPDATE imports
                SET file_name = 'Merge ' ||
                    ((SELECT count(*) FROM lead_merges m WHERE m.fix_id = imports.id) + 1) ||
                    ' leads (an erased person)'
              WHERE kind = 'merge'
                AND id IN (SELECT fix_id FROM lead_merges WHERE survivor_id = ?1 OR merged_id = ?1)",
            [person.id],
        )? as u64;
    }
    let full_name = match (&person.first_name, &person.last_name) {
        (Some(first), Some(last)) if !first.trim().is_empty() && !last.trim().is_empty() => {
            Some(format!("{} {}", first.trim(), last.trim()))
        }
        _ => None,
    };
    for needle in [person.email.clone(), full_name].into_iter().flatten() {
        changed += conn.execute(
            "UPDATE imports SET file_name = 'A change naming an erased person'
              WHERE instr(lower(file_name), lower(?1)) > 0",
            [needle],
        )? as u64;
    }
    Ok(changed)
}

/// Takes lead `id` out of every stored segment snapshot; returns how many
/// snapshots held it.
fn remove_from_snapshots(conn: &Connection, id: i64) -> Result<u64> {
    let Ok(member) = u32::try_from(id) else {
        return Ok(0);
    };
    let mut gone = RoaringBitmap::new();
    gone.insert(member);
    remove_set_from_snapshots(conn, &gone)
}

/// Takes the leads of `gone` out of every stored segment snapshot; returns
/// how many snapshots held one of them.
fn remove_set_from_snapshots(conn: &Connection, gone: &RoaringBitmap) -> Result<u64> {
    let rows: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT id, members FROM segment_snapshots WHERE members IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update =
        conn.prepare("UPDATE segment_snapshots SET members = ?2, member_count = ?3 WHERE id = ?1")?;
    let mut changed = 0;
    for (snapshot, bytes) in rows {
        let mut bitmap = RoaringBitmap::deserialize_from(&bytes[..]).map_err(|e| {
            Error::InvalidArgument(format!("segment snapshot {snapshot} is damaged: {e}"))
        })?;
        let before = bitmap.len();
        bitmap -= gone;
        if bitmap.len() == before {
            continue;
        }
        let mut written = Vec::with_capacity(bitmap.serialized_size());
        bitmap
            .serialize_into(&mut written)
            .map_err(|e| Error::InvalidArgument(format!("segment snapshot {snapshot}: {e}")))?;
        update.execute(params![snapshot, written, bitmap.len() as i64])?;
        changed += 1;
    }
    Ok(changed)
}

/// Fills the temporary table `temp.erased_ids` with `ids` (emptied first):
/// the set the bulk statements below work on.
pub fn stage_ids(conn: &Connection, ids: &[i64]) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS erased_ids (id INTEGER PRIMARY KEY);
         DELETE FROM temp.erased_ids;",
    )?;
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO temp.erased_ids (id) VALUES (?1)")?;
    for id in ids {
        insert.execute([id])?;
    }
    Ok(())
}

/// Deletes the staged leads ([`stage_ids`]) and everything hanging off
/// them, in bulk (retention's delete mode): like [`erase_lead`] for each.
pub fn erase_staged(conn: &Connection, ids: &[i64]) -> Result<ErasedRows> {
    let staged = "(SELECT id FROM temp.erased_ids)";
    let run = |sql: String| -> Result<u64> { Ok(conn.execute(&sql, [])? as u64) };
    let mut erased = ErasedRows::default();
    if has_table(conn, "lead_merges")? {
        erased.titles = run(format!(
            "UPDATE imports
                SET file_name = 'Merge ' ||
                    ((SELECT count(*) FROM lead_merges m WHERE m.fix_id = imports.id) + 1) ||
                    ' leads (an erased person)'
              WHERE kind = 'merge' AND id IN (SELECT fix_id FROM lead_merges
                    WHERE survivor_id IN {staged} OR merged_id IN {staged})"
        ))?;
        erased.merges = run(format!(
            "DELETE FROM lead_merges WHERE survivor_id IN {staged} OR merged_id IN {staged}"
        ))?;
    }
    erased.events = run(format!("DELETE FROM events WHERE lead_id IN {staged}"))?;
    erased.custom_values = run(format!(
        "DELETE FROM custom_values WHERE lead_id IN {staged}"
    ))?;
    if has_table(conn, "consent_events")? {
        erased.consent_events = run(format!(
            "DELETE FROM consent_events WHERE lead_id IN {staged}"
        ))?;
    }
    erased.import_changes = run(format!(
        "DELETE FROM import_changes WHERE lead_id IN {staged}"
    ))?;
    if has_table(conn, "segment_snapshots")? {
        let gone: RoaringBitmap = ids
            .iter()
            .filter_map(|id| u32::try_from(*id).ok())
            .collect();
        erased.snapshots = remove_set_from_snapshots(conn, &gone)?;
    }
    erased.leads = run(format!("DELETE FROM leads WHERE id IN {staged}"))?;
    Ok(erased)
}

/// Clears the identifying `columns` of the staged leads and deletes their
/// custom text values, undo records and merges (retention's anonymise
/// mode); returns how many leads were anonymised.
pub fn anonymise_staged(conn: &Connection, columns: &[&str]) -> Result<u64> {
    let staged = "(SELECT id FROM temp.erased_ids)";
    let assignments: Vec<String> = columns.iter().map(|c| format!("{c} = NULL")).collect();
    let leads = conn.execute(
        &format!(
            "UPDATE leads SET {} WHERE id IN {staged}",
            assignments.join(", ")
        ),
        [],
    )? as u64;
    conn.execute(
        &format!(
            "DELETE FROM custom_values WHERE lead_id IN {staged}
               AND field_id IN (SELECT id FROM fields WHERE is_standard = 0 AND type = 'text')"
        ),
        [],
    )?;
    conn.execute(
        &format!("DELETE FROM import_changes WHERE lead_id IN {staged}"),
        [],
    )?;
    if has_table(conn, "lead_merges")? {
        conn.execute(
            &format!(
                "DELETE FROM lead_merges WHERE survivor_id IN {staged} OR merged_id IN {staged}"
            ),
            [],
        )?;
    }
    Ok(leads)
}

/// Leads whose last activity (latest of last event, last update, creation)
/// is before `cutoff`, oldest activity first: `(id, last activity)`.
pub fn inactive_since(
    conn: &Connection,
    cutoff: i64,
    limit: Option<u64>,
) -> Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT l.id, max(l.created_at, l.updated_at,
                         coalesce((SELECT max(e.occurred_at) FROM events e WHERE e.lead_id = l.id), 0)) AS last
           FROM leads l
          WHERE l.created_at < ?1 AND l.updated_at < ?1
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.lead_id = l.id AND e.occurred_at >= ?1)
          ORDER BY last, l.id {}",
        limit.map(|n| format!("LIMIT {n}")).unwrap_or_default()
    );
    let rows = conn
        .prepare(&sql)?
        .query_map([cutoff], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many leads [`inactive_since`] would list.
pub fn count_inactive_since(conn: &Connection, cutoff: i64) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM leads l
          WHERE l.created_at < ?1 AND l.updated_at < ?1
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.lead_id = l.id AND e.occurred_at >= ?1)",
        [cutoff],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

/// The import ids and file names of every change, for finding the files
/// the app wrote beside the workspace (rejected rows).
pub fn import_files(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let rows = conn
        .prepare("SELECT id, file_name FROM imports WHERE kind IN ('leads', 'events')")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Secure delete on or off for the connection.
pub fn set_secure_delete(conn: &Connection, on: bool) -> Result<()> {
    conn.pragma_update(None, "secure_delete", if on { "ON" } else { "OFF" })?;
    Ok(())
}

/// Empties the write-ahead log into the database file and truncates it,
/// so the log holds none of the pages erasure overwrote.
pub fn checkpoint_truncate(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_leaves_every_snapshot_and_keeps_the_others() {
        let workspace = crate::Workspace::in_memory_store().unwrap();
        let conn = workspace.conn();
        let mut bitmap = RoaringBitmap::new();
        bitmap.insert(3);
        bitmap.insert(7);
        let mut bytes = Vec::new();
        bitmap.serialize_into(&mut bytes).unwrap();
        conn.execute(
            "INSERT INTO segment_snapshots (segment_id, taken_at, recorded_at, reason, member_count, rules, members)
             VALUES (1, 0, 0, 'manual', 2, '{}', ?1)",
            [&bytes],
        )
        .unwrap();
        assert_eq!(remove_from_snapshots(conn, 7).unwrap(), 1);
        assert_eq!(remove_from_snapshots(conn, 7).unwrap(), 0);
        let (count, stored): (i64, Vec<u8>) = conn
            .query_row(
                "SELECT member_count, members FROM segment_snapshots",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(count, 1);
        let kept = RoaringBitmap::deserialize_from(&stored[..]).unwrap();
        assert_eq!(kept.iter().collect::<Vec<_>>(), vec![3]);
    }
}
