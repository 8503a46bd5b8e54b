//! The `leadstream` command groups, one module each; `main.rs` parses the
//! command line and calls them. Each writes its output to the `out` it is
//! given (stdout) and returns what went wrong, which `main` prints.

pub mod content;
pub mod fields;
pub mod hierarchy;
pub mod import;
pub mod insights;
pub mod leads;
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

/// Prints a benchmark run's time on stderr, as `run N: T ms` with
/// `decimals` digits after the point.
pub fn print_run_time(run: u32, started: std::time::Instant, decimals: usize) {
    eprintln!(
        "run {run}: {:.decimals$} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
