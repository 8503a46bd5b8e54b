//! Segment reviews: cadences, what is due, and recorded decisions.
