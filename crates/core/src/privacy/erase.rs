//! Erasing a person everywhere (GDPR Art. 17, CCPA deletion), keeping only
//! a salted hash of the e-mail in the suppression list (issue 15).
//!
//! One erasure: a backup first (`before-erasure`), then in one transaction
//! with `secure_delete` on, the lead and everything hanging off it
//! ([`store::tables::erasure::erase_lead`]), the suppression hash and the
//! audit entry `erasure`; then the WAL is checkpointed and truncated. The
//! rejected-rows files of imports are rewritten without the person's rows
//! (deleted when nothing else is left), and every backup file is erased
//! the same way.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::store::backup::BackupBefore;
use crate::store::tables::erasure::{self, ErasedRows, StoredIdentity};
use crate::store::tables::{audit, leads as stored_leads, suppression};
use crate::{DataChange, Error, Result, Workspace};

/// What erasing one person removes, counted before it happens: what the
/// confirmation names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErasurePreview {
    #[ts(type = "number")]
    pub lead_id: i64,
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub custom_values: u64,
    #[ts(type = "number")]
    pub consent_events: u64,
    /// Saved old values of imports and fixes (undo records).
    #[ts(type = "number")]
    pub import_changes: u64,
    #[ts(type = "number")]
    pub merges: u64,
    /// Segment-history snapshots that hold the person.
    #[ts(type = "number")]
    pub snapshots: u64,
    /// Rejected-rows files that hold a row of theirs.
    pub rejected_files: Vec<String>,
    /// Backup files that will be erased too (plus the one taken before).
    #[ts(type = "number")]
    pub backups: u64,
    /// Whether the e-mail goes to the suppression list (a lead without an
    /// e-mail leaves nothing to suppress).
    pub will_suppress: bool,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErasureReport {
    #[ts(type = "number")]
    pub lead_id: i64,
    /// ISO-8601 UTC.
    pub erased_at: String,
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub custom_values: u64,
    #[ts(type = "number")]
    pub consent_events: u64,
    #[ts(type = "number")]
    pub import_changes: u64,
    #[ts(type = "number")]
    pub merges: u64,
    #[ts(type = "number")]
    pub snapshots: u64,
    /// The salted hash kept in the suppression list, if the person had an e-mail.
    pub suppression_hash: Option<String>,
    /// Rejected-rows files rewritten without the person's rows.
    pub rejected_files_rewritten: Vec<String>,
    /// Rejected-rows files deleted (they held only the person's rows).
    pub rejected_files_deleted: Vec<String>,
    /// Backup files the person was erased from (the one taken first included).
    pub backups_erased: Vec<String>,
    /// Scores and segment history that could not follow (the erasure stands).
    pub problems: Vec<String>,
}

fn identity_of(workspace: &Workspace, lead_id: i64) -> Result<StoredIdentity> {
    erasure::identity(workspace.conn(), lead_id)?.ok_or(Error::UnknownLead { id: lead_id })
}

/// Counts what erasing lead `lead_id` would remove, by erasing it in a
/// transaction that is rolled back.
pub fn preview(workspace: &Workspace, lead_id: i64) -> Result<ErasurePreview> {
    let person = identity_of(workspace, lead_id)?;
    let counted = {
        let tx = workspace.conn().unchecked_transaction()?;
        let counted = erasure::erase_lead(&tx, &person)?;
        tx.rollback()?;
        counted
    };
    let rejected_files = rejected_files_holding(workspace, &person)?
        .into_iter()
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .collect();
    let backups = match workspace.path() {
        Some(path) => crate::store::backup::backup_files(path)?.len() as u64,
        None => 0,
    };
    Ok(ErasurePreview {
        lead_id,
        events: counted.events,
        custom_values: counted.custom_values,
        consent_events: counted.consent_events,
        import_changes: counted.import_changes,
        merges: counted.merges,
        snapshots: counted.snapshots,
        rejected_files,
        backups,
        will_suppress: person.email_key.as_deref().is_some_and(|k| !k.is_empty()),
    })
}

/// Erases lead `lead_id` everywhere: the workspace, the files the app
/// wrote beside it and every backup; keeps the salted hash of its e-mail.
pub fn erase(workspace: &mut Workspace, lead_id: i64) -> Result<ErasureReport> {
    let person = identity_of(workspace, lead_id)?;
    // Alone, a copy of the file first; beside the app's other connections,
    // copied beside the erasure, which finishes it before it commits.
    let backup = crate::store::backup::take_before_log_write(workspace, "before-erasure")?;
    let now = chrono::Utc::now().timestamp();
    let salt = suppression::salt(workspace.conn())?;
    let suppression_hash = person
        .email_key
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(|key| suppression::hash_of(&salt, key));

    let rejected = rejected_files_holding(workspace, &person)?;
    let mut rewritten = Vec::new();
    let mut deleted = Vec::new();
    for (path, remaining) in &rejected {
        if *remaining == 0 {
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            deleted.push(path.to_string_lossy().into_owned());
        } else {
            rewrite_without(path, &person)?;
            rewritten.push(path.to_string_lossy().into_owned());
        }
    }

    erasure::set_secure_delete(workspace.conn(), true)?;
    let erased = erase_in_workspace(
        workspace,
        &person,
        suppression_hash.as_deref(),
        now,
        &rejected,
        backup,
    );
    let reset = erasure::set_secure_delete(workspace.conn(), false);
    let erased = erased?;
    reset?;
    erasure::checkpoint_truncate(workspace.conn())?;

    let mut backups_erased = Vec::new();
    if let Some(path) = workspace.path().map(Path::to_path_buf) {
        for backup in crate::store::backup::backup_files(&path)? {
            let mut conn = crate::store::backup::open_backup(workspace, &backup)?;
            erase_in_backup(&mut conn, &person, suppression_hash.as_deref(), now)?;
            backups_erased.push(backup.to_string_lossy().into_owned());
        }
    }
    let problems = workspace.after_data_change(DataChange::Import);
    // Scores and history were rewritten: leave no old page in the log.
    erasure::checkpoint_truncate(workspace.conn())?;
    Ok(ErasureReport {
        lead_id,
        erased_at: crate::leads::iso_datetime(now),
        events: erased.events,
        custom_values: erased.custom_values,
        consent_events: erased.consent_events,
        import_changes: erased.import_changes,
        merges: erased.merges,
        snapshots: erased.snapshots,
        suppression_hash,
        rejected_files_rewritten: rewritten,
        rejected_files_deleted: deleted,
        backups_erased,
        problems,
    })
}

fn erase_in_workspace(
    workspace: &mut Workspace,
    person: &StoredIdentity,
    suppression_hash: Option<&str>,
    now: i64,
    rejected: &[(PathBuf, u64)],
    backup: BackupBefore,
) -> Result<ErasedRows> {
    // The derived parts are carried across without the person's row
    // (`Workspace::conn_mut_for_lead_rows`), so the score run after it and
    // the next count load them instead of building them. Nothing of the
    // person may stay (`carry_forgetting`): a carried column keeps no value
    // only they had, a column whose dictionary may show a spelling they
    // gave is deleted, and the quick search's keys are stored again
    // without them.
    let (conn, carry) = workspace.conn_mut_for_lead_rows()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let erased = erasure::erase_lead(&tx, person)?;
    carry.carry_forgetting(&tx, &[person.id])?;
    if let Some(hash) = suppression_hash {
        suppression::add(&tx, hash, now)?;
    }
    let files: Vec<String> = rejected
        .iter()
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .collect();
    audit::record(
        &tx,
        "erasure",
        &json!({
            "lead_id": person.id,
            "suppression_hash": suppression_hash,
            "events": erased.events,
            "custom_values": erased.custom_values,
            "consent_events": erased.consent_events,
            "import_changes": erased.import_changes,
            "merges": erased.merges,
            "snapshots": erased.snapshots,
            "titles": erased.titles,
            "rejected_files": files,
        }),
    )?;
    backup.finish()?;
    tx.commit()?;
    Ok(erased)
}

/// Erases the person from one backup file: by id when the backup's lead
/// of that id has the same e-mail, and any lead there with their e-mail.
/// It writes on the write-ahead log, as the erasure in the workspace does,
/// and leaves the file on the journal it found it on.
pub(crate) fn erase_in_backup(
    conn: &mut Connection,
    person: &StoredIdentity,
    suppression_hash: Option<&str>,
    now: i64,
) -> Result<()> {
    erasure::set_secure_delete(conn, true)?;
    let journal = crate::store::journal::on_the_log_for_a_while(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    erasure::empty_derived_cache(&tx)?;
    let mut ids = Vec::new();
    if let Some(same) = erasure::identity(&tx, person.id)? {
        if same.email_key == person.email_key {
            ids.push(same);
        }
    }
    if let Some(key) = person.email_key.as_deref() {
        if let Some(id) = stored_leads::id_by_identity(&tx, false, key)? {
            if id != person.id {
                if let Some(other) = erasure::identity(&tx, id)? {
                    ids.push(other);
                }
            }
        }
    }
    for found in &ids {
        erasure::erase_lead(&tx, found)?;
    }
    if let Some(hash) = suppression_hash {
        suppression::add(&tx, hash, now)?;
    }
    tx.commit()?;
    erasure::checkpoint_truncate(conn)?;
    crate::store::journal::set_back(conn, &journal)
}

/// The rejected-rows files beside the workspace that hold a row of the
/// person, each with how many rows would remain without theirs.
pub(crate) fn rejected_files_holding(
    workspace: &Workspace,
    person: &StoredIdentity,
) -> Result<Vec<(PathBuf, u64)>> {
    let Some(path) = workspace.path() else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (import_id, file_name) in erasure::import_files(workspace.conn())? {
        let file = crate::import::apply::rejected_rows_path(Some(path), import_id, &file_name);
        if !file.exists() {
            continue;
        }
        let (kept, dropped) = split_rows(&file, person)?;
        if dropped > 0 {
            found.push((file, kept.len() as u64));
        }
    }
    Ok(found)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Whether a rejected row (its cells, the line and reason first) is the
/// person's: a cell is their e-mail (folded), their phone (same digits, at
/// least 7), or the row has their first and last name as cells.
pub(crate) fn row_is_persons(cells: &[String], person: &StoredIdentity) -> bool {
    // Cells were neutralised against formulas with a leading apostrophe.
    let plain = |cell: &String| -> String {
        crate::text::fold_key(cell.strip_prefix('\'').unwrap_or(cell))
    };
    let folded: Vec<String> = cells.iter().map(plain).collect();
    let email = person.email_key.as_deref().filter(|k| !k.is_empty());
    if let Some(email) = email {
        if folded
            .iter()
            .any(|c| c == email || c.contains(&format!("\"{email}\"")))
        {
            return true;
        }
    }
    let phone = person.phone.as_deref().map(digits).filter(|d| d.len() >= 7);
    if let Some(phone) = phone {
        if cells.iter().any(|c| digits(c) == phone) {
            return true;
        }
    }
    let name = |n: &Option<String>| {
        n.as_deref()
            .map(crate::text::fold_key)
            .filter(|n| !n.is_empty())
    };
    if let (Some(first), Some(last)) = (name(&person.first_name), name(&person.last_name)) {
        return folded.contains(&first) && folded.contains(&last);
    }
    false
}

type Rows = Vec<Vec<String>>;

/// The file's rows without the person's (the header first), and how many
/// of theirs there were.
fn split_rows(file: &Path, person: &StoredIdentity) -> Result<(Rows, u64)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(file)
        .map_err(|e| Error::InvalidArgument(format!("{}: {e}", file.display())))?;
    let mut kept = Vec::new();
    let mut dropped = 0;
    for (index, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Error::InvalidArgument(format!("{}: {e}", file.display())))?;
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if index > 0 && row_is_persons(&cells, person) {
            dropped += 1;
        } else {
            kept.push(cells);
        }
    }
    // The header alone is no rejected row.
    let kept = if kept.len() <= 1 { Vec::new() } else { kept };
    Ok((kept, dropped))
}

/// Rewrites a rejected-rows file without the person's rows (whole or not at all).
fn rewrite_without(file: &Path, person: &StoredIdentity) -> Result<()> {
    let (kept, _) = split_rows(file, person)?;
    crate::export::write_file_atomically(file, |out| {
        // The cells were made formula-safe when first written: keep them as they are.
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
        for row in &kept {
            writer.write_record(row)?;
        }
        writer.flush().map_err(|e| Error::io(file, e))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::rules::RuleGroup;
    use crate::store::tables::derived_cache;

    /// A field rule, a behaviour rule and the e-mail opt-in, counted.
    fn counts(workspace: &Workspace) -> Vec<u64> {
        let rules = |json: serde_json::Value| serde_json::from_value::<RuleGroup>(json).unwrap();
        let sets = [
            rules(json!({"combinator": "and", "rules": [
                {"field": "country", "operator": "=", "value": "Germany"}]})),
            rules(json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]})),
            rules(json!({"combinator": "and", "rules": [
                {"field": "email_opt_in", "operator": "=", "value": true}]})),
        ];
        let refs: Vec<&RuleGroup> = sets.iter().collect();
        crate::segments::count_many(workspace, &refs, i64::MAX / 2).unwrap()
    }

    #[test]
    fn an_erasure_carries_the_segment_index_and_the_search_keys_without_the_person() {
        let mut workspace = Workspace::in_memory().unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 300,
            events_per_lead: 5,
            seed: 21,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        // The last such lead: no value's first holder (whose spelling a
        // carried column would show), so the columns are carried.
        let (lead_id, country): (i64, String) = workspace
            .conn()
            .query_row(
                "SELECT l.id, l.country FROM leads l WHERE l.country = 'Germany'
                   AND EXISTS (SELECT 1 FROM events e WHERE e.lead_id = l.id AND e.type = 'page_view')
                 ORDER BY l.id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let before = counts(&workspace);
        assert!(crate::leads::store_search_keys(&workspace).unwrap());
        let email: String = workspace
            .conn()
            .query_row(
                "SELECT lower(email) FROM leads WHERE id = ?1",
                [lead_id],
                |r| r.get(0),
            )
            .unwrap();
        let in_stored_keys = |workspace: &Workspace, needle: &str| {
            let form = crate::leads::stored_search_form(workspace.conn()).expect("stored keys");
            form.windows(needle.len())
                .any(|window| window == needle.as_bytes())
        };
        assert!(in_stored_keys(&workspace, &email));

        erase(&mut workspace, lead_id).unwrap();
        let kept = derived_cache::part_names(workspace.conn());
        for part in [
            "segment-index/v1/lead-ids",
            "segment-index/v1/field/country",
            "segment-index/v1/events/page_view",
        ] {
            assert!(kept.iter().any(|n| n == part), "{part}: {kept:?}");
        }
        assert!(!in_stored_keys(&workspace, &email), "stored again without");
        let other = format!("@{}", email.split('@').nth(1).unwrap());
        assert!(in_stored_keys(&workspace, &other), "the others' keys stay");
        workspace.clear_derived();
        let carried = counts(&workspace);
        assert_eq!(country, "Germany");
        assert_eq!(&carried[..2], &[before[0] - 1, before[1] - 1]);
        workspace
            .conn()
            .execute("DELETE FROM derived_cache", [])
            .unwrap();
        workspace.clear_derived();
        assert_eq!(counts(&workspace), carried, "as built from SQL");
    }

    /// Beside another connection (the app's), the backup is copied beside
    /// the erasure from the data before it, and the person is then erased
    /// from it too.
    #[test]
    fn an_erasure_beside_another_connection_erases_the_backup_copied_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Deals.leadstream");
        let mut workspace = Workspace::create(&path).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 50,
            events_per_lead: 2,
            seed: 3,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let other = Connection::open(&path).unwrap();
        let leads = |conn: &Connection| -> i64 {
            conn.query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(leads(&other), 50);
        let before = crate::store::backup::backup_files(&path).unwrap();

        let report = erase(&mut workspace, 7).unwrap();
        let after = crate::store::backup::backup_files(&path).unwrap();
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(report.backups_erased.len(), after.len());
        let made = after.iter().find(|file| !before.contains(file)).unwrap();
        assert!(made.to_string_lossy().contains("before-erasure"));
        let backup = Connection::open(made).unwrap();
        assert_eq!(leads(&backup), 49);
        let person: i64 = backup
            .query_row("SELECT count(*) FROM leads WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(person, 0);
        assert_eq!(leads(&other), 49);
        let mode: String = workspace
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// A backup on either journal is erased on the log and left on the
    /// journal it was on, with no log file beside it.
    #[test]
    fn a_backup_is_erased_on_the_log_and_left_on_its_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("Deals.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 20,
            events_per_lead: 2,
            seed: 5,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        let journal = |conn: &Connection| -> String {
            conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap()
        };
        for mode in ["delete", "wal"] {
            let copy = dir.path().join(format!("{mode}.leadstream"));
            Connection::open(dir.path().join("Deals.leadstream"))
                .unwrap()
                .execute("VACUUM INTO ?1", [copy.to_string_lossy()])
                .unwrap();
            let mut conn = Connection::open(&copy).unwrap();
            conn.pragma_update(None, "journal_mode", mode).unwrap();
            let person = erasure::identity(&conn, 3).unwrap().unwrap();
            erase_in_backup(&mut conn, &person, Some("hash"), 0).unwrap();
            assert_eq!(journal(&conn), mode);
            let left: i64 = conn
                .query_row("SELECT count(*) FROM leads WHERE id = 3", [], |r| r.get(0))
                .unwrap();
            assert_eq!(left, 0);
            drop(conn);
            let log = dir.path().join(format!("{mode}.leadstream-wal"));
            assert!(!log.exists(), "{mode}");
        }
    }

    fn jane() -> StoredIdentity {
        StoredIdentity {
            id: 7,
            email: Some("Jane@X.io".into()),
            email_key: Some("jane@x.io".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            phone: Some("+44 20 7946 0958".into()),
        }
    }

    fn cells(row: &[&str]) -> Vec<String> {
        row.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_rejected_row_is_the_persons_by_email_phone_or_both_names() {
        let person = jane();
        assert!(row_is_persons(
            &cells(&["3", "bad date", " JANE@x.io "]),
            &person
        ));
        assert!(!row_is_persons(
            &cells(&["3", "r", "", "020 7946 0958x"]),
            &person
        ));
        assert!(row_is_persons(&cells(&["3", "r", "442079460958"]), &person));
        assert!(row_is_persons(&cells(&["3", "r", "jane", "DOE"]), &person));
        assert!(!row_is_persons(
            &cells(&["3", "r", "Jane", "Smith"]),
            &person
        ));
        assert!(row_is_persons(
            &cells(&[
                "3",
                "invalid e-mail address \"jane@x.io\" in column \"Email\""
            ]),
            &person
        ));
    }
}
