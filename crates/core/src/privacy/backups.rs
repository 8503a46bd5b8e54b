//! Backups of the workspace before risky changes and daily, kept, listed
//! and restored (issue 15). The files and the copying are the store's
//! (`store::backup`); this module adds what a user does with them: a backup
//! taken on request and a restore, each in the audit log, and the overview
//! the Backups tab shows.

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::backup::{self, BackupInfo};
use crate::store::restore;
use crate::store::tables::{audit, leads};
use crate::workspace_open::DataChange;
use crate::{Error, Result, Workspace};

/// The reason of a backup taken on request without one.
pub const MANUAL_REASON: &str = "manual";

/// What the Backups tab shows: the backups, newest first, and how many are
/// kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupsOverview {
    pub backups: Vec<BackupInfo>,
    pub keep: u32,
    /// The folder that holds them; `None` for a workspace in memory.
    pub folder: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreOutcome {
    /// The backup that now is the workspace.
    pub restored: String,
    /// The backup of the state before the restore (restore it to go back).
    pub safety_backup: Option<String>,
    #[ts(type = "number")]
    pub leads_before: u64,
    #[ts(type = "number")]
    pub leads_after: u64,
    /// What could not follow the restore (scores, segment history).
    pub warnings: Vec<String>,
}

/// The backups of `workspace` and how many are kept.
pub fn overview(workspace: &Workspace) -> Result<BackupsOverview> {
    Ok(BackupsOverview {
        backups: backup::list(workspace)?,
        keep: backup::keep(workspace)?,
        folder: workspace
            .path()
            .map(|p| backup::backups_dir(p).to_string_lossy().into_owned()),
    })
}

/// Takes a backup now, on the user's request, and notes it in the audit
/// log; returns it as the list shows it.
pub fn create_now(workspace: &mut Workspace, reason: Option<&str>) -> Result<BackupInfo> {
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(MANUAL_REASON);
    let Some(path) = backup::create(workspace, reason)? else {
        return Err(Error::InvalidArgument(
            "a workspace in memory has no backups".into(),
        ));
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let info = backup::list(workspace)?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(Error::NotFound {
            what: "backup",
            key: id.clone(),
        })?;
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::record(
        &tx,
        "backup",
        &serde_json::json!({"backup": id, "reason": info.reason, "leads": info.leads,
            "size_bytes": info.size_bytes}),
    )?;
    tx.commit()?;
    Ok(info)
}

/// Sets how many backups are kept (1 to 1,000) and deletes the older ones.
pub fn set_keep(workspace: &mut Workspace, count: u32) -> Result<()> {
    backup::set_keep(workspace, count)
}

/// Replaces the workspace with the backup `id`: the backup is checked first
/// (a damaged one, or one that is no workspace, is refused and nothing
/// changes), a backup of the current state is taken ("before-restore"),
/// then the backup is copied into the workspace page by page, migrated if
/// an older Leadstream wrote it, and noted in the audit log (whose entries
/// since the backup are kept). Scores and segment history follow as after
/// an import.
pub fn restore(workspace: &mut Workspace, id: &str) -> Result<RestoreOutcome> {
    let file = backup::path_of(workspace, id)?;
    let (source, _) = restore::check(workspace, &file)?;
    let leads_before = leads::count(workspace)?;
    let safety = backup::create_unpruned(workspace, "before-restore")?;
    restore::restore_into(workspace, &source)?;
    drop(source);
    let leads_after = leads::count(workspace)?;
    let safety_backup = safety
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    // The audit entry alone: the restored data's derived parts stay
    // (`restore::restore_into`).
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::record(
        &tx,
        "restore",
        &serde_json::json!({"backup": id, "safety_backup": safety_backup,
            "leads_before": leads_before, "leads_after": leads_after}),
    )?;
    tx.commit()?;
    backup::prune(workspace)?;
    let warnings = workspace.after_data_change(DataChange::Import);
    Ok(RestoreOutcome {
        restored: id.to_owned(),
        safety_backup,
        leads_before,
        leads_after,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoSpec};
    use std::path::Path;

    fn demo_workspace(dir: &Path) -> Workspace {
        let mut workspace = Workspace::create(dir.join("Deals.leadstream")).unwrap();
        let spec = DemoSpec {
            leads: 300,
            events_per_lead: 4,
            seed: 7,
            anchor: 1_790_000_000,
        };
        generate(&mut workspace, &spec).unwrap();
        workspace
    }

    /// Counts and a checksum of every lead's identity and every event.
    fn fingerprint(workspace: &Workspace) -> (i64, i64, i64, i64) {
        workspace
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM events),
                        (SELECT total(id * length(coalesce(email, '')) + length(coalesce(first_name, ''))) FROM leads),
                        (SELECT total(lead_id * 7 + occurred_at % 1000) FROM events)",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get::<_, f64>(2)? as i64,
                        r.get::<_, f64>(3)? as i64,
                    ))
                },
            )
            .unwrap()
    }

    fn audit_actions(workspace: &Workspace) -> Vec<String> {
        let mut statement = workspace
            .conn()
            .prepare("SELECT action FROM audit_log ORDER BY id")
            .unwrap();
        let actions = statement
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap();
        actions
    }

    /// A rule tree that reads a field column and a type's events: counting
    /// it stores the lead ids', the column's and the events' parts.
    fn field_and_behaviour_rules() -> crate::segments::RuleGroup {
        serde_json::from_str(
            r#"{"combinator": "and", "rules": [
                 {"field": "persona", "operator": "notNull", "value": ""},
                 {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]}"#,
        )
        .unwrap()
    }

    /// A backup, an export and a setting change only the audit log and the
    /// settings: the segment index's parts stored for the data stay for the
    /// next count.
    #[test]
    fn a_backup_an_export_and_a_setting_keep_the_stored_parts_of_the_data() {
        use crate::store::tables::derived_cache;
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let rules = field_and_behaviour_rules();
        let members = crate::segments::count(&workspace, &rules, 1_790_000_000).unwrap();
        let stored = |workspace: &Workspace| {
            let conn = workspace.conn();
            (
                derived_cache::generation(conn).unwrap(),
                derived_cache::part_names(conn),
            )
        };
        let before = stored(&workspace);
        assert!(before.1.len() > 3, "{before:?}");
        create_now(&mut workspace, None).unwrap();
        crate::export::record_export(&mut workspace, "leads", 3, &dir.path().join("x.csv"))
            .unwrap();
        backup::set_keep(&mut workspace, 4).unwrap();
        assert_eq!(stored(&workspace), before);
        assert!(audit_actions(&workspace).ends_with(&[
            "backup".to_owned(),
            "export".to_owned(),
            "settings".to_owned()
        ]));
        workspace.clear_derived();
        assert_eq!(
            crate::segments::count(&workspace, &rules, 1_790_000_000).unwrap(),
            members
        );
    }

    #[test]
    fn a_restore_brings_back_exactly_the_backed_up_leads_and_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let before = fingerprint(&workspace);
        let taken = create_now(&mut workspace, None).unwrap();
        assert_eq!(taken.reason, "manual");
        assert_eq!(taken.leads, Some(before.0 as u64));
        workspace
            .conn()
            .execute_batch(
                "DELETE FROM events WHERE lead_id IN (SELECT id FROM leads WHERE id % 3 = 0);
                 DELETE FROM leads WHERE id % 3 = 0;",
            )
            .unwrap();
        assert_ne!(fingerprint(&workspace), before);
        let outcome = restore(&mut workspace, &taken.id).unwrap();
        assert_eq!(fingerprint(&workspace), before);
        assert_eq!(outcome.leads_after, before.0 as u64);
        assert!(outcome.leads_before < outcome.leads_after);
        let safety = outcome.safety_backup.unwrap();
        assert!(safety.ends_with("before-restore"));
        // The audit log kept the entry written after the backup, and notes
        // the restore.
        let actions = audit_actions(&workspace);
        assert!(actions.ends_with(&["backup".to_owned(), "restore".to_owned()]));
        // Restoring the safety copy goes back to the changed state.
        restore(&mut workspace, &safety).unwrap();
        assert_eq!(
            fingerprint(&workspace).0,
            outcome.leads_before as i64,
            "the safety copy holds the state before the restore"
        );
    }

    /// A restore keeps the parts the backup's file holds for its own data,
    /// untouched, and the counts read from them are the backup's.
    #[test]
    fn a_restore_keeps_the_backups_stored_parts_and_counts_from_them() {
        use crate::store::tables::derived_cache;
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let rules = field_and_behaviour_rules();
        let at = 1_790_000_000;
        let members = crate::segments::count(&workspace, &rules, at).unwrap();
        let parts_then = derived_cache::parts(workspace.conn()).unwrap();
        assert!(parts_then.len() > 3, "{parts_then:?}");
        let taken = create_now(&mut workspace, None).unwrap();

        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        tx.execute_batch(
            "DELETE FROM events WHERE lead_id IN (SELECT id FROM leads WHERE id % 3 = 0);
             DELETE FROM leads WHERE id % 3 = 0;",
        )
        .unwrap();
        tx.commit().unwrap();
        let fewer = crate::segments::count(&workspace, &rules, at).unwrap();
        assert!(fewer < members, "{fewer} of {members}");
        let generation_before = derived_cache::generation(workspace.conn()).unwrap();

        restore(&mut workspace, &taken.id).unwrap();
        assert!(derived_cache::generation(workspace.conn()).unwrap() > generation_before);
        let parts_now = derived_cache::parts(workspace.conn()).unwrap();
        // The scores run again after a restore, as after an import, and
        // rewrite their own columns; every other part is the backup's.
        let kept: Vec<_> = parts_then
            .iter()
            .filter(|(name, _, _)| !name.contains("/field/score_"))
            .collect();
        assert!(kept.len() > 3, "{kept:?}");
        for part in kept {
            assert!(parts_now.contains(part), "{part:?} not kept: {parts_now:?}");
        }
        assert_eq!(
            crate::segments::count(&workspace, &rules, at).unwrap(),
            members
        );
        // The same count from SQL alone.
        workspace
            .conn()
            .execute("DELETE FROM derived_cache", [])
            .unwrap();
        workspace.clear_derived();
        assert_eq!(
            crate::segments::count(&workspace, &rules, at).unwrap(),
            members
        );
    }

    #[test]
    fn a_damaged_backup_is_refused_and_the_workspace_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let taken = create_now(&mut workspace, Some("before damage")).unwrap();
        assert_eq!(taken.reason, "before-damage");
        let file = backup::path_of(&workspace, &taken.id).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        for byte in &mut bytes[4096..middle] {
            *byte = 0x5a;
        }
        std::fs::write(&file, bytes).unwrap();
        let before = fingerprint(&workspace);
        let backups_before = backup::list(&workspace).unwrap().len();
        let refused = restore(&mut workspace, &taken.id).unwrap_err();
        assert!(matches!(refused, Error::BadBackup { .. }), "{refused}");
        assert!(refused.to_string().contains("left untouched"));
        assert_eq!(fingerprint(&workspace), before);
        assert_eq!(backup::list(&workspace).unwrap().len(), backups_before);
        assert!(matches!(
            restore(&mut workspace, "no-such-backup"),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn restoring_the_oldest_kept_backup_never_prunes_it_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        backup::set_keep(&mut workspace, 2).unwrap();
        let oldest = create_now(&mut workspace, Some("one")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        create_now(&mut workspace, Some("two")).unwrap();
        let listed = overview(&workspace).unwrap();
        assert_eq!(listed.backups.len(), 2);
        assert_eq!(listed.keep, 2);
        restore(&mut workspace, &oldest.id).unwrap();
        let after = overview(&workspace).unwrap().backups;
        assert_eq!(after.len(), 2);
        assert!(after[0].reason == "before-restore");
    }
}
