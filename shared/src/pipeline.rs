//! The invocation path every function shares: decode -> decide (pure) -> remediate (the
//! function's own [`Remediator`]) -> alert -> exactly one remediation record.
//!
//! Nothing is lost: an event ends remediated and alerted, alerted as failed-to-remediate
//! (and the invocation fails, so Lambda retries and finally dead-letters it), benign and
//! logged, or an invocation error (undecodable input, alert not published).

use crate::alert::{self, AlertContext};
use crate::decide::decide_all;
use crate::decision::{Decision, Disposition, GuardrailId};
use crate::event::{DecodeError, decode_event};
use crate::outcome::{Outcome, Report};
use crate::policy::Policy;
use crate::telemetry::Record;
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// A function's remediation executor: runs a decision's planned actions, reading the current
/// state first, and reports every step.
pub trait Remediator: Send + Sync {
    fn remediate(&self, decision: &Decision) -> impl Future<Output = Report> + Send;

    /// Facts for people, looked up for every alerted decision (account names, OU paths).
    /// Best effort: a lookup that fails is left out, never fails the invocation.
    fn context(&self, _decision: &Decision) -> impl Future<Output = Vec<(String, String)>> + Send {
        std::future::ready(Vec::new())
    }

    /// Called before an alert is published: may suppress a repeat (GuardDuty re-sends the
    /// same finding). The default sends every alert.
    fn claim_alert(&self, _decision: &Decision) -> impl Future<Output = AlertGate> + Send {
        std::future::ready(AlertGate::Send { claim: None })
    }

    /// Called after the publish attempt of a claimed alert (`published`: whether it went
    /// out), so a claim can be confirmed or given back for the retry.
    fn alert_done(&self, _claim: &AlertClaim, _published: bool) -> impl Future<Output = ()> + Send {
        std::future::ready(())
    }
}

/// Whether an alert goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertGate {
    /// Publish it; a `claim` is confirmed or released afterwards.
    Send { claim: Option<AlertClaim> },
    /// Do not publish: the same alert was already sent (the reason says when and which).
    Suppress { reason: String },
    /// Another invocation holds a fresh claim on the same alert and has not confirmed it:
    /// fail this invocation so Lambda retries it later, when the claim is either confirmed
    /// (the retry is suppressed) or stale (the retry takes it over). Nothing is lost.
    Retry { reason: String },
}

/// A claim on an alert (for deduplication), held while the alert is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertClaim {
    pub key: String,
    pub token: String,
}

/// Where alerts go.
#[derive(Debug, Clone)]
pub struct AlertSink {
    pub sns: aws_sdk_sns::Client,
    pub topic_arn: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    #[error(
        "undecodable event (it was not processed; fix the producer or the EventBridge rule): {0}"
    )]
    Undecodable(#[from] DecodeError),
    #[error(transparent)]
    Alert(#[from] alert::PublishError),
    #[error(
        "remediation of event {event_id} failed ({error}); the failure alert was sent; Lambda retries this event and then sends it to the on-failure destination"
    )]
    Remediation { event_id: String, error: String },
    #[error(
        "the alert for {0}; this invocation fails so that Lambda retries it once the other one has finished or its claim has gone stale"
    )]
    AlertInFlight(String),
}

impl InvocationError {
    /// A stable error type name for the Lambda error response.
    pub fn kind(&self) -> &'static str {
        match self {
            InvocationError::Undecodable(_) => "driftguard.UndecodableEvent",
            InvocationError::Alert(_) => "driftguard.AlertNotPublished",
            InvocationError::Remediation { .. } => "driftguard.RemediationFailed",
            InvocationError::AlertInFlight(_) => "driftguard.AlertInFlight",
        }
    }
}

/// What the invocation returns (and what the Lambda response body carries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub event_id: Option<String>,
    pub guardrail: Option<GuardrailId>,
    pub verdict: String,
    pub severity: String,
    pub outcome: String,
    pub alert_message_id: Option<String>,
}

#[derive(Debug)]
pub struct Pipeline<R> {
    /// The function's name (session names, records, alerts).
    pub function: String,
    /// The guardrails this function owns; decisions for others are logged as benign.
    pub guardrails: Vec<GuardrailId>,
    pub policy: Arc<Policy>,
    pub alerts: AlertSink,
    pub remediator: R,
}

impl<R: Remediator> Pipeline<R> {
    pub async fn handle(
        &self,
        payload: &Value,
        request_id: Option<&str>,
    ) -> Result<Response, InvocationError> {
        let started = Instant::now();
        let event = match decode_event(payload) {
            Ok(e) => e,
            Err(e) => {
                let mut rec = Record::undecodable(&self.function, &e.to_string());
                rec.request_id = request_id.map(str::to_string);
                rec.emit();
                return Err(e.into());
            }
        };
        let decisions = decide_all(&event, &self.policy, chrono::Utc::now().date_naive());
        // This function's own guardrail's decision; an event other guardrails claim as well
        // (a root user's StopLogging) reaches each owning function through its own rule.
        let own = decisions
            .iter()
            .position(|d| d.guardrail.is_some_and(|g| self.guardrails.contains(&g)));
        let mut decisions = decisions;
        let mut decision = match own {
            Some(i) => decisions.swap_remove(i),
            None if decisions.is_empty() => {
                crate::decide::decide(&event, &self.policy, chrono::Utc::now().date_naive())
            }
            None => decisions.swap_remove(0),
        };
        if let Some(g) = decision.guardrail
            && !self.guardrails.contains(&g)
        {
            decision.reason = format!(
                "guardrail {g} belongs to another function; check the EventBridge rule's pattern"
            );
            decision.verdict = crate::decision::Verdict::Benign;
            decision.severity = crate::decision::Severity::Info;
            decision.planned.clear();
            decision.disposition = Disposition::None;
        }
        let mut report = match &decision.disposition {
            Disposition::Remediate => self.remediator.remediate(&decision).await,
            Disposition::Notify => Report::without_steps(Outcome::Planned),
            Disposition::Exempt { .. } => Report::without_steps(Outcome::Exempt),
            Disposition::None => Report::without_steps(Outcome::None),
        };
        let ctx = AlertContext {
            function: self.function.clone(),
            request_id: request_id.map(str::to_string),
        };
        let mut record = Record::from_decision(&self.function, &decision, &report);
        record.request_id = ctx.request_id.clone();
        record.eventbridge_id = event.envelope().and_then(|e| e.id.clone());
        let mut alert_error = None;
        let mut in_flight = None;
        if decision.needs_alert() {
            match self.remediator.claim_alert(&decision).await {
                AlertGate::Suppress { reason } => record.alert_suppressed = Some(reason),
                AlertGate::Retry { reason } => {
                    record.alert_error = Some(reason.clone());
                    in_flight = Some(reason);
                }
                AlertGate::Send { claim } => {
                    // Looked up only for alerts that go out (not for suppressed repeats).
                    report.context = self.remediator.context(&decision).await;
                    let msg = alert::render(&decision, &report, &ctx);
                    let sent = alert::publish(&self.alerts.sns, &self.alerts.topic_arn, &msg).await;
                    if let Some(claim) = &claim {
                        self.remediator.alert_done(claim, sent.is_ok()).await;
                    }
                    match sent {
                        Ok(id) => record.alert_message_id = Some(id),
                        Err(e) => {
                            record.alert_error = Some(e.to_string());
                            alert_error = Some(e);
                        }
                    }
                }
            }
        }
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        record.emit();
        if let Some(e) = alert_error {
            return Err(e.into());
        }
        if let Some(reason) = in_flight {
            return Err(InvocationError::AlertInFlight(reason));
        }
        if report.outcome == Outcome::Failed {
            return Err(InvocationError::Remediation {
                event_id: decision
                    .event_id
                    .clone()
                    .unwrap_or_else(|| "(no id)".into()),
                error: report
                    .error
                    .clone()
                    .unwrap_or_else(|| "a step failed".into()),
            });
        }
        Ok(Response {
            event_id: decision.event_id.clone(),
            guardrail: decision.guardrail,
            verdict: decision.verdict.as_str().to_string(),
            severity: decision.severity.as_str().to_string(),
            outcome: report.outcome.as_str().to_string(),
            alert_message_id: record.alert_message_id,
        })
    }
}

/// Function settings from the Lambda environment.
#[derive(Debug, Clone)]
pub struct FunctionEnv {
    pub topic_arn: String,
    pub policy_path: std::path::PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error(
        "environment variable DRIFTGUARD_TOPIC_ARN is not set: set it to the alert SNS topic ARN"
    )]
    MissingTopic,
    #[error("environment variable {name} is not set: set it to {what}")]
    Missing {
        name: &'static str,
        what: &'static str,
    },
}

/// Why a function cannot start (the Lambda runtime reports it as an init error).
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Env(#[from] EnvError),
    #[error(transparent)]
    Policy(#[from] crate::PolicyError),
}

/// A function's cold start: its environment, the policy file it ships with, and the one SDK
/// configuration every client derives from. Built once, reused by warm invocations.
pub async fn cold_start() -> Result<(FunctionEnv, Arc<Policy>, aws_config::SdkConfig), StartupError>
{
    let env = FunctionEnv::from_env()?;
    let policy = Arc::new(Policy::load(&env.policy_path)?);
    let config = crate::aws::load_sdk_config(&crate::aws::SdkOverrides::default()).await;
    Ok((env, policy, config))
}

/// Serve Lambda invocations with a pipeline until the runtime stops: the whole of a
/// function's `main` after its cold start.
pub async fn serve<R: Remediator>(pipeline: &Pipeline<R>) -> Result<(), lambda_runtime::Error> {
    use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        pipeline
            .handle(&event.payload, Some(&event.context.request_id))
            .await
            .map_err(|e| Diagnostic {
                error_type: e.kind().to_string(),
                error_message: e.to_string(),
            })
    }))
    .await
}

impl FunctionEnv {
    /// A required function-specific variable (e.g. `DRIFTGUARD_FINDINGS_TABLE`).
    pub fn require(name: &'static str, what: &'static str) -> Result<String, EnvError> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or(EnvError::Missing { name, what })
    }

    /// `DRIFTGUARD_TOPIC_ARN` (required) and `DRIFTGUARD_POLICY` (default: `policy.toml` in
    /// `LAMBDA_TASK_ROOT`, where the deployment ships it, else the working directory).
    pub fn from_env() -> Result<FunctionEnv, EnvError> {
        let topic_arn = std::env::var("DRIFTGUARD_TOPIC_ARN")
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or(EnvError::MissingTopic)?;
        let policy_path = std::env::var_os("DRIFTGUARD_POLICY")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::env::var_os("LAMBDA_TASK_ROOT")
                    .map(std::path::PathBuf::from)
                    .unwrap_or_default()
                    .join("policy.toml")
            });
        Ok(FunctionEnv {
            topic_arn,
            policy_path,
        })
    }
}
