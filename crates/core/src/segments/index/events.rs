//! Events per type as time-sorted runs per lead, and event properties
//! aligned with them; behaviour rules counted over them.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::*;
use crate::segments::compile::{Behaviour, Condition, NumberTest, PropertyCondition, Test};
use crate::segments::values::{self, span_start};
use crate::store::tables::columns;
use crate::Result;

/// The events of one (folded) type: `times[offsets[row]..offsets[row + 1]]`
/// are a lead's events, oldest first (ties by event id).
#[derive(Debug, Default)]
pub(super) struct TypeEvents {
    pub(super) raw_types: Vec<String>,
    pub(super) offsets: Vec<u32>,
    pub(super) times: Vec<i64>,
}

/// An event while loading: (lead id, occurred_at).
pub(super) type EventEntry = (i64, i64);

/// How many of a type's first events give its property keys.
pub(super) const PROPERTY_SAMPLE: usize = 1000;

/// Every event read by one scan: per folded type, its events and the ids of
/// its first [`PROPERTY_SAMPLE`] events.
#[derive(Default)]
pub(super) struct LoadedEvents {
    pub(super) by_type: HashMap<String, TypeEvents>,
    pub(super) samples: Vec<(String, Vec<i64>)>,
}

/// Keeps the `entries` (sorted by lead id) whose lead the index holds in
/// `lead_ids` (sorted, one per row), as a row look-up would keep them.
pub(super) fn retain_held<T>(lead_ids: &[i64], entries: &mut Vec<T>, lead_of: impl Fn(&T) -> i64) {
    debug_assert!(lead_ids.windows(2).all(|pair| pair[0] < pair[1]));
    let mut next = 0;
    entries.retain(|entry| {
        let lead = lead_of(entry);
        while next < lead_ids.len() && lead_ids[next] < lead {
            next += 1;
        }
        next < lead_ids.len() && lead_ids[next] == lead
    });
}

/// One type's events as [`TypeEvents::offsets`] and [`TypeEvents::times`]:
/// `entries` sorted by (lead id, time), each of a lead in `lead_ids` (after
/// [`retain_held`]), laid out in the order of the index's rows.
pub(super) fn runs_by_row(lead_ids: &[i64], entries: &[EventEntry]) -> (Vec<u32>, Vec<i64>) {
    let mut offsets = Vec::with_capacity(lead_ids.len() + 1);
    offsets.push(0);
    let mut next = 0;
    for &id in lead_ids {
        while next < entries.len() && entries[next].0 == id {
            next += 1;
        }
        offsets.push(next as u32);
    }
    debug_assert_eq!(
        next,
        entries.len(),
        "an entry of a lead the index does not hold"
    );
    let times = entries.iter().map(|&(_, time)| time).collect();
    (offsets, times)
}

/// An event property over one type's events, aligned with `TypeEvents::times`.
#[derive(Debug)]
pub(super) struct PropertyColumn {
    pub(super) text: TextColumn,
    pub(super) number: Vec<f64>,
}

/// The SQLite JSON path of the top-level member named `key`: `$."…"` with
/// the name written as a JSON string, so `"`, `\\` and control characters are
/// escaped, and `.`, `$`, `[` and spaces inside the quotes are plain
/// characters. It is bound as a parameter, never spliced into SQL.
pub(super) fn json_path_of_key(key: &str) -> String {
    format!("$.{}", serde_json::Value::from(key))
}

/// An event property while loading: (lead id, occurred_at, the position of
/// its distinct value among those `load_property` met).
pub(super) type PropertyEntry = (i64, i64, u32);

/// A property's text key and number from its JSON text as SQLite's `->`
/// gives it (`None`: the event has no such property), parsed as
/// [`values::property_text`] and [`values::property_number`] read a value of
/// the parsed `properties` object.
pub(super) fn property_json_value(json: Option<&[u8]>) -> (Option<String>, f64) {
    let parsed = json
        .and_then(|json| serde_json::from_slice(json).ok())
        .unwrap_or(serde_json::Value::Null);
    (
        values::property_text(&parsed),
        values::property_number(&parsed).unwrap_or(f64::NAN),
    )
}

pub(super) fn property_keys(condition: &PropertyCondition, keys: &mut Vec<String>) {
    match condition {
        PropertyCondition::Group { children, .. } => {
            children.iter().for_each(|child| property_keys(child, keys))
        }
        PropertyCondition::Rule { key, .. } => keys.push(key.clone()),
    }
}

impl LeadIndex {
    /// Loads the events and properties `condition`'s behaviour rules need,
    /// visiting each referenced segment once (`seen`).
    pub(super) fn prepare_events(
        &mut self,
        conn: &Connection,
        condition: &Condition,
        seen: &mut HashSet<i64>,
    ) -> Result<()> {
        match condition {
            Condition::Group { children, .. } => {
                for child in children {
                    self.prepare_events(conn, child, seen)?;
                }
            }
            Condition::Field { .. } => {}
            Condition::Behaviour { behaviour, .. } => {
                self.ensure_event_type(conn, &behaviour.event_type)?;
                if let Some(filter) = &behaviour.filter {
                    let mut keys = Vec::new();
                    property_keys(filter, &mut keys);
                    for key in keys {
                        self.ensure_property(conn, &behaviour.event_type, &key)?;
                    }
                }
            }
            Condition::Segment { id, condition, .. } => {
                if seen.insert(*id) {
                    self.prepare_events(conn, condition, seen)?;
                }
            }
        }
        Ok(())
    }

    /// Loads every event (once), for analyses that read events directly
    /// rather than through a behaviour rule (the insights): each type from
    /// the workspace's cache when it holds them all, else one scan of SQL.
    pub(crate) fn ensure_events(&mut self, conn: &Connection) -> Result<()> {
        if self.all_events {
            return Ok(());
        }
        if let Some(types) = self.cached_event_types(conn) {
            let mut complete = true;
            for (key, stored) in types {
                if !self.events.contains_key(&key)
                    && !self.load_cached_type(conn, &key, stored.raw_types)
                {
                    complete = false;
                    break;
                }
            }
            if complete {
                self.all_events = true;
                return Ok(());
            }
        }
        self.load_all_events(conn)
    }

    /// Loads the events of folded type `key` (once): from the workspace's
    /// cache when it holds them, else every type from SQL.
    fn ensure_event_type(&mut self, conn: &Connection, key: &str) -> Result<()> {
        if self.all_events || self.events.contains_key(key) {
            return Ok(());
        }
        if let Some(types) = self.cached_event_types(conn) {
            match types.get(key) {
                // No event of this type in the data.
                None => return Ok(()),
                Some(stored) => {
                    if self.load_cached_type(conn, key, stored.raw_types.clone()) {
                        return Ok(());
                    }
                }
            }
        }
        self.load_all_events(conn)
    }

    /// The event types the cache lists for this data, read once.
    pub(super) fn cached_event_types(
        &mut self,
        conn: &Connection,
    ) -> Option<HashMap<String, stored::StoredType>> {
        if self.cached_event_types.is_none() {
            self.cached_event_types = self.cached(
                conn,
                &stored::event_types_name(),
                stored::decode_event_types,
            );
        }
        self.cached_event_types.clone()
    }

    /// Loads one type's events from the cache; whether it could.
    fn load_cached_type(&mut self, conn: &Connection, key: &str, raw_types: Vec<String>) -> bool {
        let len = self.len();
        let name = stored::events_name(key);
        match self.cached(conn, &name, |bytes| {
            stored::decode_events(bytes, raw_types, len)
        }) {
            Some(events) => {
                self.events.insert(key.to_owned(), events);
                true
            }
            None => false,
        }
    }

    /// Reads every event from SQL and stores each type, and the list of
    /// types, in the workspace's cache.
    fn load_all_events(&mut self, conn: &Connection) -> Result<()> {
        let LoadedEvents {
            by_type: events,
            samples,
        } = self.load_events(conn)?;
        let mut types: Vec<(String, stored::StoredType)> = events
            .iter()
            .map(|(key, events)| {
                let stored = stored::StoredType {
                    raw_types: events.raw_types.clone(),
                    events: events.times.len() as u64,
                };
                (key.clone(), stored)
            })
            .collect();
        types.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, type_events) in &events {
            self.store(conn, &stored::events_name(key), || {
                stored::encode_events(type_events)
            });
        }
        // The scan found each type's first events: their property keys
        // cost a look-up by id each here, a scan of every event later.
        self.store_event_property_keys(conn, &samples)?;
        // The list last: a reader that finds it finds every type's part.
        self.store(conn, &stored::event_types_name(), || {
            stored::encode_event_types(&types)
        });
        self.events = events;
        self.all_events = true;
        Ok(())
    }

    /// Loads property `property` of the events of folded type `key` (once,
    /// the events first): from the workspace's cache when it holds it,
    /// else from SQL (and stores it there).
    fn ensure_property(&mut self, conn: &Connection, key: &str, property: &str) -> Result<()> {
        self.ensure_event_type(conn, key)?;
        let slot = (key.to_owned(), property.to_owned());
        if self.properties.contains_key(&slot) {
            return Ok(());
        }
        let events = self.events.get(key).map_or(0, |events| events.times.len());
        let name = stored::property_name(key, property);
        let column = match self.cached(conn, &name, |bytes| stored::decode_property(bytes, events))
        {
            Some(column) => column,
            None => {
                let column = self.load_property(conn, key, property)?;
                self.store(conn, &name, || stored::encode_property(&column));
                column
            }
        };
        self.properties.insert(slot, column);
        Ok(())
    }

    /// Lead `row`'s events of the folded type `key`, as times (seconds since
    /// the epoch), oldest first; empty for a type without events.
    pub(crate) fn event_times(&self, key: &str, row: usize) -> &[i64] {
        let Some(events) = self.events.get(key) else {
            return &[];
        };
        let start = events.offsets[row] as usize;
        let end = events.offsets[row + 1] as usize;
        &events.times[start..end]
    }

    /// The folded event types the index holds events of, sorted (empty until
    /// the events are loaded).
    pub(crate) fn event_type_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.events.keys().cloned().collect();
        keys.sort_unstable();
        keys
    }

    /// Loads property `property` of the events of folded type `key` (once),
    /// for [`LeadIndex::event_numbers`].
    pub(crate) fn ensure_event_property(
        &mut self,
        conn: &Connection,
        key: &str,
        property: &str,
    ) -> Result<()> {
        self.ensure_events(conn)?;
        self.ensure_property(conn, key, property)
    }

    /// Lead `row`'s values of `property` as numbers (NaN where missing or not
    /// a number), aligned with [`LeadIndex::event_times`] for `key`; empty
    /// until [`LeadIndex::ensure_event_property`] loaded them.
    pub(crate) fn event_numbers(&self, key: &str, property: &str, row: usize) -> &[f64] {
        let Some(events) = self.events.get(key) else {
            return &[];
        };
        let Some(column) = self.properties.get(&(key.to_owned(), property.to_owned())) else {
            return &[];
        };
        let start = events.offsets[row] as usize;
        let end = events.offsets[row + 1] as usize;
        column.number.get(start..end).unwrap_or(&[])
    }

    /// Reads every event once, grouped by folded type and sorted per lead.
    ///
    /// Events come in id order, their leads in no order (an events file is
    /// rarely sorted by lead). Each is kept by lead *id*, and a lead's row
    /// is found only after the sort, walking the sorted ids beside the
    /// index's sorted [`LeadIndex::lead_ids`]. Looking each event's row up
    /// as it came missed the cache once per event: a quarter of the time
    /// after a 10M-event import (docs/benchmarks.md).
    ///
    /// Also returns, per type, the ids of its first [`PROPERTY_SAMPLE`]
    /// events: where the behaviour editor reads the type's property keys.
    /// A large table is read on two connections and laid out on two
    /// threads ([`event_scan`]).
    pub(super) fn load_events(&mut self, conn: &Connection) -> Result<LoadedEvents> {
        let (reader, split_from) = (self.reader.as_ref(), event_scan::SPLIT_FROM_EVENTS);
        let scan = match self.appended_events.take() {
            Some(appended) => {
                event_scan::scan_events_after_append(conn, reader, split_from, appended)?
            }
            None => event_scan::scan_events(conn, reader, split_from)?,
        };
        let mut loaded = LoadedEvents::default();
        for (key, events, sample) in event_scan::into_runs(&self.lead_ids, scan.types) {
            loaded.by_type.insert(key.clone(), events);
            loaded.samples.push((key, sample));
        }
        Ok(loaded)
    }

    /// Reads one property of one event type, aligned with its events.
    pub(super) fn load_property(
        &self,
        conn: &Connection,
        event_type: &str,
        key: &str,
    ) -> Result<PropertyColumn> {
        let (raw_types, events) = self
            .events
            .get(event_type)
            .map(|events| (events.raw_types.clone(), events.times.len()))
            .unwrap_or_default();
        // One entry per event of the type: sized once, not grown by doubling.
        let mut entries: Vec<PropertyEntry> = Vec::with_capacity(events);
        let mut text = TextColumnBuilder::new(0);
        // Each distinct stored value is mapped to its code and number once
        // (a property has few distinct values among millions of events);
        // an entry holds the value's position in `distinct`.
        let mut known: foldhash::HashMap<Vec<u8>, u32> = Default::default();
        let mut distinct: Vec<(u32, f64)> = Vec::new();
        let mut raw_key = Vec::new();
        // SQLite's `->` finds the property in C code, much faster than
        // parsing every object here; each distinct JSON text it gives is
        // parsed once (`property_json_value`), as the reference evaluator
        // parses every event's properties (the differential test holds the
        // two to the same answers).
        let path = json_path_of_key(key);
        // Kept by lead id and matched to rows after the sort, as the events
        // are (see `load_events`).
        columns::for_each_event_property(conn, &raw_types, &path, |property| {
            // Absent, or present with this JSON text.
            raw_key.clear();
            match property.json {
                None => raw_key.push(0),
                Some(json) => {
                    raw_key.push(1);
                    raw_key.extend(json);
                }
            }
            let value = match known.get(raw_key.as_slice()) {
                Some(&value) => value,
                None => {
                    let (key, number) = property_json_value(property.json);
                    let display = key.clone().unwrap_or_default();
                    let code = text.code_of_key(key, &display);
                    let value = distinct.len() as u32;
                    distinct.push((code, number));
                    known.insert(raw_key.clone(), value);
                    value
                }
            };
            entries.push((property.lead_id, property.occurred_at, value));
            Ok(())
        })?;
        entries.sort_by_key(|entry| (entry.0, entry.1));
        retain_held(&self.lead_ids, &mut entries, |entry| entry.0);
        text.column.codes = entries
            .iter()
            .map(|entry| distinct[entry.2 as usize].0)
            .collect();
        let number = entries
            .iter()
            .map(|entry| distinct[entry.2 as usize].1)
            .collect();
        Ok(PropertyColumn {
            text: text.column,
            number,
        })
    }

    /// Lead `row`'s events of `behaviour`'s type in its window as of
    /// `as_of` (its `inLast` span, up to `as_of`), as positions in the
    /// type's event columns, with their `where` test applied.
    fn matching_events<'a>(
        &'a self,
        behaviour: &'a Behaviour,
        row: usize,
        as_of: i64,
    ) -> Option<(&'a TypeEvents, impl Iterator<Item = usize> + 'a)> {
        let events = self.events.get(&behaviour.event_type)?;
        let low = behaviour
            .in_last
            .map(|span| span_start(as_of, span))
            .unwrap_or(i64::MIN);
        let (start, end) = (
            events.offsets[row] as usize,
            events.offsets[row + 1] as usize,
        );
        let times = &events.times[start..end];
        let first = start + times.partition_point(|&t| t < low);
        let last = start + times.partition_point(|&t| t <= as_of);
        let matching = (first..last).filter(move |&i| {
            behaviour
                .filter
                .as_ref()
                .is_none_or(|filter| self.property_holds(&behaviour.event_type, filter, i))
        });
        Some((events, matching))
    }

    /// How many of the lead's events count for `behaviour` as of `as_of`.
    pub(super) fn event_count(&self, behaviour: &Behaviour, row: usize, as_of: i64) -> u64 {
        self.matching_events(behaviour, row, as_of)
            .map_or(0, |(_, matching)| matching.count() as u64)
    }

    /// The times of lead `row`'s events that count for `behaviour` as of
    /// `as_of` (its type, its `where` and its `inLast` window; its counts
    /// aside), oldest first: what a scoring rule gives points for, each.
    pub(crate) fn matching_event_times(
        &self,
        behaviour: &Behaviour,
        row: usize,
        as_of: i64,
    ) -> Vec<i64> {
        self.matching_events(behaviour, row, as_of)
            .map(|(events, matching)| matching.map(|i| events.times[i]).collect())
            .unwrap_or_default()
    }

    pub(super) fn property_holds(
        &self,
        event_type: &str,
        condition: &PropertyCondition,
        event: usize,
    ) -> bool {
        match condition {
            PropertyCondition::Group {
                any,
                negate,
                children,
            } => group_holds(children, *any, *negate, |c| {
                self.property_holds(event_type, c, event)
            }),
            PropertyCondition::Rule { key, test, negate } => {
                let column = &self.properties[&(event_type.to_owned(), key.clone())];
                let code = column.text.codes[event];
                let held = match test {
                    Test::IsEmpty => code == EMPTY,
                    Test::Text(t) => code != EMPTY && t.holds(&column.text.dict[code as usize]),
                    Test::Number(t) => {
                        !column.number[event].is_nan() && t.holds(column.number[event])
                    }
                    _ => false,
                };
                held != *negate
            }
        }
    }

    pub(super) fn behaviour_set(
        &self,
        behaviour: &Behaviour,
        as_of: i64,
        mask: Option<&Bitset>,
    ) -> Bitset {
        let len = self.len();
        let Some(events) = self.events.get(&behaviour.event_type) else {
            return if behaviour.count_matches(0) {
                Bitset::full(len)
            } else {
                Bitset::empty(len)
            };
        };
        let low = behaviour
            .in_last
            .map(|span| span_start(as_of, span))
            .unwrap_or(i64::MIN);
        // Few leads left to test (an `and` group's running result): test
        // only their events. Otherwise every event of the type, a rule at a
        // time, is faster.
        let few_leads = mask.is_some_and(|mask| mask.count() * FEW_LEADS_RATIO < len as u64);
        let filter = behaviour.filter.as_ref().map(|filter| {
            if few_leads {
                PassingEvents::Tested(EventFilter::new(self, &behaviour.event_type, filter))
            } else {
                PassingEvents::Marked(self.property_set(
                    &behaviour.event_type,
                    filter,
                    events.times.len(),
                ))
            }
        });
        Bitset::from_fn_within(len, mask, |row| {
            let (start, end) = (
                events.offsets[row] as usize,
                events.offsets[row + 1] as usize,
            );
            let times = &events.times[start..end];
            let first = start + times.partition_point(|&t| t < low);
            let last = start + times.partition_point(|&t| t <= as_of);
            let count = match &filter {
                None => (last - first) as u64,
                Some(PassingEvents::Tested(filter)) => {
                    (first..last).filter(|&i| filter.holds(i)).count() as u64
                }
                Some(PassingEvents::Marked(passing)) => {
                    (first..last).filter(|&i| passing.get(i)).count() as u64
                }
            };
            behaviour.count_matches(count)
        })
    }

    /// The events of `event_type` (`len` of them) that pass `condition`,
    /// a rule at a time over the property columns: faster per event than
    /// [`EventFilter`], but it visits every event of the type.
    pub(super) fn property_set(
        &self,
        event_type: &str,
        condition: &PropertyCondition,
        len: usize,
    ) -> Bitset {
        let (mut set, negate) = match condition {
            PropertyCondition::Group {
                any,
                negate,
                children,
            } => {
                let mut set = if *any && !children.is_empty() {
                    Bitset::empty(len)
                } else {
                    Bitset::full(len)
                };
                for child in children {
                    let child_set = self.property_set(event_type, child, len);
                    if *any {
                        set.or_with(&child_set);
                    } else {
                        set.and_with(&child_set);
                    }
                }
                (set, *negate)
            }
            PropertyCondition::Rule { key, test, negate } => {
                let column = &self.properties[&(event_type.to_owned(), key.clone())];
                let set = match test {
                    Test::Number(number_test) => Bitset::from_fn(len, |i| {
                        let n = column.number[i];
                        !n.is_nan() && number_test.holds(n)
                    }),
                    other => text_set(&column.text, other, None),
                };
                (set, *negate)
            }
        };
        if negate {
            set.negate();
        }
        set
    }
}

/// When fewer than one lead in this many is left to test, a behaviour's
/// `where` is tested on those leads' events only.
const FEW_LEADS_RATIO: u64 = 8;

/// Which events pass a behaviour's `where`: marked for every event of the
/// type, or tested one event at a time.
enum PassingEvents<'a> {
    Marked(Bitset),
    Tested(EventFilter<'a>),
}

/// A behaviour's `where`, resolved once per evaluation: each rule's column,
/// and for text rules which dictionary entries pass, so an event is tested
/// by its codes alone, and only the events that can count are tested.
enum EventFilter<'a> {
    Group {
        any: bool,
        negate: bool,
        children: Vec<EventFilter<'a>>,
    },
    Rule {
        column: &'a PropertyColumn,
        test: EventTest<'a>,
        negate: bool,
    },
}

enum EventTest<'a> {
    IsEmpty,
    /// Whether each dictionary entry passes.
    Text(Vec<bool>),
    Number(&'a NumberTest),
    Never,
}

impl<'a> EventFilter<'a> {
    fn new(index: &'a LeadIndex, event_type: &str, condition: &'a PropertyCondition) -> Self {
        match condition {
            PropertyCondition::Group {
                any,
                negate,
                children,
            } => EventFilter::Group {
                any: *any,
                negate: *negate,
                children: children
                    .iter()
                    .map(|child| EventFilter::new(index, event_type, child))
                    .collect(),
            },
            PropertyCondition::Rule { key, test, negate } => {
                let column = &index.properties[&(event_type.to_owned(), key.clone())];
                let test = match test {
                    Test::IsEmpty => EventTest::IsEmpty,
                    Test::Text(text) => EventTest::Text(
                        column.text.dict.iter().map(|key| text.holds(key)).collect(),
                    ),
                    Test::Number(number) => EventTest::Number(number),
                    Test::Date(_) | Test::Bool(_) => EventTest::Never,
                };
                EventFilter::Rule {
                    column,
                    test,
                    negate: *negate,
                }
            }
        }
    }

    /// Whether event `event` (a position in its type's events) passes; the
    /// same answer as [`LeadIndex::property_holds`].
    fn holds(&self, event: usize) -> bool {
        match self {
            EventFilter::Group {
                any,
                negate,
                children,
            } => group_holds(children, *any, *negate, |c| c.holds(event)),
            EventFilter::Rule {
                column,
                test,
                negate,
            } => {
                let code = column.text.codes[event];
                let held = match test {
                    EventTest::IsEmpty => code == EMPTY,
                    EventTest::Text(matching) => code != EMPTY && matching[code as usize],
                    EventTest::Number(t) => {
                        let n = column.number[event];
                        !n.is_nan() && t.holds(n)
                    }
                    EventTest::Never => false,
                };
                held != *negate
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn json_paths_of_odd_keys_find_exactly_that_key() {
        let conn = Connection::open_in_memory().unwrap();
        let keys = [
            "url",
            "a\"b",
            "\"",
            "a\\b",
            "a\\\"b",
            "a.b",
            "$",
            "$.url",
            "x[0]",
            "[",
            "a b",
            "Größe",
            "tab\there",
            "",
        ];
        let object: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| ((*key).to_owned(), serde_json::Value::from(i)))
            .collect();
        let document = serde_json::Value::Object(object).to_string();
        for (i, key) in keys.iter().enumerate() {
            let found: Option<i64> = conn
                .query_row(
                    "SELECT json_extract(?1, ?2)",
                    [&document, &json_path_of_key(key)],
                    |row| row.get(0),
                )
                .unwrap_or_else(|e| panic!("{key:?}: {e}"));
            assert_eq!(found, Some(i as i64), "{key:?}");
        }
    }

    #[test]
    fn a_property_read_by_sqlite_means_what_the_parsed_object_holds() {
        // Each value as a property of a stored object; what `->` gives for
        // it must mean what a Rust parse of the whole object gives (as the
        // reference evaluator reads it), also where `json_extract` gave
        // something else (an integer too large for 64 bits came back as a
        // real and was read as null).
        let conn = Connection::open_in_memory().unwrap();
        let values = [
            r#""/pricing""#,
            r#""a\"b \u00fc ü""#,
            "12",
            "-0.0",
            "1.50",
            "1e3",
            "123456789012345678901234567890",
            "true",
            "false",
            "null",
            r#"[1, "B"]"#,
            r#"{"nested": "PRICING"}"#,
        ];
        for value in values {
            let document = format!(r#"{{"p": {value}, "q": 1}}"#);
            let parsed: serde_json::Value = serde_json::from_str(&document).unwrap();
            let json: Option<String> = conn
                .query_row("SELECT ?1 -> '$.p'", [&document], |row| row.get(0))
                .unwrap();
            let (text, number) = property_json_value(json.as_deref().map(str::as_bytes));
            assert_eq!(text, values::property_text(&parsed["p"]), "{value}");
            let expected = values::property_number(&parsed["p"]).unwrap_or(f64::NAN);
            assert!(
                number == expected || (number.is_nan() && expected.is_nan()),
                "{value}: {number} against {expected}"
            );
        }
        // What the pair of functions read before gave for the integer of 30
        // digits: an integer by its type, a real by its value.
        let before: (String, String) = conn
            .query_row(
                "SELECT json_type(?1, '$.p'), typeof(json_extract(?1, '$.p'))",
                [r#"{"p": 123456789012345678901234567890}"#],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(before, ("integer".to_owned(), "real".to_owned()));
        // An absent property reads as null.
        let absent: Option<String> = conn
            .query_row(r#"SELECT '{"q": 1}' -> '$.p'"#, [], |row| row.get(0))
            .unwrap();
        assert_eq!(absent, None);
        let (text, number) = property_json_value(None);
        assert_eq!(text, values::property_text(&serde_json::Value::Null));
        assert!(number.is_nan());
    }

    #[test]
    fn held_events_are_laid_out_as_one_run_per_row_and_others_left_out() {
        // Rows hold leads 3, 5 and 9; events of lead 1, 4 and 12 belong to
        // no row (before, between and after the held ids).
        let lead_ids = [3, 5, 9];
        let mut entries = vec![(1, 10), (3, 20), (3, 30), (4, 40), (9, 50), (12, 60)];
        retain_held(&lead_ids, &mut entries, |entry| entry.0);
        let (offsets, times) = runs_by_row(&lead_ids, &entries);
        assert_eq!(offsets, vec![0, 2, 2, 3]);
        assert_eq!(times, vec![20, 30, 50]);
    }

    #[test]
    fn no_events_give_an_empty_run_per_row() {
        let (offsets, times) = runs_by_row(&[1, 2], &[]);
        assert_eq!(offsets, vec![0, 0, 0]);
        assert!(times.is_empty());
        let mut entries = vec![(1, 1)];
        retain_held(&[], &mut entries, |entry| entry.0);
        let (offsets, times) = runs_by_row(&[], &entries);
        assert_eq!(offsets, vec![0]);
        assert!(times.is_empty());
    }

    #[test]
    fn retain_held_keeps_the_entries_of_held_leads_in_order() {
        let mut entries = vec![(1, 'a'), (3, 'b'), (3, 'c'), (4, 'd'), (9, 'e'), (12, 'f')];
        retain_held(&[3, 5, 9], &mut entries, |entry| entry.0);
        assert_eq!(entries, vec![(3, 'b'), (3, 'c'), (9, 'e')]);
    }
}
