//! Tests of the merge: survivorship, picks, what moves (events, segment
//! history, custom values), the identities, the exact undo, and the undos
//! refused because of a merge.

use rusqlite::types::Value;

use super::*;
// The whole module is test code (declared `#[cfg(test)]` in its parent);
// the marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
use crate::demo::{self, DemoSpec};
use crate::import::history;

fn demo_workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(dir.path().join("merge.leadstream")).unwrap();
    let spec = DemoSpec {
        leads: 300,
        events_per_lead: 4,
        seed: 11,
        anchor: 1_780_000_000,
    };
    demo::generate(&mut ws, &spec).unwrap();
    (dir, ws)
}

/// Every row of the tables a merge and its undo touch, in a fixed order.
fn dump(ws: &Workspace) -> Vec<(String, Vec<Vec<Value>>)> {
    [
        ("leads", "SELECT * FROM leads ORDER BY id"),
        (
            "custom_values",
            "SELECT * FROM custom_values ORDER BY field_id, lead_id",
        ),
        ("events", "SELECT * FROM events ORDER BY id"),
        (
            "import_changes",
            "SELECT * FROM import_changes ORDER BY import_id, lead_id, field_key",
        ),
        (
            "segment_snapshots",
            "SELECT * FROM segment_snapshots ORDER BY id",
        ),
        ("lead_merges", "SELECT * FROM lead_merges"),
    ]
    .iter()
    .map(|(table, sql)| {
        let mut statement = ws.conn().prepare(sql).unwrap();
        let columns = statement.column_count();
        let rows = statement
            .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<Vec<Vec<Value>>>>()
            .unwrap();
        ((*table).to_owned(), rows)
    })
    .collect()
}

fn column(ws: &Workspace, id: i64, column: &str) -> Value {
    ws.conn()
        .query_row(
            &format!("SELECT {column} FROM leads WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

fn count(ws: &Workspace, sql: &str) -> i64 {
    ws.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_most_recent_non_empty_value_wins_unless_picked() {
    let (_dir, ws) = demo_workspace();
    ws.conn()
        .execute_batch(
            "UPDATE leads SET updated_at = 100, job_title = 'Old title', city = NULL WHERE id = 101;
             UPDATE leads SET updated_at = 200, job_title = 'New title', city = 'Berlin' WHERE id = 102;",
        )
        .unwrap();
    let plain = preview(&ws, 101, &[102], &Picks::new()).unwrap();
    let field =
        |p: &MergePreview, key: &str| p.fields.iter().find(|f| f.key == key).unwrap().clone();
    let title = field(&plain, "job_title");
    assert_eq!(title.chosen.as_deref(), Some("New title"));
    assert_eq!(title.reason, ChoiceReason::MostRecent);
    assert!(title.changes);
    assert_eq!(field(&plain, "city").chosen.as_deref(), Some("Berlin"));
    let email = field(&plain, "email");
    assert_eq!(email.chosen.as_deref(), Some("jane.doe@gmail.com"));
    assert!(!email.pickable);
    assert_eq!(
        plain.title,
        "Merge 2 leads into Jane Doe <jane.doe@gmail.com>"
    );

    let picked = preview(
        &ws,
        101,
        &[102],
        &Picks::from([("job_title".to_owned(), 101)]),
    )
    .unwrap();
    let title = field(&picked, "job_title");
    assert_eq!(title.chosen.as_deref(), Some("Old title"));
    assert_eq!(title.reason, ChoiceReason::Picked);
    assert!(!title.changes);

    // Events to move: the merged lead's, counted in SQL.
    let events = count(&ws, "SELECT count(*) FROM events WHERE lead_id = 102");
    assert_eq!(plain.events_to_move, events as u64);
}

#[test]
fn a_tie_keeps_the_survivors_value() {
    let (_dir, ws) = demo_workspace();
    ws.conn()
        .execute_batch(
            "UPDATE leads SET updated_at = 100, job_title = 'Mine' WHERE id = 101;
             UPDATE leads SET updated_at = 100, job_title = 'Theirs' WHERE id = 102;",
        )
        .unwrap();
    let p = preview(&ws, 101, &[102], &Picks::new()).unwrap();
    let title = p.fields.iter().find(|f| f.key == "job_title").unwrap();
    assert_eq!(title.chosen.as_deref(), Some("Mine"));
}

#[test]
fn bad_merges_are_refused_plainly() {
    let (_dir, ws) = demo_workspace();
    assert!(matches!(
        preview(&ws, 101, &[], &Picks::new()),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        preview(&ws, 101, &[101], &Picks::new()),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        preview(&ws, 101, &[999_999], &Picks::new()),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        preview(
            &ws,
            101,
            &[102],
            &Picks::from([("score_total".to_owned(), 102)])
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        preview(&ws, 101, &[102], &Picks::from([("city".to_owned(), 5)])),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn a_merge_moves_everything_and_its_undo_puts_it_back_exactly() {
    let (_dir, mut ws) = demo_workspace();
    // Lead 102 has a custom value the survivor lacks.
    ws.conn()
        .execute_batch(
            "DELETE FROM custom_values WHERE lead_id = 101
               AND field_id = (SELECT id FROM fields WHERE key = 'budget');
             INSERT OR REPLACE INTO custom_values (field_id, lead_id, value)
               SELECT id, 102, 12345.5 FROM fields WHERE key = 'budget';",
        )
        .unwrap();
    let before = dump(&ws);
    let leads_before = count(&ws, "SELECT count(*) FROM leads");
    let events_101 = count(&ws, "SELECT count(*) FROM events WHERE lead_id = 101");
    let events_102 = count(&ws, "SELECT count(*) FROM events WHERE lead_id = 102");
    let snapshots_with_102: Vec<i64> = {
        let mut statement = ws
            .conn()
            .prepare("SELECT id, members FROM segment_snapshots WHERE members IS NOT NULL")
            .unwrap();
        statement
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
            .unwrap()
            .map(|row| row.unwrap())
            .filter(|(_, bytes)| {
                roaring::RoaringBitmap::deserialize_from(&bytes[..])
                    .unwrap()
                    .contains(102)
            })
            .map(|(id, _)| id)
            .collect()
    };

    let picks = Picks::from([("company".to_owned(), 102)]);
    let company_102 = column(&ws, 102, "company");
    let outcome = merge(&mut ws, 101, &[102], &picks).unwrap();
    assert_eq!(outcome.kind, ChangeKind::Merge);
    assert_eq!(outcome.leads_merged, 1);
    assert_eq!(count(&ws, "SELECT count(*) FROM leads"), leads_before - 1);
    assert_eq!(column(&ws, 101, "company"), company_102);
    assert_eq!(
        column(&ws, 101, "email"),
        Value::Text("jane.doe@gmail.com".into())
    );
    assert_eq!(
        count(&ws, "SELECT count(*) FROM events WHERE lead_id = 101"),
        events_101 + events_102
    );
    let budget: f64 = ws
        .conn()
        .query_row(
            "SELECT value FROM custom_values WHERE lead_id = 101
               AND field_id = (SELECT id FROM fields WHERE key = 'budget')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(budget, 12345.5);
    for snapshot in &snapshots_with_102 {
        let bytes: Vec<u8> = ws
            .conn()
            .query_row(
                "SELECT members FROM segment_snapshots WHERE id = ?1",
                [snapshot],
                |r| r.get(0),
            )
            .unwrap();
        let members = roaring::RoaringBitmap::deserialize_from(&bytes[..]).unwrap();
        assert!(!members.contains(102) && members.contains(101));
    }
    let listed = history::list(&ws).unwrap();
    assert_eq!(listed[0].kind, ChangeKind::Merge);
    assert_eq!(listed[0].counts.merged, 1);

    let summary = history::undo(&mut ws, outcome.change_id).unwrap();
    assert_eq!(summary.leads_restored, 1);
    assert_eq!(dump(&ws), before);
}

#[test]
fn the_survivor_takes_an_identity_it_lacks_and_gives_it_back() {
    let (_dir, mut ws) = demo_workspace();
    ws.conn()
        .execute_batch("UPDATE leads SET email = NULL, email_key = NULL WHERE id = 101")
        .unwrap();
    let before = dump(&ws);
    let email_102 = column(&ws, 102, "email");
    let outcome = merge(&mut ws, 101, &[102], &Picks::new()).unwrap();
    assert_eq!(column(&ws, 101, "email"), email_102);
    assert_eq!(column(&ws, 101, "email_key"), email_102);
    history::undo(&mut ws, outcome.change_id).unwrap();
    assert_eq!(dump(&ws), before);
}

#[test]
fn undoing_a_merge_whose_survivor_was_merged_away_later_is_refused() {
    let (_dir, mut ws) = demo_workspace();
    let first = merge(&mut ws, 101, &[102], &Picks::new()).unwrap();
    let second = merge(&mut ws, 103, &[101], &Picks::new()).unwrap();
    let refused = history::undo(&mut ws, first.change_id).unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains(&format!("#{}", second.change_id)),
        "{message}"
    );
    // In the right order both undo.
    history::undo(&mut ws, second.change_id).unwrap();
    history::undo(&mut ws, first.change_id).unwrap();
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM leads WHERE id IN (101, 102, 103)"
        ),
        3
    );
}

#[test]
fn undoing_a_merge_is_refused_while_another_lead_holds_the_merged_address() {
    let (_dir, mut ws) = demo_workspace();
    let email_102 = column(&ws, 102, "email_key");
    let outcome = merge(&mut ws, 101, &[102], &Picks::new()).unwrap();
    ws.conn()
        .execute(
            "UPDATE leads SET email_key = ?1 WHERE id = 150",
            [&email_102],
        )
        .unwrap();
    let message = history::undo(&mut ws, outcome.change_id)
        .unwrap_err()
        .to_string();
    assert!(message.contains("lead 150"), "{message}");
}

#[test]
fn undoing_a_fix_that_changed_a_merged_lead_is_refused_until_the_merge_is_undone() {
    let (_dir, mut ws) = demo_workspace();
    let tx = ws.conn_mut().unwrap().transaction().unwrap();
    let mut fix = fixes::begin(
        &tx,
        ChangeKind::Normalise,
        "Normalise city",
        serde_json::json!({}),
    )
    .unwrap();
    fix.set_value(102, "city", &Value::Text("Paris".into()))
        .unwrap();
    let normalise = fix.finish().unwrap();
    tx.commit().unwrap();
    let merged = merge(
        &mut ws,
        101,
        &[102],
        &Picks::from([("city".to_owned(), 101)]),
    )
    .unwrap();
    let message = history::undo(&mut ws, normalise.change_id)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&format!("fix #{}", merged.change_id)),
        "{message}"
    );
    history::undo(&mut ws, merged.change_id).unwrap();
    history::undo(&mut ws, normalise.change_id).unwrap();
    assert!(matches!(column(&ws, 102, "city"), Value::Text(city) if city != "Paris"));
}

/// Each built-in segment's members, as a fresh process evaluates them
/// (whatever the file's cache holds is used).
fn members_of_templates(ws: &Workspace) -> Vec<Vec<i64>> {
    crate::segments::templates::templates()
        .iter()
        .map(|template| {
            ws.clear_derived();
            crate::segments::members(ws, &template.rules, 1_780_000_000, 0, usize::MAX).unwrap()
        })
        .collect()
}

fn index_parts(ws: &Workspace) -> Vec<String> {
    crate::store::tables::derived_cache::part_names(ws.conn())
        .into_iter()
        .filter(|name| name.starts_with("segment-index/"))
        .collect()
}

#[test]
fn a_merge_and_its_undo_keep_the_index_parts_which_answer_as_sql_does() {
    let (_dir, mut ws) = demo_workspace();
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    let before = members_of_templates(&ws);
    let stored = index_parts(&ws);
    assert!(stored.iter().any(|name| name.ends_with("/lead-ids")));
    assert!(stored.iter().any(|name| name.contains("/events/")));
    let picks = Picks::from([("company".to_owned(), 102)]);
    let first = merge(&mut ws, 101, &[102], &picks).unwrap();
    merge(&mut ws, 50, &[51, 52], &Picks::new()).unwrap();
    // Carried across both merges, not deleted: every part is still there.
    assert_eq!(index_parts(&ws), stored);
    let from_parts = members_of_templates(&ws);
    assert_ne!(from_parts, before, "merged leads left some segments");
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    assert_eq!(members_of_templates(&ws), from_parts, "as built from SQL");
    assert!(from_parts
        .iter()
        .all(|m| !m.contains(&102) && !m.contains(&51)));

    // The undo gives lead 102 back under its id; the parts follow.
    let stored = index_parts(&ws);
    history::undo(&mut ws, first.change_id).unwrap();
    assert_eq!(index_parts(&ws), stored);
    let from_parts = members_of_templates(&ws);
    assert!(from_parts.iter().any(|m| m.contains(&102)));
    ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
    assert_eq!(members_of_templates(&ws), from_parts, "as built from SQL");
}

/// The leads in the one `before-merge` backup of the workspace at `path`,
/// and whether lead `id` is among them.
fn leads_in_the_backup(ws: &Workspace, path: &std::path::Path, id: i64) -> (i64, bool) {
    let backups = crate::store::backup::backup_files(path).unwrap();
    assert_eq!(backups.len(), 1, "one backup: {backups:?}");
    let name = backups[0].file_name().unwrap().to_string_lossy();
    assert!(name.contains(BACKUP_REASON), "{name}");
    let copy = crate::store::backup::open_backup(ws, &backups[0]).unwrap();
    let leads = copy
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    let holds = copy
        .query_row("SELECT count(*) FROM leads WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    (leads, holds == 1)
}

fn journal_mode(ws: &Workspace) -> String {
    ws.conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_merge_alone_on_its_file_copies_its_backup_first_and_writes_in_place() {
    let (dir, mut ws) = demo_workspace();
    let path = dir.path().join("merge.leadstream");
    let leads_before = count(&ws, "SELECT count(*) FROM leads");
    merge(&mut ws, 101, &[102], &Picks::new()).unwrap();
    assert_eq!(count(&ws, "SELECT count(*) FROM leads"), leads_before - 1);
    assert_eq!(leads_in_the_backup(&ws, &path, 102), (leads_before, true));
    assert_eq!(journal_mode(&ws), "wal", "back on the log");
    // Through the log, the merge's pages would wait in it for a checkpoint.
    let log = dir.path().join("merge.leadstream-wal");
    let logged = std::fs::metadata(&log).map_or(0, |m| m.len());
    assert_eq!(logged, 0, "the merge wrote in place");
}

#[test]
fn a_merge_beside_another_connection_copies_its_backup_beside_it_through_the_log() {
    let (dir, mut ws) = demo_workspace();
    let path = dir.path().join("merge.leadstream");
    // Another process's connection (the app's, a shell) keeps the file
    // on the log.
    let other = rusqlite::Connection::open(&path).unwrap();
    let leads_before: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    merge(&mut ws, 101, &[102], &Picks::new()).unwrap();
    let log = dir.path().join("merge.leadstream-wal");
    assert!(
        std::fs::metadata(&log).is_ok_and(|m| m.len() > 0),
        "the merge wrote through the log"
    );
    let leads_after: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(leads_after, leads_before - 1);
    assert_eq!(leads_in_the_backup(&ws, &path, 102), (leads_before, true));
    assert_eq!(journal_mode(&ws), "wal");
}

#[test]
fn a_refused_merge_beside_another_connection_leaves_the_workspace_as_it_was() {
    let (dir, mut ws) = demo_workspace();
    let path = dir.path().join("merge.leadstream");
    let _other = rusqlite::Connection::open(&path).unwrap();
    let before = dump(&ws);
    let refused = merge(&mut ws, 101, &[999_999], &Picks::new());
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(dump(&ws), before);
    assert_eq!(journal_mode(&ws), "wal");
    // A copy stopped with the merge leaves no partial file behind; one that
    // had finished holds the workspace as it was.
    for file in std::fs::read_dir(crate::store::backup::backups_dir(&path)).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".partial"), "{name}");
    }
}
