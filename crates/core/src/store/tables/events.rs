//! The `events` table: what leads did, `(lead_id, type, occurred_at,
//! properties)` with properties a JSON object.

use rusqlite::{params, Statement, Transaction};

use crate::{Result, Workspace};

/// How many events the workspace holds. On a cold 10M-event file this
/// reads hundreds of megabytes.
pub fn count(workspace: &Workspace) -> Result<u64> {
    super::count_rows(workspace.conn(), "events")
}

/// How many events one lead has.
pub fn count_of_lead(workspace: &Workspace, lead_id: i64) -> Result<u64> {
    let count: i64 = workspace.conn().query_row(
        "SELECT count(*) FROM events WHERE lead_id = ?1",
        [lead_id],
        |row| row.get(0),
    )?;
    Ok(count as u64)
}

/// One stored event, as the table holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub event_type: String,
    /// Seconds since the epoch (UTC).
    pub occurred_at: i64,
    /// A JSON object, as text.
    pub properties: String,
}

/// The latest `limit` events of one lead, newest first.
pub fn latest_of_lead(workspace: &Workspace, lead_id: i64, limit: u32) -> Result<Vec<StoredEvent>> {
    let mut statement = workspace.conn().prepare_cached(
        "SELECT id, type, occurred_at, properties FROM events WHERE lead_id = ?1
         ORDER BY occurred_at DESC, id DESC LIMIT ?2",
    )?;
    let events = statement
        .query_map((lead_id, limit), |row| {
            Ok(StoredEvent {
                id: row.get(0)?,
                event_type: row.get(1)?,
                occurred_at: row.get(2)?,
                properties: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(events)
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

/// An event an import adds, tagged with the import.
#[derive(Debug, Clone, Copy)]
pub struct ImportedEvent<'a> {
    pub lead_id: i64,
    pub event_type: &'a str,
    /// Seconds since the epoch (UTC).
    pub occurred_at: i64,
    /// A JSON object, as text.
    pub properties: &'a str,
    pub import_id: i64,
}

/// Inserts one event an import adds (the statement is prepared once per
/// transaction).
pub fn insert_imported(tx: &Transaction<'_>, event: &ImportedEvent<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO events (lead_id, type, occurred_at, properties, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        event.lead_id,
        event.event_type,
        event.occurred_at,
        event.properties,
        event.import_id
    ])?;
    Ok(())
}

/// Deletes the events import `import_id` added; returns how many.
pub fn delete_imported(tx: &Transaction<'_>, import_id: i64) -> Result<u64> {
    Ok(tx.execute("DELETE FROM events WHERE import_id = ?1", [import_id])? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leads_latest_events_come_newest_first() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().transaction().unwrap();
        tx.execute(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
            [],
        )
        .unwrap();
        let mut events = EventInserter::new(&tx).unwrap();
        for at in [10, 30, 20] {
            events.insert(1, "page_view", at, "{}").unwrap();
        }
        drop(events);
        tx.commit().unwrap();
        assert_eq!(count(&workspace).unwrap(), 3);
        assert_eq!(count_of_lead(&workspace, 1).unwrap(), 3);
        let latest = latest_of_lead(&workspace, 1, 2).unwrap();
        let times: Vec<i64> = latest.iter().map(|e| e.occurred_at).collect();
        assert_eq!(times, [30, 20]);
    }
}
