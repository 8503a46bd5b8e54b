//! Recording a data-quality fix as a change in the history: a row of
//! `imports` of the fix's kind, titled, with the fix's spec as its mapping;
//! every value it overwrites kept in `import_changes` like an import's, so
//! the import history lists it and its undo ([`undo_change`]) is
//! exact or refused like an import's. Fixes leave `updated_at` alone: they
//! correct how a value is written, not what the lead told us.

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fields;
use crate::import::history::{self, ChangeKind, UndoSummary};
use crate::import::spec::ImportCounts;
use crate::store::tables::imports::{self, NewImport};
use crate::store::tables::leads as stored_leads;
use crate::store::tables::{audit, custom_values};
use crate::{Error, Result, Workspace};

/// What a fix did, as the history will show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FixOutcome {
    /// The fix's id in the change history (`imports undo ID` undoes it).
    #[ts(type = "number")]
    pub change_id: i64,
    pub kind: ChangeKind,
    pub title: String,
    /// Leads with at least one value changed.
    #[ts(type = "number")]
    pub leads_changed: u64,
    #[ts(type = "number")]
    pub values_changed: u64,
    /// Leads merged away into a survivor.
    #[ts(type = "number")]
    pub leads_merged: u64,
}

/// A fix being applied, inside the caller's transaction.
pub struct FixRecorder<'a, 'conn> {
    tx: &'a Transaction<'conn>,
    change_id: i64,
    kind: ChangeKind,
    title: String,
    spec: serde_json::Value,
    leads_changed: HashSet<i64>,
    values_changed: u64,
    leads_merged: u64,
}

/// Starts recording a fix of `kind`, titled as the history will list it
/// ("Normalise country"), with `spec` (what was asked) as its mapping.
pub fn begin<'a, 'conn>(
    tx: &'a Transaction<'conn>,
    kind: ChangeKind,
    title: &str,
    spec: serde_json::Value,
) -> Result<FixRecorder<'a, 'conn>> {
    if !kind.is_fix() {
        return Err(Error::InvalidArgument(format!(
            "{} is an import, not a fix",
            kind.as_str()
        )));
    }
    let change_id = imports::begin(
        tx,
        &NewImport {
            kind: kind.as_str(),
            file_name: title,
            started_at: crate::time::now(),
            mapping: &spec.to_string(),
        },
    )?;
    Ok(FixRecorder {
        tx,
        change_id,
        kind,
        title: title.to_owned(),
        spec,
        leads_changed: HashSet::new(),
        values_changed: 0,
        leads_merged: 0,
    })
}

/// The identity columns of `leads` (unique, not in the field catalogue).
fn is_identity(key: &str) -> bool {
    matches!(key, "external_id" | "email_key")
}

impl FixRecorder<'_, '_> {
    /// The fix's id in the change history.
    pub fn change_id(&self) -> i64 {
        self.change_id
    }

    /// The transaction the fix runs in.
    pub fn tx(&self) -> &Transaction<'_> {
        self.tx
    }

    /// The value of field `key` (a catalogue key, `email_key` or
    /// `external_id`) of lead `lead_id`; `Null` when empty.
    pub fn value(&self, lead_id: i64, key: &str) -> Result<Value> {
        if is_identity(key) {
            return stored_leads::column_value(self.tx, lead_id, key);
        }
        let field = fields::resolve(self.tx, key)?;
        if field.field.is_standard {
            stored_leads::column_value(self.tx, lead_id, key)
        } else {
            Ok(custom_values::value_of(self.tx, field.id, lead_id)?.unwrap_or(Value::Null))
        }
    }

    /// Sets field `key` of lead `lead_id` to `value` (`Null` empties it),
    /// keeping the value it had before this fix first changed it for the
    /// undo. Returns whether the value changed.
    pub fn set_value(&mut self, lead_id: i64, key: &str, value: &Value) -> Result<bool> {
        let old = self.value(lead_id, key)?;
        if old == *value {
            return Ok(false);
        }
        imports::record_change(self.tx, self.change_id, lead_id, key, &old)?;
        let standard = is_identity(key) || fields::resolve(self.tx, key)?.field.is_standard;
        if standard {
            stored_leads::set_column(self.tx, lead_id, key, value)?;
        } else {
            let field_id = fields::resolve(self.tx, key)?.id;
            if *value == Value::Null {
                custom_values::delete(self.tx, field_id, lead_id)?;
            } else {
                custom_values::set(self.tx, field_id, lead_id, value)?;
            }
        }
        self.leads_changed.insert(lead_id);
        self.values_changed += 1;
        Ok(true)
    }

    /// Counts `count` more leads merged away (the merge keeps what its undo
    /// needs in `lead_merges` itself).
    pub fn note_merged(&mut self, count: u64) {
        self.leads_merged += count;
    }

    /// Finishes the fix: its counts in the history, a line in the audit log.
    pub fn finish(self) -> Result<FixOutcome> {
        let counts = ImportCounts {
            updated: self.leads_changed.len() as u64,
            merged: self.leads_merged,
            ..ImportCounts::default()
        };
        imports::finish(
            self.tx,
            self.change_id,
            crate::time::now(),
            &serde_json::to_string(&counts)?,
        )?;
        let outcome = FixOutcome {
            change_id: self.change_id,
            kind: self.kind,
            title: self.title,
            leads_changed: self.leads_changed.len() as u64,
            values_changed: self.values_changed,
            leads_merged: self.leads_merged,
        };
        // A merge's title names its survivor; the audit log names no one.
        let audit_title = match self.kind {
            ChangeKind::Merge => format!("Merge {} leads", outcome.leads_merged + 1),
            _ => outcome.title.clone(),
        };
        audit::record(
            self.tx,
            "fix",
            &serde_json::json!({"change_id": outcome.change_id, "kind": self.kind.as_str(),
                "title": audit_title, "spec": self.spec,
                "leads_changed": outcome.leads_changed,
                "values_changed": outcome.values_changed,
                "leads_merged": outcome.leads_merged}),
        )?;
        Ok(outcome)
    }
}

/// Undoes the change `change_id` of the history, an import or a fix; with
/// `remove_created_fields`, also deletes the custom fields an import created
/// that nothing else uses. The undo of a fix that changed only fields of
/// existing leads (a normalisation, "not sendable") keeps what the
/// workspace derived from everything else, as the fix did; any other undo
/// is [`history::undo_with`]. The caller then runs
/// `workspace.after_data_change(DataChange::Undo)`.
pub fn undo_change(
    workspace: &mut Workspace,
    change_id: i64,
    remove_created_fields: bool,
) -> Result<UndoSummary> {
    let kind = imports::find(workspace.conn(), change_id)?
        .map(|stored| ChangeKind::from_stored(&stored.kind));
    if !kind.is_some_and(ChangeKind::changes_fields_only) {
        return history::undo_with(workspace, change_id, remove_created_fields);
    }
    let fields = imports::changed_fields(workspace.conn(), change_id)?;
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    crate::segments::writing_fields(workspace, &fields, |conn| {
        history::undo_fix_on(conn, change_id, &fields)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::history;
    use crate::Workspace;

    fn workspace_with_lead() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (id, email, email_key, country, created_at, updated_at)
                 VALUES (1, 'a@x.example', 'a@x.example', 'USA', 0, 0)",
            )
            .unwrap();
        ws
    }

    #[test]
    fn a_fix_is_listed_in_the_history_and_undone_exactly() {
        let mut ws = workspace_with_lead();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        let mut fix = begin(
            &tx,
            ChangeKind::Normalise,
            "Normalise country",
            serde_json::json!({"field": "country"}),
        )
        .unwrap();
        let country = Value::Text("United States".into());
        assert!(fix.set_value(1, "country", &country).unwrap());
        assert!(!fix.set_value(1, "country", &country).unwrap());
        let outcome = fix.finish().unwrap();
        tx.commit().unwrap();
        assert_eq!((outcome.leads_changed, outcome.values_changed), (1, 1));

        let listed = history::list(&ws).unwrap();
        assert_eq!(listed[0].kind, ChangeKind::Normalise);
        assert_eq!(listed[0].file_name, "Normalise country");
        assert_eq!(listed[0].counts.updated, 1);

        let summary = history::undo(&mut ws, outcome.change_id).unwrap();
        assert_eq!(summary.values_restored, 1);
        let back: String = ws
            .conn()
            .query_row("SELECT country FROM leads WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(back, "USA");
    }

    #[test]
    fn an_import_kind_is_not_a_fix() {
        let mut ws = workspace_with_lead();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        let refused = begin(&tx, ChangeKind::Leads, "x", serde_json::json!({}));
        assert!(matches!(refused, Err(Error::InvalidArgument(_))));
    }
}
