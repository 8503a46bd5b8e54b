//! The `consent_events` table: consent statements per lead and channel, and the current status columns they set.
