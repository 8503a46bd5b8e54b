//! The review tables: review cadences and recorded segment reviews.
