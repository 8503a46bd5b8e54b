//! The `segment_snapshots` table: saved segments' members over time.
