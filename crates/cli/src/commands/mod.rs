//! The `leadstream` command groups, one module each; `main.rs` parses the
//! command line and calls them. Each writes its output to the `out` it is
//! given (stdout) and returns what went wrong, which `main` prints.

pub mod content;
pub mod fields;
pub mod hierarchy;
pub mod import;
pub mod insights;
pub mod leads;
pub mod passphrase;
pub mod plan;
pub mod privacy;
pub mod quality;
pub mod score;
pub mod segments;
pub mod strategy;
pub mod streams;
pub mod workspace;

/// What a command returns: a core error (named with its workspace by
/// `main`) or a message of the command line's own.
pub type CliResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The environment variable that holds the passphrase of an encrypted
/// workspace (issue 15): every command opens the workspace with it.
pub const PASSPHRASE_VAR: &str = "LEADSTREAM_PASSPHRASE";

/// The passphrase from `LEADSTREAM_PASSPHRASE`, when set and not empty.
pub fn passphrase_from_env() -> Option<leadstream_core::store::Passphrase> {
    std::env::var(PASSPHRASE_VAR)
        .ok()
        .filter(|text| !text.is_empty())
        .map(leadstream_core::store::Passphrase::new)
}

/// Opens the workspace at `db` for a command, with the passphrase from
/// `LEADSTREAM_PASSPHRASE` when it is encrypted.
pub fn open_workspace(db: &std::path::Path) -> CliResult<leadstream_core::Workspace> {
    leadstream_core::Workspace::open_keyed(db, passphrase_from_env()).map_err(explain_passphrase)
}

/// [`open_workspace`], creating a new (plain) workspace when there is no
/// file at `db`.
pub fn open_or_create_workspace(db: &std::path::Path) -> CliResult<leadstream_core::Workspace> {
    leadstream_core::Workspace::open_or_create_keyed(db, passphrase_from_env())
        .map_err(explain_passphrase)
}

/// Says how the command line takes a passphrase when one is missing or wrong.
fn explain_passphrase(error: leadstream_core::Error) -> Box<dyn std::error::Error> {
    match error {
        leadstream_core::Error::PassphraseRequired { path } => format!(
            "{}: this workspace is protected with a passphrase: set {PASSPHRASE_VAR}",
            path.display()
        )
        .into(),
        leadstream_core::Error::WrongPassphrase { path } => format!(
            "{}: wrong passphrase: {PASSPHRASE_VAR} does not open this workspace; \
             the file was left untouched",
            path.display()
        )
        .into(),
        other => other.into(),
    }
}

/// Prints a benchmark run's time on stderr, as `run N: T ms` with
/// `decimals` digits after the point.
pub fn print_run_time(run: u32, started: std::time::Instant, decimals: usize) {
    eprintln!(
        "run {run}: {:.decimals$} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
