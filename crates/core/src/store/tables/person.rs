//! One person's rows for the access export (issue 15): every table that
//! holds something about a lead, read as JSON objects named by column.

use rusqlite::types::Value;
use rusqlite::{Connection, ToSql};

use crate::Result;

use super::merges::value_to_json;

/// The rows of `sql` as JSON objects keyed by column name.
fn rows_as_json(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
) -> Result<Vec<serde_json::Value>> {
    let mut statement = conn.prepare(sql)?;
    let names: Vec<String> = statement.column_names().map(str::to_owned).collect();
    let rows = statement.query_map(params, |r| {
        let mut object = serde_json::Map::new();
        for (index, name) in names.iter().enumerate() {
            let value: Value = r.get(index)?;
            object.insert(name.clone(), value_to_json(&value));
        }
        Ok(serde_json::Value::Object(object))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every event of the lead, oldest first.
pub fn events(conn: &Connection, lead_id: i64) -> Result<Vec<serde_json::Value>> {
    rows_as_json(
        conn,
        "SELECT id, type, datetime(occurred_at, 'unixepoch') AS occurred_at, properties, import_id
           FROM events WHERE lead_id = ?1 ORDER BY occurred_at, id",
        &[&lead_id],
    )
}

/// The lead's consent history, oldest first.
pub fn consent(conn: &Connection, lead_id: i64) -> Result<Vec<serde_json::Value>> {
    rows_as_json(
        conn,
        "SELECT channel, status, lawful_basis, source,
                datetime(recorded_at, 'unixepoch') AS recorded_at, import_id
           FROM consent_events WHERE lead_id = ?1 ORDER BY recorded_at, id",
        &[&lead_id],
    )
}

/// The imports and fixes that added or changed the lead, with the old
/// values they saved.
pub fn changes(conn: &Connection, lead_id: i64) -> Result<Vec<serde_json::Value>> {
    rows_as_json(
        conn,
        "SELECT i.id AS change_id, i.kind, i.file_name,
                datetime(i.started_at, 'unixepoch') AS started_at,
                datetime(i.undone_at, 'unixepoch') AS undone_at,
                'added the lead' AS what, NULL AS field_key, NULL AS old_value
           FROM imports i JOIN leads l ON l.import_id = i.id WHERE l.id = ?1
         UNION ALL
         SELECT i.id, i.kind, i.file_name, datetime(i.started_at, 'unixepoch'),
                datetime(i.undone_at, 'unixepoch'), 'changed a field', c.field_key, c.old_value
           FROM import_changes c JOIN imports i ON i.id = c.import_id WHERE c.lead_id = ?1
         ORDER BY 1, 7",
        &[&lead_id],
    )
}

/// The merges the lead took part in (as survivor or merged lead).
pub fn merges(conn: &Connection, lead_id: i64) -> Result<Vec<serde_json::Value>> {
    rows_as_json(
        conn,
        "SELECT fix_id, survivor_id, merged_id, merged_lead FROM lead_merges
          WHERE survivor_id = ?1 OR merged_id = ?1 ORDER BY fix_id, merged_id",
        &[&lead_id],
    )
}

/// Audit entries naming the lead's id (as `lead_id` or in a list of ids).
pub fn audit_entries(conn: &Connection, lead_id: i64) -> Result<Vec<serde_json::Value>> {
    rows_as_json(
        conn,
        "SELECT id, datetime(occurred_at, 'unixepoch') AS occurred_at, action, detail
           FROM audit_log a
          WHERE json_valid(detail) AND (
                json_extract(detail, '$.lead_id') = ?1
             OR json_extract(detail, '$.survivor_id') = ?1
             OR EXISTS (SELECT 1 FROM json_tree(a.detail) t
                         WHERE t.key IN ('lead_ids', 'merged_ids', 'ids') AND t.type = 'array'
                           AND EXISTS (SELECT 1 FROM json_each(t.value) e WHERE e.value = ?1)))
          ORDER BY id",
        &[&lead_id],
    )
}

/// One stored segment snapshot: `(segment id, taken at, members bitmap)`.
pub type StoredSnapshot = (i64, i64, Option<Vec<u8>>);

/// Every stored segment snapshot, by segment then time.
pub fn snapshots(conn: &Connection) -> Result<Vec<StoredSnapshot>> {
    let rows = conn
        .prepare(
            "SELECT segment_id, taken_at, members FROM segment_snapshots
              ORDER BY segment_id, taken_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_objects_named_by_column() {
        let workspace = crate::Workspace::in_memory_store().unwrap();
        let rows =
            rows_as_json(workspace.conn(), "SELECT 1 AS a, 'x' AS b, NULL AS c", &[]).unwrap();
        assert_eq!(rows, vec![serde_json::json!({"a": 1, "b": "x", "c": null})]);
    }
}
