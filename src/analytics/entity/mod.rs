//! Tables of the analytics domain (being written).
