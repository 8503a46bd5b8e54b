//! The quick search's index: every lead's search key (the folded text that
//! `search_match()` builds from first name, last name, e-mail, company and
//! external id) in one buffer, with the lead ids, so that a search is one
//! substring scan in memory instead of folding a million rows in SQL. Kept in
//! the workspace's `search_keys_slot` tagged with its data stamp, and stored
//! in the workspace file's derived cache for the data's generation, in two
//! halves that a fresh process reads at once instead of building the keys,
//! with the leads changed since they were stored, which it re-reads
//! (`search_stored`). Never stale: a change of the data moves both tags.

use std::ops::RangeInclusive;

use memchr::memmem::Finder;

use super::search_stored::{holds_stored, keys_now, load_stored, store_if_free};
use crate::store::tables::derived_cache;
use crate::store::tables::leads as stored_leads;
use crate::store::{lock_slot, split_read, Reader};
use crate::text::push_values_search_key;
use crate::{Result, Workspace};

/// Lead ids from which the keys are read on two connections at once: at
/// 1M leads one connection takes about half a second (reading and folding
/// in about equal parts); below this, a second connection costs more than
/// it saves.
const SPLIT_FROM_LEAD_IDS: i64 = 200_000;

/// Keys as they are read: after `base` bytes (the stored form's header, or
/// none), each key and its separator, with its lead's id and where its
/// separator is, relative to `base`.
struct KeysBuilder {
    bytes: Vec<u8>,
    base: usize,
    ids: Vec<i64>,
    ends: Vec<usize>,
}

impl KeysBuilder {
    /// An empty builder after `prefix`, with room for about `leads` keys.
    fn new(prefix: &[u8], leads: usize) -> Self {
        let mut bytes = Vec::with_capacity(prefix.len() + leads.saturating_mul(KEY_BYTES_HINT + 8));
        bytes.extend_from_slice(prefix);
        KeysBuilder {
            base: prefix.len(),
            bytes,
            ids: Vec::with_capacity(leads),
            ends: Vec::with_capacity(leads),
        }
    }

    /// Adds the keys of the leads whose id is in `ids`, in id order.
    fn read(&mut self, conn: &rusqlite::Connection, ids: RangeInclusive<i64>) -> Result<()> {
        let mut key = String::new();
        stored_leads::visit_search_fields_in(conn, ids, |id, values| {
            key.clear();
            push_values_search_key(values, &mut key);
            self.ids.push(id);
            self.bytes.extend_from_slice(key.as_bytes());
            self.ends.push(self.bytes.len() - self.base);
            self.bytes.push(SEPARATOR);
        })
    }

    /// Adds the keys of every lead: `conn` reads the ids up to `middle`
    /// while a connection from `reader` reads those above
    /// (`store::split_read`); then the upper keys follow the lower ones, as
    /// one read would have laid them out. The halves are two snapshots: a
    /// commit by another connection after the data stamp the keys are
    /// tagged with moves that stamp, so such keys are read again before
    /// they are used or stored.
    fn read_in_halves(
        &mut self,
        conn: &rusqlite::Connection,
        reader: &Reader,
        middle: i64,
    ) -> Result<()> {
        let room = self.ids.capacity() / 2;
        let ((), upper) = split_read::read_in_halves(
            conn,
            reader,
            middle,
            |conn, ids| self.read(conn, ids),
            |conn, ids| {
                let mut upper = KeysBuilder::new(&[], room);
                upper.read(conn, ids).map(|()| upper)
            },
        )?;
        self.append(upper);
        Ok(())
    }

    /// Adds `later`'s keys, all of whose ids are above these.
    fn append(&mut self, later: KeysBuilder) {
        let offset = self.bytes.len() - self.base;
        self.bytes.extend_from_slice(&later.bytes[later.base..]);
        self.ids.extend_from_slice(&later.ids);
        self.ends.extend(later.ends.iter().map(|end| end + offset));
    }
}

/// What starts the stored form: a format tag, then the number of leads;
/// the keys follow, then the ids (8 bytes each, little-endian).
const MAGIC: &[u8; 8] = b"LSKEYS02";
pub(crate) const HEADER_LEN: usize = MAGIC.len() + 8;

/// The number of leads a stored form starting with `head` holds; `None`
/// when it is not one.
pub(crate) fn lead_count_of(head: &[u8; HEADER_LEN]) -> Option<usize> {
    if head[..MAGIC.len()] != MAGIC[..] {
        return None;
    }
    let count = u64::from_le_bytes(head[MAGIC.len()..].try_into().ok()?);
    usize::try_from(count).ok()
}

/// The parts of a stored form: where its keys end, its ids and where each
/// key's separator is (relative to [`HEADER_LEN`]); `None` when it is not
/// one (another format, or parts that do not add up).
fn parse_stored(bytes: &[u8]) -> Option<(usize, Vec<i64>, Vec<usize>)> {
    let count = lead_count_of(bytes.get(..HEADER_LEN)?.try_into().ok()?)?;
    let keys_end = bytes.len().checked_sub(count.checked_mul(8)?)?;
    let keys = bytes.get(HEADER_LEN..keys_end)?;
    let ends: Vec<usize> = memchr::memchr_iter(SEPARATOR, keys).collect();
    if ends.len() != count || keys.last().is_some_and(|&last| last != SEPARATOR) {
        return None;
    }
    Some((keys_end, ids_of(&bytes[keys_end..]), ends))
}

/// The lead ids that `bytes` holds, 8 bytes each, little-endian.
pub(super) fn ids_of(bytes: &[u8]) -> Vec<i64> {
    bytes
        .chunks_exact(8)
        .map(|chunk| {
            let mut id = [0u8; 8];
            id.copy_from_slice(chunk);
            i64::from_le_bytes(id)
        })
        .collect()
}

/// Ends each lead's key in the buffer: a byte no UTF-8 text holds, so no
/// needle (itself text) can match across two leads.
const SEPARATOR: u8 = 0xFF;

/// Room reserved per lead for its key when building (a typical key is 80
/// to 90 bytes), so that the buffer is rarely copied while it grows.
const KEY_BYTES_HINT: usize = 96;

/// Every lead's search key, by id.
pub(crate) struct SearchKeys {
    /// The workspace's data stamp these keys were read at.
    stamp: (u64, i64),
    /// The file's data generation (`derived_cache::generation`) they were
    /// read at; `None` when not known (then they are never patched).
    file_generation: Option<i64>,
    /// The lead ids, ascending.
    ids: Vec<i64>,
    /// The stored form's bytes: the header, then each lead's key followed
    /// by [`SEPARATOR`], up to `keys_end` (then the ids, in the stored form).
    bytes: Vec<u8>,
    keys_end: usize,
    /// Where each lead's separator is, relative to [`HEADER_LEN`].
    ends: Vec<usize>,
}

impl SearchKeys {
    /// Builds the keys from the leads table, straight into the stored form.
    /// With a file to read beside, a second core and lead ids spanning at
    /// least [`SPLIT_FROM_LEAD_IDS`], outside a transaction and unencrypted
    /// (a second connection's key derivation, about 0.17 s, would eat what
    /// it saves at 1M leads), two connections read half the ids each
    /// ([`KeysBuilder::read_in_halves`]).
    fn build(workspace: &Workspace, stamp: (u64, i64)) -> Result<Self> {
        Self::build_splitting_from(workspace, stamp, SPLIT_FROM_LEAD_IDS)
    }

    fn build_splitting_from(
        workspace: &Workspace,
        stamp: (u64, i64),
        split_from: i64,
    ) -> Result<Self> {
        let conn = workspace.conn();
        let expected = usize::try_from(stored_leads::count(workspace)?).unwrap_or(0);
        let mut header = [0u8; HEADER_LEN];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        let mut keys = KeysBuilder::new(&header, expected);
        let reader = workspace.reader().filter(|_| !workspace.is_protected());
        match split_read::split_point(conn, reader.as_ref(), stored_leads::id_bounds, split_from)? {
            Some((reader, middle)) => keys.read_in_halves(conn, reader, middle)?,
            None => keys.read(conn, split_read::ALL_IDS)?,
        }
        Ok(SearchKeys::finished(stamp, keys.bytes, keys.ids, keys.ends))
    }

    /// The keys from their parts: `bytes` holds the header and each key
    /// with its separator; the lead count and the ids are written here.
    fn finished(stamp: (u64, i64), mut bytes: Vec<u8>, ids: Vec<i64>, ends: Vec<usize>) -> Self {
        bytes[MAGIC.len()..HEADER_LEN].copy_from_slice(&(ids.len() as u64).to_le_bytes());
        let keys_end = bytes.len();
        for id in &ids {
            bytes.extend_from_slice(&id.to_le_bytes());
        }
        SearchKeys {
            stamp,
            file_generation: None,
            ids,
            bytes,
            keys_end,
            ends,
        }
    }

    /// Reads the stored form; `None` when it is not one (another format).
    pub(super) fn from_stored(bytes: Vec<u8>, stamp: (u64, i64)) -> Option<Self> {
        let (keys_end, ids, ends) = parse_stored(&bytes)?;
        Some(SearchKeys {
            stamp,
            file_generation: None,
            ids,
            bytes,
            keys_end,
            ends,
        })
    }

    /// Reads the stored form `bytes[room..room + form_len]` and applies
    /// `changes` (as [`SearchKeys::with_changes`]) in place: each
    /// run of unchanged keys moves towards the front and each new key is
    /// written where it belongs, so the keys' memory is filled once. The
    /// room before the stored form must hold every new key with its
    /// separator: then no write overtakes a byte not yet moved; the bytes
    /// after the form, 8 per change, take the ids that the changes add.
    /// `None` when it is not a stored form, or the room is too small.
    pub(super) fn from_stored_with_changes(
        mut bytes: Vec<u8>,
        room: usize,
        form_len: usize,
        changes: &[(i64, Option<String>)],
        stamp: (u64, i64),
    ) -> Option<Self> {
        let (_, old_ids, old_ends) = parse_stored(bytes.get(room..room + form_len)?)?;
        bytes.copy_within(room..room + HEADER_LEN, 0);
        let old_keys = room + HEADER_LEN;
        let key_start = |row: usize| if row == 0 { 0 } else { old_ends[row - 1] + 1 };
        let capacity = old_ids.len() + changes.len();
        let (mut ids, mut ends) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
        let mut written = HEADER_LEN;
        let move_rows = |rows: std::ops::Range<usize>,
                         bytes: &mut Vec<u8>,
                         written: &mut usize,
                         ids: &mut Vec<i64>,
                         ends: &mut Vec<usize>| {
            if rows.is_empty() {
                return;
            }
            let (from, to) = (key_start(rows.start), key_start(rows.end));
            bytes.copy_within(old_keys + from..old_keys + to, *written);
            let landed = *written - HEADER_LEN;
            ids.extend_from_slice(&old_ids[rows.clone()]);
            ends.extend(old_ends[rows].iter().map(|&end| end - from + landed));
            *written += to - from;
        };
        // The first old lead not yet moved.
        let mut next = 0;
        for (id, key) in changes {
            let row = old_ids.partition_point(|old| old < id);
            move_rows(
                next..row.max(next),
                &mut bytes,
                &mut written,
                &mut ids,
                &mut ends,
            );
            next = next.max(row);
            if old_ids.get(row) == Some(id) {
                next = row + 1; // the old key is replaced or dropped
            }
            if let Some(key) = key {
                // Up to the first old key not yet moved (past the last, the
                // old ids, already decoded).
                let unread = match next < old_ids.len() {
                    true => old_keys + key_start(next),
                    false => bytes.len(),
                };
                let end = written + key.len();
                if end >= unread {
                    return None;
                }
                bytes[written..end].copy_from_slice(key.as_bytes());
                bytes[end] = SEPARATOR;
                ids.push(*id);
                ends.push(end - HEADER_LEN);
                written = end + 1;
            }
        }
        move_rows(
            next..old_ids.len(),
            &mut bytes,
            &mut written,
            &mut ids,
            &mut ends,
        );
        bytes.truncate(written);
        Some(SearchKeys::finished(stamp, bytes, ids, ends))
    }

    /// The ids of the leads whose key contains `needle` (a non-empty search
    /// key), ascending.
    fn matching_ids(&self, needle: &str) -> Vec<i64> {
        let keys = &self.bytes[HEADER_LEN..self.keys_end];
        let finder = Finder::new(needle.as_bytes());
        let mut found = Vec::new();
        let mut from = 0;
        let mut row = 0;
        while let Some(at) = finder.find(&keys[from..]) {
            let position = from + at;
            // The lead whose key holds the match: the first whose end is after it.
            row += self.ends[row..].partition_point(|&end| end < position);
            let Some(&id) = self.ids.get(row) else {
                break;
            };
            found.push(id);
            from = self.ends[row] + 1;
            row += 1;
        }
        found
    }

    /// These keys with `changes` applied (ascending by id: each lead's new
    /// key, or `None` for a lead that is gone), stamped `stamp`. The keys in
    /// between are copied in runs, so the cost is one copy of the buffer
    /// plus a look-up per change.
    fn with_changes(&self, changes: &[(i64, Option<String>)], stamp: (u64, i64)) -> SearchKeys {
        let added: usize = changes
            .iter()
            .map(|(_, key)| key.as_ref().map_or(0, |key| key.len() + 1))
            .sum();
        let capacity = self.ids.len() + changes.len();
        let mut bytes = Vec::with_capacity(self.bytes.len() + added + 8 * changes.len());
        bytes.extend_from_slice(&self.bytes[..HEADER_LEN]);
        let mut ids = Vec::with_capacity(capacity);
        let mut ends = Vec::with_capacity(capacity);
        // The first old lead not yet copied.
        let mut next = 0;
        for (id, key) in changes {
            let row = self.ids.partition_point(|old| old < id);
            self.copy_rows(next..row.max(next), &mut bytes, &mut ids, &mut ends);
            next = next.max(row);
            if self.ids.get(row) == Some(id) {
                next = row + 1; // the old key is replaced or dropped
            }
            if let Some(key) = key {
                ids.push(*id);
                bytes.extend_from_slice(key.as_bytes());
                ends.push(bytes.len() - HEADER_LEN);
                bytes.push(SEPARATOR);
            }
        }
        self.copy_rows(next..self.ids.len(), &mut bytes, &mut ids, &mut ends);
        SearchKeys::finished(stamp, bytes, ids, ends)
    }

    /// Appends the keys, ids and ends of the old leads at `rows` (of
    /// `self.ids`) to a new keys' parts, in one copy.
    fn copy_rows(
        &self,
        rows: std::ops::Range<usize>,
        bytes: &mut Vec<u8>,
        ids: &mut Vec<i64>,
        ends: &mut Vec<usize>,
    ) {
        if rows.is_empty() {
            return;
        }
        let key_start = |row: usize| if row == 0 { 0 } else { self.ends[row - 1] + 1 };
        let (from, to) = (key_start(rows.start), key_start(rows.end));
        // Where the copied keys land in the new buffer, less where they were.
        let landed = bytes.len() - HEADER_LEN;
        bytes.extend_from_slice(&self.bytes[HEADER_LEN + from..HEADER_LEN + to]);
        ids.extend_from_slice(&self.ids[rows.clone()]);
        ends.extend(self.ends[rows].iter().map(|&end| end - from + landed));
    }

    /// The lead ids, ascending.
    pub(crate) fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// How many leads the keys cover.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The size of the keys in memory, in bytes (for benchmarks).
    #[cfg(test)]
    pub(crate) fn memory_size(&self) -> usize {
        self.bytes.capacity() + 8 * self.ids.capacity() + 8 * self.ends.capacity()
    }
}

/// The stored form `form` with `changes` applied (ascending by id: each
/// lead's key now, or `None` for a lead that is gone), as
/// [`SearchKeys::with_changes`] applies them: for a write that stores the
/// keys again (`search_stored`). `None` when `form` is not a stored form.
pub(super) fn stored_form_with_changes(
    form: Vec<u8>,
    changes: &[(i64, Option<String>)],
) -> Option<Vec<u8>> {
    let unstamped = (0, 0);
    let keys = SearchKeys::from_stored(form, unstamped)?;
    Some(keys.with_changes(changes, unstamped).bytes)
}

/// The ids of the leads whose name, e-mail, company or external id contain
/// `needle` (a non-empty search key), ascending: the same leads as
/// `search_match()` in SQL, from the index (built, or loaded from the
/// workspace file, when the data changed).
pub(crate) fn matching_ids(workspace: &Workspace, needle: &str) -> Result<Vec<i64>> {
    with_keys(workspace, |keys| keys.matching_ids(needle))
}

/// Runs `work` on the current keys: the ones in memory if the data has not
/// changed since they were read; else those patched for the leads this
/// connection changed since (`Workspace::take_lead_changes`); else the ones stored
/// for the data's generation; else new ones (then stored for the next
/// process). Inside a caller's transaction the keys are built for that one
/// use and not kept: the transaction may still be rolled back.
pub(crate) fn with_keys<T>(
    workspace: &Workspace,
    work: impl FnOnce(&SearchKeys) -> T,
) -> Result<T> {
    let stamp = workspace.data_stamp()?;
    if !workspace.conn().is_autocommit() {
        return Ok(work(&SearchKeys::build(workspace, stamp)?));
    }
    let mut slot = lock_slot(workspace.search_keys_slot());
    let kept = slot
        .take()
        .and_then(|kept| kept.downcast::<SearchKeys>().ok());
    let keys = match kept {
        Some(keys) if keys.stamp == stamp => *keys,
        Some(keys) => match patched(workspace, *keys, stamp)? {
            Some(keys) => keys,
            None => load_or_build(workspace, stamp)?,
        },
        None => load_or_build(workspace, stamp)?,
    };
    let result = work(&keys);
    *slot = Some(Box::new(keys));
    Ok(result)
}

/// `keys` brought up to `stamp` by re-reading only the leads this
/// workspace's connection inserted, updated or deleted since they were read
/// (`Workspace::take_lead_changes`), or `None` when that is not known to be
/// all of the change, or is so much that building afresh is as quick.
///
/// All of the change is in the notes when every data generation the file
/// gained since the keys were read was created by a write the notes saw
/// (`Workspace::created_every_generation`): every write of the data through
/// the store creates one (`derived_cache::invalidate`), so a write by
/// another process, or one that bumped the generation a second time, makes
/// the keys read again. SQLite's `data_version` cannot tell: it also moves
/// when this process stores a derived part, or imports, on another
/// connection.
fn patched(
    workspace: &Workspace,
    keys: SearchKeys,
    stamp: (u64, i64),
) -> Result<Option<SearchKeys>> {
    let conn = workspace.conn();
    let file_generation = derived_cache::generation(conn)?;
    let all_noted = keys
        .file_generation
        .is_some_and(|read_at| workspace.created_every_generation(read_at, file_generation));
    let most = (keys.ids.len() / PATCH_AT_MOST_ONE_IN).max(PATCH_ALWAYS_UP_TO);
    if !all_noted || workspace.lead_changes_noted() > 2 * most {
        return Ok(None);
    }
    let Some(changed) = workspace
        .take_lead_changes()
        .filter(|ids| ids.len() <= most)
    else {
        return Ok(None);
    };
    if changed.is_empty() {
        // Nothing the keys read changed (another connection stored a
        // derived part, or a write touched no lead): the same keys, no copy.
        let mut kept = keys;
        kept.stamp = stamp;
        kept.file_generation = Some(file_generation);
        return Ok(Some(kept));
    }
    let changes = keys_now(conn, &changed)?;
    let mut patched = keys.with_changes(&changes, stamp);
    patched.file_generation = Some(file_generation);
    Ok(Some(patched))
}

/// A patch re-reads the changed leads one by one (by id) and copies the
/// other keys, so past one lead in this many building afresh is as quick.
const PATCH_AT_MOST_ONE_IN: usize = 8;

/// Below this many changed leads a patch is always the quicker.
const PATCH_ALWAYS_UP_TO: usize = 1_000;

/// The keys stored for the data's generation, or new ones. Either way the
/// notes of changed leads start afresh, relative to these keys. New keys
/// are stored when the workspace closes ([`store_on_close`]), not here: the
/// user waiting for this search does not wait for the write of the file too
/// (about 0.4 s at 1M leads).
fn load_or_build(workspace: &Workspace, stamp: (u64, i64)) -> Result<SearchKeys> {
    let conn = workspace.conn();
    let _forgotten = workspace.take_lead_changes();
    let generation = derived_cache::generation(conn)?;
    if let Some(stored) = load_stored(workspace, generation)? {
        if let Some(mut keys) = stored.into_keys(stamp) {
            keys.file_generation = Some(generation);
            return Ok(keys);
        }
    }
    let mut keys = SearchKeys::build(workspace, stamp)?;
    keys.file_generation = Some(generation);
    Ok(keys)
}

/// Stores the keys this workspace holds in memory, if the file does not
/// hold them yet, so that the next process to open it loads them instead of
/// reading every lead (0.12 s instead of 0.5 s at 1M leads). Registered
/// with `Workspace::on_close` (the app closes a workspace when another one
/// opens and when its window closes; the CLI when a command ends). Keys
/// behind the data are brought up to date first if a patch can
/// ([`patched`]); never built afresh here. Storing is only a head start:
/// a busy or read-only file, or one another connection changed since the
/// keys were read, keeps nothing, at once.
pub(crate) fn store_on_close(workspace: &Workspace) {
    let _stored: Result<bool> = store_unstored(workspace);
}

/// [`store_on_close`]: whether it stored the keys.
fn store_unstored(workspace: &Workspace) -> Result<bool> {
    let conn = workspace.conn();
    if !conn.is_autocommit() {
        return Ok(false);
    }
    let mut slot = lock_slot(workspace.search_keys_slot());
    let Some(kept) = slot
        .take()
        .and_then(|kept| kept.downcast::<SearchKeys>().ok())
    else {
        return Ok(false);
    };
    let stamp = workspace.data_stamp()?;
    let keys = if kept.stamp == stamp {
        *kept
    } else {
        match patched(workspace, *kept, stamp)? {
            Some(keys) => keys,
            None => return Ok(false),
        }
    };
    let stored = match keys.file_generation {
        Some(generation) if !holds_stored(conn, generation)? => {
            // The keys were read at `stamp`: this connection's
            // `data_version` then, so `put` refuses if another connection
            // committed since, and the generation refuses any later write.
            let from = derived_cache::BuiltFrom {
                generation,
                data_version: keys.stamp.1,
            };
            // Without waiting: a file another connection is writing to (an
            // import on the app's own connection) keeps nothing.
            store_if_free(conn, from, &keys.bytes)
        }
        _ => false,
    };
    *slot = Some(Box::new(keys));
    Ok(stored)
}

/// Whether this workspace's connection changed more leads since it opened
/// than another connection to the file patches its keys for ([`patched`];
/// the bound here is that of a patch of keys for every lead there is now):
/// after such a write (a large import on a connection of its own), the
/// other connection's next search reads every lead, unless
/// [`store_built_afresh`] stored the keys first.
pub fn outran_search_keys(workspace: &Workspace) -> Result<bool> {
    let noted = workspace.lead_changes_noted();
    if noted <= PATCH_ALWAYS_UP_TO {
        return Ok(false);
    }
    let leads = usize::try_from(stored_leads::count(workspace)?).unwrap_or(usize::MAX);
    Ok(noted > (leads / PATCH_AT_MOST_ONE_IN).max(PATCH_ALWAYS_UP_TO))
}

/// Builds the quick search's keys from every lead and stores them in the
/// file, unless it holds them for the data's generation already, so that
/// the next search, by any connection, loads them (0.12 s at 1M leads)
/// instead of reading every lead (0.5 s). For a connection of its own on a
/// background thread, after [`outran_search_keys`]. It does not hold up
/// another writer: a file busy when it stores, or another connection's
/// commit while it read (`derived_cache::put`), and it waits until the
/// file is free and builds them again, up to [`STORE_ATTEMPTS`] times in
/// all, as long as the data's generation is the one it started from (a
/// later write of the data is the business of the connection that made
/// it). Returns whether it stored them.
pub fn store_built_afresh(workspace: &Workspace) -> Result<bool> {
    let conn = workspace.conn();
    if !conn.is_autocommit() {
        return Ok(false);
    }
    let first = derived_cache::built_from(conn)?;
    for _attempt in 0..STORE_ATTEMPTS {
        let from = derived_cache::built_from(conn)?;
        if from.generation != first.generation || holds_stored(conn, from.generation)? {
            return Ok(false);
        }
        let keys = SearchKeys::build(workspace, workspace.data_stamp()?)?;
        if store_if_free(conn, from, &keys.bytes) {
            return Ok(true);
        }
        // Another writer (another process's daily upkeep, a setting, an
        // audit entry) had the file, or committed while the keys were read.
        workspace.wait_until_writable()?;
    }
    Ok(false)
}

/// How many times [`store_built_afresh`] builds and tries to store.
const STORE_ATTEMPTS: usize = 3;

/// How long building the keys and storing them take, in ms (benchmarks).
#[cfg(test)]
pub(crate) fn build_and_store_ms(workspace: &Workspace) -> Result<(u128, u128)> {
    let started = std::time::Instant::now();
    let from = derived_cache::built_from(workspace.conn())?;
    let keys = SearchKeys::build(workspace, workspace.data_stamp()?)?;
    let built = started.elapsed().as_millis();
    let started = std::time::Instant::now();
    let parts = super::search_stored::parts_to_store(&keys.bytes);
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(name, part)| (*name, &part[..]))
        .collect();
    derived_cache::put_together(workspace.conn(), &parts, from)?;
    Ok((built, started.elapsed().as_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::search_stored::{
        self, is_stored_keys_part, parts_to_store, ReadKeys, CHANGED_PART, STORED_HALVES,
    };
    use crate::store::tables::leads::search_filter;
    use crate::text::search_key;

    fn insert(ws: &Workspace, values: [Option<&str>; 5]) -> i64 {
        ws.conn()
            .execute(
                "INSERT INTO leads (first_name, last_name, email, company, external_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)",
                values,
            )
            .unwrap();
        ws.conn().last_insert_rowid()
    }

    /// The ids the SQL function finds: what the quick search found before.
    fn sql_ids(ws: &Workspace, needle: &str) -> Vec<i64> {
        let (filter, params) = search_filter(needle, false);
        crate::store::tables::leads::matching_ids(ws, &filter, &params).unwrap()
    }

    fn workspace_with_variety() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        insert(
            &ws,
            [
                Some("Bea"),
                Some("Müller"),
                Some("b@x.com"),
                Some("Pébéo"),
                None,
            ],
        );
        insert(
            &ws,
            [
                Some("Otto"),
                Some("Weg"),
                None,
                Some("Straße AG"),
                Some("A-1"),
            ],
        );
        insert(
            &ws,
            [
                Some("Jo"),
                Some("Mu\u{308}ller"),
                Some("jo@muller.de"),
                None,
                None,
            ],
        );
        insert(&ws, [None, None, None, None, Some("7927b2df-8bba")]);
        insert(
            &ws,
            [
                Some(""),
                Some("STRASSE"),
                Some("s@ex.org"),
                Some(""),
                Some(""),
            ],
        );
        insert(
            &ws,
            [Some("Søren"), Some("Ærø"), None, Some("東京 KK"), None],
        );
        insert(&ws, [None, None, None, None, None]);
        ws.conn()
            .execute(
                "INSERT INTO leads (first_name, external_id, created_at, updated_at) VALUES ('Num', 660737, 0, 0)",
                [],
            )
            .unwrap();
        ws
    }

    #[test]
    fn the_index_finds_what_the_sql_function_finds() {
        let ws = workspace_with_variety();
        for needle in [
            "muller",
            "MÜLLER",
            "Mu\u{308}ller",
            "pebeo",
            "Pébéo",
            "straße",
            "strasse",
            "x.com",
            "@",
            "8bba",
            "A-1",
            "a",
            "e",
            " ",
            "bea mu",
            "zzz",
            "東京",
            "aero",
            "soren",
            "660737",
            "o w",
            "g s",
            "ss",
            "l",
        ] {
            let key = search_key(needle);
            let from_index = matching_ids(&ws, &key).unwrap();
            assert_eq!(from_index, sql_ids(&ws, &key), "needle {needle:?}");
        }
        assert_eq!(matching_ids(&ws, "muller").unwrap(), [1, 3]);
        assert_eq!(matching_ids(&ws, "strasse").unwrap(), [2, 5]);
    }

    /// The demo workspace (accented names, e-mails, companies, external ids).
    fn demo_workspace() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        let mut spec = crate::demo::DemoSpec::standard(1_790_035_200);
        spec.events_per_lead = 0;
        crate::demo::generate(&mut ws, &spec).unwrap();
        ws
    }

    #[test]
    fn many_needles_agree_with_the_sql_function_on_the_demo_workspace() {
        let ws = demo_workspace();
        let texts: Vec<String> = {
            let mut statement = ws
                .conn()
                .prepare(
                    "SELECT coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || \
                     coalesce(email, '') || ' ' || coalesce(company, '') || ' ' || coalesce(external_id, '') \
                     FROM leads",
                )
                .unwrap();
            let texts = statement.query_map([], |r| r.get::<_, String>(0)).unwrap();
            texts.map(|t| t.unwrap()).collect()
        };
        assert!(
            texts.iter().any(|t| !t.is_ascii()),
            "the demo has accented names"
        );
        let fixed = [
            "müller",
            "MULLER",
            "Mu\u{308}ller",
            "straße",
            "@example",
            ".com",
            "a",
            "zzzz-none",
        ];
        let mut needles: Vec<String> = fixed.iter().map(|n| search_key(n)).collect();
        // Random pieces (1 to 6 characters, any case) of the leads' own text.
        let mut seed = 7u64;
        for _ in 0..200 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let chars: Vec<char> = texts[(seed >> 33) as usize % texts.len()].chars().collect();
            let start = (seed >> 20) as usize % chars.len();
            let len = 1 + (seed >> 44) as usize % 6;
            let piece: String = chars[start..(start + len).min(chars.len())]
                .iter()
                .collect();
            let piece = if seed % 2 == 0 {
                piece.to_uppercase()
            } else {
                piece
            };
            needles.push(search_key(&piece));
        }
        let mut matched = 0;
        for needle in needles.iter().filter(|n| !n.is_empty()) {
            let from_index = matching_ids(&ws, needle).unwrap();
            assert_eq!(from_index, sql_ids(&ws, needle), "needle {needle:?}");
            matched += usize::from(!from_index.is_empty());
        }
        assert!(matched > 150, "most needles find someone ({matched})");
    }

    #[test]
    fn a_write_is_seen_by_the_next_search() {
        let mut ws = workspace_with_variety();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), Vec::<i64>::new());
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Newname' WHERE id = 2", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), [2]);
        ws.conn_mut()
            .unwrap()
            .execute("DELETE FROM leads WHERE id = 2", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), Vec::<i64>::new());
    }

    /// Puts keys in the slot as if read at the current data, with lead
    /// `id`'s key replaced by `planted`: a search that finds it used them.
    fn plant(ws: &Workspace, id: i64, planted: &str) {
        let stamp = ws.data_stamp().unwrap();
        let _forgotten = ws.take_lead_changes();
        let built = SearchKeys::build(ws, stamp).unwrap();
        let mut planted = built.with_changes(&[(id, Some(planted.to_owned()))], stamp);
        planted.file_generation = Some(derived_cache::generation(ws.conn()).unwrap());
        *lock_slot(ws.search_keys_slot()) = Some(Box::new(planted));
    }

    #[test]
    fn a_small_write_patches_the_keys_in_memory() {
        let mut ws = workspace_with_variety();
        plant(&ws, 1, "planted");
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Newname' WHERE id = 2", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), [2]);
        assert_eq!(
            matching_ids(&ws, "planted").unwrap(),
            [1],
            "the other keys were kept, not read again"
        );
        // A change of a field the keys do not read, then a delete and an insert.
        ws.conn_mut().unwrap()
            .execute_batch(
                "UPDATE leads SET job_title = 'Muller' WHERE id = 4;
                 DELETE FROM leads WHERE id = 2;
                 INSERT INTO leads (id, company, created_at, updated_at) VALUES (20, 'Newname Ltd', 0, 0);",
            )
            .unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), [20]);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), [1]);
        assert_eq!(all_ids(&ws), [1, 3, 4, 5, 6, 7, 8, 20]);
    }

    fn all_ids(ws: &Workspace) -> Vec<i64> {
        with_keys(ws, |keys| keys.ids().to_vec()).unwrap()
    }

    /// A workspace file in `dir` with one lead per last name, ids from 1.
    fn file_with_leads(
        dir: &tempfile::TempDir,
        last_names: &[&str],
    ) -> (Workspace, std::path::PathBuf) {
        let path = dir.path().join("w.leadstream");
        let mut ws = Workspace::create(&path).unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        for name in last_names {
            tx.execute(
                "INSERT INTO leads (last_name, created_at, updated_at) VALUES (?1, 0, 0)",
                [name],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        (ws, path)
    }

    /// Keys as comparable parts: each key with its separator, the ids and
    /// the separators' positions.
    type KeyParts = (Vec<u8>, Vec<i64>, Vec<usize>);

    fn key_parts(keys: &SearchKeys) -> KeyParts {
        let read = keys.bytes[HEADER_LEN..keys.keys_end].to_vec();
        (read, keys.ids.clone(), keys.ends.clone())
    }

    #[test]
    fn two_halves_read_at_once_give_exactly_what_one_read_gives() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..60)
            .map(|i| match i % 4 {
                0 => format!("Müller {i}"),
                1 => format!("STRASSE{i}"),
                2 => String::new(),
                _ => format!("東京 {i}"),
            })
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (ws, _path) = file_with_leads(&dir, &names);
        let stamp = ws.data_stamp().unwrap();
        let one_read = key_parts(&SearchKeys::build_splitting_from(&ws, stamp, i64::MAX).unwrap());
        assert_eq!(one_read.1, (1..=60).collect::<Vec<i64>>());
        let reader = ws.reader().unwrap();
        for middle in [i64::MIN, 0, 1, 17, 30, 59, 60, 1_000, i64::MAX] {
            let mut halves = KeysBuilder::new(&[], 60);
            halves.read_in_halves(ws.conn(), &reader, middle).unwrap();
            let halves = (halves.bytes, halves.ids, halves.ends);
            assert_eq!(halves, one_read, "split after id {middle}");
        }
        let split = SearchKeys::build_splitting_from(&ws, stamp, 0).unwrap();
        assert_eq!(key_parts(&split), one_read);
    }

    #[test]
    fn inside_a_transaction_one_connection_reads_what_only_it_sees() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, _path) = file_with_leads(&dir, &["Alpha", "Beta", "Gamma", "Delta"]);
        ws.conn_mut()
            .unwrap()
            .execute_batch("BEGIN; UPDATE leads SET last_name = 'Uncommitted' WHERE id = 4;")
            .unwrap();
        let stamp = ws.data_stamp().unwrap();
        let keys = SearchKeys::build_splitting_from(&ws, stamp, 0).unwrap();
        ws.conn().execute_batch("ROLLBACK").unwrap();
        assert_eq!(keys.matching_ids("uncommitted"), [4]);
        assert_eq!(keys.ids, [1, 2, 3, 4]);
    }

    #[test]
    fn a_write_the_log_did_not_see_makes_the_keys_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        // Another process writes: SQLite's data_version moves.
        plant(&ws, 1, "planted");
        let mut other = Workspace::open(&path).unwrap();
        other
            .conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 2", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "gamma").unwrap(), [2]);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), Vec::<i64>::new());

        // Another connection stores a derived part (as this process's
        // segment index does in the background), then this one writes:
        // `data_version` moved, the data only moved here, so the keys are
        // patched.
        plant(&ws, 1, "planted");
        let from = derived_cache::built_from(other.conn()).unwrap();
        assert!(derived_cache::put(other.conn(), "test/part", from, b"bytes").unwrap());
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Delta' WHERE id = 2", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "delta").unwrap(), [2]);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), [1]);

        // A write that empties the cache inside its own transaction (an
        // events import that turned out to create leads) moves the file's
        // generation once more than this workspace counted: read again.
        plant(&ws, 1, "planted");
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        derived_cache::invalidate(&tx).unwrap();
        tx.execute("UPDATE leads SET last_name = 'Epsilon' WHERE id = 2", [])
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(matching_ids(&ws, "epsilon").unwrap(), [2]);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), Vec::<i64>::new());
    }

    #[test]
    fn a_workspace_beside_hands_its_changes_over_once_written() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, _) = file_with_leads(&dir, &["Alpha", "Beta"]);
        // The app's import: its own workspace on the file, handed over after.
        plant(&ws, 1, "planted");
        let mut beside = ws.reopener().unwrap().open().unwrap();
        beside
            .conn_mut()
            .unwrap()
            .execute_batch(
                "UPDATE leads SET last_name = 'Gamma' WHERE id = 2;
                 INSERT INTO leads (last_name, created_at, updated_at) VALUES ('Zeta', 0, 0);",
            )
            .unwrap();
        ws.absorb_lead_changes_of(&beside);
        assert_eq!(matching_ids(&ws, "gamma").unwrap(), [2]);
        assert_eq!(matching_ids(&ws, "zeta").unwrap(), [3]);
        assert_eq!(
            matching_ids(&ws, "planted").unwrap(),
            [1],
            "patched, not rebuilt"
        );

        // Searched before the hand-over: the keys are read again, and the
        // notes handed over later change nothing they do not already hold.
        plant(&ws, 1, "planted");
        beside
            .conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Iota' WHERE id = 3", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "iota").unwrap(), [3]);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), Vec::<i64>::new());
        ws.absorb_lead_changes_of(&beside);
        assert_eq!(matching_ids(&ws, "iota").unwrap(), [3]);
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Theta' WHERE id = 1", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "theta").unwrap(), [1]);
        assert_eq!(matching_ids(&ws, "iota").unwrap(), [3]);

        // A workspace on another file hands nothing over.
        let other_path = dir.path().join("other.leadstream");
        let mut other = Workspace::create(&other_path).unwrap();
        other.conn_mut().unwrap();
        ws.absorb_lead_changes_of(&other);
        ws.absorb_lead_changes_of(&ws);
        assert_eq!(matching_ids(&ws, "theta").unwrap(), [1]);
    }

    #[test]
    fn writes_after_the_file_is_encrypted_are_still_seen() {
        use crate::store::cipher;
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, _) = file_with_leads(&dir, &["Alpha", "Beta"]);
        cipher::protect(&mut ws, cipher::Passphrase::new("correct horse battery")).unwrap();
        plant(&ws, 1, "planted");
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 2", [])
            .unwrap();
        assert_eq!(
            matching_ids(&ws, "gamma").unwrap(),
            [2],
            "the new connection is watched"
        );
        assert_eq!(
            matching_ids(&ws, "planted").unwrap(),
            [1],
            "and patched, not rebuilt"
        );
    }

    /// An encrypted file's keys are stored and loaded too, both halves on
    /// the workspace's own connection.
    #[test]
    fn an_encrypted_workspace_loads_its_stored_keys() {
        use crate::store::cipher;
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        let passphrase = || cipher::Passphrase::new("correct horse battery");
        cipher::protect(&mut ws, passphrase()).unwrap();
        plant(&ws, 2, "planted");
        drop(ws); // stores the keys held in memory, planted key and all
        let fresh = Workspace::open_with_passphrase(&path, passphrase()).unwrap();
        assert!(fresh.is_protected());
        assert_eq!(matching_ids(&fresh, "planted").unwrap(), [2], "loaded");
        assert_eq!(matching_ids(&fresh, "alpha").unwrap(), [1]);
    }

    #[test]
    fn a_change_of_no_lead_keeps_the_same_keys_without_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        let buffer = || with_keys(&ws, |keys| keys.bytes.as_ptr() as usize).unwrap();
        let first = buffer();
        // Another connection stores a derived part: `data_version` moves.
        let other = Workspace::open(&path).unwrap();
        let from = derived_cache::built_from(other.conn()).unwrap();
        assert!(derived_cache::put(other.conn(), "test/part", from, b"bytes").unwrap());
        assert_eq!(buffer(), first);
        // A write of events only.
        ws.conn_mut()
            .unwrap()
            .execute(
                "INSERT INTO events (lead_id, type, occurred_at) VALUES (1, 'page_view', 0)",
                [],
            )
            .unwrap();
        assert_eq!(
            with_keys(&ws, |keys| keys.bytes.as_ptr() as usize).unwrap(),
            first
        );
        assert_eq!(matching_ids(&ws, "beta").unwrap(), [2]);
    }

    #[test]
    fn a_big_write_makes_the_keys_read_again() {
        let mut ws = Workspace::in_memory().unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        for n in 0..8_000 {
            tx.execute(
                "INSERT INTO leads (last_name, created_at, updated_at) VALUES (?1, 0, 0)",
                [format!("Name{n}")],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        plant(&ws, 1, "planted");
        // 1,001 changes of 8,000 leads: more than both limits.
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Renamed' WHERE id > 6999", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "renamed").unwrap().len(), 1_001);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), Vec::<i64>::new());
        // 1,000 changes: patched.
        plant(&ws, 1, "planted");
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Again' WHERE id > 7000", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "again").unwrap().len(), 1_000);
        assert_eq!(matching_ids(&ws, "planted").unwrap(), [1]);
    }

    #[test]
    fn a_search_inside_a_transaction_sees_it_and_keeps_nothing_of_it() {
        let mut ws = workspace_with_variety();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), Vec::<i64>::new());
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        tx.execute("UPDATE leads SET last_name = 'Newname' WHERE id = 3", [])
            .unwrap();
        drop(tx); // rolled back
        ws.conn_mut()
            .unwrap()
            .execute_batch("BEGIN; UPDATE leads SET last_name = 'Newname' WHERE id = 3;")
            .unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), [3]);
        ws.conn().execute_batch("ROLLBACK").unwrap();
        assert_eq!(matching_ids(&ws, "newname").unwrap(), Vec::<i64>::new());
        assert_eq!(matching_ids(&ws, "muller").unwrap(), [1, 3]);
    }

    #[test]
    fn patched_keys_are_the_keys_built_afresh() {
        let mut ws = demo_workspace();
        matching_ids(&ws, "a").unwrap();
        let max_id: i64 = ws
            .conn()
            .query_row("SELECT max(id) FROM leads", [], |r| r.get(0))
            .unwrap();
        let mut seed = 11u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for round in 0..20 {
            let id = 1 + (next() as i64 % max_id);
            let statement = match next() % 4 {
                0 => format!("UPDATE leads SET first_name = 'Zoë{round}' WHERE id = {id}"),
                1 => format!("UPDATE leads SET email = NULL, company = 'Straße {round}' WHERE id = {id}"),
                2 => format!("DELETE FROM leads WHERE id = {id}"),
                _ => format!(
                    "INSERT INTO leads (first_name, external_id, created_at, updated_at) VALUES ('Nåm{round}', {round}, 0, 0)"
                ),
            };
            ws.conn_mut().unwrap().execute_batch(&statement).unwrap();
            let patched = with_keys(&ws, |keys| {
                (keys.ids.clone(), keys.bytes.clone(), keys.ends.clone())
            })
            .unwrap();
            let built = SearchKeys::build(&ws, ws.data_stamp().unwrap()).unwrap();
            assert_eq!(patched.0, built.ids, "round {round}: {statement}");
            assert_eq!(patched.1, built.bytes, "round {round}: {statement}");
            assert_eq!(patched.2, built.ends, "round {round}: {statement}");
        }
    }

    #[test]
    fn stored_keys_are_loaded_for_their_generation_only() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Müller"]);
        assert_eq!(matching_ids(&ws, "muller").unwrap(), [1]);
        let generation = derived_cache::generation(ws.conn()).unwrap();
        let stored = || load_stored(&ws, generation).unwrap();
        assert!(stored().is_none(), "the search does not wait for the store");
        assert!(store_unstored(&ws).unwrap(), "closing stores the keys");
        assert!(!store_unstored(&ws).unwrap(), "once");
        let stored = stored();

        // A fresh workspace on the file loads them: a planted key proves it.
        let stored = stored.unwrap();
        assert!(stored.changes.is_empty());
        let planted = SearchKeys::from_stored(stored.bytes, (0, 0)).unwrap();
        let mut planted_bytes = planted.bytes[..HEADER_LEN].to_vec();
        planted_bytes.extend_from_slice(b"planted\xFF");
        planted_bytes.extend_from_slice(&planted.bytes[planted.keys_end..]);
        let from = derived_cache::built_from(ws.conn()).unwrap();
        assert!(store_if_free(ws.conn(), from, &planted_bytes));
        let fresh = Workspace::open(&path).unwrap();
        assert_eq!(matching_ids(&fresh, "planted").unwrap(), [1]);
        drop(fresh);

        // After a write, the stored keys are gone and new ones are built.
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET first_name = 'Ann' WHERE id = 1", [])
            .unwrap();
        let fresh = Workspace::open(&path).unwrap();
        assert_eq!(matching_ids(&fresh, "planted").unwrap(), Vec::<i64>::new());
        assert_eq!(matching_ids(&fresh, "ann mu").unwrap(), [1]);
        drop(fresh); // stores the keys it built
        let fresh = Workspace::open(&path).unwrap();
        let generation = derived_cache::generation(fresh.conn()).unwrap();
        let stored = load_stored(&fresh, generation).unwrap().unwrap();
        let keys = SearchKeys::from_stored(stored.bytes, (0, 0)).unwrap();
        assert_eq!(&keys.bytes[HEADER_LEN..keys.keys_end], b"ann muller\xFF");
    }

    /// The keys are stored in two halves that only join when both come
    /// from one store: the lower half of one store and the upper of another
    /// (two stores for one generation, each seen by one of the reading
    /// connections), or one half alone, are no keys, and the search builds
    /// them instead.
    #[test]
    fn halves_of_two_stores_are_never_joined() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, _path) = file_with_leads(&dir, &["Müller", "Weg", "Ærø"]);
        let generation = derived_cache::generation(ws.conn()).unwrap();
        let keys = SearchKeys::build(&ws, ws.data_stamp().unwrap()).unwrap();
        let from = derived_cache::built_from(ws.conn()).unwrap();
        let [lower_name, upper_name] = STORED_HALVES;
        let [(_, first_lower), (_, first_upper), _] = parts_to_store(&keys.bytes);
        let [_, (_, second_upper), _] = parts_to_store(&keys.bytes);
        let tag = |half: &[u8]| half[half.len() - 8..].to_vec();
        assert_eq!(tag(&first_lower), tag(&first_upper));
        assert_ne!(tag(&first_upper), tag(&second_upper));

        let halves: [(&str, &[u8]); 2] = [(lower_name, &first_lower), (upper_name, &first_upper)];
        assert!(derived_cache::put_together(ws.conn(), &halves, from).unwrap());
        assert_eq!(
            load_stored(&ws, generation).unwrap(),
            Some(ReadKeys {
                bytes: keys.bytes.clone(),
                room: 0,
                form_len: keys.bytes.len(),
                changes: Vec::new(),
            })
        );

        assert!(derived_cache::put(ws.conn(), upper_name, from, &second_upper).unwrap());
        assert_eq!(load_stored(&ws, generation).unwrap(), None);
        assert_eq!(matching_ids(&ws, "muller").unwrap(), [1], "built instead");

        ws.conn()
            .execute("DELETE FROM derived_cache WHERE name = ?1", [upper_name])
            .unwrap();
        assert!(!holds_stored(ws.conn(), generation).unwrap());
        assert_eq!(load_stored(&ws, generation).unwrap(), None);
    }

    #[test]
    fn stored_keys_of_a_deleted_lead_leave_no_trace_in_the_file() {
        use crate::store::tables::erasure;
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Qzxjvkwy"]);
        assert_eq!(matching_ids(&ws, "qzxjvkwy").unwrap(), [1]);
        assert!(store_unstored(&ws).unwrap());
        erasure::checkpoint_truncate(ws.conn()).unwrap();
        let holds = |needle: &[u8]| {
            let bytes = std::fs::read(&path).unwrap();
            bytes.windows(needle.len()).any(|window| window == needle)
        };
        assert!(holds(b"qzxjvkwy"), "the stored keys are in the file");
        // An erasure's way: secure_delete on, then the write, then a checkpoint.
        erasure::set_secure_delete(ws.conn(), true).unwrap();
        ws.conn_mut()
            .unwrap()
            .execute("DELETE FROM leads WHERE id = 1", [])
            .unwrap();
        erasure::set_secure_delete(ws.conn(), false).unwrap();
        erasure::checkpoint_truncate(ws.conn()).unwrap();
        assert!(!holds(b"qzxjvkwy"), "no key is left behind");
        assert!(!holds(b"Qzxjvkwy"));
        assert_eq!(matching_ids(&ws, "qzxjvkwy").unwrap(), Vec::<i64>::new());
    }

    /// Whether the file holds search keys for its current generation.
    fn file_holds_keys(path: &std::path::Path) -> bool {
        let ws = Workspace::open_store(path).unwrap();
        let generation = derived_cache::generation(ws.conn()).unwrap();
        holds_stored(ws.conn(), generation).unwrap()
    }

    #[test]
    fn closing_stores_keys_patched_after_a_write_for_the_next_process() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        assert_eq!(matching_ids(&ws, "alpha").unwrap(), [1]);
        drop(ws);
        assert!(file_holds_keys(&path), "built keys are stored on close");

        let mut ws = Workspace::open(&path).unwrap();
        assert_eq!(matching_ids(&ws, "beta").unwrap(), [2]);
        plant(&ws, 1, "planted");
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 2", [])
            .unwrap();
        assert!(!file_holds_keys(&path), "the write deleted the stored keys");
        // No search since the write: closing patches the keys, then stores them.
        drop(ws);
        assert!(file_holds_keys(&path));
        let fresh = Workspace::open(&path).unwrap();
        assert_eq!(matching_ids(&fresh, "gamma").unwrap(), [2]);
        assert_eq!(matching_ids(&fresh, "beta").unwrap(), Vec::<i64>::new());
        assert_eq!(
            matching_ids(&fresh, "planted").unwrap(),
            [1],
            "the next process loaded the patched keys instead of building them"
        );
    }

    /// The stored form laid out as a fresh process reads it: room for the
    /// new keys of `changes` before it, 8 bytes per change after it.
    fn read_with_room(keys: &SearchKeys, changes: &[(i64, Option<String>)]) -> ReadKeys {
        let room: usize = changes
            .iter()
            .map(|(_, key)| key.as_ref().map_or(0, |key| key.len() + 1))
            .sum();
        let mut bytes = vec![0u8; room];
        bytes.extend_from_slice(&keys.bytes);
        bytes.extend(std::iter::repeat_n(0, 8 * changes.len()));
        ReadKeys {
            bytes,
            room,
            form_len: keys.bytes.len(),
            changes: changes.to_vec(),
        }
    }

    /// Changes applied in place to the stored form as it is read give the
    /// keys that applying them to a copy gives, whatever they are: longer
    /// and shorter keys, leads gone, added before, between and after the
    /// others, at the first and the last lead.
    #[test]
    fn changes_applied_in_place_give_what_a_copy_gives() {
        let ws = workspace_with_variety();
        let stamp = ws.data_stamp().unwrap();
        let keys = SearchKeys::build(&ws, stamp).unwrap();
        let ids = keys.ids().to_vec();
        let (first, last) = (ids[0], *ids.last().unwrap());
        let long = Some("a much longer key than any lead had before".to_owned());
        let change_sets: Vec<Vec<(i64, Option<String>)>> = vec![
            vec![(first, Some("x".into()))],
            vec![(first, None), (last, None)],
            vec![
                (0, long.clone()),
                (first, long.clone()),
                (last, long.clone()),
            ],
            vec![
                (ids[1], long.clone()),
                (ids[2], None),
                (ids[3], Some(String::new())),
            ],
            vec![
                (last, None),
                (last + 1, long.clone()),
                (last + 9, Some("z".into())),
            ],
            ids.iter().map(|&id| (id, long.clone())).collect(),
            ids.iter().map(|&id| (id, None)).collect(),
        ];
        for changes in change_sets {
            let copied = keys.with_changes(&changes, stamp);
            let in_place = read_with_room(&keys, &changes).into_keys(stamp).unwrap();
            assert_eq!(key_parts(&in_place), key_parts(&copied), "{changes:?}");
            assert_eq!(in_place.bytes, copied.bytes, "{changes:?}");
        }
        // Too little room is refused, never written over (a replaced key's
        // own bytes count as room: not a lead added before the first).
        let changes = vec![(first - 1, long.clone())];
        let mut short = read_with_room(&keys, &changes);
        short.bytes.drain(..1);
        short.room -= 1;
        assert!(short.into_keys(stamp).is_none());
    }

    /// A write on `ws` that keeps the stored keys, as a leads import does:
    /// `sql`, then the leads it changed noted beside the keys.
    fn write_carrying_the_keys(ws: &mut Workspace, sql: &str) {
        let changed = ws.lead_changes_after(ws.lead_changes_mark());
        let tx = ws
            .conn_mut_for_leads(&["last_name"])
            .unwrap()
            .transaction()
            .unwrap();
        tx.execute_batch(sql).unwrap();
        search_stored::carry_across_write(&tx, changed()).unwrap();
        tx.commit().unwrap();
    }

    /// A write that keeps the stored keys across a change of the leads (a
    /// leads import) notes the leads it changed beside them: the next
    /// process loads the keys and re-reads only those leads, and finds what
    /// a build finds; closing then stores keys with nothing to re-read.
    #[test]
    fn the_next_process_reads_the_stored_keys_and_the_leads_changed_since() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Alpha", "Beta", "Delta"]);
        plant(&ws, 3, "planted");
        drop(ws);
        assert!(file_holds_keys(&path), "stored on close");

        let mut ws = Workspace::open(&path).unwrap();
        write_carrying_the_keys(
            &mut ws,
            "UPDATE leads SET last_name = 'Gamma' WHERE id = 2;
             INSERT INTO leads (id, last_name, created_at, updated_at) VALUES (7, 'Epsilon', 0, 0);",
        );
        drop(ws);
        let mut ws = Workspace::open(&path).unwrap();
        write_carrying_the_keys(&mut ws, "UPDATE leads SET last_name = 'Zeta' WHERE id = 1");
        drop(ws);
        assert!(!file_holds_keys(&path), "keys with leads to re-read");

        let fresh = Workspace::open(&path).unwrap();
        let generation = derived_cache::generation(fresh.conn()).unwrap();
        let stored = load_stored(&fresh, generation).unwrap().unwrap();
        let changed: Vec<i64> = stored.changes.iter().map(|(id, _)| *id).collect();
        assert_eq!(changed, [1, 2, 7], "both writes' leads, once each");
        assert_eq!(
            matching_ids(&fresh, "planted").unwrap(),
            [3],
            "loaded, not built"
        );
        for (needle, ids) in [("gamma", vec![2]), ("epsilon", vec![7]), ("zeta", vec![1])] {
            assert_eq!(matching_ids(&fresh, needle).unwrap(), ids, "{needle}");
            assert_eq!(sql_ids(&fresh, needle), ids, "{needle}");
        }
        for gone in ["alpha", "beta"] {
            assert_eq!(matching_ids(&fresh, gone).unwrap(), Vec::<i64>::new());
        }
        drop(fresh);
        assert!(file_holds_keys(&path), "closing stored the patched keys");
        let fresh = Workspace::open(&path).unwrap();
        assert_eq!(matching_ids(&fresh, "planted").unwrap(), [3]);
        assert_eq!(matching_ids(&fresh, "epsilon").unwrap(), [7]);
    }

    /// A write that must leave nothing of the leads it rewrote (an
    /// erasure, a retention run) stores the keys again, with every change
    /// noted since applied: no byte of the deleted lead's key stays in the
    /// file, and the next process loads the keys with nothing to re-read.
    #[test]
    fn a_write_that_forgets_stores_the_keys_again_without_the_old_ones() {
        use crate::store::tables::erasure;
        use crate::store::OldValues;
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Qzxjvkwy", "Alpha", "Delta", "Epsilon"]);
        plant(&ws, 2, "planted");
        drop(ws);
        assert!(file_holds_keys(&path), "stored on close");
        let mut ws = Workspace::open(&path).unwrap();
        write_carrying_the_keys(&mut ws, "UPDATE leads SET last_name = 'Gamma' WHERE id = 4");
        // The file and its log.
        let holds = |needle: &[u8]| {
            let log = path.with_extension("leadstream-wal");
            [&path, &log].iter().any(|file| {
                let bytes = std::fs::read(file).unwrap_or_default();
                bytes.windows(needle.len()).any(|window| window == needle)
            })
        };
        // The key sits in the lower half, whole.
        assert!(holds(b"qzxjvkwy"), "the stored keys hold the key");

        erasure::set_secure_delete(ws.conn(), true).unwrap();
        let (conn, _carried_here) = ws.conn_mut_for_lead_rows().unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute("DELETE FROM leads WHERE id = 1", []).unwrap();
        search_stored::carry_across_lead_rows(&tx, &[1], OldValues::MustGo).unwrap();
        tx.commit().unwrap();
        erasure::set_secure_delete(ws.conn(), false).unwrap();
        erasure::checkpoint_truncate(ws.conn()).unwrap();
        drop(ws);
        assert!(!holds(b"qzxjvkwy"), "no key of the deleted lead is left");
        assert!(!holds(b"Qzxjvkwy"));
        assert!(file_holds_keys(&path), "stored again, nothing to re-read");

        let fresh = Workspace::open(&path).unwrap();
        let generation = derived_cache::generation(fresh.conn()).unwrap();
        let stored = load_stored(&fresh, generation).unwrap().unwrap();
        assert!(stored.changes.is_empty());
        assert_eq!(
            matching_ids(&fresh, "planted").unwrap(),
            [2],
            "loaded, not built"
        );
        assert_eq!(matching_ids(&fresh, "gamma").unwrap(), [4], "noted before");
        for gone in ["qzxjvkwy", "epsilon"] {
            assert_eq!(matching_ids(&fresh, gone).unwrap(), Vec::<i64>::new());
        }
        assert_eq!(matching_ids(&fresh, "delta").unwrap(), [3]);
        assert_eq!(all_ids(&fresh), [2, 3, 4]);
    }

    /// A background store that finds the file busy, and then committed to
    /// by another connection (a write that keeps the data's generation, as
    /// a setting does), waits until it is free and builds the keys again.
    #[test]
    fn a_background_store_waits_for_a_busy_file_and_stores_the_keys() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; UPDATE data_generation SET value = value")
            .unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        assert!(store_built_afresh(&ws).unwrap(), "stored once free");
        writer.join().unwrap();
        let generation = derived_cache::generation(ws.conn()).unwrap();
        assert!(holds_stored(ws.conn(), generation).unwrap());
        assert!(!store_built_afresh(&ws).unwrap(), "held already");
    }

    /// Changes a fresh process could not patch quickly, or not known
    /// whole, delete the stored keys with the write; so does any write
    /// that empties the cache, and keys noted for another store are none.
    #[test]
    fn too_many_or_unknown_changes_delete_the_stored_keys() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        assert_eq!(matching_ids(&ws, "alpha").unwrap(), [1]);
        drop(ws);
        let stored_parts = |ws: &Workspace| -> Vec<String> {
            derived_cache::part_names(ws.conn())
                .into_iter()
                .filter(|name| is_stored_keys_part(name))
                .collect()
        };
        let mut ws = Workspace::open(&path).unwrap();
        assert_eq!(stored_parts(&ws).len(), 3);
        let carry = |ws: &mut Workspace, changed: Option<Vec<i64>>| {
            let tx = ws
                .conn_mut_for_leads(&["last_name"])
                .unwrap()
                .transaction()
                .unwrap();
            search_stored::carry_across_write(&tx, changed).unwrap();
            tx.commit().unwrap();
        };
        // A run of new leads is read by a range scan: six thousand cost
        // 751 look-ups.
        carry(&mut ws, Some((100_001..=106_000).collect()));
        assert_eq!(stored_parts(&ws).len(), 3, "a run of new leads is carried");
        let scattered = |from: i64, count: i64| (0..count).map(move |n| from + 10 * n);
        // With 249 scattered ones: 1,000 look-ups in all.
        carry(&mut ws, Some(scattered(3, 249).collect()));
        assert_eq!(
            stored_parts(&ws).len(),
            3,
            "a thousand look-ups are always carried"
        );
        carry(&mut ws, Some(scattered(5, 1).collect()));
        assert!(stored_parts(&ws).is_empty(), "one more is too many");

        assert_eq!(matching_ids(&ws, "beta").unwrap(), [2]);
        assert!(store_unstored(&ws).unwrap());
        carry(&mut ws, None);
        assert!(stored_parts(&ws).is_empty(), "unknown changes");

        assert!(
            store_unstored(&ws).unwrap(),
            "the keys in memory, still true (no lead changed), are stored again"
        );
        assert_eq!(stored_parts(&ws).len(), 3);
        let generation = derived_cache::generation(ws.conn()).unwrap();
        let from = derived_cache::built_from(ws.conn()).unwrap();
        let other_store = search_stored::encode(*b"othertag", &[2]);
        assert!(derived_cache::put(ws.conn(), CHANGED_PART, from, &other_store).unwrap());
        assert_eq!(
            load_stored(&ws, generation).unwrap(),
            None,
            "not these halves' changes"
        );
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 2", [])
            .unwrap();
        assert!(
            stored_parts(&ws).is_empty(),
            "a write that empties the cache"
        );
    }

    /// Past the bound of the changes part, up to one look-up in eight, a
    /// write that kept the stored keys (a leads import) stores them again
    /// with its changes applied: the next process loads them, with no lead
    /// left to re-read, and finds what SQL finds.
    #[test]
    fn a_write_past_the_changes_bound_stores_the_keys_again_with_its_changes() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (1..=9_000).map(|n| format!("Lead{n}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (ws, path) = file_with_leads(&dir, &names);
        plant(&ws, 2, "planted");
        drop(ws);
        assert!(file_holds_keys(&path), "stored on close");

        // 1,000 scattered leads renamed and one new lead: 1,001 look-ups,
        // past the part's bound (1,000) and within one in eight (1,125).
        let mut ws = Workspace::open(&path).unwrap();
        write_carrying_the_keys(
            &mut ws,
            "UPDATE leads SET last_name = 'Renamed' || id WHERE id % 9 = 3;
             INSERT INTO leads (last_name, created_at, updated_at) VALUES ('Newcomer', 0, 0);",
        );
        drop(ws);

        let fresh = Workspace::open(&path).unwrap();
        assert!(
            search_stored::stored_form_now(fresh.conn()).is_some(),
            "stored again, with no lead left to re-read"
        );
        assert_eq!(
            matching_ids(&fresh, "planted").unwrap(),
            [2],
            "loaded, not built"
        );
        for needle in ["renamed3", "renamed8994", "newcomer", "lead3", "lead12"] {
            assert_eq!(
                matching_ids(&fresh, needle).unwrap(),
                sql_ids(&fresh, needle),
                "{needle}"
            );
        }
        assert_eq!(matching_ids(&fresh, "newcomer").unwrap(), [9_001]);
        assert_eq!(matching_ids(&fresh, "renamed8994").unwrap(), [8_994]);
        assert!(matching_ids(&fresh, "lead8994").unwrap().is_empty());
    }

    #[test]
    fn after_a_large_write_on_its_own_connection_the_keys_are_stored_for_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, path) = file_with_leads(&dir, &["Alpha"]);
        assert_eq!(matching_ids(&shared, "alpha").unwrap(), [1]);
        let mut own = Workspace::open(&path).unwrap();
        own.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 1", [])
            .unwrap();
        assert!(!outran_search_keys(&own).unwrap(), "one lead: a patch");

        let tx = own.conn_mut().unwrap().transaction().unwrap();
        for n in 0..=PATCH_ALWAYS_UP_TO {
            tx.execute(
                "INSERT INTO leads (last_name, created_at, updated_at) VALUES (?1, 0, 0)",
                [format!("Imported{n}")],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        assert!(outran_search_keys(&own).unwrap(), "more than a patch takes");
        shared.absorb_lead_changes_of(&own);
        assert!(!file_holds_keys(&path));
        assert!(store_built_afresh(&own).unwrap());
        assert!(file_holds_keys(&path));
        assert!(
            !store_built_afresh(&own).unwrap(),
            "the file holds them already"
        );

        assert_eq!(matching_ids(&shared, "gamma").unwrap(), [1]);
        assert_eq!(matching_ids(&shared, "imported1000").unwrap().len(), 1);
        assert_eq!(matching_ids(&shared, "alpha").unwrap(), Vec::<i64>::new());
    }

    #[test]
    fn closing_does_not_wait_for_another_connection_that_is_writing() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, path) = file_with_leads(&dir, &["Alpha"]);
        assert_eq!(matching_ids(&ws, "alpha").unwrap(), [1]);
        let other = Workspace::open_store(&path).unwrap();
        other.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = std::time::Instant::now();
        assert!(!store_unstored(&ws).unwrap(), "the file is busy");
        assert!(
            started.elapsed() < crate::store::BUSY_TIMEOUT / 2,
            "closing waited {:?}",
            started.elapsed()
        );
        other.conn().execute_batch("ROLLBACK").unwrap();
        assert!(store_unstored(&ws).unwrap(), "stored once the file is free");
    }

    #[test]
    fn closing_stores_nothing_after_another_process_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ws, path) = file_with_leads(&dir, &["Alpha", "Beta"]);
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Delta' WHERE id = 1", [])
            .unwrap();
        assert_eq!(matching_ids(&ws, "delta").unwrap(), [1]);
        let mut other = Workspace::open_store(&path).unwrap();
        other
            .conn_mut()
            .unwrap()
            .execute("UPDATE leads SET last_name = 'Gamma' WHERE id = 2", [])
            .unwrap();
        assert!(
            !store_unstored(&ws).unwrap(),
            "the keys are behind the file"
        );
        drop(ws);
        assert!(!file_holds_keys(&path));
        // A workspace that never searched has nothing to store.
        drop(Workspace::open(&path).unwrap());
        assert!(!file_holds_keys(&path));
    }

    #[test]
    fn a_stored_form_that_does_not_add_up_is_not_used() {
        let ws = workspace_with_variety();
        let stamp = ws.data_stamp().unwrap();
        let built = SearchKeys::build(&ws, stamp).unwrap();
        assert_eq!(built.len(), 8);
        assert!(built.memory_size() > 0);
        let good = SearchKeys::from_stored(built.bytes.clone(), stamp).unwrap();
        assert_eq!(good.matching_ids("muller"), [1, 3]);
        let mut short = built.bytes.clone();
        short.pop();
        assert!(SearchKeys::from_stored(short, stamp).is_none());
        let mut cut = built.bytes.clone();
        cut.truncate(built.keys_end - 1);
        assert!(SearchKeys::from_stored(cut, stamp).is_none());
        assert!(SearchKeys::from_stored(b"LSKEYS02".to_vec(), stamp).is_none());
        assert!(SearchKeys::from_stored(b"other".to_vec(), stamp).is_none());
    }
}
