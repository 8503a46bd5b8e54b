//! The import family's own tables: `imports` (one row per import: its kind,
//! file, times, mapping and counts), `import_changes` (the values an import
//! overwrote, for its undo) and the scratch table `temp.import_touched` (the
//! existing leads a running import already changed). The queries that ask
//! what later imports built on an earlier one live here too.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::{Result, Workspace};

/// A new import, as it starts: its kind's serde name, the file's name, the
/// start time (seconds since the epoch) and its spec as JSON text.
#[derive(Debug, Clone, Copy)]
pub struct NewImport<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub started_at: i64,
    pub mapping: &'a str,
}

/// Records an import as started; returns its id.
pub fn begin(tx: &Transaction<'_>, new: &NewImport<'_>) -> Result<i64> {
    tx.execute(
        "INSERT INTO imports (kind, file_name, started_at, mapping) VALUES (?1, ?2, ?3, ?4)",
        params![new.kind, new.file_name, new.started_at, new.mapping],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Records an import as finished at `finished_at` with its counts (JSON).
pub fn finish(tx: &Transaction<'_>, import_id: i64, finished_at: i64, counts: &str) -> Result<()> {
    tx.execute(
        "UPDATE imports SET finished_at = ?1, counts = ?2 WHERE id = ?3",
        params![finished_at, counts, import_id],
    )?;
    Ok(())
}

/// Records an import as undone at `undone_at`, and drops its undo records:
/// an undone import is never undone again.
pub fn mark_undone(tx: &Transaction<'_>, import_id: i64, undone_at: i64) -> Result<()> {
    tx.execute(
        "DELETE FROM import_changes WHERE import_id = ?1",
        [import_id],
    )?;
    tx.execute(
        "UPDATE imports SET undone_at = ?1 WHERE id = ?2",
        params![undone_at, import_id],
    )?;
    Ok(())
}

/// One row of `imports`, as stored: times in seconds since the epoch, the
/// kind as its serde name and the counts as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredImport {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub counts: Option<String>,
    pub undone_at: Option<i64>,
    /// The import's spec as JSON text.
    pub mapping: String,
}

const SELECT_IMPORTS: &str =
    "SELECT id, kind, file_name, started_at, finished_at, counts, undone_at, mapping FROM imports";

fn stored_import(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredImport> {
    Ok(StoredImport {
        id: row.get(0)?,
        kind: row.get(1)?,
        file_name: row.get(2)?,
        started_at: row.get(3)?,
        finished_at: row.get(4)?,
        counts: row.get(5)?,
        undone_at: row.get(6)?,
        mapping: row.get(7)?,
    })
}

/// Every finished import, newest first.
pub fn list_finished(workspace: &Workspace) -> Result<Vec<StoredImport>> {
    let mut statement = workspace.conn().prepare(&format!(
        "{SELECT_IMPORTS} WHERE finished_at IS NOT NULL ORDER BY id DESC"
    ))?;
    let rows = statement.query_map([], stored_import)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The import with this id, if there is one. Takes a connection: the undo
/// reads it inside its own transaction, and its refusal messages are built
/// from there too.
pub fn find(conn: &Connection, import_id: i64) -> Result<Option<StoredImport>> {
    Ok(conn
        .query_row(
            &format!("{SELECT_IMPORTS} WHERE id = ?1"),
            [import_id],
            stored_import,
        )
        .optional()?)
}

/// Does an import other than `import_id`, finished and not undone, map a
/// column to the field `key` (its spec names it as a field or new field)?
pub fn other_applied_import_maps_to(conn: &Connection, import_id: i64, key: &str) -> Result<bool> {
    let needle = format!("\"key\":{}", serde_json::to_string(key)?);
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM imports WHERE id <> ?1 AND finished_at IS NOT NULL
                          AND undone_at IS NULL AND instr(mapping, ?2) > 0)",
        params![import_id, needle],
        |r| r.get(0),
    )?)
}

/// Keeps the value `field_key` of lead `lead_id` had before import
/// `import_id` changed it (the first one only: later changes by the same
/// import are ignored).
pub fn record_change(
    tx: &Transaction<'_>,
    import_id: i64,
    lead_id: i64,
    field_key: &str,
    old_value: &Value,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO import_changes (import_id, lead_id, field_key, old_value)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![import_id, lead_id, field_key, old_value])?;
    Ok(())
}

/// One value an import overwrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub lead_id: i64,
    pub field_key: String,
    pub old_value: Value,
}

/// The fields an import's or fix's undo records name, each once.
pub fn changed_fields(conn: &Connection, import_id: i64) -> Result<Vec<String>> {
    let fields = conn
        .prepare("SELECT DISTINCT field_key FROM import_changes WHERE import_id = ?1")?
        .query_map([import_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(fields)
}

/// The values import `import_id` overwrote, by lead and field key.
pub fn changes_of(tx: &Transaction<'_>, import_id: i64) -> Result<Vec<Change>> {
    let changes = tx
        .prepare(
            "SELECT lead_id, field_key, old_value FROM import_changes WHERE import_id = ?1
             ORDER BY lead_id, field_key",
        )?
        .query_map([import_id], |r| {
            Ok(Change {
                lead_id: r.get(0)?,
                field_key: r.get(1)?,
                old_value: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(changes)
}

/// The first import after `import_id` that changed lead `lead_id`'s
/// `updated_at` too, if one did.
pub fn next_update_of_lead(
    tx: &Transaction<'_>,
    import_id: i64,
    lead_id: i64,
) -> Result<Option<i64>> {
    Ok(tx.query_row(
        "SELECT min(import_id) FROM import_changes
         WHERE lead_id = ?1 AND field_key = 'updated_at' AND import_id > ?2",
        params![lead_id, import_id],
        |r| r.get(0),
    )?)
}

/// Hands the `updated_at` that lead `lead_id` had before an undone import
/// over to the undo record of import `import_id`.
pub fn hand_over_updated_at(
    tx: &Transaction<'_>,
    import_id: i64,
    lead_id: i64,
    old_value: &Value,
) -> Result<()> {
    tx.execute(
        "UPDATE import_changes SET old_value = ?1
         WHERE import_id = ?2 AND lead_id = ?3 AND field_key = 'updated_at'",
        params![old_value, import_id, lead_id],
    )?;
    Ok(())
}

/// Deletes the undo records of the custom field `field_key` (when it is
/// deleted: nothing can be restored into it any more).
pub fn delete_changes_of_field(tx: &Transaction<'_>, field_key: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM import_changes WHERE field_key = ?1",
        [field_key],
    )?;
    Ok(())
}

/// What later imports did on top of one import: one kind of dependence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependence {
    /// Changed a lead the import added.
    ChangedItsLeads,
    /// Added events to a lead the import added.
    AddedEventsToItsLeads,
    /// Changed a value the import set (the update time aside).
    ChangedItsValues,
}

/// For one kind of dependence on `import_id`: each later import (`None`
/// for events no import added) and on how many leads it did so. Undo
/// records and events of undone imports are gone, so every row is of an
/// import still applied.
pub fn dependents(
    tx: &Transaction<'_>,
    import_id: i64,
    dependence: Dependence,
) -> Result<Vec<(Option<i64>, i64)>> {
    let sql = dependents_sql(dependence);
    let rows = tx
        .prepare(sql)?
        .query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The query [`dependents`] runs for one kind of dependence.
fn dependents_sql(dependence: Dependence) -> &'static str {
    match dependence {
        Dependence::ChangedItsLeads => {
            "SELECT c.import_id, count(DISTINCT c.lead_id)
             FROM leads l JOIN import_changes c ON c.lead_id = l.id
             WHERE l.import_id = ?1 AND c.import_id <> ?1
             GROUP BY c.import_id"
        }
        // `CROSS JOIN` keeps the leads outside (SQLite never reorders it):
        // `leads.import_id` has no index, and the planner otherwise scans
        // every event and looks up its lead (1.6 s at 11.2M events, where
        // a scan of 1M leads and the events of the import's leads by
        // `events_lead_time` take 0.2 s).
        Dependence::AddedEventsToItsLeads => {
            "SELECT e.import_id, count(DISTINCT e.lead_id)
             FROM leads l CROSS JOIN events e ON e.lead_id = l.id
             WHERE l.import_id = ?1 AND e.import_id IS NOT ?1
             GROUP BY e.import_id"
        }
        Dependence::ChangedItsValues => {
            "SELECT later.import_id, count(DISTINCT later.lead_id)
             FROM import_changes mine
             JOIN import_changes later
               ON later.lead_id = mine.lead_id AND later.field_key = mine.field_key
             WHERE mine.import_id = ?1 AND later.import_id > ?1
               AND mine.field_key <> 'updated_at'
             GROUP BY later.import_id"
        }
    }
}

/// An identity (e-mail key or external id) that an undo would give back to
/// a lead while another lead holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct TakenIdentity {
    /// `email_key` or `external_id`.
    pub field_key: String,
    pub value: String,
    /// The lead the undo would give it back to.
    pub lead_id: i64,
    /// The lead that holds it now, and the import that added that lead.
    pub holder: i64,
    pub holder_import: Option<i64>,
    /// The latest import that gave the holder this identity, if one did.
    pub given_by: Option<i64>,
}

/// The first identity import `import_id`'s undo would give back while
/// another lead holds it, if there is one.
pub fn identity_taken(tx: &Transaction<'_>, import_id: i64) -> Result<Option<TakenIdentity>> {
    let taken: Option<(String, String, i64, i64, Option<i64>)> = tx
        .query_row(
            "SELECT c.field_key, c.old_value, c.lead_id, holder.id, holder.import_id
             FROM import_changes c
             JOIN leads holder ON holder.id <> c.lead_id AND (
                    (c.field_key = 'email_key' AND holder.email_key = c.old_value)
                 OR (c.field_key = 'external_id' AND holder.external_id = c.old_value))
             WHERE c.import_id = ?1
               -- Leads this import added are removed first.
               AND holder.import_id IS NOT ?1
               -- A holder this undo gives another value to is no clash.
               AND NOT EXISTS (SELECT 1 FROM import_changes mine
                               WHERE mine.import_id = ?1 AND mine.lead_id = holder.id
                                 AND mine.field_key = c.field_key)
             LIMIT 1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((field_key, value, lead_id, holder, holder_import)) = taken else {
        return Ok(None);
    };
    let given_by: Option<i64> = tx.query_row(
        "SELECT max(import_id) FROM import_changes WHERE lead_id = ?1 AND field_key = ?2",
        params![holder, field_key],
        |r| r.get(0),
    )?;
    Ok(Some(TakenIdentity {
        field_key,
        value,
        lead_id,
        holder,
        holder_import,
        given_by,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_import_is_listed_and_its_changes_are_kept_once() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        let id = begin(
            &tx,
            &NewImport {
                kind: "leads",
                file_name: "a.csv",
                started_at: 100,
                mapping: "{}",
            },
        )
        .unwrap();
        tx.execute(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
            [],
        )
        .unwrap();
        record_change(&tx, id, 1, "company", &Value::Text("Acme".into())).unwrap();
        record_change(&tx, id, 1, "company", &Value::Text("Later".into())).unwrap();
        let changes = changes_of(&tx, id).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].old_value, Value::Text("Acme".into()));
        finish(&tx, id, 200, "{}").unwrap();
        mark_undone(&tx, id, 300).unwrap();
        assert!(changes_of(&tx, id).unwrap().is_empty());
        tx.commit().unwrap();
        let listed = list_finished(&workspace).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].undone_at, Some(300));
        assert_eq!(find(workspace.conn(), id).unwrap(), Some(listed[0].clone()));
        assert_eq!(find(workspace.conn(), 99).unwrap(), None);
    }

    #[test]
    fn the_events_on_an_imports_leads_are_read_through_those_leads() {
        let workspace = Workspace::in_memory().unwrap();
        // A workspace keeps no statistics (no `ANALYZE`): the planner
        // guesses, as on a file of 1M leads and 11.2M events, where it
        // scanned every event for the join written plainly.
        let plan = |sql: &str| -> Vec<String> {
            let mut statement = workspace
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            statement
                .query_map([1], |r| r.get::<_, String>(3))
                .unwrap()
                .map(|row| row.unwrap())
                .collect()
        };
        let steps = plan(dependents_sql(Dependence::AddedEventsToItsLeads));
        assert!(steps.iter().any(|s| s == "SCAN l"), "{steps:?}");
        assert!(
            steps
                .iter()
                .any(|s| s.starts_with("SEARCH e USING INDEX events_lead_time")),
            "{steps:?}"
        );
        let plain = dependents_sql(Dependence::AddedEventsToItsLeads).replace("CROSS JOIN", "JOIN");
        assert!(
            plan(&plain).iter().any(|s| s == "SCAN e"),
            "the plain join scans every event"
        );
    }
}
