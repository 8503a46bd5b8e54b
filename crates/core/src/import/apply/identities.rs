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
//!
//! A file far smaller than the workspace (a weekly update of a few thousand
//! leads into a million) does not read every lead: the maps then hold only
//! what the import inserted or changed, and any other key is looked up in
//! the identity indexes, one look-up per row ([`Identities::look_up`];
//! `ImportTuning::looks_identities_up` decides).

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};

use foldhash::HashMap;
use siphasher::sip128::{Hasher128, SipHasher13};

use rusqlite::{Connection, Transaction};

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
    /// Reused by [`Identities::held_for`].
    hashes: Vec<Option<(bool, u128)>>,
    /// `None` when the maps hold every lead's identities; otherwise the
    /// identities a key the maps lack is looked up for in the workspace.
    looked_up: Option<LookedUp>,
}

/// What an import that looks its leads up per row knows beyond its maps.
#[derive(Debug)]
struct LookedUp {
    used: IdentityUse,
    /// The keys this import took from the lead that had them, `(external,
    /// hash)`: the workspace may still hold them until the change is
    /// written, and they are no lead's now.
    gone: HashSet<(bool, u128)>,
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
    /// Identities that read no lead up front: each key the import has not
    /// inserted or changed is looked up in the identity indexes, which must
    /// stay in place for the whole import.
    pub(super) fn look_up(used: IdentityUse) -> Self {
        Identities {
            looked_up: Some(LookedUp {
                used,
                gone: HashSet::new(),
            }),
            ..Identities::default()
        }
    }

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

    pub(super) fn by_email_key(
        &self,
        conn: &Connection,
        email_key: &str,
    ) -> Result<Option<FoundLead>> {
        self.find(conn, false, email_key)
    }

    pub(super) fn by_external_id(
        &self,
        conn: &Connection,
        external_id: &str,
    ) -> Result<Option<FoundLead>> {
        self.find(conn, true, external_id)
    }

    /// The lead the maps hold for each key (`(external, key)`, or `None`
    /// for a row with no identity), into `found`, in order: hashed first,
    /// then looked up in one tight loop, so that the processor waits for
    /// many of the maps' scattered slots at once instead of one per row
    /// between a row's writes. A key not held may still be a lead's: the
    /// caller asks [`Identities::by_email_key`] or
    /// [`Identities::by_external_id`] then.
    pub(super) fn held_for<'k>(
        &mut self,
        keys: impl Iterator<Item = Option<(bool, &'k str)>>,
        found: &mut Vec<Option<FoundLead>>,
    ) {
        let hasher = self.key_hasher;
        self.hashes.clear();
        self.hashes
            .extend(keys.map(|key| key.map(|(external, key)| (external, hasher.hash(key)))));
        found.clear();
        found.extend(self.hashes.iter().map(|key| {
            let (external, hash) = (*key)?;
            let map = if external {
                &self.by_external_id
            } else {
                &self.by_email_key
            };
            map.get(&hash).copied()
        }));
    }

    fn find(&self, conn: &Connection, external: bool, key: &str) -> Result<Option<FoundLead>> {
        let hash = self.key_hasher.hash(key);
        let map = if external {
            &self.by_external_id
        } else {
            &self.by_email_key
        };
        if let Some(lead) = map.get(&hash) {
            return Ok(Some(*lead));
        }
        let Some(looked_up) = &self.looked_up else {
            return Ok(None);
        };
        let used = if external {
            looked_up.used.external_ids
        } else {
            looked_up.used.email_keys
        };
        if !used || looked_up.gone.contains(&(external, hash)) {
            return Ok(None);
        }
        // Not inserted by this import: those are all in the map.
        Ok(
            stored_leads::id_by_identity(conn, external, key)?.map(|id| FoundLead {
                id,
                inserted_here: false,
            }),
        )
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
            if let Some(looked_up) = &mut self.looked_up {
                looked_up.gone.insert((external, old));
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

    /// Read once or looked up row by row, the identities answer the same
    /// as the import inserts leads and changes their identities.
    #[test]
    fn identities_are_read_once_or_looked_up_and_kept_up() {
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
        let existing = |id| FoundLead {
            id,
            inserted_here: false,
        };
        for looked_up in [false, true] {
            let mut identities = if looked_up {
                Identities::look_up(both)
            } else {
                Identities::load(&tx, both).unwrap()
            };
            let email = |identities: &Identities, key| identities.by_email_key(&tx, key).unwrap();
            let external =
                |identities: &Identities, key| identities.by_external_id(&tx, key).unwrap();
            assert_eq!(email(&identities, "a@x.io"), Some(existing(1)));
            assert_eq!(external(&identities, "crm-2"), Some(existing(2)));
            assert_eq!(email(&identities, "c@x.io"), Some(existing(3)));
            assert_eq!(email(&identities, "b@x.io"), None);

            identities.inserted(4, Some("d@x.io"), Some("crm-4"));
            let new = FoundLead {
                id: 4,
                inserted_here: true,
            };
            assert_eq!(email(&identities, "d@x.io"), Some(new));
            assert_eq!(external(&identities, "crm-4"), Some(new));

            // Looked up together, only what the maps hold is found: read
            // once, they hold every lead; looked up, only the inserted one.
            let mut found = vec![Some(existing(9))];
            let keys = [
                Some((false, "d@x.io")),
                None,
                Some((true, "crm-4")),
                Some((false, "a@x.io")),
                Some((true, "crm-9")),
            ];
            identities.held_for(keys.into_iter(), &mut found);
            let held_a = (!looked_up).then_some(existing(1));
            assert_eq!(found, vec![Some(new), None, Some(new), held_a, None]);

            // The change is not written yet: the workspace still says a@x.io.
            identities.changed(existing(1), false, Some("a@x.io"), "a2@x.io");
            assert_eq!(email(&identities, "a@x.io"), None, "looked up: {looked_up}");
            assert_eq!(email(&identities, "a2@x.io"), Some(existing(1)));
            identities.changed(existing(3), false, Some("c@x.io"), "a@x.io");
            assert_eq!(email(&identities, "a@x.io"), Some(existing(3)));
            assert_eq!(email(&identities, "c@x.io"), None);
            identities.changed(existing(2), true, Some("crm-2"), "crm-2b");
            assert_eq!(external(&identities, "crm-2"), None);
            assert_eq!(external(&identities, "crm-2b"), Some(existing(2)));
            assert_eq!(external(&identities, "crm-1"), Some(existing(1)));

            assert!(!identities.touch(1));
            assert!(identities.touch(1));
        }

        // Each import draws keys of its own: a file cannot aim at collisions.
        let one = Identities::load(&tx, both).unwrap();
        let other = Identities::load(&tx, both).unwrap();
        assert_ne!(
            one.key_hasher.hash("a@x.io"),
            other.key_hasher.hash("a@x.io")
        );

        // Only the identities the file maps are found, either way.
        let only_emails = IdentityUse {
            email_keys: true,
            external_ids: false,
        };
        for identities in [
            Identities::load(&tx, only_emails).unwrap(),
            Identities::look_up(only_emails),
        ] {
            assert_eq!(identities.by_external_id(&tx, "crm-1").unwrap(), None);
            assert_eq!(
                identities.by_email_key(&tx, "a@x.io").unwrap(),
                Some(existing(1))
            );
        }
    }
}
