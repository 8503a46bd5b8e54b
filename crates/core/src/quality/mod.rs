//! Data quality: what is wrong with the leads and what it means for the
//! segments, and the fixes, each recorded in the change history beside the
//! imports and undoable like one.
//!
//! - [`country`]: any spelling of a country to its one name and ISO code.
//! - [`phone`]: phone numbers checked and formatted as E.164.
//! - [`report`]: the quality report: completeness by segmentation type,
//!   e-mails, phones, countries, values with many spellings, stale leads.
//! - [`duplicates`]: likely duplicates beyond the exact e-mail, found by
//!   blocking keys, each pair with its evidence and a confidence.
//! - [`merge`]: merging duplicates with survivorship rules.
//! - [`normalise`]: normalising a field's values (countries, phones, a value
//!   mapping) and marking addresses as not sendable, with a preview.
//! - [`fixes`]: recording a fix as a change in the history.

pub mod country;
pub mod duplicates;
pub mod fixes;
pub mod merge;
pub mod normalise;
pub mod phone;
pub mod report;
