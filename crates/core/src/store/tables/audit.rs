//! The `audit_log` table: one row per change of the workspace that a user
//! may want to trace later (imports, undos, deleted fields), an action name
//! and a JSON detail. Append-only (migration 0011): rows are written with
//! [`record`] and read with [`list`], never changed.

use rusqlite::types::Value;
use rusqlite::{Connection, Transaction};

use crate::{Result, Workspace};

/// Notes `action` with its `detail` (a JSON value) in the audit log, inside
/// the transaction that makes the change.
pub fn record(tx: &Transaction<'_>, action: &str, detail: &serde_json::Value) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (action, detail) VALUES (?1, ?2)",
        (action, detail.to_string()),
    )?;
    Ok(())
}

/// Which audit rows to read: all conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
}

impl AuditQuery {
    fn condition(&self) -> (String, Vec<Value>) {
        let mut clauses = vec!["1".to_owned()];
        let mut params = Vec::new();
        if let Some(action) = &self.action {
            params.push(Value::Text(action.clone()));
            clauses.push(format!("action = ?{}", params.len()));
        }
        if let Some(since) = self.since {
            params.push(Value::Integer(since));
            clauses.push(format!("occurred_at >= ?{}", params.len()));
        }
        if let Some(until) = self.until {
            params.push(Value::Integer(until));
            clauses.push(format!("occurred_at < ?{}", params.len()));
        }
        (clauses.join(" AND "), params)
    }
}

/// One stored audit row: id, time (Unix seconds), action, detail JSON text.
pub type AuditRow = (i64, i64, String, String);

/// The rows that match `query`, newest first, `limit` of them after
/// skipping `offset`.
pub fn list(
    workspace: &Workspace,
    query: &AuditQuery,
    limit: u64,
    offset: u64,
) -> Result<Vec<AuditRow>> {
    let (condition, mut params) = query.condition();
    params.push(Value::Integer(limit.min(i64::MAX as u64) as i64));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let sql = format!(
        "SELECT id, occurred_at, action, detail FROM audit_log WHERE {condition}
         ORDER BY id DESC LIMIT ?{} OFFSET ?{}",
        params.len() - 1,
        params.len()
    );
    let mut statement = workspace.conn().prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(params), |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many rows match `query`.
pub fn count(workspace: &Workspace, query: &AuditQuery) -> Result<u64> {
    let (condition, params) = query.condition();
    let count: i64 = workspace.conn().query_row(
        &format!("SELECT count(*) FROM audit_log WHERE {condition}"),
        rusqlite::params_from_iter(params),
        |row| row.get(0),
    )?;
    Ok(count as u64)
}

/// Every action in the log with how many times it occurs, by name.
pub fn actions(workspace: &Workspace) -> Result<Vec<(String, u64)>> {
    let mut statement = workspace
        .conn()
        .prepare("SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY action")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Notes `action` on a plain connection (a write outside a transaction of
/// the caller's, such as a settings change): one statement, atomic.
pub(crate) fn record_on(conn: &Connection, action: &str, detail: &serde_json::Value) -> Result<()> {
    conn.execute(
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
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
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

    #[test]
    fn rows_are_read_newest_first_filtered_and_paged() {
        let mut workspace = Workspace::in_memory().unwrap();
        let before = count(&workspace, &AuditQuery::default()).unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        for (action, at) in [("import", 100), ("export", 200), ("import", 300)] {
            tx.execute(
                "INSERT INTO audit_log (occurred_at, action) VALUES (?1, ?2)",
                (at, action),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        let imports = AuditQuery {
            action: Some("import".into()),
            ..Default::default()
        };
        assert_eq!(count(&workspace, &imports).unwrap(), 2);
        let rows = list(&workspace, &imports, 10, 0).unwrap();
        assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![300, 100]);
        assert_eq!(list(&workspace, &imports, 1, 1).unwrap()[0].1, 100);
        let window = AuditQuery {
            since: Some(150),
            until: Some(300),
            ..Default::default()
        };
        assert_eq!(list(&workspace, &window, 10, 0).unwrap()[0].2, "export");
        assert_eq!(
            count(&workspace, &AuditQuery::default()).unwrap(),
            before + 3
        );
        assert!(actions(&workspace)
            .unwrap()
            .contains(&("import".to_owned(), 2)));
    }
}
