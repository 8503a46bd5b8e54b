//! Backups of the workspace before risky changes and daily, kept, listed and restored (issue 15).
