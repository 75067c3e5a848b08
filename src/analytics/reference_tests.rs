//! The statistics compared with reference values computed offline (tools/analytics-reference/).
