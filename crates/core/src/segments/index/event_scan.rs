//! The scan that reads every event into the segment index: the rows of
//! `events` grouped by folded type, with two connections reading the two
//! halves of the ids at once when the table is large, and each type's
//! entries then laid out as runs per row on two threads.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use rusqlite::Connection;

use super::events::{retain_held, runs_by_row, EventEntry, TypeEvents, PROPERTY_SAMPLE};
use crate::store::appended_events::{AppendedEvents, AppendedType, FIRST_IDS_PER_TYPE};
use crate::store::split_read::{self, two_cores};
use crate::store::tables::columns::{self, EventRow};
use crate::store::Reader;
use crate::text::fold_key;
use crate::Result;

/// Tables whose event ids span fewer than this are read on one
/// connection: a second one costs its opening (about 0.17 s of key
/// derivation for an encrypted workspace) and a thread, and at 1M events
/// the whole scan takes about a tenth of a second.
pub(super) const SPLIT_FROM_EVENTS: i64 = 2_000_000;

// A record of appended events keeps enough first ids for the sample.
const _: () = assert!(PROPERTY_SAMPLE <= FIRST_IDS_PER_TYPE);

/// Fewer events than this are laid out on the caller's thread alone: a
/// second thread costs more than it saves on a small workspace.
const LAY_OUT_ON_TWO_THREADS_FROM: usize = 100_000;

/// One folded type's events as the scan found them.
#[derive(Debug, Default, Clone)]
pub(super) struct ScannedType {
    pub(super) key: String,
    /// Each spelling of the type, in the order the scan first met it.
    pub(super) raw_types: Vec<String>,
    /// The bytes of each spelling, beside `raw_types`.
    raw_bytes: Vec<Vec<u8>>,
    /// (lead id, occurred_at) of each event, in id order.
    pub(super) entries: Vec<EventEntry>,
    /// The ids of its first [`PROPERTY_SAMPLE`] events.
    pub(super) sample: Vec<i64>,
}

impl ScannedType {
    /// Adds `entries` after its own.
    fn add_entries(&mut self, entries: Vec<EventEntry>) {
        if self.entries.is_empty() {
            self.entries = entries;
        } else {
            // Exactly: the joined entries are the largest allocation of the
            // load, and doubling would leave up to half unused.
            self.entries.reserve_exact(entries.len());
            self.entries.extend(entries);
        }
    }
}

/// Every event read so far, per folded type, the types in the order the
/// scan first met them.
#[derive(Debug, Default)]
pub(super) struct EventScan {
    // Looked up once per event: foldhash, not SipHash (the types come from
    // the user's own data, so flooding is no concern).
    slot_of_raw: foldhash::HashMap<Vec<u8>, usize>,
    slot_of_key: HashMap<String, usize>,
    pub(super) types: Vec<ScannedType>,
}

impl EventScan {
    fn visit(&mut self, event: EventRow<'_>) {
        let slot = match self.slot_of_raw.get(event.raw_type) {
            Some(&slot) => slot,
            None => self.add_spelling(event.raw_type.to_vec(), None),
        };
        let scanned = &mut self.types[slot];
        scanned.entries.push((event.lead_id, event.occurred_at));
        if scanned.sample.len() < PROPERTY_SAMPLE {
            scanned.sample.push(event.id);
        }
    }

    /// Files a spelling not met before under its folded type (a new type
    /// when the key is new); `text` is its text when already decoded.
    fn add_spelling(&mut self, raw: Vec<u8>, text: Option<String>) -> usize {
        let text = text.unwrap_or_else(|| String::from_utf8_lossy(&raw).into_owned());
        let key = fold_key(&text);
        let slot = match self.slot_of_key.get(&key) {
            Some(&slot) => slot,
            None => {
                self.slot_of_key.insert(key.clone(), self.types.len());
                self.types.push(ScannedType {
                    key,
                    ..ScannedType::default()
                });
                self.types.len() - 1
            }
        };
        self.types[slot].raw_types.push(text);
        self.types[slot].raw_bytes.push(raw.clone());
        self.slot_of_raw.insert(raw, slot);
        slot
    }

    /// The scan of the events `appended` holds: its spellings are in the
    /// order of their first events, so the types and spellings come in the
    /// order a scan meets them; a type's entries come spelling by spelling
    /// rather than in id order, which the sort by (lead, time) that lays
    /// them out makes no difference to (equal entries are equal tuples).
    fn from_appended(appended: AppendedEvents) -> EventScan {
        let mut scan = EventScan::default();
        for appended in appended.types {
            let AppendedType {
                raw_type,
                entries,
                first_ids,
            } = appended;
            // A record holds each spelling once.
            let slot = scan.add_spelling(raw_type.as_bytes().to_vec(), Some(raw_type));
            let into = &mut scan.types[slot];
            into.add_entries(entries);
            into.sample.extend(first_ids);
        }
        for scanned in &mut scan.types {
            // A type's first ids, whichever spelling they were written in.
            scanned.sample.sort_unstable();
            scanned.sample.truncate(PROPERTY_SAMPLE);
        }
        scan
    }

    /// Adds `later`, the scan of ids above every id of this one: the result
    /// is what one scan of both ranges gives (types, spellings and samples
    /// in the order of first appearance).
    fn append(&mut self, later: EventScan) {
        for scanned in later.types {
            let mut slot = self.slot_of_key.get(&scanned.key).copied();
            for (raw, text) in scanned.raw_bytes.into_iter().zip(scanned.raw_types) {
                if !self.slot_of_raw.contains_key(&raw) {
                    slot = Some(self.add_spelling(raw, Some(text)));
                }
            }
            let Some(slot) = slot else {
                continue;
            };
            let into = &mut self.types[slot];
            into.add_entries(scanned.entries);
            let room = PROPERTY_SAMPLE - into.sample.len();
            into.sample.extend(scanned.sample.into_iter().take(room));
        }
    }
}

/// Reads every event. With a `reader` for a second connection, and event
/// ids spanning at least `split_from`, the upper half of the ids is read
/// on that connection on a thread of its own while `conn` reads the lower
/// half. The halves are two snapshots, as the lead ids and the events
/// already were two statements: the index's stamp and the cache's
/// generation check decide whether what was read is kept. Inside a
/// transaction, `conn` may see rows no other connection sees, so it reads
/// everything itself. When the second connection fails to open or read, or
/// its thread cannot start, `conn` reads the upper half too.
pub(super) fn scan_events(
    conn: &Connection,
    reader: Option<&Reader>,
    split_from: i64,
) -> Result<EventScan> {
    scan_events_through(conn, reader, split_from, i64::MAX)
}

/// [`scan_events`] of the events with ids up to `last`.
fn scan_events_through(
    conn: &Connection,
    reader: Option<&Reader>,
    split_from: i64,
    last: i64,
) -> Result<EventScan> {
    let bounds = |conn: &Connection| -> Result<Option<(i64, i64)>> {
        let bounds = columns::event_id_bounds(conn)?;
        Ok(bounds.and_then(|(low, high)| (low <= last).then_some((low, high.min(last)))))
    };
    let within = move |ids: RangeInclusive<i64>| *ids.start()..=(*ids.end()).min(last);
    let split = split_read::split_point(conn, reader, bounds, split_from)?;
    let Some((reader, middle)) = split else {
        return scan_range(conn, within(split_read::ALL_IDS));
    };
    let scan_within = |conn: &Connection, ids| scan_range(conn, within(ids));
    let (mut scan, upper) =
        split_read::read_in_halves(conn, reader, middle, scan_within, scan_within)?;
    scan.append(upper);
    Ok(scan)
}

/// What [`scan_events`] gives, when the workspace's last write appended
/// `appended` (`store::appended_events`, an events import): the events
/// that were there before it read from SQL, the appended ones taken as the
/// write noted them instead of read back.
pub(super) fn scan_events_after_append(
    conn: &Connection,
    reader: Option<&Reader>,
    split_from: i64,
    appended: AppendedEvents,
) -> Result<EventScan> {
    let before = appended.first_id.saturating_sub(1);
    let mut scan = scan_events_through(conn, reader, split_from, before)?;
    scan.append(EventScan::from_appended(appended));
    Ok(scan)
}

fn scan_range(conn: &Connection, ids: RangeInclusive<i64>) -> Result<EventScan> {
    let mut scan = EventScan::default();
    columns::for_each_event_in(conn, ids, |event| {
        scan.visit(event);
        Ok(())
    })?;
    Ok(scan)
}

/// Each scanned type as [`TypeEvents`] over the rows of `lead_ids`, with
/// its key and property sample, in the scan's order. The types are shared
/// out between two threads, the largest first, each to the thread with
/// fewer events so far.
pub(super) fn into_runs(
    lead_ids: &[i64],
    types: Vec<ScannedType>,
) -> Vec<(String, TypeEvents, Vec<i64>)> {
    lay_out_types(lead_ids, types, LAY_OUT_ON_TWO_THREADS_FROM)
}

/// [`into_runs`], on two threads from `two_threads_from` events.
fn lay_out_types(
    lead_ids: &[i64],
    types: Vec<ScannedType>,
    two_threads_from: usize,
) -> Vec<(String, TypeEvents, Vec<i64>)> {
    let events: usize = types.iter().map(|scanned| scanned.entries.len()).sum();
    let two_threads = two_cores() && events >= two_threads_from;
    let mut order: Vec<usize> = (0..types.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(types[i].entries.len()));
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let (mut my_load, mut their_load) = (0, 0);
    let mut types: Vec<Option<ScannedType>> = types.into_iter().map(Some).collect();
    for i in order {
        let Some(scanned) = types[i].take() else {
            continue;
        };
        if two_threads && their_load < my_load {
            their_load += scanned.entries.len();
            theirs.push((i, scanned));
        } else {
            my_load += scanned.entries.len();
            mine.push((i, scanned));
        }
    }
    let lay_out = |part: Vec<(usize, ScannedType)>| -> Vec<_> {
        part.into_iter()
            .map(|(i, scanned)| (i, type_events(lead_ids, scanned)))
            .collect()
    };
    let mut laid_out = std::thread::scope(|scope| {
        let other = (!theirs.is_empty()).then(|| scope.spawn(|| lay_out(theirs)));
        let mut laid_out = lay_out(mine);
        if let Some(other) = other {
            match other.join() {
                Ok(part) => laid_out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        laid_out
    });
    laid_out.sort_by_key(|(i, _)| *i);
    laid_out.into_iter().map(|(_, laid)| laid).collect()
}

/// One type's events sorted by (lead, time) and laid out by row.
fn type_events(lead_ids: &[i64], scanned: ScannedType) -> (String, TypeEvents, Vec<i64>) {
    let ScannedType {
        key,
        raw_types,
        mut entries,
        sample,
        ..
    } = scanned;
    // Entries with the same lead and time are equal, so an unstable sort
    // leaves them as a stable one would (at 10M events, 0.39 s instead of
    // 0.78 s); the property columns keep their stable sort, as their
    // values differ.
    entries.sort_unstable();
    retain_held(lead_ids, &mut entries, |entry| entry.0);
    let (offsets, times) = runs_by_row(lead_ids, &entries);
    let events = TypeEvents {
        raw_types,
        offsets,
        times,
    };
    (key, events, sample)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::appended_events::Recorder;
    use crate::Workspace;

    /// A workspace file with `events` events of a few spellings over 50
    /// leads, ids with gaps.
    fn workspace_with_events(dir: &std::path::Path, events: i64) -> Workspace {
        let workspace = Workspace::create(dir.join("scan.leadstream")).unwrap();
        let conn = workspace.conn();
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
             INSERT INTO leads (id, email, created_at, updated_at)
               SELECT i, 'lead' || i || '@example.com', 0, 0 FROM n;",
        )
        .unwrap();
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO events (id, lead_id, type, occurred_at)
               SELECT i * 3, 1 + (i * 7) % 50,
                 CASE WHEN i % 5 = 0 THEN 'Page_View' WHEN i % 5 = 1 THEN 'page_view'
                      WHEN i > ?1 / 2 AND i % 5 = 2 THEN 'Late Type' ELSE 'download' END,
                 (i * 7919) % 1000 FROM n",
            [events],
        )
        .unwrap();
        workspace
    }

    /// A type as laid out: key, spellings, offsets, times and sample.
    type LaidOut = (String, Vec<String>, Vec<u32>, Vec<i64>, Vec<i64>);

    /// The scan laid out on one thread, checked against two threads.
    fn laid_out(scan: EventScan, lead_ids: &[i64]) -> Vec<LaidOut> {
        let as_tuples = |laid: Vec<(String, TypeEvents, Vec<i64>)>| -> Vec<LaidOut> {
            laid.into_iter()
                .map(|(key, events, sample)| {
                    (key, events.raw_types, events.offsets, events.times, sample)
                })
                .collect()
        };
        let on_two = as_tuples(lay_out_types(lead_ids, scan.types.clone(), 0));
        let on_one = as_tuples(lay_out_types(lead_ids, scan.types, usize::MAX));
        assert_eq!(on_one, on_two);
        on_one
    }

    #[test]
    fn two_halves_read_at_once_give_exactly_what_one_scan_gives() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = workspace_with_events(dir.path(), 3_000);
        let conn = workspace.conn();
        let lead_ids: Vec<i64> = (1..=50).collect();
        let reader = workspace.reader().unwrap();
        let whole = scan_events(conn, None, 0).unwrap();
        assert_eq!(whole.types.len(), 3);
        // The halves as the split reads them, each on its own connection.
        let (low, high) = columns::event_id_bounds(conn).unwrap().unwrap();
        let middle = low + (high - low) / 2;
        let mut halves = scan_range(conn, i64::MIN..=middle).unwrap();
        // The lower half holds 600 events of the first type, too few for
        // its sample, and no event of the late type.
        assert_eq!(halves.types[0].sample.len(), 600);
        assert_eq!(halves.types.len(), 2);
        let upper = scan_range(&reader.open().unwrap(), middle + 1..=i64::MAX).unwrap();
        halves.append(upper);
        let keys: Vec<&str> = halves.types.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, vec!["page_view", "download", "late type"]);
        assert_eq!(halves.types[0].raw_types, vec!["page_view", "Page_View"]);
        assert_eq!(halves.types[0].sample.len(), PROPERTY_SAMPLE);
        let whole = laid_out(whole, &lead_ids);
        assert_eq!(laid_out(halves, &lead_ids), whole);
        let split = scan_events(conn, Some(&reader), 0).unwrap();
        assert_eq!(laid_out(split, &lead_ids), whole);
    }

    /// Inserts `events` (lead id, type, occurred_at) in one committed
    /// write, as an events import does, and gives what it recorded.
    fn append_events<'a>(
        workspace: &mut Workspace,
        events: impl Iterator<Item = (i64, &'a str, i64)>,
    ) -> AppendedEvents {
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        let mut recorder = Recorder::start(&tx).unwrap();
        for (lead, kind, at) in events {
            tx.execute(
                "INSERT INTO events (lead_id, type, occurred_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![lead, kind, at],
            )
            .unwrap();
            recorder.note(kind, lead, at);
        }
        let appended = recorder.seal(&tx).unwrap().unwrap();
        tx.commit().unwrap();
        appended
    }

    #[test]
    fn the_events_a_write_appended_are_laid_out_as_a_scan_of_sql_lays_them_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = workspace_with_events(dir.path(), 3_000);
        let reader = workspace.reader().unwrap();
        let lead_ids: Vec<i64> = (1..=50).collect();
        // A new spelling of an old type, an old spelling, a new type, and a
        // second new spelling of an old type, interleaved.
        let spellings = ["Download", "page_view", "New Type", "PAGE_VIEW"];
        let events =
            (0..1_500_i64).map(|i| (1 + (i * 13) % 50, spellings[i as usize % 4], (i * 31) % 700));
        let appended = append_events(&mut workspace, events);
        let conn = workspace.conn();
        let whole = laid_out(scan_events(conn, None, 0).unwrap(), &lead_ids);
        let keys: Vec<&str> = whole.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(keys, ["page_view", "download", "late type", "new type"]);
        assert_eq!(whole[0].1, ["page_view", "Page_View", "PAGE_VIEW"]);
        assert_eq!(whole[1].1, ["download", "Download"]);
        // On one connection, and with the older events read in two halves.
        for split_from in [i64::MAX, 0] {
            let scan = scan_events_after_append(conn, Some(&reader), split_from, appended.clone())
                .unwrap();
            assert_eq!(laid_out(scan, &lead_ids), whole, "split from {split_from}");
        }
        // Into an empty table: every event is the write's.
        let mut empty = Workspace::create(dir.path().join("empty.leadstream")).unwrap();
        empty
            .conn()
            .execute_batch(
                "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0), (2, 0, 0);",
            )
            .unwrap();
        let events = [(2, "b", 5), (1, "a", 9), (1, "b", 3), (2, "B", 3)];
        let appended = append_events(&mut empty, events.into_iter());
        assert_eq!(appended.first_id, 1);
        let scan = scan_events_after_append(empty.conn(), None, 0, appended).unwrap();
        assert_eq!(
            laid_out(scan, &[1, 2]),
            laid_out(scan_events(empty.conn(), None, 0).unwrap(), &[1, 2])
        );
    }

    #[test]
    fn a_small_table_or_a_transaction_reads_on_one_connection() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = workspace_with_events(dir.path(), 100);
        let reader = workspace.reader().unwrap();
        let lead_ids: Vec<i64> = (1..=50).collect();
        let whole = laid_out(scan_events(workspace.conn(), None, 0).unwrap(), &lead_ids);
        let small = scan_events(workspace.conn(), Some(&reader), SPLIT_FROM_EVENTS).unwrap();
        assert_eq!(laid_out(small, &lead_ids), whole);
        // An event written inside a transaction is seen only by its own
        // connection: the scan reads it there.
        let conn = workspace.conn_mut().unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO events (id, lead_id, type, occurred_at) VALUES (1000, 1, 'download', 5)",
            [],
        )
        .unwrap();
        let inside = scan_events(&tx, Some(&reader), 0).unwrap();
        let events: usize = inside.types.iter().map(|t| t.entries.len()).sum();
        assert_eq!(events, 101);
    }
}
