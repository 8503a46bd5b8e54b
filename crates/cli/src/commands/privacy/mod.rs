//! `person export|erase`, `retention run`, `audit list` and `backup
//! create|list|restore`: privacy and compliance (issue 15, docs/privacy.md).

pub mod audit;
pub mod backup;
pub mod person;
pub mod retention;
