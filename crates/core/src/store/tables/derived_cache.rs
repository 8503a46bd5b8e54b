//! The `derived_cache` and `data_generation` tables: what layers above derive
//! from the leads and events (the segment index, the quick search's keys),
//! stored as named byte blobs tagged with the data generation they were built
//! from, so a fresh process loads them instead of rebuilding them.
//!
//! Never stale: every write of the data through the store
//! ([`crate::Workspace::conn_mut`]) first empties the cache and bumps the
//! generation ([`invalidate`]; a write that changes only what some parts
//! never read keeps those, [`invalidate_except`]; writes of tables no part
//! reads leave both alone, `Workspace::conn_mut_for_definitions`), and a
//! part is stored only for the current generation and only if no other
//! connection committed since its builder started reading ([`put`] compares
//! SQLite's `data_version`). So a part stays true from the generation it was
//! built for until a write deletes it: a reader takes any part built for
//! its generation or an earlier one ([`get`]).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::Result;

/// The current data generation of the workspace file.
pub fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT value FROM data_generation WHERE id = 1",
        [],
        |row| row.get(0),
    )?)
}

/// SQLite's `data_version` of this connection: it moves whenever another
/// connection commits a change to the file.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |row| row.get(0))?)
}

/// Empties the cache and bumps the generation: called before every write
/// through the store, so nothing cached can outlive the data it came from
/// (nor hold an erased person's data). The parts are deleted with
/// `secure_delete` on ([`with_secure_delete`]). Returns the generation this
/// bump created (each bump creates its own).
pub fn invalidate(conn: &Connection) -> Result<i64> {
    // Outside a caller's transaction, the delete and the bump are one
    // transaction: a part stored between them would keep the old
    // generation's tag and outlive the write.
    let own = conn
        .is_autocommit()
        .then(|| rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate))
        .transpose()?;
    with_secure_delete(conn, || {
        conn.execute("DELETE FROM derived_cache", [])?;
        Ok(())
    })?;
    let generation = bump(conn)?;
    if let Some(own) = own {
        own.commit()?;
    }
    Ok(generation)
}

/// Adds one to the generation; returns the new value.
fn bump(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "UPDATE data_generation SET value = value + 1 WHERE id = 1 RETURNING value",
        [],
        |row| row.get(0),
    )?)
}

/// Sets the generation past both `floor` and its value now; returns the new
/// value. A restore copies a backup's whole file, its generation included,
/// which is lower than the one it replaces: raised past the one before, the
/// generation never goes back, so a part or a count started before the
/// restore never matches the restored data's generation.
pub fn raise_past(conn: &Connection, floor: i64) -> Result<i64> {
    Ok(conn.query_row(
        "UPDATE data_generation SET value = max(value, ?1) + 1 WHERE id = 1 RETURNING value",
        [floor],
        |row| row.get(0),
    )?)
}

/// [`invalidate`] before a write that changes nothing the parts for which
/// `survives` holds were built from (a score write changes five columns of
/// `leads` and nothing a segment's other columns or events are read from):
/// those parts stay, still tagged with the generation they were built for
/// (readers of the new generation take them, [`get`]), so keeping a part
/// never rewrites its bytes (224 MB at 1M leads); every other part is
/// deleted and the generation bumped, in one immediate transaction. Inside a
/// caller's transaction it empties the whole cache, as [`invalidate`] does.
/// Returns the generation the bump created.
pub fn invalidate_except(conn: &Connection, survives: impl Fn(&str) -> bool) -> Result<i64> {
    if !conn.is_autocommit() {
        return invalidate(conn);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let generation = invalidate_except_in(&tx, survives)?;
    tx.commit()?;
    Ok(generation)
}

/// [`invalidate_except`] inside the caller's write transaction, for a write
/// that learns only as it goes that it changed more than it said when it
/// took the connection (an events import that created leads): the parts for
/// which `survives` holds stay, every other is deleted, and the generation
/// is bumped again, all committed or rolled back with the write.
pub fn invalidate_except_in(
    tx: &rusqlite::Transaction<'_>,
    survives: impl Fn(&str) -> bool,
) -> Result<i64> {
    let doomed: Vec<String> = {
        let mut statement = tx.prepare("SELECT name FROM derived_cache")?;
        let names = statement.query_map([], |row| row.get::<_, String>(0))?;
        let mut doomed = Vec::new();
        for name in names {
            let name = name?;
            if !survives(&name) {
                doomed.push(name);
            }
        }
        doomed
    };
    with_secure_delete(tx, || {
        let mut delete = tx.prepare("DELETE FROM derived_cache WHERE name = ?1")?;
        for name in &doomed {
            delete.execute([name])?;
        }
        Ok(())
    })?;
    bump(tx)
}

/// Runs `delete` with `secure_delete` on, so the deleted parts' pages are
/// zeroed rather than left in the file's free list: a part can hold any
/// lead's values (a column's dictionary), and a later erasure could not
/// reach a free page.
fn with_secure_delete(conn: &Connection, delete: impl FnOnce() -> Result<()>) -> Result<()> {
    let secure: i64 = conn.pragma_query_value(None, "secure_delete", |row| row.get(0))?;
    if secure == 0 {
        conn.pragma_update(None, "secure_delete", true)?;
    }
    let deleted = delete();
    if secure == 0 {
        conn.pragma_update(None, "secure_delete", false)?;
    }
    deleted
}

/// The bytes stored under `name` for a reader of `generation`, if any: a
/// part built for it, or for an earlier generation and kept by every write
/// since (a write deletes the parts it makes untrue, [`invalidate_except`]).
/// Never a part built for a later generation than the reader's.
pub fn get(conn: &Connection, name: &str, generation: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT bytes FROM derived_cache WHERE name = ?1 AND generation <= ?2",
            (name, generation),
            |row| row.get(0),
        )
        .optional()?)
}

/// The part named `name` whatever generation it was stored for, with that
/// generation: for a part that is true of later data too, read with what
/// the write that stored it made (`leads::search_stored`).
pub fn get_any(conn: &Connection, name: &str) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT generation, bytes FROM derived_cache WHERE name = ?1",
            [name],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// The generation the part named `name` was stored for, if there is one:
/// each store of a part writes the generation it was built or written
/// for, so an unchanged generation is an unchanged part.
pub fn generation_of(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT generation FROM derived_cache WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .optional()?)
}

/// The length in bytes of the part [`get`] would find, without reading it.
pub fn length(conn: &Connection, name: &str, generation: i64) -> Result<Option<usize>> {
    let length: Option<i64> = conn
        .query_row(
            "SELECT length(bytes) FROM derived_cache WHERE name = ?1 AND generation <= ?2",
            (name, generation),
            |row| row.get(0),
        )
        .optional()?;
    Ok(length.and_then(|length| usize::try_from(length).ok()))
}

/// Reads the part [`get`] would find straight into the caller's memory:
/// its first `body.len()` bytes into `body`, the rest into `tail`.
/// `Ok(false)`, with nothing read, when there is no such part or its
/// length is not theirs together. SQLite's incremental blob reads copy the
/// pages into `body` and `tail` without the whole value in a buffer of its
/// own first, which at 45 MB saves more time than the copy itself takes.
/// The look-up and the read are one read transaction when `conn` is not
/// inside one already, so both see the same part.
pub fn read_into(
    conn: &Connection,
    name: &str,
    generation: i64,
    body: &mut [u8],
    tail: &mut [u8],
) -> Result<bool> {
    let snapshot = conn
        .is_autocommit()
        .then(|| rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Deferred))
        .transpose()?;
    let Some((rowid, length)) = locate(conn, name, generation)? else {
        return Ok(false);
    };
    if usize::try_from(length).ok() != body.len().checked_add(tail.len()) {
        return Ok(false);
    }
    let blob = conn.blob_open(rusqlite::MAIN_DB, "derived_cache", "bytes", rowid, true)?;
    blob.read_at_exact(body, 0)?;
    blob.read_at_exact(tail, body.len())?;
    drop(blob);
    if let Some(snapshot) = snapshot {
        snapshot.commit()?;
    }
    Ok(true)
}

/// The rowid and length of the part [`get`] would find, for an
/// incremental blob read of it.
fn locate(conn: &Connection, name: &str, generation: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT rowid, length(bytes) FROM derived_cache WHERE name = ?1 AND generation <= ?2",
            (name, generation),
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// Reads the first `head.len()` and the last `tail.len()` bytes of the
/// part [`get`] would find, without the rest: `Ok(false)`, with nothing
/// read, when there is no such part or it is shorter than both together.
pub fn read_ends(
    conn: &Connection,
    name: &str,
    generation: i64,
    head: &mut [u8],
    tail: &mut [u8],
) -> Result<bool> {
    let Some((rowid, length)) = locate(conn, name, generation)? else {
        return Ok(false);
    };
    let length = usize::try_from(length).unwrap_or(0);
    if length < head.len() + tail.len() {
        return Ok(false);
    }
    let blob = conn.blob_open(rusqlite::MAIN_DB, "derived_cache", "bytes", rowid, true)?;
    blob.read_at_exact(head, 0)?;
    blob.read_at_exact(tail, length - tail.len())?;
    Ok(true)
}

/// Stores `bytes` under `name` for the current generation inside the
/// caller's write transaction, which has already bumped the generation
/// ([`invalidate_except`]): for a part the write itself keeps true, such
/// as a note of what it changed that readers apply to parts it kept.
pub fn put_in(tx: &rusqlite::Transaction<'_>, name: &str, bytes: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO derived_cache (name, generation, bytes)
         VALUES (?1, (SELECT value FROM data_generation WHERE id = 1), ?2)",
        (name, bytes),
    )?;
    Ok(())
}

/// Stores each of `parts` ([`put_in`]) in place of the part of that name,
/// with `secure_delete` on, so no page of the replaced bytes stays in the
/// file: for a write that must leave nothing of the old parts behind.
pub fn replace_in(tx: &rusqlite::Transaction<'_>, parts: &[(&str, &[u8])]) -> Result<()> {
    with_secure_delete(tx, || {
        for (name, bytes) in parts {
            put_in(tx, name, bytes)?;
        }
        Ok(())
    })
}

/// Deletes the parts `names` inside the caller's write transaction, with
/// `secure_delete` on: for a write that finds it made them untrue only as
/// it goes.
pub fn remove_in(tx: &rusqlite::Transaction<'_>, names: &[&str]) -> Result<()> {
    with_secure_delete(tx, || {
        let mut delete = tx.prepare("DELETE FROM derived_cache WHERE name = ?1")?;
        for name in names {
            delete.execute([name])?;
        }
        Ok(())
    })
}

/// Whether the cache holds a part named `name` for a reader of
/// `generation` ([`get`] would find one), without reading its bytes.
pub fn holds(conn: &Connection, name: &str, generation: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM derived_cache WHERE name = ?1 AND generation <= ?2",
            (name, generation),
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Where a builder started reading: the generation and this connection's
/// `data_version`, taken before the first read of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltFrom {
    pub generation: i64,
    pub data_version: i64,
}

/// Where a builder reading through `conn` starts.
pub fn built_from(conn: &Connection) -> Result<BuiltFrom> {
    Ok(BuiltFrom {
        generation: generation(conn)?,
        data_version: data_version(conn)?,
    })
}

/// Stores `bytes` under `name` if the data is still what the builder read
/// (same generation, and no other connection committed since): in one
/// immediate transaction, so no commit slips in between the check and the
/// write. Returns whether it stored them; `Ok(false)` when the data moved on.
/// `conn` must not be inside a transaction (the caller's own writes would
/// have bumped the generation anyway).
pub fn put(conn: &Connection, name: &str, from: BuiltFrom, bytes: &[u8]) -> Result<bool> {
    put_together(conn, &[(name, bytes)], from)
}

/// [`put`] for several parts at once: all of them, or none.
pub fn put_together(conn: &Connection, parts: &[(&str, &[u8])], from: BuiltFrom) -> Result<bool> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    if generation(&tx)? != from.generation || data_version(&tx)? != from.data_version {
        return Ok(false);
    }
    for (name, bytes) in parts {
        tx.execute(
            "INSERT OR REPLACE INTO derived_cache (name, generation, bytes) VALUES (?1, ?2, ?3)",
            (name, from.generation, bytes),
        )?;
    }
    tx.commit()?;
    Ok(true)
}

/// [`put`] for a reader that must not wait: it skips a read-only
/// connection, one inside a transaction, and a file another connection is
/// writing to (an import in progress: its commit will empty the cache
/// anyway), instead of waiting the busy timeout. Any failure means "not
/// stored" (`Ok(false)`): the part is only a cache.
pub fn put_if_free(conn: &Connection, name: &str, from: BuiltFrom, bytes: &[u8]) -> bool {
    put_together_if_free(conn, &[(name, bytes)], from)
}

/// [`put_if_free`] for several parts at once: all of them, or none.
pub fn put_together_if_free(conn: &Connection, parts: &[(&str, &[u8])], from: BuiltFrom) -> bool {
    if !conn.is_autocommit() || conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return false;
    }
    if conn.busy_timeout(std::time::Duration::ZERO).is_err() {
        return false;
    }
    let stored = put_together(conn, parts, from).unwrap_or(false);
    // The store's own timeout again; if it cannot be set the next writer
    // reports the file busy at once rather than wait, which is only worse.
    let _ = conn.busy_timeout(crate::store::BUSY_TIMEOUT);
    stored
}

/// The names and sizes of the stored parts (for `leadstream` diagnostics and
/// benchmarks), by name.
pub fn parts(conn: &Connection) -> Result<Vec<(String, i64, u64)>> {
    let mut statement =
        conn.prepare("SELECT name, generation, length(bytes) FROM derived_cache ORDER BY name")?;
    let parts = statement
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(parts)
}

/// The names of the stored parts, by name (for tests of what a write keeps).
#[cfg(test)]
pub(crate) fn part_names(conn: &Connection) -> Vec<String> {
    parts(conn)
        .expect("the derived cache reads")
        .into_iter()
        .map(|(name, _, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn a_part_is_kept_for_its_generation_only() {
        let mut ws = Workspace::in_memory().unwrap();
        let from = built_from(ws.conn()).unwrap();
        assert!(put(ws.conn(), "lead_ids", from, b"abc").unwrap());
        assert_eq!(
            get(ws.conn(), "lead_ids", from.generation)
                .unwrap()
                .as_deref(),
            Some(&b"abc"[..])
        );
        // Any write through the store empties the cache and moves the generation.
        ws.conn_mut()
            .unwrap()
            .execute("DELETE FROM leads", [])
            .unwrap();
        let now = generation(ws.conn()).unwrap();
        assert_eq!(now, from.generation + 1);
        assert_eq!(parts(ws.conn()).unwrap(), vec![]);
        // A builder that read before the write cannot store what it built.
        assert!(!put(ws.conn(), "lead_ids", from, b"old").unwrap());
        assert_eq!(get(ws.conn(), "lead_ids", now).unwrap(), None);
    }

    /// A part is read in place, cut where the caller says, for the reader's
    /// generation only, and only when the caller's room is its length.
    #[test]
    fn a_part_is_read_into_the_callers_memory_when_it_fits_exactly() {
        let mut ws = Workspace::in_memory().unwrap();
        let from = built_from(ws.conn()).unwrap();
        let parts: [(&str, &[u8]); 2] = [("a", b"keys|tag"), ("b", b"more")];
        assert!(put_together(ws.conn(), &parts, from).unwrap());
        assert_eq!(length(ws.conn(), "a", from.generation).unwrap(), Some(8));
        assert_eq!(length(ws.conn(), "a", from.generation - 1).unwrap(), None);
        let (mut body, mut tail) = ([0u8; 5], [0u8; 3]);
        let read = |ws: &Workspace, body: &mut [u8], tail: &mut [u8], generation| {
            read_into(ws.conn(), "a", generation, body, tail).unwrap()
        };
        assert!(read(&ws, &mut body, &mut tail, from.generation));
        assert_eq!((&body, &tail), (b"keys|", b"tag"));
        assert!(
            !read(&ws, &mut [0u8; 5], &mut [0u8; 2], from.generation),
            "shorter"
        );
        assert!(
            !read(&ws, &mut [0u8; 5], &mut [0u8; 4], from.generation),
            "longer"
        );
        assert!(
            !read(&ws, &mut body, &mut tail, from.generation - 1),
            "built later"
        );
        assert_eq!(
            get(ws.conn(), "b", from.generation).unwrap().as_deref(),
            Some(&b"more"[..])
        );
        ws.conn_mut().unwrap();
        assert!(
            !read(&ws, &mut body, &mut tail, from.generation + 1),
            "emptied"
        );
    }

    #[test]
    fn another_connections_commit_refuses_a_part_built_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.leadstream");
        let mut writer = Workspace::create(&path).unwrap();
        let builder = Workspace::open(&path).unwrap();
        let from = built_from(builder.conn()).unwrap();
        // Another connection commits after the builder started reading.
        writer
            .conn_mut()
            .unwrap()
            .execute("UPDATE settings SET value = value WHERE 0", [])
            .unwrap();
        assert!(!put(builder.conn(), "x", from, b"stale").unwrap());
        // Started now, it may.
        let fresh = built_from(builder.conn()).unwrap();
        assert!(put(builder.conn(), "x", fresh, b"fresh").unwrap());
        assert_eq!(
            get(writer.conn(), "x", fresh.generation)
                .unwrap()
                .as_deref(),
            Some(&b"fresh"[..])
        );
    }

    #[test]
    fn a_write_that_spares_some_parts_keeps_them_for_the_new_generation() {
        let mut ws = Workspace::in_memory().unwrap();
        let from = built_from(ws.conn()).unwrap();
        assert!(put(ws.conn(), "kept", from, b"k").unwrap());
        assert!(put(ws.conn(), "dropped", from, b"d").unwrap());
        invalidate_except(ws.conn(), |name| name == "kept").unwrap();
        let now = generation(ws.conn()).unwrap();
        assert_eq!(now, from.generation + 1);
        // Kept as it was built (its bytes are not rewritten), and read by
        // readers of either generation.
        assert_eq!(
            parts(ws.conn()).unwrap(),
            vec![("kept".to_owned(), from.generation, 1)]
        );
        for reader in [from.generation, now] {
            assert_eq!(
                get(ws.conn(), "kept", reader).unwrap().as_deref(),
                Some(&b"k"[..])
            );
        }
        // A part built for the new generation is not read at the old one.
        let fresh = built_from(ws.conn()).unwrap();
        assert!(put(ws.conn(), "new", fresh, b"n").unwrap());
        assert_eq!(get(ws.conn(), "new", from.generation).unwrap(), None);
        // Kept again by a later write, it is still read at the newest one.
        invalidate_except(ws.conn(), |name| name == "kept").unwrap();
        let newest = generation(ws.conn()).unwrap();
        assert_eq!(
            get(ws.conn(), "kept", newest).unwrap().as_deref(),
            Some(&b"k"[..])
        );
        assert_eq!(get(ws.conn(), "new", newest).unwrap(), None);
        // Inside a caller's transaction, everything goes, as with `invalidate`.
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        invalidate_except(&tx, |_| true).unwrap();
        assert_eq!(parts(&tx).unwrap(), vec![]);
    }
}
