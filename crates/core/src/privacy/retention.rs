//! Retention: deleting or anonymising leads without activity for N months, with a preview (issue 15).
//!
//! A lead's last activity is the latest of its last event, its last
//! update (an import or fix changing it: `updated_at`) and its creation.
//! A lead is inactive for N months when that is before now minus N
//! calendar months. The run takes a backup (`before-retention`), then in
//! one transaction with `secure_delete` on either deletes the leads and
//! everything hanging off them (as erasure does, without the suppression
//! list: retention is the workspace's policy, not the person's request) or
//! anonymises them (clears [`ANONYMISED_COLUMNS`] and custom text fields,
//! keeps the rest and the events); audit entry `retention` with counts.
//! The months are remembered in the setting `retention_months`.

use std::path::PathBuf;

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::store::backup::BackupBefore;
use crate::store::tables::{audit, erasure};
use crate::{DataChange, Error, Result, Workspace};

/// The setting that remembers the months last used.
pub const MONTHS_SETTING: &str = "retention_months";

/// The columns anonymisation clears: who the person is and how to reach
/// them. Country, region, industry, size, lifecycle, consent, scores and
/// events stay, so reports by segment keep their counts.
pub const ANONYMISED_COLUMNS: [&str; 9] = [
    "email",
    "email_key",
    "external_id",
    "first_name",
    "last_name",
    "phone",
    "company",
    "job_title",
    "city",
];

/// What a retention run does with inactive leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RetentionMode {
    Delete,
    Anonymise,
}

/// One inactive lead in the preview's sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetentionLead {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    /// ISO-8601 UTC.
    pub last_activity: String,
}

/// Who and how many a run would touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetentionPreview {
    pub months: u32,
    /// Activity before this instant (ISO-8601 UTC) counts as inactive.
    pub cutoff: String,
    #[ts(type = "number")]
    pub count: u64,
    pub oldest_activity: Option<String>,
    /// The first inactive leads, oldest activity first.
    pub sample: Vec<RetentionLead>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetentionReport {
    pub months: u32,
    pub mode: RetentionMode,
    pub cutoff: String,
    /// Leads deleted or anonymised.
    #[ts(type = "number")]
    pub leads: u64,
    #[ts(type = "number")]
    pub events_deleted: u64,
    pub backup: Option<String>,
    pub problems: Vec<String>,
}

/// How many leads a preview names.
pub const SAMPLE_SIZE: u64 = 50;

/// The cutoff for `months` months before `now`.
pub fn cutoff(months: u32, now: i64) -> Result<i64> {
    if months == 0 {
        return Err(Error::InvalidArgument(
            "retention: the inactive months must be at least 1".into(),
        ));
    }
    let now = chrono::DateTime::from_timestamp(now, 0)
        .ok_or_else(|| Error::InvalidArgument(format!("retention: {now} is no time")))?;
    now.checked_sub_months(chrono::Months::new(months))
        .map(|t| t.timestamp())
        .ok_or_else(|| Error::InvalidArgument(format!("retention: {months} months is too long")))
}

/// Who and how many are inactive for `months` months.
pub fn preview(workspace: &Workspace, months: u32) -> Result<RetentionPreview> {
    let cut = cutoff(months, crate::time::now())?;
    let conn = workspace.conn();
    let count = erasure::count_inactive_since(conn, cut)?;
    let first = erasure::inactive_since(conn, cut, Some(SAMPLE_SIZE))?;
    let ids: Vec<i64> = first.iter().map(|(id, _)| *id).collect();
    let lines = crate::store::tables::history::lead_lines(conn, &ids)?;
    let sample = first
        .iter()
        .map(|(id, last)| RetentionLead {
            id: *id,
            title: lines
                .get(id)
                .map(|line| {
                    let name = [&line.first_name, &line.last_name]
                        .into_iter()
                        .flatten()
                        .map(|n| n.trim())
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if name.is_empty() {
                        line.email.clone().unwrap_or_default()
                    } else {
                        name
                    }
                })
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("Lead #{id}")),
            last_activity: crate::leads::iso_datetime(*last),
        })
        .collect();
    Ok(RetentionPreview {
        months,
        cutoff: crate::leads::iso_datetime(cut),
        count,
        oldest_activity: first
            .first()
            .map(|(_, last)| crate::leads::iso_datetime(*last)),
        sample,
    })
}

/// The months last used, if any.
pub fn saved_months(workspace: &Workspace) -> Result<Option<u32>> {
    crate::store::settings::get(workspace, MONTHS_SETTING)
}

/// Remembers `months`; the store audits a change (`settings`).
pub fn save_months(workspace: &mut Workspace, months: u32) -> Result<()> {
    cutoff(months, crate::time::now())?;
    if saved_months(workspace)? == Some(months) {
        return Ok(());
    }
    crate::store::settings::set(workspace, MONTHS_SETTING, &months)
}

/// Deletes or anonymises every lead inactive for `months` months.
pub fn run(workspace: &mut Workspace, months: u32, mode: RetentionMode) -> Result<RetentionReport> {
    let cut = cutoff(months, crate::time::now())?;
    save_months(workspace, months)?;
    let ids: Vec<i64> = erasure::inactive_since(workspace.conn(), cut, None)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // Alone, a copy of the file first; beside the app's other connections,
    // copied beside the run, which finishes it before it commits.
    let backup = if ids.is_empty() {
        None
    } else {
        Some(crate::store::backup::take_before_log_write(
            workspace,
            "before-retention",
        )?)
    };
    erasure::set_secure_delete(workspace.conn(), true)?;
    let done = run_in_transaction(workspace, &ids, backup, months, mode, cut);
    let reset = erasure::set_secure_delete(workspace.conn(), false);
    let (leads, events_deleted, backup) = done?;
    reset?;
    let problems = if ids.is_empty() {
        Vec::new()
    } else {
        workspace.after_data_change(DataChange::Import)
    };
    erasure::checkpoint_truncate(workspace.conn())?;
    Ok(RetentionReport {
        months,
        mode,
        cutoff: crate::leads::iso_datetime(cut),
        leads,
        events_deleted,
        backup: backup.map(|p| p.to_string_lossy().into_owned()),
        problems,
    })
}

/// The run's one transaction: the leads deleted or cleared, and the
/// events deleted, with the backup's file once `backup` finished.
fn run_in_transaction(
    workspace: &mut Workspace,
    ids: &[i64],
    backup: Option<BackupBefore>,
    months: u32,
    mode: RetentionMode,
    cut: i64,
) -> Result<(u64, u64, Option<PathBuf>)> {
    // As an erasure: the derived parts carried across, forgetting the
    // leads deleted or cleared (past one lead in 256 cleared, the index's
    // parts are deleted instead); the quick search's keys stored again
    // without them.
    let (conn, carry) = workspace.conn_mut_for_lead_rows()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    erasure::stage_ids(&tx, ids)?;
    let (leads, events) = match mode {
        RetentionMode::Delete => {
            let erased = erasure::erase_staged(&tx, ids)?;
            (erased.leads, erased.events)
        }
        RetentionMode::Anonymise => (erasure::anonymise_staged(&tx, &ANONYMISED_COLUMNS)?, 0),
    };
    audit::record(
        &tx,
        "retention",
        &json!({
            "months": months, "mode": mode, "cutoff": crate::leads::iso_datetime(cut),
            "leads": leads, "events_deleted": events,
        }),
    )?;
    tx.execute_batch("DELETE FROM temp.erased_ids")?;
    carry.carry_forgetting(&tx, ids)?;
    let backup = match backup {
        Some(backup) => backup.finish()?,
        None => None,
    };
    tx.commit()?;
    Ok((leads, events, backup))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn lead(workspace: &Workspace, email: &str, created: i64) -> i64 {
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (email, email_key, first_name, country, created_at, updated_at)
                 VALUES (?1, ?1, 'Ann', 'DE', ?2, ?2)",
                (email, created),
            )
            .unwrap();
        workspace.conn().last_insert_rowid()
    }

    fn event(workspace: &Workspace, lead_id: i64, at: i64) {
        workspace
            .conn()
            .execute(
                "INSERT INTO events (lead_id, type, occurred_at, properties) VALUES (?1, 'page_view', ?2, '{}')",
                (lead_id, at),
            )
            .unwrap();
    }

    #[test]
    fn activity_is_the_latest_of_event_update_and_creation() {
        let mut workspace = Workspace::in_memory().unwrap();
        let now = crate::time::now();
        let old = lead(&workspace, "old@x.io", now - 800 * DAY);
        let _recent = lead(&workspace, "new@x.io", now - 10 * DAY);
        let revived = lead(&workspace, "rev@x.io", now - 800 * DAY);
        event(&workspace, revived, now - 5 * DAY);
        event(&workspace, old, now - 700 * DAY);
        let seen = preview(&workspace, 12).unwrap();
        assert_eq!(seen.count, 1);
        assert_eq!(seen.sample[0].id, old);
        assert_eq!(
            seen.oldest_activity.as_deref(),
            Some(crate::leads::iso_datetime(now - 700 * DAY).as_str())
        );
        let report = run(&mut workspace, 12, RetentionMode::Delete).unwrap();
        assert_eq!((report.leads, report.events_deleted), (1, 1));
        assert_eq!(crate::store::tables::leads::count(&workspace).unwrap(), 2);
        assert_eq!(saved_months(&workspace).unwrap(), Some(12));
        let audited: i64 = workspace
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action IN ('retention', 'settings')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 2);
    }

    #[test]
    fn anonymising_clears_who_and_keeps_the_rest() {
        let mut workspace = Workspace::in_memory().unwrap();
        let now = crate::time::now();
        let old = lead(&workspace, "old@x.io", now - 800 * DAY);
        event(&workspace, old, now - 700 * DAY);
        let report = run(&mut workspace, 6, RetentionMode::Anonymise).unwrap();
        assert_eq!(report.leads, 1);
        let (email, name, country, events): (Option<String>, Option<String>, String, i64) = workspace
            .conn()
            .query_row(
                "SELECT email, first_name, country, (SELECT count(*) FROM events) FROM leads WHERE id = ?1",
                [old],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (email, name, country.as_str(), events),
            (None, None, "DE", 1)
        );
    }

    /// A retention run keeps the segment index's parts, carried without the
    /// leads it deleted or cleared, and stores the quick search's keys
    /// again without theirs: each count from the carried parts is the count
    /// a build from SQL gives.
    #[test]
    fn a_run_carries_the_segment_index_and_the_search_keys_without_the_leads() {
        use crate::segments::rules::RuleGroup;
        use crate::store::tables::derived_cache;
        let rules = |json: serde_json::Value| serde_json::from_value::<RuleGroup>(json).unwrap();
        let sets = [
            rules(json!({"combinator": "and", "rules": [
                {"field": "country", "operator": "=", "value": "DE"}]})),
            rules(json!({"combinator": "and", "rules": [
                {"field": "first_name", "operator": "=", "value": "Ann"}]})),
            rules(json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]})),
        ];
        let counts = |workspace: &Workspace| {
            let refs: Vec<&RuleGroup> = sets.iter().collect();
            crate::segments::count_many(workspace, &refs, i64::MAX / 2).unwrap()
        };
        for mode in [RetentionMode::Delete, RetentionMode::Anonymise] {
            let mut workspace = Workspace::in_memory().unwrap();
            let now = crate::time::now();
            let spec = crate::demo::DemoSpec {
                leads: 200,
                events_per_lead: 4,
                seed: 8,
                anchor: now,
            };
            crate::demo::generate(&mut workspace, &spec).unwrap();
            // The recent lead first: the first holder of "DE" and "Ann",
            // whose spellings the carried columns then show.
            let _ = lead(&workspace, "recent@x.io", now - 10 * DAY);
            for n in 0..3 {
                let old = lead(&workspace, &format!("old{n}@x.io"), now - 800 * DAY);
                event(&workspace, old, now - 770 * DAY);
            }
            // Written behind the store's back: the parts are built again.
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            workspace.clear_derived();
            let before = counts(&workspace);
            assert!(crate::leads::store_search_keys(&workspace).unwrap());
            let form = crate::leads::stored_search_form(workspace.conn()).unwrap();
            assert!(form.windows(9).any(|window| window == b"old0@x.io"));

            let report = run(&mut workspace, 24, mode).unwrap();
            assert_eq!(report.leads, 3, "{mode:?}");
            let kept = derived_cache::part_names(workspace.conn());
            for part in [
                "segment-index/v1/field/country",
                "segment-index/v1/field/first_name",
                "segment-index/v1/events/page_view",
            ] {
                assert!(kept.iter().any(|n| n == part), "{mode:?} {part}: {kept:?}");
            }
            let form = crate::leads::stored_search_form(workspace.conn()).expect("stored keys");
            let holds = |needle: &[u8]| form.windows(needle.len()).any(|window| window == needle);
            assert!(!holds(b"old0@x.io") && !holds(b"old2@x.io"), "{mode:?}");
            assert!(holds(b"recent@x.io"), "{mode:?}");
            workspace.clear_derived();
            let carried = counts(&workspace);
            let expected = match mode {
                RetentionMode::Delete => [before[0] - 3, before[1] - 3, before[2] - 3],
                RetentionMode::Anonymise => [before[0], before[1] - 3, before[2]],
            };
            assert_eq!(carried, expected, "{mode:?}");
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            workspace.clear_derived();
            assert_eq!(counts(&workspace), carried, "{mode:?}: as built from SQL");
        }
    }

    #[test]
    fn zero_months_is_refused() {
        assert!(cutoff(0, 0).is_err());
        assert_eq!(cutoff(1, 31 * DAY + 59 * DAY).unwrap(), 59 * DAY);
    }
}
