//! CSV import: reading real-world CSV files ([`source`]), normalising their
//! values ([`normalize`]), suggesting where columns go ([`mapping`], whose
//! tables are data in `presets/`, and [`inspect`]), applying the rows to a
//! workspace in one transaction ([`apply`], described by [`spec`]), and the
//! history with undo ([`history`], which may remove the fields an import
//! created: [`created_fields`]).

pub mod apply;
pub mod created_fields;
pub mod history;
pub mod inspect;
pub mod mapping;
pub mod normalize;
mod presets;
pub mod source;
pub mod spec;
