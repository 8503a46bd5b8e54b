//! `segment count|members|explain|save|delete|list`: evaluating rules
//! (from a file, stdin or a saved segment) and saved segments; `explain`
//! also shows the lead's place in each hierarchy.

use std::io::Write;
use std::path::Path;

use leadstream_core::export::{ConsentPolicy, ExportFormat};
use leadstream_core::privacy::audiences::{self, AudiencePlatform};
use leadstream_core::segments::{self, hierarchies, saved, RuleGroup};
use leadstream_core::Workspace;

use super::{print_run_time, strategy, CliResult};
use crate::{Format, MembersFor, SegmentCommand};

/// Reads rules from a file, stdin (`-`) or a saved segment id.
fn load_rules(workspace: &Workspace, source: &str) -> CliResult<RuleGroup> {
    if let Ok(id) = source.parse::<i64>() {
        return Ok(saved::get(workspace, id)?.rules);
    }
    let text = if source == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?
    };
    RuleGroup::from_json(&text).map_err(|e| format!("{source}: {e}").into())
}

/// The ad platform of `--for`, or `None` for an e-mail tool.
fn audience_platform(for_: MembersFor) -> Option<AudiencePlatform> {
    match for_ {
        MembersFor::Email => None,
        MembersFor::GoogleAds => Some(AudiencePlatform::GoogleAds),
        MembersFor::Meta => Some(AudiencePlatform::Meta),
        MembersFor::Linkedin => Some(AudiencePlatform::Linkedin),
    }
}

/// How the audit log names the exported segment: "segment 12 (“Name”)" for
/// a saved one, "rules from FILE" otherwise.
fn segment_label(workspace: &Workspace, source: &str) -> String {
    match source.parse::<i64>() {
        Ok(id) => match saved::get(workspace, id) {
            Ok(segment) => format!("segment {id} (“{}”)", segment.name),
            Err(_) => format!("segment {id}"),
        },
        Err(_) if source == "-" => "rules from stdin".to_owned(),
        Err(_) => format!("rules from {source}"),
    }
}

/// `segment count|members|explain|save|delete|list`, and the strategy
/// commands `segment ice|history|diff` (in [`strategy`]).
pub fn run(db: &Path, command: SegmentCommand, out: &mut impl Write) -> CliResult {
    let workspace = &mut crate::commands::open_workspace(db)?;
    match command {
        SegmentCommand::Count { rules, repeat } => {
            let group = load_rules(workspace, &rules.rules)?;
            let at = segments::as_of_or_now(rules.as_of.as_deref())?;
            let mut count = 0;
            for run in 1..=repeat.max(1) {
                let started = std::time::Instant::now();
                count = segments::count(workspace, &group, at)?;
                if repeat > 1 {
                    print_run_time(run, started, 3);
                }
            }
            writeln!(out, "{count}")?;
        }
        SegmentCommand::Members {
            rules,
            format,
            fields,
            include_unconsented,
            for_,
            output,
        } => {
            let group = load_rules(workspace, &rules.rules)?;
            let at = segments::as_of_or_now(rules.as_of.as_deref())?;
            if let Some(platform) = audience_platform(for_) {
                let label = segment_label(workspace, &rules.rules);
                let summary = match &output.output {
                    Some(path) => audiences::export_audience_file(
                        workspace, &group, at, platform, path, &label,
                    )?,
                    None => {
                        let summary =
                            audiences::export_audience(workspace, &group, at, platform, &mut *out)?;
                        audiences::note_export(
                            workspace,
                            platform,
                            &label,
                            summary.written,
                            "stdout",
                        )?;
                        summary
                    }
                };
                eprintln!("{}", summary.message);
                return Ok(());
            }
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            let consent = if include_unconsented {
                ConsentPolicy::IncludeUnconsented
            } else {
                ConsentPolicy::EmailableOnly
            };
            let summary = output.write(out, |out| {
                segments::export_members(workspace, &group, at, &fields, format, consent, out)
            })?;
            output.record(workspace, "segment members", summary.written)?;
            eprintln!("{}", summary.message);
        }
        SegmentCommand::Explain { rules, lead, json } => {
            let group = load_rules(workspace, &rules.rules)?;
            let at = segments::as_of_or_now(rules.as_of.as_deref())?;
            let explanation = segments::explain(workspace, &group, lead, at)?;
            let placements = hierarchies::placements(workspace, lead, at)?;
            if json {
                let mut value = serde_json::to_value(&explanation)?;
                value["hierarchies"] = serde_json::to_value(&placements)?;
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
            } else {
                print_explanation(out, &explanation)?;
                print_placements(out, &placements)?;
            }
        }
        SegmentCommand::Save {
            rules,
            name,
            description,
            color,
            folder,
            id,
        } => {
            let draft = saved::SegmentDraft {
                name,
                description,
                color,
                folder,
                rules: load_rules(workspace, &rules)?,
            };
            let segment = match id {
                Some(id) => saved::update(workspace, id, &draft)?,
                None => saved::create(workspace, &draft)?,
            };
            writeln!(out, "{}", segment.id)?;
        }
        SegmentCommand::Delete { id } => {
            let name = saved::get(workspace, id)?.name;
            saved::delete(workspace, id)?;
            writeln!(out, "Deleted segment {id} (“{name}”)")?;
        }
        SegmentCommand::List { as_of: at, json } => {
            let summaries =
                saved::list_with_counts(workspace, segments::as_of_or_now(at.as_deref())?)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&summaries)?)?;
            } else {
                print_segment_table(out, &summaries)?;
            }
        }
        SegmentCommand::Ice(args) => strategy::ice::run(workspace, args, out)?,
        SegmentCommand::History(args) => strategy::history::history(workspace, args, out)?,
        SegmentCommand::Diff(args) => strategy::history::diff(workspace, args, out)?,
    }
    Ok(())
}

/// `segment explain` as text: the verdict, then the rule tree with a mark
/// per rule.
fn print_explanation(out: &mut impl Write, explanation: &segments::Explanation) -> CliResult {
    writeln!(
        out,
        "Lead {} ({}) is {} the segment as of {}",
        explanation.lead_id,
        explanation.lead_name,
        if explanation.matched { "IN" } else { "NOT IN" },
        explanation.as_of
    )?;
    print_explain_node(out, &explanation.root, 0)
}

/// The lead's place in each hierarchy: its primary segment with the rules
/// that put it there, and its secondary segments.
fn print_placements(out: &mut impl Write, placements: &[hierarchies::Placement]) -> CliResult {
    if placements.is_empty() {
        return Ok(());
    }
    writeln!(out, "Hierarchies:")?;
    for placement in placements {
        let Some(primary) = &placement.primary else {
            writeln!(
                out,
                "  {}: in none of its segments",
                placement.hierarchy_name
            )?;
            continue;
        };
        let secondary: Vec<String> = placement
            .secondary
            .iter()
            .map(|s| format!("“{}”", s.name))
            .collect();
        writeln!(
            out,
            "  {}: primary “{}”; secondary: {}",
            placement.hierarchy_name,
            primary.name,
            if secondary.is_empty() {
                "none".to_owned()
            } else {
                secondary.join(", ")
            }
        )?;
        if let Some(why) = &placement.why {
            print_explain_node(out, &why.root, 2)?;
        }
    }
    Ok(())
}

/// `segment list` as a table: id, count, folder and name, with notes.
fn print_segment_table(out: &mut impl Write, summaries: &[saved::SegmentSummary]) -> CliResult {
    writeln!(out, "{:>4}  {:>9}  {:<18} name", "id", "count", "folder")?;
    for summary in summaries {
        let s = &summary.segment;
        writeln!(
            out,
            "{:>4}  {:>9}  {:<18} {}{}{}",
            s.id,
            summary
                .count
                .map_or_else(|| "—".to_owned(), |n| n.to_string()),
            s.folder,
            s.name,
            if s.is_builtin { "  (built in)" } else { "" },
            summary
                .problem
                .as_deref()
                .map(|problem| format!("  (cannot count: {problem})"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn print_explain_node(
    out: &mut impl Write,
    node: &segments::ExplainNode,
    depth: usize,
) -> CliResult {
    let mark = if node.matched { "✓" } else { "✗" };
    let actual = node
        .actual
        .as_deref()
        .map(|a| format!("  [{a}]"))
        .unwrap_or_default();
    writeln!(
        out,
        "{}{mark} {}{actual}",
        "  ".repeat(depth),
        node.description
    )?;
    for child in &node.children {
        print_explain_node(out, child, depth + 1)?;
    }
    Ok(())
}
