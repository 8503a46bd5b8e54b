//! The CLI beside a workspace another process holds open, as the app does,
//! with a second connection for an import or the day's upkeep: a CLI run
//! that opens and closes the file must not take the open workspace's
//! write-ahead log away, so what the open workspace writes afterwards is in
//! the file for the next process.

use leadstream_core::segments::saved::{self, SegmentDraft};
use leadstream_core::segments::RuleGroup;
use leadstream_core::Workspace;

use crate::support::Sandbox;

fn draft(name: &str) -> SegmentDraft {
    SegmentDraft {
        name: name.into(),
        description: String::new(),
        color: "#0f766e".into(),
        folder: String::new(),
        rules: RuleGroup::everyone(),
    }
}

#[test]
fn a_cli_run_beside_a_reopened_workspace_loses_none_of_its_later_writes() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["demo", "--leads", "50"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // This process plays the app: its workspace, and a second connection
    // opened beside it.
    let mut app = Workspace::open(sandbox.db()).unwrap();
    let beside = app.reopener().unwrap().open().unwrap();
    saved::create(&mut app, &draft("Written before the CLI ran")).unwrap();
    drop(beside);
    // Other processes open the file, write and close it again: the CLI, and
    // the sqlite3 shell (which, before the fix, took the app's connections
    // for gone once the second one had opened, and reset the log).
    let out = sandbox.run(&["segment", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Written before the CLI ran"),
        "{}",
        out.stdout
    );
    let shell = std::process::Command::new("sqlite3")
        .arg(sandbox.db())
        .arg("BEGIN IMMEDIATE; COMMIT; SELECT count(*) FROM segments;")
        .output()
        .expect("the sqlite3 shell runs (scripts/setup.sh installs it)");
    assert!(shell.status.success(), "{shell:?}");
    // What the app writes afterwards reaches the file.
    saved::create(&mut app, &draft("Written after the CLI ran")).unwrap();
    let out = sandbox.run(&["segment", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Written after the CLI ran"),
        "the app's write after the CLI's run is lost to other processes:\n{}",
        out.stdout
    );
    drop(app);
}
