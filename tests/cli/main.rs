//! Black-box tests of the `leadstream` command line, run against temporary
//! workspaces. One file per subcommand family.

#[path = "../support/mod.rs"]
mod support;

mod demo_and_leads;
mod errors;
mod exports;
mod fields;
mod import;
mod plan;
mod segments;
