//! Schema migrations: numbered `.sql` files embedded in the binary, each run in
//! its own transaction and recorded in `schema_migrations`.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Add new files here as `NNNN_name.sql`; a unit
/// test checks this list against the files in `migrations/`.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "stable_lead_ids",
        sql: include_str!("migrations/0002_stable_lead_ids.sql"),
    },
    Migration {
        version: 3,
        name: "builtin_segment_keys",
        sql: include_str!("migrations/0003_builtin_segment_keys.sql"),
    },
    Migration {
        version: 4,
        name: "hierarchies",
        sql: include_str!("migrations/0004_hierarchies.sql"),
    },
    Migration {
        version: 5,
        name: "scoring",
        sql: include_str!("migrations/0005_scoring.sql"),
    },
    Migration {
        version: 6,
        name: "score_fields",
        sql: include_str!("migrations/0006_score_fields.sql"),
    },
    Migration {
        version: 7,
        name: "ice_scores",
        sql: include_str!("migrations/0007_ice_scores.sql"),
    },
    Migration {
        version: 8,
        name: "goals_and_reviews",
        sql: include_str!("migrations/0008_goals_and_reviews.sql"),
    },
    Migration {
        version: 9,
        name: "segment_history",
        sql: include_str!("migrations/0009_segment_history.sql"),
    },
    Migration {
        version: 10,
        name: "quality_fixes",
        sql: include_str!("migrations/0010_quality_fixes.sql"),
    },
    Migration {
        version: 11,
        name: "privacy",
        sql: include_str!("migrations/0011_privacy.sql"),
    },
    Migration {
        version: 12,
        name: "derived_cache",
        sql: include_str!("migrations/0012_derived_cache.sql"),
    },
    Migration {
        version: 13,
        name: "consent_checks",
        sql: include_str!("migrations/0013_consent_checks.sql"),
    },
    Migration {
        version: 14,
        name: "identity_indexes",
        sql: include_str!("migrations/0014_identity_indexes.sql"),
    },
];

/// The newest schema version this build understands.
pub const LATEST_SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The schema version recorded in the file, or 0 for a file with no
/// migrations applied. Reads only: safe on a file we may refuse to open.
pub(crate) fn recorded_version(conn: &Connection) -> Result<i64> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?)
}

/// Applies every migration newer than the recorded version, each in its own
/// transaction, so a failure leaves the file at the last good version.
///
/// Each transaction is `IMMEDIATE` (it takes the write lock first, waiting
/// up to the busy timeout) and re-reads the version inside, so two
/// processes opening the same file at once never both run a migration: the
/// second finds it done. An up-to-date file takes no lock at all.
///
/// Foreign keys are off while migrations run (SQLite ignores the switch
/// inside a transaction): a migration that rebuilds a table drops the old
/// one, which would otherwise cascade deletes to every row referring to it.
/// Each migration checks every foreign key before it commits instead.
pub(crate) fn apply_pending(conn: &mut Connection) -> Result<()> {
    if recorded_version(conn)? >= LATEST_SCHEMA_VERSION {
        return Ok(());
    }
    let foreign_keys: bool = conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_each(conn);
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    applied
}

fn apply_each(conn: &mut Connection) -> Result<()> {
    while recorded_version(conn)? < LATEST_SCHEMA_VERSION {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at INTEGER NOT NULL DEFAULT (unixepoch())
             )",
        )?;
        let current = recorded_version(&tx)?;
        let Some(migration) = MIGRATIONS.iter().find(|m| m.version > current) else {
            // Another process finished the work while we waited for the lock.
            tx.commit()?;
            break;
        };
        let wrap = |source| Error::Migration {
            version: migration.version,
            name: migration.name,
            source,
        };
        tx.execute_batch(migration.sql).map_err(wrap)?;
        check_foreign_keys(&tx).map_err(wrap)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            (migration.version, migration.name),
        )
        .map_err(wrap)?;
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(wrap)?;
        tx.commit()?;
    }
    Ok(())
}

/// Fails, naming the first offending row, when any row refers to a row that
/// does not exist.
fn check_foreign_keys(conn: &Connection) -> rusqlite::Result<()> {
    let violation: Option<(String, i64, String)> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                row.get(2)?,
            ))
        })?
        .next()
        .transpose()?;
    match violation {
        None => Ok(()),
        Some((table, rowid, parent)) => Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!(
                "row {rowid} of table {table} refers to a row of {parent} that does not exist"
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_list_matches_the_files_on_disk() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files, listed);
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                migration.version,
                index as i64 + 1,
                "versions are contiguous from 1"
            );
        }
    }

    /// A workspace as version 1 left it, with the undo records that version
    /// could corrupt.
    fn version_1_workspace() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                 applied_at INTEGER NOT NULL DEFAULT (unixepoch()));
             INSERT INTO schema_migrations (version, name) VALUES (1, 'init');
             INSERT INTO fields (key, label, type, origin, category)
                 VALUES ('plan_tier', 'Plan tier', 'text', 'explicit', 'firmographic');
             INSERT INTO imports (id, kind, file_name, started_at, finished_at) VALUES
                 (1, 'leads', 'a.csv', 100, 100), (2, 'leads', 'b.csv', 200, 200);
             INSERT INTO imports (id, kind, file_name, started_at, finished_at, undone_at)
                 VALUES (3, 'leads', 'c.csv', 300, 300, 400);
             INSERT INTO leads (id, email, email_key, first_name, created_at, updated_at, import_id)
                 VALUES (1, 'a@x.com', 'a@x.com', 'Anna', 100, 200, 1),
                        (2, 'z@x.com', 'z@x.com', 'Zed', 200, 200, 2),
                        (5, 'd@x.com', 'd@x.com', 'Dee', 50, 50, NULL);
             INSERT INTO custom_values (field_id, lead_id, value)
                 SELECT id, 1, 'silver' FROM fields WHERE key = 'plan_tier';
             INSERT INTO custom_values (field_id, lead_id, value)
                 SELECT id, 2, 'bronze' FROM fields WHERE key = 'plan_tier';
             INSERT INTO events (lead_id, type, occurred_at) VALUES (1, 'page_view', 150),
                 (2, 'download', 250), (5, 'page_view', 60);
             -- Still good: import 2 changed lead 1, which import 1 added.
             INSERT INTO import_changes VALUES (2, 1, 'first_name', 'Ann');
             -- Lead 9 is gone (an undo removed it): nothing to restore.
             INSERT INTO import_changes VALUES (2, 9, 'first_name', 'Gone');
             -- Id 2 was reused by import 2: import 1 never changed this lead.
             INSERT INTO import_changes VALUES (1, 2, 'first_name', 'Someone else');
             -- Import 3 was undone: its records are spent.
             INSERT INTO import_changes VALUES (3, 5, 'first_name', 'Old');",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn
    }

    fn count(conn: &Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn upgrading_from_version_1_keeps_every_lead_value_and_event() {
        let mut conn = version_1_workspace();
        apply_pending(&mut conn).unwrap();
        assert_eq!(recorded_version(&conn).unwrap(), LATEST_SCHEMA_VERSION);
        assert_eq!(count(&conn, "leads"), 3);
        assert_eq!(
            count(&conn, "custom_values"),
            2,
            "no cascade from the rebuild"
        );
        assert_eq!(count(&conn, "events"), 3, "no cascade from the rebuild");
        let anna: (String, i64, i64) = conn
            .query_row(
                "SELECT first_name, updated_at, import_id FROM leads WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(anna, ("Anna".to_owned(), 200, 1));
        let foreign_keys: bool = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(foreign_keys, "foreign keys are back on");
        let index: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index'
                 AND name IN ('leads_last_name', 'leads_company', 'leads_created_at',
                              'import_changes_lead')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(index, 4);
        // Migration 10 rebuilt `imports`: every import is kept, with its id,
        // and the fix kinds are accepted.
        let imports: Vec<(i64, String, Option<i64>)> = conn
            .prepare("SELECT id, file_name, undone_at FROM imports ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            imports,
            [
                (1, "a.csv".to_owned(), None),
                (2, "b.csv".to_owned(), None),
                (3, "c.csv".to_owned(), Some(400))
            ]
        );
        conn.execute(
            "INSERT INTO imports (kind, file_name, started_at) VALUES ('merge', 'Merge', 500)",
            [],
        )
        .unwrap();
    }

    #[test]
    fn upgrading_from_version_1_drops_undo_records_that_name_the_wrong_lead() {
        let mut conn = version_1_workspace();
        apply_pending(&mut conn).unwrap();
        let records: Vec<(i64, i64, String, String)> = conn
            .prepare("SELECT import_id, lead_id, field_key, old_value FROM import_changes")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(records, [(2, 1, "first_name".to_owned(), "Ann".to_owned())]);
        // The records belong to their lead now.
        conn.execute("DELETE FROM leads WHERE id = 1", []).unwrap();
        assert_eq!(count(&conn, "import_changes"), 0);
    }

    #[test]
    fn upgraded_workspaces_never_reuse_a_lead_id() {
        let mut conn = version_1_workspace();
        apply_pending(&mut conn).unwrap();
        conn.execute("DELETE FROM leads WHERE id = 5", []).unwrap();
        conn.execute(
            "INSERT INTO leads (email_key, created_at, updated_at) VALUES ('n@x.com', 1, 1)",
            [],
        )
        .unwrap();
        assert_eq!(
            conn.last_insert_rowid(),
            10,
            "above lead 9, which an undo record still named"
        );
        conn.execute("DELETE FROM leads WHERE id = 10", []).unwrap();
        conn.execute(
            "INSERT INTO leads (email_key, created_at, updated_at) VALUES ('m@x.com', 1, 1)",
            [],
        )
        .unwrap();
        assert_eq!(
            conn.last_insert_rowid(),
            11,
            "a removed id is never given again"
        );
    }

    /// Brings a workspace to `version` the way `apply_pending` would have
    /// when that version was the latest.
    fn migrate_to(conn: &mut Connection, version: i64) {
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= version) {
            if recorded_version(conn).unwrap() >= migration.version {
                continue;
            }
            conn.execute_batch(migration.sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                (migration.version, migration.name),
            )
            .unwrap();
        }
        conn.pragma_update(None, "foreign_keys", true).unwrap();
    }

    fn leads_rows(conn: &Connection) -> Vec<Vec<rusqlite::types::Value>> {
        let mut statement = conn.prepare("SELECT * FROM leads ORDER BY id").unwrap();
        let width = statement.column_count();
        statement
            .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
            .unwrap()
            .map(|row| row.unwrap())
            .collect()
    }

    fn leads_columns(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM pragma_table_info('leads') ORDER BY cid")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|n| n.unwrap())
            .collect()
    }

    #[test]
    fn upgrading_from_version_13_keeps_every_lead_and_makes_the_identities_named_indexes() {
        let mut conn = version_1_workspace();
        migrate_to(&mut conn, 13);
        conn.execute_batch(
            "UPDATE leads SET external_id = 'crm-' || id, score_fit = 12.5, score_grade = 'A',
                 ads_opt_in = 1, do_not_sell = 0 WHERE id = 1;
             INSERT INTO leads (email_key, created_at, updated_at) VALUES ('gone@x.com', 1, 1);
             DELETE FROM leads WHERE email_key = 'gone@x.com';",
        )
        .unwrap();
        let sequence_before: i64 = conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'leads'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let (rows_before, columns_before) = (leads_rows(&conn), leads_columns(&conn));

        apply_pending(&mut conn).unwrap();
        assert_eq!(recorded_version(&conn).unwrap(), LATEST_SCHEMA_VERSION);
        assert_eq!(leads_rows(&conn), rows_before);
        assert_eq!(leads_columns(&conn), columns_before);
        let indexes: Vec<(String, bool)> = conn
            .prepare("SELECT name, \"unique\" FROM pragma_index_list('leads') ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|i| i.unwrap())
            .collect();
        let expected = [
            ("leads_company", false),
            ("leads_created_at", false),
            ("leads_email_key", true),
            ("leads_external_id", true),
            ("leads_last_name", false),
        ];
        assert_eq!(
            indexes,
            expected.map(|(name, unique)| (name.to_owned(), unique))
        );

        conn.execute(
            "INSERT INTO leads (email_key, created_at, updated_at) VALUES ('n@x.com', 1, 1)",
            [],
        )
        .unwrap();
        assert_eq!(
            conn.last_insert_rowid(),
            sequence_before + 1,
            "no id given twice"
        );
        for duplicate in [
            "INSERT INTO leads (email_key, created_at, updated_at) VALUES ('a@x.com', 1, 1)",
            "INSERT INTO leads (external_id, created_at, updated_at) VALUES ('crm-1', 1, 1)",
        ] {
            let refused = conn.execute(duplicate, []).unwrap_err().to_string();
            assert!(refused.contains("UNIQUE constraint failed"), "{refused}");
        }
    }

    #[test]
    fn applying_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_pending(&mut conn).unwrap();
        apply_pending(&mut conn).unwrap();
        assert_eq!(recorded_version(&conn).unwrap(), LATEST_SCHEMA_VERSION);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, MIGRATIONS.len() as i64);
    }
}
