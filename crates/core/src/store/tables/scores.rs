//! The lead score columns of `leads` (`score_fit`, `score_engagement`,
//! `score_total`, `score_grade`, `score_band`, migration 0006): the one bulk
//! write of every lead's changed scores, clearing them, and the record of
//! the last run (a setting), each in one transaction.

use rusqlite::{Connection, Transaction, TransactionBehavior};
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

/// A lead's five stored score values, hashed: what a run compares to skip
/// the leads whose scores did not change.
fn fingerprint(
    fit: Option<f64>,
    engagement: Option<f64>,
    total: Option<f64>,
    grade: Option<&str>,
    band: Option<&str>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for number in [fit, engagement, total] {
        number.map(f64::to_bits).hash(&mut hasher);
    }
    grade.hash(&mut hasher);
    band.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of a lead with no score.
fn unscored() -> u64 {
    fingerprint(None, None, None, None, None)
}

/// Every lead's id and the fingerprint of its stored scores, by id: one
/// scan of `leads`, 16 bytes a lead.
fn stored_fingerprints(tx: &Transaction<'_>) -> Result<Vec<(i64, u64)>> {
    let mut statement = tx.prepare(
        "SELECT id, score_fit, score_engagement, score_total, score_grade, score_band \
         FROM leads ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            fingerprint(
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get::<_, Option<String>>(4)?.as_deref(),
                row.get::<_, Option<String>>(5)?.as_deref(),
            ),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored fingerprints as read before the write lock: what they were,
/// and this connection's `data_version` in the same read transaction.
struct ReadBeforeTheLock {
    fingerprints: Vec<(i64, u64)>,
    data_version: i64,
}

/// Reads every lead's stored fingerprint in a read transaction of its own,
/// before the write takes the lock: at 1M leads a cold scan takes seconds,
/// and every other writer (a save in the app) would wait for it.
fn read_before_the_lock(conn: &Connection) -> Result<ReadBeforeTheLock> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
    let fingerprints = stored_fingerprints(&tx)?;
    let data_version = super::derived_cache::data_version(&tx)?;
    tx.commit()?;
    Ok(ReadBeforeTheLock {
        fingerprints,
        data_version,
    })
}

/// The stored fingerprints under the write lock: those read before it if no
/// other connection committed since (its `data_version` is the same), else
/// read again.
fn fingerprints_under_the_lock(
    tx: &Transaction<'_>,
    before: ReadBeforeTheLock,
) -> Result<Vec<(i64, u64)>> {
    if super::derived_cache::data_version(tx)? == before.data_version {
        Ok(before.fingerprints)
    } else {
        stored_fingerprints(tx)
    }
}

/// Writes every lead's scores and the run's record in one transaction.
/// `scores` must come in increasing id order. The stored scores are read
/// first (one scan, before the write lock: [`read_before_the_lock`]), and
/// only the leads whose five values change are written, each with a
/// prepared `UPDATE … WHERE id = ?`; a lead not in `scores` that has a score
/// is cleared. Returns how many leads were written
/// (changed or cleared). The parts of the derived cache for which
/// `survives` holds stay cached (see [`Workspace::conn_mut_keeping`]): the
/// caller names those that never read the five columns.
pub fn write_all<'a, R: Serialize>(
    workspace: &mut Workspace,
    scores: impl IntoIterator<Item = StoredScore<'a>>,
    record: &R,
    survives: impl Fn(&str) -> bool,
) -> Result<u64> {
    let mark = workspace.lead_changes_mark();
    let before = read_before_the_lock(workspace.conn())?;
    // Immediate, right after the generation's bump: no other connection can
    // store a derived part for the new generation from the scores before
    // this write.
    let tx = workspace
        .conn_mut_keeping(survives)?
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = fingerprints_under_the_lock(&tx, before)?;
    let empty = unscored();
    let mut written = 0u64;
    {
        let mut update = tx.prepare(
            "UPDATE leads SET score_fit = ?2, score_engagement = ?3, score_total = ?4, \
             score_grade = ?5, score_band = ?6 WHERE id = ?1",
        )?;
        let mut clear = tx.prepare(&format!("{CLEAR} WHERE id = ?1"))?;
        let mut existing = stored.iter().peekable();
        let mut previous = i64::MIN;
        for score in scores {
            if score.lead_id <= previous {
                return Err(crate::Error::InvalidArgument(format!(
                    "lead scores must be written in increasing id order (lead {} after {previous})",
                    score.lead_id
                )));
            }
            previous = score.lead_id;
            let mut current = None;
            while let Some(&&(id, print)) = existing.peek() {
                if id > score.lead_id {
                    break;
                }
                existing.next();
                if id == score.lead_id {
                    current = Some(print);
                } else if print != empty {
                    written += clear.execute([id])? as u64;
                }
            }
            let new = fingerprint(
                Some(score.fit),
                Some(score.engagement),
                Some(score.total),
                Some(score.grade),
                Some(score.band),
            );
            if current != Some(new) {
                written += update.execute((
                    score.lead_id,
                    score.fit,
                    score.engagement,
                    score.total,
                    score.grade,
                    score.band,
                ))? as u64;
            }
        }
        for &(id, print) in existing {
            if print != empty {
                written += clear.execute([id])? as u64;
            }
        }
    }
    crate::store::settings::set_in(&tx, LAST_RUN_KEY, record)?;
    tx.commit()?;
    // Only score columns changed: the quick search need not re-read the leads.
    workspace.forget_lead_changes_since(mark);
    Ok(written)
}

/// Clears every lead's scores (no model is active) and records the run.
pub fn clear_all<R: Serialize>(
    workspace: &mut Workspace,
    record: &R,
    survives: impl Fn(&str) -> bool,
) -> Result<()> {
    let mark = workspace.lead_changes_mark();
    let tx = workspace.conn_mut_keeping(survives)?.transaction()?;
    clear_in(&tx)?;
    crate::store::settings::set_in(&tx, LAST_RUN_KEY, record)?;
    tx.commit()?;
    workspace.forget_lead_changes_since(mark);
    Ok(())
}

const CLEAR: &str = "UPDATE leads SET score_fit = NULL, score_engagement = NULL, \
     score_total = NULL, score_grade = NULL, score_band = NULL";
/// Leads with any of the five set.
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
    fn a_score_write_leaves_no_notes_for_the_quick_search() {
        let mut workspace = Workspace::in_memory().unwrap();
        let a = lead(&workspace, "a@x.io");
        let noted = workspace.lead_changes_noted();
        assert!(noted > 0, "the insert is noted");
        let score = StoredScore {
            lead_id: a,
            fit: 1.0,
            engagement: 1.0,
            total: 2.0,
            grade: "C4",
            band: "cold",
        };
        assert_eq!(
            write_all(&mut workspace, [score], &"run", |_| false).unwrap(),
            1
        );
        assert_eq!(workspace.lead_changes_noted(), noted);
        clear_all(&mut workspace, &"cleared", |_| false).unwrap();
        assert_eq!(workspace.lead_changes_noted(), noted);
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
        let written = write_all(&mut workspace, [score], &"first", |_| false).unwrap();
        assert_eq!(written, 1);
        // The same scores again: nothing to write.
        assert_eq!(
            write_all(&mut workspace, [score], &"again", |_| false).unwrap(),
            0
        );
        assert_eq!(stored(&workspace, a), (Some(12.5), Some("cold".into())));
        assert_eq!(stored(&workspace, b), (None, None));
        assert_eq!(
            last_run::<String>(&workspace).unwrap().as_deref(),
            Some("again")
        );
        // A second run starts from nothing: a lead it leaves out has no score.
        write_all(
            &mut workspace,
            [StoredScore {
                lead_id: b,
                ..score
            }],
            &"second",
            |_| false,
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
            |_| false,
        )
        .unwrap();
        write_all(
            &mut workspace,
            [StoredScore {
                lead_id: b,
                ..score
            }],
            &"middle",
            |_| false,
        )
        .unwrap();
        assert_eq!(stored(&workspace, a), (None, None));
        assert_eq!(stored(&workspace, c), (None, None));
        assert_eq!(stored(&workspace, b), (Some(12.5), Some("cold".into())));
        let unordered = [c, a].map(|lead_id| StoredScore { lead_id, ..score });
        assert!(write_all(&mut workspace, unordered, &"x", |_| false).is_err());
        assert_eq!(stored(&workspace, b), (Some(12.5), Some("cold".into())));
        clear_all(&mut workspace, &"cleared", |_| false).unwrap();
        assert_eq!(stored(&workspace, b), (None, None));
        assert_eq!(
            last_run::<String>(&workspace).unwrap().as_deref(),
            Some("cleared")
        );
    }

    #[test]
    fn scores_read_before_the_lock_are_read_again_if_another_connection_wrote_since() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.leadstream");
        let mut scorer = Workspace::create(&path).unwrap();
        let a = lead(&scorer, "a@x.io");
        let mut other = Workspace::open(&path).unwrap();
        let quiet = read_before_the_lock(scorer.conn()).unwrap();
        let as_read = quiet.fingerprints.clone();
        assert_eq!(as_read, vec![(a, unscored())]);
        let read_again = |scorer: &mut Workspace, before| {
            let tx = scorer
                .conn_mut()
                .unwrap()
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            fingerprints_under_the_lock(&tx, before).unwrap()
        };
        // Nothing written since: what was read stands.
        assert_eq!(read_again(&mut scorer, quiet), as_read);
        // Another connection scores the lead after the read: read again.
        let before = read_before_the_lock(scorer.conn()).unwrap();
        other
            .conn_mut()
            .unwrap()
            .execute("UPDATE leads SET score_total = 7 WHERE id = ?1", [a])
            .unwrap();
        let under_the_lock = read_again(&mut scorer, before);
        let now = fingerprint(None, None, Some(7.0), None, None);
        assert_eq!(under_the_lock, vec![(a, now)]);
        // So the write sees the other's score, and clears it for a run
        // that leaves the lead out.
        assert_eq!(write_all(&mut scorer, [], &"none", |_| false).unwrap(), 1);
        assert_eq!(stored(&scorer, a), (None, None));
    }
}
