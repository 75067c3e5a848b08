//! Live proctoring: the room view (device health and exam progress in one tile per candidate),
//! proctor actions, incidents, the session report, and live changes across instances.

pub mod actions;
pub mod live;
pub mod repo;
pub mod report;
pub mod room;
