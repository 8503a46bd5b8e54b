//! The import's two threads (issue 16): the file is parsed and converted on
//! a thread of its own while rows are written, and the backup before an
//! import is copied beside it. Line numbers, rejections, Cancel and the
//! backup behave as when everything ran in turn.

use leadstream_core::import::history;
use leadstream_core::store::backup;
use leadstream_core::store::tables::{events, leads};
use leadstream_core::Error;

use super::*;

/// Rows rejected by the parser thread (a bad e-mail) and by the writer
/// (an identity that belongs to another lead), spread over many batches,
/// are reported in file order with their own lines.
#[test]
fn rejections_from_both_threads_keep_their_lines_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = String::from("Email,External ID,First Name\n");
    let mut expected = Vec::new();
    for i in 0..5_000u64 {
        let line = i + 2;
        if i % 997 == 0 {
            content.push_str(&format!("not-an-address-{i},crm-{i},Bad\n"));
            expected.push((line, "invalid e-mail address"));
        } else if i % 1_301 == 0 {
            // The e-mail is new, the external id is lead 1's.
            content.push_str(&format!("new{i}@example.com,crm-1,Clash\n"));
            expected.push((
                line,
                "external id \"crm-1\" already belongs to another lead",
            ));
        } else {
            content.push_str(&format!("lead{i}@example.com,crm-{i},Lead {i}\n"));
        }
    }
    let file = write(dir.path(), "leads.csv", &content);
    let (_d, mut ws) = workspace();
    let spec = suggested(&ws, &file, None);
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_invariant(&report.counts);
    assert_eq!(report.counts.rows, 5_000);
    assert_eq!(report.counts.rejected, expected.len() as u64);
    let got: Vec<(u64, &str)> = report
        .rejections
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(got.len(), expected.len());
    for ((line, reason), (expected_line, expected_reason)) in got.iter().zip(&expected) {
        assert_eq!(line, expected_line);
        assert!(reason.contains(expected_reason), "line {line}: {reason}");
    }
    let file_text = std::fs::read_to_string(report.rejected_file.unwrap()).unwrap();
    assert_eq!(file_text.lines().count(), 1 + expected.len());
    assert_eq!(leads::count(&ws).unwrap(), 5_000 - expected.len() as u64);
}

/// An events file whose rows name the same new leads again and again: the
/// leads created for the first rows are found, in memory, for the later
/// ones (no duplicate lead, every event kept).
#[test]
fn events_find_the_leads_created_earlier_in_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = String::from("email,event,timestamp,url\n");
    for i in 0..6_000 {
        content.push_str(&format!(
            "Person{}@Example.com,page_view,2026-01-0{}T10:00:00Z,/p/{i}\n",
            i % 300,
            1 + i % 9
        ));
    }
    let file = write(dir.path(), "events.csv", &content);
    let (_d, mut ws) = workspace();
    let spec = suggested(&ws, &file, Some(ImportKind::Events));
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.inserted, 6_000);
    assert_eq!(report.counts.leads_created, 300);
    assert_eq!(leads::count(&ws).unwrap(), 300);
    assert_eq!(events::count(&ws).unwrap(), 6_000);
}

/// Another connection reading the workspace file, as the app's shared
/// connection does during its imports: the import then goes through the
/// write-ahead log and copies its backup beside itself while it writes.
/// Alone on the file, it copies the backup first and writes in place
/// (`store::journal`). Both ways are tested.
fn another_connection(ws: &leadstream_core::Workspace) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(ws.path().unwrap()).unwrap();
    let _: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    other
}

/// Cancel while the parser thread is far ahead (the file is much longer
/// than the rows in flight): the import stops, the workspace is exactly as
/// it was, and the backup copied beside it is whole or gone, never partial.
#[test]
fn cancel_while_the_parser_thread_runs_leaves_nothing_behind() {
    cancel_while_the_parser_thread_runs(false);
}

#[test]
fn cancel_while_the_parser_thread_and_the_backup_beside_run_leaves_nothing_behind() {
    cancel_while_the_parser_thread_runs(true);
}

fn cancel_while_the_parser_thread_runs(beside_another_connection: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let seed = write(
        dir.path(),
        "seed.csv",
        "email,first_name\nkeep@example.com,Keep\n",
    );
    let seed_spec = suggested(&ws, &seed, None);
    run(&mut ws, &seed, &seed_spec, false).unwrap();

    let mut content = String::from("email,first_name\n");
    for i in 0..60_000 {
        content.push_str(&format!("lead{i}@example.com,Lead {i}\n"));
    }
    let file = write(dir.path(), "big.csv", &content);
    let spec = suggested(&ws, &file, None);
    let other = beside_another_connection.then(|| another_connection(&ws));
    let (result, _) = run_cancelled_after(&mut ws, &file, &spec, 4_000);
    drop(other);
    assert!(
        matches!(result, Err(Error::Cancelled)),
        "{:?}",
        result.map(|r| r.counts)
    );
    assert_eq!(leads::count(&ws).unwrap(), 1);
    assert_eq!(history::list(&ws).unwrap().len(), 1);
    // The backup beside the import either finished before the cancel (a
    // whole copy of the workspace as it was) or was stopped and deleted;
    // alone on the file, the import copied it whole before it wrote.
    let taken = backup::list(&ws).unwrap();
    for backup in &taken {
        assert_eq!(backup.leads, Some(1), "{backup:?}");
    }
    if !beside_another_connection {
        assert_eq!(taken.len(), 1, "{taken:?}");
    }
    let backups_dir = backup::backups_dir(ws.path().unwrap());
    let partials = std::fs::read_dir(&backups_dir)
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".partial")
        })
        .count();
    assert_eq!(partials, 0, "no partial backup is left in {backups_dir:?}");
    // The workspace still imports normally afterwards.
    let report = run(&mut ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.inserted, 60_000);
}

/// The backup taken beside an import holds the workspace as it was before
/// the import's first write, although it is copied while the import writes.
#[test]
fn the_backup_beside_an_import_holds_the_workspace_before_it() {
    the_backup_holds_the_workspace_before_the_import(true);
}

/// Alone on the file, the import copies its backup before it writes in place.
#[test]
fn the_backup_before_an_import_in_place_holds_the_workspace_before_it() {
    the_backup_holds_the_workspace_before_the_import(false);
}

fn the_backup_holds_the_workspace_before_the_import(beside_another_connection: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let mut first = String::from("email,company\n");
    for i in 0..2_000 {
        first.push_str(&format!("old{i}@example.com,Before\n"));
    }
    let first = write(dir.path(), "first.csv", &first);
    let first_spec = suggested(&ws, &first, None);
    run(&mut ws, &first, &first_spec, false).unwrap();

    let mut second = String::from("email,company\n");
    for i in 0..40_000 {
        // The first 2,000 rows change the existing leads; the rest are new.
        second.push_str(&format!("old{i}@example.com,After\n"));
    }
    let second = write(dir.path(), "second.csv", &second);
    let second_spec = suggested(&ws, &second, None);
    let other = beside_another_connection.then(|| another_connection(&ws));
    let report = run(&mut ws, &second, &second_spec, false).unwrap();
    if let Some(other) = other {
        // The other connection, open all along, reads the committed rows.
        let seen: i64 = other
            .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seen, 40_000);
    }
    assert_eq!(report.counts.updated, 2_000);
    assert_eq!(report.counts.inserted, 38_000);

    let backups = backup::list(&ws).unwrap();
    let before_import: Vec<_> = backups
        .iter()
        .filter(|b| b.reason == "before-import")
        .collect();
    assert_eq!(before_import.len(), 1, "{backups:?}");
    assert_eq!(before_import[0].leads, Some(2_000));
    let path =
        backup::backups_dir(ws.path().unwrap()).join(format!("{}.leadstream", before_import[0].id));
    let copy =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let companies: Vec<String> = copy
        .prepare("SELECT DISTINCT company FROM leads")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    assert_eq!(companies, vec!["Before".to_owned()]);
    let imports: i64 = copy
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(imports, 1, "the second import is not in the backup");
}
