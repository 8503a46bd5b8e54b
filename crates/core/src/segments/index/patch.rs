//! The index's stored parts carried across a write that rewrote the rows of
//! a few known leads or deleted known ones (a merge, an undo, an erasure,
//! a retention run; the undo of an events import keeps no event part to
//! carry): inside the write's transaction, each part the workspace kept is
//! rewritten for the data as the write leaves it, the rows of those leads
//! read again from SQL and every other row copied, so that the next reader
//! loads the parts instead of building them from SQL (at 1M leads, seconds
//! of a merge's score run and the next process's first count).
//!
//! A lead the write deleted loses its row, one it inserted (an undone
//! merge gives a lead back under its old id) gains one at its place in id
//! order, and each rewritten lead's values and events are read as any
//! build would read them. A type that lost events (an erasure, a retention
//! run) has its spellings and property keys read again from SQL: the last
//! of a spelling, or one of the first events whose keys the list holds,
//! may have gone with them. What cannot be carried exactly is deleted and
//! built again by its next reader: every part when the lead ids are not
//! stored or too many of the leads that remain changed, a column whose
//! field is gone, and all the event parts when a rewritten lead has an
//! event of a spelling the list of types does not know or a type's events
//! are not all stored. A carried text column keeps no value that only the
//! deleted leads had (its dictionary is compacted). It may keep the
//! spelling a rewritten lead gave a value others share, unless the write
//! must forget their old values (an erasure, a retention run,
//! `OldValues::MustGo`): then a column where a rewritten lead was the first
//! to hold a value kept rows still hold is deleted. A property part shows
//! each value as its folded key, so it holds no spelling and is carried.

use std::collections::{HashMap, HashSet};

use rusqlite::{types::ValueRef, Connection, Transaction};

use super::columns::{Column, ColumnBuilder, ListColumn, TextColumn, EMPTY};
use super::events::{json_path_of_key, property_json_value, PropertyColumn, TypeEvents};
use super::stored::{self, StoredType};
use crate::fields::FieldType;
use crate::segments::compile::{field_ref, Storage};
use crate::store::tables::{columns, derived_cache};
use crate::store::OldValues;
use crate::Result;

mod forget;
use forget::{
    shares_a_value_of_the_rewritten, shows_a_spelling_of_the_rewritten, shows_other_spellings,
};

/// Every part of the index starts with this.
const PREFIX: &str = "segment-index/v1/";

/// A write that rewrote more leads than one in this many (and more than
/// [`MOST_REWRITTEN_ALWAYS`]), not counting those it deleted, deletes the
/// parts instead: reading each of those leads again would cost more than
/// the next build.
const MOST_REWRITTEN_ONE_IN: usize = 256;
const MOST_REWRITTEN_ALWAYS: usize = 1000;

/// Whether `part` is one of the index's parts, which a write that rewrote a
/// few known leads keeps for [`carry_across_lead_rows`] to rewrite.
pub(crate) fn part_carried_across_lead_rows(part: &str) -> bool {
    part.starts_with(PREFIX)
}

/// Where a row of the index after the write comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// The row of the part as stored.
    Old(u32),
    /// The `n`-th rewritten lead that exists after the write.
    Fresh(u32),
}

/// The index's rows after the write.
struct RowPlan {
    sources: Vec<Source>,
    /// The rewritten leads that exist, ascending.
    fresh: Vec<i64>,
    /// The rows of the part as stored.
    old_len: usize,
}

impl RowPlan {
    /// `old_ids` without the `rewritten` leads, with the `fresh` ones (those
    /// of them that exist) at their place.
    fn new(old_ids: &[i64], rewritten: &[i64], fresh: Vec<i64>) -> (RowPlan, Vec<i64>) {
        let mut sources = Vec::with_capacity(old_ids.len() + fresh.len());
        let mut new_ids = Vec::with_capacity(old_ids.len() + fresh.len());
        let (mut old, mut next_fresh) = (0, 0);
        while old < old_ids.len() || next_fresh < fresh.len() {
            let take_fresh = next_fresh < fresh.len()
                && (old == old_ids.len() || fresh[next_fresh] <= old_ids[old]);
            if take_fresh {
                if old < old_ids.len() && old_ids[old] == fresh[next_fresh] {
                    old += 1;
                }
                new_ids.push(fresh[next_fresh]);
                sources.push(Source::Fresh(next_fresh as u32));
                next_fresh += 1;
            } else {
                if rewritten.binary_search(&old_ids[old]).is_err() {
                    new_ids.push(old_ids[old]);
                    sources.push(Source::Old(old as u32));
                }
                old += 1;
            }
        }
        let plan = RowPlan {
            sources,
            fresh,
            old_len: old_ids.len(),
        };
        (plan, new_ids)
    }

    fn fresh_row(&self, lead_id: i64) -> Option<usize> {
        self.fresh.binary_search(&lead_id).ok()
    }
}

/// Inside a write transaction that rewrote the leads `rewritten` and kept
/// the index's parts (`Workspace::conn_mut_for_lead_rows`), before it
/// commits: rewrites each stored part for the data as it is now, or deletes
/// what cannot be carried exactly.
pub(crate) fn carry_across_lead_rows(
    tx: &Transaction<'_>,
    rewritten: &[i64],
    old_values: OldValues,
) -> Result<()> {
    let mut rewritten = rewritten.to_vec();
    rewritten.sort_unstable();
    rewritten.dedup();
    let generation = derived_cache::generation(tx)?;
    let names: Vec<String> = derived_cache::parts(tx)?
        .into_iter()
        .filter(|(name, at, _)| name.starts_with(PREFIX) && *at <= generation)
        .map(|(name, _, _)| name)
        .collect();
    if names.is_empty() || rewritten.is_empty() {
        return Ok(());
    }
    let old_ids = match derived_cache::get(tx, &stored::lead_ids_name(), generation)? {
        Some(bytes) => stored::decode_lead_ids(&bytes).ok(),
        None => None,
    };
    let Some(old_ids) = old_ids else {
        return remove(tx, &names);
    };
    // The leads the write deleted cost nothing to carry (their rows are
    // dropped); only those read again count, and the look-ups stop at the
    // first past the bound (an undone fix of every lead looks up few).
    let most = (old_ids.len() / MOST_REWRITTEN_ONE_IN).max(MOST_REWRITTEN_ALWAYS);
    let Some(fresh) = columns::existing_leads(tx, &rewritten, most)? else {
        return remove(tx, &names);
    };
    let (plan, new_ids) = RowPlan::new(&old_ids, &rewritten, fresh);
    // Each part is written as soon as it is carried, so only one is held
    // at a time (the e-mail column alone is 102 MB at 1M leads).
    let lead_ids = stored::lead_ids_name();
    derived_cache::put_in(tx, &lead_ids, &stored::encode_lead_ids(&new_ids))?;
    let mut doomed: Vec<String> = Vec::new();
    let mut event_parts = Vec::new();
    for name in &names {
        let rest = &name[PREFIX.len()..];
        if let Some(key) = rest.strip_prefix("field/") {
            match carry_column(tx, generation, name, key, &plan, old_values)? {
                Some(bytes) => derived_cache::put_in(tx, name, &bytes)?,
                None => doomed.push(name.clone()),
            }
        } else if name != &lead_ids {
            event_parts.push(name.clone());
        }
    }
    if !event_parts.is_empty() {
        doomed.extend(carry_events(
            tx,
            generation,
            &event_parts,
            &plan,
            old_values,
        )?);
    }
    remove(tx, &doomed)
}

fn remove(tx: &Transaction<'_>, names: &[String]) -> Result<()> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    derived_cache::remove_in(tx, &names)
}

/// A field column rewritten; `None` when it cannot be (its field is gone or
/// changed type, the part does not decode).
fn carry_column(
    tx: &Transaction<'_>,
    generation: i64,
    name: &str,
    key: &str,
    plan: &RowPlan,
    old_values: OldValues,
) -> Result<Option<Vec<u8>>> {
    let Some(bytes) = derived_cache::get(tx, name, generation)? else {
        return Ok(None);
    };
    let usable_email = key == super::columns::USABLE_EMAIL;
    let (field_type, storage) = if usable_email {
        (FieldType::Boolean, Storage::Column("email".into()))
    } else {
        match field_ref(tx, key) {
            Ok(field) => (field.field_type, field.storage),
            Err(_) => return Ok(None),
        }
    };
    let Ok(old) = stored::decode_column(&bytes, field_type, plan.old_len) else {
        return Ok(None);
    };
    if old_values == OldValues::MustGo && shows_a_spelling_of_the_rewritten(&old, plan) {
        return Ok(None);
    }
    let mut builder = ColumnBuilder::new(field_type, plan.fresh.len());
    // As `load_usable_emails` builds it: 1 for an address an e-mail tool
    // takes, 0 for any other lead.
    let mut usable = vec![0u8; plan.fresh.len()];
    let mut visit = |lead_id: i64, value: ValueRef<'_>| {
        if let Some(row) = plan.fresh_row(lead_id) {
            if usable_email {
                usable[row] = u8::from(value.as_str().is_ok_and(crate::text::is_email_address));
            } else {
                builder.set(row, value);
            }
        }
        Ok(())
    };
    match &storage {
        Storage::Column(column) => {
            columns::for_each_lead_value_of(tx, column, &plan.fresh, &mut visit)?
        }
        Storage::Custom(id) => columns::for_each_custom_value_of(tx, *id, &plan.fresh, &mut visit)?,
    }
    let fresh = if usable_email {
        Column::Bool(usable)
    } else {
        builder.finish()
    };
    let column = combine_columns(old, fresh, plan);
    Ok(Some(stored::encode_column(field_type, &column)))
}

/// The column of the rows `plan` lays out, from the stored one and the
/// rewritten leads' values.
fn combine_columns(old: Column, fresh: Column, plan: &RowPlan) -> Column {
    fn pick<T: Copy>(old: &[T], fresh: &[T], plan: &RowPlan) -> Vec<T> {
        plan.sources
            .iter()
            .map(|source| match *source {
                Source::Old(row) => old[row as usize],
                Source::Fresh(row) => fresh[row as usize],
            })
            .collect()
    }
    match (old, fresh) {
        (Column::Number(old), Column::Number(fresh)) => Column::Number(pick(&old, &fresh, plan)),
        (Column::Date(old), Column::Date(fresh)) => Column::Date(pick(&old, &fresh, plan)),
        (Column::Bool(old), Column::Bool(fresh)) => Column::Bool(pick(&old, &fresh, plan)),
        (Column::Text(old), Column::Text(fresh)) => {
            let mut dict = Dictionary::from(old.dict, old.display);
            let fresh_codes = dict.take_in(fresh.dict, fresh.display);
            let codes = plan
                .sources
                .iter()
                .map(|source| match *source {
                    Source::Old(row) => old.codes[row as usize],
                    Source::Fresh(row) => map_code(&fresh_codes, fresh.codes[row as usize]),
                })
                .collect();
            let mut text = TextColumn {
                codes,
                dict: dict.keys,
                display: dict.display,
            };
            compact(&mut text.codes, &mut text.dict, &mut text.display);
            Column::Text(text)
        }
        (Column::List(old), Column::List(fresh)) => {
            let mut dict = Dictionary::from(old.dict, old.display);
            let fresh_codes = dict.take_in(fresh.dict, fresh.display);
            let mut codes = Vec::with_capacity(old.codes.len());
            let offsets = runs_by_plan(plan, &old.offsets, |source| match source {
                Run::Old(start, end) => {
                    codes.extend_from_slice(&old.codes[start..end]);
                    end - start
                }
                Run::Fresh(row) => {
                    let (start, end) = range(&fresh.offsets, row as usize);
                    let fresh = fresh.codes[start..end].iter();
                    codes.extend(fresh.map(|&code| map_code(&fresh_codes, code)));
                    end - start
                }
            });
            let (mut keys, mut display) = (dict.keys, dict.display);
            compact(&mut codes, &mut keys, &mut display);
            Column::List(ListColumn {
                offsets,
                codes,
                dict: keys,
                display,
            })
        }
        // One field type gives one kind of column.
        (old, _) => old,
    }
}

/// Where one row's run of items comes from.
enum Run {
    /// Items `start..end` of the stored part.
    Old(usize, usize),
    /// The run of the `n`-th rewritten lead that exists.
    Fresh(u32),
}

/// The offsets of per-row runs (a list column's items, a type's events) for
/// the rows `plan` lays out: `append` appends each row's run, from the
/// stored part (its runs at `old_offsets`) or from the rewritten leads, and
/// says how many items it appended.
fn runs_by_plan(
    plan: &RowPlan,
    old_offsets: &[u32],
    mut append: impl FnMut(Run) -> usize,
) -> Vec<u32> {
    let mut offsets = Vec::with_capacity(plan.sources.len() + 1);
    let mut items = 0;
    offsets.push(0);
    for source in &plan.sources {
        let run = match *source {
            Source::Old(row) => {
                let (start, end) = range(old_offsets, row as usize);
                Run::Old(start, end)
            }
            Source::Fresh(row) => Run::Fresh(row),
        };
        items += append(run);
        offsets.push(items as u32);
    }
    offsets
}

fn range(offsets: &[u32], row: usize) -> (usize, usize) {
    (offsets[row] as usize, offsets[row + 1] as usize)
}

fn map_code(codes: &[u32], code: u32) -> u32 {
    if code == EMPTY {
        EMPTY
    } else {
        codes[code as usize]
    }
}

/// A column's dictionary taking in another's entries.
struct Dictionary {
    keys: Vec<String>,
    display: Vec<String>,
    /// Each key's code, made on the first look-up that would otherwise scan
    /// a long dictionary: the e-mail column's holds a key per lead (1M), and
    /// a merge looks up a handful.
    code_of: Option<HashMap<String, u32>>,
    scanned: usize,
}

/// How many entries look-ups may scan before the dictionary is hashed.
const SCANS_BEFORE_HASHING: usize = 8_000_000;

impl Dictionary {
    fn from(keys: Vec<String>, display: Vec<String>) -> Self {
        Dictionary {
            keys,
            display,
            code_of: None,
            scanned: 0,
        }
    }

    fn code_of(&mut self, key: &str) -> Option<u32> {
        if self.code_of.is_none() && self.scanned + self.keys.len() > SCANS_BEFORE_HASHING {
            let hashed = self
                .keys
                .iter()
                .enumerate()
                .map(|(code, key)| (key.clone(), code as u32))
                .collect();
            self.code_of = Some(hashed);
        }
        match &self.code_of {
            Some(hashed) => hashed.get(key).copied(),
            None => {
                self.scanned += self.keys.len();
                self.keys
                    .iter()
                    .position(|k| k == key)
                    .map(|code| code as u32)
            }
        }
    }

    /// The code in this dictionary of each of `keys` (added when new).
    fn take_in(&mut self, keys: Vec<String>, display: Vec<String>) -> Vec<u32> {
        keys.into_iter()
            .zip(display)
            .map(|(key, display)| match self.code_of(&key) {
                Some(code) => code,
                None => {
                    let code = self.keys.len() as u32;
                    if let Some(hashed) = &mut self.code_of {
                        hashed.insert(key.clone(), code);
                    }
                    self.keys.push(key);
                    self.display.push(display);
                    code
                }
            })
            .collect()
    }
}

/// Drops the dictionary entries no code uses any more (a merged lead's
/// value no other lead has), keeping the others in their order: the part
/// then holds no value that is not in the data.
fn compact(codes: &mut [u32], keys: &mut Vec<String>, display: &mut Vec<String>) {
    let mut used = vec![false; keys.len()];
    for &code in codes.iter().filter(|&&code| code != EMPTY) {
        used[code as usize] = true;
    }
    if used.iter().all(|&u| u) {
        return;
    }
    let mut new_code = vec![EMPTY; keys.len()];
    let mut next = 0u32;
    for (code, &is_used) in used.iter().enumerate() {
        if is_used {
            new_code[code] = next;
            next += 1;
        }
    }
    for code in codes.iter_mut().filter(|code| **code != EMPTY) {
        *code = new_code[*code as usize];
    }
    let mut position = 0;
    keys.retain(|_| {
        position += 1;
        used[position - 1]
    });
    position = 0;
    display.retain(|_| {
        position += 1;
        used[position - 1]
    });
}

/// Rewrites the events, their properties, the list of types and the
/// property keys, one type at a time (so only one type's events are held
/// twice at once); the event parts to delete, which are all of them when
/// they cannot be carried.
fn carry_events(
    tx: &Transaction<'_>,
    generation: i64,
    names: &[String],
    plan: &RowPlan,
    old_values: OldValues,
) -> Result<Vec<String>> {
    let every_part = || Ok(names.to_vec());
    let Some(types) = derived_cache::get(tx, &stored::event_types_name(), generation)?
        .and_then(|bytes| stored::decode_event_types(&bytes).ok())
    else {
        return every_part();
    };
    // Every listed type's events must be stored, so the list's counts can
    // be carried; a scan stores them all.
    let stored_events: HashSet<&str> = names
        .iter()
        .filter_map(|name| name[PREFIX.len()..].strip_prefix("events/"))
        .collect();
    if types
        .keys()
        .any(|key| !stored_events.contains(key.as_str()))
        || stored_events.iter().any(|key| !types.contains_key(*key))
    {
        return every_part();
    }
    let Some(fresh) = fresh_events(tx, &types, plan)? else {
        return every_part();
    };
    let mut doomed = Vec::new();
    // Each listed type's property parts, with the property each reads.
    let mut properties: HashMap<String, Vec<(&String, String)>> = HashMap::new();
    for name in names {
        if let Some(pair) = name[PREFIX.len()..].strip_prefix("property/") {
            match serde_json::from_str::<(String, String)>(pair) {
                Ok((type_key, property)) if types.contains_key(&type_key) => properties
                    .entry(type_key)
                    .or_default()
                    .push((name, property)),
                _ => doomed.push(name.clone()),
            }
        }
    }
    let mut new_types: Vec<(String, StoredType)> = Vec::new();
    // The types that lost events and kept some, with their spellings left.
    let mut lost_events: Vec<(String, Vec<String>)> = Vec::new();
    for (key, stored_type) in &types {
        let name = stored::events_name(key);
        let old = derived_cache::get(tx, &name, generation)?.and_then(|bytes| {
            stored::decode_events(&bytes, stored_type.raw_types.clone(), plan.old_len).ok()
        });
        // What was already rewritten is deleted with the rest.
        let Some(old) = old else {
            return every_part();
        };
        let events = combine_events(&old, fresh.get(key.as_str()), plan);
        let type_properties = properties.remove(key).unwrap_or_default();
        if events.times.is_empty() {
            doomed.push(name);
            doomed.extend(type_properties.into_iter().map(|(name, _)| name.clone()));
            continue;
        }
        // Events the write removed (an erasure) may have been the last of a
        // spelling, or among the first events whose property keys the list
        // holds: both are read again for the type.
        let raw_types = if events.times.len() < old.times.len() {
            let left = spellings_left(tx, &stored_type.raw_types)?;
            lost_events.push((key.clone(), left.clone()));
            left
        } else {
            stored_type.raw_types.clone()
        };
        derived_cache::put_in(tx, &name, &stored::encode_events(&events))?;
        for (name, property) in type_properties {
            let carried = carry_property(
                tx,
                generation,
                name,
                (&old, &events),
                &property,
                (plan, old_values),
            )?;
            match carried {
                Some(bytes) => derived_cache::put_in(tx, name, &bytes)?,
                None => doomed.push(name.clone()),
            }
        }
        new_types.push((
            key.clone(),
            StoredType {
                raw_types,
                events: events.times.len() as u64,
            },
        ));
    }
    new_types.sort_by(|a, b| a.0.cmp(&b.0));
    let types_name = stored::event_types_name();
    derived_cache::put_in(tx, &types_name, &stored::encode_event_types(&new_types))?;
    let keys_name = stored::event_property_keys_name();
    if names.contains(&keys_name) {
        match derived_cache::get(tx, &keys_name, generation)?
            .and_then(|bytes| stored::decode_event_property_keys(&bytes).ok())
        {
            Some(keys) => {
                let mut keys: Vec<(String, Vec<String>)> = keys
                    .into_iter()
                    .filter(|(key, _)| new_types.iter().any(|(kept, _)| kept == key))
                    .collect();
                for (type_key, properties) in &mut keys {
                    if let Some((_, raw_types)) = lost_events.iter().find(|(k, _)| k == type_key) {
                        *properties = columns::event_property_keys(tx, raw_types)?;
                    }
                }
                keys.sort_by(|a, b| a.0.cmp(&b.0));
                let bytes = stored::encode_event_property_keys(&keys);
                derived_cache::put_in(tx, &keys_name, &bytes)?;
            }
            None => doomed.push(keys_name),
        }
    }
    Ok(doomed)
}

/// The spellings of a type that lost events and kept some which events
/// still have: its only one, or each found again by SQL (a scan of the
/// events until the first of it, which a common spelling ends at once).
fn spellings_left(tx: &Transaction<'_>, raw_types: &[String]) -> Result<Vec<String>> {
    if raw_types.len() == 1 {
        return Ok(raw_types.to_vec());
    }
    let mut left = Vec::with_capacity(raw_types.len());
    for raw in raw_types {
        if columns::any_event_of_type(tx, raw)? {
            left.push(raw.clone());
        }
    }
    Ok(left)
}

/// Per folded type, the rewritten leads' events as `(fresh row, time)`.
type FreshEvents = HashMap<String, Vec<(u32, i64)>>;

/// The rewritten leads' events by folded type, each type's as
/// `(fresh row, time)` in row order; `None` when one has an event of a
/// spelling the list of types does not hold.
fn fresh_events(
    tx: &Connection,
    types: &HashMap<String, StoredType>,
    plan: &RowPlan,
) -> Result<Option<FreshEvents>> {
    let key_of_raw: HashMap<&[u8], &str> = types
        .iter()
        .flat_map(|(key, stored)| {
            stored
                .raw_types
                .iter()
                .map(move |raw| (raw.as_bytes(), key.as_str()))
        })
        .collect();
    let mut by_type: HashMap<String, Vec<(u32, i64)>> = HashMap::new();
    let mut unknown = false;
    columns::for_each_event_of_leads(tx, &plan.fresh, |event| {
        let row = plan.fresh_row(event.lead_id).unwrap_or_default() as u32;
        match key_of_raw.get(event.raw_type) {
            Some(key) => by_type
                .entry((*key).to_owned())
                .or_default()
                .push((row, event.occurred_at)),
            // A spelling the list lacks (a new type, or a new spelling of
            // a listed one): the list and the type's spellings would change.
            None => unknown = true,
        }
        Ok(())
    })?;
    Ok((!unknown).then_some(by_type))
}

/// One type's events over the rows `plan` lays out.
fn combine_events(old: &TypeEvents, fresh: Option<&Vec<(u32, i64)>>, plan: &RowPlan) -> TypeEvents {
    let fresh: &[(u32, i64)] = fresh.map(Vec::as_slice).unwrap_or_default();
    let mut times = Vec::with_capacity(old.times.len() + fresh.len());
    let offsets = runs_by_plan(plan, &old.offsets, |source| match source {
        Run::Old(start, end) => {
            times.extend_from_slice(&old.times[start..end]);
            end - start
        }
        Run::Fresh(row) => {
            let (start, end) = fresh_range(fresh, row);
            times.extend(fresh[start..end].iter().map(|&(_, time)| time));
            end - start
        }
    });
    TypeEvents {
        raw_types: old.raw_types.clone(),
        offsets,
        times,
    }
}

/// The entries of fresh row `row` in `entries` (sorted by row).
fn fresh_range<T>(entries: &[(u32, T)], row: u32) -> (usize, usize) {
    let start = entries.partition_point(|entry| entry.0 < row);
    let end = entries.partition_point(|entry| entry.0 <= row);
    (start, end)
}

/// One event property over the type's events as rewritten; `None` when the
/// part does not decode or the rewritten leads' values do not line up.
fn carry_property(
    tx: &Transaction<'_>,
    generation: i64,
    name: &str,
    (old_events, new_events): (&TypeEvents, &TypeEvents),
    property: &str,
    (plan, old_values): (&RowPlan, OldValues),
) -> Result<Option<Vec<u8>>> {
    let Some(bytes) = derived_cache::get(tx, name, generation)? else {
        return Ok(None);
    };
    let Ok(old) = stored::decode_property(&bytes, old_events.times.len()) else {
        return Ok(None);
    };
    // A property part shows each value as its folded key (`load_property`
    // and the carry below both do), which the kept events hold too: no
    // removed event's spelling can stay. Only a part that shows another
    // spelling is deleted when a removed event shares a value.
    if old_values == OldValues::MustGo
        && shows_other_spellings(&old.text)
        && shares_a_value_of_the_rewritten(&old.text.codes, &old_events.offsets, plan)
    {
        return Ok(None);
    }
    let mut dict = Dictionary::from(old.text.dict, old.text.display);
    // The rewritten leads' values, in row order then the events' order.
    let mut fresh: Vec<(u32, (u32, f64))> = Vec::new();
    let path = json_path_of_key(property);
    columns::for_each_event_property_of_leads(
        tx,
        &plan.fresh,
        &old_events.raw_types,
        &path,
        |value| {
            let row = plan.fresh_row(value.lead_id).unwrap_or_default() as u32;
            let (key, number) = property_json_value(value.json);
            let code = match key {
                Some(key) => {
                    let display = key.clone();
                    dict.take_in(vec![key], vec![display])[0]
                }
                None => EMPTY,
            };
            fresh.push((row, (code, number)));
            Ok(())
        },
    )?;
    let mut codes = Vec::with_capacity(new_events.times.len());
    let mut number = Vec::with_capacity(new_events.times.len());
    runs_by_plan(plan, &old_events.offsets, |source| match source {
        Run::Old(start, end) => {
            codes.extend_from_slice(&old.text.codes[start..end]);
            number.extend_from_slice(&old.number[start..end]);
            end - start
        }
        Run::Fresh(row) => {
            let (start, end) = fresh_range(&fresh, row);
            codes.extend(fresh[start..end].iter().map(|entry| entry.1 .0));
            number.extend(fresh[start..end].iter().map(|entry| entry.1 .1));
            end - start
        }
    });
    if codes.len() != new_events.times.len() {
        return Ok(None);
    }
    let (mut keys, mut display) = (dict.keys, dict.display);
    compact(&mut codes, &mut keys, &mut display);
    let column = PropertyColumn {
        text: TextColumn {
            codes,
            dict: keys,
            display,
        },
        number,
    };
    Ok(Some(stored::encode_property(&column)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_after_a_write_drop_the_deleted_and_place_the_given_back() {
        // 3 deleted, 4 rewritten, 5 given back (an undone merge).
        let (plan, ids) = RowPlan::new(&[1, 2, 3, 4, 6], &[3, 4, 5], vec![4, 5]);
        assert_eq!(ids, vec![1, 2, 4, 5, 6]);
        assert_eq!(
            plan.sources,
            vec![
                Source::Old(0),
                Source::Old(1),
                Source::Fresh(0),
                Source::Fresh(1),
                Source::Old(4)
            ]
        );
        let (plan, ids) = RowPlan::new(&[1, 2], &[9], vec![9]);
        assert_eq!(ids, vec![1, 2, 9]);
        assert_eq!(plan.sources.last(), Some(&Source::Fresh(0)));
        let (_, ids) = RowPlan::new(&[1, 2], &[1, 2], Vec::new());
        assert!(ids.is_empty());
    }

    #[test]
    fn a_dictionary_finds_keys_alike_by_scanning_and_by_hashing() {
        for scanned in [0, SCANS_BEFORE_HASHING] {
            let strings = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let mut dict = Dictionary::from(strings(&["a", "b"]), strings(&["A", "B"]));
            dict.scanned = scanned;
            let codes = dict.take_in(strings(&["b", "c", "c"]), strings(&["B", "C", "C2"]));
            assert_eq!(codes, vec![1, 2, 2]);
            assert_eq!(dict.display, vec!["A", "B", "C"]);
            assert_eq!(dict.code_of.is_some(), scanned > 0);
        }
    }

    #[test]
    fn compacting_drops_unused_entries_and_keeps_the_order() {
        let mut codes = vec![2, EMPTY, 0, 2];
        let mut keys: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let mut display = keys.clone();
        compact(&mut codes, &mut keys, &mut display);
        assert_eq!(codes, vec![1, EMPTY, 0, 1]);
        assert_eq!(keys, vec!["a", "c"]);
        assert_eq!(display, vec!["a", "c"]);
    }

    mod in_a_workspace {
        use std::collections::BTreeMap;

        use rusqlite::Connection;

        use super::super::super::LeadIndex;
        use super::super::*;
        use crate::store::CarryAcrossLeadRows;
        use crate::Workspace;

        fn demo(leads: u32) -> Workspace {
            let mut workspace = Workspace::in_memory().unwrap();
            let spec = crate::demo::DemoSpec {
                leads,
                events_per_lead: 6,
                seed: 5,
                anchor: 1_790_000_000,
            };
            crate::demo::generate(&mut workspace, &spec).unwrap();
            // Every part built from SQL by `store_every_part`.
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            workspace.clear_derived();
            workspace
        }

        /// Builds (or loads) every part the index has: each catalogue
        /// field's column, the usable e-mails, every event type, every
        /// property key the scan found, and stores what it built.
        fn store_every_part(conn: &Connection) {
            let mut index = LeadIndex::load(conn, (0, 0)).unwrap();
            let fields: Vec<_> = crate::fields::list(conn)
                .unwrap()
                .iter()
                .map(|field| field_ref(conn, &field.key).unwrap())
                .collect();
            index.load_fields(conn, &fields).unwrap();
            index.load_usable_emails(conn).unwrap();
            index.ensure_events(conn).unwrap();
            let keys: Vec<(String, Vec<String>)> = index
                .event_property_keys
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect();
            for (type_key, properties) in keys {
                for property in properties {
                    index
                        .ensure_event_property(conn, &type_key, &property)
                        .unwrap();
                }
            }
        }

        /// Each stored part of the index in a form that does not depend on
        /// the order a dictionary met its values in.
        fn canonical(conn: &Connection) -> BTreeMap<String, String> {
            let generation = derived_cache::generation(conn).unwrap();
            let get = |name: &str| derived_cache::get(conn, name, generation).unwrap().unwrap();
            let ids = stored::decode_lead_ids(&get(&stored::lead_ids_name())).unwrap();
            let types = derived_cache::get(conn, &stored::event_types_name(), generation)
                .unwrap()
                .map(|bytes| stored::decode_event_types(&bytes).unwrap())
                .unwrap_or_default();
            let text = |text: &TextColumn| -> Vec<Option<String>> {
                text.codes
                    .iter()
                    .map(|&code| (code != EMPTY).then(|| text.dict[code as usize].clone()))
                    .collect()
            };
            let mut parts = BTreeMap::new();
            for (name, _, _) in derived_cache::parts(conn).unwrap() {
                let Some(rest) = name.strip_prefix(PREFIX) else {
                    continue;
                };
                let bytes = get(&name);
                let form = if name == stored::lead_ids_name() {
                    format!("{ids:?}")
                } else if let Some(key) = rest.strip_prefix("field/") {
                    let field_type = if key == super::super::super::columns::USABLE_EMAIL {
                        FieldType::Boolean
                    } else {
                        field_ref(conn, key).unwrap().field_type
                    };
                    match stored::decode_column(&bytes, field_type, ids.len()).unwrap() {
                        Column::Text(column) => format!("{:?}", text(&column)),
                        Column::List(list) => {
                            let rows: Vec<Vec<&str>> = (0..ids.len())
                                .map(|row| {
                                    let (start, end) = range(&list.offsets, row);
                                    list.codes[start..end]
                                        .iter()
                                        .map(|&c| list.dict[c as usize].as_str())
                                        .collect()
                                })
                                .collect();
                            format!("{rows:?}")
                        }
                        Column::Number(numbers) => format!("{numbers:?}"),
                        Column::Date(dates) => format!("{dates:?}"),
                        Column::Bool(flags) => format!("{flags:?}"),
                    }
                } else if name == stored::event_types_name() {
                    let mut listed: Vec<(String, Vec<String>, u64)> = types
                        .iter()
                        .map(|(key, stored)| {
                            let mut raw = stored.raw_types.clone();
                            raw.sort();
                            (key.clone(), raw, stored.events)
                        })
                        .collect();
                    listed.sort();
                    format!("{listed:?}")
                } else if name == stored::event_property_keys_name() {
                    let keys: BTreeMap<_, _> = stored::decode_event_property_keys(&bytes)
                        .unwrap()
                        .into_iter()
                        .collect();
                    format!("{keys:?}")
                } else if let Some(key) = rest.strip_prefix("events/") {
                    let events =
                        stored::decode_events(&bytes, types[key].raw_types.clone(), ids.len())
                            .unwrap();
                    format!("{:?} {:?}", events.offsets, events.times)
                } else if let Some(pair) = rest.strip_prefix("property/") {
                    let (type_key, _): (String, String) = serde_json::from_str(pair).unwrap();
                    let events = types[&type_key].events as usize;
                    let property = stored::decode_property(&bytes, events).unwrap();
                    format!("{:?} {:?}", text(&property.text), property.number)
                } else {
                    panic!("a part this test does not know: {name}")
                };
                parts.insert(name, form);
            }
            parts
        }

        /// The parts as built from SQL for the data as it is now.
        fn built_afresh(workspace: &Workspace) -> BTreeMap<String, String> {
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            workspace.clear_derived();
            store_every_part(workspace.conn());
            canonical(workspace.conn())
        }

        /// Runs `sql` as a write that rewrote `leads` and carries the parts.
        fn rewrite(workspace: &mut Workspace, leads: &[i64], sql: &str) {
            rewrite_then(workspace, leads, sql, CarryAcrossLeadRows::carry);
        }

        /// [`rewrite`] for a write whose leads' old values must go (an
        /// erasure).
        fn rewrite_forgetting(workspace: &mut Workspace, leads: &[i64], sql: &str) {
            rewrite_then(workspace, leads, sql, CarryAcrossLeadRows::carry_forgetting);
        }

        /// Runs `sql` as a write that rewrote `leads`, then `carry` on it.
        fn rewrite_then(
            workspace: &mut Workspace,
            leads: &[i64],
            sql: &str,
            carry: fn(CarryAcrossLeadRows, &Transaction<'_>, &[i64]) -> crate::Result<()>,
        ) {
            let (conn, carrier) = workspace.conn_mut_for_lead_rows().unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            carry(carrier, &tx, leads).unwrap();
            tx.commit().unwrap();
            workspace.clear_derived();
        }

        /// Each stored text column's dictionary: value key to the spelling shown.
        fn spellings(conn: &Connection) -> BTreeMap<String, BTreeMap<String, String>> {
            let generation = derived_cache::generation(conn).unwrap();
            let get = |name: &str| derived_cache::get(conn, name, generation).unwrap().unwrap();
            let rows = stored::decode_lead_ids(&get(&stored::lead_ids_name()))
                .unwrap()
                .len();
            let mut shown = BTreeMap::new();
            for (name, _, _) in derived_cache::parts(conn).unwrap() {
                let Some(key) = name.strip_prefix("segment-index/v1/field/") else {
                    continue;
                };
                let Ok(field) = field_ref(conn, key) else {
                    continue;
                };
                if let Column::Text(text) =
                    stored::decode_column(&get(&name), field.field_type, rows).unwrap()
                {
                    shown.insert(name, text.dict.into_iter().zip(text.display).collect());
                }
            }
            shown
        }

        /// Every part `carried` holds, and every spelling its text columns
        /// show, is what a build from SQL makes (a build may make more).
        fn assert_carried_as_built(workspace: &Workspace, carried: &BTreeMap<String, String>) {
            let shown = spellings(workspace.conn());
            let built = built_afresh(workspace);
            for (name, form) in carried {
                assert!(form == &built[name], "{name}");
            }
            let rebuilt = spellings(workspace.conn());
            for (name, spelling) in &shown {
                assert_eq!(spelling, &rebuilt[name], "{name}");
            }
        }

        #[test]
        fn a_write_that_forgets_deletes_the_columns_that_could_show_a_spelling_of_theirs() {
            let mut workspace = demo(200);
            // Lead 3 is the first to spell a company "ACME corp"; lead 150
            // spells it "Acme Corp". Lead 199 is the only one in "Nowhere".
            workspace
                .conn()
                .execute_batch(
                    "UPDATE leads SET company = 'ACME corp' WHERE id = 3;
                     UPDATE leads SET company = 'Acme Corp' WHERE id = 150;
                     UPDATE leads SET city = 'Nowhere' WHERE id = 199;",
                )
                .unwrap();
            store_every_part(workspace.conn());
            let company = "segment-index/v1/field/company".to_owned();
            assert_eq!(
                spellings(workspace.conn())[&company]["acme corp"],
                "ACME corp"
            );
            rewrite_forgetting(&mut workspace, &[3], "DELETE FROM leads WHERE id = 3;");
            let carried = canonical(workspace.conn());
            assert!(!carried.contains_key(&company), "lead 3's spelling");
            assert!(carried.keys().any(|n| n.ends_with("field/employees")));
            assert_carried_as_built(&workspace, &carried);
            // Lead 199 is no value's first holder but Nowhere's, which goes
            // with it: the columns are carried.
            store_every_part(workspace.conn());
            rewrite_forgetting(
                &mut workspace,
                &[199],
                "DELETE FROM events WHERE lead_id = 199; DELETE FROM leads WHERE id = 199;",
            );
            let carried = canonical(workspace.conn());
            assert!(carried.keys().any(|n| n.ends_with("field/city")));
            assert!(!carried["segment-index/v1/field/city"].contains("Nowhere"));
            assert!(carried.keys().any(|n| n.contains("events/page_view")));
            assert_carried_as_built(&workspace, &carried);
        }

        #[test]
        fn a_write_that_forgets_carries_the_property_parts_without_their_spellings() {
            let mut workspace = demo(200);
            // Lead 5's page views spell a shared address its own way, and
            // visit one no other lead visited.
            workspace
                .conn()
                .execute_batch(
                    r#"INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                         (5, 'page_view', 1789000000, '{"url": "/PRICING/Lead-Five"}'),
                         (5, 'page_view', 1789000050, '{"url": "/only/lead-five"}'),
                         (6, 'page_view', 1789000100, '{"url": "/pricing/lead-five"}');"#,
                )
                .unwrap();
            store_every_part(workspace.conn());
            let url = r#"segment-index/v1/property/["page_view","url"]"#;
            let before = canonical(workspace.conn());
            assert!(before[url].contains("/only/lead-five"), "{}", before[url]);
            rewrite_forgetting(
                &mut workspace,
                &[5],
                "DELETE FROM events WHERE lead_id = 5; DELETE FROM leads WHERE id = 5;",
            );
            let carried = canonical(workspace.conn());
            assert!(carried.contains_key(url), "{:?}", carried.keys());
            assert!(carried[url].contains("/pricing/lead-five"));
            // Every string the part holds, keys and what it shows alike.
            let generation = derived_cache::generation(workspace.conn()).unwrap();
            let get = |name: &str| {
                derived_cache::get(workspace.conn(), name, generation)
                    .unwrap()
                    .unwrap()
            };
            let types = stored::decode_event_types(&get(&stored::event_types_name())).unwrap();
            let events = types["page_view"].events as usize;
            let property = stored::decode_property(&get(url), events).unwrap();
            let strings = [property.text.dict, property.text.display].concat();
            assert!(strings.contains(&"/pricing/lead-five".to_owned()));
            assert!(strings
                .iter()
                .all(|s| !s.contains("PRICING") && !s.contains("only")));
            assert_carried_as_built(&workspace, &carried);
        }

        fn assert_same(carried: &BTreeMap<String, String>, built: &BTreeMap<String, String>) {
            assert_eq!(
                carried.keys().collect::<Vec<_>>(),
                built.keys().collect::<Vec<_>>()
            );
            for (name, form) in carried {
                assert!(
                    form == &built[name],
                    "{name} carried differs from the build"
                );
            }
        }

        #[test]
        fn parts_carried_across_rewritten_leads_are_the_parts_a_build_makes() {
            let mut workspace = demo(300);
            // Lead 30 has no events: deleting it removes none.
            workspace
                .conn()
                .execute("DELETE FROM events WHERE lead_id = 30", [])
                .unwrap();
            store_every_part(workspace.conn());
            let before = canonical(workspace.conn());
            assert!(before.len() > 20, "{:?}", before.keys());
            assert!(before.keys().any(|n| n.contains("property/")));
            assert!(before.keys().any(|n| n.contains("email:usable")));
            // A merge: lead 11's events move to 10 and 11 goes; 20 takes a
            // value no lead had and a custom value; 30 goes; 40 goes with
            // its events, which a merge moved away first, kept aside to
            // come back.
            rewrite(
                &mut workspace,
                &[10, 11, 20, 30, 40, 41],
                "UPDATE events SET lead_id = 10 WHERE lead_id = 11;
                 DELETE FROM leads WHERE id = 11;
                 UPDATE leads SET country = 'Atlantis', company = NULL, email = 'not an address'
                   WHERE id = 20;
                 INSERT OR REPLACE INTO custom_values (lead_id, field_id, value)
                   SELECT 20, id, 'Zweiundvierzig' FROM fields WHERE is_standard = 0 LIMIT 1;
                 DELETE FROM leads WHERE id = 30;
                 CREATE TABLE gone AS SELECT * FROM leads WHERE id = 40;
                 CREATE TABLE gone_events AS SELECT * FROM events WHERE lead_id = 40;
                 UPDATE events SET lead_id = 41 WHERE lead_id = 40;
                 DELETE FROM leads WHERE id = 40;",
            );
            let carried = canonical(workspace.conn());
            assert_ne!(carried, before, "the parts were rewritten");
            assert!(!carried["segment-index/v1/lead-ids"].contains(" 11,"));
            assert_same(&carried, &built_afresh(&workspace));
            // An undone merge gives lead 40 back under its old id, and its
            // events.
            rewrite(
                &mut workspace,
                &[40, 41],
                "INSERT INTO leads SELECT * FROM gone;
                 UPDATE events SET lead_id = 40 WHERE id IN (SELECT id FROM gone_events);
                 DROP TABLE gone; DROP TABLE gone_events;",
            );
            let carried = canonical(workspace.conn());
            assert_same(&carried, &built_afresh(&workspace));
        }

        #[test]
        fn leads_deleted_past_the_bound_are_carried_for_they_are_not_read_again() {
            let mut workspace = demo(200);
            // 1,100 leads without events (as a leads import adds them), more
            // than the bound of leads read again.
            workspace
                .conn()
                .execute_batch(
                    "INSERT INTO leads (id, email, email_key, country, created_at, updated_at)
                       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
                       SELECT 10000 + i, 'new' || i || '@fair.example', 'new' || i || '@fair.example',
                              'Iceland', 1789000000, 1789000000 FROM n;",
                )
                .unwrap();
            store_every_part(workspace.conn());
            let before = canonical(workspace.conn());
            let added: Vec<i64> = (10_001..=11_100).collect();
            let mut rewritten = added.clone();
            rewritten.push(5);
            rewrite(
                &mut workspace,
                &rewritten,
                "DELETE FROM leads WHERE id > 10000;
                 UPDATE leads SET country = 'Atlantis' WHERE id = 5;",
            );
            let carried = canonical(workspace.conn());
            assert_eq!(
                carried.keys().collect::<Vec<_>>(),
                before.keys().collect::<Vec<_>>()
            );
            assert!(!carried["segment-index/v1/field/country"].contains("Iceland"));
            assert_same(&carried, &built_afresh(&workspace));
        }

        #[test]
        fn leads_deleted_with_their_events_leave_the_event_parts_carried() {
            let mut workspace = demo(200);
            // A type spelt two ways, one of them only by lead 9, whose event
            // alone has the property `only_nine`; lead 8 has the other.
            workspace
                .conn()
                .execute_batch(
                    r#"INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                         (9, 'Webinar', 1789000000, '{"only_nine": "x", "room": "A"}'),
                         (8, 'webinar', 1789000100, '{"room": "B"}');"#,
                )
                .unwrap();
            store_every_part(workspace.conn());
            let before = canonical(workspace.conn());
            let webinar = "segment-index/v1/property/[\"webinar\",\"only_nine\"]";
            assert!(before.contains_key(webinar), "{:?}", before.keys());
            assert!(before[&stored::event_property_keys_name()].contains("only_nine"));
            // An erasure of lead 9 and a retention run's delete of 10 and 11.
            rewrite(
                &mut workspace,
                &[9, 10, 11],
                "DELETE FROM events WHERE lead_id IN (9, 10, 11);
                 DELETE FROM leads WHERE id IN (9, 10, 11);",
            );
            let carried = canonical(workspace.conn());
            assert!(carried.keys().any(|n| n.contains("events/webinar")));
            let types = &carried[&stored::event_types_name()];
            assert!(!types.contains("Webinar"), "{types}");
            assert!(!carried[&stored::event_property_keys_name()].contains("only_nine"));
            // A build lists only the property keys it finds, and makes no
            // part for `only_nine`; the carried one is empty throughout.
            assert!(
                carried[webinar].starts_with("[None]"),
                "{}",
                carried[webinar]
            );
            let mut built = built_afresh(&workspace);
            built.insert(webinar.to_owned(), carried[webinar].clone());
            assert_same(&carried, &built);
        }

        #[test]
        fn what_cannot_be_carried_exactly_is_deleted() {
            let mut workspace = demo(200);
            store_every_part(workspace.conn());
            // An event of a type the list does not hold: the event parts go,
            // the columns are carried.
            rewrite(
                &mut workspace,
                &[7],
                "INSERT INTO events (lead_id, type, occurred_at, properties)
                   VALUES (7, 'webinar_attended', 1789000000, '{}');
                 UPDATE leads SET country = 'Atlantis' WHERE id = 7;",
            );
            let names: Vec<String> = canonical(workspace.conn()).into_keys().collect();
            assert!(names
                .iter()
                .all(|n| !n.contains("events/") && !n.contains("property")));
            assert!(names.iter().any(|n| n.ends_with("field/country")));
            let carried = canonical(workspace.conn());
            let built = built_afresh(&workspace);
            for (name, form) in &carried {
                assert!(form == &built[name], "{name}");
            }
            // Without the lead ids nothing can be laid out: every part goes.
            store_every_part(workspace.conn());
            workspace
                .conn()
                .execute(
                    "DELETE FROM derived_cache WHERE name = ?1",
                    [stored::lead_ids_name()],
                )
                .unwrap();
            rewrite(
                &mut workspace,
                &[8],
                "UPDATE leads SET country = 'Atlantis' WHERE id = 8;",
            );
            assert!(derived_cache::parts(workspace.conn())
                .unwrap()
                .iter()
                .all(|(name, _, _)| !name.starts_with(PREFIX)));
        }
    }
}
