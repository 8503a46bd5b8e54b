//! Tells the black-box import tests whether the shared data set
//! (`../shared/data` beside the repository; unlicensed files that are read
//! there and never copied) is present: with it, the tests that need it run;
//! without it, they show as ignored with the path, so a skip is never silent.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_data)");
    println!("cargo::rerun-if-changed=build.rs");
    // Cargo always sets it for build scripts; without it there is nothing to look beside.
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return;
    };
    let shared = manifest_dir.join("../../../shared/data");
    if shared.is_dir() {
        println!("cargo::rustc-cfg=shared_data");
        // Only an existing path may be watched: cargo reruns a script that
        // watches a missing one on every build.
        println!("cargo::rerun-if-changed={}", shared.display());
    }
}
