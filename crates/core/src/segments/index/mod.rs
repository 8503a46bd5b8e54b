//! The fast path: an in-memory columnar index of the workspace, loaded lazily
//! (a field's column the first time a rule tests it, all events the first
//! time a behaviour rule runs) and dropped when the data changes (a score
//! write carries it over without the score columns, `carry_over`). A rule tree
//! evaluates to a bitset over leads: text rules test each distinct folded
//! value once and then map codes, behaviour rules count events per lead with
//! two binary searches over time-sorted runs.
//! Parts: [`bitset`] (sets of rows), [`columns`] (field columns) and
//! [`events`] (events and their properties).

mod bitset;
mod columns;
mod event_scan;
mod event_types;
mod events;
mod patch;
mod stored;

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::compile::{Condition, FieldRef};
use crate::Result;
pub(crate) use bitset::Bitset;
use columns::*;
use events::*;
pub(crate) use patch::{carry_across_lead_rows, part_carried_across_lead_rows};
use stored::PartCache;
pub(crate) use stored::{part_reads_no_events, part_reads_none_of, part_survives_leads_written};

/// Field values that replace stored ones for one lead, by field key.
pub(crate) type Overlay = Vec<(String, rusqlite::types::Value)>;

/// The members of segments referred to from several places in the rule
/// tree being evaluated, computed once each.
struct SharedMembers {
    ids: HashSet<i64>,
    members: HashMap<i64, Bitset>,
}

/// Maps lead ids to rows.
#[derive(Debug)]
enum RowLookup {
    /// `rows[id]`, for ids that are not much sparser than the leads.
    Dense(Vec<u32>),
    /// Binary search in the sorted ids.
    Sparse,
}

/// What identifies the data an index was built from: the workspace's own
/// write generation and SQLite's `data_version` (other connections' commits).
pub(crate) type Stamp = (u64, i64);

/// The columnar index of one workspace.
#[derive(Debug)]
pub(crate) struct LeadIndex {
    pub stamp: Stamp,
    lead_ids: Vec<i64>,
    lookup: RowLookup,
    columns: HashMap<String, Column>,
    /// The events of each folded type loaded so far.
    events: HashMap<String, TypeEvents>,
    /// Whether `events` holds every type.
    all_events: bool,
    /// The event types the cache lists (by folded key), once read.
    cached_event_types: Option<HashMap<String, stored::StoredType>>,
    /// Each event type's property keys (by folded key), once read or found.
    event_property_keys: Option<HashMap<String, Vec<String>>>,
    properties: HashMap<(String, String), PropertyColumn>,
    /// Where parts are read from and stored (the workspace file's derived
    /// cache, for the generation the index started on).
    cache: Option<PartCache>,
    /// Opens a second connection to the workspace's file, for the scan of
    /// every event (`None` in memory). Set by each use of the index, so it
    /// follows a change of passphrase.
    pub reader: Option<crate::store::Reader>,
    /// The events the workspace's last write appended, when the index was
    /// built right after it: its scan of every event reads only the older
    /// ones from SQL. Set for the first use of a new index only.
    pub appended_events: Option<crate::store::appended_events::AppendedEvents>,
}

impl LeadIndex {
    /// Loads the lead ids; columns and events load on first use. Each part
    /// comes from the workspace's derived cache when it holds it for the
    /// current data, else from SQL (and is then stored there).
    pub fn load(conn: &Connection, stamp: Stamp) -> Result<Self> {
        let cache = PartCache::start(conn);
        let name = stored::lead_ids_name();
        let cached = cache
            .and_then(|cache| cache.get(conn, &name))
            .and_then(|bytes| stored::decode_lead_ids(&bytes).ok());
        let lead_ids = match cached {
            Some(lead_ids) => lead_ids,
            None => {
                let lead_ids = crate::store::tables::columns::lead_ids(conn)?;
                if let Some(cache) = cache {
                    cache.put(conn, &name, &stored::encode_lead_ids(&lead_ids));
                }
                lead_ids
            }
        };
        let max_id = lead_ids.last().copied().unwrap_or(0);
        let lookup = if max_id >= 0 && (max_id as u64) < 4 * lead_ids.len() as u64 + 1_000_000 {
            let mut rows = vec![u32::MAX; max_id as usize + 1];
            for (row, &id) in lead_ids.iter().enumerate() {
                rows[id as usize] = row as u32;
            }
            RowLookup::Dense(rows)
        } else {
            RowLookup::Sparse
        };
        Ok(LeadIndex {
            stamp,
            lead_ids,
            lookup,
            columns: HashMap::new(),
            events: HashMap::new(),
            all_events: false,
            cached_event_types: None,
            event_property_keys: None,
            properties: HashMap::new(),
            cache,
            reader: None,
            appended_events: None,
        })
    }

    /// The part `name` from the cache, decoded; `None` when it is not there
    /// or does not decode (it is then rebuilt, never trusted).
    fn cached<T>(
        &self,
        conn: &Connection,
        name: &str,
        decode: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Option<T> {
        let bytes = self.cache?.get(conn, name)?;
        decode(&bytes).ok()
    }

    /// Stores a part built from SQL, when the cache may take it.
    fn store(&self, conn: &Connection, name: &str, encode: impl FnOnce() -> Vec<u8>) {
        if let Some(cache) = self.cache {
            cache.put(conn, name, &encode());
        }
    }

    /// Carries this index over a write that changed only the fields
    /// `changed`, to the data stamped `stamp`: their columns are dropped
    /// (reloaded on next use), everything else (lead ids, events,
    /// properties, other columns) stays, and parts built from now on go to
    /// the cache's new generation. Which columns go is decided by the same
    /// rule as which stored parts survive such a write
    /// ([`part_reads_none_of`]), so the index and the file's cache agree.
    pub fn carry_over(&mut self, conn: &Connection, stamp: Stamp, changed: &[&str]) {
        self.columns
            .retain(|key, _| part_reads_none_of(&stored::field_name(key), changed));
        self.stamp = stamp;
        self.cache = PartCache::start(conn);
    }

    pub fn len(&self) -> usize {
        self.lead_ids.len()
    }

    pub fn lead_id(&self, row: usize) -> i64 {
        self.lead_ids[row]
    }

    fn row_of(&self, id: i64) -> Option<usize> {
        match &self.lookup {
            RowLookup::Dense(rows) => usize::try_from(id)
                .ok()
                .and_then(|id| rows.get(id))
                .filter(|&&row| row != u32::MAX)
                .map(|&row| row as usize),
            RowLookup::Sparse => self.lead_ids.binary_search(&id).ok(),
        }
    }

    /// Loads whatever `condition` needs that is not loaded yet.
    pub fn prepare(&mut self, conn: &Connection, condition: &Condition) -> Result<()> {
        let mut fields = Vec::new();
        fields_of(condition, &mut fields);
        self.load_fields(conn, &fields)?;
        self.prepare_events(conn, condition, &mut HashSet::new())
    }

    /// The leads matching `condition` as of `as_of`. [`prepare`] must have
    /// run for this condition.
    pub fn evaluate(&self, condition: &Condition, as_of: i64) -> Bitset {
        let mut shared = SharedMembers {
            ids: shared_segments(condition),
            members: HashMap::new(),
        };
        self.evaluate_within(condition, as_of, None, &mut shared)
    }

    /// Evaluates `condition`; when `mask` is given, only rows in the mask are
    /// guaranteed right (the caller intersects with it). `and` groups pass
    /// their running result down as the mask and evaluate field rules before
    /// groups and behaviours, so costly behaviour rules only count events of
    /// leads that can still match.
    fn evaluate_within(
        &self,
        condition: &Condition,
        as_of: i64,
        mask: Option<&Bitset>,
        shared: &mut SharedMembers,
    ) -> Bitset {
        let len = self.len();
        let (mut set, negate) = match condition {
            Condition::Group {
                any: true,
                negate,
                children,
            } if !children.is_empty() => {
                let mut set = Bitset::empty(len);
                for child in children {
                    set.or_with(&self.evaluate_within(child, as_of, mask, shared));
                }
                (set, *negate)
            }
            Condition::Group {
                negate, children, ..
            } => {
                let mut set = mask.cloned().unwrap_or_else(|| Bitset::full(len));
                let cost = |child: &&Condition| match child {
                    Condition::Field { .. } => 0,
                    Condition::Group { .. } | Condition::Segment { .. } => 1,
                    Condition::Behaviour { .. } => 2,
                };
                let mut ordered: Vec<&Condition> = children.iter().collect();
                ordered.sort_by_key(cost);
                for child in ordered {
                    let child_set = self.evaluate_within(child, as_of, Some(&set), shared);
                    set.and_with(&child_set);
                }
                (set, *negate)
            }
            Condition::Field {
                field,
                test,
                negate,
            } => (
                test_column(&self.columns[&field.key], test, as_of, mask),
                *negate,
            ),
            Condition::Behaviour { behaviour, negate } => {
                (self.behaviour_set(behaviour, as_of, mask), *negate)
            }
            Condition::Segment {
                id,
                condition,
                negate,
                ..
            } => {
                if !shared.ids.contains(id) {
                    (
                        self.evaluate_within(condition, as_of, mask, shared),
                        *negate,
                    )
                } else if let Some(members) = shared.members.get(id) {
                    (members.clone(), *negate)
                } else {
                    // Referred to from several places: every member, once.
                    let members = self.evaluate_within(condition, as_of, None, shared);
                    shared.members.insert(*id, members.clone());
                    (members, *negate)
                }
            }
        };
        if negate {
            set.negate();
        }
        set
    }

    /// Whether lead `row` matches `condition` as of `as_of`, with the field
    /// values in `overlay` (by key) replacing the stored ones: the planner
    /// asks this of a simulated lead whose fields its steps changed.
    /// [`prepare`] must have run for this condition.
    pub fn holds_row(
        &self,
        condition: &Condition,
        row: usize,
        as_of: i64,
        overlay: &Overlay,
    ) -> bool {
        self.holds_row_within(condition, row, as_of, overlay, &mut HashMap::new())
    }

    /// [`holds_row`], remembering each referenced segment's answer for the
    /// row in `memberships`, so a diamond of references is walked once.
    fn holds_row_within(
        &self,
        condition: &Condition,
        row: usize,
        as_of: i64,
        overlay: &Overlay,
        memberships: &mut HashMap<i64, bool>,
    ) -> bool {
        match condition {
            Condition::Group {
                any,
                negate,
                children,
            } => group_holds(children, *any, *negate, |c| {
                self.holds_row_within(c, row, as_of, overlay, memberships)
            }),
            Condition::Field {
                field,
                test,
                negate,
            } => {
                let held = match overlay.iter().find(|(key, _)| *key == field.key) {
                    Some((_, value)) => test_stored(field.field_type, test, value.into(), as_of),
                    None => self.column_holds(&self.columns[&field.key], test, row, as_of),
                };
                held != *negate
            }
            Condition::Behaviour { behaviour, negate } => {
                let count = self.event_count(behaviour, row, as_of);
                behaviour.count_matches(count) != *negate
            }
            Condition::Segment {
                id,
                condition,
                nested,
                negate,
                ..
            } => {
                let member = match memberships.get(id) {
                    Some(&member) => member,
                    // A segment of plain rules costs no more than a lookup.
                    None if !nested => {
                        self.holds_row_within(condition, row, as_of, overlay, memberships)
                    }
                    None => {
                        let member =
                            self.holds_row_within(condition, row, as_of, overlay, memberships);
                        memberships.insert(*id, member);
                        member
                    }
                };
                member != *negate
            }
        }
    }

    /// The row of a lead id, if the lead exists.
    pub fn row_of_lead(&self, id: i64) -> Option<usize> {
        self.row_of(id)
    }
}

/// The fields a condition tests, nested segments included (each once).
pub(crate) fn fields_of(condition: &Condition, fields: &mut Vec<FieldRef>) {
    fn visit(condition: &Condition, fields: &mut Vec<FieldRef>, seen: &mut HashSet<i64>) {
        match condition {
            Condition::Group { children, .. } => {
                children.iter().for_each(|c| visit(c, fields, seen))
            }
            Condition::Field { field, .. } => {
                if !fields.iter().any(|known| known.key == field.key) {
                    fields.push(field.clone());
                }
            }
            Condition::Behaviour { .. } => {}
            Condition::Segment { id, condition, .. } => {
                if seen.insert(*id) {
                    visit(condition, fields, seen);
                }
            }
        }
    }
    visit(condition, fields, &mut HashSet::new())
}

/// Whether a group of `children` holds, one child at a time: all of them
/// (`any` false) or one (`any` true); an empty group holds; `negate` flips.
fn group_holds<T>(
    children: &[T],
    any: bool,
    negate: bool,
    mut holds: impl FnMut(&T) -> bool,
) -> bool {
    let combined = children.is_empty()
        || if any {
            children.iter().any(&mut holds)
        } else {
            children.iter().all(&mut holds)
        };
    combined != negate
}

/// The segments referred to from more than one place in `condition`
/// (counting each segment's own rules once): their members are computed
/// once per evaluation and reused.
fn shared_segments(condition: &Condition) -> HashSet<i64> {
    fn visit(condition: &Condition, sites: &mut HashMap<i64, u32>) {
        match condition {
            Condition::Group { children, .. } => children.iter().for_each(|c| visit(c, sites)),
            Condition::Field { .. } | Condition::Behaviour { .. } => {}
            Condition::Segment { id, condition, .. } => {
                let count = sites.entry(*id).or_insert(0);
                *count += 1;
                if *count == 1 {
                    visit(condition, sites);
                }
            }
        }
    }
    let mut sites = HashMap::new();
    visit(condition, &mut sites);
    sites
        .into_iter()
        .filter(|&(_, count)| count > 1)
        .map(|(id, _)| id)
        .collect()
}
