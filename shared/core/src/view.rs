//! One typed, serialisable view of a decision: the remediation record, the Lambda response,
//! `driftguard evaluate --format json` and the alert's `default` document all carry it, so
//! the four agree on every field name and value.

use crate::decision::{Decision, Disposition, DispositionKind};
use crate::model::{GuardrailId, Severity, Verdict};
use serde::Serialize;

/// A decision's verdict, or `error` when there is no decision (the input could not be
/// decoded): the record and the CLI report both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Judged {
    Benign,
    Attempt,
    Violation,
    /// No decision: the input is not an event driftguard can judge.
    Error,
}

impl From<Verdict> for Judged {
    fn from(v: Verdict) -> Judged {
        match v {
            Verdict::Benign => Judged::Benign,
            Verdict::Attempt => Judged::Attempt,
            Verdict::Violation => Judged::Violation,
        }
    }
}

impl Judged {
    pub fn as_str(self) -> &'static str {
        match self {
            Judged::Benign => "benign",
            Judged::Attempt => "attempt",
            Judged::Violation => "violation",
            Judged::Error => "error",
        }
    }
}

/// The exemption that covered a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionView {
    pub principal_pattern: String,
    pub reason: String,
    pub expires: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionView {
    /// `detail.eventID`, or the GuardDuty finding id.
    pub event_id: Option<String>,
    pub event_source: Option<String>,
    pub event_name: Option<String>,
    pub event_time: Option<String>,
    /// The guardrail that claims the event; null when none does.
    pub guardrail: Option<GuardrailId>,
    pub verdict: Judged,
    /// Null when there is no decision (`verdict: error`).
    pub severity: Option<Severity>,
    pub summary: String,
    pub reason: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub resource: Option<String>,
    pub actor_arn: Option<String>,
    pub actor_type: Option<String>,
    pub source_ip: Option<String>,
    /// Null when there is no decision.
    pub disposition: Option<DispositionKind>,
    /// Present when an exemption covers the actor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemption: Option<ExemptionView>,
    /// The steps the guardrail calls for, whatever the mode or exemptions.
    pub planned: Vec<String>,
    /// The steps that run (empty in notify mode, when exempt, or when nothing can be
    /// remediated).
    pub actions: Vec<String>,
}

impl DecisionView {
    pub fn of(d: &Decision) -> DecisionView {
        DecisionView {
            event_id: d.event_id.clone(),
            event_source: d.event_source.clone(),
            event_name: d.event_name.clone(),
            event_time: d.event_time.clone(),
            guardrail: d.guardrail,
            verdict: d.verdict.into(),
            severity: Some(d.severity),
            summary: d.summary.clone(),
            reason: d.reason.clone(),
            account: d.subject.account.clone(),
            region: d.subject.region.clone(),
            resource: d.subject.resource.clone(),
            actor_arn: d.actor.arn.clone(),
            actor_type: d.actor.identity_type.clone(),
            source_ip: d.actor.source_ip.clone(),
            disposition: Some(d.disposition.kind()),
            exemption: match &d.disposition {
                Disposition::Exempt {
                    principal_pattern,
                    reason,
                    expires,
                } => Some(ExemptionView {
                    principal_pattern: principal_pattern.clone(),
                    reason: reason.clone(),
                    expires: expires.clone(),
                }),
                _ => None,
            },
            planned: d.planned.iter().map(ToString::to_string).collect(),
            actions: d.actions_to_run().iter().map(ToString::to_string).collect(),
        }
    }

    /// The view of an input that is not an event (`error` says why).
    pub fn undecodable(error: &str) -> DecisionView {
        DecisionView {
            event_id: None,
            event_source: None,
            event_name: None,
            event_time: None,
            guardrail: None,
            verdict: Judged::Error,
            severity: None,
            summary: "undecodable input".into(),
            reason: error.to_string(),
            account: None,
            region: None,
            resource: None,
            actor_arn: None,
            actor_type: None,
            source_ip: None,
            disposition: None,
            exemption: None,
            planned: Vec::new(),
            actions: Vec::new(),
        }
    }
}
