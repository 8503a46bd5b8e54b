//! Likely duplicates beyond the exact e-mail: the same address up to the
//! provider's rules, the same phone, or the same name at the same company,
//! found through blocking keys (never every pair), each pair with its
//! evidence and a confidence.
