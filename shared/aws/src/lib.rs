//! driftguard's AWS edge: everything that talks to AWS or the Lambda runtime, around the pure
//! core (`driftguard-core`).
//!
//! - [`config`]: the one place that builds AWS SDK configuration.
//! - [`sessions`]: cross-account sessions into the remediation role.
//! - [`pipeline`]: decode -> decide -> act -> notify -> record, shared by every function;
//!   the [`pipeline::Remediator`] each function implements; cold start and the serve loop.
//! - [`notify`]: the [`notify::Notifier`] (SNS) and the [`notify::Facts`] alerts carry.
//! - [`directory`]: Organizations look-ups for alerts (account name, OU path).
//! - [`steps`]: the step runner.
//! - [`telemetry`]: JSON logs; writing the remediation record.

pub mod config;
pub mod directory;
pub mod notify;
pub mod pipeline;
pub mod sessions;
pub mod steps;
pub mod telemetry;
