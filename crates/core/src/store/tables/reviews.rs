//! The review tables: review cadences of segments (`review_settings`) and
//! recorded segment reviews (`reviews`), and the import records the due
//! list reads (which leads' fields imports changed, which leads they added).

use rusqlite::{params, OptionalExtension, Row};

use crate::{Result, Workspace};

/// A segment's stored review setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewSettingRow {
    pub segment_id: i64,
    /// `None`: never due.
    pub days: Option<i64>,
    pub retired_at: Option<i64>,
}

/// One recorded review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: i64,
    pub segment_id: i64,
    pub reviewed_at: i64,
    pub decision: String,
    pub note: String,
    pub members: i64,
    pub conversion_rate: f64,
    pub engagement_rate: f64,
}

/// Every stored review setting.
pub fn settings(workspace: &Workspace) -> Result<Vec<ReviewSettingRow>> {
    let mut statement = workspace
        .conn()
        .prepare("SELECT segment_id, days, retired_at FROM review_settings ORDER BY segment_id")?;
    let rows = statement.query_map([], |row| {
        Ok(ReviewSettingRow {
            segment_id: row.get(0)?,
            days: row.get(1)?,
            retired_at: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a segment's cadence (`None`: never), keeping its retired mark.
pub fn set_cadence(workspace: &mut Workspace, segment_id: i64, days: Option<i64>) -> Result<()> {
    workspace.conn_mut_for_definitions().execute(
        "INSERT INTO review_settings (segment_id, days) VALUES (?1, ?2)
         ON CONFLICT (segment_id) DO UPDATE SET days = excluded.days",
        params![segment_id, days],
    )?;
    Ok(())
}

fn review_from_row(row: &Row<'_>) -> rusqlite::Result<ReviewRow> {
    Ok(ReviewRow {
        id: row.get(0)?,
        segment_id: row.get(1)?,
        reviewed_at: row.get(2)?,
        decision: row.get(3)?,
        note: row.get(4)?,
        members: row.get(5)?,
        conversion_rate: row.get(6)?,
        engagement_rate: row.get(7)?,
    })
}

const REVIEW_COLUMNS: &str =
    "id, segment_id, reviewed_at, decision, note, members, conversion_rate, engagement_rate";

/// Every review of a segment, newest first.
pub fn list_for(workspace: &Workspace, segment_id: i64) -> Result<Vec<ReviewRow>> {
    let mut statement = workspace.conn().prepare(&format!(
        "SELECT {REVIEW_COLUMNS} FROM reviews WHERE segment_id = ?1 ORDER BY reviewed_at DESC, id DESC"
    ))?;
    let rows = statement.query_map([segment_id], review_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each segment's latest review at or before `as_of`.
pub fn latest_before(workspace: &Workspace, as_of: i64) -> Result<Vec<ReviewRow>> {
    let mut statement = workspace.conn().prepare(&format!(
        "SELECT {REVIEW_COLUMNS} FROM reviews r WHERE reviewed_at <= ?1 AND id = (
             SELECT id FROM reviews x WHERE x.segment_id = r.segment_id AND x.reviewed_at <= ?1
             ORDER BY x.reviewed_at DESC, x.id DESC LIMIT 1)"
    ))?;
    let rows = statement.query_map([as_of], review_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a review and the retired mark it sets (retire) or clears (keep,
/// change), in one transaction; returns the review's id.
pub fn insert(workspace: &mut Workspace, review: &ReviewRow) -> Result<i64> {
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    tx.execute(
        "INSERT INTO reviews (segment_id, reviewed_at, decision, note, members, conversion_rate,
             engagement_rate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            review.segment_id,
            review.reviewed_at,
            review.decision,
            review.note,
            review.members,
            review.conversion_rate,
            review.engagement_rate
        ],
    )?;
    let id = tx.last_insert_rowid();
    let retired_at = (review.decision == "retire").then_some(review.reviewed_at);
    tx.execute(
        "INSERT INTO review_settings (segment_id, days, retired_at) VALUES (?1, 90, ?2)
         ON CONFLICT (segment_id) DO UPDATE SET retired_at = excluded.retired_at",
        params![review.segment_id, retired_at],
    )?;
    tx.commit()?;
    Ok(id)
}

/// For each of `field_keys`: how many distinct leads had that field changed
/// by imports started in `(since, until]` and not undone.
pub fn leads_changed_by_imports(
    workspace: &Workspace,
    field_keys: &[String],
    since: i64,
    until: i64,
) -> Result<Vec<(String, i64)>> {
    let mut statement = workspace.conn().prepare_cached(
        "SELECT COUNT(DISTINCT c.lead_id) FROM import_changes c JOIN imports i ON i.id = c.import_id
         WHERE c.field_key = ?1 AND i.started_at > ?2 AND i.started_at <= ?3 AND i.undone_at IS NULL",
    )?;
    field_keys
        .iter()
        .map(|key| {
            let count: i64 = statement.query_row(params![key, since, until], |row| row.get(0))?;
            Ok((key.clone(), count))
        })
        .collect()
}

/// How many leads imports started in `(since, until]` (and not undone) added.
pub fn leads_added_by_imports(workspace: &Workspace, since: i64, until: i64) -> Result<i64> {
    Ok(workspace
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM leads l JOIN imports i ON i.id = l.import_id
             WHERE i.started_at > ?1 AND i.started_at <= ?2 AND i.undone_at IS NULL",
            params![since, until],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0))
}
