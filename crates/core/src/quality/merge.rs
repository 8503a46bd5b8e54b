//! Merging duplicates into a survivor: survivorship (the most recent
//! non-empty value wins unless the user picks per field), the preview, and
//! the merge itself, which moves events and segment history to the survivor
//! and is recorded as a fix.
