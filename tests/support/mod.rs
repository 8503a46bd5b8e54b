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
