//! `insights coverage`: how many leads are in no saved segment, in one and
//! in more than N; what the uncovered leads have in common; segments too
//! small, too large or near-duplicates; the segmentation types in use. With
//! `--leads BUCKET`, the ids of one bucket's leads instead.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use leadstream_core::insights::coverage::{
    self, Coverage, CoverageBucket, CoverageScope, CoverageSettings,
};
use leadstream_core::leads::{LeadQuery, SortSpec};
use leadstream_core::segments;
use leadstream_core::text::grouped;
use leadstream_core::Workspace;

use crate::commands::CliResult;

#[derive(clap::Args)]
pub struct CoverageArgs {
    /// The instant segments are evaluated at (YYYY-MM-DD or ISO 8601; default: now).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// The third bucket: leads in more than N segments (default: the
    /// workspace's setting, 3 unless changed in the app).
    #[arg(long, value_name = "N")]
    pub more_than: Option<u32>,
    /// Segments with fewer leads are too small (default: the workspace's setting, 50).
    #[arg(long, value_name = "LEADS")]
    pub too_small: Option<u64>,
    /// Segments holding more than this percentage of all leads are too
    /// large (default: the workspace's setting, 50).
    #[arg(long, value_name = "PERCENT")]
    pub too_large: Option<f64>,
    /// Count the built-in segments too (default: the workspace's setting, off).
    #[arg(long, conflicts_with = "no_builtins")]
    pub builtins: bool,
    /// Leave the built-in segments out.
    #[arg(long)]
    pub no_builtins: bool,
    /// Print the ids of one bucket's leads, one a line: none, one or more-than.
    #[arg(long, value_name = "BUCKET", value_parser = ["none", "one", "more-than"])]
    pub leads: Option<String>,
    /// The whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Benchmarks: computes the report and a first page (100 leads, by id
    /// and by score) of the leads in no segment N times in one process and
    /// prints each time to stderr.
    #[arg(long, value_name = "N")]
    pub repeat: Option<u32>,
}

pub fn run(db: &Path, args: CoverageArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let saved = coverage::settings(&workspace)?;
    let options = CoverageSettings {
        more_than: args.more_than.unwrap_or(saved.more_than),
        too_small: args.too_small.unwrap_or(saved.too_small),
        too_large_percent: args.too_large.unwrap_or(saved.too_large_percent),
        include_builtins: if args.builtins {
            true
        } else if args.no_builtins {
            false
        } else {
            saved.include_builtins
        },
    };
    options.check()?;
    let as_of = segments::as_of_or_now(args.as_of.as_deref())?;
    if let Some(bucket) = &args.leads {
        let scope = CoverageScope {
            bucket: match bucket.as_str() {
                "none" => CoverageBucket::None,
                "one" => CoverageBucket::One,
                _ => CoverageBucket::MoreThan,
            },
            as_of,
            more_than: options.more_than,
            include_builtins: options.include_builtins,
        };
        for id in coverage::bucket_ids(&workspace, &scope)? {
            writeln!(out, "{id}")?;
        }
        return Ok(());
    }
    if let Some(runs) = args.repeat {
        return time_runs(&workspace, as_of, &options, runs);
    }
    let report = coverage::coverage(&workspace, as_of, &options)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print_report(out, &report)?;
    }
    Ok(())
}

/// `--repeat`: each run's report, unsorted page and sorted page times.
fn time_runs(
    workspace: &Workspace,
    as_of: i64,
    options: &CoverageSettings,
    runs: u32,
) -> CliResult {
    let scope = CoverageScope {
        bucket: CoverageBucket::None,
        as_of,
        more_than: options.more_than,
        include_builtins: options.include_builtins,
    };
    let page = |sort: Option<SortSpec>| LeadQuery {
        offset: 0,
        limit: 100,
        columns: [
            "first_name",
            "last_name",
            "email",
            "company",
            "persona",
            "score",
        ]
        .map(str::to_owned)
        .to_vec(),
        sort,
        search: String::new(),
        search_custom_fields: false,
    };
    let by_score = Some(SortSpec {
        field: "score".to_owned(),
        descending: true,
    });
    for run in 1..=runs {
        let started = Instant::now();
        let report = coverage::coverage(workspace, as_of, options)?;
        let report_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let first = coverage::bucket_page(workspace, &scope, &page(None))?;
        let page_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        coverage::bucket_page(workspace, &scope, &page(by_score.clone()))?;
        let sorted_ms = started.elapsed().as_secs_f64() * 1000.0;
        eprintln!(
            "run {run}: report {report_ms:.1} ms, page of {} in none {page_ms:.1} ms, sorted by score {sorted_ms:.1} ms",
            grouped(first.total.unwrap_or(0)),
        );
        debug_assert_eq!(u64::from(first.total.unwrap_or(0)), report.in_none);
    }
    Ok(())
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn print_report(out: &mut impl Write, report: &Coverage) -> CliResult {
    let total = report.total_leads;
    let of_all = |n: u64| {
        let share = if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        };
        format!("{:>10}  {:>6}", grouped(n), percent(share))
    };
    let builtins = if report.settings.include_builtins {
        "built-ins included"
    } else {
        "built-ins left out"
    };
    writeln!(
        out,
        "{} leads, {} saved segments ({builtins})",
        grouped(total),
        report.segments.len()
    )?;
    writeln!(out, "In no segment        {}", of_all(report.in_none))?;
    writeln!(out, "In exactly one       {}", of_all(report.in_one))?;
    let label = format!("In more than {}", report.settings.more_than);
    writeln!(out, "{label:<21}{}", of_all(report.in_more_than))?;
    writeln!(
        out,
        "\nWhat the leads in no segment have in common (share in them vs all leads):"
    )?;
    for field in report.uncovered_profile.iter().take(6) {
        writeln!(out, "  {}", field.label)?;
        for value in &field.values {
            writeln!(
                out,
                "    {:<32} {:>7} vs {:>7}{}",
                value.value.as_deref().unwrap_or("(no value)"),
                percent(value.bucket_share),
                percent(value.overall_share),
                if value.over_represented {
                    "  over-represented"
                } else {
                    ""
                }
            )?;
        }
    }
    let sizes =
        |title: &str, list: &[coverage::CoverageSegment], out: &mut dyn Write| -> CliResult {
            writeln!(
                out,
                "\n{title}: {}",
                if list.is_empty() { "none" } else { "" }
            )?;
            for s in list {
                writeln!(
                    out,
                    "  {:<40} {:>10}  {:>6}",
                    s.name,
                    grouped(s.count),
                    percent(s.share)
                )?;
            }
            Ok(())
        };
    let small = format!(
        "Too small (under {} leads)",
        grouped(report.settings.too_small)
    );
    sizes(&small, &report.too_small, out)?;
    let large = format!(
        "Too large (over {}% of leads)",
        report.settings.too_large_percent
    );
    sizes(&large, &report.too_large, out)?;
    writeln!(
        out,
        "\nNear-duplicates (each holds over 90% of the other): {}",
        if report.near_duplicates.is_empty() {
            "none"
        } else {
            ""
        }
    )?;
    for pair in &report.near_duplicates {
        writeln!(
            out,
            "  {} ({} of it) and {} ({} of it): {} leads in both",
            pair.first.name,
            percent(pair.share_of_first),
            pair.second.name,
            percent(pair.share_of_second),
            grouped(pair.both)
        )?;
    }
    writeln!(out, "\nSegmentation types:")?;
    for entry in &report.types {
        if entry.used {
            writeln!(
                out,
                "  {:<14} used by {}",
                entry.label,
                entry.segments.join(", ")
            )?;
        } else {
            writeln!(out, "  {:<14} NOT USED", entry.label)?;
        }
    }
    for skipped in &report.skipped {
        writeln!(out, "\nLeft out: {} ({})", skipped.name, skipped.problem)?;
    }
    Ok(())
}
