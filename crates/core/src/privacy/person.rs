//! One person: finding them by e-mail or id, and the access export of everything the workspace holds about them (issue 15).
//!
//! The access export (GDPR Art. 15, CCPA "right to know") is one JSON
//! document with a section per kind of data (fields, events, consent,
//! segments, segment history, scores, planned sends, changes, merges,
//! audit), or the same flattened to CSV rows `section,item,field,value`.
//! Writing it to a file is audited (`access_export`: lead id, file, rows).

use std::io::Write;
use std::path::Path;

use roaring::RoaringBitmap;
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::export::{write_file_atomically, SafeCsvWriter};
use crate::store::tables::{audit, erasure, leads as stored_leads, person as rows};
use crate::{Error, Result, Workspace};

/// The lead a person is: `query` is a lead id or an e-mail address
/// (compared folded, like the import's identity key).
pub fn find(workspace: &Workspace, query: &str) -> Result<i64> {
    let query = query.trim();
    if let Ok(id) = query.parse::<i64>() {
        return match erasure::identity(workspace.conn(), id)? {
            Some(_) => Ok(id),
            None => Err(Error::UnknownLead { id }),
        };
    }
    let key = crate::text::fold_key(query);
    stored_leads::id_by_identity(workspace.conn(), false, &key)?.ok_or(Error::NotFound {
        what: "person with the e-mail address",
        key: query.to_owned(),
    })
}

/// The formats of the access export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "AccessExportFormat")]
pub enum AccessFormat {
    Json,
    Csv,
}

/// What writing an access export did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccessExportSummary {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub path: String,
    /// Items over all sections (CSV: data rows).
    #[ts(type = "number")]
    pub rows: u64,
}

/// Everything the workspace holds about lead `lead_id`, one section each.
pub fn access_document(workspace: &Workspace, lead_id: i64) -> Result<Value> {
    let conn = workspace.conn();
    let detail = crate::leads::detail(workspace, lead_id)?;
    let now = crate::time::now();
    let fields: Vec<Value> = detail
        .fields
        .iter()
        .map(|f| {
            json!({
                "key": f.field.key,
                "label": f.field.label,
                "value": f.value.as_ref().map(|v| v.to_plain_text()),
            })
        })
        .collect();
    let segments = crate::segments::saved::list(workspace)?;
    let mut memberships = Vec::new();
    for segment in &segments {
        // A segment whose rules do not compile holds nobody.
        let matched = crate::segments::explain(workspace, &segment.rules, lead_id, now)
            .map(|e| e.matched)
            .unwrap_or(false);
        if matched {
            memberships.push(json!({"segment_id": segment.id, "name": segment.name}));
        }
    }
    let names: std::collections::HashMap<i64, String> =
        segments.iter().map(|s| (s.id, s.name.clone())).collect();
    Ok(json!({
        "lead_id": lead_id,
        "generated_at": crate::leads::iso_datetime(now),
        "fields": fields,
        "events": rows::events(conn, lead_id)?,
        "consent": rows::consent(conn, lead_id)?,
        "segments": memberships,
        "segment_history": segment_history(conn, lead_id, &names)?,
        "scores": scores(workspace, lead_id),
        "planned_sends": planned_sends(workspace, lead_id),
        "changes": rows::changes(conn, lead_id)?,
        "merges": rows::merges(conn, lead_id)?,
        "audit": rows::audit_entries(conn, lead_id)?,
    }))
}

/// When the lead joined and left each saved segment, by its snapshots.
fn segment_history(
    conn: &rusqlite::Connection,
    lead_id: i64,
    names: &std::collections::HashMap<i64, String>,
) -> Result<Vec<Value>> {
    let Ok(member) = u32::try_from(lead_id) else {
        return Ok(Vec::new());
    };
    let mut history = Vec::new();
    let mut previous: Option<(i64, bool)> = None;
    for (segment_id, taken_at, members) in rows::snapshots(conn)? {
        let is_member = match members {
            Some(bytes) => RoaringBitmap::deserialize_from(&bytes[..])
                .map(|b| b.contains(member))
                .unwrap_or(false),
            None => false,
        };
        let was_member = match previous {
            Some((segment, was)) if segment == segment_id => was,
            _ => false,
        };
        if is_member != was_member {
            history.push(json!({
                "segment_id": segment_id,
                "segment": names.get(&segment_id),
                "change": if is_member { "joined" } else { "left" },
                "at": crate::leads::iso_datetime(taken_at),
            }));
        }
        previous = Some((segment_id, is_member));
    }
    Ok(history)
}

/// The active model's score of the lead, explained rule by rule, as of the
/// instant the stored scores are as of (the end of today).
fn scores(workspace: &Workspace, lead_id: i64) -> Value {
    let today = crate::scoring::as_of_today();
    let explained = crate::scoring::active_model(workspace).and_then(|model| match model {
        None => Ok(json!({"model": null, "note": "no scoring model is active"})),
        Some(model) => {
            crate::scoring::engine::explain(workspace, &model.definition, lead_id, today).and_then(
                |e| Ok(json!({"model": model.name, "explanation": serde_json::to_value(e)?})),
            )
        }
    });
    explained.unwrap_or_else(|e| json!({"unavailable": e.to_string()}))
}

/// The planner's dry run of the active streams for the next 30 days,
/// limited to this lead.
fn planned_sends(workspace: &Workspace, lead_id: i64) -> Value {
    let journey = (|| -> Result<Value> {
        let streams: Vec<_> = crate::streams::model::list(workspace)?
            .into_iter()
            .filter(|s| s.is_active)
            .collect();
        if streams.is_empty() {
            return Ok(json!({"note": "no active stream"}));
        }
        let today = chrono::Utc::now().date_naive();
        let settings = crate::streams::planner::settings::load(workspace)?;
        let request = crate::streams::planner::PlanRequest::new(streams, today, 30, None, settings);
        Ok(serde_json::to_value(crate::streams::planner::journey(
            workspace, &request, lead_id,
        )?)?)
    })();
    journey.unwrap_or_else(|e| json!({"unavailable": e.to_string()}))
}

/// Flattens the document to `section,item,field,value` rows: `item` is the
/// position in the section's list (empty for a single object), `field` the
/// path inside it.
pub fn flatten(document: &Value) -> Vec<[String; 4]> {
    let mut out = Vec::new();
    let Value::Object(sections) = document else {
        return out;
    };
    for (section, value) in sections {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    flatten_into(&mut out, section, &(index + 1).to_string(), "", item);
                }
            }
            other => flatten_into(&mut out, section, "", "", other),
        }
    }
    out
}

fn flatten_into(out: &mut Vec<[String; 4]>, section: &str, item: &str, path: &str, value: &Value) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                flatten_into(out, section, item, &join(key), inner);
            }
        }
        Value::Array(list) => {
            for (index, inner) in list.iter().enumerate() {
                flatten_into(out, section, item, &join(&(index + 1).to_string()), inner);
            }
        }
        Value::Null => out.push([section.into(), item.into(), path.into(), String::new()]),
        Value::String(text) => out.push([section.into(), item.into(), path.into(), text.clone()]),
        other => out.push([section.into(), item.into(), path.into(), other.to_string()]),
    }
}

/// Writes the access export of `document` to `out`; returns its item count.
pub fn write_access(document: &Value, format: AccessFormat, out: &mut dyn Write) -> Result<u64> {
    let items: u64 = match document {
        Value::Object(sections) => sections
            .values()
            .map(|v| match v {
                Value::Array(list) => list.len() as u64,
                _ => 1,
            })
            .sum(),
        _ => 0,
    };
    match format {
        AccessFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, document)?;
            out.write_all(b"\n").map_err(|e| Error::io("<output>", e))?;
            Ok(items)
        }
        AccessFormat::Csv => {
            let rows = flatten(document);
            let mut writer = SafeCsvWriter::new(out);
            writer.write_row(["section", "item", "field", "value"])?;
            for row in &rows {
                writer.write_row(row)?;
            }
            writer.finish()?;
            Ok(rows.len() as u64)
        }
    }
}

/// Writes lead `lead_id`'s access export to `path` (atomically) and
/// records it in the audit log.
pub fn export_access(
    workspace: &mut Workspace,
    lead_id: i64,
    format: AccessFormat,
    path: &Path,
) -> Result<AccessExportSummary> {
    let document = access_document(workspace, lead_id)?;
    let rows = write_file_atomically(path, |out| write_access(&document, format, out))?;
    let file = path.to_string_lossy().into_owned();
    record_access_export(workspace, lead_id, format, &file, rows)?;
    Ok(AccessExportSummary {
        lead_id,
        path: file,
        rows,
    })
}

/// Records an access export in the audit log (`access_export`: the lead
/// id, where it went, its rows and format; never who the person is).
pub fn record_access_export(
    workspace: &mut Workspace,
    lead_id: i64,
    format: AccessFormat,
    file: &str,
    rows: u64,
) -> Result<()> {
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::record(
        &tx,
        "access_export",
        &json!({"lead_id": lead_id, "file": file, "rows": rows, "format": format}),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_flattens_to_section_item_field_value() {
        let document = json!({
            "lead_id": 4,
            "fields": [{"key": "email", "value": "a@x.io"}],
            "scores": {"model": "M", "explanation": {"rules": [{"points": 5}]}},
        });
        let rows = flatten(&document);
        let as_strs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        assert!(as_strs.contains(&vec!["fields", "1", "key", "email"]));
        assert!(as_strs.contains(&vec!["fields", "1", "value", "a@x.io"]));
        assert!(as_strs.contains(&vec!["scores", "", "explanation.rules.1.points", "5"]));
        assert!(as_strs.contains(&vec!["lead_id", "", "", "4"]));
    }

    #[test]
    fn a_person_is_found_by_id_or_folded_email_and_otherwise_named_missing() {
        let workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (email, email_key, created_at, updated_at) VALUES ('Jane@X.io', 'jane@x.io', 0, 0)",
                [],
            )
            .unwrap();
        let id = workspace.conn().last_insert_rowid();
        assert_eq!(find(&workspace, "  JANE@x.io ").unwrap(), id);
        assert_eq!(find(&workspace, &id.to_string()).unwrap(), id);
        assert!(find(&workspace, "nobody@x.io")
            .unwrap_err()
            .to_string()
            .contains("nobody@x.io"));
        assert!(matches!(
            find(&workspace, "999999"),
            Err(Error::UnknownLead { .. })
        ));
    }

    #[test]
    fn csv_cells_are_safe_against_formulas() {
        let document = json!({"fields": [{"key": "company", "value": "=HYPERLINK(\"x\")"}]});
        let mut out = Vec::new();
        write_access(&document, AccessFormat::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(",=HYPERLINK"), "{text}");
    }
}
