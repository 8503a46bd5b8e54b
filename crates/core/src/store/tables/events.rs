//! The `events` table: what leads did, `(lead_id, type, occurred_at,
//! properties)` with properties a JSON object.

use rusqlite::{params, Statement, Transaction};

use super::{MultiRowInsert, ROWS_PER_INSERT};
use crate::store::appended_events::Recorder;
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

/// How many events of one type a property-values query reads at most: the
/// suggestions come from a bounded sample, so a 10M-event file answers fast.
pub const PROPERTY_VALUES_SAMPLE: u32 = 200_000;

/// The distinct values of property `property` on events whose raw type is one
/// of `raw_types`, most frequent first (ties by value), at most `limit`,
/// counted over the first [`PROPERTY_VALUES_SAMPLE`] such events. Objects,
/// arrays, nulls and empty text are left out.
pub fn property_values(
    workspace: &Workspace,
    raw_types: &[String],
    property: &str,
    limit: u32,
) -> Result<Vec<(String, u64)>> {
    if raw_types.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..raw_types.len())
        .map(|i| format!("?{}", i + 4))
        .collect();
    let sql = format!(
        "SELECT CAST(k.value AS TEXT) AS v, count(*) AS n
         FROM (SELECT properties FROM events WHERE type IN ({}) LIMIT ?2) e, json_each(e.properties) k
         WHERE k.key = ?1 AND k.type NOT IN ('object', 'array', 'null') AND trim(CAST(k.value AS TEXT)) <> ''
         GROUP BY v ORDER BY n DESC, v LIMIT ?3",
        placeholders.join(", ")
    );
    let mut statement = workspace.conn().prepare(&sql)?;
    let mut params: Vec<rusqlite::types::Value> = vec![
        property.to_owned().into(),
        i64::from(PROPERTY_VALUES_SAMPLE).into(),
        i64::from(limit).into(),
    ];
    params.extend(raw_types.iter().map(|t| t.clone().into()));
    let values = statement
        .query_map(rusqlite::params_from_iter(params), |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(values)
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

/// An event an import adds.
#[derive(Debug, Clone)]
pub struct ImportedEvent {
    pub lead_id: i64,
    pub event_type: String,
    /// Seconds since the epoch (UTC).
    pub occurred_at: i64,
    /// A JSON object, as text.
    pub properties: String,
}

/// Inserts the events an import adds, tagged with the import, in order,
/// [`ROWS_PER_INSERT`] per statement ([`MultiRowInsert`]). The texts of the
/// events written go to the caller's `spent`, for the thread that allocated
/// them to free (a free from another thread costs that thread's allocator a
/// collection later).
/// [`ImportedEventInserter::flush`] writes the rest.
pub struct ImportedEventInserter<'tx> {
    rows: MultiRowInsert<'tx>,
    import_id: i64,
    pending: Vec<ImportedEvent>,
    /// Notes what is inserted, for the segment index after the commit.
    recorder: Option<Recorder>,
}

impl<'tx> ImportedEventInserter<'tx> {
    /// With `record`, it also notes each event it inserts
    /// ([`ImportedEventInserter::take_recorder`]).
    pub fn new(tx: &'tx Transaction<'tx>, import_id: i64, record: bool) -> Result<Self> {
        let into = "events (lead_id, type, occurred_at, properties, import_id)";
        Ok(ImportedEventInserter {
            rows: MultiRowInsert::new(tx, into, 5)?,
            import_id,
            pending: Vec::with_capacity(ROWS_PER_INSERT),
            recorder: if record {
                Some(Recorder::start(tx)?)
            } else {
                None
            },
        })
    }

    /// What it noted of the events it inserted, when it was asked to
    /// record them, to seal inside the transaction once it is flushed.
    pub(crate) fn take_recorder(&mut self) -> Option<Recorder> {
        self.recorder.take()
    }

    /// Adds one event (written by this call or a later one).
    pub fn insert(&mut self, event: ImportedEvent, spent: &mut Vec<String>) -> Result<()> {
        if let Some(recorder) = &mut self.recorder {
            recorder.note(&event.event_type, event.lead_id, event.occurred_at);
        }
        self.pending.push(event);
        if self.pending.len() == ROWS_PER_INSERT {
            self.flush(spent)?;
        }
        Ok(())
    }

    /// Writes the events not written yet.
    pub fn flush(&mut self, spent: &mut Vec<String>) -> Result<()> {
        let import_id = self.import_id;
        self.rows.write(&self.pending, |statement, first, event| {
            statement.raw_bind_parameter(first + 1, event.lead_id)?;
            statement.raw_bind_parameter(first + 2, event.event_type.as_str())?;
            statement.raw_bind_parameter(first + 3, event.occurred_at)?;
            statement.raw_bind_parameter(first + 4, event.properties.as_str())?;
            statement.raw_bind_parameter(first + 5, import_id)?;
            Ok(())
        })?;
        for event in self.pending.drain(..) {
            spent.push(event.event_type);
            spent.push(event.properties);
        }
        Ok(())
    }
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
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
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

    #[test]
    fn property_values_come_most_frequent_first_and_bounded() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        tx.execute(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
            [],
        )
        .unwrap();
        let mut events = EventInserter::new(&tx).unwrap();
        for properties in [
            r#"{"asset":"whitepaper"}"#,
            r#"{"asset":"ebook"}"#,
            r#"{"asset":"whitepaper"}"#,
            r#"{"asset":""}"#,
            r#"{"asset":{"nested":1}}"#,
            r#"{"other":"x"}"#,
            r#"{"asset":3}"#,
        ] {
            events.insert(1, "download", 10, properties).unwrap();
        }
        events
            .insert(1, "page_view", 10, r#"{"asset":"nope"}"#)
            .unwrap();
        drop(events);
        tx.commit().unwrap();
        let types = ["download".to_owned()];
        let values = property_values(&workspace, &types, "asset", 10).unwrap();
        assert_eq!(
            values,
            [
                ("whitepaper".to_owned(), 2),
                ("3".to_owned(), 1),
                ("ebook".to_owned(), 1)
            ]
        );
        assert_eq!(
            property_values(&workspace, &types, "asset", 1)
                .unwrap()
                .len(),
            1
        );
        assert!(property_values(&workspace, &[], "asset", 10)
            .unwrap()
            .is_empty());
    }
}
