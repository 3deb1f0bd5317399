//! driftguard's decision core: pure, total, and shared by every function, the CLI and the
//! tests. No AWS crate, no async runtime, no clock, no filesystem: a crate-local
//! `clippy.toml` makes reading the environment, files, the clock or spawning processes a
//! compile error here.
//!
//! - [`ids`]: typed identifiers (`AccountId`, `Region`, `PolicyId`, `OuId`, `RootId`),
//!   validated once.
//! - [`model`]: guardrail ids, modes, verdicts, severities, subject and actor.
//! - [`catalog`]: each guardrail's function and the events it claims (one table).
//! - [`event`]: tolerant decoding of EventBridge events, CloudTrail records and log files.
//! - [`policy`]: the TOML policy file, validated, refused whole with key, line and reason;
//!   baseline documents injected by the caller.
//! - [`guardrails`]: one unit per family (`trail`, `org`, `root`, `guardduty`): detection,
//!   policy section, typed steps, pure remediation plans.
//! - [`decision`], [`decide`]: the decision model and the core.
//! - [`outcome`], [`record`], [`view`]: what remediation did, the remediation record, and the
//!   one serialisable view of a decision.
//! - [`alert`]: the pure alert renderer.
//! - [`check`]: `check-policy`'s summary.

pub mod alert;
pub mod catalog;
pub mod check;
pub mod decide;
pub mod decision;
pub mod event;
pub mod guardrails;
pub mod ids;
pub mod model;
pub mod outcome;
pub mod policy;
pub mod record;
pub mod trust;
pub mod view;

pub use decide::{decide, decide_all};
pub use decision::{Action, Decision, Disposition};
pub use event::{DecodeError, Event, decode_document, decode_event};
pub use model::{GuardrailId, Mode, Severity, Verdict};
pub use policy::{Documents, NoDocuments, Policy, PolicyError};
