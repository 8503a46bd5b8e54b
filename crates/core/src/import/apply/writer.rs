//! Writing converted rows: finding the lead a row belongs to, and inserting,
//! updating, merging or skipping per the policy; events for event files.

use super::*;
use crate::store::tables::consent::{self as consent_table, NewConsentRow};
use crate::store::tables::custom_values;
use crate::store::tables::events::{self, ImportedEvent};
use crate::store::tables::imports::{self, TouchedLeads};
use crate::store::tables::leads::{self as stored_leads, ColumnsInserter};

/// Writes converted rows: finds the lead a row belongs to, and inserts,
/// updates, merges or skips per the policy. It keeps no per-row state in
/// memory, so a file of any length imports in bounded memory: leads inserted
/// by this import are recognised by their `import_id`, and existing leads it
/// already touched are listed in a temporary table (on disk).
pub(super) struct RowWriter<'tx> {
    pub(super) tx: &'tx Transaction<'tx>,
    pub(super) import_id: i64,
    pub(super) now: i64,
    /// The source of the consent statements this import writes ("Import: leads.csv").
    pub(super) consent_source: String,
    /// Inserts new leads with identity, times and import first, then each
    /// mapped standard field (empty ones as NULL).
    pub(super) leads: ColumnsInserter<'tx>,
    /// The existing leads this import already changed.
    pub(super) touched: TouchedLeads<'tx>,
    /// Event files: identity → lead id for recent identities (bounded).
    pub(super) recent_leads: HashMap<String, i64>,
}

/// How many identities an event import remembers before starting over.
pub(super) const RECENT_LEADS_LIMIT: usize = 100_000;

/// A lead found by identity, and whether this import inserted it.
#[derive(Clone, Copy)]
pub(super) struct FoundLead {
    pub(super) id: i64,
    pub(super) inserted_here: bool,
}

impl<'tx> RowWriter<'tx> {
    pub(super) fn new(
        tx: &'tx Transaction<'tx>,
        import_id: i64,
        now: i64,
        columns: &[PreparedColumn],
        file_name: &str,
    ) -> Result<Self> {
        let touched = TouchedLeads::new(tx)?;
        let mut lead_columns: Vec<String> = [
            "external_id",
            "email_key",
            "created_at",
            "updated_at",
            "import_id",
        ]
        .map(String::from)
        .to_vec();
        for column in columns {
            if let Destination::Standard { key, .. } = &column.destination {
                if !lead_columns.contains(key) {
                    lead_columns.push(key.clone());
                }
            }
        }
        // Events may create minimal leads with just an e-mail.
        if !lead_columns.iter().any(|c| c == "email") {
            lead_columns.push("email".into());
        }
        // Column names are catalogue keys checked in prepare_columns.
        Ok(RowWriter {
            tx,
            import_id,
            now,
            consent_source: format!("Import: {file_name}"),
            leads: ColumnsInserter::new(tx, lead_columns),
            touched,
            recent_leads: HashMap::new(),
        })
    }

    /// Writes one row; the inner error is a row rejection.
    pub(super) fn write(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        match spec.kind {
            ImportKind::Leads => self.write_lead(values, spec, counts),
            ImportKind::Events => self.write_event(values, spec, counts),
        }
    }

    pub(super) fn find_lead(&self, values: &RowValues, key: MatchKey) -> Result<Option<FoundLead>> {
        let found = match key {
            MatchKey::Email => match values.email.as_deref() {
                Some(email) => {
                    stored_leads::find_by_email_key(self.tx, &normalize::email_key(email))?
                }
                None => None,
            },
            MatchKey::ExternalId => match values.external_id.as_deref() {
                Some(id) => stored_leads::find_by_external_id(self.tx, id)?,
                None => None,
            },
            MatchKey::None => None,
        };
        Ok(found.map(|lead| FoundLead {
            id: lead.id,
            inserted_here: lead.import_id == Some(self.import_id),
        }))
    }

    pub(super) fn write_lead(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        let Some(lead) = self.find_lead(&values, spec.match_key)? else {
            return Ok(match self.insert_lead(&values, spec.match_key)? {
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
        let duplicate = lead.inserted_here || self.touched.touch(lead.id)?;
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
        values: &RowValues,
        already_checked: MatchKey,
    ) -> Result<std::result::Result<i64, String>> {
        // A new lead's identity must be free (another identity column may clash).
        if let Some(email) = values
            .email
            .as_deref()
            .filter(|_| already_checked != MatchKey::Email)
        {
            if self.find_lead(values, MatchKey::Email)?.is_some() {
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
            if self.find_lead(values, MatchKey::ExternalId)?.is_some() {
                return Ok(Err(format!(
                    "external id {id:?} already belongs to another lead"
                )));
            }
        }
        let columns = self.leads.columns();
        let mut params: Vec<Value> = vec![Value::Null; columns.len()];
        params[0] = values.external_id.clone().map_or(Value::Null, Value::Text);
        params[1] = values
            .email
            .as_deref()
            .map_or(Value::Null, |e| Value::Text(normalize::email_key(e)));
        params[2] = Value::Integer(self.now);
        params[3] = Value::Integer(self.now);
        params[4] = Value::Integer(self.import_id);
        for (key, value) in &values.standard {
            if let Some(position) = columns.iter().position(|c| c == key) {
                params[position] = value.clone();
            }
        }
        let lead_id = self.leads.insert(&params)?;
        for (key, value) in &values.standard {
            self.note_consent(lead_id, key, &Value::Null, value)?;
        }
        for (field_id, _, value) in &values.custom {
            custom_values::insert(self.tx, *field_id, lead_id, value)?;
        }
        Ok(Ok(lead_id))
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
        let mut changed = false;
        let mut standard: Vec<(String, Value)> = values.standard.clone();
        if let Some(id) = &values.external_id {
            standard.push(("external_id".into(), Value::Text(id.clone())));
        }
        if let Some(email) = &values.email {
            standard.push(("email_key".into(), Value::Text(normalize::email_key(email))));
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
                changed = true;
            }
        }
        for (field_id, key, value) in &values.custom {
            let old = custom_values::value_of(self.tx, *field_id, lead_id)?.unwrap_or(Value::Null);
            if policy_writes(policy, &old, value) {
                if record_undo {
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
    fn note_consent(&self, lead_id: i64, key: &str, old: &Value, new: &Value) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let was_on = matches!(old, Value::Integer(1));
        let statement = match (key, new) {
            ("email_opt_in", Value::Integer(1)) => ("email", "granted"),
            ("ads_opt_in", Value::Integer(1)) => ("ads", "granted"),
            ("email_opt_in", Value::Integer(0)) if was_on => ("email", "withdrawn"),
            ("email_opt_in", Value::Integer(0)) => ("email", "denied"),
            ("ads_opt_in", Value::Integer(0)) if was_on => ("ads", "withdrawn"),
            ("ads_opt_in", Value::Integer(0)) => ("ads", "denied"),
            ("do_not_email", Value::Integer(1)) => ("email", "withdrawn"),
            _ => return Ok(()),
        };
        consent_table::insert(
            self.tx,
            &NewConsentRow {
                lead_id,
                channel: statement.0,
                status: statement.1,
                lawful_basis: None,
                source: &self.consent_source,
                recorded_at: self.now,
                import_id: Some(self.import_id),
            },
        )?;
        Ok(())
    }

    /// Keeps the value a field had before this import (the first one only).
    pub(super) fn record_change(&self, lead_id: i64, key: &str, old: &Value) -> Result<()> {
        imports::record_change(self.tx, self.import_id, lead_id, key, old)
    }

    pub(super) fn write_event(
        &mut self,
        values: RowValues,
        spec: &ImportSpec,
        counts: &mut ImportCounts,
    ) -> Result<std::result::Result<(), String>> {
        let (Some(event_type), Some(occurred_at)) = (values.event_type.clone(), values.event_time)
        else {
            return Ok(Err("the event type or time is empty".into()));
        };
        let key = values
            .email
            .as_deref()
            .map(|e| format!("e:{}", normalize::email_key(e)))
            .or_else(|| values.external_id.as_ref().map(|id| format!("x:{id}")));
        let Some(key) = key else {
            return Ok(Err("the row has no lead e-mail or external id".into()));
        };
        if self.recent_leads.len() >= RECENT_LEADS_LIMIT {
            self.recent_leads.clear();
        }
        let lead_id = match self.recent_leads.get(&key) {
            Some(id) => *id,
            None => {
                let by = if values.email.is_some() {
                    MatchKey::Email
                } else {
                    MatchKey::ExternalId
                };
                let found = match self.find_lead(&values, by)? {
                    Some(lead) => lead.id,
                    None if spec.unknown_leads == UnknownLeads::Reject => {
                        return Ok(Err("no lead has this e-mail or external id".into()));
                    }
                    None => {
                        let minimal = RowValues {
                            email: values.email.clone(),
                            external_id: values.external_id.clone(),
                            standard: values
                                .email
                                .iter()
                                .map(|e| ("email".to_owned(), Value::Text(e.clone())))
                                .collect(),
                            ..RowValues::default()
                        };
                        match self.insert_lead(&minimal, by)? {
                            Ok(id) => {
                                counts.leads_created += 1;
                                id
                            }
                            Err(reason) => return Ok(Err(reason)),
                        }
                    }
                };
                self.recent_leads.insert(key, found);
                found
            }
        };
        events::insert_imported(
            self.tx,
            &ImportedEvent {
                lead_id,
                event_type: &event_type,
                occurred_at,
                properties: &serde_json::Value::Object(values.event_properties).to_string(),
                import_id: self.import_id,
            },
        )?;
        counts.inserted += 1;
        Ok(Ok(()))
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
