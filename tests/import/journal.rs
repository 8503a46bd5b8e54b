//! An import alone on its workspace file writes its pages in place, with
//! SQLite's rollback journal instead of the write-ahead log (issue 16), and
//! the workspace is back on the log afterwards, whether the import
//! finished, was cancelled or shared the file with another connection.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::store::tables::leads;
use leadstream_core::{Error, Workspace};

use super::*;

fn beside(workspace: &Path, suffix: &str) -> PathBuf {
    let mut name = workspace.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn leads_file(dir: &Path, count: usize) -> PathBuf {
    let mut content = String::from("email,first_name\n");
    for i in 0..count {
        content.push_str(&format!("lead{i}@example.com,Lead {i}\n"));
    }
    write(dir, "leads.csv", &content)
}

/// A workspace holding `count` leads imported from [`leads_file`].
fn workspace_with_leads(dir: &Path, count: usize) -> (tempfile::TempDir, Workspace) {
    let (d, mut ws) = workspace();
    let file = leads_file(dir, count);
    let report = import_watching(&mut ws, &file, None).result.unwrap();
    assert_eq!(report.counts.inserted, count as u64);
    (d, ws)
}

/// A file renaming the first `count` leads of [`leads_file`] (and adding
/// the rest, beyond the leads a workspace holds).
fn renames_file(dir: &Path, count: usize) -> PathBuf {
    let mut content = String::from("email,first_name\n");
    for i in 0..count {
        content.push_str(&format!("lead{i}@example.com,Renamed {i}\n"));
    }
    write(dir, "renames.csv", &content)
}

fn journal_mode(ws: &Workspace) -> String {
    ws.conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// What the files beside the workspace were while an import ran: whether
/// the write-ahead log and the rollback journal existed at its progress
/// reports, and its outcome.
struct Seen {
    log_while_importing: bool,
    journal_while_importing: bool,
    result: leadstream_core::Result<leadstream_core::import::spec::ImportReport>,
}

fn import_watching(ws: &mut Workspace, file: &Path, cancel_after_rows: Option<u64>) -> Seen {
    let path = ws.path().unwrap().to_path_buf();
    let spec = suggested(ws, file, None);
    let cancel = AtomicBool::new(false);
    let (mut log, mut journal) = (false, false);
    let mut progress = |p: &leadstream_core::import::spec::ImportProgress| {
        if p.rows > 0 && p.bytes_read < p.total_bytes {
            log |= beside(&path, "-wal").exists();
            journal |= beside(&path, "-journal").exists();
        }
        if cancel_after_rows.is_some_and(|rows| p.rows >= rows) {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let result = run_import(
        ws,
        file,
        &spec,
        false,
        ImportControl {
            cancel: &cancel,
            progress: &mut progress,
        },
    );
    Seen {
        log_while_importing: log,
        journal_while_importing: journal,
        result,
    }
}

#[test]
fn imports_alone_on_the_file_write_in_place_and_end_on_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let path = ws.path().unwrap().to_path_buf();
    let file = leads_file(dir.path(), 60_000);

    let seen = import_watching(&mut ws, &file, None);
    assert_eq!(seen.result.unwrap().counts.inserted, 60_000);
    assert!(
        seen.journal_while_importing,
        "the rollback journal was used"
    );
    assert!(!seen.log_while_importing, "no write-ahead log while it ran");
    assert_eq!(journal_mode(&ws), "wal");
    assert!(!beside(&path, "-journal").exists());

    // The second import has leads to lose: its backup is copied first,
    // then it writes in place too.
    let mut more = String::from("email,first_name\n");
    for i in 0..30_000 {
        more.push_str(&format!("lead{i}@example.com,Renamed {i}\n"));
    }
    more.push_str("new@example.com,New\n");
    let more = write(dir.path(), "more.csv", &more);
    let seen = import_watching(&mut ws, &more, None);
    let counts = seen.result.unwrap().counts;
    assert_eq!((counts.inserted, counts.updated), (1, 30_000));
    assert!(
        seen.journal_while_importing,
        "the rollback journal was used"
    );
    assert!(!seen.log_while_importing, "no write-ahead log while it ran");
    assert_eq!(journal_mode(&ws), "wal");
    assert!(!beside(&path, "-journal").exists());
    let backups = leadstream_core::store::backup::list(&ws).unwrap();
    let leads_before: Vec<_> = backups.iter().map(|b| b.leads).collect();
    assert_eq!(leads_before, vec![Some(60_000)], "{backups:?}");

    drop(ws);
    assert_eq!(integrity(&path), "ok");
    let reopened = Workspace::open(&path).unwrap();
    assert_eq!(leads::count(&reopened).unwrap(), 60_001);
    assert_eq!(journal_mode(&reopened), "wal");
}

#[test]
fn a_cancelled_first_import_leaves_the_workspace_empty_and_on_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let path = ws.path().unwrap().to_path_buf();
    let file = leads_file(dir.path(), 60_000);

    let seen = import_watching(&mut ws, &file, Some(20_000));
    assert!(matches!(seen.result, Err(Error::Cancelled)));
    assert!(seen.journal_while_importing);
    assert_eq!(leads::count(&ws).unwrap(), 0);
    assert_eq!(journal_mode(&ws), "wal");
    assert!(!beside(&path, "-journal").exists());
    assert_eq!(integrity(&path), "ok");

    let seen = import_watching(&mut ws, &file, None);
    assert_eq!(seen.result.unwrap().counts.inserted, 60_000);
}

/// A cancelled import into a workspace that holds leads rolls the pages it
/// changed back from the journal: every lead as it was, the file whole.
#[test]
fn a_cancelled_import_in_place_leaves_the_stored_leads_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace_with_leads(dir.path(), 5_000);
    let path = ws.path().unwrap().to_path_buf();
    let renames = renames_file(dir.path(), 60_000);

    let seen = import_watching(&mut ws, &renames, Some(20_000));
    assert!(matches!(seen.result, Err(Error::Cancelled)));
    assert!(seen.journal_while_importing);
    assert_eq!(journal_mode(&ws), "wal");
    assert!(!beside(&path, "-journal").exists());
    drop(ws);
    assert_eq!(integrity(&path), "ok");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (leads, renamed): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE first_name LIKE 'Renamed%') FROM leads",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((leads, renamed), (5_000, 0));
}

/// Another connection on the file (another process, a backup reading)
/// keeps the import on the log (the switch is refused at once, without the
/// busy wait: `store::journal`'s unit tests).
#[test]
fn a_first_import_beside_another_connection_goes_through_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let path = ws.path().unwrap().to_path_buf();
    let other = rusqlite::Connection::open(&path).unwrap();
    let held: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 0);
    let file = leads_file(dir.path(), 60_000);

    let seen = import_watching(&mut ws, &file, None);
    assert_eq!(seen.result.unwrap().counts.inserted, 60_000);
    assert!(seen.log_while_importing, "the import went through the log");
    assert!(!seen.journal_while_importing);
    let seen_by_other: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen_by_other, 60_000);
    assert_eq!(journal_mode(&ws), "wal");
}

/// An import into a workspace that holds leads, beside another connection
/// (as in the app, whose shared connection stays open): it goes through the
/// log, and its backup, copied beside it while it writes, holds the
/// workspace as it was before.
#[test]
fn an_import_with_leads_at_stake_beside_another_connection_copies_its_backup_beside_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace_with_leads(dir.path(), 5_000);
    let path = ws.path().unwrap().to_path_buf();
    let other = rusqlite::Connection::open(&path).unwrap();
    let held: i64 = other
        .query_row("SELECT count(*) FROM leads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 5_000);
    let more = renames_file(dir.path(), 60_000);

    let seen = import_watching(&mut ws, &more, None);
    let counts = seen.result.unwrap().counts;
    assert_eq!((counts.inserted, counts.updated), (55_000, 5_000));
    assert!(seen.log_while_importing, "the import went through the log");
    assert!(!seen.journal_while_importing, "no rollback journal");
    let backups = leadstream_core::store::backup::list(&ws).unwrap();
    let leads_before: Vec<_> = backups.iter().map(|b| b.leads).collect();
    assert_eq!(leads_before, vec![Some(5_000)], "{backups:?}");
    assert_eq!(journal_mode(&ws), "wal");
}
