//! Strategy (issue 12): how a marketer prioritises, sets goals for, reviews
//! and watches the saved segments (and streams) over time. Everything here
//! is built on data already in the workspace.
//!
//! - [`ice`]: ICE scores (impact, confidence, ease) of segments and
//!   streams, the ranking under the workspace's formula, and suggestions
//!   from the data.
//! - [`goals`]: SMART goals: a metric measured from the data, a baseline,
//!   a target and a deadline, and progress at any date.
//! - [`reviews`]: review cadences, the due list and recorded reviews.
//! - [`history`]: snapshots of every saved segment's members (compressed
//!   bitmaps), their thinning, and who joined or left between two dates.

pub mod goals;
pub mod history;
pub mod ice;
pub mod metrics;
pub mod reviews;
