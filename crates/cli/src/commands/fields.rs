//! `fields` and `fields delete KEY`: the field catalogue.

use std::io::Write;
use std::path::Path;

use leadstream_core::fields;

use super::CliResult;
use crate::FieldsCommand;

/// `fields [--json]` lists the catalogue; `fields delete KEY` deletes a
/// custom field.
pub fn run(
    db: &Path,
    json: bool,
    command: Option<FieldsCommand>,
    out: &mut impl Write,
) -> CliResult {
    match command {
        Some(FieldsCommand::Delete { key }) => delete(db, &key, out),
        None => list(db, json, out),
    }
}

fn delete(db: &Path, key: &str, out: &mut impl Write) -> CliResult {
    let deletion = leadstream_core::field_usage::delete_custom(
        &mut crate::commands::open_workspace(db)?,
        key,
    )?;
    let values = match deletion.values_deleted {
        0 => "; it had no values".to_owned(),
        1 => " and its 1 value".to_owned(),
        n => format!(" and its {n} values"),
    };
    writeln!(
        out,
        "deleted the field `{}` (“{}”){values}",
        deletion.key, deletion.label
    )?;
    Ok(())
}

fn list(db: &Path, json: bool, out: &mut impl Write) -> CliResult {
    let catalogue = fields::list(crate::commands::open_workspace(db)?.conn())?;
    if json {
        let text = serde_json::to_string_pretty(&catalogue)?;
        writeln!(out, "{text}")?;
    } else {
        writeln!(
            out,
            "{:<20} {:<8} {:<14} {:<9} label",
            "key", "type", "category", "origin"
        )?;
        for field in catalogue {
            writeln!(
                out,
                "{:<20} {:<8} {:<14} {:<9} {}",
                field.key,
                fields::enum_text(&field.field_type),
                fields::enum_text(&field.category),
                fields::enum_text(&field.origin),
                field.label
            )?;
        }
    }
    Ok(())
}
