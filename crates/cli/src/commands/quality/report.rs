//! `quality report [--json] [--stale-months N]`: the data-quality report:
//! completeness by segmentation type, mostly-empty fields and the segments
//! that test them, e-mails, phones, countries and stale leads.

use std::io::Write;
use std::path::Path;

use leadstream_core::quality::report::{self, percent, FlaggedLeads, QualityReport, ReportOptions};
use leadstream_core::text::grouped;

use crate::commands::CliResult;

/// How many lead ids a text line lists before "…".
const IDS_IN_TEXT: usize = 10;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// A lead without activity (events) for this many months is stale.
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_STALE_MONTHS)]
    pub stale_months: u32,
}

pub fn run(db: &Path, args: &ReportArgs, out: &mut impl Write) -> CliResult {
    let workspace = crate::commands::open_workspace(db)?;
    let options = ReportOptions {
        stale_months: args.stale_months,
        as_of: None,
    };
    let report = report::report(&workspace, &options)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write_text(&report, out)?;
    }
    Ok(())
}

fn category_name(category: leadstream_core::fields::Category) -> String {
    let snake = serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let spaced = snake.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

fn ids(list: &FlaggedLeads) -> String {
    if list.lead_ids.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = list
        .lead_ids
        .iter()
        .take(IDS_IN_TEXT)
        .map(i64::to_string)
        .collect();
    let more = if list.total as usize > shown.len() {
        ", …"
    } else {
        ""
    };
    format!("  leads {}{more}", shown.join(", "))
}

fn list_line(
    out: &mut impl Write,
    label: &str,
    list: &FlaggedLeads,
    unsendable: bool,
) -> CliResult {
    let marked = if unsendable && list.total > 0 {
        format!(" ({} already not sendable)", grouped(list.unsendable))
    } else {
        String::new()
    };
    writeln!(
        out,
        "  {label:<26} {:>9}{marked}{}",
        grouped(list.total),
        ids(list)
    )?;
    Ok(())
}

fn write_text(report: &QualityReport, out: &mut impl Write) -> CliResult {
    writeln!(out, "Quality report: {} leads", grouped(report.total_leads))?;

    writeln!(out, "\nCompleteness by segmentation type")?;
    for category in &report.completeness {
        if category.fields.is_empty() {
            writeln!(out, "  {} (no fields)", category_name(category.category))?;
            continue;
        }
        writeln!(
            out,
            "  {} ({}% filled)",
            category_name(category.category),
            percent(category.filled_share)
        )?;
        for field in &category.fields {
            writeln!(
                out,
                "    {:<24} {:>9} filled {:>9} empty {:>4}% empty",
                field.label,
                grouped(field.filled),
                grouped(field.empty),
                percent(field.empty_share)
            )?;
        }
    }

    writeln!(out, "\nMostly empty fields (at least 50% empty)")?;
    if report.mostly_empty.is_empty() {
        writeln!(out, "  none")?;
    }
    for impact in &report.mostly_empty {
        writeln!(out, "  {}", impact.message)?;
        for segment in &impact.segments {
            writeln!(out, "    segment “{}” ({})", segment.name, segment.id)?;
        }
    }

    let emails = &report.emails;
    writeln!(out, "\nE-mails")?;
    list_line(out, "missing", &emails.missing, true)?;
    list_line(out, "invalid syntax", &emails.invalid, true)?;
    list_line(out, "role addresses", &emails.role, true)?;
    list_line(out, "disposable domains", &emails.disposable, true)?;
    list_line(out, "hard bounces", &emails.hard_bounced, true)?;

    let phones = &report.phones;
    writeln!(out, "\nPhones")?;
    writeln!(out, "  {:<26} {:>9}", "empty", grouped(phones.empty))?;
    writeln!(out, "  {:<26} {:>9}", "valid, E.164", grouped(phones.e164))?;
    list_line(out, "valid, not E.164", &phones.normalisable, false)?;
    list_line(out, "invalid", &phones.invalid, false)?;
    for reason in &phones.invalid_reasons {
        writeln!(
            out,
            "    {:<24} {:>9}",
            reason.reason,
            grouped(reason.count)
        )?;
    }

    let countries = &report.countries;
    writeln!(out, "\nCountries")?;
    writeln!(out, "  {:<26} {:>9}", "empty", grouped(countries.empty))?;
    writeln!(
        out,
        "  {:<26} {:>9} in {} values",
        "one name",
        grouped(countries.canonical.iter().map(|c| c.count).sum::<u64>()),
        countries.canonical.len()
    )?;
    writeln!(
        out,
        "  {:<26} {:>9}",
        "variants",
        grouped(countries.variant_leads)
    )?;
    for variant in &countries.variants {
        writeln!(
            out,
            "    {:<24} {:>9}  → {} ({})",
            variant.value,
            grouped(variant.count),
            variant.canonical,
            variant.alpha2
        )?;
    }
    writeln!(
        out,
        "  {:<26} {:>9}",
        "unrecognised",
        grouped(countries.unrecognised_leads)
    )?;
    for value in &countries.unrecognised {
        writeln!(out, "    {:<24} {:>9}", value.value, grouped(value.count))?;
    }

    let stale = &report.stale;
    writeln!(out, "\nStale leads")?;
    list_line(
        out,
        &format!("no activity for {} months", stale.months),
        &stale.inactive,
        false,
    )?;
    writeln!(
        out,
        "    {:<24} {:>9}",
        "of which without events",
        grouped(stale.inactive_without_events)
    )?;
    list_line(
        out,
        "activity before import",
        &stale.activity_before_import,
        false,
    )?;
    Ok(())
}
