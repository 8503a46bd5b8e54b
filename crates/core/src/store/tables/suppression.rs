//! The `suppression` table: salted hashes of erased people's e-mail addresses, and the salt.
//!
//! A hash is `sha256(salt || folded e-mail)` in lower-case hex, the salt
//! being the workspace's setting `suppression_salt` (32 hex characters,
//! random per workspace, made by migration 0011). Nothing else about the
//! person is kept.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The workspace's salt (the setting `suppression_salt`, a JSON string).
pub fn salt(conn: &Connection) -> Result<String> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'suppression_salt'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let raw = raw.ok_or_else(|| Error::NotFound {
        what: "setting",
        key: "suppression_salt".into(),
    })?;
    Ok(serde_json::from_str::<String>(&raw)?)
}

/// `sha256(salt || email_key)` in lower-case hex; `email_key` is already folded.
pub fn hash_of(salt: &str, email_key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(email_key.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds a hash to the list (kept with its first erasure date when it is
/// already there).
pub fn add(conn: &Connection, email_hash: &str, erased_at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO suppression (email_hash, erased_at) VALUES (?1, ?2)
         ON CONFLICT (email_hash) DO NOTHING",
    )?
    .execute(params![email_hash, erased_at])?;
    Ok(())
}

/// The whole list: hash → erasure time. Small (one row per erased person),
/// so an import holds it in memory.
pub fn all(conn: &Connection) -> Result<HashMap<String, i64>> {
    let mut statement = conn.prepare_cached("SELECT email_hash, erased_at FROM suppression")?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many people are suppressed.
pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM suppression", [], |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_of_salt_then_folded_email() {
        // sha256("abc") from FIPS 180-2.
        assert_eq!(
            hash_of("a", "bc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_hash_is_added_once_with_its_first_date() {
        let workspace = crate::Workspace::in_memory_store().unwrap();
        let conn = workspace.conn();
        let salt = salt(conn).unwrap();
        assert_eq!(salt.len(), 32);
        let hash = hash_of(&salt, "jane@x.io");
        add(conn, &hash, 100).unwrap();
        add(conn, &hash, 200).unwrap();
        assert_eq!(all(conn).unwrap().get(&hash), Some(&100));
        assert_eq!(count(conn).unwrap(), 1);
    }
}
