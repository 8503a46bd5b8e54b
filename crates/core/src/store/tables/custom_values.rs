//! The `custom_values` table: custom field values, `(field_id, lead_id,
//! value)`, clustered by field.

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Statement, ToSql, Transaction};

use super::MultiRowInsert;
use crate::Result;

/// Calls `visit(lead_id, field_id, value)` with every value that one of
/// `lead_ids` has in one of `field_ids`, in one query for all of them.
pub fn visit_values(
    conn: &Connection,
    lead_ids: &[i64],
    field_ids: &[i64],
    mut visit: impl FnMut(i64, i64, ValueRef<'_>),
) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "SELECT lead_id, field_id, value FROM custom_values
         WHERE lead_id IN (SELECT value FROM json_each(?1))
           AND field_id IN (SELECT value FROM json_each(?2))",
    )?;
    let mut values = statement.query([
        serde_json::to_string(lead_ids)?,
        serde_json::to_string(field_ids)?,
    ])?;
    while let Some(value) = values.next()? {
        visit(value.get(0)?, value.get(1)?, value.get_ref(2)?);
    }
    Ok(())
}

/// The value lead `lead_id` has in field `field_id`, if it has one.
pub fn value_of(tx: &Transaction<'_>, field_id: i64, lead_id: i64) -> Result<Option<Value>> {
    Ok(tx
        .prepare_cached("SELECT value FROM custom_values WHERE field_id = ?1 AND lead_id = ?2")?
        .query_row(params![field_id, lead_id], |r| r.get(0))
        .optional()?)
}

/// Sets field `field_id` of lead `lead_id` to `value`, replacing any value.
pub fn set(tx: &Transaction<'_>, field_id: i64, lead_id: i64, value: &dyn ToSql) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)",
    )?
    .execute((field_id, lead_id, value))?;
    Ok(())
}

/// Inserts the values of new leads (an import's), with one statement
/// prepared once for the whole import.
pub struct ValueInserter<'tx> {
    rows: MultiRowInsert<'tx>,
}

impl<'tx> ValueInserter<'tx> {
    pub fn new(tx: &'tx Transaction<'tx>) -> Result<Self> {
        let into = "custom_values (field_id, lead_id, value)";
        Ok(ValueInserter {
            rows: MultiRowInsert::new(tx, into, 3)?,
        })
    }

    /// Inserts new leads' values, `(field_id, lead_id, value)`, in order.
    pub fn insert_all(&mut self, rows: &[(i64, i64, ValueRef<'_>)]) -> Result<()> {
        self.rows
            .write(rows, |statement, first, (field_id, lead_id, value)| {
                statement.raw_bind_parameter(first + 1, field_id)?;
                statement.raw_bind_parameter(first + 2, lead_id)?;
                statement.raw_bind_parameter(first + 3, ToSqlOutput::Borrowed(*value))?;
                Ok(())
            })
    }
}

/// Removes the value lead `lead_id` has in field `field_id`.
pub fn delete(tx: &Transaction<'_>, field_id: i64, lead_id: i64) -> Result<()> {
    tx.execute(
        "DELETE FROM custom_values WHERE field_id = ?1 AND lead_id = ?2",
        params![field_id, lead_id],
    )?;
    Ok(())
}

/// Does field `field_id` hold any value?
pub fn field_has_values(conn: &Connection, field_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM custom_values WHERE field_id = ?1)")?
        .query_row([field_id], |r| r.get(0))?)
}

/// Removes every value of field `field_id`; returns how many.
pub fn delete_of_field(tx: &Transaction<'_>, field_id: i64) -> Result<u64> {
    Ok(tx.execute("DELETE FROM custom_values WHERE field_id = ?1", [field_id])? as u64)
}

/// Inserts custom values inside one transaction, with one prepared statement.
pub struct CustomValueInserter<'tx> {
    statement: Statement<'tx>,
}

impl<'tx> CustomValueInserter<'tx> {
    pub fn new(tx: &'tx Transaction<'_>) -> Result<Self> {
        let statement =
            tx.prepare("INSERT INTO custom_values (field_id, lead_id, value) VALUES (?1, ?2, ?3)")?;
        Ok(CustomValueInserter { statement })
    }

    /// Sets field `field_id` of lead `lead_id` to `value` (text, a number or
    /// JSON text, as the field's type stores it).
    pub fn insert(&mut self, field_id: i64, lead_id: i64, value: &dyn ToSql) -> Result<()> {
        self.statement.execute((field_id, lead_id, value))?;
        Ok(())
    }
}
