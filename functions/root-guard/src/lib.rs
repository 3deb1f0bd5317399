//! root-guard: the `root-activity` guardrail.
//!
//! Root use has no automatic remediation: a root sign-in cannot be undone, and deleting root
//! credentials without a person deciding could lock an organization out of a break-glass
//! path. The function decides (pure core), looks up the account's name and OU path for the
//! alert (read-only Organizations calls with its own role: the Audit account is a delegated
//! administrator), and alerts with what a responder must do first.

use aws_config::SdkConfig;
use driftguard_shared::aws::in_region;
use driftguard_shared::decision::{Decision, GuardrailId};
use driftguard_shared::directory::account_context;
use driftguard_shared::outcome::{Outcome, Report};
use driftguard_shared::pipeline::{AlertSink, Pipeline, Remediator, StartupError, cold_start};
use driftguard_shared::policy::Policy;
use std::sync::Arc;

pub const FUNCTION_NAME: &str = "root-guard";
/// Organizations' API endpoint lives in us-east-1.
pub const ORGANIZATIONS_REGION: &str = "us-east-1";

/// root-guard writes nothing; it only adds the account's name and OU path to the alert.
#[derive(Debug, Clone)]
pub struct RootResponder {
    org: aws_sdk_organizations::Client,
}

impl RootResponder {
    pub fn new(org: aws_sdk_organizations::Client) -> RootResponder {
        RootResponder { org }
    }
}

impl Remediator for RootResponder {
    async fn remediate(&self, decision: &Decision) -> Report {
        // root-activity plans no step (there is nothing driftguard may safely write); a
        // planned step here would be a bug in the core, reported rather than ignored.
        if decision.planned.is_empty() {
            Report::without_steps(Outcome::None)
        } else {
            let mut r = Report::without_steps(Outcome::Failed);
            r.error = Some(format!(
                "root-guard has no executor for {:?}; nothing was written",
                decision
                    .planned
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
            r
        }
    }

    async fn context(&self, decision: &Decision) -> Vec<(String, String)> {
        match &decision.subject.account {
            Some(account) => account_context(&self.org, account).await,
            None => Vec::new(),
        }
    }
}

/// The AWS clients root-guard runs with.
#[derive(Debug, Clone)]
pub struct Wiring {
    pub sns: aws_sdk_sns::Client,
    pub organizations: aws_sdk_organizations::Client,
}

impl Wiring {
    pub fn live(config: &SdkConfig) -> Wiring {
        Wiring {
            sns: aws_sdk_sns::Client::new(config),
            organizations: aws_sdk_organizations::Client::new(&in_region(
                config,
                ORGANIZATIONS_REGION,
            )),
        }
    }
}

pub fn pipeline(policy: Arc<Policy>, topic_arn: &str, wiring: Wiring) -> Pipeline<RootResponder> {
    Pipeline {
        function: FUNCTION_NAME.to_string(),
        guardrails: vec![GuardrailId::RootActivity],
        policy,
        alerts: AlertSink {
            sns: wiring.sns,
            topic_arn: topic_arn.to_string(),
        },
        remediator: RootResponder::new(wiring.organizations),
    }
}

/// Cold start: environment, policy, SDK config; built once, reused by warm invocations.
pub async fn from_env() -> Result<Pipeline<RootResponder>, StartupError> {
    let (env, policy, config) = cold_start().await?;
    Ok(pipeline(policy, &env.topic_arn, Wiring::live(&config)))
}
