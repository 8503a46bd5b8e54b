//! The goal tables: SMART goals of segments and streams (`goals`).

use rusqlite::{params, OptionalExtension, Row};

use crate::{Result, Workspace};

/// One stored goal, as its columns hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalRow {
    pub id: i64,
    pub name: String,
    pub segment_id: Option<i64>,
    pub stream_id: Option<i64>,
    pub metric: String,
    /// JSON array of event types.
    pub outcome_types: String,
    pub objective: String,
    pub baseline: f64,
    pub baseline_at: i64,
    pub target: f64,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub deadline: String,
    /// JSON.
    pub feasibility: String,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, name, segment_id, stream_id, metric, outcome_types, objective, baseline, \
     baseline_at, target, start_date, deadline, feasibility, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<GoalRow> {
    Ok(GoalRow {
        id: row.get(0)?,
        name: row.get(1)?,
        segment_id: row.get(2)?,
        stream_id: row.get(3)?,
        metric: row.get(4)?,
        outcome_types: row.get(5)?,
        objective: row.get(6)?,
        baseline: row.get(7)?,
        baseline_at: row.get(8)?,
        target: row.get(9)?,
        start_date: row.get(10)?,
        deadline: row.get(11)?,
        feasibility: row.get(12)?,
        created_at: row.get(13)?,
    })
}

/// Every goal, by deadline then id.
pub fn list(workspace: &Workspace) -> Result<Vec<GoalRow>> {
    let mut statement = workspace.conn().prepare(&format!(
        "SELECT {COLUMNS} FROM goals ORDER BY deadline, id"
    ))?;
    let rows = statement.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Goal `id`; `None` when there is none.
pub fn get(workspace: &Workspace, id: i64) -> Result<Option<GoalRow>> {
    Ok(workspace
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM goals WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// Stores a new goal (its `id` is ignored); returns the new id.
pub fn insert(workspace: &mut Workspace, goal: &GoalRow) -> Result<i64> {
    let conn = workspace.conn_mut_for_definitions();
    conn.execute(
        "INSERT INTO goals (name, segment_id, stream_id, metric, outcome_types, objective, baseline,
             baseline_at, target, start_date, deadline, feasibility, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            goal.name,
            goal.segment_id,
            goal.stream_id,
            goal.metric,
            goal.outcome_types,
            goal.objective,
            goal.baseline,
            goal.baseline_at,
            goal.target,
            goal.start_date,
            goal.deadline,
            goal.feasibility,
            goal.created_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Deletes goal `id`; whether there was one.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<bool> {
    Ok(workspace
        .conn_mut_for_definitions()
        .execute("DELETE FROM goals WHERE id = ?1", [id])?
        > 0)
}
