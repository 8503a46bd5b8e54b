//! The audit log: its list and export (issue 15).
