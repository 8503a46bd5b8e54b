//! Exit codes and messages: errors exit 1 with a message on stderr, usage
//! errors exit 2, and nothing is written to a file we refuse.

use crate::support::{run_raw, Sandbox};

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
        out.stderr.contains("not a Leadstream workspace"),
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
