//! `passphrase set|change|remove|status` and `LEADSTREAM_PASSPHRASE`: a
//! protected workspace needs its passphrase for every command, a wrong one
//! is refused with the file untouched (raw bytes compared) and no SQLCipher
//! log on stderr, the raw file holds no planted e-mail in clear, and the new
//! passphrase never comes from the command line's arguments.

use std::process::Command;

use crate::support::{leadstream_binary, ok, Output, Sandbox};

const PLANTED: &str = "planted.cli@example.org";

/// Runs `leadstream --db <sandbox db> ARGS...` with `env` set (and the
/// passphrase variables cleared otherwise).
fn run_with(sandbox: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> Output {
    let db = sandbox.db();
    let mut command = Command::new(leadstream_binary());
    command
        .env_remove("LEADSTREAM_PASSPHRASE")
        .env_remove("LEADSTREAM_NEW_PASSPHRASE")
        .arg("--db")
        .arg(&db)
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("leadstream runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn demo_with_planted_email() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(run_with(
        &sandbox,
        &[],
        &["demo", "--leads", "300", "--anchor", "2026-06-01"],
    ));
    let csv = sandbox.path("planted.csv");
    std::fs::write(&csv, format!("email,first_name\n{PLANTED},Planted\n")).unwrap();
    ok(run_with(
        &sandbox,
        &[],
        &["import", "leads", csv.to_str().unwrap()],
    ));
    sandbox
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn a_protected_workspace_needs_its_passphrase_for_every_command() {
    let sandbox = demo_with_planted_email();
    let count = ok(run_with(&sandbox, &[], &["leads", "count"]));
    assert!(contains(&std::fs::read(sandbox.db()).unwrap(), PLANTED));

    let set = ok(run_with(
        &sandbox,
        &[("LEADSTREAM_NEW_PASSPHRASE", "correct horse")],
        &["passphrase", "set"],
    ));
    assert!(set.contains("is now protected with a passphrase"), "{set}");
    let raw = std::fs::read(sandbox.db()).unwrap();
    assert!(!raw.starts_with(b"SQLite format 3"));
    assert!(!contains(&raw, PLANTED), "the e-mail is not in clear");

    let missing = run_with(&sandbox, &[], &["leads", "count"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains("this workspace is protected with a passphrase: set LEADSTREAM_PASSPHRASE"),
        "{}",
        missing.stderr
    );

    let before = std::fs::read(sandbox.db()).unwrap();
    let wrong = run_with(
        &sandbox,
        &[("LEADSTREAM_PASSPHRASE", "battery staple")],
        &["leads", "count"],
    );
    assert_eq!(wrong.code, 1);
    assert!(
        wrong.stderr.contains("wrong passphrase"),
        "{}",
        wrong.stderr
    );
    assert!(
        !wrong.stderr.contains("hmac"),
        "SQLCipher's log is silenced"
    );
    assert_eq!(wrong.stderr.lines().count(), 1, "{}", wrong.stderr);
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), before, "untouched");

    let right = [("LEADSTREAM_PASSPHRASE", "correct horse")];
    assert_eq!(ok(run_with(&sandbox, &right, &["leads", "count"])), count);
    let status = ok(run_with(&sandbox, &right, &["passphrase", "status"]));
    assert!(status.contains("protected with a passphrase"), "{status}");
}

#[test]
fn change_and_remove_and_a_passphrase_file() {
    let sandbox = demo_with_planted_email();
    let count = ok(run_with(&sandbox, &[], &["leads", "count"]));
    let file = sandbox.path("new-passphrase.txt");
    std::fs::write(&file, "first passphrase\n").unwrap();
    ok(run_with(
        &sandbox,
        &[],
        &[
            "passphrase",
            "set",
            "--passphrase-file",
            file.to_str().unwrap(),
        ],
    ));
    let first = [("LEADSTREAM_PASSPHRASE", "first passphrase")];
    let changed = ok(run_with(
        &sandbox,
        &[first[0], ("LEADSTREAM_NEW_PASSPHRASE", "second passphrase")],
        &["passphrase", "change"],
    ));
    assert!(changed.contains("has a new passphrase"), "{changed}");
    let stale = run_with(&sandbox, &first, &["leads", "count"]);
    assert!(
        stale.stderr.contains("wrong passphrase"),
        "{}",
        stale.stderr
    );

    let second = [("LEADSTREAM_PASSPHRASE", "second passphrase")];
    let removed = ok(run_with(&sandbox, &second, &["passphrase", "remove"]));
    assert!(removed.contains("no longer protected"), "{removed}");
    assert!(std::fs::read(sandbox.db())
        .unwrap()
        .starts_with(b"SQLite format 3"));
    assert_eq!(ok(run_with(&sandbox, &[], &["leads", "count"])), count);
    let audit = std::fs::read(sandbox.db()).unwrap();
    assert!(!contains(&audit, "second passphrase"));
    assert!(!contains(&audit, "first passphrase"));
}

#[test]
fn a_short_or_missing_new_passphrase_is_refused_plainly() {
    let sandbox = demo_with_planted_email();
    let short = run_with(
        &sandbox,
        &[("LEADSTREAM_NEW_PASSPHRASE", "short")],
        &["passphrase", "set"],
    );
    assert_eq!(short.code, 1);
    assert!(
        short
            .stderr
            .contains("a passphrase needs at least 8 characters"),
        "{}",
        short.stderr
    );
    let missing = run_with(&sandbox, &[], &["passphrase", "set"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("LEADSTREAM_NEW_PASSPHRASE"),
        "{}",
        missing.stderr
    );
    let argv = run_with(
        &sandbox,
        &[],
        &["passphrase", "set", "--passphrase", "correct horse"],
    );
    assert_eq!(argv.code, 2, "no passphrase on the command line");
    assert!(std::fs::read(sandbox.db())
        .unwrap()
        .starts_with(b"SQLite format 3"));
}

/// `backup restore` in a protected workspace: the backup taken after
/// protecting it comes back over a later import, and the file stays
/// encrypted (no planted e-mail in clear).
#[test]
fn a_protected_workspace_restores_its_backup() {
    let sandbox = demo_with_planted_email();
    let env = [("LEADSTREAM_PASSPHRASE", "correct horse battery")];
    ok(run_with(
        &sandbox,
        &[("LEADSTREAM_NEW_PASSPHRASE", "correct horse battery")],
        &["passphrase", "set"],
    ));
    let backed_up = ok(run_with(&sandbox, &env, &["backup", "create"]));
    // `backup create` prints the new backup's id alone on stdout.
    let id = backed_up.trim();
    let csv = sandbox.path("more.csv");
    std::fs::write(&csv, "email\nlater.cli@example.org\n").unwrap();
    ok(run_with(
        &sandbox,
        &env,
        &["import", "leads", csv.to_str().unwrap()],
    ));
    let before = ok(run_with(&sandbox, &env, &["leads", "count"]));
    assert_eq!(before.trim(), "302");

    let restored = ok(run_with(
        &sandbox,
        &env,
        &["backup", "restore", id, "--yes"],
    ));
    assert!(restored.contains("Restored"), "{restored}");
    let after = ok(run_with(&sandbox, &env, &["leads", "count"]));
    assert_eq!(after.trim(), "301");
    let raw = std::fs::read(sandbox.db()).unwrap();
    assert!(!contains(&raw, PLANTED));
}
