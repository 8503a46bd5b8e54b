//! The data-access layer: the SQL of each table family, one module each.
//! Reads take `&Workspace`; writes take `&mut Workspace` or a transaction
//! (which only `Workspace::conn_mut` hands out), so every write bumps the
//! data generation and caches derived from the data are never stale.
//!
//! - [`leads`]: the `leads` table: counts and the one insert of a whole lead.
//! - [`events`]: the `events` table: counts, inserts, an import's events.
//! - [`custom_values`]: custom field values, `(field_id, lead_id, value)`.
//! - [`fields`]: the field catalogue's table.
//! - [`imports`]: the import history, its undo records, and what later
//!   imports built on earlier ones.
//! - [`audit`]: the audit log.
//!
//! The `settings` table has its own typed module, `store::settings`.

pub mod audit;
pub mod custom_values;
pub mod events;
pub mod fields;
pub mod imports;
pub mod leads;

use rusqlite::Connection;

use crate::Result;

/// The number of rows of `table` (one of this layer's own table names).
fn count_rows(conn: &Connection, table: &str) -> Result<u64> {
    let count: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })?;
    Ok(count as u64)
}
