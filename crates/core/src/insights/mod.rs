//! Insights: analyses over the saved segments and the events, for the
//! Insights view and the `insights` CLI commands. [`outcome`] says what
//! counts as a conversion and how sure a rate is; the other modules each own
//! one analysis. Everything here reads the segment index
//! (`segments::with_member_sets`) and never writes.

pub mod actions;
pub mod coverage;
pub mod crosstab;
pub mod discover;
#[cfg(test)]
mod discover_differential;
pub mod outcome;
pub mod overlap;
pub mod performance;
