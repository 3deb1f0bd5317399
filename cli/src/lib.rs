//! The `driftguard` command line as a library: `evaluate` and `check-policy`, so the tests
//! drive exactly the code path the binary runs.

pub mod evaluate;
