//! Privacy and compliance (issue 15, docs/privacy.md): consent history,
//! a person's access export and erasure, retention, the audit log's reads,
//! backups and the hashed audiences for ad platforms.
//!
//! - [`consent`]: consent per lead and channel, kept as history; the current
//!   status in the leads' `email_opt_in` and `ads_opt_in` columns.
//! - [`audiences`]: segment members for Google Ads Customer Match, Meta and
//!   LinkedIn, normalised and hashed as each platform documents.
//! - [`audit`]: the audit log's list and export.
//! - [`person`]: finding one person, and everything the workspace holds
//!   about them (the access export, JSON and CSV).
//! - [`erase`]: erasing a person everywhere, with the salted hash kept in
//!   the suppression list.
//! - [`retention`]: deleting or anonymising leads without activity.
//! - [`backups`]: the backups taken before risky changes and daily, kept,
//!   listed and restored.

pub mod audiences;
pub mod audit;
pub mod backups;
pub mod consent;
pub mod erase;
pub mod person;
pub mod retention;
