//! The decision model: what the pure core says about one event.

use crate::policy::ParentRef;
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

/// A trail as an action names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailRef {
    /// Bare name.
    pub name: String,
    pub account: String,
    pub region: String,
}

impl fmt::Display for TrailRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trail {} in {}/{}", self.name, self.account, self.region)
    }
}

/// A remediation step the core plans. The executor reads the current state first and skips a
/// step whose target is already compliant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Recreate a deleted trail from its declaration (CreateTrail), then continue with the
    /// other steps.
    RecreateTrail { trail: TrailRef },
    /// UpdateTrail back to the baseline.
    RestoreTrailSettings { trail: TrailRef },
    /// PutEventSelectors so that all management events are logged (data selectors kept).
    RestoreEventSelectors { trail: TrailRef },
    /// StartLogging.
    StartLogging { trail: TrailRef },
    /// MoveAccount back to where the policy says it belongs (from its current parent).
    MoveAccount { account: String, to: ParentRef },
    /// AttachPolicy of a guardrail SCP to a declared target.
    AttachPolicy { policy_id: String, target: String },
    /// UpdatePolicy back to the baseline document.
    RestorePolicyContent { policy_id: String },
    /// CreatePolicy from the baseline document, then attach it to every declared target.
    RecreatePolicy { policy_id: String, name: String },
    /// EnablePolicyType on the root.
    EnablePolicyType {
        root_id: String,
        policy_type: String,
    },
    /// CreateDetector (enabled) where none exists; UpdateDetector `enable=true` where one is
    /// disabled.
    CreateDetector { account: String, region: String },
    /// UpdateDetector `enable=true` on a detector that was disabled.
    EnableDetector {
        account: String,
        region: String,
        detector_id: String,
    },
    /// From the GuardDuty administrator: CreateMembers for an organization account that is
    /// no longer an enabled member.
    CreateMember {
        administrator: String,
        account: String,
        region: String,
    },
    /// From the GuardDuty administrator: UpdateOrganizationConfiguration back to the
    /// auto-enable setting the policy declares.
    RestoreAutoEnable {
        administrator: String,
        region: String,
        setting: crate::policy::AutoEnable,
    },
}

impl Action {
    /// The API call this step makes when the target is not compliant.
    pub fn api(&self) -> &'static str {
        match self {
            Action::RecreateTrail { .. } => "cloudtrail:CreateTrail",
            Action::RestoreTrailSettings { .. } => "cloudtrail:UpdateTrail",
            Action::RestoreEventSelectors { .. } => "cloudtrail:PutEventSelectors",
            Action::StartLogging { .. } => "cloudtrail:StartLogging",
            Action::MoveAccount { .. } => "organizations:MoveAccount",
            Action::AttachPolicy { .. } => "organizations:AttachPolicy",
            Action::RestorePolicyContent { .. } => "organizations:UpdatePolicy",
            Action::RecreatePolicy { .. } => "organizations:CreatePolicy",
            Action::EnablePolicyType { .. } => "organizations:EnablePolicyType",
            Action::CreateDetector { .. } => "guardduty:CreateDetector",
            Action::EnableDetector { .. } => "guardduty:UpdateDetector",
            Action::CreateMember { .. } => "guardduty:CreateMembers",
            Action::RestoreAutoEnable { .. } => "guardduty:UpdateOrganizationConfiguration",
        }
    }

    pub fn target(&self) -> String {
        match self {
            Action::RecreateTrail { trail }
            | Action::RestoreTrailSettings { trail }
            | Action::RestoreEventSelectors { trail }
            | Action::StartLogging { trail } => trail.to_string(),
            Action::MoveAccount { account, to } => format!("account {account} to {to}"),
            Action::AttachPolicy { policy_id, target } => format!("policy {policy_id} to {target}"),
            Action::RestorePolicyContent { policy_id } => {
                format!("policy {policy_id} (baseline content)")
            }
            Action::RecreatePolicy { policy_id, name } => {
                format!("policy {name} (was {policy_id})")
            }
            Action::EnablePolicyType {
                root_id,
                policy_type,
            } => format!("{policy_type} on {root_id}"),
            Action::CreateDetector { account, region } => {
                format!("detector in {account}/{region}")
            }
            Action::EnableDetector {
                account,
                region,
                detector_id,
            } => format!("detector {detector_id} in {account}/{region}"),
            Action::CreateMember {
                administrator,
                account,
                region,
            } => format!("member {account} of administrator {administrator} in {region}"),
            Action::RestoreAutoEnable {
                administrator,
                region,
                setting,
            } => format!(
                "auto-enable {} for administrator {administrator} in {region}",
                setting.as_str()
            ),
        }
    }
}

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
