//! Service levels (being written).
