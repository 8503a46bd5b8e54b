//! The `settings` table: workspace-wide values (the planner's settings,
//! remembered import mappings, the built-in segment version), each a JSON
//! value under a text key. The one place that reads and writes it.
//!
//! Reads take `&Workspace`; writes take `&mut Workspace` (or a transaction
//! of a write that changes more). A setting alone changes nothing the
//! derived parts are built from: [`set`] keeps them
//! ([`Workspace::conn_mut_for_settings_and_audit`]).

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Result, Workspace};

/// The stored JSON text of `key`, for callers that decode it themselves (to
/// name what is wrong in it, or to ignore a value that no longer parses).
pub fn get_text(workspace: &Workspace, key: &str) -> Result<Option<String>> {
    get_text_on(workspace.conn(), key)
}

/// [`get_text`] through any connection to the workspace file (a reader on
/// a background thread).
pub(crate) fn get_text_on(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
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
    write(workspace.conn_mut_for_settings_and_audit(), key, value)
}

/// Sets `key` to `value` inside a transaction (the built-in segments are
/// installed with their version in one).
pub fn set_in<T: Serialize + ?Sized>(tx: &Transaction<'_>, key: &str, value: &T) -> Result<()> {
    write(tx, key, value)
}

/// Settings the app writes itself as bookkeeping, not as a change a user
/// made: not audited (the score run's time would add an entry per import).
const UNAUDITED_KEYS: [&str; 3] = ["score_last_run", "builtin_segments", "demo_data"];
/// Prefixes of such keys (the remembered mapping of an import file).
const UNAUDITED_PREFIXES: [&str; 1] = ["import-mapping:"];
/// Settings whose value the audit log must not hold (it names the key only).
const SECRET_KEYS: [&str; 1] = ["suppression_salt"];

/// The one write of [`set`] and [`set_in`]: private, so only a
/// `&mut Workspace` or a transaction reaches it. Every change a user makes
/// is noted in the audit log (`settings`, with the key and the new value).
fn write<T: Serialize + ?Sized>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value)?;
    let old: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?;
    if old.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
        (key, &text),
    )?;
    let audited =
        !UNAUDITED_KEYS.contains(&key) && !UNAUDITED_PREFIXES.iter().any(|p| key.starts_with(p));
    if audited {
        let shown = if SECRET_KEYS.contains(&key) {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text)?
        };
        super::tables::audit::record_on(
            conn,
            "settings",
            &serde_json::json!({"key": key, "value": shown}),
        )?;
    }
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

    #[test]
    fn a_change_a_user_makes_is_audited_once_and_secrets_are_not_shown() {
        let mut workspace = Workspace::in_memory().unwrap();
        let audited = |workspace: &Workspace| -> Vec<String> {
            let mut statement = workspace
                .conn()
                .prepare("SELECT detail FROM audit_log WHERE action = 'settings' ORDER BY id")
                .unwrap();
            let rows = statement.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        set(&mut workspace, "backup_keep", &5u32).unwrap();
        set(&mut workspace, "backup_keep", &5u32).unwrap();
        set(&mut workspace, "score_last_run", &1u32).unwrap();
        set(&mut workspace, "suppression_salt", "00ff").unwrap();
        assert_eq!(
            audited(&workspace),
            vec![
                r#"{"key":"backup_keep","value":5}"#.to_owned(),
                r#"{"key":"suppression_salt","value":null}"#.to_owned(),
            ]
        );
    }
}
