//! The leads changed since the quick search's keys were stored: a part of
//! the derived cache beside the two halves ([`CHANGED_PART`]), written by a
//! leads import inside its own transaction ([`carry_across_write`]), so a
//! fresh process loads the stored keys and re-reads only those leads
//! ([`read_changes`]) instead of building the keys from every lead after a
//! write no process searched after (0.5 s at 1M leads).
//!
//! The halves and this part are kept or deleted together: every write that
//! keeps one keeps the other (`search_index::is_stored_keys_part`), and a
//! write that keeps them across a change of the leads' search fields must
//! carry them. The part names the [`PairTag`] of the halves it applies to,
//! so it is never applied to another store's keys; a store of new halves
//! writes an empty one with their tag.

use super::search_index::{PairTag, STORED_HALVES};
use crate::store::tables::derived_cache;
use crate::store::tables::leads as stored_leads;
use crate::text::push_values_search_key;
use crate::Result;

/// The name of the part in the derived cache.
pub(crate) const CHANGED_PART: &str = "search/v3/keys/changed";

/// What starts the part: a format tag; the halves' [`PairTag`] and the
/// changed lead ids (8 bytes each, little-endian, ascending) follow.
const MAGIC: &[u8; 8] = b"LSKCHG01";

/// The length of a part that lists no lead: the halves are current.
pub(crate) const EMPTY_LEN: usize = MAGIC.len() + std::mem::size_of::<PairTag>();

/// Past this many changed leads per stored key (one in 256), or
/// [`MOST_CHANGED_ALWAYS`] if more, a write deletes the stored keys
/// instead: a fresh process re-reads the changed leads one by one, and at
/// 1M leads about 4,000 of them, with the copy of the keys they patch,
/// keep its first search under 150 ms.
const MOST_CHANGED_ONE_IN: usize = 256;

/// Up to this many changed leads are always carried.
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
    let ids = bytes[EMPTY_LEN..]
        .chunks_exact(8)
        .map(|chunk| {
            let mut id = [0u8; 8];
            id.copy_from_slice(chunk);
            i64::from_le_bytes(id)
        })
        .collect();
    Some((tag, ids))
}

/// What the file says of the stored keys' changes, for a reader.
pub(crate) enum StoredChanges {
    /// No part: the halves, if any, are current.
    None,
    /// The halves ending with `tag` need `changes` (ascending by id: each
    /// lead's key now, or `None` for a lead that is gone).
    Since {
        tag: PairTag,
        changes: Vec<(i64, Option<String>)>,
    },
    /// A part this version cannot read: the halves are not to be trusted.
    Unreadable,
}

/// The changes stored for `generation`, with each changed lead's key as
/// the leads table holds it now. Run it in the read transaction that reads
/// the halves, so both are of one snapshot.
pub(crate) fn read_changes(conn: &rusqlite::Connection, generation: i64) -> Result<StoredChanges> {
    let Some(bytes) = derived_cache::get(conn, CHANGED_PART, generation)? else {
        return Ok(StoredChanges::None);
    };
    let Some((tag, ids)) = decode(&bytes) else {
        return Ok(StoredChanges::Unreadable);
    };
    let mut changes = Vec::with_capacity(ids.len());
    stored_leads::visit_search_fields_of(conn, &ids, |id, fields| {
        changes.push((
            id,
            fields.map(|values| {
                let mut key = String::new();
                push_values_search_key(values, &mut key);
                key
            }),
        ));
    })?;
    Ok(StoredChanges::Since { tag, changes })
}

/// Inside a write transaction that kept the stored keys (a leads import,
/// `Workspace::conn_mut_for_leads`), before it commits: adds the leads it
/// `changed` (ascending; `None` when too many to know) to the part, or, if
/// that makes too many for a fresh process to patch quickly, or the halves
/// are not there whole, deletes the halves and the part, so that the next
/// search builds the keys.
pub(crate) fn carry_across_write(
    tx: &rusqlite::Transaction<'_>,
    changed: Option<Vec<i64>>,
) -> Result<()> {
    let generation = derived_cache::generation(tx)?;
    let mut doomed = STORED_HALVES.to_vec();
    doomed.push(CHANGED_PART);
    let Some((tag, leads)) = halves_tag_and_leads(tx, generation)? else {
        return derived_cache::remove_in(tx, &doomed);
    };
    let earlier = match derived_cache::get(tx, CHANGED_PART, generation)? {
        None => Vec::new(),
        Some(bytes) => match decode(&bytes) {
            Some((its_tag, ids)) if its_tag == tag => ids,
            _ => return derived_cache::remove_in(tx, &doomed),
        },
    };
    let Some(changed) = changed else {
        return derived_cache::remove_in(tx, &doomed);
    };
    let mut ids = earlier;
    ids.extend(changed);
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > (leads / MOST_CHANGED_ONE_IN).max(MOST_CHANGED_ALWAYS) {
        return derived_cache::remove_in(tx, &doomed);
    }
    derived_cache::put_in(tx, CHANGED_PART, &encode(tag, &ids))
}

/// The tag both halves end with and the number of leads they hold; `None`
/// when one is missing or their tags differ.
fn halves_tag_and_leads(
    conn: &rusqlite::Connection,
    generation: i64,
) -> Result<Option<(PairTag, usize)>> {
    let [lower_name, upper_name] = STORED_HALVES;
    let mut head = [0u8; super::search_index::HEADER_LEN];
    let (mut lower_tag, mut upper_tag): (PairTag, PairTag) = Default::default();
    let mut no_head = [0u8; 0];
    if !derived_cache::read_ends(conn, lower_name, generation, &mut head, &mut lower_tag)?
        || !derived_cache::read_ends(conn, upper_name, generation, &mut no_head, &mut upper_tag)?
        || lower_tag != upper_tag
    {
        return Ok(None);
    }
    Ok(super::search_index::lead_count_of(&head).map(|leads| (lower_tag, leads)))
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
