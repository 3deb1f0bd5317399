//! driftguard's common crate, used by every function, the CLI and the tests.
//!
//! - [`event`]: tolerant decoding of EventBridge events, CloudTrail records and log files.
//! - [`policy`]: the TOML policy file, validated, refused whole with key, line and reason.
//! - [`decision`], [`decide`], [`guardrails`]: the pure decision core.
//! - [`alert`]: the pure alert renderer and the SNS publisher.
//! - [`directory`]: Organizations look-ups for alerts (account name, OU path).
//! - [`aws`]: the one place that builds AWS SDK configuration; cross-account sessions.
//! - [`telemetry`]: JSON logs and the remediation record (with EMF metrics).
//! - [`pipeline`]: decode -> decide -> remediate -> alert -> record, shared by every function.

pub mod alert;
pub mod aws;
pub mod decide;
pub mod decision;
pub mod directory;
pub mod event;
pub mod guardrails;
pub mod outcome;
pub mod pipeline;
pub mod policy;
pub mod telemetry;

pub use decide::decide;
pub use decision::{Action, Decision, Disposition, GuardrailId, Mode, Severity, Verdict};
pub use event::{DecodeError, Event, decode_document, decode_event};
pub use policy::{Policy, PolicyError};
