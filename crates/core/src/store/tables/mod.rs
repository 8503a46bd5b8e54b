//! The data-access layer: the SQL of each table family, one module each.
//! Reads take `&Workspace`; writes take `&mut Workspace` or a transaction
//! (which only `Workspace::conn_mut` hands out), so every write bumps the
//! data generation and caches derived from the data are never stale.
//!
//! - [`leads`]: the `leads` table: counts and the one insert of a whole lead.
//! - [`events`]: the `events` table: counts, inserts, an import's events.
//! - [`custom_values`]: custom field values, `(field_id, lead_id, value)`.
//! - [`fields`]: the field catalogue's table.
//! - [`columns`]: bulk column reads for the segment index and the reference
//!   evaluator (lead columns, custom values, events).
//! - [`segments`]: saved segments, their rules as JSON, built-ins by key.
//! - [`hierarchies`]: hierarchies, each an ordered list of segment ids.
//! - [`scoring`]: lead scoring models, their definitions as JSON.
//! - [`scores`]: the lead score columns of `leads`, written in bulk.
//! - [`streams`]: nurture streams, their definitions as JSON.
//! - [`ice`]: ICE scores of segments and streams.
//! - [`goals`]: SMART goals of segments and streams.
//! - [`reviews`]: segment review cadences and recorded reviews.
//! - [`history`]: snapshots of saved segments' members.
//! - [`content`]: the content library's items and their tags.
//! - [`imports`]: the change history (imports and data-quality fixes), its
//!   undo records, and what later changes built on earlier ones.
//! - [`merges`]: the leads merge fixes merged away, kept for their undo.
//! - [`duplicates`]: duplicate detection's reads of the leads.
//! - [`quality`]: the data-quality report's reads.
//! - [`field_values`]: one field's distinct values, for normalisations.
//! - [`audit`]: the audit log.
//! - [`consent`]: consent statements per lead and channel (history).
//! - [`suppression`]: salted hashes of erased people's e-mail addresses.
//! - [`person`]: one person's rows for the access export (issue 15).
//! - [`erasure`]: erasing one lead's rows everywhere in one database, and
//!   retention's reads and anonymisation (issue 15).
//!
//! The `settings` table has its own typed module, `store::settings`. This
//! module also drops and rebuilds the secondary indexes of a family a big
//! import fills ([`defer_secondary_indexes`]).

pub mod audit;
pub mod backups;
pub mod columns;
pub mod consent;
pub mod content;
pub mod custom_values;
pub mod derived_cache;
pub mod duplicates;
pub mod erasure;
pub mod events;
pub mod field_values;
pub mod fields;
pub mod goals;
pub mod hierarchies;
pub mod history;
pub mod ice;
pub mod imports;
pub mod leads;
pub mod merges;
pub mod person;
pub mod quality;
pub mod reviews;
pub mod scores;
pub mod scoring;
pub mod segments;
pub mod streams;
pub mod suppression;

use rusqlite::{Connection, Statement, Transaction};

use crate::Result;

/// The number of rows of `table` (one of this layer's own table names).
fn count_rows(conn: &Connection, table: &str) -> Result<u64> {
    let count: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })?;
    Ok(count as u64)
}

/// The smallest and the largest `id` of `table` (one look-up of each end
/// of its key), or `None` when it has no rows.
fn id_bounds(conn: &Connection, table: &str) -> Result<Option<(i64, i64)>> {
    let bounds: (Option<i64>, Option<i64>) = conn.query_row(
        &format!("SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"),
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(match bounds {
        (Some(low), Some(high)) => Some((low, high)),
        _ => None,
    })
}

/// The table families a big import fills in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkFill {
    /// `leads` and `custom_values`.
    Leads,
    /// `events`.
    Events,
}

/// Secondary indexes dropped for a bulk fill, to be rebuilt before commit.
#[derive(Debug, Default)]
pub struct DeferredIndexes {
    /// (name, `CREATE` statement) of each dropped index.
    dropped: Vec<(&'static str, &'static str)>,
}

/// The page cache, in KiB, while deferred indexes are rebuilt. SQLite's
/// sorter cuts an index's keys into runs as large as the page cache, sorts
/// each and merges them from temporary files: runs of a few MiB are sorted
/// within the CPU's caches, and 10M events' index is rebuilt in about 4 s
/// instead of 10 s with 256 MiB runs and 15 s in one list in memory
/// (docs/benchmarks.md, "The index sorter").
const REBUILD_CACHE_KIB: i64 = 4 * 1024;

/// SQLite's helper threads for the rebuild's sorter: they sort and merge
/// runs while the main thread reads the table.
const REBUILD_SORTER_THREADS: i64 = 2;

impl DeferredIndexes {
    /// Whether the leads' unique identity indexes stay in place: only then
    /// can an import look a row's lead up in them
    /// (`import::apply::identities`).
    pub fn keeps_identity_indexes(&self) -> bool {
        !self
            .dropped
            .iter()
            .any(|(name, _)| IDENTITY_INDEXES.contains(name))
    }

    /// Recreates the dropped indexes, inside the same transaction. When the
    /// connection keeps temporary data in files (a plain workspace, see
    /// `Workspace::configure`), the sorter works in small runs with helper
    /// threads, and the connection's settings are put back afterwards, also
    /// when a rebuild fails. In memory (an encrypted workspace), SQLite
    /// sorts each index in one list and the settings would not matter.
    pub fn rebuild(self, tx: &Transaction<'_>) -> Result<()> {
        if self.dropped.is_empty() {
            return Ok(());
        }
        if !keeps_temporary_data_in_files(tx)? {
            return self.create_all(tx);
        }
        let cache_size: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let threads: i64 = tx.pragma_query_value(None, "threads", |r| r.get(0))?;
        tx.pragma_update(None, "cache_size", -REBUILD_CACHE_KIB)?;
        tx.pragma_update(None, "threads", REBUILD_SORTER_THREADS)?;
        let rebuilt = self.create_all(tx);
        let restored = tx
            .pragma_update(None, "cache_size", cache_size)
            .and_then(|()| tx.pragma_update(None, "threads", threads));
        rebuilt?;
        Ok(restored?)
    }

    fn create_all(&self, tx: &Transaction<'_>) -> Result<()> {
        for (_, create_sql) in &self.dropped {
            tx.execute(create_sql, [])?;
        }
        Ok(())
    }
}

/// `PRAGMA temp_store`'s answer when temporary data goes to files.
const TEMP_STORE_FILE: i64 = 1;

/// Whether `conn` keeps temporary data in files: a plain workspace's
/// connection does, an encrypted one's keeps it in memory so that nothing
/// of it reaches a file in clear (`Workspace::configure`). Code that would
/// put rows in a temporary file of its own follows the same rule.
pub fn keeps_temporary_data_in_files(conn: &Connection) -> Result<bool> {
    let temp_store: i64 = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
    Ok(temp_store == TEMP_STORE_FILE)
}

/// The leads' unique identity indexes: by e-mail key and by external id.
const IDENTITY_INDEXES: [&str; 2] = ["leads_external_id", "leads_email_key"];

/// The secondary indexes of the tables an import fills, by the family that
/// is filled, exactly as the migrations create them. The leads' identity
/// indexes are among them: an import that drops them finds leads by
/// identity in maps of its own (`import::apply::identities`), which then
/// hold every lead, and creating a unique index checks every key, so a
/// duplicate would fail the import whole.
/// Only these are ever dropped and rebuilt, from this text: SQL and names
/// read from a workspace file are never executed (a crafted file could carry
/// any statement in them). Other indexes stay and are kept up row by row.
const SECONDARY_INDEXES: &[(BulkFill, &str, &str)] = &[
    (
        BulkFill::Leads,
        "leads_external_id",
        "CREATE UNIQUE INDEX leads_external_id ON leads (external_id)",
    ),
    (
        BulkFill::Leads,
        "leads_email_key",
        "CREATE UNIQUE INDEX leads_email_key ON leads (email_key)",
    ),
    (
        BulkFill::Leads,
        "leads_last_name",
        "CREATE INDEX leads_last_name ON leads (last_name)",
    ),
    (
        BulkFill::Leads,
        "leads_company",
        "CREATE INDEX leads_company ON leads (company)",
    ),
    (
        BulkFill::Leads,
        "leads_created_at",
        "CREATE INDEX leads_created_at ON leads (created_at)",
    ),
    (
        BulkFill::Leads,
        "custom_values_lead",
        "CREATE INDEX custom_values_lead ON custom_values (lead_id)",
    ),
    (
        BulkFill::Events,
        "events_lead_time",
        "CREATE INDEX events_lead_time ON events (lead_id, occurred_at)",
    ),
];

/// For a big import, drops the secondary indexes of the tables it fills
/// and returns them, to be rebuilt (one sort each) before commit.
/// All of it is inside the import's transaction, so a cancel or an error
/// puts them back untouched.
pub fn defer_secondary_indexes(tx: &Transaction<'_>, filled: BulkFill) -> Result<DeferredIndexes> {
    let mut deferred = DeferredIndexes::default();
    for (family, name, create_sql) in SECONDARY_INDEXES {
        if *family != filled {
            continue;
        }
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if exists {
            // `name` is one of the constants above, never text from the file.
            tx.execute(&format!("DROP INDEX {name}"), [])?;
            deferred.dropped.push((*name, *create_sql));
        }
    }
    Ok(deferred)
}

/// About how many rows the main table of `filled` holds (`leads` or
/// `events`): the span of its ids, read from the two ends of its rowid
/// B-tree instead of counting. Deleted rows leave gaps, so it may say more.
pub fn rows_held_about(tx: &Transaction<'_>, filled: BulkFill) -> Result<u64> {
    let table = match filled {
        BulkFill::Leads => "leads",
        BulkFill::Events => "events",
    };
    let span: i64 = tx.query_row(
        &format!("SELECT coalesce(max(id) - min(id) + 1, 0) FROM {table}"),
        [],
        |row| row.get(0),
    )?;
    Ok(span.max(0) as u64)
}

/// Rows per statement of a [`MultiRowInsert`].
pub const ROWS_PER_INSERT: usize = 128;

/// One INSERT prepared for one row and for [`ROWS_PER_INSERT`] rows, so a
/// bulk write (an import's new leads, custom values, consent statements,
/// events) pays each statement's own cost (binding, stepping, ending it)
/// once for many rows.
pub struct MultiRowInsert<'tx> {
    one: Statement<'tx>,
    many: Statement<'tx>,
    columns: usize,
}

impl<'tx> MultiRowInsert<'tx> {
    /// `into` is `table (column, …)` naming `columns` columns. Every
    /// statement is `INSERT OR FAIL`: that spares SQLite a statement journal
    /// for each multi-row statement (with the default `ABORT` it copies each
    /// page the statement touches that it may have to restore, to undo the
    /// rows before a failing one); the rows before a failure stay, which
    /// changes nothing for a bulk write whose transaction any error rolls
    /// back.
    pub fn new(tx: &'tx Transaction<'tx>, into: &str, columns: usize) -> Result<Self> {
        let insert = format!("INSERT OR FAIL INTO {into}");
        let row = format!("({})", vec!["?"; columns].join(", "));
        let one = tx.prepare(&format!("{insert} VALUES {row}"))?;
        let many = tx.prepare(&format!(
            "{insert} VALUES {}",
            vec![row.as_str(); ROWS_PER_INSERT].join(", ")
        ))?;
        Ok(MultiRowInsert { one, many, columns })
    }

    /// Writes `rows` in order; `bind(statement, first, row)` binds one
    /// row's values to the parameters from `first + 1` on.
    pub fn write<R>(
        &mut self,
        rows: &[R],
        bind: impl Fn(&mut Statement<'tx>, usize, &R) -> Result<()>,
    ) -> Result<()> {
        let mut chunks = rows.chunks_exact(ROWS_PER_INSERT);
        for chunk in &mut chunks {
            for (index, row) in chunk.iter().enumerate() {
                bind(&mut self.many, index * self.columns, row)?;
            }
            self.many.raw_execute()?;
        }
        for row in chunks.remainder() {
            bind(&mut self.one, 0, row)?;
            self.one.raw_execute()?;
        }
        Ok(())
    }
}

/// Turns SQLite's foreign-key enforcement on or off for `conn` (outside any
/// transaction: inside one SQLite ignores the change); returns whether it
/// was on. An import writes only rows whose parents it has just read or
/// written in its own transaction, so it writes them without the per-row
/// parent look-ups (docs/decisions.md, "Speed (issue 16)").
pub fn set_foreign_keys(conn: &Connection, on: bool) -> Result<bool> {
    let was_on: bool = conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", on)?;
    Ok(was_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn index_names(ws: &Workspace) -> Vec<String> {
        index_names_in(ws.conn())
    }

    #[test]
    fn rows_held_are_the_span_of_the_ids() {
        let mut ws = Workspace::in_memory().unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        assert_eq!(rows_held_about(&tx, BulkFill::Leads).unwrap(), 0);
        assert_eq!(rows_held_about(&tx, BulkFill::Events).unwrap(), 0);
        for id in [5, 6, 9] {
            tx.execute(
                "INSERT INTO leads (id, created_at, updated_at) VALUES (?1, 0, 0)",
                [id],
            )
            .unwrap();
        }
        assert_eq!(rows_held_about(&tx, BulkFill::Leads).unwrap(), 5);
    }

    #[test]
    fn deferred_indexes_come_back_on_commit_and_on_rollback() {
        let mut ws = Workspace::in_memory().unwrap();
        let before = index_names(&ws);
        {
            let tx = ws.conn_mut().unwrap().transaction().unwrap();
            let deferred = defer_secondary_indexes(&tx, BulkFill::Leads).unwrap();
            assert_eq!(deferred.dropped.len(), 6);
            assert!(!deferred.keeps_identity_indexes());
            for dropped in ["leads_last_name", "leads_email_key", "leads_external_id"] {
                assert!(
                    !index_names_in(&tx).contains(&dropped.to_owned()),
                    "{dropped} dropped for the import"
                );
            }
            // Dropped and not restored: a rollback must bring them back.
        }
        assert_eq!(index_names(&ws), before);
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        let deferred = defer_secondary_indexes(&tx, BulkFill::Events).unwrap();
        assert_eq!(deferred.dropped.len(), 1);
        assert!(deferred.keeps_identity_indexes());
        deferred.rebuild(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(index_names(&ws), before);
    }

    fn pragma(conn: &rusqlite::Connection, name: &str) -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0)).unwrap()
    }

    /// The rebuild sorts with its own cache size and helper threads, and
    /// gives the connection its settings back; a temporary table already
    /// open on the connection (an erasure stages ids in one) is no
    /// obstacle: temporary storage is chosen when the connection opens,
    /// never inside the import's transaction.
    #[test]
    fn a_rebuild_puts_the_connections_settings_back_beside_a_temporary_table() {
        let mut ws = Workspace::in_memory().unwrap();
        let conn = ws.conn_mut().unwrap();
        conn.execute_batch("CREATE TEMP TABLE staged (id INTEGER PRIMARY KEY)")
            .unwrap();
        assert_eq!(pragma(conn, "temp_store"), TEMP_STORE_FILE);
        let settings = |conn: &rusqlite::Connection| {
            ["cache_size", "threads", "temp_store"].map(|name| pragma(conn, name))
        };
        let before = settings(conn);
        let tx = conn.transaction().unwrap();
        for filled in [BulkFill::Leads, BulkFill::Events] {
            let deferred = defer_secondary_indexes(&tx, filled).unwrap();
            assert!(!deferred.dropped.is_empty());
            if filled == BulkFill::Leads {
                assert!(deferred
                    .dropped
                    .iter()
                    .any(|(_, sql)| sql.contains("UNIQUE")));
            }
            deferred.rebuild(&tx).unwrap();
        }
        assert_eq!(settings(&tx), before);
        tx.commit().unwrap();
        assert_eq!(index_names(&ws).len(), {
            let fresh = Workspace::in_memory().unwrap();
            index_names(&fresh).len()
        });
    }

    fn index_names_in(conn: &rusqlite::Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|n| n.unwrap())
            .collect()
    }

    /// The indexes an import rebuilds are the schema's own, statement for
    /// statement, so rebuilding changes nothing.
    #[test]
    fn secondary_indexes_are_the_schema_indexes() {
        let ws = Workspace::in_memory().unwrap();
        for (kind, name, create_sql) in SECONDARY_INDEXES {
            let (table, sql): (String, String) = ws
                .conn()
                .query_row(
                    "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap_or_else(|e| panic!("index {name} is in the schema: {e}"));
            let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squeeze(&sql), squeeze(create_sql), "{name}");
            let tables: &[&str] = match kind {
                BulkFill::Leads => &["leads", "custom_values"],
                BulkFill::Events => &["events"],
            };
            assert!(tables.contains(&table.as_str()), "{name} is on {table}");
        }
    }
}
