//! The identities of the workspace's leads, held in memory for one import:
//! e-mail key → lead and external id → lead, read in one scan at the start
//! and kept up as the import inserts leads or changes their identity, so a
//! row finds its lead without a lookup in the database.
//!
//! Memory: one entry per lead for each identity the file maps (the key's
//! text plus about 60 bytes), bounded by the workspace's leads, not by the
//! file.
//!
//! The maps hash with foldhash rather than SipHash: one look-up per row of
//! an events file is the writer thread's hottest call, and the keys come
//! from the workspace's own files, not from a network peer.

use std::collections::HashSet;

use foldhash::HashMap;

use rusqlite::Transaction;

use crate::store::tables::leads as stored_leads;
use crate::Result;

/// A lead found by identity, and whether this import inserted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FoundLead {
    pub(super) id: i64,
    pub(super) inserted_here: bool,
}

/// Which identities an import looks leads up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct IdentityUse {
    pub(super) email_keys: bool,
    pub(super) external_ids: bool,
}

/// The leads' identities, and the existing leads this import already changed.
#[derive(Debug, Default)]
pub(super) struct Identities {
    by_email_key: HashMap<Box<str>, FoundLead>,
    by_external_id: HashMap<Box<str>, FoundLead>,
    touched: HashSet<i64>,
}

impl Identities {
    /// Reads the identities `used` of every lead of the workspace.
    pub(super) fn load(tx: &Transaction<'_>, used: IdentityUse) -> Result<Self> {
        let mut identities = Identities::default();
        if !used.email_keys && !used.external_ids {
            return Ok(identities);
        }
        stored_leads::visit_identities(
            tx,
            used.email_keys,
            used.external_ids,
            |id, email_key, external_id| {
                let lead = FoundLead {
                    id,
                    inserted_here: false,
                };
                if let Some(key) = email_key {
                    identities.by_email_key.insert(key.into(), lead);
                }
                if let Some(key) = external_id {
                    identities.by_external_id.insert(key.into(), lead);
                }
            },
        )?;
        Ok(identities)
    }

    pub(super) fn by_email_key(&self, email_key: &str) -> Option<FoundLead> {
        self.by_email_key.get(email_key).copied()
    }

    pub(super) fn by_external_id(&self, external_id: &str) -> Option<FoundLead> {
        self.by_external_id.get(external_id).copied()
    }

    /// Notes a lead this import inserted.
    pub(super) fn inserted(&mut self, id: i64, email_key: Option<&str>, external_id: Option<&str>) {
        let lead = FoundLead {
            id,
            inserted_here: true,
        };
        if let Some(key) = email_key {
            self.by_email_key.insert(key.into(), lead);
        }
        if let Some(key) = external_id {
            self.by_external_id.insert(key.into(), lead);
        }
    }

    /// Notes that `lead` changed its e-mail key (`external == false`) or
    /// external id from `old` to `new`.
    pub(super) fn changed(
        &mut self,
        lead: FoundLead,
        external: bool,
        old: Option<&str>,
        new: &str,
    ) {
        let map = if external {
            &mut self.by_external_id
        } else {
            &mut self.by_email_key
        };
        if let Some(old) = old {
            if map.get(old).map(|l| l.id) == Some(lead.id) {
                map.remove(old);
            }
        }
        map.insert(new.into(), lead);
    }

    /// Notes existing lead `lead_id` as changed by this import; true if it
    /// already was (the row is a duplicate in the file).
    pub(super) fn touch(&mut self, lead_id: i64) -> bool {
        !self.touched.insert(lead_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[test]
    fn identities_are_read_once_and_kept_up() {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO leads (id, email_key, external_id, created_at, updated_at)
             VALUES (1, 'a@x.io', 'crm-1', 0, 0), (2, NULL, 'crm-2', 0, 0), (3, 'c@x.io', NULL, 0, 0);",
        )
        .unwrap();
        let both = IdentityUse {
            email_keys: true,
            external_ids: true,
        };
        let mut identities = Identities::load(&tx, both).unwrap();
        let existing = |id| FoundLead {
            id,
            inserted_here: false,
        };
        assert_eq!(identities.by_email_key("a@x.io"), Some(existing(1)));
        assert_eq!(identities.by_external_id("crm-2"), Some(existing(2)));
        assert_eq!(identities.by_email_key("c@x.io"), Some(existing(3)));
        assert_eq!(identities.by_email_key("b@x.io"), None);

        identities.inserted(4, Some("d@x.io"), Some("crm-4"));
        let new = FoundLead {
            id: 4,
            inserted_here: true,
        };
        assert_eq!(identities.by_email_key("d@x.io"), Some(new));
        assert_eq!(identities.by_external_id("crm-4"), Some(new));

        identities.changed(existing(1), false, Some("a@x.io"), "a2@x.io");
        assert_eq!(identities.by_email_key("a@x.io"), None);
        assert_eq!(identities.by_email_key("a2@x.io"), Some(existing(1)));

        assert!(!identities.touch(1));
        assert!(identities.touch(1));

        let only_emails = IdentityUse {
            email_keys: true,
            external_ids: false,
        };
        let identities = Identities::load(&tx, only_emails).unwrap();
        assert_eq!(identities.by_external_id("crm-1"), None);
        assert_eq!(identities.by_email_key("a@x.io"), Some(existing(1)));
    }
}
