//! The identities of the workspace's leads, held in memory for one import:
//! e-mail key → lead and external id → lead, read in one scan at the start
//! and kept up as the import inserts leads or changes their identity, so a
//! row finds its lead without a lookup in the database.
//!
//! The maps hold a 128-bit keyed hash of each key (SipHash-1-3 with keys
//! drawn at random for each import), not its text: a key's text was an
//! allocation of its own per lead, and comparing it read memory scattered
//! far from the map, a cache miss per look-up at a million leads. The
//! import of 1M CRM leads takes about 8% less (docs/decisions.md, "Speed
//! (issue 16): the identity maps hold hashes"). A row whose key is not in
//! the workspace finds a lead's hash with a probability of about
//! rows × leads / 2¹²⁸: 3·10⁻²⁶ for 10M events against 1M leads; the random
//! keys keep a file from choosing keys that collide.
//!
//! Memory: a 32-byte slot per lead for each identity the file maps (about
//! 40–70 bytes with the map's spare room), bounded by the workspace's
//! leads, not by the file.
//!
//! The maps hash the hashes with foldhash rather than SipHash again.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};

use foldhash::HashMap;
use siphasher::sip128::{Hasher128, SipHasher13};

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
    key_hasher: KeyHasher,
    by_email_key: HashMap<u128, FoundLead>,
    by_external_id: HashMap<u128, FoundLead>,
    touched: HashSet<i64>,
}

/// Hashes identity keys to the 128 bits the maps hold, with SipHash keys
/// of its own drawn at random (std's `RandomState`, seeded by the system).
#[derive(Clone, Copy)]
struct KeyHasher {
    keys: (u64, u64),
}

impl std::fmt::Debug for KeyHasher {
    /// The keys stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyHasher").finish_non_exhaustive()
    }
}

impl Default for KeyHasher {
    fn default() -> Self {
        let random = std::collections::hash_map::RandomState::new();
        KeyHasher {
            keys: (random.hash_one(0u8), random.hash_one(1u8)),
        }
    }
}

impl KeyHasher {
    fn hash(&self, key: &str) -> u128 {
        let mut hasher = SipHasher13::new_with_keys(self.keys.0, self.keys.1);
        hasher.write(key.as_bytes());
        hasher.finish128().as_u128()
    }
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
                    let hash = identities.key_hasher.hash(key);
                    identities.by_email_key.insert(hash, lead);
                }
                if let Some(key) = external_id {
                    let hash = identities.key_hasher.hash(key);
                    identities.by_external_id.insert(hash, lead);
                }
            },
        )?;
        Ok(identities)
    }

    pub(super) fn by_email_key(&self, email_key: &str) -> Option<FoundLead> {
        let hash = self.key_hasher.hash(email_key);
        self.by_email_key.get(&hash).copied()
    }

    pub(super) fn by_external_id(&self, external_id: &str) -> Option<FoundLead> {
        let hash = self.key_hasher.hash(external_id);
        self.by_external_id.get(&hash).copied()
    }

    /// Notes a lead this import inserted.
    pub(super) fn inserted(&mut self, id: i64, email_key: Option<&str>, external_id: Option<&str>) {
        let lead = FoundLead {
            id,
            inserted_here: true,
        };
        if let Some(key) = email_key {
            self.by_email_key.insert(self.key_hasher.hash(key), lead);
        }
        if let Some(key) = external_id {
            self.by_external_id.insert(self.key_hasher.hash(key), lead);
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
        let hasher = self.key_hasher;
        let map = if external {
            &mut self.by_external_id
        } else {
            &mut self.by_email_key
        };
        if let Some(old) = old.map(|old| hasher.hash(old)) {
            if map.get(&old).map(|l| l.id) == Some(lead.id) {
                map.remove(&old);
            }
        }
        map.insert(hasher.hash(new), lead);
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

        // Each import draws keys of its own: a file cannot aim at collisions.
        let other = Identities::load(&tx, both).unwrap();
        assert_ne!(
            identities.key_hasher.hash("a@x.io"),
            other.key_hasher.hash("a@x.io")
        );

        let only_emails = IdentityUse {
            email_keys: true,
            external_ids: false,
        };
        let identities = Identities::load(&tx, only_emails).unwrap();
        assert_eq!(identities.by_external_id("crm-1"), None);
        assert_eq!(identities.by_email_key("a@x.io"), Some(existing(1)));
    }
}
