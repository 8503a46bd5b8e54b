//! The write connections of a workspace and what each keeps of the derived
//! parts in the file's cache: [`Workspace::conn_mut`] empties it; the others
//! keep what the layers above name as still true after their kind of write
//! (definitions, settings, events, a leads import, a few rewritten leads),
//! and the hand-over of the events a write appended.

use rusqlite::Connection;

use super::{appended_events, lead_changes, tables, Workspace};
use crate::Result;

/// How a layer names the derived parts of its own that a kind of write keeps.
pub(crate) type PartNamer = fn(&str) -> bool;

/// How a layer carries its derived parts across a write that rewrote the
/// leads given ([`Workspace::keep_across_lead_row_writes`]).
pub(crate) type LeadRowsCarrier = fn(&rusqlite::Transaction<'_>, &[i64], OldValues) -> Result<()>;

/// What a carried part may keep of the rewritten leads' values as they
/// were before the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OldValues {
    /// A merge, an undo: a carried dictionary may keep the display
    /// spelling a rewritten lead gave a value other leads share, until the
    /// next build (counts and members never depend on it).
    MayStay,
    /// An erasure, a retention run: nothing of those leads' old values may
    /// stay in the file; a part that could keep one is deleted instead.
    MustGo,
}

/// What a write through [`Workspace::conn_mut_for_lead_rows`] owes the
/// parts it kept: carrying them across before it commits.
#[must_use = "a write that kept derived parts must carry them before it commits"]
pub(crate) struct CarryAcrossLeadRows {
    carriers: Vec<LeadRowsCarrier>,
}

impl CarryAcrossLeadRows {
    /// Carries every kept part across the write in `tx`, which rewrote the
    /// leads `rewritten` (any order; those it deleted and inserted too).
    pub(crate) fn carry(self, tx: &rusqlite::Transaction<'_>, rewritten: &[i64]) -> Result<()> {
        self.carry_keeping(tx, rewritten, OldValues::MayStay)
    }

    /// [`CarryAcrossLeadRows::carry`] for a write that must leave nothing
    /// of the rewritten leads' old values in the file (an erasure, a
    /// retention run): what could keep one is deleted.
    pub(crate) fn carry_forgetting(
        self,
        tx: &rusqlite::Transaction<'_>,
        rewritten: &[i64],
    ) -> Result<()> {
        self.carry_keeping(tx, rewritten, OldValues::MustGo)
    }

    fn carry_keeping(
        self,
        tx: &rusqlite::Transaction<'_>,
        rewritten: &[i64],
        old_values: OldValues,
    ) -> Result<()> {
        for carry in self.carriers {
            carry(tx, rewritten, old_values)?;
        }
        Ok(())
    }
}

impl Workspace {
    /// The connection for writing (transactions). Taking it counts as a
    /// change of the data, so caches built from it (the segment index) are
    /// rebuilt on their next use.
    ///
    /// It also empties the cache of derived data kept in the file and bumps
    /// its generation (`tables::derived_cache::invalidate`), before the caller
    /// writes, so no process loads a cached part built from older data. If
    /// that fails (a file another process kept busy past the timeout, or a
    /// read-only one), so does this, and the caller writes nothing: a write
    /// that went through once the file was free again would leave the old
    /// parts in the file under a generation that did not move.
    pub fn conn_mut(&mut self) -> Result<&mut Connection> {
        self.forget_appended_events();
        self.data_generation += 1;
        let generation = tables::derived_cache::invalidate(&self.conn)?;
        lead_changes::lock(&self.lead_changes).note_generation(generation);
        Ok(&mut self.conn)
    }

    /// The connection for writing the definitions a marketer edits and
    /// nothing else: saved segments, streams, content, hierarchies, scoring models, ICE
    /// scores, goals and reviews (with the settings and audit entries such a
    /// write carries). Nothing derived from the data reads those tables: the
    /// segment index, the quick search's keys and the field completeness are
    /// built from leads, events, custom values and the field catalogue, and
    /// a rule tree is compiled afresh at each evaluation. So unlike
    /// [`Workspace::conn_mut`] this keeps the write generation and the
    /// derived cache, and saving a segment at 1M leads no longer costs the
    /// next count a rebuild of the index from SQL (the segment list after a
    /// save: 10.6 s, against 0.34 s before it).
    pub(crate) fn conn_mut_for_definitions(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The connection for a write of settings and audit entries alone: a
    /// setting changed (the planner's caps and windows, the backups to keep,
    /// the welcome dismissed, the time of the last score run), an export,
    /// an access export or a backup noted in the log. No derived part reads
    /// the settings or the audit log (the segment index, the quick search's
    /// keys and the field completeness are built from leads, events, custom
    /// values and the field catalogue), so, as
    /// [`Workspace::conn_mut_for_definitions`], this keeps the write
    /// generation and the derived cache: changing the planner's send window,
    /// exporting a plan or taking a backup no longer costs the next count a
    /// rebuild of the segment index from SQL.
    pub(crate) fn conn_mut_for_settings_and_audit(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// [`Workspace::conn_mut`] for a write that changes nothing the derived
    /// parts for which `survives` holds were built from: those stay in the
    /// file's cache for the new generation instead of being rebuilt from SQL
    /// by the next reader (a score write keeps the segment index's events
    /// and other columns, `tables::derived_cache::invalidate_except`).
    pub(crate) fn conn_mut_keeping(
        &mut self,
        survives: impl Fn(&str) -> bool,
    ) -> Result<&mut Connection> {
        self.forget_appended_events();
        self.data_generation += 1;
        // As in `conn_mut`: no write without the bump.
        let generation = tables::derived_cache::invalidate_except(&self.conn, survives)?;
        lead_changes::lock(&self.lead_changes).note_generation(generation);
        Ok(&mut self.conn)
    }

    /// Declares, for a layer above, which of its derived parts read no
    /// events: a write of events alone ([`Workspace::conn_mut_for_events`])
    /// keeps them. Each layer names its own, so a part nobody names (a
    /// later version's) is deleted, never kept by mistake.
    pub(crate) fn keep_across_event_writes(&mut self, reads_no_events: fn(&str) -> bool) {
        self.kept_across_event_writes.push(reads_no_events);
    }

    /// Declares, for a layer above, which of its derived parts stay true
    /// after a write that adds leads after every existing one and writes the
    /// fields it names, of new and existing leads, and nothing else
    /// ([`Workspace::conn_mut_for_leads`]). Such a part covers only the leads
    /// there were when it was built: its reader must take every lead past
    /// them as having no value in it (and no event). A part nobody names is
    /// deleted.
    pub(crate) fn keep_across_lead_writes(&mut self, survives: fn(&str, &[&str]) -> bool) {
        self.kept_across_lead_writes.push(survives);
    }

    /// Registers, for a layer above, work to do when the workspace closes
    /// (it is dropped), before its connection closes: storing in the file
    /// what it derived and has not stored yet, so that the next process
    /// loads it instead of building it again. A closer must not fail or
    /// wait long: it runs as a window closes or another workspace opens.
    pub(crate) fn on_close(&mut self, closer: fn(&Workspace)) {
        self.closers.push(closer);
    }

    /// [`Workspace::conn_mut`] for a write of events and nothing else (an
    /// events import that creates no lead and no field): the derived parts
    /// that read no events (the segment index's lead ids and field columns,
    /// the quick search's keys) stay in the file's cache for the new
    /// generation. A write that turns out to change more must empty the
    /// cache inside its own transaction (`tables::derived_cache::invalidate`).
    pub(crate) fn conn_mut_for_events(&mut self) -> Result<&mut Connection> {
        let kept = self.kept_across_event_writes.clone();
        self.conn_mut_keeping(move |part| kept.iter().any(|reads_no_events| reads_no_events(part)))
    }

    /// [`Workspace::conn_mut`] for a leads import: a write that adds leads,
    /// each with an id above every existing lead's (the next free ids), and
    /// writes the fields `written` of new and existing leads, and nothing
    /// else a derived part reads (no event, no deletion). The parts the layers
    /// above keep across such a write
    /// ([`Workspace::keep_across_lead_writes`]) stay in the file's cache for
    /// the new generation: the columns of the other fields and the events,
    /// which then cover the leads that were there before, and the new leads
    /// have no value in them. A write that turns out to change more must
    /// empty the cache inside its own transaction
    /// (`tables::derived_cache::invalidate`). The quick search's stored keys
    /// are kept too: before it commits, the write must note the leads it
    /// changed beside them (`leads::carry_search_keys_across`, with
    /// [`Workspace::lead_changes_after`]).
    pub(crate) fn conn_mut_for_leads(&mut self, written: &[&str]) -> Result<&mut Connection> {
        let survives = self.survives_lead_writes();
        self.conn_mut_keeping(move |part| survives(part, written))
    }

    /// Declares, for a layer above, which of its derived parts it can carry
    /// across a write that rewrote the rows of a few known leads (inserted,
    /// updated or deleted, with their events and values), and how:
    /// `carry(tx, rewritten)` rewrites or deletes them inside the write's
    /// transaction ([`Workspace::conn_mut_for_lead_rows`]). A part nobody
    /// names is deleted.
    pub(crate) fn keep_across_lead_row_writes(
        &mut self,
        survives: PartNamer,
        carry: LeadRowsCarrier,
    ) {
        self.kept_across_lead_row_writes.push((survives, carry));
    }

    /// [`Workspace::conn_mut`] for a write that rewrites the rows of a few
    /// leads it knows (a merge deletes the merged leads and moves their
    /// events to the survivor; its undo gives them back): the derived parts
    /// the layers above can carry across such a write
    /// ([`Workspace::keep_across_lead_row_writes`]) stay in the file's cache
    /// for the new generation, and the write must carry them, with every
    /// lead it rewrote, inside its transaction before it commits
    /// ([`CarryAcrossLeadRows::carry`]). If it fails before, nothing is
    /// written and the kept parts are true of the data as it stays.
    pub(crate) fn conn_mut_for_lead_rows(
        &mut self,
    ) -> Result<(&mut Connection, CarryAcrossLeadRows)> {
        self.conn_mut_carrying_lead_rows(|_| true)
    }

    /// [`Workspace::conn_mut_for_lead_rows`] for a write that also deletes
    /// events of leads it does not know (the undo of an events import:
    /// naming them would take a second scan of every event). Only the parts
    /// that are both carried across lead rows and read no events
    /// ([`Workspace::keep_across_event_writes`]) stay: the segment index's
    /// lead ids and field columns, the quick search's keys. The write
    /// carries them with the leads whose rows it rewrote (none when it
    /// deleted only events); the event parts are built again by their next
    /// reader.
    pub(crate) fn conn_mut_for_lead_rows_and_events(
        &mut self,
    ) -> Result<(&mut Connection, CarryAcrossLeadRows)> {
        let read_no_events = self.kept_across_event_writes.clone();
        self.conn_mut_carrying_lead_rows(move |part| {
            read_no_events
                .iter()
                .any(|reads_no_events| reads_no_events(part))
        })
    }

    /// The connection of a write through `conn_mut_for_lead_rows*`: it
    /// keeps the parts the layers above carry across lead rows for which
    /// `also` holds, and the carriers it owes them.
    fn conn_mut_carrying_lead_rows(
        &mut self,
        also: impl Fn(&str) -> bool,
    ) -> Result<(&mut Connection, CarryAcrossLeadRows)> {
        let kept = self.kept_across_lead_row_writes.clone();
        let carry = CarryAcrossLeadRows {
            carriers: kept.iter().map(|(_, carry)| *carry).collect(),
        };
        let conn = self.conn_mut_keeping(move |part| {
            kept.iter().any(|(survives, _)| survives(part)) && also(part)
        })?;
        Ok((conn, carry))
    }

    /// Whether a derived part stays true across a write that adds leads
    /// after every existing one and writes the fields named
    /// ([`Workspace::keep_across_lead_writes`]): for a write that learns it
    /// added leads only inside its transaction (an events import that
    /// created leads, `tables::derived_cache::invalidate_except_in`).
    pub(crate) fn survives_lead_writes(&self) -> impl Fn(&str, &[&str]) -> bool + 'static {
        let kept = self.kept_across_lead_writes.clone();
        move |part, written| kept.iter().any(|survives| survives(part, written))
    }

    /// Keeps what the write just committed appended to the events
    /// (`appended_events`), for [`Workspace::take_appended_events`].
    pub(crate) fn hand_over_appended_events(&self, appended: appended_events::AppendedEvents) {
        *self.appended_events_slot() = Some(appended);
    }

    /// The events the last write appended, once, while the data is still
    /// what that write left (no write since, by any connection); `None`
    /// otherwise, and the record is dropped either way.
    pub(crate) fn take_appended_events(&self) -> Option<appended_events::AppendedEvents> {
        self.appended_events_slot()
            .take()
            .filter(|appended| appended.is_current(&self.conn))
    }

    fn forget_appended_events(&self) {
        *self.appended_events_slot() = None;
    }

    fn appended_events_slot(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<appended_events::AppendedEvents>> {
        self.appended_events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The connection for a transaction that is always rolled back (an
    /// import's dry run): nothing it writes is ever seen, so the write
    /// generation and the derived cache stay as they are.
    pub(crate) fn conn_mut_rolled_back(&mut self) -> &mut Connection {
        &mut self.conn
    }
}
