//! Nurture streams: the content library ([`content`]), stream definitions
//! and their JSON form ([`model`]), the named outputs of their nodes
//! ([`handles`]), their validation ([`validate`]), ready-made streams
//! ([`templates`]), lead time zones ([`timezones`]), the planner that
//! dry-runs streams on the real leads ([`planner`]) and the documented range
//! of every number and date they accept ([`limits`]). Semantics:
//! `docs/streams.md`.

pub mod content;
pub mod handles;
pub mod limits;
pub mod model;
pub mod planner;
pub mod templates;
pub mod timezones;
pub mod validate;
