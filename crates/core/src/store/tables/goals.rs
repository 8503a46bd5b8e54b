//! The goal tables: SMART goals of segments and streams.
