//! Turning `import` options into an import spec: start from what the wizard
//! would suggest for the file, then apply the user's overrides.

use std::io::Write;

use leadstream_core::fields::{self, FieldType};
use leadstream_core::import::inspect::inspect;
use leadstream_core::import::mapping;
use leadstream_core::import::source::{SourceFormat, TextEncoding};
use leadstream_core::import::spec::{
    ColumnTarget, ImportKind, ImportReport, ImportSpec, MatchKey, OnMatch, UnknownLeads,
};
use leadstream_core::Workspace;

use crate::commands::CliResult;
use crate::{ImportArgs, OnMatchArg, UnknownLeadsArg};

/// The spec for `args`: suggestions for the file, overridden by the options.
pub fn import_spec(
    workspace: &Workspace,
    kind: ImportKind,
    args: &ImportArgs,
) -> CliResult<ImportSpec> {
    let format = format_override(args)?;
    let inspection = inspect(workspace, &args.file, format, Some(kind))?;
    let mut columns: Vec<_> = inspection
        .columns
        .iter()
        .map(|c| c.mapping.clone())
        .collect();
    let existing: std::collections::HashSet<String> = fields::list(workspace.conn())?
        .into_iter()
        .map(|f| f.key)
        .collect();

    for map in &args.maps {
        let Some((header, target)) = map.split_once('=') else {
            return Err(format!("--map {map:?}: write it as 'Header=target'").into());
        };
        let column = columns
            .iter_mut()
            .find(|c| c.header == header.trim())
            .ok_or_else(|| format!("--map {map:?}: the file has no column {:?}", header.trim()))?;
        let profile = &inspection.columns[column.index as usize].profile;
        column.target = parse_target(
            target.trim(),
            kind,
            &existing,
            column.header.as_str(),
            profile.field_type,
        )?;
    }

    let match_key = match args.key.as_deref() {
        None => inspection.match_key,
        Some("email") => MatchKey::Email,
        Some(header) => {
            let column = columns
                .iter_mut()
                .find(|c| c.header == header)
                .ok_or_else(|| format!("--key {header:?}: the file has no such column"))?;
            column.target = ColumnTarget::Field {
                key: "external_id".into(),
            };
            MatchKey::ExternalId
        }
    };
    // Only one column may feed external_id: a --key column wins over a suggestion.
    if let Some(key_column) = args.key.as_deref().filter(|k| *k != "email") {
        for column in columns.iter_mut().filter(|c| c.header != key_column) {
            if matches!(&column.target, ColumnTarget::Field { key } if key == "external_id") {
                column.target = ColumnTarget::Skip;
            }
        }
    }
    let null_tokens = if args.null_tokens.is_empty() {
        inspection.suggested_null_tokens.clone()
    } else {
        args.null_tokens.clone()
    };
    Ok(ImportSpec {
        kind,
        format: inspection.format,
        columns,
        match_key,
        on_match: match args.on_match {
            OnMatchArg::Update => OnMatch::Update,
            OnMatchArg::Fill => OnMatch::Fill,
            OnMatchArg::Skip => OnMatch::Skip,
        },
        null_tokens,
        unknown_leads: match args.unknown_leads {
            UnknownLeadsArg::Create => UnknownLeads::Create,
            UnknownLeadsArg::Reject => UnknownLeads::Reject,
        },
    })
}

fn format_override(args: &ImportArgs) -> CliResult<Option<SourceFormat>> {
    if args.encoding.is_none() && args.delimiter.is_none() {
        return Ok(None);
    }
    // The user is overriding detection, possibly because it failed.
    let mut format = leadstream_core::import::source::detect_format(&args.file).unwrap_or_default();
    if let Some(encoding) = &args.encoding {
        format.encoding = match encoding.to_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => TextEncoding::Utf8,
            "utf16le" => TextEncoding::Utf16Le,
            "utf16be" => TextEncoding::Utf16Be,
            "windows1252" | "cp1252" | "latin1" | "iso88591" => TextEncoding::Windows1252,
            other => {
                return Err(format!(
                    "--encoding {other:?}: use utf8, utf16le, utf16be or windows1252"
                )
                .into())
            }
        };
    }
    if let Some(delimiter) = &args.delimiter {
        format.delimiter = match delimiter.as_str() {
            "tab" | "\\t" => "\t".to_owned(),
            d if d.chars().count() == 1 => d.to_owned(),
            other => {
                return Err(format!("--delimiter {other:?}: give one character, or `tab`").into())
            }
        };
    }
    Ok(Some(format))
}

fn parse_target(
    target: &str,
    kind: ImportKind,
    existing: &std::collections::HashSet<String>,
    header: &str,
    inferred: FieldType,
) -> CliResult<ColumnTarget> {
    Ok(match (kind, target) {
        (_, "skip") => ColumnTarget::Skip,
        (ImportKind::Events, "lead_email") => ColumnTarget::EventLeadEmail,
        (ImportKind::Events, "lead_external_id") => ColumnTarget::EventLeadExternalId,
        (ImportKind::Events, "event_type") => ColumnTarget::EventType,
        (ImportKind::Events, "occurred_at") => ColumnTarget::EventTime,
        (ImportKind::Events, t) if t.starts_with("property:") => {
            ColumnTarget::EventProperty { name: t["property:".len()..].to_owned() }
        }
        (ImportKind::Events, t) => {
            return Err(format!(
                "--map target {t:?}: for events use lead_email, lead_external_id, event_type, occurred_at, property:NAME or skip"
            )
            .into())
        }
        (ImportKind::Leads, "external_id") => ColumnTarget::Field { key: "external_id".into() },
        (ImportKind::Leads, key) if existing.contains(key) => ColumnTarget::Field { key: key.to_owned() },
        (ImportKind::Leads, key) if fields::is_valid_key(key) => ColumnTarget::NewField {
            key: key.to_owned(),
            label: header.to_owned(),
            field_type: inferred,
            category: mapping::guess_category(header, inferred),
        },
        (ImportKind::Leads, key) => {
            return Err(format!(
                "--map target {key:?} is not a field: use an existing field key, a new key in lower_snake_case, external_id or skip"
            )
            .into())
        }
    })
}

/// Prints a report as the documented JSON object or as a short summary.
pub fn print_report(out: &mut impl Write, report: &ImportReport, json: bool) -> CliResult<()> {
    let c = &report.counts;
    if json {
        let value = serde_json::json!({
            "rows": c.rows,
            "inserted": c.inserted,
            "updated": c.updated,
            "merged": c.merged,
            "rejected": c.rejected,
            "rejected_file": report.rejected_file,
            "skipped": c.skipped,
            "leads_created": c.leads_created,
            "suppressed": c.suppressed,
            "erased_on": c.erased_on,
            "import_id": report.import_id,
            "dry_run": report.dry_run,
        });
        writeln!(out, "{value}")?;
        return Ok(());
    }
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    writeln!(
        out,
        "{verb} {} rows: {} inserted, {} updated, {} skipped, {} merged duplicates, {} rejected",
        c.rows, c.inserted, c.updated, c.skipped, c.merged, c.rejected
    )?;
    if c.suppressed > 0 {
        writeln!(
            out,
            "{} skipped: erased on {} (people on the suppression list)",
            c.suppressed,
            c.erased_on.join(", ")
        )?;
    }
    if c.leads_created > 0 {
        writeln!(
            out,
            "created {} minimal leads for unknown identifiers",
            c.leads_created
        )?;
    }
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    for reason in report.reasons.iter().take(10) {
        writeln!(out, "  {:>7} × {}", reason.count, reason.reason)?;
    }
    if let Some(file) = &report.rejected_file {
        writeln!(out, "rejected rows, with line numbers and reasons: {file}")?;
    }
    if let Some(id) = report.import_id {
        writeln!(out, "import {id} (undo with: leadstream imports undo {id})")?;
    }
    Ok(())
}
