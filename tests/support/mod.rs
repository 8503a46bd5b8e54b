//! Helpers for black-box tests: a temporary workspace folder and a runner for
//! the `leadstream` binary that captures stdout, stderr and the exit code.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `leadstream` binary cargo built for this test run.
pub fn leadstream_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leadstream"))
}

/// What one run of the CLI produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The output of a run that must succeed: its stdout (the test fails with
/// stderr otherwise).
pub fn ok(out: Output) -> String {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.stdout
}

/// A temporary folder holding one workspace file, removed on drop.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The default workspace file of this sandbox.
    pub fn db(&self) -> PathBuf {
        self.path("test.leadstream")
    }

    /// The ids of every member of `rules` (a rule file or a saved segment's
    /// id) as of `as_of`, whether they may be emailed or not.
    pub fn member_ids(&self, rules: &str, as_of: &str) -> std::collections::BTreeSet<i64> {
        let json = ok(self.run(&[
            "segment",
            "members",
            rules,
            "--as-of",
            as_of,
            "--format",
            "json",
            "--fields",
            "email",
            "--include-unconsented",
        ]));
        let members: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        members.iter().map(|m| m["id"].as_i64().unwrap()).collect()
    }

    /// Runs `leadstream --db <sandbox db> ARGS...`.
    pub fn run(&self, args: &[&str]) -> Output {
        let db = self.db();
        let mut full = vec!["--db", db.to_str().unwrap()];
        full.extend_from_slice(args);
        run_raw(&full)
    }
}

/// Runs `leadstream ARGS...` with no implicit `--db`.
pub fn run_raw(args: &[&str]) -> Output {
    let output = Command::new(leadstream_binary())
        .args(args)
        .output()
        .expect("leadstream runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The root of the repository, for fixtures.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}
