//! Duplicate detection's reads of `leads`: every lead's matching columns in
//! one pass (for the blocking keys), and the summaries of the few leads that
//! share a key.

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use crate::Result;

/// The columns duplicate detection compares, of one lead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadMatchColumns {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub country: Option<String>,
}

const SELECT: &str = "SELECT id, first_name, last_name, email, phone, company, country FROM leads";

fn text(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    Ok(match row.get::<_, Value>(index)? {
        Value::Text(text) if !text.trim().is_empty() => Some(text),
        Value::Integer(number) => Some(number.to_string()),
        Value::Real(number) => Some(number.to_string()),
        _ => None,
    })
}

fn columns(row: &Row<'_>) -> rusqlite::Result<LeadMatchColumns> {
    Ok(LeadMatchColumns {
        id: row.get(0)?,
        first_name: text(row, 1)?,
        last_name: text(row, 2)?,
        email: text(row, 3)?,
        phone: text(row, 4)?,
        company: text(row, 5)?,
        country: text(row, 6)?,
    })
}

/// Calls `visit` with every lead's matching columns, by id.
pub fn visit_all(
    conn: &Connection,
    mut visit: impl FnMut(LeadMatchColumns) -> Result<()>,
) -> Result<()> {
    let mut statement = conn.prepare(&format!("{SELECT} ORDER BY id"))?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        visit(columns(row)?)?;
    }
    Ok(())
}

/// The matching columns of the leads of `ids` that exist, by id.
pub fn of_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<LeadMatchColumns>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut statement = conn.prepare(&format!("{SELECT} WHERE id IN ({marks}) ORDER BY id"))?;
        let rows = statement.query_map(rusqlite::params_from_iter(chunk), columns)?;
        for row in rows {
            found.push(row?);
        }
    }
    found.sort_by_key(|lead| lead.id);
    Ok(found)
}
