//! Black-box tests of the `leadstream` command line, run against temporary
//! workspaces. One file per subcommand family.

// Test code: a panic is how a test fails (the workspace warns on these in
// production code only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mod.rs"]
mod support;

mod audiences;
mod audit;
mod backup;
mod beside_the_app;
mod coverage;
mod demo_and_leads;
mod encryption;
mod erasure;
mod errors;
mod exports;
mod fields;
mod goals;
mod hierarchy;
mod history;
mod ice;
mod import;
mod insights;
mod insights_discover;
mod plan;
mod quality_fixes;
mod quality_merge;
mod quality_report;
mod score;
mod score_run;
mod segments;
