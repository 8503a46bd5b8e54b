//! The strategy commands (issue 12): `segment ice`, `goal`, `review`,
//! `segment history` and `segment diff`, one module each.

pub mod goals;
pub mod history;
pub mod ice;
pub mod reviews;
