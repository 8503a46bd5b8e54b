//! Black-box tests of CSV import against the fixtures in tests/fixtures
//! (and, where present, the unlicensed files in ../shared, never copied), and
//! of the import history with undo.

// Test code: a panic is how a test fails (the workspace warns on these in
// production code only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod apply;
mod journal;
mod parallel;
mod scoring_without_history;
mod source;
mod undo;
mod undo_model;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use leadstream_core::import::apply::{run_import, run_import_tuned, ImportControl, ImportTuning};
use leadstream_core::import::inspect::inspect;
use leadstream_core::import::spec::{ImportCounts, ImportKind, ImportReport, ImportSpec};
use leadstream_core::Workspace;

/// A file in the repository's tests/fixtures.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(relative)
}

/// A file in the shared data next to the repository (never copied here: no
/// licence). `None`, with a note, when it is absent.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_path(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not present", path.display());
        None
    }
}

/// A file in the shared data that the test cannot do without. Such tests are
/// `#[ignore]`d with the path in the reason, so the skip shows in every run;
/// run explicitly without the file, they fail loudly, naming the path.
pub fn required_shared(relative: &str) -> PathBuf {
    let path = shared_path(relative);
    assert!(
        path.exists(),
        "{} is not present: this test needs the shared data next to the repository",
        path.display()
    );
    path
}

fn shared_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative)
}

pub fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(dir.path().join("test.leadstream")).unwrap();
    (dir, ws)
}

/// The wizard's suggestions, as the user would accept them.
pub fn suggested(ws: &Workspace, path: &Path, kind: Option<ImportKind>) -> ImportSpec {
    try_suggested(ws, path, kind).unwrap()
}

pub fn try_suggested(
    ws: &Workspace,
    path: &Path,
    kind: Option<ImportKind>,
) -> leadstream_core::Result<ImportSpec> {
    let inspection = inspect(ws, path, None, kind)?;
    Ok(inspection.into_suggested_spec())
}

pub fn run(
    ws: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    dry_run: bool,
) -> leadstream_core::Result<ImportReport> {
    run_with(ws, path, spec, dry_run, ImportTuning::default())
}

/// Runs an import with `tuning`: thresholds a test moves to reach a path
/// (indexes rebuilt at the end, leads looked up row by row) with a small file.
pub fn run_tuned(
    ws: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    tuning: ImportTuning,
) -> leadstream_core::Result<ImportReport> {
    run_with(ws, path, spec, false, tuning)
}

fn run_with(
    ws: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    dry_run: bool,
    tuning: ImportTuning,
) -> leadstream_core::Result<ImportReport> {
    let cancel = AtomicBool::new(false);
    let mut progress = |_: &_| {};
    let control = ImportControl {
        cancel: &cancel,
        progress: &mut progress,
    };
    run_import_tuned(ws, path, spec, dry_run, control, tuning)
}

/// Runs an import that the user cancels once `rows` rows are read, as the
/// Cancel button does; returns its result and how often it reported progress.
pub fn run_cancelled_after(
    ws: &mut Workspace,
    path: &Path,
    spec: &ImportSpec,
    rows: u64,
) -> (leadstream_core::Result<ImportReport>, usize) {
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let mut progress = |p: &leadstream_core::import::spec::ImportProgress| {
        reports += 1;
        if p.rows >= rows {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let result = run_import(
        ws,
        path,
        spec,
        false,
        ImportControl {
            cancel: &cancel,
            progress: &mut progress,
        },
    );
    (result, reports)
}

pub fn assert_invariant(counts: &ImportCounts) {
    assert_eq!(
        counts.rows,
        counts.inserted + counts.updated + counts.skipped + counts.merged + counts.rejected,
        "every row is counted exactly once: {counts:?}"
    );
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}
