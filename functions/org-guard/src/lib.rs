//! org-guard: the `account-placement` and `scp-integrity` guardrails' remediation executor.
//!
//! Organizations writes (`MoveAccount`, `AttachPolicy`, ...) work only from the management
//! account, so every step runs through the remediation role there, in us-east-1. Each step
//! reads the current state first and writes only what deviates. OU paths in the policy are
//! resolved through the Organizations API (cached across warm invocations).

use aws_config::SdkConfig;
use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};
use driftguard_aws::notify::{Facts, SnsNotifier};
use driftguard_aws::pipeline::{Pipeline, Remediator, StartupError, cold_start};
use driftguard_aws::sessions::{AssumeRoleError, RoleSessions, SessionPolicy};
use driftguard_aws::steps::{all_skipped, run_steps};
use driftguard_core::event::Event;
use driftguard_core::guardrails::org::OrgAction;
use driftguard_core::guardrails::org::policy::{ParentRef, TargetRef};
use driftguard_core::ids::{AccountId, OuId, RootId};
use driftguard_core::model::GuardrailId;
use driftguard_core::outcome::{Report, StepStatus};
use driftguard_core::{Action, Decision, Policy};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub const FUNCTION_NAME: &str = driftguard_core::catalog::ORG_GUARD;
/// Organizations' API endpoint lives in us-east-1.
pub const ORGANIZATIONS_REGION: &str = "us-east-1";
const DIRECTORY_TTL: Duration = Duration::from_secs(600);

pub type OrganizationsFactory =
    Box<dyn Fn(&SdkConfig) -> aws_sdk_organizations::Client + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum RemediationError {
    #[error(transparent)]
    AssumeRole(#[from] AssumeRoleError),
    #[error("{api} failed: {reason}")]
    Api { api: &'static str, reason: String },
    #[error("the OU path `{0}` does not exist in the organization; fix the policy file")]
    UnknownPath(String),
    #[error("guardrail SCP {0} is not in the policy")]
    UnknownScp(String),
}

fn api_err<E>(api: &'static str, e: &aws_sdk_organizations::error::SdkError<E>) -> RemediationError
where
    E: std::error::Error + 'static,
{
    RemediationError::Api {
        api,
        reason: aws_sdk_organizations::error::DisplayErrorContext(e).to_string(),
    }
}

/// The organization's OU tree: path <-> id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    pub root_id: String,
    /// `Workloads/Production` -> `ou-...`
    pub paths: BTreeMap<String, String>,
    /// `ou-...` (and the root id) -> `Workloads/Production` (`Root` for the root)
    pub ids: BTreeMap<String, String>,
}

impl Directory {
    /// Read the whole OU tree (breadth first).
    pub async fn load(org: &aws_sdk_organizations::Client) -> Result<Directory, RemediationError> {
        let roots = org
            .list_roots()
            .send()
            .await
            .map_err(|e| api_err("organizations:ListRoots", &e))?;
        let root_id = roots
            .roots
            .unwrap_or_default()
            .into_iter()
            .find_map(|r| r.id)
            .ok_or_else(|| RemediationError::Api {
                api: "organizations:ListRoots",
                reason: "no root".into(),
            })?;
        let mut dir = Directory {
            root_id: root_id.clone(),
            ..Directory::default()
        };
        dir.ids.insert(root_id.clone(), "Root".into());
        let mut queue = vec![(root_id, String::new())];
        while let Some((parent, prefix)) = queue.pop() {
            let mut token = None;
            loop {
                let out = org
                    .list_organizational_units_for_parent()
                    .parent_id(&parent)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:ListOrganizationalUnitsForParent", &e))?;
                for ou in out.organizational_units.unwrap_or_default() {
                    if let (Some(id), Some(name)) = (ou.id, ou.name) {
                        let path = if prefix.is_empty() {
                            name
                        } else {
                            format!("{prefix}/{name}")
                        };
                        dir.paths.insert(path.clone(), id.clone());
                        dir.ids.insert(id.clone(), path.clone());
                        queue.push((id, path));
                    }
                }
                token = out.next_token;
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(dir)
    }

    pub fn id_of(&self, p: &ParentRef) -> Result<String, RemediationError> {
        match p {
            ParentRef::Root(id) => Ok(id.to_string()),
            ParentRef::Ou(id) => Ok(id.to_string()),
            ParentRef::Path(path) => self
                .paths
                .get(path)
                .cloned()
                .ok_or_else(|| RemediationError::UnknownPath(path.clone())),
        }
    }

    /// `Workloads/Production (ou-...)`, or the bare id when unknown.
    pub fn describe(&self, id: &str) -> String {
        match self.ids.get(id) {
            Some(path) => format!("{path} ({id})"),
            None => id.to_string(),
        }
    }
}

/// Runs org-guard steps from the management account.
pub struct OrgRemediator {
    /// The deployed policy with the current ids of guardrail SCPs found under their declared
    /// names (updated when a name is resolved again or org-guard recreates one).
    policy: Mutex<Arc<Policy>>,
    sessions: RoleSessions,
    make_client: OrganizationsFactory,
    directory: Mutex<Option<(Instant, Directory)>>,
    /// When the SCP names were last resolved (bounded: at most every SCP_RESOLVE_EVERY).
    scps_resolved: Mutex<Option<Instant>>,
}

/// The least time between two resolutions of guardrail SCP names triggered by events that
/// name an unknown policy id (each costs a ListPolicies).
const SCP_RESOLVE_EVERY: Duration = Duration::from_secs(30);

/// Guardrail SCPs whose declared id no longer exists but whose declared name does: declared
/// id -> the id found under the name. A declared id that still exists is never aliased.
pub async fn scp_aliases(
    org: &aws_sdk_organizations::Client,
    policy: &Policy,
) -> Result<BTreeMap<String, String>, RemediationError> {
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = org
            .list_policies()
            .filter(PolicyType::ServiceControlPolicy)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| api_err("organizations:ListPolicies", &e))?;
        for p in page.policies.unwrap_or_default() {
            if let (Some(id), Some(name)) = (p.id, p.name) {
                ids.push(id.clone());
                by_name.entry(name).or_insert(id);
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(policy
        .scps
        .iter()
        .filter(|d| !ids.iter().any(|id| d.id == *id))
        .filter_map(|d| {
            by_name
                .get(&d.name)
                .map(|current| (d.id.to_string(), current.clone()))
        })
        .collect())
}

/// The session of look-ups (the OU tree, names, facts for alerts): reads only.
fn reads_only() -> SessionPolicy {
    SessionPolicy::allow_all(&OrgAction::READS)
}

/// The policy id an Organizations SCP event names (DetachPolicy, DeletePolicy, UpdatePolicy).
fn scp_event_policy_id(event: &Event) -> Option<&str> {
    let Event::CloudTrail { record, .. } = event else {
        return None;
    };
    (driftguard_core::catalog::claims_call(
        GuardrailId::ScpIntegrity,
        record.source(),
        record.name(),
    ) && record.name() != "DisablePolicyType")
        .then(|| record.param_str("policyId"))
        .flatten()
}

impl std::fmt::Debug for OrgRemediator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgRemediator")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl OrgRemediator {
    pub fn new(
        policy: Arc<Policy>,
        sessions: RoleSessions,
        make_client: OrganizationsFactory,
    ) -> OrgRemediator {
        OrgRemediator {
            policy: Mutex::new(policy),
            sessions,
            make_client,
            directory: Mutex::new(None),
            scps_resolved: Mutex::new(None),
        }
    }

    /// The policy as org-guard knows it now (guardrail SCP aliases included).
    pub async fn policy(&self) -> Arc<Policy> {
        self.policy.lock().await.clone()
    }

    /// Remember where guardrail SCPs are now (declared id -> current id), in one update.
    async fn alias(&self, found: BTreeMap<String, String>) {
        if found.is_empty() {
            return;
        }
        let mut p = self.policy.lock().await;
        let mut aliases = p.scp_aliases.clone();
        aliases.extend(found);
        *p = Arc::new((**p).clone().with_scp_aliases(aliases));
    }

    async fn client(
        &self,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<aws_sdk_organizations::Client, RemediationError> {
        let cfg = self
            .sessions
            .config_for(
                self.policy().await.management_account.as_str(),
                ORGANIZATIONS_REGION,
                event_id,
                policy,
            )
            .await?;
        Ok((self.make_client)(&cfg))
    }

    async fn directory(
        &self,
        org: &aws_sdk_organizations::Client,
        fresh: bool,
    ) -> Result<Directory, RemediationError> {
        let mut cached = self.directory.lock().await;
        if let Some((at, dir)) = cached.as_ref()
            && !fresh
            && at.elapsed() < DIRECTORY_TTL
        {
            return Ok(dir.clone());
        }
        let dir = Directory::load(org).await?;
        *cached = Some((Instant::now(), dir.clone()));
        Ok(dir)
    }

    async fn run(
        &self,
        org: &aws_sdk_organizations::Client,
        action: &OrgAction,
    ) -> Result<(StepStatus, String), RemediationError> {
        let policy = self.policy().await;
        match action {
            OrgAction::MoveAccount { account, to } => {
                let dir = self.directory(org, true).await?;
                let dest = dir.id_of(to)?;
                let parents = org
                    .list_parents()
                    .child_id(account.as_str())
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:ListParents", &e))?;
                let current = parents
                    .parents
                    .unwrap_or_default()
                    .into_iter()
                    .find_map(|p| p.id)
                    .unwrap_or_default();
                if current == dest {
                    return Ok((
                        StepStatus::AlreadyCompliant,
                        format!("the account is already in {}", dir.describe(&dest)),
                    ));
                }
                let moved = org
                    .move_account()
                    .account_id(account.as_str())
                    .source_parent_id(&current)
                    .destination_parent_id(&dest)
                    .send()
                    .await;
                if let Err(e) = moved {
                    // A concurrent delivery of the same event may have moved it first.
                    let now = org
                        .list_parents()
                        .child_id(account.as_str())
                        .send()
                        .await
                        .ok()
                        .and_then(|p| p.parents.unwrap_or_default().into_iter().find_map(|p| p.id));
                    if now.as_deref() == Some(dest.as_str()) {
                        return Ok((
                            StepStatus::AlreadyCompliant,
                            format!("the account is already in {}", dir.describe(&dest)),
                        ));
                    }
                    return Err(api_err("organizations:MoveAccount", &e));
                }
                Ok((
                    StepStatus::Done,
                    format!(
                        "moved from {} to {}",
                        dir.describe(&current),
                        dir.describe(&dest)
                    ),
                ))
            }
            OrgAction::AttachPolicy { policy_id, target } => {
                let policy_id = policy_id.as_str();
                let decl = policy
                    .scp(policy_id)
                    .ok_or_else(|| RemediationError::UnknownScp(policy_id.to_string()))?;
                let dir = self.directory(org, false).await?;
                // The target as an id (the core may plan an OU path it could not resolve).
                let target_id = if OuId::is_valid(target)
                    || RootId::is_valid(target)
                    || AccountId::is_valid(target)
                {
                    target.clone()
                } else {
                    dir.id_of(&ParentRef::Path(target.clone()))?
                };
                let declared = decl.targets.iter().any(|t| match t {
                    TargetRef::Account(a) => *a == target_id,
                    TargetRef::Parent(p) => dir.id_of(p).is_ok_and(|id| id == target_id),
                });
                if !declared {
                    return Ok((
                        StepStatus::AlreadyCompliant,
                        format!(
                            "{} is not a declared target of {policy_id}: nothing to attach",
                            dir.describe(&target_id)
                        ),
                    ));
                }
                if self
                    .attached_targets(org, policy_id)
                    .await?
                    .contains(&target_id)
                {
                    return Ok((
                        StepStatus::AlreadyCompliant,
                        format!(
                            "{policy_id} is already attached to {}",
                            dir.describe(&target_id)
                        ),
                    ));
                }
                match org
                    .attach_policy()
                    .policy_id(policy_id)
                    .target_id(&target_id)
                    .send()
                    .await
                {
                    Ok(_) => {}
                    // A concurrent delivery of the same event attached it first.
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_duplicate_policy_attachment_exception()) =>
                    {
                        return Ok((
                            StepStatus::AlreadyCompliant,
                            format!(
                                "{policy_id} is already attached to {}",
                                dir.describe(&target_id)
                            ),
                        ));
                    }
                    Err(e) => return Err(api_err("organizations:AttachPolicy", &e)),
                }
                Ok((
                    StepStatus::Done,
                    format!("{policy_id} attached to {} again", dir.describe(&target_id)),
                ))
            }
            OrgAction::RestorePolicyContent { policy_id } => {
                let policy_id = policy_id.as_str();
                let decl = policy
                    .scp(policy_id)
                    .ok_or_else(|| RemediationError::UnknownScp(policy_id.to_string()))?;
                let out = org
                    .describe_policy()
                    .policy_id(policy_id)
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:DescribePolicy", &e))?;
                let current = out.policy.and_then(|p| p.content).unwrap_or_default();
                if decl.is_baseline(&current) {
                    return Ok((
                        StepStatus::AlreadyCompliant,
                        "the content already equals the baseline document".into(),
                    ));
                }
                org.update_policy()
                    .policy_id(policy_id)
                    .content(&decl.document_text)
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:UpdatePolicy", &e))?;
                Ok((
                    StepStatus::Done,
                    "content restored from the baseline document".into(),
                ))
            }
            OrgAction::RecreatePolicy { policy_id, name } => {
                self.recreate(org, policy_id.as_str(), name).await
            }
            OrgAction::EnablePolicyType {
                root_id,
                policy_type,
            } => {
                let root_id = root_id.as_str();
                let roots = org
                    .list_roots()
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:ListRoots", &e))?;
                let enabled = roots.roots.unwrap_or_default().iter().any(|r| {
                    r.id.as_deref() == Some(root_id)
                        && r.policy_types
                            .as_deref()
                            .unwrap_or_default()
                            .iter()
                            .any(|t| {
                                t.r#type.as_ref().map(PolicyType::as_str)
                                    == Some(policy_type.as_str())
                                    && t.status == Some(PolicyTypeStatus::Enabled)
                            })
                });
                if enabled {
                    return Ok((
                        StepStatus::AlreadyCompliant,
                        format!("{policy_type} is already enabled on {root_id}"),
                    ));
                }
                org.enable_policy_type()
                    .root_id(root_id)
                    .policy_type(PolicyType::from(policy_type.as_str()))
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:EnablePolicyType", &e))?;
                // Enabling is asynchronous: wait (bounded) so the attachments that follow work.
                for _ in 0..10 {
                    let roots = org
                        .list_roots()
                        .send()
                        .await
                        .map_err(|e| api_err("organizations:ListRoots", &e))?;
                    let now_enabled = roots.roots.unwrap_or_default().iter().any(|r| {
                        r.id.as_deref() == Some(root_id)
                            && r.policy_types
                                .as_deref()
                                .unwrap_or_default()
                                .iter()
                                .any(|t| {
                                    t.r#type.as_ref().map(PolicyType::as_str)
                                        == Some(policy_type.as_str())
                                        && t.status == Some(PolicyTypeStatus::Enabled)
                                })
                    });
                    if now_enabled {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Ok((
                    StepStatus::Done,
                    format!(
                        "{policy_type} enabled on {root_id}; re-attach guardrail SCPs if they were detached"
                    ),
                ))
            }
        }
    }

    async fn attached_targets(
        &self,
        org: &aws_sdk_organizations::Client,
        policy_id: &str,
    ) -> Result<Vec<String>, RemediationError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = org
                .list_targets_for_policy()
                .policy_id(policy_id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| api_err("organizations:ListTargetsForPolicy", &e))?;
            out.extend(
                page.targets
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|t| t.target_id),
            );
            token = page.next_token;
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    async fn recreate(
        &self,
        org: &aws_sdk_organizations::Client,
        policy_id: &str,
        name: &str,
    ) -> Result<(StepStatus, String), RemediationError> {
        let policy = self.policy().await;
        let decl = policy
            .scp(policy_id)
            .ok_or_else(|| RemediationError::UnknownScp(policy_id.to_string()))?;
        match org.describe_policy().policy_id(policy_id).send().await {
            Ok(_) => return Ok((StepStatus::AlreadyCompliant, format!("{policy_id} exists"))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_policy_not_found_exception()) => {}
            Err(e) => return Err(api_err("organizations:DescribePolicy", &e)),
        }
        // Someone may have recreated it by name already: reuse it, but only with the
        // baseline content (a same-named permissive SCP is not the guardrail).
        let mut token = None;
        let existing = loop {
            let page = org
                .list_policies()
                .filter(PolicyType::ServiceControlPolicy)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| api_err("organizations:ListPolicies", &e))?;
            let found = page
                .policies
                .unwrap_or_default()
                .into_iter()
                .find(|p| p.name.as_deref() == Some(name))
                .and_then(|p| p.id);
            token = page.next_token;
            if found.is_some() || token.is_none() {
                break found;
            }
        };
        let mut content_note = "";
        let new_id = match existing {
            Some(id) => {
                let current = org
                    .describe_policy()
                    .policy_id(&id)
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:DescribePolicy", &e))?
                    .policy
                    .and_then(|p| p.content)
                    .unwrap_or_default();
                if !decl.is_baseline(&current) {
                    org.update_policy()
                        .policy_id(&id)
                        .content(&decl.document_text)
                        .send()
                        .await
                        .map_err(|e| api_err("organizations:UpdatePolicy", &e))?;
                    content_note = " (an SCP of that name existed with other content: restored to the baseline)";
                }
                id
            }
            None => org
                .create_policy()
                .name(name)
                .description(decl.description.clone().unwrap_or_else(|| {
                    "driftguard guardrail SCP (recreated from its baseline)".into()
                }))
                .content(&decl.document_text)
                .r#type(PolicyType::ServiceControlPolicy)
                .send()
                .await
                .map_err(|e| api_err("organizations:CreatePolicy", &e))?
                .policy
                .and_then(|p| p.policy_summary)
                .and_then(|s| s.id)
                .ok_or_else(|| RemediationError::Api {
                    api: "organizations:CreatePolicy",
                    reason: "no policy id returned".into(),
                })?,
        };
        // Events on the recreated SCP name its new id: it stays guarded.
        self.alias(BTreeMap::from([(decl.id.to_string(), new_id.clone())]))
            .await;
        let dir = self.directory(org, true).await?;
        let attached = self.attached_targets(org, &new_id).await?;
        let mut done = Vec::new();
        for t in &decl.targets {
            let target = match t {
                TargetRef::Account(a) => a.to_string(),
                TargetRef::Parent(p) => dir.id_of(p)?,
            };
            if !attached.contains(&target) {
                org.attach_policy()
                    .policy_id(&new_id)
                    .target_id(&target)
                    .send()
                    .await
                    .map_err(|e| api_err("organizations:AttachPolicy", &e))?;
            }
            done.push(dir.describe(&target));
        }
        Ok((
            StepStatus::Done,
            format!(
                "recreated as {new_id}{content_note} and attached to {}; update scps.id in the policy file to {new_id}",
                done.join(", ")
            ),
        ))
    }
}

impl Remediator for OrgRemediator {
    type Step = OrgAction;

    fn step(action: &Action) -> Option<&OrgAction> {
        action.as_org()
    }

    /// The policy to decide with: guardrail SCPs known by their current ids. An SCP event
    /// naming an id the policy does not know may concern a guardrail SCP recreated under a
    /// new id: the declared names are resolved again first (at most every 30 s).
    async fn policy_for(&self, event: &Event, _base: &Arc<Policy>) -> Arc<Policy> {
        let current = self.policy().await;
        let Some(id) = scp_event_policy_id(event) else {
            return current;
        };
        if current.scps.is_empty() || current.scp(id).is_some() {
            return current;
        }
        {
            let mut last = self.scps_resolved.lock().await;
            if last.is_some_and(|at| at.elapsed() < SCP_RESOLVE_EVERY) {
                return current;
            }
            *last = Some(Instant::now());
        }
        let resolved = match self.client(Some("scp-names"), &reads_only()).await {
            Ok(org) => scp_aliases(&org, &current).await,
            Err(e) => Err(e),
        };
        match resolved {
            Ok(aliases) => self.alias(aliases).await,
            Err(e) => {
                tracing::warn!(error = %e, "cannot resolve guardrail SCP names now; deciding with the known ids")
            }
        }
        self.policy().await
    }

    async fn remediate(&self, decision: &Decision, steps: &[&OrgAction]) -> Report {
        let writes: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.permissions().iter().copied())
            .chain(OrgAction::READS)
            .collect();
        let policy = SessionPolicy::allow_all(&writes);
        let org = match self.client(decision.event_id.as_deref(), &policy).await {
            Ok(c) => c,
            Err(e) => {
                return all_skipped(
                    steps,
                    "not attempted: no session in the management account",
                    e.to_string(),
                );
            }
        };
        run_steps(steps, |action| self.run(&org, action)).await
    }
}

impl Facts for OrgRemediator {
    /// Account name and OU paths for the alert.
    async fn facts(&self, decision: &Decision) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Ok(org) = self
            .client(decision.event_id.as_deref(), &reads_only())
            .await
        else {
            return out;
        };
        let dir = self.directory(&org, false).await.ok();
        if decision.guardrail == Some(GuardrailId::AccountPlacement)
            && let Some(account) = &decision.subject.account
        {
            if let Ok(a) = org.describe_account().account_id(account).send().await
                && let Some(name) = a.account.and_then(|a| a.name)
            {
                out.push(("account name".into(), name));
            }
            if let Ok(p) = org.list_parents().child_id(account).send().await
                && let Some(id) = p.parents.unwrap_or_default().into_iter().find_map(|p| p.id)
            {
                let shown = dir.as_ref().map_or(id.clone(), |d| d.describe(&id));
                out.push(("current OU".into(), shown));
            }
            if let (Some(expected), Some(d)) =
                (self.policy().await.placement.expected(account), &dir)
                && let Ok(id) = d.id_of(expected)
            {
                out.push(("expected OU".into(), d.describe(&id)));
            }
        }
        if let Some(d) = &dir {
            // The OUs the planned re-attachments target.
            for a in &decision.planned {
                if let Some(OrgAction::AttachPolicy { target, .. }) = a.as_org()
                    && d.ids.contains_key(target)
                    && !out.iter().any(|(_, shown)| *shown == d.describe(target))
                {
                    out.push(("target OU".into(), d.describe(target)));
                }
            }
        }
        out
    }
}

/// The AWS clients org-guard runs with.
#[allow(missing_debug_implementations)] // holds a client factory closure
pub struct Wiring {
    pub config: SdkConfig,
    pub sns: aws_sdk_sns::Client,
    pub sts: aws_sdk_sts::Client,
    pub make_client: OrganizationsFactory,
}

impl Wiring {
    pub fn live(config: &SdkConfig) -> Wiring {
        Wiring {
            config: config.clone(),
            sns: aws_sdk_sns::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            make_client: Box::new(aws_sdk_organizations::Client::new),
        }
    }
}

/// Assemble the pipeline. OU paths in the policy are resolved first (best effort: if the
/// directory cannot be read now, decisions on path-based expectations stay conservative and
/// each step resolves again before writing).
/// org-guard's pipeline: the remediator also looks up the alert's facts (it holds the
/// management-account session and the OU tree).
pub type OrgPipeline = Pipeline<Arc<OrgRemediator>, SnsNotifier<Arc<OrgRemediator>>>;

pub async fn pipeline(policy: Policy, topic_arn: &str, wiring: Wiring) -> OrgPipeline {
    let sessions = RoleSessions::new(
        &wiring.config,
        wiring.sts,
        &policy.remediation_role,
        FUNCTION_NAME,
    );
    // One read-only session resolves what the policy names by path or name: OU paths to ids,
    // and guardrail SCPs recreated under a new id (found by their declared names). Best effort:
    // decisions on unresolved paths stay conservative, and names are resolved again when an
    // event names an unknown policy id.
    let mut policy = policy;
    let paths = !policy.ou_paths().is_empty();
    let names = !policy.scps.is_empty();
    if paths || names {
        let cfg = sessions
            .config_for(
                policy.management_account.as_str(),
                ORGANIZATIONS_REGION,
                Some("cold-start"),
                &reads_only(),
            )
            .await;
        match cfg {
            Ok(cfg) => {
                let org = (wiring.make_client)(&cfg);
                if paths {
                    match Directory::load(&org).await {
                        Ok(dir) => {
                            let resolved = policy
                                .ou_paths()
                                .into_iter()
                                .filter_map(|p| dir.paths.get(&p).map(|id| (p, id.clone())))
                                .collect();
                            policy = policy.with_resolved_paths(resolved);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot resolve OU paths now; they are resolved at remediation")
                        }
                    }
                }
                if names {
                    match scp_aliases(&org, &policy).await {
                        Ok(aliases) => policy = policy.with_scp_aliases(aliases),
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot resolve guardrail SCP names now; they are resolved again when an event names an unknown policy")
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "no session in the management account at cold start: OU paths and guardrail SCP names are resolved later")
            }
        }
    }
    let policy = Arc::new(policy);
    let remediator = Arc::new(OrgRemediator::new(
        policy.clone(),
        sessions,
        wiring.make_client,
    ));
    Pipeline::new(
        FUNCTION_NAME,
        policy,
        remediator.clone(),
        SnsNotifier {
            sns: wiring.sns,
            topic_arn: topic_arn.to_string(),
            facts: remediator,
        },
    )
}

/// Cold start: environment, policy, SDK config, OU paths; reused by warm invocations.
pub async fn from_env() -> Result<OrgPipeline, StartupError> {
    let (env, policy, config) = cold_start().await?;
    let policy = Arc::unwrap_or_clone(policy);
    Ok(pipeline(policy, &env.topic_arn, Wiring::live(&config)).await)
}
