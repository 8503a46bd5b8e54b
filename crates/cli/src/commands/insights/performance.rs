//! `insights performance`: conversion, engagement and revenue per saved
//! segment over a period, ranked, as a table or JSON.

use std::path::Path;

use leadstream_core::insights::performance::{
    performance, GroupPerformance, PerformanceReport, PerformanceSort,
};
use leadstream_core::segments::saved;
use leadstream_core::text::grouped;
use leadstream_core::Workspace;

use super::OutcomeArgs;
use crate::commands::{print_run_time, CliResult};

#[derive(clap::Args)]
pub struct PerformanceArgs {
    /// Saved segments by id or name (default: every saved segment,
    /// built-ins included).
    #[arg(value_name = "SEGMENT")]
    pub segments: Vec<String>,
    #[command(flatten)]
    pub outcome: OutcomeArgs,
    /// Rank by rate, lift, members, converted, revenue, active or name.
    #[arg(long, default_value = "rate")]
    pub sort: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Run N times and print each run's time on stderr (benchmarks).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

pub fn run(db: &Path, args: PerformanceArgs, out: &mut impl std::io::Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let ids = segment_ids(&workspace, &args.segments)?;
    let period = args.outcome.period()?;
    let outcome = args.outcome.outcome()?;
    let sort = PerformanceSort::parse(&args.sort)?;
    let mut report = None;
    for run in 1..=args.repeat.max(1) {
        let started = std::time::Instant::now();
        report = Some(performance(&workspace, &ids, &outcome, period, sort)?);
        if args.repeat > 1 {
            print_run_time(run, started, 1);
        }
    }
    let report = report.ok_or("no run")?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print_table(&report, out)?;
    }
    Ok(())
}

/// Segment ids from ids or names (names matched case aside).
pub fn segment_ids(workspace: &Workspace, refs: &[String]) -> CliResult<Vec<i64>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let all = saved::list(workspace)?;
    refs.iter()
        .map(|text| {
            let wanted = text.trim();
            all.iter()
                .find(|s| s.id.to_string() == wanted)
                .or_else(|| all.iter().find(|s| s.name.eq_ignore_ascii_case(wanted)))
                .map(|s| s.id)
                .ok_or_else(|| {
                    format!("no saved segment has the id or name `{wanted}` (see `leadstream segment list`)")
                        .into()
                })
        })
        .collect()
}

fn print_table(report: &PerformanceReport, out: &mut impl std::io::Write) -> CliResult {
    writeln!(
        out,
        "{:<28} {:>9} {:>9} {:>7} {:>15} {:>6} {:>5} {:>6} {:>6} {:>6} {:>6} {:>12} {:>9}  vs all leads",
        "Segment", "Members", "Converted", "Rate", "95% interval", "Lift", "Opens", "Clicks", "Views", "Downl.", "Active", "Revenue", "Rev/lead"
    )?;
    let mut line = |name: &str, p: &GroupPerformance, note: &str| -> CliResult {
        let lift = p.lift.map_or("-".to_owned(), |l| format!("{l:.2}"));
        let e = &p.engagement;
        writeln!(
            out,
            "{:<28} {:>9} {:>9} {:>6.1}% {:>15} {:>6} {:>5.2} {:>6.2} {:>6.2} {:>6.2} {:>5.0}% {:>12} {:>9.2}  {note}",
            truncate(name, 28),
            grouped(p.conversion.trials as i128),
            grouped(p.conversion.successes as i128),
            p.conversion.rate * 100.0,
            format!("{:.1}–{:.1}%", p.conversion.low * 100.0, p.conversion.high * 100.0),
            lift,
            e.email_opens,
            e.email_clicks,
            e.page_views,
            e.downloads,
            e.active_share * 100.0,
            grouped(p.revenue.round() as i128),
            p.revenue_per_member,
        )?;
        Ok(())
    };
    line("All leads", &report.all_leads, "(baseline)")?;
    for row in &report.segments {
        let p = &row.performance;
        let note = if !p.distinguishable {
            "not yet distinguishable"
        } else if p.conversion.rate > report.all_leads.conversion.rate {
            "higher"
        } else {
            "lower"
        };
        line(&row.name, p, note)?;
    }
    for failed in &report.failed {
        writeln!(out, "{}: not measured: {}", failed.name, failed.error)?;
    }
    Ok(())
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(width - 1).collect();
    short.push('…');
    short
}
