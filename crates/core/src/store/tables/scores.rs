//! The lead score columns of `leads` (`score_fit`, `score_engagement`,
//! `score_total`, `score_grade`, `score_band`, migration 0006): the one bulk
//! write of every lead's scores, clearing them, and the record of the last
//! run (a setting), each in one transaction.

use rusqlite::Transaction;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Result, Workspace};

/// The setting that records the last scoring run.
const LAST_RUN_KEY: &str = "score_last_run";

/// One lead's scores as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredScore<'a> {
    pub lead_id: i64,
    pub fit: f64,
    pub engagement: f64,
    pub total: f64,
    pub grade: &'a str,
    pub band: &'a str,
}

/// Writes every lead's scores and the run's record in one transaction, in
/// one pass: a prepared `UPDATE … WHERE id = ?` per lead (each a rowid
/// lookup on the pages just visited), and for each gap between the ids of
/// `scores` (which must come in increasing id order) a rowid-range `UPDATE`
/// that clears a lead left out, so a lead not in `scores` keeps no score.
/// Returns how many leads were given scores.
pub fn write_all<'a, R: Serialize>(
    workspace: &mut Workspace,
    scores: impl IntoIterator<Item = StoredScore<'a>>,
    record: &R,
) -> Result<u64> {
    let tx = workspace.conn_mut().transaction()?;
    let mut updated = 0u64;
    {
        let mut update = tx.prepare(
            "UPDATE leads SET score_fit = ?2, score_engagement = ?3, score_total = ?4, \
             score_grade = ?5, score_band = ?6 WHERE id = ?1",
        )?;
        let mut clear_between = tx.prepare(&format!(
            "{CLEAR} WHERE id > ?1 AND id < ?2 AND ({ANY_SET})"
        ))?;
        let mut previous = i64::MIN;
        for score in scores {
            if score.lead_id <= previous {
                return Err(crate::Error::InvalidArgument(format!(
                    "lead scores must be written in increasing id order (lead {} after {previous})",
                    score.lead_id
                )));
            }
            if score.lead_id > previous.saturating_add(1) {
                clear_between.execute((previous, score.lead_id))?;
            }
            updated += update.execute((
                score.lead_id,
                score.fit,
                score.engagement,
                score.total,
                score.grade,
                score.band,
            ))? as u64;
            previous = score.lead_id;
        }
        clear_between.execute((previous, i64::MAX))?;
    }
    crate::store::settings::set_in(&tx, LAST_RUN_KEY, record)?;
    tx.commit()?;
    Ok(updated)
}

/// Clears every lead's scores (no model is active) and records the run.
pub fn clear_all<R: Serialize>(workspace: &mut Workspace, record: &R) -> Result<()> {
    let tx = workspace.conn_mut().transaction()?;
    clear_in(&tx)?;
    crate::store::settings::set_in(&tx, LAST_RUN_KEY, record)?;
    tx.commit()?;
    Ok(())
}

const CLEAR: &str = "UPDATE leads SET score_fit = NULL, score_engagement = NULL, \
     score_total = NULL, score_grade = NULL, score_band = NULL";
const ANY_SET: &str = "score_total IS NOT NULL OR score_band IS NOT NULL \
     OR score_grade IS NOT NULL OR score_fit IS NOT NULL OR score_engagement IS NOT NULL";

/// Sets the five columns to NULL where any is set.
fn clear_in(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(&format!("{CLEAR} WHERE {ANY_SET}"), [])?;
    Ok(())
}

/// The record of the last run, if any ran.
pub fn last_run<R: DeserializeOwned>(workspace: &Workspace) -> Result<Option<R>> {
    crate::store::settings::get(workspace, LAST_RUN_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(workspace: &Workspace, email: &str) -> i64 {
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (email, created_at, updated_at) VALUES (?1, 0, 0)",
                [email],
            )
            .unwrap();
        workspace.conn().last_insert_rowid()
    }

    fn stored(workspace: &Workspace, id: i64) -> (Option<f64>, Option<String>) {
        workspace
            .conn()
            .query_row(
                "SELECT score_total, score_band FROM leads WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    #[test]
    fn scores_are_written_cleared_and_the_run_recorded() {
        let mut workspace = Workspace::in_memory().unwrap();
        let a = lead(&workspace, "a@x.io");
        let b = lead(&workspace, "b@x.io");
        let score = StoredScore {
            lead_id: a,
            fit: 10.0,
            engagement: 2.5,
            total: 12.5,
            grade: "C4",
            band: "cold",
        };
        let updated = write_all(&mut workspace, [score], &"first").unwrap();
        assert_eq!(updated, 1);
        assert_eq!(stored(&workspace, a), (Some(12.5), Some("cold".into())));
        assert_eq!(stored(&workspace, b), (None, None));
        assert_eq!(
            last_run::<String>(&workspace).unwrap().as_deref(),
            Some("first")
        );
        // A second run starts from nothing: a lead it leaves out has no score.
        write_all(
            &mut workspace,
            [StoredScore {
                lead_id: b,
                ..score
            }],
            &"second",
        )
        .unwrap();
        assert_eq!(stored(&workspace, a), (None, None));
        assert_eq!(stored(&workspace, b), (Some(12.5), Some("cold".into())));
        // Leads between, before and after the scored ones are cleared too.
        let c = lead(&workspace, "c@x.io");
        write_all(
            &mut workspace,
            [a, b, c].map(|lead_id| StoredScore { lead_id, ..score }),
            &"all",
        )
        .unwrap();
        write_all(&mut workspace, [StoredScore { lead_id: b, ..score }], &"middle").unwrap();
        assert_eq!(stored(&workspace, a), (None, None));
        assert_eq!(stored(&workspace, c), (None, None));
        assert_eq!(stored(&workspace, b), (Some(12.5), Some("cold".into())));
        let unordered = [c, a].map(|lead_id| StoredScore { lead_id, ..score });
        assert!(write_all(&mut workspace, unordered, &"x").is_err());
        assert_eq!(stored(&workspace, b), (Some(12.5), Some("cold".into())));
        clear_all(&mut workspace, &"cleared").unwrap();
        assert_eq!(stored(&workspace, b), (None, None));
        assert_eq!(
            last_run::<String>(&workspace).unwrap().as_deref(),
            Some("cleared")
        );
    }
}
