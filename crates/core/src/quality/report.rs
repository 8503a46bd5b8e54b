//! The quality report: completeness of every field grouped by the seven
//! segmentation types, invalid and risky e-mails, phones, country variants,
//! values with many spellings, and stale leads.
