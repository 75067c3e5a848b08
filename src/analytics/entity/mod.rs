//! Tables of the analytics domain: statistics per session and question version, per-session
//! test statistics, Rasch calibrations and the settings.

pub mod calibration;
pub mod item_stats;
pub mod settings;
pub mod test_stats;
