//! trail-guard: the `trail-tampering` guardrail's remediation executor and wiring.
//!
//! The decision and the plan of what to write are made by the pure core
//! (`driftguard_core::guardrails::trail`); this crate reads the trail's state in its account
//! and region through the remediation role, asks the core for the patch, translates it into
//! SDK calls, and wires the shared pipeline for the Lambda binary.

use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
};
use driftguard_aws::notify::{NoFacts, SnsNotifier};
use driftguard_aws::pipeline::{Pipeline, Remediator, StartupError, cold_start};
use driftguard_aws::sessions::{AssumeRoleError, RoleSessions, SessionPolicy};
use driftguard_aws::steps::run_steps;
use driftguard_core::guardrails::trail::baseline::{
    AdvancedSelector, BasicSelector, FieldSelector, TrailSettings, management_coverage,
};
use driftguard_core::guardrails::trail::plan::{
    self, MANAGEMENT_SELECTOR_NAME, SelectorRestore, TrailSettingsPatch,
};
use driftguard_core::guardrails::trail::policy::TrailDecl;
use driftguard_core::guardrails::trail::{TrailAction, TrailRef};
use driftguard_core::outcome::{Report, StepStatus};
use driftguard_core::{Action, Decision, Policy};
use std::sync::Arc;

pub const FUNCTION_NAME: &str = driftguard_core::catalog::TRAIL_GUARD;

/// Builds a CloudTrail client from an (assumed-role, regional) SDK config. The Lambda uses
/// [`aws_sdk_cloudtrail::Client::new`]; tests may substitute a mock.
pub type CloudTrailFactory = Box<dyn Fn(&SdkConfig) -> aws_sdk_cloudtrail::Client + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum RemediationError {
    #[error(transparent)]
    AssumeRole(#[from] AssumeRoleError),
    #[error("{api} on {trail} failed: {reason}")]
    Api {
        api: &'static str,
        trail: String,
        reason: String,
    },
    #[error(
        "{trail} does not exist, so it cannot be {what}; declare it under [[trail.trails]] in the policy to have it recreated"
    )]
    Missing { trail: String, what: &'static str },
    #[error(
        "{trail} is not declared in the policy, so there is no {what} to restore; declare it under [[trail.trails]] or fix it by hand"
    )]
    NotDeclared { trail: String, what: &'static str },
}

fn api_err<E>(
    api: &'static str,
    trail: &TrailRef,
    e: &aws_sdk_cloudtrail::error::SdkError<E>,
) -> RemediationError
where
    E: std::error::Error + 'static,
{
    RemediationError::Api {
        api,
        trail: trail.to_string(),
        reason: aws_sdk_cloudtrail::error::DisplayErrorContext(e).to_string(),
    }
}

/// Runs trail remediation steps.
pub struct TrailRemediator {
    policy: Arc<Policy>,
    sessions: RoleSessions,
    make_client: CloudTrailFactory,
}

impl std::fmt::Debug for TrailRemediator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrailRemediator")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl TrailRemediator {
    pub fn new(
        policy: Arc<Policy>,
        sessions: RoleSessions,
        make_client: CloudTrailFactory,
    ) -> TrailRemediator {
        TrailRemediator {
            policy,
            sessions,
            make_client,
        }
    }

    async fn client(
        &self,
        trail: &TrailRef,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<aws_sdk_cloudtrail::Client, RemediationError> {
        let cfg = self
            .sessions
            .config_for(
                trail.account.as_str(),
                trail.region.as_str(),
                event_id,
                policy,
            )
            .await?;
        Ok((self.make_client)(&cfg))
    }

    /// The session the plan's steps share: their reads and writes on their trails only, and
    /// `iam:PassRole` of a declared CloudWatch Logs role when a step may set it.
    pub fn session_policy(&self, steps: &[&TrailAction]) -> SessionPolicy {
        let partition = self.sessions.partition();
        let actions: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.permissions().iter().copied())
            .collect();
        let mut trails: Vec<String> = steps.iter().map(|s| s.resource(partition)).collect();
        trails.sort();
        trails.dedup();
        let mut statements = vec![(actions, trails)];
        let pass: Vec<String> = steps
            .iter()
            .filter(|s| {
                matches!(
                    s,
                    TrailAction::RecreateTrail { .. } | TrailAction::RestoreTrailSettings { .. }
                )
            })
            .filter_map(|s| self.decl(s.trail()))
            .filter_map(|d| d.cloudwatch_logs_role_arn.clone())
            .collect();
        if !pass.is_empty() {
            statements.push((vec!["iam:PassRole"], pass));
        }
        SessionPolicy::allow(&statements)
    }

    fn decl(&self, t: &TrailRef) -> Option<&TrailDecl> {
        self.policy
            .trail
            .find(&t.name, Some(t.account.as_str()), Some(t.region.as_str()))
    }

    async fn run(
        &self,
        action: &TrailAction,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<(StepStatus, String), RemediationError> {
        let ct = self.client(action.trail(), event_id, policy).await?;
        match action {
            TrailAction::StartLogging { trail } => self.start_logging(&ct, trail).await,
            TrailAction::RecreateTrail { trail } => self.recreate(&ct, trail).await,
            TrailAction::RestoreTrailSettings { trail } => self.restore_settings(&ct, trail).await,
            TrailAction::RestoreEventSelectors { trail } => {
                self.restore_selectors(&ct, trail).await
            }
        }
    }

    async fn start_logging(
        &self,
        ct: &aws_sdk_cloudtrail::Client,
        t: &TrailRef,
    ) -> Result<(StepStatus, String), RemediationError> {
        let status = ct
            .get_trail_status()
            .name(&t.name)
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error()
                    .is_some_and(|s| s.is_trail_not_found_exception())
                {
                    RemediationError::Missing {
                        trail: t.to_string(),
                        what: "restarted",
                    }
                } else {
                    api_err("cloudtrail:GetTrailStatus", t, &e)
                }
            })?;
        if status.is_logging == Some(true) {
            return Ok((
                StepStatus::AlreadyCompliant,
                "the trail is already logging".into(),
            ));
        }
        ct.start_logging()
            .name(&t.name)
            .send()
            .await
            .map_err(|e| api_err("cloudtrail:StartLogging", t, &e))?;
        Ok((StepStatus::Done, "logging started".into()))
    }

    async fn recreate(
        &self,
        ct: &aws_sdk_cloudtrail::Client,
        t: &TrailRef,
    ) -> Result<(StepStatus, String), RemediationError> {
        match ct.get_trail().name(&t.name).send().await {
            Ok(out) if out.trail.is_some() => {
                return Ok((
                    StepStatus::AlreadyCompliant,
                    "the trail exists again; its settings are checked separately".into(),
                ));
            }
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_trail_not_found_exception()) => {}
            Err(e) => return Err(api_err("cloudtrail:GetTrail", t, &e)),
        }
        let d = self.decl(t).ok_or_else(|| RemediationError::NotDeclared {
            trail: t.to_string(),
            what: "declaration",
        })?;
        let spec = plan::create_spec(&self.policy, d);
        let created = ct
            .create_trail()
            .name(&spec.name)
            .s3_bucket_name(&spec.s3_bucket)
            .set_s3_key_prefix(spec.s3_key_prefix.clone())
            .is_multi_region_trail(spec.multi_region)
            .include_global_service_events(spec.include_global_service_events)
            .enable_log_file_validation(spec.log_file_validation)
            .set_kms_key_id(spec.kms_key_id.clone())
            .set_cloud_watch_logs_log_group_arn(spec.cloudwatch_logs_log_group_arn.clone())
            .set_cloud_watch_logs_role_arn(spec.cloudwatch_logs_role_arn.clone())
            .set_sns_topic_name(spec.sns_topic_name.clone())
            .is_organization_trail(spec.organization_trail)
            .send()
            .await;
        match created {
            Ok(_) => {}
            // A concurrent delivery of the same event recreated it first.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_trail_already_exists_exception()) =>
            {
                return Ok((
                    StepStatus::AlreadyCompliant,
                    "the trail exists again".into(),
                ));
            }
            Err(e) => return Err(api_err("cloudtrail:CreateTrail", t, &e)),
        }
        Ok((
            StepStatus::Done,
            format!("trail recreated from the policy (bucket {})", d.s3_bucket),
        ))
    }

    async fn restore_settings(
        &self,
        ct: &aws_sdk_cloudtrail::Client,
        t: &TrailRef,
    ) -> Result<(StepStatus, String), RemediationError> {
        let out = ct.get_trail().name(&t.name).send().await.map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_trail_not_found_exception())
            {
                RemediationError::Missing {
                    trail: t.to_string(),
                    what: "restored",
                }
            } else {
                api_err("cloudtrail:GetTrail", t, &e)
            }
        })?;
        let trail = out.trail.ok_or_else(|| RemediationError::Missing {
            trail: t.to_string(),
            what: "restored",
        })?;
        let settings = TrailSettings {
            multi_region: trail.is_multi_region_trail,
            log_file_validation: trail.log_file_validation_enabled,
            include_global_service_events: trail.include_global_service_events,
            s3_bucket: trail.s3_bucket_name.clone(),
            kms_key_id: Some(trail.kms_key_id.clone().unwrap_or_default()),
            cloudwatch_logs_log_group_arn: Some(
                trail
                    .cloud_watch_logs_log_group_arn
                    .clone()
                    .unwrap_or_default(),
            ),
            sns_topic: Some(trail.sns_topic_arn.clone().unwrap_or_default()),
            organization_trail: trail.is_organization_trail,
        };
        let patch = plan::settings_patch(&self.policy, self.decl(t), &settings).map_err(|e| {
            RemediationError::NotDeclared {
                trail: t.to_string(),
                what: e.what,
            }
        })?;
        let Some(patch) = patch else {
            return Ok((
                StepStatus::AlreadyCompliant,
                "the trail's settings already meet the baseline".into(),
            ));
        };
        apply_patch(ct.update_trail().name(&t.name), &patch)
            .send()
            .await
            .map_err(|e| api_err("cloudtrail:UpdateTrail", t, &e))?;
        Ok((StepStatus::Done, format!("restored: {}", patch.describe())))
    }

    async fn restore_selectors(
        &self,
        ct: &aws_sdk_cloudtrail::Client,
        t: &TrailRef,
    ) -> Result<(StepStatus, String), RemediationError> {
        let out = ct
            .get_event_selectors()
            .trail_name(&t.name)
            .send()
            .await
            .map_err(|e| api_err("cloudtrail:GetEventSelectors", t, &e))?;
        let basic_now = out.event_selectors.unwrap_or_default();
        let adv_now = out.advanced_event_selectors.unwrap_or_default();
        let cov = management_coverage(
            &basic_now.iter().map(basic_model).collect::<Vec<_>>(),
            &adv_now.iter().map(advanced_model).collect::<Vec<_>>(),
        );
        if cov.complete() {
            return Ok((
                StepStatus::AlreadyCompliant,
                "all management events are already logged".into(),
            ));
        }
        let gaps = cov.describe().join("; ");
        let adv_model: Vec<AdvancedSelector> = adv_now.iter().map(advanced_model).collect();
        let req = ct.put_event_selectors().trail_name(&t.name);
        let req = match plan::selector_restore(basic_now.len(), &adv_model) {
            SelectorRestore::ReplaceAdvancedManagement { drop } => {
                let sels =
                    restore_advanced(adv_now, &drop).map_err(|reason| RemediationError::Api {
                        api: "cloudtrail:PutEventSelectors",
                        trail: t.to_string(),
                        reason,
                    })?;
                req.set_advanced_event_selectors(Some(sels))
            }
            restore => req.set_event_selectors(Some(restore_basic(basic_now, &restore))),
        };
        req.send()
            .await
            .map_err(|e| api_err("cloudtrail:PutEventSelectors", t, &e))?;
        Ok((
            StepStatus::Done,
            format!("all management events logged again (was: {gaps}); data selectors kept"),
        ))
    }
}

/// The settings patch the core planned, as an `UpdateTrail` request.
fn apply_patch(
    mut req: aws_sdk_cloudtrail::operation::update_trail::builders::UpdateTrailFluentBuilder,
    p: &TrailSettingsPatch,
) -> aws_sdk_cloudtrail::operation::update_trail::builders::UpdateTrailFluentBuilder {
    req = req
        .set_is_multi_region_trail(p.multi_region)
        .set_include_global_service_events(p.include_global_service_events)
        .set_enable_log_file_validation(p.log_file_validation)
        .set_kms_key_id(p.kms_key_id.clone())
        .set_is_organization_trail(p.organization_trail);
    if let Some((bucket, prefix)) = &p.s3 {
        req = req.s3_bucket_name(bucket).set_s3_key_prefix(prefix.clone());
    }
    if let Some((group, role)) = &p.cloudwatch_logs {
        req = req
            .set_cloud_watch_logs_log_group_arn(group.clone())
            .set_cloud_watch_logs_role_arn(role.clone());
    }
    if let Some(topic) = &p.sns_topic_name {
        req = req.set_sns_topic_name(topic.clone());
    }
    req
}

fn basic_model(s: &EventSelector) -> BasicSelector {
    BasicSelector {
        read_write_type: s.read_write_type.as_ref().map(|r| r.as_str().to_string()),
        include_management_events: s.include_management_events,
        exclude_management_event_sources: s
            .exclude_management_event_sources
            .clone()
            .unwrap_or_default(),
    }
}

fn advanced_model(s: &AdvancedEventSelector) -> AdvancedSelector {
    AdvancedSelector {
        field_selectors: s
            .field_selectors
            .iter()
            .map(|f| FieldSelector {
                field: f.field.clone(),
                equals: f.equals.clone().unwrap_or_default(),
                not_equals: f.not_equals.clone().unwrap_or_default(),
                other_operators: [
                    &f.starts_with,
                    &f.not_starts_with,
                    &f.ends_with,
                    &f.not_ends_with,
                ]
                .iter()
                .any(|o| o.as_ref().is_some_and(|v| !v.is_empty())),
            })
            .collect(),
    }
}

/// Basic selectors, as the core's [`SelectorRestore`] says: every selector and its data
/// resources kept; one all-management selector appended, or (at the limit) the first one
/// widened to all management events.
fn restore_basic(mut current: Vec<EventSelector>, how: &SelectorRestore) -> Vec<EventSelector> {
    match how {
        SelectorRestore::AppendBasic => current.push(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .build(),
        ),
        SelectorRestore::WidenFirstBasic => {
            if let Some(first) = current.first_mut() {
                first.read_write_type = Some(ReadWriteType::All);
                first.include_management_events = Some(true);
                first.exclude_management_event_sources = None;
            }
        }
        SelectorRestore::ReplaceAdvancedManagement { .. } => {}
    }
    current
}

/// Advanced selectors: drop the management selectors the core named (partial ones are what
/// broke coverage) and add one that logs all management events; every data selector is kept.
fn restore_advanced(
    current: Vec<AdvancedEventSelector>,
    drop: &[usize],
) -> Result<Vec<AdvancedEventSelector>, String> {
    let mut out: Vec<AdvancedEventSelector> = current
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, s)| s)
        .collect();
    let field = AdvancedFieldSelector::builder()
        .field("eventCategory")
        .equals("Management")
        .build()
        .map_err(|e| e.to_string())?;
    let sel = AdvancedEventSelector::builder()
        .name(MANAGEMENT_SELECTOR_NAME)
        .field_selectors(field)
        .build()
        .map_err(|e| e.to_string())?;
    out.push(sel);
    Ok(out)
}

impl Remediator for TrailRemediator {
    type Step = TrailAction;

    fn step(action: &Action) -> Option<&TrailAction> {
        action.as_trail()
    }

    async fn remediate(&self, decision: &Decision, steps: &[&TrailAction]) -> Report {
        let event_id = decision.event_id.as_deref();
        let policy = self.session_policy(steps);
        run_steps(steps, |action| self.run(action, event_id, &policy)).await
    }
}

/// The AWS clients and settings trail-guard runs with.
#[allow(missing_debug_implementations)] // holds a client factory closure
pub struct Wiring {
    pub config: SdkConfig,
    pub sns: aws_sdk_sns::Client,
    pub sts: aws_sdk_sts::Client,
    pub make_client: CloudTrailFactory,
}

impl Wiring {
    /// Live clients from one SDK config.
    pub fn live(config: &SdkConfig) -> Wiring {
        Wiring {
            config: config.clone(),
            sns: aws_sdk_sns::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            make_client: Box::new(aws_sdk_cloudtrail::Client::new),
        }
    }
}

/// trail-guard's pipeline.
pub type TrailPipeline = Pipeline<TrailRemediator, SnsNotifier<NoFacts>>;

/// Assemble the pipeline.
pub fn pipeline(policy: Arc<Policy>, topic_arn: &str, wiring: Wiring) -> TrailPipeline {
    let sessions = RoleSessions::new(
        &wiring.config,
        wiring.sts,
        &policy.remediation_role,
        FUNCTION_NAME,
    );
    Pipeline::new(
        FUNCTION_NAME,
        policy.clone(),
        TrailRemediator::new(policy, sessions, wiring.make_client),
        SnsNotifier {
            sns: wiring.sns,
            topic_arn: topic_arn.to_string(),
            facts: NoFacts,
        },
    )
}

/// Cold start: environment, policy, SDK config; built once, reused by warm invocations.
pub async fn from_env() -> Result<TrailPipeline, StartupError> {
    let (env, policy, config) = cold_start().await?;
    Ok(pipeline(policy, &env.topic_arn, Wiring::live(&config)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::DataResource;

    fn data_selector(i: usize) -> EventSelector {
        EventSelector::builder()
            .read_write_type(ReadWriteType::ReadOnly)
            .include_management_events(false)
            .data_resources(
                DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values(format!("arn:aws:s3:::bucket-{i}/"))
                    .build(),
            )
            .build()
    }

    fn coverage_basic(sels: &[EventSelector]) -> bool {
        management_coverage(&sels.iter().map(basic_model).collect::<Vec<_>>(), &[]).complete()
    }

    #[test]
    fn basic_restore_keeps_every_data_selector_even_at_the_limit() {
        let four: Vec<_> = (0..4).map(data_selector).collect();
        let out = restore_basic(four, &plan::selector_restore(4, &[]));
        assert_eq!(out.len(), 5);
        assert!(coverage_basic(&out));
        assert_eq!(out.iter().filter(|s| s.data_resources.is_some()).count(), 4);

        let five: Vec<_> = (0..5).map(data_selector).collect();
        let out = restore_basic(five, &plan::selector_restore(5, &[]));
        assert_eq!(out.len(), 5, "no selector is dropped at the limit");
        assert!(coverage_basic(&out));
        assert_eq!(out.iter().filter(|s| s.data_resources.is_some()).count(), 5);
    }

    #[test]
    fn advanced_restore_replaces_partial_management_and_keeps_all_data_selectors()
    -> Result<(), Box<dyn std::error::Error>> {
        let field = |f: &str, v: &str| AdvancedFieldSelector::builder().field(f).equals(v).build();
        let mut current = Vec::new();
        for i in 0..6 {
            current.push(
                AdvancedEventSelector::builder()
                    .name(format!("data-{i}"))
                    .field_selectors(field("eventCategory", "Data")?)
                    .field_selectors(field("resources.type", "AWS::S3::Object")?)
                    .build()?,
            );
        }
        current.push(
            AdvancedEventSelector::builder()
                .name("reads only")
                .field_selectors(field("eventCategory", "Management")?)
                .field_selectors(field("readOnly", "true")?)
                .build()?,
        );
        let model: Vec<AdvancedSelector> = current.iter().map(advanced_model).collect();
        let SelectorRestore::ReplaceAdvancedManagement { drop } = plan::selector_restore(0, &model)
        else {
            return Err("advanced selectors need an advanced restore".into());
        };
        let out = restore_advanced(current, &drop)?;
        assert_eq!(out.len(), 7);
        assert_eq!(
            out.iter()
                .filter(|s| s.name.as_deref().is_some_and(|n| n.starts_with("data-")))
                .count(),
            6
        );
        assert!(
            management_coverage(&[], &out.iter().map(advanced_model).collect::<Vec<_>>())
                .complete()
        );
        Ok(())
    }
}
