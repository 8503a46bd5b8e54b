//! The `events` table: what leads did, `(lead_id, type, occurred_at,
//! properties)` with properties a JSON object.

use rusqlite::{params, Statement, Transaction};

use crate::{Result, Workspace};

/// How many events the workspace holds. On a cold 10M-event file this
/// reads hundreds of megabytes.
pub fn count(workspace: &Workspace) -> Result<u64> {
    super::count_rows(workspace.conn(), "events")
}

/// Inserts events inside one transaction, with one prepared statement.
pub struct EventInserter<'tx> {
    statement: Statement<'tx>,
}

impl<'tx> EventInserter<'tx> {
    pub fn new(tx: &'tx Transaction<'_>) -> Result<Self> {
        let statement = tx.prepare(
            "INSERT INTO events (lead_id, type, occurred_at, properties) VALUES (?1, ?2, ?3, ?4)",
        )?;
        Ok(EventInserter { statement })
    }

    /// Inserts one event of `lead_id`; `properties` is JSON text.
    pub fn insert(
        &mut self,
        lead_id: i64,
        event_type: &str,
        occurred_at: i64,
        properties: &str,
    ) -> Result<()> {
        self.statement
            .execute(params![lead_id, event_type, occurred_at, properties])?;
        Ok(())
    }
}
