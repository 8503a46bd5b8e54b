//! Writing converted rows: finding the lead a row belongs to, and inserting,
//! updating, merging or skipping per the policy; events for event files.

use std::collections::HashMap;

use super::identities::{FoundLead, Identities};
use super::pending_values::PendingValues;
use super::*;
use crate::store::tables::consent::ImportedConsentInserter;
use crate::store::tables::custom_values::{self, ValueInserter};
use crate::store::tables::events::{ImportedEvent, ImportedEventInserter};
use crate::store::tables::leads::{self as stored_leads, ColumnsInserter};
use crate::store::tables::{self, imports};

/// Writes converted rows: finds the lead a row belongs to, and inserts,
/// updates, merges or skips per the policy. Leads are found through the
/// identities held in memory, or looked up by the identity indexes for a
/// file far smaller than the workspace ([`Identities`]); every statement is
/// prepared once for the import.
pub(super) struct RowWriter<'tx> {
    pub(super) tx: &'tx Transaction<'tx>,
    pub(super) import_id: i64,
    pub(super) now: i64,
    /// The consent statements this import writes (source "Import: leads.csv").
    pub(super) consents: ImportedConsentInserter<'tx>,
    /// Queues and writes new leads: the id this import gives, identity,
    /// times and import, then each mapped standard field (empty ones as
    /// NULL). A queued lead is written before anything reads it back.
    pub(super) leads: ColumnsInserter<'tx>,
    /// The position of `email` among the lead insert's columns.
    pub(super) email_column: usize,
    /// Whether each of the lead insert's columns is one of
    /// [`CONSENT_COLUMNS`].
    pub(super) is_consent_column: Vec<bool>,
    /// The id the next lead this import inserts gets.
    pub(super) next_lead_id: i64,
    /// Each custom field's key, by field id (for undo records).
    pub(super) custom_keys: HashMap<i64, String>,
    pub(super) custom_values: ValueInserter<'tx>,
    /// New leads' custom values not inserted yet: inserted field by field
    /// before anything reads them (see [`PendingValues`]).
    pub(super) pending_custom: PendingValues,
    pub(super) events: ImportedEventInserter<'tx>,
    /// The leads' identities, and the existing leads this import changed.
    pub(super) identities: Identities,
    /// Values written since the last [`RowWriter::take_spent`]: the parser
    /// thread allocated them, so they go back to it to be freed (a free
    /// from another thread costs the allocator: mimalloc collects such
    /// frees later on the owning thread, glibc took its arena lock).
    pub(super) spent: Vec<Value>,
    /// Texts written since the last [`RowWriter::take_spent`], for the same
    /// reason: an events row's type, properties and identities.
    pub(super) spent_texts: Vec<String>,
}

/// The import a [`RowWriter`] writes for.
pub(super) struct ImportStamp<'a> {
    pub(super) import_id: i64,
    /// The import's time, as the leads' `created_at` and `updated_at`.
    pub(super) now: i64,
    pub(super) file_name: &'a str,
}

impl<'tx> RowWriter<'tx> {
    pub(super) fn new(
        tx: &'tx Transaction<'tx>,
        stamp: ImportStamp<'_>,
        columns: &[PreparedColumn],
        identities: Identities,
        record_events: bool,
        custom_values_held_at_most: usize,
    ) -> Result<Self> {
        let ImportStamp {
            import_id,
            now,
            file_name,
        } = stamp;
        let lead_columns = lead_insert_columns(columns);
        let email_column = lead_columns.iter().position(|c| c == "email").unwrap_or(0);
        let is_consent_column = lead_columns
            .iter()
            .map(|c| CONSENT_COLUMNS.contains(&c.as_str()))
            .collect();
        let custom_keys = columns
            .iter()
            .filter_map(|c| match &c.destination {
                Destination::Custom { id, key, .. } => Some((*id, key.clone())),
                _ => None,
            })
            .collect();
        // Column names are catalogue keys checked in prepare_columns.
        Ok(RowWriter {
            tx,
            import_id,
            now,
            consents: ImportedConsentInserter::new(
                tx,
                format!("Import: {file_name}"),
                now,
                import_id,
            )?,
            leads: ColumnsInserter::new(tx, lead_columns)?,
            email_column,
            is_consent_column,
            next_lead_id: stored_leads::next_lead_id(tx)?,
            custom_keys,
            custom_values: ValueInserter::new(tx)?,
            pending_custom: PendingValues::new(
                tables::keeps_temporary_data_in_files(tx)?,
                custom_values_held_at_most,
            ),
            events: ImportedEventInserter::new(tx, import_id, record_events)?,
            identities,
            spent: Vec::new(),
            spent_texts: Vec::new(),
        })
    }

    /// The values and texts written since the last call, to be freed by the
    /// thread that allocated them.
    pub(super) fn take_spent(&mut self) -> (Vec<Value>, Vec<String>) {
        (
            std::mem::take(&mut self.spent),
            std::mem::take(&mut self.spent_texts),
        )
    }

    /// Writes one row; the inner error is a row rejection. `found_ahead` is
    /// the row's lead from [`RowWriter::find_ahead`], if it found one.
    pub(super) fn write(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
        found_ahead: Option<FoundLead>,
    ) -> Result<std::result::Result<(), String>> {
        match spec.kind {
            ImportKind::Leads => self.write_lead(values, spec, counts),
            ImportKind::Events => self.write_event(values, spec, counts, found_ahead),
        }
    }

    /// For an events file, finds the lead of each row of a batch before any
    /// is written, into `found`, one entry per row ([`Identities::held_for`]:
    /// looked up together, the maps' slots are fetched from memory side by
    /// side). A lead found stays the row's, since an events import never
    /// takes an identity from a lead; a row not found is looked up again
    /// when it is written (its lead may come from an earlier row, or from
    /// the identity indexes). A leads file finds nothing ahead: its rows
    /// may move identities between leads.
    pub(super) fn find_ahead(
        &mut self,
        rows: &[ParsedRow],
        spec: &ImportSpec,
        found: &mut Vec<Option<FoundLead>>,
    ) {
        if spec.kind != ImportKind::Events {
            found.clear();
            found.resize(rows.len(), None);
            return;
        }
        let keys = rows.iter().map(|row| match row {
            ParsedRow::Converted { values, .. } => match (&values.email_key, &values.external_id) {
                (Some(email_key), _) => Some((false, email_key.as_str())),
                (None, Some(external_id)) => Some((true, external_id.as_str())),
                (None, None) => None,
            },
            _ => None,
        });
        self.identities.held_for(keys, found);
    }

    pub(super) fn find_lead(&self, values: &RowValues, key: MatchKey) -> Result<Option<FoundLead>> {
        match key {
            MatchKey::Email => match values.email_key.as_deref() {
                Some(k) => self.identities.by_email_key(self.tx, k),
                None => Ok(None),
            },
            MatchKey::ExternalId => match values.external_id.as_deref() {
                Some(id) => self.identities.by_external_id(self.tx, id),
                None => Ok(None),
            },
            MatchKey::None => Ok(None),
        }
    }

    pub(super) fn write_lead(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        let Some(lead) = self.find_lead(&values, spec.match_key)? else {
            return Ok(match self.insert_lead(values, spec.match_key)? {
                Ok(_) => {
                    counts.inserted += 1;
                    Ok(())
                }
                Err(reason) => Err(reason),
            });
        };
        if spec.on_match != OnMatch::Skip {
            if let Some(conflict) = self.identity_conflict(lead.id, &values, spec.match_key)? {
                return Ok(Err(conflict));
            }
        }
        // A lead this file already inserted or touched: a duplicate row.
        let duplicate = lead.inserted_here || self.identities.touch(lead.id);
        match (duplicate, spec.on_match) {
            (true, OnMatch::Skip) => counts.merged += 1,
            (true, policy) => {
                self.apply_to_existing(lead, &values, policy)?;
                counts.merged += 1;
            }
            (false, OnMatch::Skip) => counts.skipped += 1,
            (false, policy) => {
                self.apply_to_existing(lead, &values, policy)?;
                counts.updated += 1;
            }
        }
        Ok(Ok(()))
    }

    /// A row matched by one identity must not carry the other identity of a
    /// different lead (the unique indexes would refuse it anyway).
    pub(super) fn identity_conflict(
        &self,
        lead_id: i64,
        values: &RowValues,
        key: MatchKey,
    ) -> Result<Option<String>> {
        let other = match key {
            MatchKey::Email => self.find_lead(values, MatchKey::ExternalId)?,
            MatchKey::ExternalId => self.find_lead(values, MatchKey::Email)?,
            MatchKey::None => None,
        };
        Ok(match other {
            Some(other) if other.id != lead_id => Some(format!(
                "this row's e-mail and external id belong to two different leads ({lead_id} and {})",
                other.id
            )),
            _ => None,
        })
    }

    /// Inserts a new lead; `already_checked` is the identity the caller just
    /// looked up and found free.
    pub(super) fn insert_lead(
        &mut self,
        values: RowValues,
        already_checked: MatchKey,
    ) -> Result<std::result::Result<i64, String>> {
        // A new lead's identity must be free (another identity column may clash).
        if let Some(email) = values
            .email
            .as_deref()
            .filter(|_| already_checked != MatchKey::Email)
        {
            if self.find_lead(&values, MatchKey::Email)?.is_some() {
                return Ok(Err(format!(
                    "e-mail {email:?} already belongs to another lead"
                )));
            }
        }
        if let Some(id) = values
            .external_id
            .as_deref()
            .filter(|_| already_checked != MatchKey::ExternalId)
        {
            if self.find_lead(&values, MatchKey::ExternalId)?.is_some() {
                return Ok(Err(format!(
                    "external id {id:?} already belongs to another lead"
                )));
            }
        }
        let lead_id = self.next_lead_id;
        self.next_lead_id += 1;
        // Noted before the identities move into the row: the writer's own
        // copies would be allocations of this thread, freed by another.
        self.identities.inserted(
            lead_id,
            values.email_key.as_deref(),
            values.external_id.as_deref(),
        );
        // Each consent column at most once, in the row's order.
        let mut consents = [None; CONSENT_COLUMNS.len()];
        let mut consents_found = 0;
        let RowValues {
            email,
            email_key,
            external_id,
            standard,
            custom,
            ..
        } = values;
        for (position, value) in &standard {
            if self.is_consent_column[*position] && consents_found < consents.len() {
                let column = self.leads.columns()[*position].as_str();
                consents[consents_found] = consent_statement(column, &Value::Null, value);
                consents_found += 1;
            }
        }
        let row = self.leads.queue(lead_id);
        row[0] = external_id.map_or(Value::Null, Value::Text);
        row[1] = email_key.map_or(Value::Null, Value::Text);
        row[2] = Value::Integer(self.now);
        row[3] = Value::Integer(self.now);
        row[4] = Value::Integer(self.import_id);
        for (position, value) in standard {
            row[position] = value;
        }
        self.leads.flush_if_full(&mut self.spent)?;
        self.spent_texts.extend(email);
        for (channel, status) in consents.into_iter().flatten() {
            self.consents.insert(lead_id, channel, status)?;
        }
        for (field_id, value) in custom {
            self.pending_custom.push(
                (field_id, lead_id, value),
                |rows| self.custom_values.insert_all(rows),
                &mut self.spent,
            )?;
        }
        Ok(Ok(lead_id))
    }

    /// Writes every row not written yet: new leads, their custom values and
    /// consent statements, and events.
    pub(super) fn flush(&mut self) -> Result<()> {
        self.leads.flush(&mut self.spent)?;
        self.insert_pending_custom_values()?;
        self.consents.flush()?;
        self.events.flush(&mut self.spent_texts)
    }

    /// Inserts the pending custom values, field by field (leads in order).
    pub(super) fn insert_pending_custom_values(&mut self) -> Result<()> {
        self.pending_custom
            .write_all(|rows| self.custom_values.insert_all(rows), &mut self.spent)
    }

    /// Applies a row to a lead that exists, recording old values for undo.
    pub(super) fn apply_to_existing(
        &mut self,
        lead: FoundLead,
        values: &RowValues,
        policy: OnMatch,
    ) -> Result<()> {
        let lead_id = lead.id;
        let record_undo = !lead.inserted_here;
        if lead.inserted_here {
            // The lead itself and its custom values may still be queued.
            self.leads.flush(&mut self.spent)?;
            self.insert_pending_custom_values()?;
        }
        let mut changed = false;
        let columns = self.leads.columns();
        let mut standard: Vec<(String, Value)> = values
            .standard
            .iter()
            .map(|(position, value)| (columns[*position].clone(), value.clone()))
            .collect();
        if let Some(id) = &values.external_id {
            standard.push(("external_id".into(), Value::Text(id.clone())));
        }
        if let Some(email_key) = &values.email_key {
            standard.push(("email_key".into(), Value::Text(email_key.clone())));
        }
        for (key, value) in &standard {
            // Keys are catalogue keys (checked) or our own identity columns.
            let old = stored_leads::column_value(self.tx, lead_id, key)?;
            if policy_writes(policy, &old, value) {
                if record_undo {
                    self.record_change(lead_id, key, &old)?;
                }
                stored_leads::set_column(self.tx, lead_id, key, value)?;
                self.note_consent(lead_id, key, &old, value)?;
                if let (Some(external), Value::Text(new)) = (identity_column(key), value) {
                    let old = match &old {
                        Value::Text(old) => Some(old.as_str()),
                        _ => None,
                    };
                    self.identities.changed(lead, external, old, new);
                }
                changed = true;
            }
        }
        for (field_id, value) in &values.custom {
            let old = custom_values::value_of(self.tx, *field_id, lead_id)?.unwrap_or(Value::Null);
            if policy_writes(policy, &old, value) {
                if record_undo {
                    let key = self.custom_keys.get(field_id).map_or("", String::as_str);
                    self.record_change(lead_id, key, &old)?;
                }
                custom_values::set(self.tx, *field_id, lead_id, value)?;
                changed = true;
            }
        }
        if changed {
            if record_undo {
                let old = stored_leads::column_value(self.tx, lead_id, "updated_at")?;
                self.record_change(lead_id, "updated_at", &old)?;
            }
            stored_leads::set_column(self.tx, lead_id, "updated_at", &Value::Integer(self.now))?;
        }
        Ok(())
    }

    /// Writes the consent statement of a change of `email_opt_in`,
    /// `ads_opt_in` or `do_not_email` (issue 15): opted in → granted; opted
    /// out → withdrawn when it was opted in, denied otherwise; "do not email"
    /// set → e-mail withdrawn. No lawful basis; the import's time and id.
    fn note_consent(&mut self, lead_id: i64, key: &str, old: &Value, new: &Value) -> Result<()> {
        match consent_statement(key, old, new) {
            Some((channel, status)) => self.consents.insert(lead_id, channel, status),
            None => Ok(()),
        }
    }

    /// Keeps the value a field had before this import (the first one only).
    pub(super) fn record_change(&self, lead_id: i64, key: &str, old: &Value) -> Result<()> {
        imports::record_change(self.tx, self.import_id, lead_id, key, old)
    }

    pub(super) fn write_event(
        &mut self,
        mut values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
        found_ahead: Option<FoundLead>,
    ) -> Result<std::result::Result<(), String>> {
        let (Some(event_type), Some(occurred_at)) = (values.event_type.take(), values.event_time)
        else {
            return Ok(Err("the event type or time is empty".into()));
        };
        let by = match (&values.email_key, &values.external_id) {
            (Some(_), _) => MatchKey::Email,
            (None, Some(_)) => MatchKey::ExternalId,
            (None, None) => return Ok(Err("the row has no lead e-mail or external id".into())),
        };
        let found = match found_ahead {
            Some(lead) => Some(lead),
            None => self.find_lead(&values, by)?,
        };
        let lead_id = match found {
            Some(lead) => lead.id,
            None if spec.unknown_leads == UnknownLeads::Reject => {
                return Ok(Err("no lead has this e-mail or external id".into()));
            }
            None => {
                let minimal = RowValues {
                    standard: values
                        .email
                        .iter()
                        .map(|e| (self.email_column, Value::Text(e.clone())))
                        .collect(),
                    email: values.email.take(),
                    email_key: values.email_key.take(),
                    external_id: values.external_id.take(),
                    ..RowValues::default()
                };
                match self.insert_lead(minimal, by)? {
                    Ok(id) => {
                        counts.leads_created += 1;
                        id
                    }
                    Err(reason) => return Ok(Err(reason)),
                }
            }
        };
        self.events.insert(
            ImportedEvent {
                lead_id,
                event_type,
                occurred_at,
                properties: std::mem::take(&mut values.event_properties),
            },
            &mut self.spent_texts,
        )?;
        let identities = [values.email, values.email_key, values.external_id];
        self.spent_texts.extend(identities.into_iter().flatten());
        counts.inserted += 1;
        Ok(Ok(()))
    }
}

/// The standard columns whose changes write a consent statement.
const CONSENT_COLUMNS: [&str; 3] = ["email_opt_in", "ads_opt_in", "do_not_email"];

/// The consent statement `(channel, status)` that a change of `key` from
/// `old` to `new` makes (see [`RowWriter::note_consent`]), if any.
fn consent_statement(key: &str, old: &Value, new: &Value) -> Option<(&'static str, &'static str)> {
    if old == new {
        return None;
    }
    let was_on = matches!(old, Value::Integer(1));
    Some(match (key, new) {
        ("email_opt_in", Value::Integer(1)) => ("email", "granted"),
        ("ads_opt_in", Value::Integer(1)) => ("ads", "granted"),
        ("email_opt_in", Value::Integer(0)) if was_on => ("email", "withdrawn"),
        ("email_opt_in", Value::Integer(0)) => ("email", "denied"),
        ("ads_opt_in", Value::Integer(0)) if was_on => ("ads", "withdrawn"),
        ("ads_opt_in", Value::Integer(0)) => ("ads", "denied"),
        ("do_not_email", Value::Integer(1)) => ("email", "withdrawn"),
        _ => return None,
    })
}

/// Whether `column` is an identity (`Some(true)` for the external id,
/// `Some(false)` for the e-mail key).
fn identity_column(column: &str) -> Option<bool> {
    match column {
        "external_id" => Some(true),
        "email_key" => Some(false),
        _ => None,
    }
}

/// Does `policy` replace the stored `old` value with `new`?
pub(super) fn policy_writes(policy: OnMatch, old: &Value, new: &Value) -> bool {
    match policy {
        OnMatch::Update => old != new,
        OnMatch::Fill => *old == Value::Null,
        OnMatch::Skip => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_decide_writes() {
        let old = Value::Text("Acme".into());
        let new = Value::Text("Globex".into());
        assert!(policy_writes(OnMatch::Update, &old, &new));
        assert!(!policy_writes(OnMatch::Update, &old, &old));
        assert!(!policy_writes(OnMatch::Fill, &old, &new));
        assert!(policy_writes(OnMatch::Fill, &Value::Null, &new));
        assert!(!policy_writes(OnMatch::Skip, &Value::Null, &new));
    }
}
