//! The decision model: what the pure core says about one event.

use crate::guardrails::guardduty::GuardDutyAction;
use crate::guardrails::org::OrgAction;
use crate::guardrails::trail::TrailAction;
use crate::model::{Actor, GuardrailId, Severity, Subject, Verdict};
use serde::Serialize;
use std::fmt;

/// A remediation step the core plans, by guardrail family. Each function matches its own
/// family's enum exhaustively; a step of another family reaching a function is a routing
/// bug it reports, never a silent fall-through. The executor reads the current state first
/// and skips a step whose target is already compliant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Action {
    Trail(TrailAction),
    Org(OrgAction),
    GuardDuty(GuardDutyAction),
}

impl Action {
    /// The API call this step makes when the target is not compliant.
    pub fn api(&self) -> &'static str {
        match self {
            Action::Trail(a) => a.api(),
            Action::Org(a) => a.api(),
            Action::GuardDuty(a) => a.api(),
        }
    }

    pub fn target(&self) -> String {
        match self {
            Action::Trail(a) => a.target(),
            Action::Org(a) => a.target(),
            Action::GuardDuty(a) => a.target(),
        }
    }
}

impl Action {
    pub fn as_trail(&self) -> Option<&TrailAction> {
        match self {
            Action::Trail(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_org(&self) -> Option<&OrgAction> {
        match self {
            Action::Org(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_guardduty(&self) -> Option<&GuardDutyAction> {
        match self {
            Action::GuardDuty(a) => Some(a),
            _ => None,
        }
    }
}

macro_rules! display_as_step {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.api(), self.target())
            }
        }
    )*};
}
display_as_step!(TrailAction, OrgAction, GuardDutyAction);

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api(), self.target())
    }
}

/// What happens with a decision's planned actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disposition {
    /// Nothing to do (benign, attempt, or no remediation exists).
    None,
    /// Enforce mode: run the actions.
    Remediate,
    /// Notify mode: log and alert the planned actions, write nothing.
    Notify,
    /// An exemption covers the actor: alert (marked exempt), do not revert.
    Exempt {
        principal_pattern: String,
        reason: String,
        expires: Option<String>,
    },
}

/// A disposition without its details: how the record, the CLI and the alert name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DispositionKind {
    None,
    Remediate,
    Notify,
    Exempt,
}

impl Disposition {
    pub fn kind(&self) -> DispositionKind {
        match self {
            Disposition::None => DispositionKind::None,
            Disposition::Remediate => DispositionKind::Remediate,
            Disposition::Notify => DispositionKind::Notify,
            Disposition::Exempt { .. } => DispositionKind::Exempt,
        }
    }
}

/// The pure core's judgement of one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub guardrail: Option<GuardrailId>,
    pub verdict: Verdict,
    pub severity: Severity,
    /// One sentence: what happened.
    pub summary: String,
    /// Why this verdict (e.g. "driftguard's own remediation", "trail not governed").
    pub reason: String,
    pub event_id: Option<String>,
    pub event_source: Option<String>,
    pub event_name: Option<String>,
    pub event_time: Option<String>,
    pub subject: Subject,
    pub actor: Actor,
    /// Facts from the event that support the verdict, in display order.
    pub evidence: Vec<(String, String)>,
    /// What a responder must do first (for guardrails whose remedy is a person's).
    pub respond: Option<String>,
    /// The remediation steps the policy calls for (whatever the disposition).
    pub planned: Vec<Action>,
    pub disposition: Disposition,
}

impl Decision {
    /// The steps that will actually run: the planned ones, only when remediating.
    pub fn actions_to_run(&self) -> &[Action] {
        if self.disposition == Disposition::Remediate {
            &self.planned
        } else {
            &[]
        }
    }

    /// Whether this decision is alerted (benign decisions are only logged).
    pub fn needs_alert(&self) -> bool {
        self.verdict != Verdict::Benign
    }
}
