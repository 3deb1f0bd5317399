//! guardduty-guard: the `guardduty-tampering` and `guardduty-finding` guardrails.
//!
//! Tampering is repaired where it happened: the detector in the affected account and region
//! (through the remediation role there), membership and the organization's auto-enable
//! setting from the GuardDuty administrator (its own credentials when the administrator is
//! the Audit account this function runs in, else the remediation role there). Every step
//! reads the current state first. Findings are alerted once per finding and severity band
//! (see [`ledger`]).

pub mod ledger;

use aws_config::SdkConfig;
use aws_sdk_guardduty::types::{AccountDetail, AutoEnableMembers, DetectorStatus};
use driftguard_aws::config::in_region;
use driftguard_aws::directory::{AccountFacts, account_email};
use driftguard_aws::notify::{Notice, Notifier, SnsNotifier};
use driftguard_aws::pipeline::{FunctionEnv, Pipeline, Remediator, StartupError, cold_start};
use driftguard_aws::sessions::{AssumeRoleError, RoleSessions, SessionPolicy};
use driftguard_aws::steps::run_steps;
use driftguard_core::alert::AlertContext;
use driftguard_core::guardrails::guardduty::GuardDutyAction;
use driftguard_core::guardrails::guardduty::policy::AutoEnable;
use driftguard_core::outcome::{Report, StepStatus};
use driftguard_core::{Action, Decision, Policy};
use ledger::{AlertGate, FindingLedger};
use std::sync::Arc;

pub const FUNCTION_NAME: &str = driftguard_core::catalog::GUARDDUTY_GUARD;
/// Organizations' API endpoint lives in us-east-1.
pub const ORGANIZATIONS_REGION: &str = "us-east-1";

pub type GuardDutyFactory = Box<dyn Fn(&SdkConfig) -> aws_sdk_guardduty::Client + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum RemediationError {
    #[error(transparent)]
    AssumeRole(#[from] AssumeRoleError),
    #[error("{api} failed: {reason}")]
    Api { api: &'static str, reason: String },
    #[error(
        "the GuardDuty administrator {0} has no detector in {1}: restore it first (a DeleteDetector there is remediated by its own event)"
    )]
    NoAdministratorDetector(String, String),
    #[error(
        "cannot re-add {account} as a GuardDuty member: {reason}. The Audit account needs organizations:DescribeAccount (it is a delegated administrator)"
    )]
    MemberEmail { account: String, reason: String },
    #[error("GuardDuty did not process {account}: {reason}")]
    Unprocessed { account: String, reason: String },
    #[error(
        "{account} was re-added but its membership is {status}, not Enabled: an account outside the organization must accept the administrator's invitation itself"
    )]
    NotEnabled { account: String, status: String },
}

fn api_err<E>(api: &'static str, e: &aws_sdk_guardduty::error::SdkError<E>) -> RemediationError
where
    E: std::error::Error + 'static,
{
    RemediationError::Api {
        api,
        reason: aws_sdk_guardduty::error::DisplayErrorContext(e).to_string(),
    }
}

/// Runs guardduty-guard steps.
pub struct GuardDutyRemediator {
    policy: Arc<Policy>,
    sessions: RoleSessions,
    /// This function's own configuration (the Audit account).
    config: SdkConfig,
    make_client: GuardDutyFactory,
    make_admin_client: GuardDutyFactory,
    organizations: aws_sdk_organizations::Client,
}

impl std::fmt::Debug for GuardDutyRemediator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardDutyRemediator")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl GuardDutyRemediator {
    /// A GuardDuty client acting in `account`/`region` (the detector's side).
    async fn client_in(
        &self,
        account: &str,
        region: &str,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<aws_sdk_guardduty::Client, RemediationError> {
        let cfg = self
            .sessions
            .config_for(account, region, event_id, policy)
            .await?;
        Ok((self.make_client)(&cfg))
    }

    /// A GuardDuty client acting as the administrator: this function's own credentials when
    /// the administrator is the Audit account it runs in.
    async fn admin_client(
        &self,
        administrator: &str,
        region: &str,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<aws_sdk_guardduty::Client, RemediationError> {
        let cfg = if self.policy.audit_account == administrator {
            in_region(&self.config, region)
        } else {
            self.sessions
                .config_for(administrator, region, event_id, policy)
                .await?
        };
        Ok((self.make_admin_client)(&cfg))
    }

    async fn run(
        &self,
        action: &GuardDutyAction,
        event_id: Option<&str>,
    ) -> Result<(StepStatus, String), RemediationError> {
        // The session may make this step's calls only.
        let policy = SessionPolicy::allow_all(action.permissions());
        let policy = &policy;
        match action {
            GuardDutyAction::CreateDetector { account, region } => {
                let gd = self
                    .client_in(account.as_str(), region.as_str(), event_id, policy)
                    .await?;
                ensure_detector(&gd, None).await
            }
            GuardDutyAction::EnableDetector {
                account,
                region,
                detector_id,
            } => {
                let gd = self
                    .client_in(account.as_str(), region.as_str(), event_id, policy)
                    .await?;
                ensure_detector(&gd, Some(detector_id)).await
            }
            GuardDutyAction::CreateMember {
                administrator,
                account,
                region,
            } => {
                let (administrator, region) = (administrator.as_str(), region.as_str());
                let gd = self
                    .admin_client(administrator, region, event_id, policy)
                    .await?;
                let detector = admin_detector(&gd, administrator, region).await?;
                self.ensure_member(&gd, &detector, account.as_str()).await
            }
            GuardDutyAction::RestoreAutoEnable {
                administrator,
                region,
                setting,
            } => {
                let (administrator, region) = (administrator.as_str(), region.as_str());
                let gd = self
                    .admin_client(administrator, region, event_id, policy)
                    .await?;
                let detector = admin_detector(&gd, administrator, region).await?;
                ensure_auto_enable(&gd, &detector, *setting).await
            }
        }
    }

    async fn ensure_member(
        &self,
        gd: &aws_sdk_guardduty::Client,
        detector: &str,
        account: &str,
    ) -> Result<(StepStatus, String), RemediationError> {
        let current = gd
            .get_members()
            .detector_id(detector)
            .account_ids(account)
            .send()
            .await
            .map_err(|e| api_err("guardduty:GetMembers", &e))?;
        let status = current
            .members
            .unwrap_or_default()
            .into_iter()
            .find(|m| m.account_id.as_deref() == Some(account))
            .and_then(|m| m.relationship_status);
        if status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Enabled"))
        {
            return Ok((
                StepStatus::AlreadyCompliant,
                format!("{account} is an enabled member"),
            ));
        }
        let email = account_email(&self.organizations, account)
            .await
            .map_err(|reason| RemediationError::MemberEmail {
                account: account.to_string(),
                reason,
            })?;
        let detail = AccountDetail::builder()
            .account_id(account)
            .email(email)
            .build();
        let out = gd
            .create_members()
            .detector_id(detector)
            .account_details(detail)
            .send()
            .await
            .map_err(|e| api_err("guardduty:CreateMembers", &e))?;
        if let Some(u) = out
            .unprocessed_accounts
            .unwrap_or_default()
            .into_iter()
            .find(|u| u.account_id.as_deref() == Some(account))
        {
            return Err(RemediationError::Unprocessed {
                account: account.to_string(),
                reason: u.result.unwrap_or_default(),
            });
        }
        // Organization accounts become Enabled at once; an invitation-based member would
        // stay Created until it accepts, which driftguard cannot do for it.
        let after = gd
            .get_members()
            .detector_id(detector)
            .account_ids(account)
            .send()
            .await
            .map_err(|e| api_err("guardduty:GetMembers", &e))?
            .members
            .unwrap_or_default()
            .into_iter()
            .find(|m| m.account_id.as_deref() == Some(account))
            .and_then(|m| m.relationship_status);
        if !after
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Enabled"))
        {
            return Err(RemediationError::NotEnabled {
                account: account.to_string(),
                status: after.unwrap_or_else(|| "not a member".into()),
            });
        }
        Ok((
            StepStatus::Done,
            format!(
                "re-added {account} as a member (was {})",
                status.as_deref().unwrap_or("not a member")
            ),
        ))
    }
}

/// The administrator's detector in this region.
async fn admin_detector(
    gd: &aws_sdk_guardduty::Client,
    administrator: &str,
    region: &str,
) -> Result<String, RemediationError> {
    let list = gd
        .list_detectors()
        .send()
        .await
        .map_err(|e| api_err("guardduty:ListDetectors", &e))?;
    list.detector_ids
        .unwrap_or_default()
        .into_iter()
        .next()
        .ok_or_else(|| {
            RemediationError::NoAdministratorDetector(administrator.to_string(), region.to_string())
        })
}

/// An enabled detector in the client's account and region: re-enable the one there (the
/// given id first), or create one.
async fn ensure_detector(
    gd: &aws_sdk_guardduty::Client,
    preferred: Option<&str>,
) -> Result<(StepStatus, String), RemediationError> {
    let list = gd
        .list_detectors()
        .send()
        .await
        .map_err(|e| api_err("guardduty:ListDetectors", &e))?;
    let ids = list.detector_ids.unwrap_or_default();
    let id = preferred
        .filter(|p| ids.iter().any(|i| i == *p))
        .map(str::to_string)
        .or_else(|| ids.into_iter().next());
    let Some(id) = id else {
        let created = gd
            .create_detector()
            .enable(true)
            .send()
            .await
            .map_err(|e| api_err("guardduty:CreateDetector", &e))?;
        return Ok((
            StepStatus::Done,
            format!(
                "created detector {}",
                created
                    .detector_id
                    .as_deref()
                    .unwrap_or("(id not returned)")
            ),
        ));
    };
    let current = gd
        .get_detector()
        .detector_id(&id)
        .send()
        .await
        .map_err(|e| api_err("guardduty:GetDetector", &e))?;
    if current.status == Some(DetectorStatus::Enabled) {
        return Ok((
            StepStatus::AlreadyCompliant,
            format!("detector {id} is enabled"),
        ));
    }
    gd.update_detector()
        .detector_id(&id)
        .enable(true)
        .send()
        .await
        .map_err(|e| api_err("guardduty:UpdateDetector", &e))?;
    Ok((StepStatus::Done, format!("enabled detector {id}")))
}

fn wanted(setting: AutoEnable) -> AutoEnableMembers {
    match setting {
        AutoEnable::All => AutoEnableMembers::All,
        AutoEnable::New => AutoEnableMembers::New,
    }
}

async fn ensure_auto_enable(
    gd: &aws_sdk_guardduty::Client,
    detector: &str,
    setting: AutoEnable,
) -> Result<(StepStatus, String), RemediationError> {
    let current = gd
        .describe_organization_configuration()
        .detector_id(detector)
        .send()
        .await
        .map_err(|e| api_err("guardduty:DescribeOrganizationConfiguration", &e))?;
    let want = wanted(setting);
    // ALL meets a policy that asks for NEW: never lower the organization's coverage.
    if setting.met_by(
        current
            .auto_enable_organization_members
            .as_ref()
            .map(AutoEnableMembers::as_str),
    ) {
        return Ok((
            StepStatus::AlreadyCompliant,
            format!(
                "auto-enable is {} (the policy asks for {})",
                current
                    .auto_enable_organization_members
                    .as_ref()
                    .map_or("unset", |a| a.as_str()),
                setting.as_str()
            ),
        ));
    }
    gd.update_organization_configuration()
        .detector_id(detector)
        .auto_enable_organization_members(want)
        .send()
        .await
        .map_err(|e| api_err("guardduty:UpdateOrganizationConfiguration", &e))?;
    Ok((
        StepStatus::Done,
        format!(
            "auto-enable set to {} (was {})",
            setting.as_str(),
            current
                .auto_enable_organization_members
                .as_ref()
                .map_or("unset", |a| a.as_str())
        ),
    ))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Remediator for GuardDutyRemediator {
    type Step = GuardDutyAction;

    fn step(action: &Action) -> Option<&GuardDutyAction> {
        action.as_guardduty()
    }

    async fn remediate(&self, decision: &Decision, steps: &[&GuardDutyAction]) -> Report {
        let event_id = decision.event_id.as_deref();
        run_steps(steps, |a| self.run(a, event_id)).await
    }
}

/// The notifier that pages a finding once per severity band: it claims the alert in the
/// finding ledger before the inner notifier publishes, and confirms or releases the claim
/// after (see [`ledger`]). Without a ledger every alert is sent.
#[derive(Debug)]
pub struct LedgerNotifier<N> {
    pub inner: N,
    pub ledger: Option<FindingLedger>,
}

impl<N: Notifier> Notifier for LedgerNotifier<N> {
    async fn notify(&self, decision: &Decision, report: &mut Report, ctx: &AlertContext) -> Notice {
        let Some(ledger) = &self.ledger else {
            return self.inner.notify(decision, report, ctx).await;
        };
        // Unique per claim: nanoseconds and the finding id.
        let token = format!(
            "{}-{}",
            chrono::Utc::now()
                .timestamp_nanos_opt()
                .unwrap_or_else(|| now().saturating_mul(1_000_000_000)),
            decision.event_id.as_deref().unwrap_or("no-id")
        );
        match ledger.claim(decision, now(), &token).await {
            AlertGate::Suppress { reason } => Notice::Suppressed(reason),
            AlertGate::Retry { reason } => Notice::InFlight(reason),
            AlertGate::Send { claim } => {
                let notice = self.inner.notify(decision, report, ctx).await;
                if let Some(claim) = &claim {
                    let published = matches!(notice, Notice::Sent(_));
                    ledger.done(claim, published, now()).await;
                }
                notice
            }
        }
    }
}

/// The AWS clients guardduty-guard runs with.
#[allow(missing_debug_implementations)] // holds a client factory closure
pub struct Wiring {
    pub config: SdkConfig,
    pub sns: aws_sdk_sns::Client,
    pub sts: aws_sdk_sts::Client,
    pub organizations: aws_sdk_organizations::Client,
    pub make_client: GuardDutyFactory,
    /// GuardDuty clients acting as the administrator (members, organization configuration).
    pub make_admin_client: GuardDutyFactory,
    /// The finding ledger; `None` disables deduplication (tests of other paths only:
    /// `from_env` requires the table).
    pub ledger: Option<FindingLedger>,
}

impl Wiring {
    pub fn live(config: &SdkConfig, findings_table: Option<&str>) -> Wiring {
        Wiring {
            config: config.clone(),
            sns: aws_sdk_sns::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            organizations: aws_sdk_organizations::Client::new(&in_region(
                config,
                ORGANIZATIONS_REGION,
            )),
            make_client: Box::new(aws_sdk_guardduty::Client::new),
            make_admin_client: Box::new(aws_sdk_guardduty::Client::new),
            ledger: findings_table.map(|t| FindingLedger {
                client: aws_sdk_dynamodb::Client::new(config),
                table: t.to_string(),
            }),
        }
    }
}

/// guardduty-guard's pipeline.
pub type GuardDutyPipeline =
    Pipeline<GuardDutyRemediator, LedgerNotifier<SnsNotifier<AccountFacts>>>;

pub fn pipeline(policy: Arc<Policy>, topic_arn: &str, wiring: Wiring) -> GuardDutyPipeline {
    let sessions = RoleSessions::new(
        &wiring.config,
        wiring.sts,
        &policy.remediation_role,
        FUNCTION_NAME,
    );
    Pipeline::new(
        FUNCTION_NAME,
        policy.clone(),
        GuardDutyRemediator {
            policy,
            sessions,
            config: wiring.config,
            make_client: wiring.make_client,
            make_admin_client: wiring.make_admin_client,
            organizations: wiring.organizations.clone(),
        },
        LedgerNotifier {
            inner: SnsNotifier {
                sns: wiring.sns,
                topic_arn: topic_arn.to_string(),
                facts: AccountFacts(wiring.organizations),
            },
            ledger: wiring.ledger,
        },
    )
}

/// Cold start: environment, policy, SDK config; built once, reused by warm invocations.
pub async fn from_env() -> Result<GuardDutyPipeline, StartupError> {
    let table = FunctionEnv::require(
        "DRIFTGUARD_FINDINGS_TABLE",
        "the DynamoDB table that deduplicates finding alerts (the audit module creates it and sets it)",
    )?;
    let (env, policy, config) = cold_start().await?;
    Ok(pipeline(
        policy,
        &env.topic_arn,
        Wiring::live(&config, Some(&table)),
    ))
}
