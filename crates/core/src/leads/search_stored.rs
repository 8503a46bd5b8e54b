//! The quick search's keys as the workspace file stores them, in its
//! derived cache: the stored form (`search_index`) cut in two halves
//! ([`STORED_HALVES`]), each ending with a tag that only the two halves of
//! one store share ([`PairTag`]), which a fresh process reads at once on
//! two connections ([`load_stored`]); and beside them the leads changed
//! since ([`CHANGED_PART`]), written by a leads import inside its own
//! transaction ([`carry_across_write`]), which that process re-reads and
//! applies instead of building the keys from every lead (0.5 s at 1M
//! leads).
//!
//! The halves and the changes part are kept or deleted together: every
//! write that keeps one keeps the other ([`is_stored_keys_part`]), and a
//! write that keeps them across a change of the leads' search fields must
//! carry them. The changes part names the tag of the halves it applies to,
//! so it is never applied to another store's; a store of new halves writes
//! an empty one with their tag. A write that must leave nothing of the
//! leads it rewrote (an erasure, a retention run) stores new halves inside
//! its own transaction instead ([`carry_across_lead_rows`]).

use super::search_index::{
    ids_of, lead_count_of, stored_form_with_changes, SearchKeys, HEADER_LEN,
};
use crate::store::split_read;
use crate::store::tables::derived_cache;
use crate::store::tables::leads as stored_leads;
use crate::store::OldValues;
use crate::text::push_values_search_key;
use crate::{Result, Workspace};

/// The names of the stored keys in the derived cache: the stored form
/// (`search_index`) cut in two halves, stored together and read at once on
/// two connections straight into one buffer ([`load_stored`]). At 1M
/// leads, in a fresh process, that read takes 42–62 ms where one
/// `derived_cache::get` of the whole took 124–135 ms. Each half ends with
/// the same [`PairTag`], so the halves of two stores are never joined.
///
/// Version 3 since the halves outlive a leads import with the changes
/// part beside them: a version that knows only version 2 ignores them, as
/// it would not apply the changes.
pub(crate) const STORED_HALVES: [&str; 2] = ["search/v3/keys/1", "search/v3/keys/2"];

/// Whether `part` is one of the stored keys' parts: a half, or the leads
/// changed since ([`CHANGED_PART`]). They are kept or deleted together.
pub(super) fn is_stored_keys_part(part: &str) -> bool {
    STORED_HALVES.contains(&part) || part == CHANGED_PART
}

/// Whether `part` is one of the stored keys' parts and reads none of the
/// fields `keys`: a write that changes only those fields leaves the keys
/// true.
pub(crate) fn part_reads_none_of(part: &str, keys: &[&str]) -> bool {
    is_stored_keys_part(part)
        && !stored_leads::SEARCH_COLUMNS
            .iter()
            .any(|column| keys.contains(column))
}

/// Whether `part` is one of the stored keys' parts, which read only lead
/// columns: a write of events alone leaves them true.
pub(crate) fn part_reads_no_events(part: &str) -> bool {
    is_stored_keys_part(part)
}

/// Whether `part` is one of the stored keys' parts, which a leads import
/// keeps (`Workspace::conn_mut_for_leads`) and brings up to date before it
/// commits, by noting the leads it changed beside them
/// ([`carry_across_write`]).
pub(crate) fn part_survives_leads_written(part: &str, _written: &[&str]) -> bool {
    is_stored_keys_part(part)
}

/// The name of the part in the derived cache.
pub(crate) const CHANGED_PART: &str = "search/v3/keys/changed";

/// What starts the part: a format tag; the halves' [`PairTag`] and the
/// changed lead ids (8 bytes each, little-endian, ascending) follow.
const MAGIC: &[u8; 8] = b"LSKCHG01";

/// The length of a part that lists no lead: the halves are current.
pub(crate) const EMPTY_LEN: usize = MAGIC.len() + std::mem::size_of::<PairTag>();

/// Past this many look-ups of changed leads per stored key (one in 128),
/// or [`MOST_CHANGED_ALWAYS`] if more, a write deletes the stored keys
/// instead: a fresh process re-reads the changed leads
/// (`stored_leads::visit_search_fields_of`: scattered ones one look-up
/// each, a run of new leads by a range scan, as
/// `search_fields_read_cost` counts) before it loads the keys and patches
/// them in place. At 1M leads its first search took 103–106 ms with no
/// lead changed, 130–136 ms with 6,427 scattered leads changed, and
/// 114–124 ms with 20,000 new leads and 1,651 scattered ones (about 4,150
/// look-ups).
const MOST_CHANGED_ONE_IN: usize = 128;

/// Up to this many look-ups of changed leads are always carried.
const MOST_CHANGED_ALWAYS: usize = 1_000;

/// The part for keys whose halves end with `tag`, listing `ids`.
pub(crate) fn encode(tag: PairTag, ids: &[i64]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(EMPTY_LEN + 8 * ids.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&tag);
    for id in ids {
        bytes.extend_from_slice(&id.to_le_bytes());
    }
    bytes
}

/// The tag and ids of a part; `None` when it is not one.
fn decode(bytes: &[u8]) -> Option<(PairTag, Vec<i64>)> {
    if bytes.len() < EMPTY_LEN
        || bytes[..MAGIC.len()] != MAGIC[..]
        || (bytes.len() - EMPTY_LEN) % 8 != 0
    {
        return None;
    }
    let tag: PairTag = bytes.get(MAGIC.len()..EMPTY_LEN)?.try_into().ok()?;
    Some((tag, ids_of(&bytes[EMPTY_LEN..])))
}

/// What the file says of the stored keys' changes, for a reader.
enum StoredChanges {
    /// No part: the halves, if any, are current.
    None,
    /// The halves ending with `tag` need `changes` (ascending by id: each
    /// lead's key now, or `None` for a lead that is gone); the part was
    /// written for generation `written_for`.
    Since {
        tag: PairTag,
        written_for: i64,
        changes: Vec<(i64, Option<String>)>,
    },
    /// A part this version cannot read: the halves are not to be trusted.
    Unreadable,
}

/// The stored changes, whatever generation they were written for, with
/// each changed lead's key as the leads table holds it now: run it in one
/// read transaction.
fn read_changes(conn: &rusqlite::Connection) -> Result<StoredChanges> {
    let Some((written_for, bytes)) = derived_cache::get_any(conn, CHANGED_PART)? else {
        return Ok(StoredChanges::None);
    };
    let Some((tag, ids)) = decode(&bytes) else {
        return Ok(StoredChanges::Unreadable);
    };
    let changes = keys_now(conn, &ids)?;
    Ok(StoredChanges::Since {
        tag,
        written_for,
        changes,
    })
}

/// The search key of each lead in `ids` (ascending) as the leads table
/// holds it now, or `None` for a lead that is gone, in id order.
pub(super) fn keys_now(
    conn: &rusqlite::Connection,
    ids: &[i64],
) -> Result<Vec<(i64, Option<String>)>> {
    let mut keys = Vec::with_capacity(ids.len());
    stored_leads::visit_search_fields_of(conn, ids, |id, fields| {
        keys.push((
            id,
            fields.map(|values| {
                let mut key = String::new();
                push_values_search_key(values, &mut key);
                key
            }),
        ));
    })?;
    Ok(keys)
}

/// Inside a write transaction that kept the stored keys (a leads import,
/// `Workspace::conn_mut_for_leads`), before it commits: adds the leads it
/// `changed` (ascending; `None` when too many to know) to the part. If that
/// makes too many for a fresh process to patch quickly, it stores the
/// halves again with the changes applied, up to one look-up in
/// [`STORE_AGAIN_AT_MOST_ONE_IN`]; past that, or if the halves are not
/// there whole, it deletes the halves and the part, so that the next search
/// builds the keys.
pub(crate) fn carry_across_write(
    tx: &rusqlite::Transaction<'_>,
    changed: Option<Vec<i64>>,
) -> Result<()> {
    let generation = derived_cache::generation(tx)?;
    let (Some((tag, leads, mut ids)), Some(changed)) = (noted(tx, generation)?, changed) else {
        return derived_cache::remove_in(tx, &ALL_PARTS);
    };
    ids.extend(changed);
    ids.sort_unstable();
    ids.dedup();
    let cost = stored_leads::search_fields_read_cost(&ids);
    if cost <= (leads / MOST_CHANGED_ONE_IN).max(MOST_CHANGED_ALWAYS) {
        return derived_cache::put_in(tx, CHANGED_PART, &encode(tag, &ids));
    }
    if cost <= leads / STORE_AGAIN_AT_MOST_ONE_IN {
        return store_again_with_changes(tx, generation, tag, &ids, OldValues::MayStay);
    }
    derived_cache::remove_in(tx, &ALL_PARTS)
}

/// Past [`MOST_CHANGED_ONE_IN`], a write that changed at most one lead in
/// this many (in look-ups, as `search_fields_read_cost` counts) stores the
/// halves again with its changes applied instead of deleting them: reading
/// the stored form and the changed leads inside the write costs less than
/// the next process's build of every key (at 1M leads, a first search in a
/// fresh process of about 1 s after a 9,893-lead update import, where one
/// that loads stored halves takes about 0.1 s). The quick search in
/// memory patches its keys up to the same share
/// (`search_index::PATCH_AT_MOST_ONE_IN`).
const STORE_AGAIN_AT_MOST_ONE_IN: usize = 8;

/// The halves and the changes part: kept, carried, stored or deleted
/// together.
const ALL_PARTS: [&str; 3] = [STORED_HALVES[0], STORED_HALVES[1], CHANGED_PART];

/// What the file holds of the stored keys for a reader of `generation`:
/// the halves' tag, the number of leads they hold and the leads the
/// changes part notes since (ascending); `None` when the halves are not
/// there whole, or the changes part is another store's or unreadable.
fn noted(
    conn: &rusqlite::Connection,
    generation: i64,
) -> Result<Option<(PairTag, usize, Vec<i64>)>> {
    let Some((tag, leads)) = halves_tag_and_leads(conn, generation)? else {
        return Ok(None);
    };
    let ids = match derived_cache::get(conn, CHANGED_PART, generation)? {
        None => Vec::new(),
        Some(bytes) => match decode(&bytes) {
            Some((its_tag, ids)) if its_tag == tag => ids,
            _ => return Ok(None),
        },
    };
    Ok(Some((tag, leads, ids)))
}

/// Whether `part` is one of the stored keys' parts, which a write that
/// rewrote a few known leads keeps and carries across
/// ([`carry_across_lead_rows`]).
pub(crate) fn part_carried_across_lead_rows(part: &str) -> bool {
    is_stored_keys_part(part)
}

/// [`carry_across_write`] for a write that rewrote the leads `rewritten`
/// (`Workspace::conn_mut_for_lead_rows`: a merge, its undo): a fresh
/// process reads them again, and drops those that are gone. When their old
/// values must go (an erasure, a retention run), the halves, which hold
/// them until read again, are written again without them instead
/// ([`store_again_without_old_keys`]).
pub(crate) fn carry_across_lead_rows(
    tx: &rusqlite::Transaction<'_>,
    rewritten: &[i64],
    old_values: OldValues,
) -> Result<()> {
    let mut ids = rewritten.to_vec();
    ids.sort_unstable();
    ids.dedup();
    match old_values {
        OldValues::MustGo if !ids.is_empty() => store_again_without_old_keys(tx, ids),
        _ => carry_across_write(tx, Some(ids)),
    }
}

/// Inside a write that must leave none of the old keys of the leads
/// `rewritten` (ascending) in the file (an erasure, a retention run):
/// the halves written again with every change applied
/// ([`store_again_with_changes`], the old halves' pages zeroed); or the
/// three parts deleted when the halves are not there whole. At 1M leads
/// this is one read, one copy and one write of the stored form (about
/// 90 MB), where deleting them made the next process's first search read
/// every lead (0.5–0.65 s).
fn store_again_without_old_keys(tx: &rusqlite::Transaction<'_>, rewritten: Vec<i64>) -> Result<()> {
    let generation = derived_cache::generation(tx)?;
    let Some((tag, _, mut ids)) = noted(tx, generation)? else {
        return derived_cache::remove_in(tx, &ALL_PARTS);
    };
    ids.extend(rewritten);
    ids.sort_unstable();
    ids.dedup();
    store_again_with_changes(tx, generation, tag, &ids, OldValues::MustGo)
}

/// Stores the halves tagged `tag` again with the leads `ids` (ascending:
/// every lead the changes part notes, and those the write changed) as the
/// write leaves them, under a new tag with an empty changes part; deletes
/// the three parts when the halves are not there whole. With
/// `OldValues::MustGo` the old halves' pages are zeroed
/// (`derived_cache::replace_in`, with `secure_delete` on).
fn store_again_with_changes(
    tx: &rusqlite::Transaction<'_>,
    generation: i64,
    tag: PairTag,
    ids: &[i64],
    old_values: OldValues,
) -> Result<()> {
    let Some(form) = read_halves(tx, generation, tag)? else {
        return derived_cache::remove_in(tx, &ALL_PARTS);
    };
    let changes = keys_now(tx, ids)?;
    let Some(form) = stored_form_with_changes(form, &changes) else {
        return derived_cache::remove_in(tx, &ALL_PARTS);
    };
    let parts = parts_to_store(&form);
    drop(form);
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(name, part)| (*name, &part[..]))
        .collect();
    match old_values {
        OldValues::MustGo => derived_cache::replace_in(tx, &parts),
        OldValues::MayStay => parts
            .iter()
            .try_for_each(|(name, bytes)| derived_cache::put_in(tx, name, bytes)),
    }
}

/// The stored form the halves for `generation` hold, read into one buffer,
/// if both end with `tag`.
fn read_halves(
    conn: &rusqlite::Connection,
    generation: i64,
    tag: PairTag,
) -> Result<Option<Vec<u8>>> {
    let tag_len = std::mem::size_of::<PairTag>();
    let mut lengths = [0usize; 2];
    for (length, name) in lengths.iter_mut().zip(STORED_HALVES) {
        match derived_cache::length(conn, name, generation)? {
            Some(whole) if whole >= tag_len => *length = whole - tag_len,
            _ => return Ok(None),
        }
    }
    let mut form = vec![0u8; lengths[0] + lengths[1]];
    let (lower, upper) = form.split_at_mut(lengths[0]);
    for (body, name) in [lower, upper].into_iter().zip(STORED_HALVES) {
        let mut its_tag = PairTag::default();
        if !derived_cache::read_into(conn, name, generation, body, &mut its_tag)? || its_tag != tag
        {
            return Ok(None);
        }
    }
    Ok(Some(form))
}

/// The stored form the file holds for its current generation, if it holds
/// both halves and notes no lead changed since: for tests of the writes
/// that store the keys again.
#[cfg(test)]
pub(crate) fn stored_form_now(conn: &rusqlite::Connection) -> Option<Vec<u8>> {
    let generation = derived_cache::generation(conn).ok()?;
    let (tag, _, changed) = noted(conn, generation).ok()??;
    if !changed.is_empty() {
        return None;
    }
    read_halves(conn, generation, tag).ok()?
}

/// The tag both halves end with and the number of leads they hold; `None`
/// when one is missing or their tags differ.
fn halves_tag_and_leads(
    conn: &rusqlite::Connection,
    generation: i64,
) -> Result<Option<(PairTag, usize)>> {
    let [lower_name, upper_name] = STORED_HALVES;
    let mut head = [0u8; HEADER_LEN];
    let (mut lower_tag, mut upper_tag): (PairTag, PairTag) = Default::default();
    let mut no_head = [0u8; 0];
    if !derived_cache::read_ends(conn, lower_name, generation, &mut head, &mut lower_tag)?
        || !derived_cache::read_ends(conn, upper_name, generation, &mut no_head, &mut upper_tag)?
        || lower_tag != upper_tag
    {
        return Ok(None);
    }
    Ok(lead_count_of(&head).map(|leads| (lower_tag, leads)))
}

/// Eight bytes that end both halves of one store of the keys and no other
/// store's: the time in nanoseconds, the process id and a count of this
/// process's stores. Two stores for one generation (two processes, or a
/// close and a background store) should hold the same keys, but nothing
/// proves it byte for byte; a reader whose two connections each saw
/// another store must not join them.
pub(crate) type PairTag = [u8; 8];

fn new_pair_tag() -> PairTag {
    static STORES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    let count = STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (nanos ^ (u64::from(std::process::id()) << 40) ^ count.rotate_right(8)).to_le_bytes()
}

/// The parts that store the keys' stored form `bytes`: the form cut in two,
/// each half followed by one new [`PairTag`] (the parts [`STORED_HALVES`]
/// name), and a [`CHANGED_PART`] with that tag that lists no lead.
pub(super) fn parts_to_store(bytes: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    let tag = new_pair_tag();
    let (lower, upper) = bytes.split_at(bytes.len() / 2);
    let [lower_name, upper_name] = STORED_HALVES;
    let half = |half: &[u8]| {
        let mut part = Vec::with_capacity(half.len() + tag.len());
        part.extend_from_slice(half);
        part.extend_from_slice(&tag);
        part
    };
    [
        (lower_name, half(lower)),
        (upper_name, half(upper)),
        (CHANGED_PART, encode(tag, &[])),
    ]
}

/// Stores the keys' stored form `bytes` ([`parts_to_store`]), without
/// waiting for a busy file (`derived_cache::put_together_if_free`).
pub(super) fn store_if_free(
    conn: &rusqlite::Connection,
    from: derived_cache::BuiltFrom,
    bytes: &[u8],
) -> bool {
    let parts = parts_to_store(bytes);
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(name, part)| (*name, &part[..]))
        .collect();
    derived_cache::put_together_if_free(conn, &parts, from)
}

/// Whether the file holds both halves of the keys for `generation` and no
/// lead changed since they were stored (a reader would re-read none).
pub(super) fn holds_stored(conn: &rusqlite::Connection, generation: i64) -> Result<bool> {
    for name in STORED_HALVES {
        if !derived_cache::holds(conn, name, generation)? {
            return Ok(false);
        }
    }
    let changes = derived_cache::length(conn, CHANGED_PART, i64::MAX)?;
    Ok(changes.is_none_or(|length| length <= EMPTY_LEN))
}

/// The keys' stored form as a fresh process reads it ([`load_stored`]):
/// `bytes[room..room + form_len]`, with room before it for the new keys of
/// `changes` (the leads changed since the store, with their keys now) and
/// after it for their ids, so they are applied in place
/// ([`SearchKeys::from_stored_with_changes`]).
#[derive(Debug, PartialEq)]
pub(super) struct ReadKeys {
    pub(super) bytes: Vec<u8>,
    pub(super) room: usize,
    pub(super) form_len: usize,
    pub(super) changes: Vec<(i64, Option<String>)>,
}

impl ReadKeys {
    pub(super) fn into_keys(self, stamp: (u64, i64)) -> Option<SearchKeys> {
        if self.changes.is_empty() {
            return SearchKeys::from_stored(self.bytes, stamp);
        }
        SearchKeys::from_stored_with_changes(
            self.bytes,
            self.room,
            self.form_len,
            &self.changes,
            stamp,
        )
    }
}

/// The keys' stored form for `generation`, if the file holds both halves
/// of one store, with the leads changed since ([`read_changes`], in a read
/// transaction of their own first, so the buffer is sized for them): the
/// halves read into one buffer, the lower half by the workspace's
/// connection while a read-only connection reads the upper on a thread of
/// its own (`split_read::beside`); both by the workspace's connection when
/// the file is encrypted (a second connection's key derivation, about
/// 0.17 s, would eat what it saves). Each half's [`PairTag`] is read aside,
/// so the buffer holds the stored form as it was cut. A half that went or
/// changed length while they were read, changes noted for another store,
/// or a changes part written again since it was read, are no keys: the
/// search builds them.
///
/// The changes are read whatever generation they were written for: a
/// write after `generation` replaces the part, and the halves without it
/// would miss what it noted; with it, the keys are only newer than the
/// stamp they get, which the next search finds moved.
pub(super) fn load_stored(workspace: &Workspace, generation: i64) -> Result<Option<ReadKeys>> {
    let conn = workspace.conn();
    let (noted, changes) = match in_one_read(conn, || read_changes(conn))? {
        StoredChanges::None => (None, Vec::new()),
        StoredChanges::Since {
            tag,
            written_for,
            changes,
        } => (Some((tag, written_for)), changes),
        StoredChanges::Unreadable => return Ok(None),
    };
    let room: usize = changes
        .iter()
        .map(|(_, key)| key.as_ref().map_or(0, |key| key.len() + 1))
        .sum();
    let [lower_name, upper_name] = STORED_HALVES;
    let tag_len = std::mem::size_of::<PairTag>();
    let body_len = |name| -> Result<Option<usize>> {
        let length = derived_cache::length(conn, name, generation)?;
        Ok(length.and_then(|length| length.checked_sub(tag_len)))
    };
    let (Some(lower_len), Some(upper_len)) = (body_len(lower_name)?, body_len(upper_name)?) else {
        return Ok(None);
    };
    let form_len = lower_len + upper_len;
    let mut bytes = vec![0u8; room + form_len + 8 * changes.len()];
    let (lower, upper) = bytes[room..room + form_len].split_at_mut(lower_len);
    let (mut lower_tag, mut upper_tag): (PairTag, PairTag) = Default::default();
    let upper = std::sync::Mutex::new((upper, &mut upper_tag));
    let reader = workspace.reader().filter(|_| !workspace.is_protected());
    let (lower_read, upper_read) = split_read::beside(
        conn,
        reader.as_ref(),
        |conn| {
            Ok(in_one_read(conn, || {
                let read =
                    derived_cache::read_into(conn, lower_name, generation, lower, &mut lower_tag)?;
                // The changes read above are those beside these halves.
                let written_for = derived_cache::generation_of(conn, CHANGED_PART)?;
                Ok(read && written_for == noted.map(|(_, written_for)| written_for))
            }))
        },
        |conn| {
            let mut upper = upper
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let (body, tag) = &mut *upper;
            derived_cache::read_into(conn, upper_name, generation, body, &mut tag[..])
        },
    )?;
    // A failed read is no keys, as a missing half is.
    let both_read = lower_read.unwrap_or(false) && upper_read.unwrap_or(false);
    let one_store = lower_tag == upper_tag && noted.is_none_or(|(tag, _)| tag == lower_tag);
    Ok((both_read && one_store).then_some(ReadKeys {
        bytes,
        room,
        form_len,
        changes,
    }))
}

/// Runs `read` in one read transaction on `conn` (or in the caller's).
fn in_one_read<T>(conn: &rusqlite::Connection, read: impl FnOnce() -> Result<T>) -> Result<T> {
    let snapshot = conn
        .is_autocommit()
        .then(|| conn.unchecked_transaction())
        .transpose()?;
    let value = read()?;
    if let Some(snapshot) = snapshot {
        snapshot.commit()?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_decodes_to_what_was_encoded_and_nothing_else_decodes() {
        let tag = *b"12345678";
        assert_eq!(
            decode(&encode(tag, &[3, 9, 12])),
            Some((tag, vec![3, 9, 12]))
        );
        assert_eq!(decode(&encode(tag, &[])), Some((tag, vec![])));
        assert_eq!(encode(tag, &[]).len(), EMPTY_LEN);
        let mut torn = encode(tag, &[3, 9]);
        torn.pop();
        assert_eq!(decode(&torn), None);
        assert_eq!(decode(b"LSKEYS02........"), None);
        assert_eq!(decode(b"LSK"), None);
    }
}
