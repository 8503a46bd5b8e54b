//! The `ice_scores` table: ICE scores of segments and streams.
