//! Bulk column reads for the segment index and the reference evaluator:
//! whole columns of `leads`, the values of one custom field, every event,
//! one event property, and one lead with all its values and events. Rows
//! stream into callbacks (the index builds its columns from them without
//! holding the rows) or come back as vectors.
//!
//! These take a `&Connection` rather than a `&Workspace`: the segment index
//! is warmed up on its own reader connection on a background thread, and
//! the rule compiler (which these feed) works on a connection. All are reads.

use std::collections::HashMap;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row};

use crate::Result;

/// Every lead id, ascending.
pub fn lead_ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut statement = conn.prepare("SELECT id FROM leads ORDER BY id")?;
    let lead_ids = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lead_ids)
}

/// One row of a scan of standard columns: the values of the columns asked
/// for, in the order asked.
pub struct LeadColumnValues<'r> {
    row: &'r Row<'r>,
}

impl LeadColumnValues<'_> {
    /// The value of the `position`-th column asked for.
    pub fn get(&self, position: usize) -> Result<ValueRef<'_>> {
        Ok(self.row.get_ref(position + 1)?)
    }
}

/// Calls `visit(lead id, values)` for every lead, in table order, with the
/// values of the standard columns `keys`. The keys must be standard column
/// names from the field catalogue, never user text: they are quoted into
/// the statement.
pub fn for_each_lead_columns(
    conn: &Connection,
    keys: &[&str],
    mut visit: impl FnMut(i64, &LeadColumnValues<'_>) -> Result<()>,
) -> Result<()> {
    let columns: Vec<String> = keys.iter().map(|key| format!("\"{key}\"")).collect();
    let mut statement = conn.prepare(&format!("SELECT id, {} FROM leads", columns.join(", ")))?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        visit(row.get(0)?, &LeadColumnValues { row })?;
    }
    Ok(())
}

/// Calls `visit(lead id, value)` for every lead, in table order, with its
/// value of the standard column `key` (a catalogue column name, never user
/// text).
pub fn for_each_lead_value(
    conn: &Connection,
    key: &str,
    mut visit: impl FnMut(i64, ValueRef<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare(&format!("SELECT id, \"{key}\" FROM leads"))?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        visit(row.get(0)?, row.get_ref(1)?)?;
    }
    Ok(())
}

/// Calls `visit(lead id, value)` for every stored value of custom field
/// `field_id`, in any order.
pub fn for_each_custom_value(
    conn: &Connection,
    field_id: i64,
    mut visit: impl FnMut(i64, ValueRef<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement =
        conn.prepare("SELECT lead_id, value FROM custom_values WHERE field_id = ?1")?;
    let mut rows = statement.query([field_id])?;
    while let Some(row) = rows.next()? {
        visit(row.get(0)?, row.get_ref(1)?)?;
    }
    Ok(())
}

/// One event as the index scan reads it: no properties.
pub struct EventRow<'r> {
    pub id: i64,
    pub lead_id: i64,
    /// The raw type's bytes; empty when the type is not text.
    pub raw_type: &'r [u8],
    pub occurred_at: i64,
}

/// Calls `visit` for every event in id order (the table's own order, no
/// sort).
pub fn for_each_event(
    conn: &Connection,
    visit: impl FnMut(EventRow<'_>) -> Result<()>,
) -> Result<()> {
    for_each_event_in(conn, i64::MIN..=i64::MAX, visit)
}

/// The lowest and the highest event id (two look-ups of the table's key),
/// or `None` when there are no events.
pub fn event_id_bounds(conn: &Connection) -> Result<Option<(i64, i64)>> {
    super::id_bounds(conn, "events")
}

/// [`for_each_event`] for the events whose id is in `ids`: a range of the
/// table's key, read in id order.
pub fn for_each_event_in(
    conn: &Connection,
    ids: std::ops::RangeInclusive<i64>,
    mut visit: impl FnMut(EventRow<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT id, lead_id, type, occurred_at FROM events \
         WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = statement.query([ids.start(), ids.end()])?;
    while let Some(row) = rows.next()? {
        visit(EventRow {
            id: row.get(0)?,
            lead_id: row.get(1)?,
            raw_type: row.get_ref(2)?.as_bytes().unwrap_or_default(),
            occurred_at: row.get(3)?,
        })?;
    }
    Ok(())
}

/// One event's view of one property, as SQLite's `->` operator gives it.
pub struct EventProperty<'r> {
    pub lead_id: i64,
    pub occurred_at: i64,
    /// The property's value as JSON text (`"a"`, `12`, `null`, an object…);
    /// `None` when the event has no such property.
    pub json: Option<&'r [u8]>,
}

/// Calls `visit` for every event whose raw type is one of `raw_types`, in
/// id order, with the property at JSON path `path`. SQLite's `->` finds it
/// in C code, much faster than parsing every object in Rust, and reads each
/// event's properties once.
pub fn for_each_event_property(
    conn: &Connection,
    raw_types: &[String],
    path: &str,
    mut visit: impl FnMut(EventProperty<'_>) -> Result<()>,
) -> Result<()> {
    if raw_types.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["?"; raw_types.len()].join(", ");
    let mut statement = conn.prepare(&format!(
        "SELECT lead_id, occurred_at, properties -> ?1
         FROM events WHERE type IN ({placeholders}) ORDER BY id"
    ))?;
    let params = std::iter::once(path).chain(raw_types.iter().map(String::as_str));
    let mut rows = statement.query(rusqlite::params_from_iter(params))?;
    while let Some(row) = rows.next()? {
        visit(EventProperty {
            lead_id: row.get(0)?,
            occurred_at: row.get(1)?,
            // Borrowed, not a `String` per event (millions of them).
            json: row.get_ref(2)?.as_bytes_or_null().unwrap_or(None),
        })?;
    }
    Ok(())
}

/// An event's `properties` as `json_each` may read them: the object, or an
/// empty one when they are not a JSON object (a file edited by hand), which
/// `json_each` would fail on or list by index.
const PROPERTIES_OBJECT: &str = "CASE WHEN NOT json_valid(e.properties) THEN '{}' \
     WHEN json_type(e.properties) = 'object' THEN e.properties ELSE '{}' END";

/// The property keys found in the first 1,000 events whose raw type is one
/// of `raw_types`, sorted and distinct.
pub fn event_property_keys(conn: &Connection, raw_types: &[String]) -> Result<Vec<String>> {
    let placeholders = vec!["?"; raw_types.len()].join(", ");
    let mut statement = conn.prepare(&format!(
        "SELECT DISTINCT k.key FROM (SELECT properties FROM events WHERE type IN ({placeholders}) LIMIT 1000) e,
         json_each({PROPERTIES_OBJECT}) k ORDER BY 1"
    ))?;
    let keys = statement
        .query_map(rusqlite::params_from_iter(raw_types), |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// Whether any event has the type `raw_type`, spelt exactly so: with no
/// index on the type, a scan that stops at the first.
pub fn any_event_of_type(conn: &Connection, raw_type: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE type = ?1)")?
        .query_row([raw_type], |row| row.get(0))?)
}

/// One lead as the reference evaluator reads it: every `leads` column and
/// custom value by key, and its events.
pub struct LeadWithEvents {
    pub values: HashMap<String, SqlValue>,
    /// `(raw type, occurred_at, properties JSON text)`, in table order.
    pub events: Vec<(String, i64, String)>,
}

/// The property keys of the events with ids `event_ids`, sorted and
/// distinct: one look-up by id each, where [`event_property_keys`] may scan
/// the whole table for a rare type.
pub fn property_keys_of_events(conn: &Connection, event_ids: &[i64]) -> Result<Vec<String>> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids as one JSON array: no limit on bound parameters to meet.
    let ids: Vec<String> = event_ids.iter().map(i64::to_string).collect();
    let ids = format!("[{}]", ids.join(","));
    let mut statement = conn.prepare_cached(&format!(
        "SELECT DISTINCT k.key FROM json_each(?1) i JOIN events e ON e.id = i.value,
         json_each({PROPERTIES_OBJECT}) k ORDER BY 1"
    ))?;
    let keys = statement
        .query_map([ids], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// Reads lead `id` with all its values and events; `None` when it does not
/// exist.
pub fn lead_with_events(conn: &Connection, id: i64) -> Result<Option<LeadWithEvents>> {
    let mut statement = conn.prepare("SELECT * FROM leads WHERE id = ?1")?;
    let names: Vec<String> = statement.column_names().map(|n| n.to_string()).collect();
    let values: Option<HashMap<String, SqlValue>> = statement
        .query_row([id], |row| {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| Ok((name.clone(), row.get::<_, SqlValue>(i)?)))
                .collect()
        })
        .optional()?;
    let Some(mut values) = values else {
        return Ok(None);
    };
    let mut custom = conn.prepare(
        "SELECT f.key, cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id WHERE cv.lead_id = ?1",
    )?;
    for pair in custom.query_map([id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, SqlValue>(1)?))
    })? {
        let (key, value) = pair?;
        values.insert(key, value);
    }
    let mut events_statement =
        conn.prepare("SELECT type, occurred_at, properties FROM events WHERE lead_id = ?1")?;
    let events = events_statement
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(LeadWithEvents { values, events }))
}

/// The leads of `ids` (ascending) that exist, ascending: one look-up by id
/// each (for the few leads a write rewrote); `None` as soon as more than
/// `at_most` exist, so a caller with a bound looks up no further.
pub fn existing_leads(conn: &Connection, ids: &[i64], at_most: usize) -> Result<Option<Vec<i64>>> {
    let mut existing = Vec::new();
    for &id in ids {
        if super::consent::lead_exists(conn, id)? {
            if existing.len() == at_most {
                return Ok(None);
            }
            existing.push(id);
        }
    }
    Ok(Some(existing))
}

/// [`for_each_lead_value`] for the leads `ids` alone (one look-up each); a
/// lead that does not exist is skipped.
pub fn for_each_lead_value_of(
    conn: &Connection,
    key: &str,
    ids: &[i64],
    mut visit: impl FnMut(i64, ValueRef<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT \"{key}\" FROM leads WHERE id = ?1"))?;
    for &id in ids {
        let mut rows = statement.query([id])?;
        if let Some(row) = rows.next()? {
            visit(id, row.get_ref(0)?)?;
        }
    }
    Ok(())
}

/// [`for_each_custom_value`] for the leads `ids` alone (one look-up each).
pub fn for_each_custom_value_of(
    conn: &Connection,
    field_id: i64,
    ids: &[i64],
    mut visit: impl FnMut(i64, ValueRef<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement = conn
        .prepare_cached("SELECT value FROM custom_values WHERE field_id = ?1 AND lead_id = ?2")?;
    for &id in ids {
        let mut rows = statement.query([field_id, id])?;
        if let Some(row) = rows.next()? {
            visit(id, row.get_ref(0)?)?;
        }
    }
    Ok(())
}

/// Calls `visit` for every event of the leads `ids`, lead by lead in the
/// order of `ids`, each lead's oldest first (ties by event id): the order
/// of the segment index's runs.
pub fn for_each_event_of_leads(
    conn: &Connection,
    ids: &[i64],
    mut visit: impl FnMut(EventRow<'_>) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "SELECT id, type, occurred_at FROM events WHERE lead_id = ?1 ORDER BY occurred_at, id",
    )?;
    for &lead_id in ids {
        let mut rows = statement.query([lead_id])?;
        while let Some(row) = rows.next()? {
            visit(EventRow {
                id: row.get(0)?,
                lead_id,
                raw_type: row.get_ref(1)?.as_bytes().unwrap_or_default(),
                occurred_at: row.get(2)?,
            })?;
        }
    }
    Ok(())
}

/// [`for_each_event_property`] for the events of the leads `ids`, in the
/// order of [`for_each_event_of_leads`].
pub fn for_each_event_property_of_leads(
    conn: &Connection,
    ids: &[i64],
    raw_types: &[String],
    path: &str,
    mut visit: impl FnMut(EventProperty<'_>) -> Result<()>,
) -> Result<()> {
    if raw_types.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (0..raw_types.len())
        .map(|i| format!("?{}", i + 3))
        .collect();
    let mut statement = conn.prepare_cached(&format!(
        "SELECT occurred_at, properties -> ?2 FROM events
         WHERE lead_id = ?1 AND type IN ({}) ORDER BY occurred_at, id",
        placeholders.join(", ")
    ))?;
    for &lead_id in ids {
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&lead_id, &path];
        params.extend(raw_types.iter().map(|raw| raw as &dyn rusqlite::ToSql));
        let mut rows = statement.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            visit(EventProperty {
                lead_id,
                occurred_at: row.get(0)?,
                json: row.get_ref(1)?.as_bytes_or_null().unwrap_or(None),
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn workspace() -> Workspace {
        let workspace = Workspace::in_memory_store().unwrap();
        workspace
            .conn()
            .execute_batch(
                "INSERT INTO leads (id, email, country, created_at, updated_at) VALUES
                   (1, 'a@example.com', 'Germany', 0, 0), (2, 'b@example.com', NULL, 0, 0);
                 INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                   (2, 'page_view', 20, '{\"url\": \"/pricing\"}'),
                   (1, 'Page_View', 10, '{\"url\": \"/\", \"n\": 3}');",
            )
            .unwrap();
        workspace
    }

    #[test]
    fn existing_leads_stop_past_the_bound() {
        let workspace = workspace();
        let conn = workspace.conn();
        assert_eq!(
            existing_leads(conn, &[1, 2, 3], 2).unwrap(),
            Some(vec![1, 2])
        );
        assert_eq!(existing_leads(conn, &[1, 2, 3], 1).unwrap(), None);
        assert_eq!(existing_leads(conn, &[3, 4], 0).unwrap(), Some(vec![]));
    }

    #[test]
    fn lead_columns_and_events_stream_in_table_order() {
        let workspace = workspace();
        let conn = workspace.conn();
        assert_eq!(lead_ids(conn).unwrap(), vec![1, 2]);
        let mut countries = Vec::new();
        for_each_lead_columns(conn, &["country", "email"], |id, values| {
            let country = values.get(0)?.as_str().ok().map(str::to_owned);
            countries.push((id, country));
            Ok(())
        })
        .unwrap();
        assert_eq!(countries, vec![(1, Some("Germany".to_owned())), (2, None)]);
        let mut events = Vec::new();
        for_each_event(conn, |event| {
            let raw = String::from_utf8_lossy(event.raw_type).into_owned();
            events.push((event.id, event.lead_id, raw, event.occurred_at));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            events,
            vec![
                (1, 2, "page_view".to_owned(), 20),
                (2, 1, "Page_View".to_owned(), 10)
            ]
        );
        let raw_types = vec!["page_view".to_owned(), "Page_View".to_owned()];
        let mut urls = Vec::new();
        for_each_event_property(conn, &raw_types, "$.\"url\"", |property| {
            let json = property
                .json
                .map(|json| String::from_utf8_lossy(json).into_owned());
            urls.push((property.lead_id, json));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            urls,
            vec![
                (2, Some(r#""/pricing""#.to_owned())),
                (1, Some(r#""/""#.to_owned()))
            ]
        );
        assert_eq!(
            event_property_keys(conn, &raw_types).unwrap(),
            vec!["n", "url"]
        );
        assert_eq!(property_keys_of_events(conn, &[1]).unwrap(), vec!["url"]);
        assert_eq!(
            property_keys_of_events(conn, &[2, 1, 99]).unwrap(),
            vec!["n", "url"]
        );
        assert!(property_keys_of_events(conn, &[]).unwrap().is_empty());
        // Properties that are not a JSON object have no keys, and fail nothing.
        conn.execute_batch(
            "INSERT INTO events (id, lead_id, type, occurred_at, properties) VALUES
               (3, 1, 'page_view', 30, 'not json'), (4, 1, 'page_view', 40, '[1, 2]'),
               (5, 1, 'page_view', 50, '5');",
        )
        .unwrap();
        assert_eq!(
            property_keys_of_events(conn, &[3, 4, 5, 1]).unwrap(),
            vec!["url"]
        );
        assert_eq!(
            event_property_keys(conn, &raw_types).unwrap(),
            vec!["n", "url"]
        );
    }

    #[test]
    fn events_read_by_a_range_of_ids_and_the_bounds_of_the_ids() {
        let workspace = Workspace::in_memory_store().unwrap();
        let conn = workspace.conn();
        assert_eq!(event_id_bounds(conn).unwrap(), None);
        conn.execute_batch(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0);
             INSERT INTO events (id, lead_id, type, occurred_at) VALUES
               (3, 1, 'a', 30), (7, 1, 'b', 70), (9, 1, 'a', 90);",
        )
        .unwrap();
        assert_eq!(event_id_bounds(conn).unwrap(), Some((3, 9)));
        let ids_in = |ids| {
            let mut seen = Vec::new();
            for_each_event_in(conn, ids, |event| {
                seen.push(event.id);
                Ok(())
            })
            .unwrap();
            seen
        };
        assert_eq!(ids_in(3..=7), vec![3, 7]);
        assert_eq!(ids_in(8..=i64::MAX), vec![9]);
        assert_eq!(ids_in(i64::MIN..=2), Vec::<i64>::new());
    }

    #[test]
    fn a_lead_reads_with_its_values_and_events_or_not_at_all() {
        let workspace = workspace();
        let lead = lead_with_events(workspace.conn(), 1).unwrap().unwrap();
        assert_eq!(
            lead.values.get("country"),
            Some(&SqlValue::Text("Germany".to_owned()))
        );
        assert_eq!(lead.events.len(), 1);
        assert!(lead_with_events(workspace.conn(), 99).unwrap().is_none());
    }
}
