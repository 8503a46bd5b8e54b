//! Which leads were inserted, updated or deleted since the quick search
//! last read them, and by whom: SQLite's update hook notes the id of each
//! changed row of `leads` on a workspace's connection, and each write
//! through the store notes the data generation it created, so that the
//! search's keys can be patched for those leads instead of rebuilt from
//! every lead (`leads::search_index`).
//!
//! The keys are patched only when every generation created since they were
//! read is noted here: a write by another process (or one that bumped the
//! generation a second time) is not, and the keys are read again. A
//! workspace opened beside this one on the same file (the app's imports run
//! on their own connection) hands its notes over once its writes are
//! committed ([`LeadChanges::absorb`]). The notes may hold more than what
//! changed (a rolled-back write keeps its notes, and an update of any
//! column of a lead notes it), never less.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::Result;

/// Past this many notes the ids are dropped and the log only says that
/// many leads changed: a reader then reads every lead again anyway.
const MOST_NOTES_KEPT: usize = 1 << 22;

/// How many created generations are remembered (the newest): keys read
/// before the oldest of them are read again.
const MOST_GENERATIONS_KEPT: usize = 4_096;

/// The ids noted since the last [`LeadChanges::take`].
#[derive(Debug, Default)]
pub struct LeadChanges {
    ids: Vec<i64>,
    /// More than [`MOST_NOTES_KEPT`] changes were noted: `ids` is empty.
    overflowed: bool,
    /// The data generations that writes through this workspace (and the
    /// workspaces it absorbed) created.
    generations: BTreeSet<i64>,
}

/// The log a connection's update hook writes to, shared with its workspace.
pub type LeadChangeLog = Arc<Mutex<LeadChanges>>;

impl LeadChanges {
    fn note(&mut self, id: i64) {
        if self.overflowed {
            return;
        }
        if self.ids.len() >= MOST_NOTES_KEPT {
            self.overflowed = true;
            self.ids = Vec::new();
        } else {
            self.ids.push(id);
        }
    }

    /// The distinct leads noted since the last take, ascending, or `None`
    /// when there were too many to keep; the log then starts afresh.
    pub fn take(&mut self) -> Option<Vec<i64>> {
        let overflowed = std::mem::take(&mut self.overflowed);
        let mut ids = std::mem::take(&mut self.ids);
        if overflowed {
            return None;
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// Notes that a write through the store created `generation`.
    pub fn note_generation(&mut self, generation: i64) {
        self.generations.insert(generation);
        if self.generations.len() > MOST_GENERATIONS_KEPT {
            self.generations.pop_first();
        }
    }

    /// Whether every generation after `after` up to `up_to` was created by
    /// a write these notes saw (true when there is none).
    pub fn created_every_generation(&self, after: i64, up_to: i64) -> bool {
        match up_to.checked_sub(after) {
            Some(0) => true,
            Some(created) if created > 0 => {
                self.generations.range(after + 1..=up_to).count() as i64 == created
            }
            _ => false,
        }
    }

    /// Takes over `other`'s notes (a workspace on the same file whose
    /// writes are all committed or rolled back), leaving it empty.
    pub fn absorb(&mut self, other: &mut LeadChanges) {
        let other = std::mem::take(other);
        if other.overflowed || self.ids.len() + other.ids.len() > MOST_NOTES_KEPT {
            self.overflowed = true;
            self.ids = Vec::new();
        } else if !self.overflowed {
            self.ids.extend(other.ids);
        }
        for generation in other.generations {
            self.note_generation(generation);
        }
    }

    /// Drops the notes made after the first `mark` ones (see
    /// [`LeadChanges::noted`]); a log that overflowed since stays so.
    pub fn forget_since(&mut self, mark: usize) {
        if !self.overflowed {
            self.ids.truncate(mark);
        }
    }

    /// The distinct leads noted after the first `mark` notes (what
    /// [`LeadChanges::noted`] said before a write), ascending: what that
    /// write changed, when nothing took the notes meanwhile. `None` when the
    /// log overflowed, or holds fewer notes than `mark`.
    pub fn noted_since(&self, mark: usize) -> Option<Vec<i64>> {
        if self.overflowed {
            return None;
        }
        let mut ids = self.ids.get(mark..)?.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// How many notes the log holds (a lead changed twice counts twice).
    pub fn noted(&self) -> usize {
        if self.overflowed {
            usize::MAX
        } else {
            self.ids.len()
        }
    }
}

/// Notes every insert, update and delete of a row of `main.leads` on `conn`
/// in `log`, from now on.
pub fn watch(conn: &mut Connection, log: &LeadChangeLog) -> Result<()> {
    let log = Arc::clone(log);
    conn.update_hook(Some(
        move |_action, database: &str, table: &str, id: i64| {
            if table == "leads" && database == "main" {
                lock(&log).note(id);
            }
        },
    ))?;
    Ok(())
}

/// The log, locked (a panic while it was held leaves it usable: the worst
/// it can hold is a note too many).
pub fn lock(log: &LeadChangeLog) -> MutexGuard<'_, LeadChanges> {
    log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched() -> (Connection, LeadChangeLog) {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE leads (id INTEGER PRIMARY KEY, name TEXT);
             CREATE TABLE events (id INTEGER PRIMARY KEY, lead_id INTEGER);
             INSERT INTO leads (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');",
        )
        .unwrap();
        let log = LeadChangeLog::default();
        watch(&mut conn, &log).unwrap();
        (conn, log)
    }

    #[test]
    fn inserts_updates_and_deletes_of_leads_are_noted_once_each() {
        let (conn, log) = watched();
        conn.execute_batch(
            "UPDATE leads SET name = 'bb' WHERE id = 2;
             UPDATE leads SET name = 'bbb' WHERE id = 2;
             DELETE FROM leads WHERE id = 1;
             INSERT INTO leads (id, name) VALUES (9, 'n');
             INSERT INTO events (lead_id) VALUES (3);",
        )
        .unwrap();
        assert_eq!(lock(&log).noted(), 4);
        assert_eq!(lock(&log).noted_since(1), Some(vec![1, 2, 9]));
        assert_eq!(lock(&log).noted_since(2), Some(vec![1, 9]));
        assert_eq!(lock(&log).noted_since(4), Some(vec![]));
        assert_eq!(lock(&log).noted_since(5), None, "more than were noted");
        assert_eq!(lock(&log).take(), Some(vec![1, 2, 9]));
        assert_eq!(lock(&log).take(), Some(vec![]), "a take starts afresh");
        assert_eq!(lock(&log).noted(), 0);
    }

    #[test]
    fn generations_are_all_noted_or_not() {
        let mut changes = LeadChanges::default();
        changes.note_generation(5);
        changes.note_generation(6);
        assert!(changes.created_every_generation(4, 6));
        assert!(changes.created_every_generation(6, 6), "none created");
        assert!(
            !changes.created_every_generation(3, 6),
            "4 was someone else's"
        );
        assert!(!changes.created_every_generation(5, 7));
        assert!(
            !changes.created_every_generation(6, 5),
            "the file went back"
        );
        let mut other = LeadChanges::default();
        other.note_generation(7);
        other.note(42);
        changes.absorb(&mut other);
        assert!(changes.created_every_generation(4, 7));
        assert_eq!(changes.take(), Some(vec![42]));
        assert_eq!(
            other.take(),
            Some(vec![]),
            "absorbed notes leave the other empty"
        );
        assert!(!other.created_every_generation(6, 7));
        for generation in 100..100 + MOST_GENERATIONS_KEPT as i64 {
            changes.note_generation(generation);
        }
        assert!(
            !changes.created_every_generation(4, 7),
            "the oldest are forgotten"
        );
    }

    #[test]
    fn notes_after_a_mark_can_be_forgotten() {
        let (conn, log) = watched();
        conn.execute_batch("UPDATE leads SET name = 'x' WHERE id = 3;")
            .unwrap();
        let mark = lock(&log).noted();
        conn.execute_batch("UPDATE leads SET name = 'y';").unwrap();
        lock(&log).forget_since(mark);
        assert_eq!(lock(&log).take(), Some(vec![3]));
    }

    #[test]
    fn a_rolled_back_write_stays_noted() {
        let (conn, log) = watched();
        conn.execute_batch("BEGIN; UPDATE leads SET name = 'x' WHERE id = 3; ROLLBACK;")
            .unwrap();
        assert_eq!(lock(&log).take(), Some(vec![3]));
    }

    #[test]
    fn too_many_notes_say_so_instead_of_growing() {
        let mut changes = LeadChanges::default();
        for id in 0..=MOST_NOTES_KEPT as i64 {
            changes.note(id);
        }
        assert_eq!(changes.noted(), usize::MAX);
        assert!(changes.ids.capacity() == 0, "the ids were dropped");
        changes.forget_since(0);
        assert_eq!(
            changes.noted(),
            usize::MAX,
            "forgetting cannot bring back what was dropped"
        );
        assert_eq!(changes.take(), None);
        changes.note(5);
        assert_eq!(changes.take(), Some(vec![5]), "then it starts afresh");
    }
}
