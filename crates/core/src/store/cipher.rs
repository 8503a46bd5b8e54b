//! Encryption at rest: opening a workspace with its passphrase (SQLCipher),
//! and protecting, re-keying or unprotecting a workspace (issue 15).

use rusqlite::Connection;

use crate::Result;

/// A workspace's passphrase, held only in memory. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Self {
        Passphrase(text.into())
    }

    /// The passphrase's text, for SQLCipher's `PRAGMA key` only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// Gives a freshly opened connection its key: the first statement on an
/// encrypted file must be `PRAGMA key`.
pub(crate) fn apply_key(conn: &Connection, passphrase: &Passphrase) -> Result<()> {
    conn.pragma_update(None, "key", passphrase.expose())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_is_never_printed() {
        let secret = Passphrase::new("correct horse");
        assert_eq!(format!("{secret:?}"), "Passphrase(…)");
    }
}
