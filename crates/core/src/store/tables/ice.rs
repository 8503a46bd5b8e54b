//! The `ice_scores` table: ICE scores of segments and streams, one row per
//! target (`target_kind` `segment` or `stream`, and its id), each score 1-10
//! or empty, a note per score and one for the row. The table's triggers
//! delete a target's row when the segment or stream is deleted.

use rusqlite::{OptionalExtension, Row};

use crate::{Result, Workspace};

/// One stored row. `kind` is `segment` or `stream`; `ease` is stored as
/// ease (10 = the easiest) whatever the formula.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IceRow {
    pub kind: String,
    pub target_id: i64,
    pub impact: Option<u8>,
    pub confidence: Option<u8>,
    pub ease: Option<u8>,
    pub note_impact: String,
    pub note_confidence: String,
    pub note_ease: String,
    pub note: String,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT target_kind, target_id, impact, confidence, ease, \
     note_impact, note_confidence, note_ease, note, updated_at FROM ice_scores";

fn from_row(row: &Row<'_>) -> rusqlite::Result<IceRow> {
    Ok(IceRow {
        kind: row.get(0)?,
        target_id: row.get(1)?,
        impact: row.get(2)?,
        confidence: row.get(3)?,
        ease: row.get(4)?,
        note_impact: row.get(5)?,
        note_confidence: row.get(6)?,
        note_ease: row.get(7)?,
        note: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

/// Every stored row.
pub fn list(workspace: &Workspace) -> Result<Vec<IceRow>> {
    let mut statement = workspace
        .conn()
        .prepare(&format!("{SELECT} ORDER BY target_kind, target_id"))?;
    let rows = statement.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The row of target `kind`/`target_id`, if it was ever scored.
pub fn get(workspace: &Workspace, kind: &str, target_id: i64) -> Result<Option<IceRow>> {
    Ok(workspace
        .conn()
        .query_row(
            &format!("{SELECT} WHERE target_kind = ?1 AND target_id = ?2"),
            (kind, target_id),
            from_row,
        )
        .optional()?)
}

/// Writes `row` whole, replacing the target's previous row.
pub fn put(workspace: &mut Workspace, row: &IceRow) -> Result<()> {
    workspace.conn_mut_for_definitions().execute(
        "INSERT OR REPLACE INTO ice_scores (target_kind, target_id, impact, confidence, ease, \
         note_impact, note_confidence, note_ease, note, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            row.kind,
            row.target_id,
            row.impact,
            row.confidence,
            row.ease,
            row.note_impact,
            row.note_confidence,
            row.note_ease,
            row.note,
            row.updated_at
        ],
    )?;
    Ok(())
}

/// Deletes the target's row; whether there was one.
pub fn delete(workspace: &mut Workspace, kind: &str, target_id: i64) -> Result<bool> {
    let deleted = workspace.conn_mut_for_definitions().execute(
        "DELETE FROM ice_scores WHERE target_kind = ?1 AND target_id = ?2",
        (kind, target_id),
    )?;
    Ok(deleted > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_read_back_replaced_and_deleted() {
        let mut ws = Workspace::in_memory().unwrap();
        let row = IceRow {
            kind: "segment".into(),
            target_id: 7,
            impact: Some(8),
            confidence: None,
            ease: Some(3),
            note_impact: "big".into(),
            updated_at: 10,
            ..IceRow::default()
        };
        put(&mut ws, &row).unwrap();
        assert_eq!(get(&ws, "segment", 7).unwrap(), Some(row.clone()));
        assert_eq!(get(&ws, "stream", 7).unwrap(), None);
        let replaced = IceRow {
            confidence: Some(5),
            ..row
        };
        put(&mut ws, &replaced).unwrap();
        assert_eq!(list(&ws).unwrap(), vec![replaced]);
        assert!(delete(&mut ws, "segment", 7).unwrap());
        assert!(list(&ws).unwrap().is_empty());
    }

    #[test]
    fn scores_outside_one_to_ten_are_refused_by_the_table() {
        let mut ws = Workspace::in_memory().unwrap();
        let row = IceRow {
            kind: "segment".into(),
            target_id: 1,
            impact: Some(11),
            ..IceRow::default()
        };
        assert!(put(&mut ws, &row).is_err());
    }
}
