//! The distinct values of one field with their lead counts, and the leads
//! holding each: what a normalisation previews and rewrites.
