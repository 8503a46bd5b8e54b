//! The `audit_log` table: one row per change of the workspace that a user
//! may want to trace later (imports, undos, deleted fields), an action name
//! and a JSON detail.

use rusqlite::Transaction;

use crate::Result;

/// Notes `action` with its `detail` (a JSON value) in the audit log, inside
/// the transaction that makes the change.
pub fn record(tx: &Transaction<'_>, action: &str, detail: &serde_json::Value) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (action, detail) VALUES (?1, ?2)",
        (action, detail.to_string()),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn a_recorded_action_is_in_the_log_with_its_detail() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().transaction().unwrap();
        record(&tx, "import", &serde_json::json!({"import_id": 3})).unwrap();
        tx.commit().unwrap();
        let (action, detail): (String, String) = workspace
            .conn()
            .query_row("SELECT action, detail FROM audit_log", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(action, "import");
        assert_eq!(detail, r#"{"import_id":3}"#);
    }
}
