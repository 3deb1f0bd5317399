//! The guardrails, one unit per family: `trail/`, `org/`, `root/`, `guardduty/`. Each holds
//! its detection (pure: one event and the policy give a [`Judgement`] when the event is in
//! its scope, as the [`crate::catalog`] says), its policy section, its typed steps and the
//! pure plans of what its function writes. The core ([`crate::decide`]) then applies the
//! loop guard, the guardrail's mode and exemptions.

pub mod guardduty;
pub mod org;
pub mod root;
pub mod trail;

use crate::decision::Action;
use crate::model::{GuardrailId, Severity, Subject, Verdict};

/// A detector's verdict before the loop guard, mode and exemptions are applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Judgement {
    pub guardrail: GuardrailId,
    pub verdict: Verdict,
    pub severity: Severity,
    pub summary: String,
    pub reason: String,
    pub subject: Subject,
    pub evidence: Vec<(String, String)>,
    /// What a responder must do first.
    pub respond: Option<String>,
    pub planned: Vec<Action>,
    /// The call, by its content, is one driftguard itself makes to restore the baseline,
    /// with the values it would set (e.g. an `UpdateTrail` that sets only baseline values):
    /// made through driftguard's own identity, it is its own remediation, not drift. Calls
    /// that are compliant by content need not set it (they are benign anyway).
    pub restoring: bool,
}

impl Judgement {
    pub fn new(guardrail: GuardrailId) -> Judgement {
        Judgement {
            guardrail,
            verdict: Verdict::Benign,
            severity: Severity::Info,
            summary: String::new(),
            reason: String::new(),
            subject: Subject::default(),
            evidence: Vec::new(),
            respond: None,
            planned: Vec::new(),
            restoring: false,
        }
    }
}
