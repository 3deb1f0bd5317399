//! Guardrail detectors. Each is pure: it reads one event and the policy and returns a
//! [`Judgement`] when the event is in its scope. The core ([`crate::decide`]) then applies the
//! loop guard, the guardrail's mode and exemptions.

pub mod guardduty;
pub mod org;
pub mod root;
pub mod trail;

use crate::decision::{Action, GuardrailId, Severity, Subject, Verdict};

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
        }
    }
}
