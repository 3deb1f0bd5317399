//! The vocabulary every guardrail shares: guardrail ids, modes, verdicts, severities, and who
//! and what an event concerns. A leaf module: it depends on nothing else in the crate.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Guardrail identifiers; their strings are part of the public interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuardrailId {
    TrailTampering,
    RootActivity,
    AccountPlacement,
    ScpIntegrity,
    GuarddutyTampering,
    GuarddutyFinding,
}

impl GuardrailId {
    pub const ALL: [GuardrailId; 6] = [
        GuardrailId::TrailTampering,
        GuardrailId::RootActivity,
        GuardrailId::AccountPlacement,
        GuardrailId::ScpIntegrity,
        GuardrailId::GuarddutyTampering,
        GuardrailId::GuarddutyFinding,
    ];
    pub const ALL_NAMES: &'static str = "trail-tampering, root-activity, account-placement, scp-integrity, guardduty-tampering, guardduty-finding";

    pub fn as_str(self) -> &'static str {
        match self {
            GuardrailId::TrailTampering => "trail-tampering",
            GuardrailId::RootActivity => "root-activity",
            GuardrailId::AccountPlacement => "account-placement",
            GuardrailId::ScpIntegrity => "scp-integrity",
            GuardrailId::GuarddutyTampering => "guardduty-tampering",
            GuardrailId::GuarddutyFinding => "guardduty-finding",
        }
    }

    pub fn parse(s: &str) -> Option<GuardrailId> {
        GuardrailId::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

impl fmt::Display for GuardrailId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A guardrail's mode in the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Detect, remediate, alert.
    Enforce,
    /// Detect and alert with the planned actions; write nothing.
    Notify,
    /// Not evaluated.
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Not a concern, or caused by driftguard itself.
    Benign,
    /// The call failed: nothing to remediate, alert at lower severity.
    Attempt,
    /// The change happened and breaks a guardrail.
    Violation,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Benign => "benign",
            Verdict::Attempt => "attempt",
            Verdict::Violation => "violation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// What the event touched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub account: Option<String>,
    pub region: Option<String>,
    /// e.g. the trail name or ARN.
    pub resource: Option<String>,
}

/// Who did it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// `userIdentity.type` (Root, IAMUser, AssumedRole, AWSService, ...).
    pub identity_type: Option<String>,
    /// The caller's ARN (for assumed roles, the STS session ARN).
    pub arn: Option<String>,
    /// For assumed roles: the role ARN that issued the session.
    pub issuer_arn: Option<String>,
    pub account: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}
