//! Merging duplicates into a survivor: survivorship (the most recent
//! non-empty value wins unless the user picks per field), the preview, and
//! the merge itself, which moves events and segment history to the survivor
//! and is recorded as a fix.
//!
//! Survivorship, per field of the catalogue (computed scores and the
//! creation and update times aside): among the leads with a value, the one
//! updated most recently (`updated_at`) wins, the survivor on a tie; a pick
//! names the lead whose value (even an empty one) the survivor takes. The
//! e-mail address and external id are identities: the survivor keeps its
//! own, and takes a merged lead's only when it has none.
//!
//! A field whose value comes from a merged lead is recorded in the fix's
//! undo records even when the survivor already held that value, so that a
//! later change to it is seen as building on this merge.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::duplicates::{self, LeadSummary};
use super::fixes::{self, FixOutcome};
use crate::fields::{self, FieldType};
use crate::import::history::ChangeKind;
use crate::store::tables::duplicates as lead_columns;
use crate::store::tables::leads as stored_leads;
use crate::store::tables::{custom_values, imports, merges};
use crate::{Error, Result, Workspace};

/// Per field key, the lead whose value the survivor takes.
pub type Picks = BTreeMap<String, i64>;

/// Fields a merge never chooses: the scores are computed, the times belong
/// to the survivor, and the e-mail address is an identity.
const NOT_MERGED: [&str; 4] = ["score", "created_at", "updated_at", "email"];

/// Why the survivor gets a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "MergeChoiceReason")]
pub enum ChoiceReason {
    /// The most recently updated lead with a value.
    MostRecent,
    /// The user picked the lead.
    Picked,
    /// No lead has a value.
    Empty,
    /// An identity: the survivor keeps its own (or takes one if it has
    /// none).
    Identity,
}

/// One lead's value of a field, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "MergeLeadValue")]
pub struct LeadValue {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub value: Option<String>,
}

/// One field of the merge: each lead's value and the one chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "MergeFieldChoice")]
pub struct FieldChoice {
    pub key: String,
    pub label: String,
    /// Survivor first, then the merged leads in the order given.
    pub values: Vec<LeadValue>,
    /// The lead whose value the survivor takes; `None` when all are empty.
    #[ts(type = "number | null")]
    pub chosen_lead: Option<i64>,
    pub chosen: Option<String>,
    pub reason: ChoiceReason,
    /// Whether the user may pick another lead's value.
    pub pickable: bool,
    /// Whether the survivor's value changes.
    pub changes: bool,
}

/// One lead of the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeLead {
    pub lead: LeadSummary,
    /// ISO-8601 UTC: what "most recent" compares.
    pub updated_at: String,
    #[ts(type = "number")]
    pub events: u64,
    /// The saved segments the lead is in now.
    pub segments: Vec<String>,
}

/// What a merge would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergePreview {
    /// The title the history will list it under.
    pub title: String,
    pub survivor: MergeLead,
    pub merged: Vec<MergeLead>,
    pub fields: Vec<FieldChoice>,
    /// Events moving to the survivor.
    #[ts(type = "number")]
    pub events_to_move: u64,
    /// Fields whose value the survivor changes.
    #[ts(type = "number")]
    pub values_changing: u64,
}

/// A field of the merge, resolved.
struct MergeField {
    key: String,
    label: String,
    field_type: FieldType,
    /// The custom field's id; `None` for a standard column.
    custom_id: Option<i64>,
}

/// The decision for one field: each lead's value (survivor first) and the
/// index of the chosen lead.
struct Decision<'f> {
    field: &'f MergeField,
    values: Vec<Value>,
    chosen: Option<usize>,
    reason: ChoiceReason,
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Text(text) => text.trim().is_empty(),
        _ => false,
    }
}

fn merge_fields(tx: &Transaction<'_>) -> Result<Vec<MergeField>> {
    let mut found = Vec::new();
    for field in fields::list(tx)? {
        if field.is_computed || NOT_MERGED.contains(&field.key.as_str()) {
            continue;
        }
        let resolved = fields::resolve(tx, &field.key)?;
        found.push(MergeField {
            custom_id: (!field.is_standard).then_some(resolved.id),
            key: field.key,
            label: field.label,
            field_type: field.field_type,
        });
    }
    Ok(found)
}

fn value_of(tx: &Transaction<'_>, field: &MergeField, lead_id: i64) -> Result<Value> {
    match field.custom_id {
        None => stored_leads::column_value(tx, lead_id, &field.key),
        Some(id) => Ok(custom_values::value_of(tx, id, lead_id)?.unwrap_or(Value::Null)),
    }
}

/// The leads of a merge, checked: all exist, none twice, survivor first.
fn checked_leads(tx: &Transaction<'_>, survivor: i64, merged: &[i64]) -> Result<Vec<i64>> {
    if merged.is_empty() {
        return Err(Error::InvalidArgument(
            "a merge needs at least one lead to merge into the survivor".into(),
        ));
    }
    let mut ids = vec![survivor];
    for id in merged {
        if ids.contains(id) {
            return Err(Error::InvalidArgument(format!(
                "lead {id} is named twice in the merge"
            )));
        }
        ids.push(*id);
    }
    let existing = lead_columns::of_ids(tx, &ids)?;
    if let Some(missing) = ids.iter().find(|id| !existing.iter().any(|l| l.id == **id)) {
        return Err(Error::NotFound {
            what: "lead",
            key: missing.to_string(),
        });
    }
    Ok(ids)
}

fn decide<'f>(
    tx: &Transaction<'_>,
    fields: &'f [MergeField],
    leads: &[i64],
    picks: &Picks,
) -> Result<Vec<Decision<'f>>> {
    for (key, lead) in picks {
        if !fields.iter().any(|f| &f.key == key) {
            return Err(Error::InvalidArgument(format!(
                "{key} cannot be picked in a merge: it is not a field the merge chooses"
            )));
        }
        if !leads.contains(lead) {
            return Err(Error::InvalidArgument(format!(
                "the value of {key} is picked from lead {lead}, which is not in the merge"
            )));
        }
    }
    let updated: Vec<i64> = leads
        .iter()
        .map(
            |id| match stored_leads::column_value(tx, *id, "updated_at")? {
                Value::Integer(at) => Ok(at),
                _ => Ok(0),
            },
        )
        .collect::<Result<_>>()?;
    let mut decisions = Vec::with_capacity(fields.len());
    for field in fields {
        let values: Vec<Value> = leads
            .iter()
            .map(|id| value_of(tx, field, *id))
            .collect::<Result<_>>()?;
        let (chosen, reason) = match picks.get(&field.key) {
            Some(lead) => (leads.iter().position(|id| id == lead), ChoiceReason::Picked),
            None => {
                // The latest update wins; on a tie the earlier lead (the
                // survivor first).
                let most_recent = (0..leads.len())
                    .filter(|i| !is_empty(&values[*i]))
                    .max_by(|a, b| updated[*a].cmp(&updated[*b]).then(b.cmp(a)));
                match most_recent {
                    Some(index) => (Some(index), ChoiceReason::MostRecent),
                    None => (None, ChoiceReason::Empty),
                }
            }
        };
        decisions.push(Decision {
            field,
            values,
            chosen,
            reason,
        });
    }
    Ok(decisions)
}

/// A value as the preview shows it.
fn shown(value: &Value, field_type: FieldType) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Text(text) if text.trim().is_empty() => None,
        Value::Text(text) => Some(text.clone()),
        Value::Integer(n) => Some(match field_type {
            FieldType::Boolean => (if *n != 0 { "yes" } else { "no" }).to_owned(),
            FieldType::Date => crate::leads::iso_datetime(*n),
            _ => n.to_string(),
        }),
        Value::Real(x) => Some(x.to_string()),
        Value::Blob(bytes) => Some(format!("{} bytes", bytes.len())),
    }
}

/// The history's title: "Merge 2 leads into Jane Doe <jane.doe@gmail.com>".
fn title_of(survivor: &LeadSummary, count: usize) -> String {
    let who = match (survivor.name.is_empty(), &survivor.email) {
        (false, Some(email)) => format!("{} <{email}>", survivor.name),
        (false, None) => survivor.name.clone(),
        (true, Some(email)) => email.clone(),
        (true, None) => format!("lead {}", survivor.id),
    };
    format!("Merge {count} leads into {who}")
}

fn summaries(tx: &Transaction<'_>, leads: &[i64]) -> Result<Vec<LeadSummary>> {
    let found = lead_columns::of_ids(tx, leads)?;
    Ok(leads
        .iter()
        .filter_map(|id| found.iter().find(|l| l.id == *id))
        .map(duplicates::summary)
        .collect())
}

/// What merging `merged` into `survivor` would do, with `picks`.
pub fn preview(
    workspace: &Workspace,
    survivor: i64,
    merged: &[i64],
    picks: &Picks,
) -> Result<MergePreview> {
    let tx = workspace.conn().unchecked_transaction()?;
    let leads = checked_leads(&tx, survivor, merged)?;
    let fields = merge_fields(&tx)?;
    let decisions = decide(&tx, &fields, &leads, picks)?;
    let mut choices = Vec::with_capacity(decisions.len() + 1);
    let summaries = summaries(&tx, &leads)?;
    let email_choice = identity_choice(&summaries);
    choices.push(email_choice);
    let mut values_changing = 0;
    for decision in &decisions {
        let field_type = decision.field.field_type;
        let chosen_value = decision.chosen.map(|i| &decision.values[i]);
        let changes = chosen_value.is_some_and(|v| v != &decision.values[0]);
        values_changing += u64::from(changes);
        choices.push(FieldChoice {
            key: decision.field.key.clone(),
            label: decision.field.label.clone(),
            values: leads
                .iter()
                .zip(&decision.values)
                .map(|(id, value)| LeadValue {
                    lead_id: *id,
                    value: shown(value, field_type),
                })
                .collect(),
            chosen_lead: decision.chosen.map(|i| leads[i]),
            chosen: chosen_value.and_then(|v| shown(v, field_type)),
            reason: decision.reason,
            pickable: true,
            changes,
        });
    }
    let segments = crate::segments::saved::list(workspace)?;
    let now = crate::time::now();
    let mut described = Vec::with_capacity(leads.len());
    for summary in summaries {
        let mut in_segments = Vec::new();
        for segment in &segments {
            // A segment whose rules do not compile holds nobody.
            let matched = crate::segments::explain(workspace, &segment.rules, summary.id, now)
                .map(|e| e.matched)
                .unwrap_or(false);
            if matched {
                in_segments.push(segment.name.clone());
            }
        }
        let updated_at = match stored_leads::column_value(&tx, summary.id, "updated_at")? {
            Value::Integer(at) => crate::leads::iso_datetime(at),
            _ => String::new(),
        };
        described.push(MergeLead {
            events: crate::store::tables::events::count_of_lead(workspace, summary.id)?,
            lead: summary,
            updated_at,
            segments: in_segments,
        });
    }
    let survivor = described.remove(0);
    Ok(MergePreview {
        title: title_of(&survivor.lead, leads.len()),
        events_to_move: described.iter().map(|l| l.events).sum(),
        survivor,
        merged: described,
        fields: choices,
        values_changing,
    })
}

/// The e-mail row of the preview: the survivor's own, else the first merged
/// lead's.
fn identity_choice(summaries: &[LeadSummary]) -> FieldChoice {
    let chosen = summaries.iter().find(|l| l.email.is_some());
    FieldChoice {
        key: "email".into(),
        label: "E-mail".into(),
        values: summaries
            .iter()
            .map(|l| LeadValue {
                lead_id: l.id,
                value: l.email.clone(),
            })
            .collect(),
        chosen_lead: chosen.map(|l| l.id),
        chosen: chosen.and_then(|l| l.email.clone()),
        reason: ChoiceReason::Identity,
        pickable: false,
        changes: summaries.first().is_some_and(|s| s.email.is_none()) && chosen.is_some(),
    }
}

/// The reason in the name of the backup taken before a merge.
pub const BACKUP_REASON: &str = "before-merge";

/// Merges `merged` into `survivor` in one transaction, recorded as a fix
/// (`imports undo` undoes it): the survivor takes the chosen values, each
/// merged lead's events and segment history move to it, and the merged
/// leads are deleted (kept in `lead_merges` for the undo).
pub fn merge(
    workspace: &mut Workspace,
    survivor: i64,
    merged: &[i64],
    picks: &Picks,
) -> Result<FixOutcome> {
    // Alone on its file (the CLI), the merge writes in place and its
    // backup is a copy of the file taken first; beside another connection
    // (the app's), it writes through the log and the backup is copied
    // beside it (`store::journal`, `backup::take_before_write`).
    crate::store::journal::in_place_if_alone(workspace, true, |workspace| {
        merge_with_backup(workspace, survivor, merged, picks)
    })
}

/// [`merge`] on the journal it chose: the backup first or beside, then
/// the merge's one transaction.
fn merge_with_backup(
    workspace: &mut Workspace,
    survivor: i64,
    merged: &[i64],
    picks: &Picks,
) -> Result<FixOutcome> {
    // A copy of the workspace before the merge changes it (issue 15).
    let backup = crate::store::backup::take_before_write(workspace, BACKUP_REASON)?;
    // The derived parts are kept and carried across for the leads merged
    // (`Workspace::conn_mut_for_lead_rows`): the score run after it and the
    // next count load them instead of building them from SQL.
    let (conn, carry) = workspace.conn_mut_for_lead_rows()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let leads = checked_leads(&tx, survivor, merged)?;
    let fields = merge_fields(&tx)?;
    let decisions = decide(&tx, &fields, &leads, picks)?;
    let summaries = summaries(&tx, &leads)?;
    let title = summaries
        .first()
        .map(|s| title_of(s, leads.len()))
        .unwrap_or_default();
    let sources: BTreeMap<&str, Option<i64>> = decisions
        .iter()
        .map(|d| (d.field.key.as_str(), d.chosen.map(|i| leads[i])))
        .collect();
    let spec = serde_json::json!({
        "survivor": survivor, "merged": merged, "picks": picks, "sources": sources,
    });
    let mut fix = fixes::begin(&tx, ChangeKind::Merge, &title, spec)?;
    for decision in &decisions {
        let Some(chosen) = decision.chosen.filter(|i| *i > 0) else {
            continue;
        };
        // Recorded even when equal: the value now comes from this merge.
        imports::record_change(
            fix.tx(),
            fix.change_id(),
            survivor,
            &decision.field.key,
            &decision.values[0],
        )?;
        fix.set_value(survivor, &decision.field.key, &decision.values[chosen])?;
    }
    let mut identities: Vec<(&str, Value)> = Vec::new();
    for merged_id in &leads[1..] {
        let lead = merges::lead_as_json(fix.tx(), *merged_id)?;
        for key in ["email_key", "email", "external_id"] {
            let value = stored_leads::column_value(fix.tx(), *merged_id, key)?;
            if !is_empty(&value) && !identities.iter().any(|(k, _)| *k == key) {
                identities.push((key, value));
            }
        }
        let merged_import_id = match stored_leads::column_value(fix.tx(), *merged_id, "import_id")?
        {
            Value::Integer(id) => Some(id),
            _ => None,
        };
        let moved_events = merges::move_events(fix.tx(), *merged_id, survivor)?;
        let history = merges::move_segment_history(fix.tx(), *merged_id, survivor)?;
        merges::record_and_delete(
            fix.tx(),
            &merges::MergedLead {
                fix_id: fix.change_id(),
                survivor_id: survivor,
                merged_id: *merged_id,
                merged_import_id,
                lead: &lead,
                moved_events: &moved_events,
                history: &history,
            },
        )?;
    }
    // After the merged leads are gone: the survivor takes an identity it
    // lacks (the e-mail address with its key, or the external id).
    let survivor_has = |key: &str| -> Result<bool> {
        Ok(!is_empty(&stored_leads::column_value(
            fix.tx(),
            survivor,
            key,
        )?))
    };
    let takes_email = !survivor_has("email_key")?;
    let takes_external_id = !survivor_has("external_id")?;
    for (key, value) in identities {
        let takes = match key {
            "external_id" => takes_external_id,
            _ => takes_email,
        };
        if takes {
            fix.set_value(survivor, key, &value)?;
        }
    }
    fix.note_merged(merged.len() as u64);
    let outcome = fix.finish()?;
    carry.carry(&tx, &leads)?;
    if let Some(backup) = backup {
        backup.finish()?;
    }
    tx.commit()?;
    Ok(outcome)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
