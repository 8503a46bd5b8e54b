//! The change history: every import with its file, time, counts and mapping,
//! and every data-quality fix (merge, normalisation, addresses marked not
//! sendable, see `quality::fixes`), and undo, which removes what an import
//! inserted, restores the values an import or fix overwrote and puts merged
//! leads back. An undo is exact or refused: it is refused, naming them, while
//! later changes that are still applied build on what it would take away.

use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::created_fields::{self, CreatedField, CreatedFieldsOutcome};
use super::spec::ImportCounts;
use crate::fields;
use crate::leads::iso_datetime;
use crate::store::tables::imports::{self, Change, Dependence, StoredImport, TakenIdentity};
use crate::store::tables::leads as stored_leads;
use crate::store::tables::{audit, custom_values, events, merges};
use crate::store::CarryAcrossLeadRows;
use crate::{Error, Result, Workspace};

/// What one change in the history is: an import of a leads or events file,
/// or a data-quality fix. Stored as its serde name in `imports.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeKind {
    Leads,
    Events,
    /// Duplicates merged into a survivor.
    Merge,
    /// A field's values normalised (countries, phones, a value mapping).
    Normalise,
    /// Addresses marked as not sendable.
    Unsendable,
}

impl ChangeKind {
    /// The name stored in `imports.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Leads => "leads",
            ChangeKind::Events => "events",
            ChangeKind::Merge => "merge",
            ChangeKind::Normalise => "normalise",
            ChangeKind::Unsendable => "unsendable",
        }
    }

    /// The kind stored as `kind` (the schema's CHECK allows no other).
    pub fn from_stored(kind: &str) -> ChangeKind {
        match kind {
            "events" => ChangeKind::Events,
            "merge" => ChangeKind::Merge,
            "normalise" => ChangeKind::Normalise,
            "unsendable" => ChangeKind::Unsendable,
            _ => ChangeKind::Leads,
        }
    }

    /// A change that adds leads, each with its id in `leads.import_id`: an
    /// import (an events import adds the leads of unknown e-mails). A fix
    /// or a merge adds none; the undo of one skips the scans of every lead
    /// for those of the change (`leads.import_id` has no index).
    pub fn adds_leads(self) -> bool {
        matches!(self, ChangeKind::Leads | ChangeKind::Events)
    }

    /// A fix whose only writes are values of existing leads, each kept in
    /// its undo records (a normalisation, "not sendable"): its undo puts
    /// back those fields and nothing else. A merge also deletes leads.
    pub fn changes_fields_only(self) -> bool {
        matches!(self, ChangeKind::Normalise | ChangeKind::Unsendable)
    }

    /// A data-quality fix rather than an import of a file.
    pub fn is_fix(self) -> bool {
        !matches!(self, ChangeKind::Leads | ChangeKind::Events)
    }
}

/// One change in the history: an import, or a fix (whose `file_name` is its
/// title, "Normalise country", and whose counts say how many leads it
/// `updated` and, for a merge, how many it `merged` away).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ChangeKind,
    pub file_name: String,
    /// ISO-8601 UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub counts: ImportCounts,
    pub undone_at: Option<String>,
    /// The custom fields this import created that are still in the
    /// catalogue (its undo offers to remove them).
    pub created_fields: Vec<CreatedField>,
}

/// Every finished import, newest first.
pub fn list(workspace: &Workspace) -> Result<Vec<ImportRecord>> {
    let mut records = Vec::new();
    for stored in imports::list_finished(workspace)? {
        let created_fields = if stored.undone_at.is_none() {
            created_fields::still_in_catalogue(workspace.conn(), &stored.mapping)?
        } else {
            Vec::new()
        };
        records.push(ImportRecord {
            id: stored.id,
            kind: ChangeKind::from_stored(&stored.kind),
            file_name: stored.file_name,
            started_at: iso_datetime(stored.started_at),
            finished_at: stored.finished_at.map(iso_datetime),
            counts: stored
                .counts
                .and_then(|counts| serde_json::from_str(&counts).ok())
                .unwrap_or_default(),
            undone_at: stored.undone_at.map(iso_datetime),
            created_fields,
        });
    }
    Ok(records)
}

/// What an undo removed and restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UndoSummary {
    #[ts(type = "number")]
    pub leads_removed: u64,
    #[ts(type = "number")]
    pub events_removed: u64,
    #[ts(type = "number")]
    pub values_restored: u64,
    /// Leads a merge had merged away, put back.
    #[ts(type = "number")]
    pub leads_restored: u64,
    /// What became of the custom fields the import created, when the undo
    /// was asked to remove them (else nothing removed, nothing kept).
    pub created_fields: CreatedFieldsOutcome,
}

/// Undoes an import, leaving the custom fields it created in the catalogue
/// (see [`undo_and_remove_fields`]).
pub fn undo(workspace: &mut Workspace, import_id: i64) -> Result<UndoSummary> {
    undo_with(workspace, import_id, false)
}

/// Undoes an import and, in the same transaction, deletes the custom fields
/// it created that nothing else uses: no other lead has a value in them, no
/// other applied import maps a column to them, and no saved segment or
/// stream mentions them. The others are kept, each with its reason.
pub fn undo_and_remove_fields(workspace: &mut Workspace, import_id: i64) -> Result<UndoSummary> {
    undo_with(workspace, import_id, true)
}

/// Undoes an import in one transaction: deletes the leads and events it
/// inserted and puts back the field values it overwrote. Custom fields it
/// created stay in the catalogue (empty), so saved segments keep working,
/// unless `remove_created_fields` asks to delete those nothing else uses.
///
/// An undo is exact or refused. It is refused, with
/// [`Error::UndoRefused`] naming the later imports to undo first, when a
/// later import that is still applied built on this one: it changed or added
/// events to a lead this import added, or changed a value this import set
/// (the lead's `updated_at` aside), or took an e-mail address or external id
/// that this undo would give back. Lead ids are never reused, so the undo
/// records always name the lead they were written for.
pub fn undo_with(
    workspace: &mut Workspace,
    import_id: i64,
    remove_created_fields: bool,
) -> Result<UndoSummary> {
    // An undo knows the leads whose rows it rewrites: those the change
    // added (deleted now), those whose values it overwrote (put back) and
    // those a merge joined. The derived parts are carried across for them
    // (`Workspace::conn_mut_for_lead_rows`). The undo of an events import
    // also removes events of leads only a second scan of every event would
    // name (`events.import_id` has no index): it keeps only the parts that
    // read no events (the lead ids, the field columns, the search keys),
    // carried across the leads it created, and the event parts are built
    // again by their next reader.
    let of_events = imports::find(workspace.conn(), import_id)?
        .is_some_and(|stored| ChangeKind::from_stored(&stored.kind) == ChangeKind::Events);
    let (conn, carry) = if of_events {
        workspace.conn_mut_for_lead_rows_and_events()?
    } else {
        workspace.conn_mut_for_lead_rows()?
    };
    undo_on(conn, import_id, remove_created_fields, None, Some(carry))
}

/// Undoes the fix `fix_id`, which changed only the fields `fields` of
/// existing leads ([`ChangeKind::changes_fields_only`]), on `conn`: the
/// connection of a write that keeps what those fields do not touch
/// (`segments::writing_fields`, called by the quality layer, which knows
/// both). Refused, with nothing written, when the change is not such a fix
/// or its undo records name another field.
pub(crate) fn undo_fix_on(
    conn: &mut Connection,
    fix_id: i64,
    fields: &[&str],
) -> Result<UndoSummary> {
    undo_on(conn, fix_id, false, Some(fields), None)
}

/// [`undo_with`] on the connection `conn`; with `only_fields`, refused
/// unless the change is a fix of those fields alone; with `carry`, the
/// parts kept are carried across for the leads the undo rewrites.
fn undo_on(
    conn: &mut Connection,
    import_id: i64,
    remove_created_fields: bool,
    only_fields: Option<&[&str]>,
    carry: Option<CarryAcrossLeadRows>,
) -> Result<UndoSummary> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (file_name, mapping, kind) = match imports::find(&tx, import_id)? {
        None
        | Some(StoredImport {
            finished_at: None, ..
        }) => {
            return Err(Error::NotFound {
                what: "import",
                key: import_id.to_string(),
            });
        }
        Some(StoredImport {
            undone_at: Some(_), ..
        }) => {
            return Err(Error::InvalidArgument(format!(
                "import {import_id} was already undone"
            )));
        }
        Some(stored) => (
            stored.file_name,
            stored.mapping,
            ChangeKind::from_stored(&stored.kind),
        ),
    };
    if let Some(only) = only_fields {
        let fields = imports::changed_fields(&tx, import_id)?;
        if !kind.changes_fields_only() || fields.iter().any(|f| !only.contains(&f.as_str())) {
            return Err(Error::InvalidArgument(format!(
                "change {import_id} is not a fix of {} alone",
                only.join(", ")
            )));
        }
    }
    let refuse = |reason: String| Error::UndoRefused {
        import_id,
        file_name: file_name.clone(),
        reason,
    };
    let dependents = later_dependents(&tx, import_id, kind.adds_leads())?;
    if !dependents.is_empty() {
        return Err(refuse(describe_dependents(&tx, &dependents)?));
    }
    if let Some(reason) = identity_taken(&tx, import_id)? {
        return Err(refuse(reason));
    }
    if let Some(reason) = merges::undo_blocker(&tx, import_id)? {
        return Err(refuse(reason));
    }

    // Only an events import adds events; the undo of any other change
    // skips the scan of every event (`events.import_id` has no index).
    let events_removed = if kind == ChangeKind::Events {
        events::delete_imported(&tx, import_id)?
    } else {
        0
    };
    // The leads whose rows or values this undo rewrites, for the parts
    // carried across it.
    let mut rewritten: Vec<i64> = Vec::new();
    // The consent statements it wrote (issue 15); the status columns come
    // back with the other saved old values below.
    crate::store::tables::consent::delete_for_import(&tx, import_id)?;
    // Before the restore: a lead this import added may hold an identity that
    // an overwritten value gives back to an older lead.
    let removed_leads = if kind.adds_leads() {
        stored_leads::delete_imported(&tx, import_id)?
    } else {
        Vec::new()
    };
    let leads_removed = removed_leads.len() as u64;
    rewritten.extend(removed_leads);
    let changes = imports::changes_of(&tx, import_id)?;
    rewritten.extend(changes.iter().map(|change| change.lead_id));
    // Identities first cleared, then restored: two leads may swap them.
    for change in changes.iter().filter(|c| is_identity(&c.field_key)) {
        stored_leads::set_column(&tx, change.lead_id, &change.field_key, &Value::Null)?;
    }
    let mut values_restored = 0;
    for change in changes {
        let Change {
            lead_id,
            field_key: key,
            old_value: old,
        } = change;
        if key == "updated_at" {
            restore_updated_at(&tx, import_id, lead_id, &old)?;
            continue;
        }
        if is_identity(&key) {
            stored_leads::set_column(&tx, lead_id, &key, &old)?;
        } else {
            let field = fields::resolve(&tx, &key)?;
            if field.field.is_standard {
                // `key` is a catalogue key: resolved above.
                stored_leads::set_column(&tx, lead_id, &key, &old)?;
            } else if old == Value::Null {
                custom_values::delete(&tx, field.id, lead_id)?;
            } else {
                custom_values::set(&tx, field.id, lead_id, &old)?;
            }
        }
        values_restored += 1;
    }
    // After the survivors' values are back: a merged lead takes back its
    // identity, its custom values, its events and its segment history.
    rewritten.extend(merges::leads_of_merge(&tx, import_id)?);
    let leads_restored = merges::restore(&tx, import_id)?;
    // Spent: an undone import is never undone again.
    imports::mark_undone(&tx, import_id, chrono::Utc::now().timestamp())?;
    let created_fields = if remove_created_fields {
        created_fields::remove_unused(&tx, import_id, &mapping)?
    } else {
        CreatedFieldsOutcome::default()
    };
    audit::record(
        &tx,
        "undo_import",
        &serde_json::json!({"import_id": import_id, "leads_removed": leads_removed,
        "events_removed": events_removed, "values_restored": values_restored,
        "leads_restored": leads_restored, "fields_removed": created_fields.removed}),
    )?;
    if let Some(carry) = carry {
        carry.carry(&tx, &rewritten)?;
    }
    tx.commit()?;
    Ok(UndoSummary {
        leads_removed,
        events_removed,
        values_restored,
        leads_restored,
        created_fields,
    })
}

/// The identity columns an import may overwrite (unique in `leads`).
fn is_identity(key: &str) -> bool {
    matches!(key, "external_id" | "email_key")
}

/// Puts back the lead's `updated_at` from before the undone import, unless a
/// later import (still applied) updated the lead too: then the lead keeps
/// that later time, and that import's own undo record takes over the older
/// time, so undoing it later still ends where the lead started.
fn restore_updated_at(
    tx: &Transaction<'_>,
    import_id: i64,
    lead_id: i64,
    old: &Value,
) -> Result<()> {
    match imports::next_update_of_lead(tx, import_id, lead_id)? {
        Some(next) => imports::hand_over_updated_at(tx, next, lead_id, old),
        None => stored_leads::set_column(tx, lead_id, "updated_at", old),
    }
}

/// A later import, still applied, that depends on the one being undone.
#[derive(Default)]
struct Dependent {
    import_id: Option<i64>,
    /// How many of the leads the undone import added it changed.
    leads_changed: i64,
    /// How many of the leads the undone import added it added events to.
    leads_with_events: i64,
    /// On how many leads it changed a value the undone import set.
    values_changed: i64,
    /// How many leads the undone import added or changed it merged away.
    leads_merged: i64,
}

/// What later imports did on top of `import_id`, newest first; on the
/// leads it added only when it `added_leads`.
fn later_dependents(
    tx: &Transaction<'_>,
    import_id: i64,
    added_leads: bool,
) -> Result<Vec<Dependent>> {
    let mut by_import: std::collections::BTreeMap<Option<i64>, Dependent> = Default::default();
    let mut dependences = vec![Dependence::ChangedItsValues];
    if added_leads {
        dependences.extend([
            Dependence::ChangedItsLeads,
            Dependence::AddedEventsToItsLeads,
        ]);
    }
    for dependence in dependences {
        for (id, count) in imports::dependents(tx, import_id, dependence)? {
            let dependent = by_import.entry(id).or_insert_with(|| Dependent {
                import_id: id,
                ..Dependent::default()
            });
            match dependence {
                Dependence::ChangedItsLeads => dependent.leads_changed = count,
                Dependence::AddedEventsToItsLeads => dependent.leads_with_events = count,
                Dependence::ChangedItsValues => dependent.values_changed = count,
            }
        }
    }
    for (id, count) in merges::merged_leads_of(tx, import_id)? {
        let dependent = by_import.entry(Some(id)).or_insert_with(|| Dependent {
            import_id: Some(id),
            ..Dependent::default()
        });
        dependent.leads_merged = count;
    }
    Ok(by_import.into_values().rev().collect())
}

/// "import #7 of b.csv on 2026-03-01 10:00 UTC changed 3 of the leads it
/// added; undo it first".
fn describe_dependents(tx: &Transaction<'_>, dependents: &[Dependent]) -> Result<String> {
    let mut sentences = Vec::new();
    for dependent in dependents {
        let mut did = Vec::new();
        if dependent.leads_changed > 0 {
            did.push(format!(
                "changed {} of the leads it added",
                dependent.leads_changed
            ));
        }
        if dependent.leads_with_events > 0 {
            did.push(format!(
                "added events to {} of the leads it added",
                dependent.leads_with_events
            ));
        }
        if dependent.values_changed > 0 {
            did.push(format!(
                "changed values it set on {}",
                plural(dependent.values_changed, "lead", "leads")
            ));
        }
        if dependent.leads_merged > 0 {
            did.push(format!(
                "merged away {} of the leads it added or changed",
                dependent.leads_merged
            ));
        }
        let who = match dependent.import_id {
            Some(id) => describe_import(tx, id)?,
            None => "events not added by an import".to_owned(),
        };
        sentences.push(format!("{who} {}", and_list(&did)));
    }
    let advice = match dependents {
        [_] => "undo it first",
        _ => "undo those imports first, newest first",
    };
    Ok(format!("{}; {advice}", sentences.join("; ")))
}

/// "import #7 of b.csv on 2026-03-01 10:00 UTC".
fn describe_import(tx: &Transaction<'_>, import_id: i64) -> Result<String> {
    let Some(import) = imports::find(tx, import_id)? else {
        return Err(Error::NotFound {
            what: "import",
            key: import_id.to_string(),
        });
    };
    let started_at = import.started_at;
    let when = chrono::DateTime::from_timestamp(started_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| started_at.to_string());
    let kind = ChangeKind::from_stored(&import.kind);
    Ok(if kind.is_fix() {
        format!("fix #{import_id} ({}) on {when}", import.file_name)
    } else {
        format!("import #{import_id} of {} on {when}", import.file_name)
    })
}

fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why giving back an overwritten e-mail address or external id would clash
/// with the lead that holds it now, if it would.
fn identity_taken(tx: &Transaction<'_>, import_id: i64) -> Result<Option<String>> {
    let Some(TakenIdentity {
        field_key: key,
        value,
        lead_id,
        holder,
        holder_import,
        given_by,
    }) = imports::identity_taken(tx, import_id)?
    else {
        return Ok(None);
    };
    let what = if key == "email_key" {
        "e-mail address"
    } else {
        "external id"
    };
    let how = match (given_by, holder_import) {
        (Some(id), _) => format!("{} gave it to lead #{holder}", describe_import(tx, id)?),
        (None, Some(id)) => format!("{} added lead #{holder} with it", describe_import(tx, id)?),
        (None, None) => format!("lead #{holder} has it now"),
    };
    let advice = if given_by.or(holder_import).is_some() {
        "undo that import first".to_owned()
    } else {
        format!("lead #{holder} must give it up first")
    };
    Ok(Some(format!(
        "it would give the {what} {value:?} back to lead #{lead_id}, but {how}; {advice}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_sentences() {
        let words = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(and_list(&words(&["a"])), "a");
        assert_eq!(and_list(&words(&["a", "b", "c"])), "a, b and c");
        assert_eq!(plural(1, "lead", "leads"), "1 lead");
        assert_eq!(plural(3, "lead", "leads"), "3 leads");
    }

    #[test]
    fn a_refusal_names_every_later_import_newest_first() {
        let mut ws = Workspace::in_memory().unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO imports (id, kind, file_name, started_at, finished_at) VALUES
                     (2, 'leads', 'b.csv', 1772359200, 1772359200),
                     (3, 'events', 'e.csv', 1772362800, 1772362800)",
        )
        .unwrap();
        let dependents = [
            Dependent {
                import_id: Some(3),
                leads_with_events: 2,
                ..Dependent::default()
            },
            Dependent {
                import_id: Some(2),
                leads_changed: 1,
                values_changed: 4,
                ..Dependent::default()
            },
        ];
        assert_eq!(
            describe_dependents(&tx, &dependents).unwrap(),
            "import #3 of e.csv on 2026-03-01 11:00 UTC added events to 2 of the leads it added; \
             import #2 of b.csv on 2026-03-01 10:00 UTC changed 1 of the leads it added and \
             changed values it set on 4 leads; undo those imports first, newest first"
        );
    }
}
