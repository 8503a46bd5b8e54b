//! Consent per lead and channel, kept as history (issue 15).
