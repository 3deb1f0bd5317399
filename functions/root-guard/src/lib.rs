//! root-guard: the `root-activity` guardrail.
//!
//! Root use has no automatic remediation: a root sign-in cannot be undone, and deleting root
//! credentials without a person deciding could lock an organization out of a break-glass
//! path. The function decides (pure core), looks up the account's name and OU path for the
//! alert (read-only Organizations calls with its own role: the Audit account is a delegated
//! administrator), and alerts with what a responder must do first.

use aws_config::SdkConfig;
use driftguard_aws::config::in_region;
use driftguard_aws::directory::AccountFacts;
use driftguard_aws::notify::SnsNotifier;
use driftguard_aws::pipeline::{NoRemediation, Pipeline, StartupError, cold_start};
use driftguard_core::Policy;
use std::sync::Arc;

pub const FUNCTION_NAME: &str = driftguard_core::catalog::ROOT_GUARD;
/// Organizations' API endpoint lives in us-east-1.
pub const ORGANIZATIONS_REGION: &str = "us-east-1";

/// root-guard's pipeline: nothing to remediate; alerts carry the account's name and OU path.
pub type RootPipeline = Pipeline<NoRemediation, SnsNotifier<AccountFacts>>;

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

pub fn pipeline(policy: Arc<Policy>, topic_arn: &str, wiring: Wiring) -> RootPipeline {
    Pipeline::new(
        FUNCTION_NAME,
        policy,
        NoRemediation,
        SnsNotifier {
            sns: wiring.sns,
            topic_arn: topic_arn.to_string(),
            facts: AccountFacts(wiring.organizations),
        },
    )
}

/// Cold start: environment, policy, SDK config; built once, reused by warm invocations.
pub async fn from_env() -> Result<RootPipeline, StartupError> {
    let (env, policy, config) = cold_start().await?;
    Ok(pipeline(policy, &env.topic_arn, Wiring::live(&config)))
}
