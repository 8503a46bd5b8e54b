//! The data-access layer: the SQL of each table family, one module each.
//! Reads take `&Workspace`; writes take `&mut Workspace` or a transaction
//! (which only `Workspace::conn_mut` hands out), so every write bumps the
//! data generation and caches derived from the data are never stale.
//!
//! - [`leads`]: the `leads` table: counts and the one insert of a whole lead.
//! - [`events`]: the `events` table: counts and inserts.
//! - [`custom_values`]: custom field values, `(field_id, lead_id, value)`.
//! - [`fields`]: the field catalogue's table.
//! - [`columns`]: bulk column reads for the segment index and the reference
//!   evaluator (lead columns, custom values, events).
//! - [`segments`]: saved segments, their rules as JSON, built-ins by key.
//! - [`streams`]: nurture streams, their definitions as JSON.
//! - [`content`]: the content library's items and their tags.
//!
//! The `settings` table has its own typed module, `store::settings`.

pub mod columns;
pub mod content;
pub mod custom_values;
pub mod events;
pub mod fields;
pub mod leads;
pub mod segments;
pub mod streams;

use rusqlite::Connection;

use crate::Result;

/// The number of rows of `table` (one of this layer's own table names).
fn count_rows(conn: &Connection, table: &str) -> Result<u64> {
    let count: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })?;
    Ok(count as u64)
}
