//! SMART goals of segments and streams, measured from the data.
