//! The `settings` table: workspace-wide values (the planner's settings,
//! remembered import mappings, the built-in segment version), each a JSON
//! value under a text key. The one place that reads and writes it.
//!
//! Reads take `&Workspace`; writes take `&mut Workspace` (or a transaction,
//! which only [`Workspace::conn_mut`] hands out), so every write counts as a
//! change of the data.

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Result, Workspace};

/// The stored JSON text of `key`, for callers that decode it themselves (to
/// name what is wrong in it, or to ignore a value that no longer parses).
pub fn get_text(workspace: &Workspace, key: &str) -> Result<Option<String>> {
    Ok(workspace
        .conn()
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

/// The value of `key`, decoded as `T`; `None` when it was never set, an
/// error when it is not a `T`.
pub fn get<T: DeserializeOwned>(workspace: &Workspace, key: &str) -> Result<Option<T>> {
    get_text(workspace, key)?
        .map(|text| Ok(serde_json::from_str(&text)?))
        .transpose()
}

/// Sets `key` to `value`, replacing what was there.
pub fn set<T: Serialize + ?Sized>(workspace: &mut Workspace, key: &str, value: &T) -> Result<()> {
    write(workspace.conn_mut(), key, value)
}

/// Sets `key` to `value` inside a transaction (the built-in segments are
/// installed with their version in one).
pub fn set_in<T: Serialize + ?Sized>(tx: &Transaction<'_>, key: &str, value: &T) -> Result<()> {
    write(tx, key, value)
}

/// The one write of [`set`] and [`set_in`]: private, so only a
/// `&mut Workspace` or a transaction reaches it.
fn write<T: Serialize + ?Sized>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
        (key, serde_json::to_string(value)?),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_read_back_as_it_was_set() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert_eq!(get::<Vec<u32>>(&workspace, "k").unwrap(), None);
        set(&mut workspace, "k", &vec![1u32, 2]).unwrap();
        assert_eq!(get::<Vec<u32>>(&workspace, "k").unwrap(), Some(vec![1, 2]));
        assert_eq!(get_text(&workspace, "k").unwrap().as_deref(), Some("[1,2]"));
        set(&mut workspace, "k", "text").unwrap();
        assert!(get::<Vec<u32>>(&workspace, "k").is_err());
    }
}
