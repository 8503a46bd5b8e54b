//! Segment members for ad platforms: identifiers normalised and hashed with SHA-256 as each platform documents (issue 15).
