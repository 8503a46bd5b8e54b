//! ICE prioritisation of segments and streams.
