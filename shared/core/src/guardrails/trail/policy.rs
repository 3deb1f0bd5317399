//! `[trail]`: the trail baseline and the trails driftguard governs.

use crate::ids::{AccountId, Region};
use crate::policy::PolicyError;
use crate::policy::fields::{Ctx, account_id, bucket, region};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What the trail baseline requires and which trails driftguard governs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrailPolicy {
    pub scope: TrailScope,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub include_global_service_events: bool,
    /// Buckets a governed trail may deliver to (declared trails' buckets included); empty: any.
    pub allowed_buckets: Vec<String>,
    pub require_kms: bool,
    pub require_cloudwatch_logs: bool,
    pub require_sns: bool,
    pub trails: Vec<TrailDecl>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrailScope {
    /// Only trails declared under `[[trail.trails]]` are governed.
    Declared,
    /// Every trail in every governed account and region is held to the baseline; only
    /// declared trails can be recreated after deletion.
    All,
}

/// A trail the policy declares: it must exist, meet the baseline, and is recreated if deleted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrailDecl {
    pub name: String,
    /// Home account; `None`: a trail of this name in every account.
    pub account: Option<AccountId>,
    /// Home region; `None`: any region.
    pub region: Option<Region>,
    pub s3_bucket: String,
    pub s3_key_prefix: Option<String>,
    pub kms_key_id: Option<String>,
    pub cloudwatch_logs_log_group_arn: Option<String>,
    pub cloudwatch_logs_role_arn: Option<String>,
    pub sns_topic_name: Option<String>,
    pub is_organization_trail: bool,
}

impl TrailDecl {
    pub fn matches(&self, name: &str, account: Option<&str>, region: Option<&str>) -> bool {
        self.name == name
            && opt_matches(self.account.as_ref().map(AccountId::as_str), account)
            && opt_matches(self.region.as_ref().map(Region::as_str), region)
    }
}

fn opt_matches(declared: Option<&str>, seen: Option<&str>) -> bool {
    match (declared, seen) {
        (Some(d), Some(s)) => d == s,
        _ => true,
    }
}

impl TrailPolicy {
    pub fn find(
        &self,
        name: &str,
        account: Option<&str>,
        region: Option<&str>,
    ) -> Option<&TrailDecl> {
        self.trails
            .iter()
            .find(|t| t.matches(name, account, region))
    }

    pub fn bucket_allowed(&self, bucket: &str) -> bool {
        self.allowed_buckets.is_empty() || self.allowed_buckets.iter().any(|b| b == bucket)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrail {
    #[serde(default = "scope_default")]
    scope: TrailScope,
    #[serde(default = "yes")]
    multi_region: bool,
    #[serde(default = "yes")]
    log_file_validation: bool,
    #[serde(default = "yes")]
    include_global_service_events: bool,
    #[serde(default)]
    allowed_buckets: Vec<Spanned<String>>,
    #[serde(default)]
    require_kms: bool,
    #[serde(default)]
    require_cloudwatch_logs: bool,
    #[serde(default)]
    require_sns: bool,
    #[serde(default)]
    trails: Vec<RawTrailDecl>,
}

fn yes() -> bool {
    true
}
fn scope_default() -> TrailScope {
    TrailScope::Declared
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrailDecl {
    name: Spanned<String>,
    #[serde(default)]
    account: Option<Spanned<toml::Value>>,
    #[serde(default)]
    region: Option<Spanned<String>>,
    s3_bucket: Spanned<String>,
    #[serde(default)]
    s3_key_prefix: Option<String>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    cloudwatch_logs_log_group_arn: Option<String>,
    #[serde(default)]
    cloudwatch_logs_role_arn: Option<String>,
    #[serde(default)]
    sns_topic_name: Option<String>,
    #[serde(default)]
    is_organization_trail: bool,
}

/// `[trail]`, validated; its defaults when the section is absent.
pub(crate) fn validate(ctx: &Ctx<'_>, raw: Option<RawTrail>) -> Result<TrailPolicy, PolicyError> {
    let raw = raw.unwrap_or(RawTrail {
        scope: TrailScope::Declared,
        multi_region: true,
        log_file_validation: true,
        include_global_service_events: true,
        allowed_buckets: vec![],
        require_kms: false,
        require_cloudwatch_logs: false,
        require_sns: false,
        trails: vec![],
    });
    let mut allowed_buckets = Vec::new();
    for (i, b) in raw.allowed_buckets.iter().enumerate() {
        allowed_buckets.push(bucket(ctx, &format!("trail.allowed_buckets[{i}]"), b)?);
    }
    let mut trails: Vec<TrailDecl> = Vec::new();
    for (i, t) in raw.trails.into_iter().enumerate() {
        let key = format!("trail.trails[{i}]");
        let name = t.name.get_ref();
        if name.is_empty() || name.len() > 128 || name.starts_with("arn:") {
            return Err(ctx.err(
                format!("{key}.name"),
                Some(&t.name.span()),
                "must be a bare trail name (3-128 characters), not an ARN",
            ));
        }
        let account = match &t.account {
            Some(a) => Some(account_id(ctx, &format!("{key}.account"), a)?),
            None => None,
        };
        let region = match &t.region {
            Some(r) => Some(region(ctx, &format!("{key}.region"), r)?),
            None => None,
        };
        let s3_bucket = bucket(ctx, &format!("{key}.s3_bucket"), &t.s3_bucket)?;
        if raw.require_kms && t.kms_key_id.is_none() {
            return Err(ctx.err(
                format!("{key}.kms_key_id"),
                Some(&t.name.span()),
                "trail.require_kms is true, so every declared trail needs kms_key_id",
            ));
        }
        if raw.require_cloudwatch_logs
            && (t.cloudwatch_logs_log_group_arn.is_none() || t.cloudwatch_logs_role_arn.is_none())
        {
            return Err(ctx.err(
                format!("{key}.cloudwatch_logs_log_group_arn"),
                Some(&t.name.span()),
                "trail.require_cloudwatch_logs is true, so every declared trail needs cloudwatch_logs_log_group_arn and cloudwatch_logs_role_arn",
            ));
        }
        if raw.require_sns && t.sns_topic_name.is_none() {
            return Err(ctx.err(
                format!("{key}.sns_topic_name"),
                Some(&t.name.span()),
                "trail.require_sns is true, so every declared trail needs sns_topic_name",
            ));
        }
        let decl = TrailDecl {
            name: name.clone(),
            account,
            region,
            s3_bucket,
            s3_key_prefix: t.s3_key_prefix,
            kms_key_id: t.kms_key_id,
            cloudwatch_logs_log_group_arn: t.cloudwatch_logs_log_group_arn,
            cloudwatch_logs_role_arn: t.cloudwatch_logs_role_arn,
            sns_topic_name: t.sns_topic_name,
            is_organization_trail: t.is_organization_trail,
        };
        if trails
            .iter()
            .any(|o| o.name == decl.name && o.account == decl.account && o.region == decl.region)
        {
            return Err(ctx.err(
                format!("{key}.name"),
                Some(&t.name.span()),
                "the same trail (name, account, region) is declared twice",
            ));
        }
        trails.push(decl);
    }
    if !allowed_buckets.is_empty() {
        for t in &trails {
            if !allowed_buckets.contains(&t.s3_bucket) {
                allowed_buckets.push(t.s3_bucket.clone());
            }
        }
    }
    Ok(TrailPolicy {
        scope: raw.scope,
        multi_region: raw.multi_region,
        log_file_validation: raw.log_file_validation,
        include_global_service_events: raw.include_global_service_events,
        allowed_buckets,
        require_kms: raw.require_kms,
        require_cloudwatch_logs: raw.require_cloudwatch_logs,
        require_sns: raw.require_sns,
        trails,
    })
}
