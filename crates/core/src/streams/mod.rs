//! Nurture streams: the content library ([`content`]), stream definitions
//! with their validation and JSON form ([`model`]), ready-made streams
//! ([`templates`]), lead time zones ([`timezones`]) and the planner that
//! dry-runs streams on the real leads ([`planner`]). Semantics:
//! `docs/streams.md`.

pub mod content;
pub mod model;
pub mod planner;
pub mod templates;
pub mod timezones;
