//! The events one committed write appended, kept in memory for the layers
//! above on the same workspace: the segment index's scan of every event
//! reads the older events from SQL and takes these as they were written,
//! instead of reading back what the import has just stored (at 10M events,
//! 1.2–1.9 s of the history recorded after the import).
//!
//! What it holds is exactly what a scan of the appended ids would read: an
//! events write inserts without ids, so SQLite gives each row the table's
//! largest id plus one, and the appended events are the ids after the
//! largest before the write, in the order written. [`Recorder::seal`]
//! checks that inside the write's transaction, and stamps the record with
//! the data generation the write created: a record is handed out only
//! while the file is still at that generation
//! ([`crate::Workspace::take_appended_events`]).

use foldhash::{HashMap, HashMapExt};
use rusqlite::Connection;

use super::tables::{columns, derived_cache};
use crate::Result;

/// How many ids of each type's first events a record keeps: the segment
/// index reads a type's property keys from its first events.
pub(crate) const FIRST_IDS_PER_TYPE: usize = 1000;

/// A recorder stops, and its write hands over nothing, past this many
/// events: the record holds 16 bytes per event (256 MiB at this bound),
/// beside the import's own memory.
pub(crate) const MOST_EVENTS_RECORDED: usize = 16 * 1024 * 1024;

/// The events of one spelling of a type that a write appended.
#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
pub(crate) struct AppendedType {
    /// The type as stored.
    pub raw_type: String,
    /// (lead id, occurred_at) of each event, in id order.
    pub entries: Vec<(i64, i64)>,
    /// The ids of its first [`FIRST_IDS_PER_TYPE`] events.
    pub first_ids: Vec<i64>,
}

/// The events one committed write appended.
#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
pub(crate) struct AppendedEvents {
    /// Every event before the write has an id below this one; the appended
    /// events have this id and the next ones.
    pub first_id: i64,
    /// Each spelling, in the order of its first event.
    pub types: Vec<AppendedType>,
    /// The data generation the write created.
    generation: i64,
}

impl AppendedEvents {
    /// Whether the data is still what the write left: no write since, by
    /// any connection, has moved the file's generation.
    pub(crate) fn is_current(&self, conn: &Connection) -> bool {
        derived_cache::generation(conn).is_ok_and(|now| now == self.generation)
    }
}

/// Notes each event a write inserts, in the order it inserts them.
#[derive(Debug)]
pub(crate) struct Recorder {
    first_id: i64,
    written: usize,
    slot_of_type: HashMap<String, usize>,
    types: Vec<AppendedType>,
    /// Past [`MOST_EVENTS_RECORDED`]: nothing is handed over.
    overflowed: bool,
}

impl Recorder {
    /// Starts recording the events a transaction on `conn` is about to
    /// insert (it holds the write lock, so no one else inserts meanwhile).
    pub(crate) fn start(conn: &Connection) -> Result<Self> {
        let last = columns::event_id_bounds(conn)?.map_or(0, |(_, high)| high);
        Ok(Recorder {
            first_id: last.saturating_add(1),
            written: 0,
            slot_of_type: HashMap::new(),
            types: Vec::new(),
            overflowed: false,
        })
    }

    /// Notes one inserted event.
    pub(crate) fn note(&mut self, raw_type: &str, lead_id: i64, occurred_at: i64) {
        if self.overflowed {
            return;
        }
        if self.written == MOST_EVENTS_RECORDED {
            self.overflowed = true;
            self.types = Vec::new();
            self.slot_of_type = HashMap::new();
            return;
        }
        let slot = match self.slot_of_type.get(raw_type) {
            Some(&slot) => slot,
            None => {
                self.slot_of_type
                    .insert(raw_type.to_owned(), self.types.len());
                self.types.push(AppendedType {
                    raw_type: raw_type.to_owned(),
                    entries: Vec::new(),
                    first_ids: Vec::new(),
                });
                self.types.len() - 1
            }
        };
        let appended = &mut self.types[slot];
        appended.entries.push((lead_id, occurred_at));
        if appended.first_ids.len() < FIRST_IDS_PER_TYPE {
            appended.first_ids.push(self.first_id + self.written as i64);
        }
        self.written += 1;
    }

    /// The record, read inside the write's transaction once every event is
    /// inserted and the generation is final: `None` when it overflowed, or
    /// when the table's ids are not the ones it expected (then the segment
    /// index reads them all from SQL, as it would without a record).
    pub(crate) fn seal(self, conn: &Connection) -> Result<Option<AppendedEvents>> {
        if self.overflowed {
            return Ok(None);
        }
        let last = columns::event_id_bounds(conn)?.map_or(0, |(_, high)| high);
        let expected = self.first_id.saturating_sub(1) + self.written as i64;
        if last != expected {
            return Ok(None);
        }
        Ok(Some(AppendedEvents {
            first_id: self.first_id,
            types: self.types,
            generation: derived_cache::generation(conn)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn insert_event(conn: &Connection, id: Option<i64>, lead: i64, kind: &str, at: i64) {
        conn.execute(
            "INSERT INTO events (id, lead_id, type, occurred_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, lead, kind, at],
        )
        .unwrap();
    }

    fn workspace_with_a_lead() -> Workspace {
        let workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
                [],
            )
            .unwrap();
        workspace
    }

    #[test]
    fn a_record_names_the_ids_sqlite_gave_and_the_generation_of_the_write() {
        let mut workspace = workspace_with_a_lead();
        insert_event(workspace.conn(), Some(41), 1, "old", 1);
        let conn = workspace.conn_mut().unwrap();
        let tx = conn.transaction().unwrap();
        let mut recorder = Recorder::start(&tx).unwrap();
        for (kind, at) in [("view", 10), ("Click", 20), ("view", 30)] {
            insert_event(&tx, None, 1, kind, at);
            recorder.note(kind, 1, at);
        }
        let record = recorder.seal(&tx).unwrap().unwrap();
        tx.commit().unwrap();
        assert_eq!(record.first_id, 42);
        let spellings: Vec<&str> = record.types.iter().map(|t| t.raw_type.as_str()).collect();
        assert_eq!(spellings, ["view", "Click"]);
        assert_eq!(record.types[0].entries, [(1, 10), (1, 30)]);
        assert_eq!(record.types[0].first_ids, [42, 44]);
        assert_eq!(record.types[1].first_ids, [43]);
        assert!(record.is_current(workspace.conn()));
        // Any later write moves the generation.
        workspace.conn_mut().unwrap();
        assert!(!record.is_current(workspace.conn()));
    }

    #[test]
    fn ids_other_than_the_expected_ones_give_no_record() {
        let mut workspace = workspace_with_a_lead();
        let conn = workspace.conn_mut().unwrap();
        let tx = conn.transaction().unwrap();
        let mut recorder = Recorder::start(&tx).unwrap();
        insert_event(&tx, None, 1, "view", 10);
        recorder.note("view", 1, 10);
        // An event someone inserted with an id of their own.
        insert_event(&tx, Some(500), 1, "view", 20);
        recorder.note("view", 1, 20);
        assert!(recorder.seal(&tx).unwrap().is_none());
    }

    #[test]
    fn a_recorder_past_its_bound_gives_no_record() {
        let mut workspace = workspace_with_a_lead();
        let conn = workspace.conn_mut().unwrap();
        let tx = conn.transaction().unwrap();
        let mut recorder = Recorder::start(&tx).unwrap();
        recorder.written = MOST_EVENTS_RECORDED - 1;
        recorder.note("view", 1, 10);
        assert!(!recorder.overflowed);
        recorder.note("view", 1, 11);
        assert!(recorder.overflowed && recorder.types.is_empty());
        assert!(recorder.seal(&tx).unwrap().is_none());
    }
}
