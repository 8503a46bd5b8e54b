//! The data-quality report's reads: completeness of every field, the
//! e-mail, phone and country values to check, and last activity per lead.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::Result;

/// The columns of the `leads` table, as the schema has them (never names
/// read from anything but SQLite's own table description).
pub fn lead_columns(conn: &Connection) -> Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT name FROM pragma_table_info('leads')")?;
    let names = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Whether a stored value counts as filled: not NULL, and its text trimmed
/// of spaces neither empty nor `[]` (a number always is). The one
/// definition both completeness reads use; it says what SQLite's
/// `trim(CAST(v AS TEXT)) NOT IN ('', '[]')` says (tested below).
fn is_filled(value: ValueRef<'_>) -> bool {
    match value {
        ValueRef::Null => false,
        ValueRef::Integer(_) | ValueRef::Real(_) => true,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
            let end = bytes
                .iter()
                .rposition(|&b| b != b' ')
                .map_or(start, |e| e + 1);
            let trimmed = &bytes[start..end];
            !trimmed.is_empty() && trimmed != b"[]"
        }
    }
}

/// The number of leads, and for each of `columns` (names of `leads`
/// columns from [`lead_columns`]) how many leads have a value in it: one
/// pass over the table. The test runs here on borrowed values, not in SQL:
/// SQLite's `trim(CAST(v AS TEXT))` copies every value (the builder's
/// completeness at 1M leads took 3.06 s that way, 1.3 s this way;
/// docs/decisions.md).
pub fn filled_lead_columns(conn: &Connection, columns: &[String]) -> Result<(u64, Vec<u64>)> {
    let known = lead_columns(conn)?;
    let mut quoted = Vec::with_capacity(columns.len());
    for column in columns {
        if !known.contains(column) {
            return Err(crate::Error::InvalidArgument(format!(
                "completeness: `{column}` is not a column of the leads table"
            )));
        }
        quoted.push(format!("\"{}\"", column.replace('"', "\"\"")));
    }
    if quoted.is_empty() {
        let total: i64 = conn.query_row("SELECT count(*) FROM leads", [], |row| row.get(0))?;
        return Ok((total as u64, Vec::new()));
    }
    let mut statement = conn.prepare(&format!("SELECT {} FROM leads", quoted.join(", ")))?;
    let mut rows = statement.query([])?;
    let mut total = 0;
    let mut filled = vec![0; columns.len()];
    while let Some(row) = rows.next()? {
        total += 1;
        for (i, count) in filled.iter_mut().enumerate() {
            *count += u64::from(is_filled(row.get_ref(i)?));
        }
    }
    Ok((total, filled))
}

/// How many leads have a value, by custom field id (fields with no value
/// at all are absent). Tested in Rust, as [`filled_lead_columns`] does.
pub fn filled_custom_fields(conn: &Connection) -> Result<HashMap<i64, u64>> {
    let mut statement = conn.prepare("SELECT field_id, value FROM custom_values")?;
    let mut rows = statement.query([])?;
    let mut filled = HashMap::new();
    while let Some(row) = rows.next()? {
        if is_filled(row.get_ref(1)?) {
            *filled.entry(row.get(0)?).or_insert(0) += 1;
        }
    }
    Ok(filled)
}

/// The values of one lead the report checks.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadContact {
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub do_not_email: bool,
    pub created_at: i64,
}

/// Calls `visit` with every lead's contact values, in id order, streaming.
pub fn each_lead_contact(conn: &Connection, mut visit: impl FnMut(LeadContact)) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT id, CAST(email AS TEXT), CAST(phone AS TEXT), CAST(country AS TEXT),
                coalesce(do_not_email, 0), created_at
         FROM leads ORDER BY id",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        visit(LeadContact {
            id: row.get(0)?,
            email: row.get(1)?,
            phone: row.get(2)?,
            country: row.get(3)?,
            do_not_email: row.get::<_, i64>(4)? != 0,
            created_at: row.get(5)?,
        });
    }
    Ok(())
}

/// The leads with a hard bounce: an event of one of `bounce_types` whose
/// `bounce_type` (or else `type`) property is "hard" in any case, or any
/// event of one of `hard_types` (such as `hard_bounce`). Sorted, distinct.
pub fn hard_bounced_leads(
    conn: &Connection,
    bounce_types: &[&str],
    hard_types: &[&str],
) -> Result<Vec<i64>> {
    let list = |types: &[&str]| {
        if types.is_empty() {
            "NULL".to_owned()
        } else {
            types
                .iter()
                .map(|t| format!("'{}'", t.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let sql = format!(
        "SELECT DISTINCT lead_id FROM events
         WHERE type IN ({hard})
            OR (type IN ({bounce}) AND json_valid(properties)
                AND lower(trim(CAST(coalesce(json_extract(properties, '$.bounce_type'),
                                             json_extract(properties, '$.type')) AS TEXT))) = 'hard')
         ORDER BY lead_id",
        hard = list(hard_types),
        bounce = list(bounce_types),
    );
    let mut statement = conn.prepare(&sql)?;
    let ids = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Each lead's last event time (leads without events are absent).
pub fn last_activity(conn: &Connection) -> Result<HashMap<i64, i64>> {
    let mut statement =
        conn.prepare("SELECT lead_id, max(occurred_at) FROM events GROUP BY lead_id")?;
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<i64, i64>>>()?;
    Ok(rows)
}

/// Each lead's last import: when the latest applied (finished, not undone)
/// lead import that added the lead or changed one of its values finished.
/// Fixes (merges, normalisations) are not imports and do not count.
pub fn last_import(conn: &Connection) -> Result<HashMap<i64, i64>> {
    let mut statement = conn.prepare(
        "SELECT lead_id, max(at) FROM (
             SELECT l.id AS lead_id, i.finished_at AS at
             FROM leads l JOIN imports i ON i.id = l.import_id
             WHERE i.kind = 'leads' AND i.finished_at IS NOT NULL AND i.undone_at IS NULL
             UNION ALL
             SELECT c.lead_id, i.finished_at
             FROM import_changes c JOIN imports i ON i.id = c.import_id
             WHERE i.kind = 'leads' AND i.finished_at IS NOT NULL AND i.undone_at IS NULL
         ) GROUP BY lead_id",
    )?;
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<i64, i64>>>()?;
    Ok(rows)
}

/// The distinct non-blank countries as written, with their lead counts.
pub fn country_counts(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut statement = conn.prepare(
        "SELECT CAST(country AS TEXT), count(*) FROM leads
         WHERE country IS NOT NULL AND trim(CAST(country AS TEXT)) <> ''
         GROUP BY CAST(country AS TEXT) ORDER BY count(*) DESC, 1",
    )?;
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<Vec<(String, u64)>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn workspace() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (id, email, phone, country, do_not_email, created_at, updated_at)
                 VALUES (1, 'a@x.com', '', 'USA', 1, 10, 10),
                        (2, '  ', NULL, 'USA', NULL, 20, 20),
                        (3, NULL, '+1', 'Germany', 0, 30, 30);
                 INSERT INTO events (lead_id, type, occurred_at, properties) VALUES
                        (1, 'email_bounce', 100, '{\"bounce_type\":\"Hard\"}'),
                        (2, 'email_bounce', 110, '{\"bounce_type\":\"soft\"}'),
                        (2, 'email_bounced', 120, 'not json'),
                        (3, 'hard_bounce', 90, '{}'),
                        (3, 'page_view', 150, '{}');",
            )
            .unwrap();
        ws
    }

    #[test]
    fn blank_values_are_not_filled() {
        let ws = workspace();
        let columns = vec!["email".to_owned(), "phone".to_owned(), "country".to_owned()];
        let (total, filled) = filled_lead_columns(ws.conn(), &columns).unwrap();
        assert_eq!(total, 3);
        assert_eq!(filled, vec![1, 1, 3]);
        assert!(filled_lead_columns(ws.conn(), &["nope".to_owned()]).is_err());
    }

    /// What SQLite says is filled, the test of the completeness reads
    /// before [`is_filled`] took over from it.
    const FILLED_TEXT: &str = "trim(CAST({v} AS TEXT)) NOT IN ('', '[]')";

    #[test]
    fn filled_in_rust_is_filled_in_sql() {
        let ws = Workspace::in_memory().unwrap();
        let values = "(NULL), (''), ('  '), ('[]'), (' [] '), ('[ ]'), ('x'), (' x '), ('\t'), \
                      (0), (0.0), (-1), (X''), (X'2020'), (X'5B5D'), (X'41'), ('ü'), ('[]x')";
        let filled = FILLED_TEXT.replace("{v}", "column1");
        let sql =
            format!("SELECT column1, CASE WHEN {filled} THEN 1 ELSE 0 END FROM (VALUES {values})");
        let mut statement = ws.conn().prepare(&sql).unwrap();
        let mut rows = statement.query([]).unwrap();
        let mut checked = 0;
        while let Some(row) = rows.next().unwrap() {
            let in_sql: i64 = row.get(1).unwrap();
            let value = row.get_ref(0).unwrap();
            assert_eq!(is_filled(value), in_sql == 1, "{value:?}");
            checked += 1;
        }
        assert_eq!(checked, 18);
    }

    #[test]
    fn hard_bounces_by_property_or_type() {
        let ws = workspace();
        let ids = hard_bounced_leads(
            ws.conn(),
            &["email_bounce", "email_bounced"],
            &["hard_bounce"],
        )
        .unwrap();
        assert_eq!(ids, vec![1, 3]);
    }

    #[test]
    fn last_activity_and_countries() {
        let ws = workspace();
        let last = last_activity(ws.conn()).unwrap();
        assert_eq!(last[&3], 150);
        assert_eq!(last[&1], 100);
        let countries = country_counts(ws.conn()).unwrap();
        assert_eq!(
            countries,
            vec![("USA".to_owned(), 2), ("Germany".to_owned(), 1)]
        );
        assert!(last_import(ws.conn()).unwrap().is_empty());
    }
}
