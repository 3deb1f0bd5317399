//! What remediation did: the outcome every alert and every remediation record carries.

use serde::Serialize;
use std::fmt::Display;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// The write was made.
    Done,
    /// The current state already met the policy: nothing written.
    AlreadyCompliant,
    /// Not attempted because an earlier step failed.
    Skipped,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepResult {
    pub action: String,
    pub status: StepStatus,
    pub detail: String,
}

impl StepResult {
    /// `step` is shown as its API call and target (`cloudtrail:StartLogging trail …`).
    pub fn new(step: &impl Display, status: StepStatus, detail: impl Into<String>) -> StepResult {
        StepResult {
            action: step.to_string(),
            status,
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing to do: benign, an attempt, or a violation without a remediation.
    None,
    /// Notify mode: actions planned, nothing written.
    Planned,
    /// An exemption applies: nothing written.
    Exempt,
    /// Every step succeeded and at least one wrote.
    Remediated,
    /// Every step found the state already compliant.
    AlreadyCompliant,
    /// A step failed: the organization may still be out of policy.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::None => "none",
            Outcome::Planned => "planned",
            Outcome::Exempt => "exempt",
            Outcome::Remediated => "remediated",
            Outcome::AlreadyCompliant => "already_compliant",
            Outcome::Failed => "failed",
        }
    }
}

/// The remediation report for one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub outcome: Outcome,
    pub steps: Vec<StepResult>,
    /// The first failure, what it means and what to do.
    pub error: Option<String>,
    /// Facts looked up for people (account names, OU paths), shown in the alert.
    pub context: Vec<(String, String)>,
}

impl Report {
    pub fn without_steps(outcome: Outcome) -> Report {
        Report {
            outcome,
            steps: Vec::new(),
            error: None,
            context: Vec::new(),
        }
    }

    /// Summarise executed steps into an outcome.
    pub fn from_steps(steps: Vec<StepResult>, error: Option<String>) -> Report {
        let outcome = if error.is_some() || steps.iter().any(|s| s.status == StepStatus::Failed) {
            Outcome::Failed
        } else if steps.iter().any(|s| s.status == StepStatus::Done) {
            Outcome::Remediated
        } else {
            Outcome::AlreadyCompliant
        };
        Report {
            outcome,
            steps,
            error,
            context: Vec::new(),
        }
    }
}
