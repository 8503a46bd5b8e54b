//! The `suppression` table: salted hashes of erased people's e-mail addresses, and the salt.
