//! Black-box tests of CSV import against the fixtures in tests/fixtures
//! (and, where present, the unlicensed files in ../shared, never copied).

mod apply;
mod source;
