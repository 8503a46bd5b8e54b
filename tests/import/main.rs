//! Black-box tests of CSV import against the fixtures in tests/fixtures
//! (and, where present, the unlicensed files in ../shared, never copied).

mod apply;
mod source;

use std::path::{Path, PathBuf};

/// A file in the repository's tests/fixtures.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(relative)
}

/// A file in the shared data next to the repository (never copied here: no
/// licence). `None`, with a note, when it is absent.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not present", path.display());
        None
    }
}
