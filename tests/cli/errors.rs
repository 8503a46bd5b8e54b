//! Exit codes and messages: errors exit 1 with a message on stderr, usage
//! errors exit 2, and nothing is written to a file we refuse. The files a
//! user gives (read-only, damaged, not SQLite, on a full disk, busy with
//! another process) each get a plain message and lose nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{run_raw, Output, Sandbox};

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run_raw(&["leads", "count"]).code, 2, "missing --db");
    assert_eq!(
        run_raw(&["--db", "x.leadstream", "no-such-command"]).code,
        2
    );
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.run(&["leads", "export", "--format", "xml"]).code, 2);
}

#[test]
fn a_missing_workspace_is_an_error_not_a_new_file() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["leads", "count"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no such workspace file"),
        "{}",
        out.stderr
    );
    assert!(!sandbox.db().exists());
}

#[test]
fn a_csv_passed_as_workspace_is_refused_and_untouched() {
    let sandbox = Sandbox::new();
    let csv = b"email,first_name\nann@example.com,Ann\n".repeat(100);
    std::fs::write(sandbox.db(), &csv).unwrap();
    let out = sandbox.run(&["leads", "count"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("not a Leadstream workspace (it is not an SQLite database)"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), csv);
}

#[test]
fn init_refuses_to_overwrite() {
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.run(&["init"]).code, 0);
    let again = sandbox.run(&["init"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

/// A sandbox whose workspace holds a small demo (closed, so all in the file).
fn sandbox_with_demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["demo", "--leads", "300", "--events-per-lead", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

/// Checks that a command on a damaged workspace says so, names the file,
/// exits 1 (no panic), and leaves the file as it was.
fn assert_reported_damaged(sandbox: &Sandbox) {
    let before = std::fs::read(sandbox.db()).unwrap();
    for args in [&["leads", "count"][..], &["fields"][..]] {
        let out = sandbox.run(args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("this workspace file is damaged"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("test.leadstream"), "{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), before);
}

#[test]
fn a_truncated_workspace_is_reported_damaged_and_left_untouched() {
    let sandbox = sandbox_with_demo();
    let length = std::fs::metadata(sandbox.db()).unwrap().len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(sandbox.db())
        .unwrap();
    file.set_len(length / 2).unwrap();
    drop(file);
    assert_reported_damaged(&sandbox);
}

#[test]
fn an_overwritten_workspace_is_reported_damaged_and_left_untouched() {
    use std::io::{Seek, SeekFrom, Write};
    let sandbox = sandbox_with_demo();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(sandbox.db())
        .unwrap();
    // Page 1 after the file header: the root of the schema table.
    file.seek(SeekFrom::Start(100)).unwrap();
    file.write_all(&[0x5A; 600]).unwrap();
    drop(file);
    assert_reported_damaged(&sandbox);
}

#[test]
fn a_read_only_workspace_is_refused_with_the_reason_and_left_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = sandbox_with_demo();
    std::fs::set_permissions(sandbox.db(), std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(sandbox.db()).unwrap();
    let out = sandbox.run(&["leads", "count"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("test.leadstream: this workspace file is read-only"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), before);
}

/// Writes a lead CSV of `rows` rows with numbered e-mails from `first`.
fn write_leads_csv(path: &Path, first: usize, rows: usize) {
    let mut text = String::from("email,first_name,last_name,company,city\n");
    for n in first..first + rows {
        text.push_str(&format!(
            "lead{n}@example.com,First{n},Last{n},Company number {n},City {}\n",
            n % 97
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts an 8 MiB tmpfs, or says why it could not (not root, no
    /// CAP_SYS_ADMIN in a container).
    fn mount() -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(SmallDisk { dir })
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn run_on(db: &Path, args: &[&str]) -> Output {
    let mut full = vec!["--db", db.to_str().unwrap()];
    full.extend_from_slice(args);
    run_raw(&full)
}

#[test]
fn an_import_that_fills_the_disk_says_so_and_the_workspace_keeps_what_it_held() {
    let sources = tempfile::tempdir().unwrap();
    let small = sources.path().join("small.csv");
    let big = sources.path().join("big.csv");
    write_leads_csv(&small, 0, 40);
    write_leads_csv(&big, 1_000, 60_000);

    let disk = match SmallDisk::mount() {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!(
                "full disk simulated with SQLite's max_page_count, not a tmpfs \
                 (mount failed: {why})"
            );
            return full_disk_through_max_page_count();
        }
    };
    eprintln!("full disk simulated with an 8 MiB tmpfs");
    let db = disk.path("full.leadstream");
    assert_eq!(run_on(&db, &["init"]).code, 0);
    let out = run_on(&db, &["import", "leads", small.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out = run_on(&db, &["import", "leads", big.to_str().unwrap()]);
    assert_eq!(out.code, 1, "the big import fitted: {}", out.stdout);
    assert!(out.stderr.contains("the disk is full"), "{}", out.stderr);
    assert!(out.stderr.contains("full.leadstream"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);

    let out = run_on(&db, &["leads", "count"]);
    assert_eq!((out.code, out.stdout.trim()), (0, "40"), "{}", out.stderr);
    let out = run_on(&db, &["imports", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("small.csv").count(), 1, "{}", out.stdout);
    assert!(!out.stdout.contains("big.csv"), "{}", out.stdout);
}

/// Where no tmpfs can be mounted: demo generation through the core, whose
/// connection may not grow the file beyond a few pages, which SQLite
/// reports exactly as a full disk. The workspace keeps what it held.
fn full_disk_through_max_page_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("full.leadstream");
    assert_eq!(run_on(&db, &["init"]).code, 0);
    let mut workspace = leadstream_core::Workspace::open(&db).unwrap();
    workspace
        .conn()
        .execute("INSERT INTO settings (key, value) VALUES ('kept', '1')", [])
        .unwrap();
    let pages: i64 = workspace
        .conn()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    workspace
        .conn()
        .pragma_update(None, "max_page_count", pages + 8)
        .unwrap();
    let spec = leadstream_core::demo::DemoSpec {
        leads: 5_000,
        events_per_lead: 5,
        seed: 1,
        anchor: 1_790_000_000,
    };
    let error = leadstream_core::demo::generate(&mut workspace, &spec).unwrap_err();
    assert!(error.to_string().contains("the disk is full"), "{error}");
    drop(workspace);
    let out = run_on(&db, &["leads", "count"]);
    assert_eq!((out.code, out.stdout.trim()), (0, "0"), "{}", out.stderr);
    let workspace = leadstream_core::Workspace::open(&db).unwrap();
    let kept: String = workspace
        .conn()
        .query_row("SELECT value FROM settings WHERE key = 'kept'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "1");
}

#[test]
fn a_write_while_another_process_writes_reports_busy_and_loses_nothing() {
    let sandbox = sandbox_with_demo();
    let sources = tempfile::tempdir().unwrap();
    let csv = sources.path().join("more.csv");
    write_leads_csv(&csv, 0, 20);

    // Another Leadstream process (the app, say) in the middle of a write.
    let holder = leadstream_core::Workspace::open(sandbox.db()).unwrap();
    holder
        .conn()
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO settings (key, value) VALUES ('held by the app', '1');",
        )
        .unwrap();

    let reader = sandbox.run(&["leads", "count"]);
    assert_eq!(
        (reader.code, reader.stdout.trim()),
        (0, "300"),
        "reading goes on meanwhile: {}",
        reader.stderr
    );
    let started = std::time::Instant::now();
    let writer = sandbox.run(&["import", "leads", csv.to_str().unwrap()]);
    assert_eq!(writer.code, 1, "{}", writer.stdout);
    assert!(
        writer.stderr.contains(
            "test.leadstream: the workspace is busy (another Leadstream process is writing)"
        ),
        "{}",
        writer.stderr
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "it waited for the busy timeout first"
    );

    holder.conn().execute_batch("COMMIT").unwrap();
    drop(holder);
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "300");
    let retry = sandbox.run(&["import", "leads", csv.to_str().unwrap()]);
    assert_eq!(retry.code, 0, "{}", retry.stderr);
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "320");
}

#[test]
fn concurrent_inits_and_opens_of_one_new_path_create_it_once() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..8 {
        let db = dir.path().join(format!("{round}.leadstream"));
        let db_text = db.to_str().unwrap();
        let spawn = |args: &[&str]| {
            Command::new(crate::support::leadstream_binary())
                .args(["--db", db_text])
                .args(args)
                .output()
                .unwrap()
        };
        let outputs: Vec<_> = std::thread::scope(|scope| {
            let inits: Vec<_> = (0..3).map(|_| scope.spawn(|| spawn(&["init"]))).collect();
            let opens: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| spawn(&["leads", "count"])))
                .collect();
            inits
                .into_iter()
                .chain(opens)
                .map(|handle| handle.join().unwrap())
                .collect()
        });
        let mut created = 0;
        for (index, output) in outputs.iter().enumerate() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            match (index < 3, output.status.code()) {
                (true, Some(0)) => created += 1,
                (true, _) => assert!(stderr.contains("already exists"), "round {round}: {stderr}"),
                (false, Some(0)) => assert_eq!(stdout.trim(), "0", "round {round}"),
                (false, _) => assert!(
                    stderr.contains("no such workspace file"),
                    "round {round}: an opener saw a half-made workspace: {stderr}"
                ),
            }
        }
        assert_eq!(
            created, 1,
            "round {round}: exactly one init created the file"
        );
        let out = run_on(&db, &["leads", "count"]);
        assert_eq!((out.code, out.stdout.trim()), (0, "0"), "{}", out.stderr);
    }
}
