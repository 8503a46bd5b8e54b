//! The `custom_values` table: custom field values, `(field_id, lead_id,
//! value)`, clustered by field.

use rusqlite::{Statement, ToSql, Transaction};

use crate::Result;

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
