//! The `scoring_models` table: named scoring model definitions (JSON text
//! the scoring module reads), at most one active.

use rusqlite::{Connection, OptionalExtension};

use crate::{Error, Result, Workspace};

/// One stored scoring model, its definition as stored JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRow {
    pub id: i64,
    pub name: String,
    pub is_active: bool,
    pub definition: String,
}

fn row_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<ModelRow> {
    Ok(ModelRow {
        id: row.get(0)?,
        name: row.get(1)?,
        is_active: row.get(2)?,
        definition: row.get(3)?,
    })
}

/// Every model, the active one first, then by name.
pub fn list(workspace: &Workspace) -> Result<Vec<ModelRow>> {
    let mut statement = workspace.conn().prepare(
        "SELECT id, name, is_active, definition FROM scoring_models ORDER BY is_active DESC, name, id",
    )?;
    let rows = statement.query_map([], row_of)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Model `id`, if it exists.
pub fn get(workspace: &Workspace, id: i64) -> Result<Option<ModelRow>> {
    get_on(workspace.conn(), id)
}

fn get_on(conn: &Connection, id: i64) -> Result<Option<ModelRow>> {
    Ok(conn
        .query_row(
            "SELECT id, name, is_active, definition FROM scoring_models WHERE id = ?1",
            [id],
            row_of,
        )
        .optional()?)
}

/// The active model, if any.
pub fn active(workspace: &Workspace) -> Result<Option<ModelRow>> {
    Ok(workspace
        .conn()
        .query_row(
            "SELECT id, name, is_active, definition FROM scoring_models WHERE is_active = 1",
            [],
            row_of,
        )
        .optional()?)
}

/// Saves a model: a new one when `id` is `None`, else replaces model `id`'s
/// name and definition. A name another model has is refused. Returns the id.
pub fn save(
    workspace: &mut Workspace,
    id: Option<i64>,
    name: &str,
    definition: &str,
) -> Result<i64> {
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    let taken: Option<i64> = tx
        .query_row(
            "SELECT id FROM scoring_models WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .optional()?;
    if taken.is_some_and(|other| Some(other) != id) {
        return Err(Error::InvalidArgument(format!(
            "a scoring model is already named “{name}”: choose another name"
        )));
    }
    let id = match id {
        None => {
            tx.execute(
                "INSERT INTO scoring_models (name, definition) VALUES (?1, ?2)",
                (name, definition),
            )?;
            tx.last_insert_rowid()
        }
        Some(id) => {
            let changed = tx.execute(
                "UPDATE scoring_models SET name = ?2, definition = ?3, updated_at = unixepoch() WHERE id = ?1",
                (id, name, definition),
            )?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "scoring model",
                    key: id.to_string(),
                });
            }
            id
        }
    };
    tx.commit()?;
    Ok(id)
}

/// Makes model `id` the active one (and no other).
pub fn activate(workspace: &mut Workspace, id: i64) -> Result<()> {
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    if get_on(&tx, id)?.is_none() {
        return Err(Error::NotFound {
            what: "scoring model",
            key: id.to_string(),
        });
    }
    tx.execute(
        "UPDATE scoring_models SET is_active = 0 WHERE is_active = 1",
        [],
    )?;
    tx.execute(
        "UPDATE scoring_models SET is_active = 1 WHERE id = ?1",
        [id],
    )?;
    tx.commit()?;
    Ok(())
}

/// Deletes model `id`; false when there was none.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<bool> {
    let deleted = workspace
        .conn_mut_for_definitions()
        .execute("DELETE FROM scoring_models WHERE id = ?1", [id])?;
    Ok(deleted > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_save_rename_activate_and_delete() {
        let mut workspace = Workspace::in_memory_store().unwrap();
        let a = save(&mut workspace, None, "A", "{}").unwrap();
        let b = save(&mut workspace, None, "B", "{}").unwrap();
        assert!(save(&mut workspace, None, "A", "{}")
            .unwrap_err()
            .to_string()
            .contains("already named"));
        assert!(active(&workspace).unwrap().is_none());
        activate(&mut workspace, b).unwrap();
        activate(&mut workspace, a).unwrap();
        assert_eq!(active(&workspace).unwrap().unwrap().id, a);
        assert_eq!(
            list(&workspace).unwrap()[0].id,
            a,
            "the active model comes first"
        );
        save(&mut workspace, Some(b), "B2", "{\"x\":1}").unwrap();
        assert_eq!(get(&workspace, b).unwrap().unwrap().name, "B2");
        assert!(matches!(
            activate(&mut workspace, 99),
            Err(Error::NotFound { .. })
        ));
        assert!(delete(&mut workspace, a).unwrap());
        assert!(!delete(&mut workspace, a).unwrap());
        assert!(active(&workspace).unwrap().is_none());
    }
}
