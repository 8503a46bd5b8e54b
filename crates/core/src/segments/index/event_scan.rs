//! Reading events and their properties from SQL: one event property's
//! values turned into a column ([`PropertyBuilder`]), and the scan that
//! loads every event together with the properties the rules about to run
//! filter on, instead of one more full scan of `events` per property.

use std::collections::{HashMap, HashSet};

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::columns::TextColumnBuilder;
use super::events::{json_path_of_key, property_sql_value, EventEntry, PropertyColumn, TypeEvents};
use super::*;
use crate::segments::compile::Condition;
use crate::store::tables::columns;
use crate::text::fold_key;
use crate::Result;

/// One event property's values, in the order the events are read, mapped
/// to text codes and numbers; each distinct stored value is mapped once (a
/// property has few distinct values among millions of events).
pub(super) struct PropertyBuilder {
    text: TextColumnBuilder,
    known: HashMap<Vec<u8>, (u32, f64)>,
    raw_key: Vec<u8>,
    /// (text code, number) per event read.
    pub(super) values: Vec<(u32, f64)>,
}

impl PropertyBuilder {
    pub(super) fn with_capacity(events: usize) -> Self {
        PropertyBuilder {
            text: TextColumnBuilder::new(0),
            known: HashMap::new(),
            raw_key: Vec::new(),
            values: Vec::with_capacity(events),
        }
    }

    /// The text code and number of a property SQLite's `json_type` and
    /// `json_extract` read as `json_type` and `value`.
    pub(super) fn code_of(&mut self, json_type: Option<&str>, value: ValueRef<'_>) -> (u32, f64) {
        self.raw_key.clear();
        self.raw_key.extend(json_type.unwrap_or("").as_bytes());
        self.raw_key.push(0);
        match value {
            ValueRef::Null => self.raw_key.push(0),
            ValueRef::Integer(i) => self.raw_key.extend(i.to_le_bytes()),
            ValueRef::Real(f) => self.raw_key.extend(f.to_bits().to_le_bytes()),
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => self.raw_key.extend(bytes),
        }
        if let Some(&known) = self.known.get(self.raw_key.as_slice()) {
            return known;
        }
        let (key, number) = property_sql_value(json_type, value);
        let display = key.clone().unwrap_or_default();
        let code = self.text.code_of_key(key, &display);
        self.known.insert(self.raw_key.clone(), (code, number));
        (code, number)
    }

    /// The column, with the values in `order` (positions in `values`).
    pub(super) fn finish(mut self, order: impl Iterator<Item = usize>) -> PropertyColumn {
        let (codes, number): (Vec<u32>, Vec<f64>) = order.map(|i| self.values[i]).unzip();
        self.text.column.codes = codes;
        PropertyColumn {
            text: self.text.column,
            number,
        }
    }
}

/// The event properties `condition`'s behaviour rules filter on, as
/// (folded type, property key), each referenced segment visited once
/// (`seen`: a diamond of references is not walked twice).
pub(super) fn event_properties_of(
    condition: &Condition,
    seen: &mut HashSet<i64>,
    wanted: &mut Vec<(String, String)>,
) {
    match condition {
        Condition::Group { children, .. } => children
            .iter()
            .for_each(|child| event_properties_of(child, seen, wanted)),
        Condition::Field { .. } => {}
        Condition::Behaviour { behaviour, .. } => {
            if let Some(filter) = &behaviour.filter {
                let mut keys = Vec::new();
                super::events::property_keys(filter, &mut keys);
                for key in keys {
                    let pair = (behaviour.event_type.clone(), key);
                    if !wanted.contains(&pair) {
                        wanted.push(pair);
                    }
                }
            }
        }
        Condition::Segment { id, condition, .. } => {
            if seen.insert(*id) {
                event_properties_of(condition, seen, wanted);
            }
        }
    }
}

/// The positions of `entries` (lead row, time) in a stable sort by lead and
/// time: ties keep reading order, which is id order.
pub(super) fn sorted_order(entries: &[EventEntry]) -> Vec<u32> {
    let mut keyed: Vec<(u32, i64, u32)> = entries
        .iter()
        .enumerate()
        .map(|(i, &(row, time))| (row, time, i as u32))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// Every event type read, by folded type, and for the types properties
/// follow, the order their events were sorted in (positions in reading
/// order).
pub(super) type ReadEvents = (HashMap<String, TypeEvents>, HashMap<String, Vec<u32>>);

/// A property being read in the events' scan: its folded type, whose
/// events it follows, and its values so far.
pub(super) struct WantedProperty {
    type_key: String,
    key: String,
    values: PropertyBuilder,
    /// An event of the type was stored under another spelling than the
    /// folded type, which the scan reads the property of: the property is
    /// then left to its own scan (`load_property`).
    incomplete: bool,
}

impl LeadIndex {
    /// Loads every event and, in the same scan of SQL, the properties in
    /// `wanted` (folded type, key) that are not loaded yet: what the rules
    /// about to run filter on. Does nothing when the events are loaded or
    /// the workspace's cache lists them (the properties then load on their
    /// own, from the cache or SQL, as before).
    pub(crate) fn load_events_with_properties(
        &mut self,
        conn: &Connection,
        wanted: &[(String, String)],
    ) -> Result<()> {
        let mut properties: Vec<WantedProperty> = wanted
            .iter()
            .filter(|slot| !self.properties.contains_key(*slot))
            .map(|(type_key, key)| WantedProperty {
                type_key: type_key.clone(),
                key: key.clone(),
                values: PropertyBuilder::with_capacity(0),
                incomplete: false,
            })
            .collect();
        if self.all_events || properties.is_empty() || self.cached_event_types(conn).is_some() {
            return Ok(());
        }
        let (events, orders) = self.read_events(conn, &mut properties)?;
        self.keep_read_events(conn, events);
        for property in properties.into_iter().filter(|p| !p.incomplete) {
            let Some(order) = orders.get(&property.type_key) else {
                continue;
            };
            let column = property.values.finish(order.iter().map(|&i| i as usize));
            let name = stored::property_name(&property.type_key, &property.key);
            self.store(conn, &name, || stored::encode_property(&column));
            self.properties
                .insert((property.type_key, property.key), column);
        }
        Ok(())
    }

    /// Reads every event once, grouped by folded type and sorted per lead,
    /// with the properties in `properties` of the events stored under their
    /// folded type's own spelling. For each type that properties follow,
    /// also the order its events were sorted in (positions in reading
    /// order), which their values are put in.
    pub(super) fn read_events(
        &self,
        conn: &Connection,
        properties: &mut [WantedProperty],
    ) -> Result<ReadEvents> {
        let paths: Vec<(String, String)> = properties
            .iter()
            .map(|p| (p.type_key.clone(), json_path_of_key(&p.key)))
            .collect();
        let paths: Vec<(&str, &str)> = paths
            .iter()
            .map(|(t, p)| (t.as_str(), p.as_str()))
            .collect();
        let mut slot_of_raw: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut slot_of_key: HashMap<String, usize> = HashMap::new();
        // Per slot: its events, and the properties that follow its type.
        let mut slots: Vec<(TypeEvents, Vec<EventEntry>, Vec<usize>)> = Vec::new();
        // In id order (the table's own order, no sort), so that a stable sort
        // by (lead, time) breaks ties by id.
        columns::for_each_event_with_properties(conn, &paths, |event| {
            let Some(lead_row) = self.row_of(event.lead_id) else {
                return Ok(());
            };
            let slot = match slot_of_raw.get(event.raw_type) {
                Some(&slot) => slot,
                None => {
                    let raw_text = String::from_utf8_lossy(event.raw_type).into_owned();
                    let key = fold_key(&raw_text);
                    let slot = *slot_of_key.entry(key.clone()).or_insert_with(|| {
                        let following = (0..properties.len())
                            .filter(|&p| properties[p].type_key == key)
                            .collect();
                        slots.push((TypeEvents::default(), Vec::new(), following));
                        slots.len() - 1
                    });
                    slots[slot].0.raw_types.push(raw_text);
                    slot_of_raw.insert(event.raw_type.to_vec(), slot);
                    slot
                }
            };
            let (_, entries, following) = &mut slots[slot];
            entries.push((lead_row as u32, event.occurred_at));
            for &p in following.iter() {
                let property = &mut properties[p];
                if event.raw_type != property.type_key.as_bytes() {
                    property.incomplete = true;
                } else if !property.incomplete {
                    let (json_type, value) = event.property(p)?;
                    let coded = property.values.code_of(json_type, value);
                    property.values.values.push(coded);
                }
            }
            Ok(())
        })?;
        let len = self.len();
        let keys: HashMap<usize, String> = slot_of_key.into_iter().map(|(k, s)| (s, k)).collect();
        let mut by_type = HashMap::with_capacity(slots.len());
        let mut orders = HashMap::new();
        for (slot, (mut events, mut entries, following)) in slots.into_iter().enumerate() {
            // A stable sort by (lead, time), as `load_property` sorts a
            // property's own scan, so the two line up.
            if following.is_empty() {
                entries.sort_by_key(|&(row, time)| (row, time));
            } else {
                let order = sorted_order(&entries);
                entries = order.iter().map(|&i| entries[i as usize]).collect();
                orders.insert(keys[&slot].clone(), order);
            }
            events.offsets = Vec::with_capacity(len + 1);
            events.offsets.push(0);
            let mut next = 0usize;
            for row in 0..len {
                while next < entries.len() && entries[next].0 as usize == row {
                    next += 1;
                }
                events.offsets.push(next as u32);
            }
            events.times = entries.into_iter().map(|(_, time)| time).collect();
            by_type.insert(keys[&slot].clone(), events);
        }
        Ok((by_type, orders))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    /// Three leads: page views with each kind of `url` (text in two cases,
    /// a number, an array, null, none) and ties in time, and downloads
    /// stored under two spellings of the type.
    fn workspace() -> Workspace {
        let workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute_batch(
                r#"INSERT INTO leads (id, email, created_at, updated_at) VALUES
                     (1, 'a@x.io', 0, 0), (2, 'b@x.io', 0, 0), (3, 'c@x.io', 0, 0);
                   INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                     (2, 'page_view', 20, '{"url": "/pricing", "n": 3}'),
                     (1, 'page_view', 10, '{"url": "/Pricing"}'),
                     (2, 'page_view', 20, '{"url": 5, "n": 2.5}'),
                     (3, 'page_view', 5, '{}'),
                     (1, 'page_view', 30, '{"url": ["a", "b"]}'),
                     (1, 'page_view', 30, '{"url": null, "n": true}'),
                     (2, 'download', 40, '{"asset": "guide"}'),
                     (3, 'Download', 41, '{"asset": "deck"}');"#,
            )
            .unwrap();
        workspace
    }

    #[test]
    fn the_events_scan_reads_each_property_as_its_own_scan_does() {
        let workspace = workspace();
        let conn = workspace.conn();
        let wanted: Vec<(String, String)> = [
            ("page_view", "url"),
            ("page_view", "n"),
            ("download", "asset"),
        ]
        .map(|(t, k)| (t.to_owned(), k.to_owned()))
        .to_vec();
        let mut fused = LeadIndex::load(conn, (0, 0)).unwrap();
        fused.load_events_with_properties(conn, &wanted).unwrap();
        assert!(fused.all_events);
        // The page views' properties came with the events; the downloads',
        // stored under two spellings, are left to a scan of their own.
        assert!(fused.properties.contains_key(&wanted[0]));
        assert!(fused.properties.contains_key(&wanted[1]));
        assert!(!fused.properties.contains_key(&wanted[2]));

        // The events as the scan without properties reads them.
        let mut separate = LeadIndex::load(conn, (0, 0)).unwrap();
        let (plain, _) = separate.read_events(conn, &mut []).unwrap();
        assert_eq!(plain.len(), 2);
        for (key, events) in &plain {
            assert_eq!(events.times, fused.events[key].times, "{key}");
            assert_eq!(events.offsets, fused.events[key].offsets, "{key}");
        }
        separate.ensure_events(conn).unwrap();
        for slot in &wanted[..2] {
            let own = separate.load_property(conn, &slot.0, &slot.1).unwrap();
            assert_eq!(
                stored::encode_property(&fused.properties[slot]),
                stored::encode_property(&own),
                "{slot:?}"
            );
        }
        // What the scan read was stored for the next process too.
        let name = stored::property_name("page_view", "url");
        assert!(fused.cached(conn, &name, |_| Ok(())).is_some());
    }
}
