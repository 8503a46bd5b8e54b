//! The data-quality report's reads: completeness of every field, the
//! e-mail, phone and country values to check, and last activity per lead.
