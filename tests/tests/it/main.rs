//! driftguard's integration tests, as one test binary (one link, one process to start):
//! each module is one area. They need a moto server binary on the machine (the harness
//! starts one per test on a free loopback port) and the function binaries (cargo builds them
//! for this test target).

mod alert_text;
mod catalog;
mod corpus;
mod guardduty_guard_moto;
mod lambda_binary;
mod mocked_aws;
mod no_panic;
mod org_guard_moto;
mod root_guard_moto;
mod trail_guard_moto;
