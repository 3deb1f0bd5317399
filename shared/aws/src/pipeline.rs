//! The invocation path every function shares, in the order of the event flow:
//! decode -> decide (pure) -> act (the function's own [`Remediator`]) -> notify (its
//! [`Notifier`]) -> record (exactly one remediation record).
//!
//! Nothing is lost: an event ends remediated and alerted, alerted as failed-to-remediate
//! (and the invocation fails, so Lambda retries and finally dead-letters it), benign and
//! logged, or an invocation error (undecodable input, alert not published).

use crate::notify::{Notice, Notifier, PublishError};
use crate::telemetry;
use driftguard_core::alert::AlertContext;
use driftguard_core::catalog;
use driftguard_core::decide::decide_all;
use driftguard_core::event::{DecodeError, Event, decode_event};
use driftguard_core::model::{GuardrailId, Severity, Verdict};
use driftguard_core::outcome::{Outcome, Report};
use driftguard_core::record::Record;
use driftguard_core::trust;
use driftguard_core::view::DecisionView;
use driftguard_core::{Action, Decision, Disposition, Policy};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// A function's remediation executor for its own family of steps: runs them, reading the
/// current state first, and reports every step.
pub trait Remediator: Send + Sync {
    /// The family of steps this function executes (`TrailAction`, `OrgAction`, ...),
    /// matched exhaustively by the implementation.
    type Step: Display + Send + Sync;

    /// The step of this function's family, or `None` for another family's.
    fn step(action: &Action) -> Option<&Self::Step>;

    fn remediate(
        &self,
        decision: &Decision,
        steps: &[&Self::Step],
    ) -> impl Future<Output = Report> + Send;

    /// The policy to decide `event` with: by default the function's own. org-guard returns
    /// one whose guardrail SCPs are known by their current ids.
    fn policy_for(
        &self,
        _event: &Event,
        base: &Arc<Policy>,
    ) -> impl Future<Output = Arc<Policy>> + Send {
        std::future::ready(base.clone())
    }
}

impl<T: Remediator> Remediator for Arc<T> {
    type Step = T::Step;

    fn step(action: &Action) -> Option<&Self::Step> {
        T::step(action)
    }

    fn remediate(
        &self,
        decision: &Decision,
        steps: &[&Self::Step],
    ) -> impl Future<Output = Report> + Send {
        (**self).remediate(decision, steps)
    }

    fn policy_for(
        &self,
        event: &Event,
        base: &Arc<Policy>,
    ) -> impl Future<Output = Arc<Policy>> + Send {
        (**self).policy_for(event, base)
    }
}

/// The remediator of a function that writes nothing (root-guard): a planned step reaching
/// it is a bug in the core, reported rather than ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRemediation;

impl Remediator for NoRemediation {
    type Step = std::convert::Infallible;

    fn step(_action: &Action) -> Option<&Self::Step> {
        None
    }

    async fn remediate(&self, _decision: &Decision, _steps: &[&Self::Step]) -> Report {
        Report::without_steps(Outcome::None)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    #[error(
        "undecodable event (it was not processed; fix the producer or the EventBridge rule): {0}"
    )]
    Undecodable(#[from] DecodeError),
    #[error(transparent)]
    Alert(#[from] PublishError),
    #[error(
        "remediation of event {event_id} failed ({error}); the failure alert was sent; Lambda retries this event and then sends it to the on-failure destination"
    )]
    Remediation { event_id: String, error: String },
    #[error(
        "the alert for {0}; this invocation fails so that Lambda retries it once the other one has finished or its claim has gone stale"
    )]
    AlertInFlight(String),
    #[error(
        "untrusted event refused, nothing remediated ({0}); an alert was sent. Check the driftguard bus's resource policy and the rules that target this function"
    )]
    Untrusted(driftguard_core::trust::Untrusted),
}

impl InvocationError {
    /// A stable error type name for the Lambda error response.
    pub fn kind(&self) -> &'static str {
        match self {
            InvocationError::Undecodable(_) => "driftguard.UndecodableEvent",
            InvocationError::Alert(_) => "driftguard.AlertNotPublished",
            InvocationError::Remediation { .. } => "driftguard.RemediationFailed",
            InvocationError::AlertInFlight(_) => "driftguard.AlertInFlight",
            InvocationError::Untrusted(_) => "driftguard.UntrustedEvent",
        }
    }
}

/// What the invocation returns (the Lambda response body): the decision's view, the
/// outcome and the alert's message id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    #[serde(flatten)]
    pub decision: DecisionView,
    pub outcome: Outcome,
    pub alert_message_id: Option<String>,
}

#[derive(Debug)]
pub struct Pipeline<R, N> {
    /// The function's name (session names, records, alerts).
    pub function: String,
    /// The guardrails this function owns (from the catalog); decisions for others are
    /// logged as benign.
    pub guardrails: Vec<GuardrailId>,
    pub policy: Arc<Policy>,
    pub remediator: R,
    pub notifier: N,
}

impl<R: Remediator, N: Notifier> Pipeline<R, N> {
    /// The pipeline of `function`, owning the guardrails the catalog gives it.
    pub fn new(function: &str, policy: Arc<Policy>, remediator: R, notifier: N) -> Pipeline<R, N> {
        Pipeline {
            function: function.to_string(),
            guardrails: catalog::owned_by(function),
            policy,
            remediator,
            notifier,
        }
    }

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
                telemetry::emit(&rec);
                return Err(e.into());
            }
        };
        // Only events an AWS service delivered, about the account they name: anything else is
        // alerted and refused, never remediated.
        let untrusted = trust::check(&event, &self.policy).err();
        let (decision, mut report) = match &untrusted {
            Some(why) => {
                let mut refused = Report::without_steps(Outcome::None);
                refused.error = Some(why.to_string());
                (trust::refusal(&event, why), refused)
            }
            None => {
                let policy = self.remediator.policy_for(&event, &self.policy).await;
                let decision = self.decide(&event, &policy);
                let report = self.act(&decision).await;
                (decision, report)
            }
        };
        let ctx = AlertContext {
            function: self.function.clone(),
            request_id: request_id.map(str::to_string),
        };
        let notice = if decision.needs_alert() {
            Some(self.notifier.notify(&decision, &mut report, &ctx).await)
        } else {
            None
        };

        let mut record = Record::from_decision(&self.function, &decision, &report);
        record.request_id = ctx.request_id.clone();
        record.eventbridge_id = event.envelope().and_then(|e| e.id.clone());
        let mut failure = None;
        match notice {
            None => {}
            Some(Notice::Sent(id)) => record.alert_message_id = Some(id),
            Some(Notice::Suppressed(reason)) => record.alert_suppressed = Some(reason),
            Some(Notice::InFlight(reason)) => {
                record.alert_error = Some(reason.clone());
                failure = Some(InvocationError::AlertInFlight(reason));
            }
            Some(Notice::Failed(e)) => {
                record.alert_error = Some(e.to_string());
                failure = Some(e.into());
            }
        }
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        telemetry::emit(&record);

        if let Some(e) = failure {
            return Err(e);
        }
        if let Some(why) = untrusted {
            return Err(InvocationError::Untrusted(why));
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
            decision: record.decision,
            outcome: report.outcome,
            alert_message_id: record.alert_message_id,
        })
    }

    /// This function's decision on the event: its own guardrail's (an event other
    /// guardrails claim as well, like a root user's StopLogging, reaches each owning
    /// function through its own rule). An event only other functions' guardrails claim is
    /// logged benign, naming the rule to check.
    fn decide(&self, event: &Event, policy: &Policy) -> Decision {
        let mut decisions = decide_all(event, policy, chrono::Utc::now().date_naive());
        let own = decisions
            .iter()
            .position(|d| d.guardrail.is_some_and(|g| self.guardrails.contains(&g)));
        let mut decision = match own {
            Some(i) => decisions.swap_remove(i),
            None if decisions.is_empty() => {
                driftguard_core::decide(event, policy, chrono::Utc::now().date_naive())
            }
            None => decisions.swap_remove(0),
        };
        if let Some(g) = decision.guardrail
            && !self.guardrails.contains(&g)
        {
            decision.reason = format!(
                "guardrail {g} belongs to {}; check the EventBridge rule's pattern",
                catalog::function_of(g)
            );
            decision.verdict = Verdict::Benign;
            decision.severity = Severity::Info;
            decision.planned.clear();
            decision.disposition = Disposition::None;
        }
        decision
    }

    /// Run the decision's steps (only in enforce mode, when not exempt).
    async fn act(&self, decision: &Decision) -> Report {
        match &decision.disposition {
            Disposition::Remediate => {
                let mut steps = Vec::new();
                let mut foreign = Vec::new();
                for a in decision.actions_to_run() {
                    match R::step(a) {
                        Some(s) => steps.push(s),
                        None => foreign.push(a.to_string()),
                    }
                }
                if !foreign.is_empty() {
                    let mut r = Report::without_steps(Outcome::Failed);
                    r.error = Some(format!(
                        "{} has no executor for {foreign:?}; nothing was written (the catalog routes this guardrail elsewhere)",
                        self.function
                    ));
                    return r;
                }
                self.remediator.remediate(decision, &steps).await
            }
            Disposition::Notify => Report::without_steps(Outcome::Planned),
            Disposition::Exempt { .. } => Report::without_steps(Outcome::Exempt),
            Disposition::None => Report::without_steps(Outcome::None),
        }
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
    Policy(#[from] driftguard_core::PolicyError),
}

/// A function's cold start: its environment, the policy file it ships with, and the one SDK
/// configuration every client derives from. Built once, reused by warm invocations.
pub async fn cold_start() -> Result<(FunctionEnv, Arc<Policy>, aws_config::SdkConfig), StartupError>
{
    let env = FunctionEnv::from_env()?;
    let policy = Arc::new(driftguard_files::load_policy(&env.policy_path)?);
    let config = crate::config::load_sdk_config(&crate::config::SdkOverrides::default()).await;
    Ok((env, policy, config))
}

/// Serve Lambda invocations with a pipeline until the runtime stops: the whole of a
/// function's `main` after its cold start.
pub async fn serve<R: Remediator, N: Notifier>(
    pipeline: &Pipeline<R, N>,
) -> Result<(), lambda_runtime::Error> {
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
