//! The policy file: the single source of desired state.
//!
//! TOML, parsed in two layers: a raw layer that mirrors the file (every key checked, unknown
//! keys refused, values that need checking carry their position) and the validated [`Policy`]
//! the rest of driftguard uses. A bad file is refused whole with the key, the line and the
//! reason ([`PolicyError`]); nothing is ever half-applied.

use crate::decision::{GuardrailId, Mode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// The default remediation role name (one name in every account).
pub const DEFAULT_REMEDIATION_ROLE: &str = "DriftguardRemediation";

/// The documented policy `driftguard evaluate` uses without `--policy`: every guardrail in
/// `enforce` mode, no trails declared, no exemptions, placeholder account ids.
pub const DEFAULT_POLICY_TOML: &str = r#"
management_account = "000000000000"
audit_account = "000000000001"
"#;

/// A policy file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PolicyError {
    #[error("cannot read policy file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{origin}:{line}: `{key}`: {reason}")]
    Invalid {
        origin: String,
        /// Dotted key path, e.g. `trail.trails[0].account`.
        key: String,
        /// 1-based line (0 when the position is unknown).
        line: usize,
        reason: String,
    },
}

impl PolicyError {
    pub fn key(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid { key, .. } => Some(key),
            PolicyError::Read { .. } => None,
        }
    }
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Invalid { line, .. } => Some(*line),
            PolicyError::Read { .. } => None,
        }
    }
}

/// The validated policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub management_account: String,
    pub audit_account: String,
    /// Governed regions; empty means every region.
    pub regions: Vec<String>,
    pub remediation_role: String,
    pub modes: BTreeMap<GuardrailId, Mode>,
    pub trail: TrailPolicy,
    pub exemptions: Vec<Exemption>,
    pub organization: OrganizationPolicy,
    pub placement: PlacementPolicy,
    pub scps: Vec<ScpDecl>,
    pub root: RootPolicy,
    pub guardduty: GuardDutyPolicy,
}

impl Policy {
    pub fn mode(&self, g: GuardrailId) -> Mode {
        self.modes.get(&g).copied().unwrap_or(Mode::Enforce)
    }

    /// The embedded default policy (see [`DEFAULT_POLICY_TOML`]).
    pub fn default_policy() -> Result<Policy, PolicyError> {
        Policy::parse(DEFAULT_POLICY_TOML, "<default policy>")
    }

    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Policy::parse_in(&text, &path.display().to_string(), &base)
    }

    /// Parse and validate; `origin` names the file in errors. SCP baseline documents are read
    /// relative to the working directory.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        Policy::parse_in(text, origin, Path::new("."))
    }

    /// Parse and validate, reading SCP baseline documents relative to `base`.
    pub fn parse_in(text: &str, origin: &str, base: &Path) -> Result<Policy, PolicyError> {
        let ctx = Ctx { text, origin, base };
        let de = toml::de::Deserializer::parse(text).map_err(|e| ctx.toml_error("", &e))?;
        let raw: RawPolicy = serde_path_to_error::deserialize(de).map_err(|e| {
            // Spanned<T> shows up in serde paths as an internal field name: hide it.
            let path = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "");
            ctx.toml_error(&path, e.inner())
        })?;
        raw.validate(&ctx)
    }
}

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
    pub account: Option<String>,
    /// Home region; `None`: any region.
    pub region: Option<String>,
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
            && opt_matches(self.account.as_deref(), account)
            && opt_matches(self.region.as_deref(), region)
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

/// An exemption: a principal whose violations are alerted (marked exempt), not reverted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exemption {
    /// ARN pattern: `*` matches any run of characters, `?` one character.
    pub principal: String,
    /// Guardrails it applies to; empty: all.
    pub guardrails: Vec<GuardrailId>,
    /// Last day (UTC, inclusive) it applies; `None`: no expiry.
    pub expires: Option<NaiveDate>,
    pub reason: String,
}

impl Exemption {
    pub fn applies(&self, guardrail: GuardrailId, principal_arn: &str, today: NaiveDate) -> bool {
        (self.guardrails.is_empty() || self.guardrails.contains(&guardrail))
            && self.expires.is_none_or(|d| today <= d)
            && wildcard_match(&self.principal, principal_arn)
    }
}

/// Glob match with `*` (any run, including empty) and `?` (one character). Iterative, no
/// recursion, linear in practice.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// `[root]`: root-activity settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RootPolicy {
    /// Accounts with a sanctioned root procedure: their root activity is alerted at low
    /// severity until the expiry date (inclusive, UTC), then at full severity again.
    pub sanctioned: Vec<SanctionedRoot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SanctionedRoot {
    pub account: String,
    pub expires: NaiveDate,
    pub reason: String,
}

impl RootPolicy {
    /// The sanctioned procedure covering `account` on `today`, if any.
    pub fn sanctioned(&self, account: &str, today: NaiveDate) -> Option<&SanctionedRoot> {
        self.sanctioned
            .iter()
            .find(|s| s.account == account && today <= s.expires)
    }
}

/// GuardDuty's organization-wide auto-enable setting (`AutoEnableOrganizationMembers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AutoEnable {
    /// Only accounts that join later.
    #[serde(rename = "NEW")]
    New,
    /// Every account, existing and new.
    #[serde(rename = "ALL")]
    All,
}

impl AutoEnable {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoEnable::New => "NEW",
            AutoEnable::All => "ALL",
        }
    }
}

/// The finding types alerted whatever their severity, unless the policy lists its own.
pub const DEFAULT_FINDING_TYPES: [&str; 2] = [
    "Stealth:IAMUser/CloudTrailLoggingDisabled",
    "Policy:IAMUser/RootCredentialUsage",
];
/// GuardDuty's High band starts at 7.0.
pub const DEFAULT_SEVERITY_THRESHOLD: f64 = 7.0;

/// `[guardduty]`: GuardDuty expectations and finding alerting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuardDutyPolicy {
    /// The GuardDuty delegated administrator (default: the Audit account).
    pub administrator: String,
    /// The auto-enable setting the organization must keep; `None`: not managed.
    pub auto_enable: Option<AutoEnable>,
    /// Findings at or above this GuardDuty severity are alerted.
    pub severity_threshold: f64,
    /// Finding types alerted whatever their severity.
    pub finding_types: Vec<String>,
}

impl GuardDutyPolicy {
    fn with_administrator(administrator: &str) -> GuardDutyPolicy {
        GuardDutyPolicy {
            administrator: administrator.to_string(),
            auto_enable: None,
            severity_threshold: DEFAULT_SEVERITY_THRESHOLD,
            finding_types: DEFAULT_FINDING_TYPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

fn validate_root(ctx: &Ctx<'_>, raw: Option<RawRoot>) -> Result<RootPolicy, PolicyError> {
    let mut sanctioned = Vec::new();
    for (i, s) in raw
        .map(|r| r.sanctioned)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let key = format!("root.sanctioned[{i}]");
        let account = account_id(ctx, &format!("{key}.account"), &s.account)?;
        let expires = date(ctx, &format!("{key}.expires"), &s.expires)?;
        if s.reason.get_ref().trim().is_empty() {
            return Err(ctx.err(
                format!("{key}.reason"),
                Some(&s.reason.span()),
                "a sanctioned root procedure needs a reason (a change or ticket reference): it is shown in every alert it downgrades",
            ));
        }
        if sanctioned
            .iter()
            .any(|o: &SanctionedRoot| o.account == account)
        {
            return Err(ctx.err(
                format!("{key}.account"),
                Some(&s.account.span()),
                "this account already has a sanctioned root procedure; keep one entry per account",
            ));
        }
        sanctioned.push(SanctionedRoot {
            account,
            expires,
            reason: s.reason.into_inner(),
        });
    }
    Ok(RootPolicy { sanctioned })
}

fn validate_guardduty(
    ctx: &Ctx<'_>,
    raw: Option<RawGuardDuty>,
    audit_account: &str,
) -> Result<GuardDutyPolicy, PolicyError> {
    let mut g = GuardDutyPolicy::with_administrator(audit_account);
    let Some(raw) = raw else {
        return Ok(g);
    };
    if let Some(a) = &raw.administrator {
        g.administrator = account_id(ctx, "guardduty.administrator", a)?;
    }
    if let Some(a) = &raw.auto_enable {
        g.auto_enable = match a.get_ref().as_str() {
            "ALL" => Some(AutoEnable::All),
            "NEW" => Some(AutoEnable::New),
            _ => {
                return Err(ctx.err(
                    "guardduty.auto_enable",
                    Some(&a.span()),
                    "must be \"ALL\" (every account, existing and new) or \"NEW\" (accounts that join later); leave it out if driftguard should not manage the setting",
                ));
            }
        };
    }
    if let Some(v) = &raw.severity_threshold {
        let n = match v.get_ref() {
            toml::Value::Integer(i) => i32::try_from(*i).ok().map(f64::from),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        g.severity_threshold = match n {
            Some(n) if (1.0..=10.0).contains(&n) => n,
            _ => {
                return Err(ctx.err(
                    "guardduty.severity_threshold",
                    Some(&v.span()),
                    "must be a number from 1.0 to 10.0 (GuardDuty's scale: High starts at 7.0, Critical at 9.0)",
                ));
            }
        };
    }
    if let Some(types) = raw.finding_types {
        let mut out = Vec::new();
        for (i, t) in types.into_iter().enumerate() {
            let s = t.get_ref();
            if s.is_empty()
                || s.len() > 200
                || !s.contains(':')
                || s.chars().any(char::is_whitespace)
            {
                return Err(ctx.err(
                    format!("guardduty.finding_types[{i}]"),
                    Some(&t.span()),
                    "must be a GuardDuty finding type such as `Stealth:IAMUser/CloudTrailLoggingDisabled`",
                ));
            }
            out.push(t.into_inner());
        }
        g.finding_types = out;
    }
    Ok(g)
}

// ---------------------------------------------------------------------------------------
// Raw layer

struct Ctx<'a> {
    text: &'a str,
    origin: &'a str,
    base: &'a Path,
}

impl Ctx<'_> {
    fn line_of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text
            .get(..end)
            .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count() + 1)
    }

    fn err(
        &self,
        key: impl Into<String>,
        span: Option<&Range<usize>>,
        reason: impl Into<String>,
    ) -> PolicyError {
        PolicyError::Invalid {
            origin: self.origin.to_string(),
            key: key.into(),
            line: span.map_or(0, |s| self.line_of(s)),
            reason: reason.into(),
        }
    }

    fn toml_error(&self, path: &str, e: &toml::de::Error) -> PolicyError {
        let key = if path.is_empty() || path == "." {
            "<document>"
        } else {
            path
        };
        self.err(key, e.span().as_ref(), e.message().trim().to_string())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    management_account: Spanned<toml::Value>,
    audit_account: Spanned<toml::Value>,
    #[serde(default)]
    regions: Vec<Spanned<String>>,
    #[serde(default)]
    remediation_role: Option<Spanned<String>>,
    #[serde(default)]
    guardrails: BTreeMap<String, Spanned<RawGuardrail>>,
    #[serde(default)]
    trail: Option<RawTrail>,
    #[serde(default)]
    exemptions: Vec<RawExemption>,
    #[serde(default)]
    organization: Option<RawOrganization>,
    #[serde(default)]
    placement: Option<RawPlacement>,
    #[serde(default)]
    scps: Vec<RawScp>,
    #[serde(default)]
    root: Option<RawRoot>,
    #[serde(default)]
    guardduty: Option<RawGuardDuty>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoot {
    #[serde(default)]
    sanctioned: Vec<RawSanctioned>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSanctioned {
    account: Spanned<toml::Value>,
    expires: Spanned<toml::Value>,
    reason: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuardDuty {
    #[serde(default)]
    administrator: Option<Spanned<toml::Value>>,
    #[serde(default)]
    auto_enable: Option<Spanned<String>>,
    #[serde(default)]
    severity_threshold: Option<Spanned<toml::Value>>,
    #[serde(default)]
    finding_types: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    #[serde(default)]
    required_policy_types: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlacement {
    #[serde(default)]
    quarantine: Option<Spanned<String>>,
    #[serde(default)]
    accounts: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScp {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    document: Spanned<String>,
    #[serde(default)]
    targets: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuardrail {
    mode: Mode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrail {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExemption {
    principal: Spanned<String>,
    #[serde(default)]
    guardrails: Vec<Spanned<String>>,
    #[serde(default)]
    expires: Option<Spanned<toml::Value>>,
    reason: Spanned<String>,
}

impl RawPolicy {
    fn validate(self, ctx: &Ctx<'_>) -> Result<Policy, PolicyError> {
        let management_account = account_id(ctx, "management_account", &self.management_account)?;
        let audit_account = account_id(ctx, "audit_account", &self.audit_account)?;
        let mut regions = Vec::new();
        for (i, r) in self.regions.iter().enumerate() {
            regions.push(region(ctx, &format!("regions[{i}]"), r)?);
        }
        let remediation_role = match &self.remediation_role {
            None => DEFAULT_REMEDIATION_ROLE.to_string(),
            Some(r) => {
                let name = r.get_ref();
                let ok = !name.is_empty()
                    && name.len() <= 64
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
                if !ok {
                    return Err(ctx.err(
                        "remediation_role",
                        Some(&r.span()),
                        "must be an IAM role name (1-64 characters of A-Z a-z 0-9 +=,.@_-), not a path or ARN",
                    ));
                }
                name.clone()
            }
        };
        let mut modes = BTreeMap::new();
        for (name, g) in &self.guardrails {
            let id = GuardrailId::parse(name).ok_or_else(|| {
                ctx.err(
                    format!("guardrails.{name}"),
                    Some(&g.span()),
                    format!(
                        "unknown guardrail; expected one of: {}",
                        GuardrailId::ALL_NAMES
                    ),
                )
            })?;
            modes.insert(id, g.get_ref().mode);
        }
        let trail = match self.trail {
            None => RawTrail {
                scope: TrailScope::Declared,
                multi_region: true,
                log_file_validation: true,
                include_global_service_events: true,
                allowed_buckets: vec![],
                require_kms: false,
                require_cloudwatch_logs: false,
                require_sns: false,
                trails: vec![],
            }
            .validate(ctx)?,
            Some(t) => t.validate(ctx)?,
        };
        let mut exemptions = Vec::new();
        for (i, e) in self.exemptions.into_iter().enumerate() {
            exemptions.push(e.validate(ctx, i)?);
        }
        let guardduty = validate_guardduty(ctx, self.guardduty, &audit_account)?;
        Ok(Policy {
            management_account,
            audit_account,
            regions,
            remediation_role,
            modes,
            trail,
            exemptions,
            organization: validate_organization(ctx, self.organization)?,
            placement: validate_placement(ctx, self.placement)?,
            scps: validate_scps(ctx, self.scps)?,
            root: validate_root(ctx, self.root)?,
            guardduty,
        })
    }
}

impl RawTrail {
    fn validate(self, ctx: &Ctx<'_>) -> Result<TrailPolicy, PolicyError> {
        let mut allowed_buckets = Vec::new();
        for (i, b) in self.allowed_buckets.iter().enumerate() {
            allowed_buckets.push(bucket(ctx, &format!("trail.allowed_buckets[{i}]"), b)?);
        }
        let mut trails: Vec<TrailDecl> = Vec::new();
        for (i, t) in self.trails.into_iter().enumerate() {
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
            if self.require_kms && t.kms_key_id.is_none() {
                return Err(ctx.err(
                    format!("{key}.kms_key_id"),
                    Some(&t.name.span()),
                    "trail.require_kms is true, so every declared trail needs kms_key_id",
                ));
            }
            if self.require_cloudwatch_logs
                && (t.cloudwatch_logs_log_group_arn.is_none()
                    || t.cloudwatch_logs_role_arn.is_none())
            {
                return Err(ctx.err(
                    format!("{key}.cloudwatch_logs_log_group_arn"),
                    Some(&t.name.span()),
                    "trail.require_cloudwatch_logs is true, so every declared trail needs cloudwatch_logs_log_group_arn and cloudwatch_logs_role_arn",
                ));
            }
            if self.require_sns && t.sns_topic_name.is_none() {
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
            if trails.iter().any(|o| {
                o.name == decl.name && o.account == decl.account && o.region == decl.region
            }) {
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
            scope: self.scope,
            multi_region: self.multi_region,
            log_file_validation: self.log_file_validation,
            include_global_service_events: self.include_global_service_events,
            allowed_buckets,
            require_kms: self.require_kms,
            require_cloudwatch_logs: self.require_cloudwatch_logs,
            require_sns: self.require_sns,
            trails,
        })
    }
}

impl RawExemption {
    fn validate(self, ctx: &Ctx<'_>, i: usize) -> Result<Exemption, PolicyError> {
        let key = format!("exemptions[{i}]");
        let p = self.principal.get_ref();
        if !p.starts_with("arn:") || p.split(':').count() < 6 {
            return Err(ctx.err(
                format!("{key}.principal"),
                Some(&self.principal.span()),
                "must be a principal ARN pattern such as `arn:aws:iam::*:role/BreakGlass*` (`*` and `?` are wildcards)",
            ));
        }
        let resource = p.splitn(6, ':').nth(5).unwrap_or("");
        if resource.chars().all(|c| c == '*') {
            return Err(ctx.err(
                format!("{key}.principal"),
                Some(&self.principal.span()),
                "matches every principal, which would switch the guardrails off; use `mode = \"off\"` instead",
            ));
        }
        let mut guardrails = Vec::new();
        for (j, g) in self.guardrails.iter().enumerate() {
            guardrails.push(GuardrailId::parse(g.get_ref()).ok_or_else(|| {
                ctx.err(
                    format!("{key}.guardrails[{j}]"),
                    Some(&g.span()),
                    format!(
                        "unknown guardrail; expected one of: {}",
                        GuardrailId::ALL_NAMES
                    ),
                )
            })?);
        }
        let expires = match &self.expires {
            None => None,
            Some(v) => Some(date(ctx, &format!("{key}.expires"), v)?),
        };
        if self.reason.get_ref().trim().is_empty() {
            return Err(ctx.err(
                format!("{key}.reason"),
                Some(&self.reason.span()),
                "an exemption needs a reason: it is shown in every alert it applies to",
            ));
        }
        Ok(Exemption {
            principal: p.clone(),
            guardrails,
            expires,
            reason: self.reason.into_inner(),
        })
    }
}

fn account_id(ctx: &Ctx<'_>, key: &str, v: &Spanned<toml::Value>) -> Result<String, PolicyError> {
    match v.get_ref() {
        toml::Value::String(s) if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(s.clone())
        }
        toml::Value::String(_) => Err(ctx.err(
            key,
            Some(&v.span()),
            "an AWS account id is exactly 12 digits",
        )),
        toml::Value::Integer(_) => Err(ctx.err(
            key,
            Some(&v.span()),
            "write account ids as strings (\"012345678901\"): as numbers, leading zeros are lost",
        )),
        other => Err(ctx.err(
            key,
            Some(&v.span()),
            format!(
                "expected a 12-digit account id string, found a {}",
                other.type_str()
            ),
        )),
    }
}

fn region(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<String, PolicyError> {
    let s = v.get_ref();
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(s.clone())
    } else {
        Err(ctx.err(
            key,
            Some(&v.span()),
            format!("`{s}` is not an AWS region name such as `eu-west-1`"),
        ))
    }
}

fn bucket(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<String, PolicyError> {
    let s = v.get_ref();
    let ok = (3..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if ok {
        Ok(s.clone())
    } else {
        Err(ctx.err(
            key,
            Some(&v.span()),
            format!("`{s}` is not an S3 bucket name (3-63 characters of a-z 0-9 . -)"),
        ))
    }
}

fn date(ctx: &Ctx<'_>, key: &str, v: &Spanned<toml::Value>) -> Result<NaiveDate, PolicyError> {
    let text = match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => d.to_string(),
        _ => String::new(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        ctx.err(
            key,
            Some(&v.span()),
            "expected a date such as 2026-12-31 (the last day the exemption applies, UTC)",
        )
    })
}

// ---------------------------------------------------------------------------------------
// Organizations: placement, guardrail SCPs, policy types

/// Policy types that must stay enabled on the root (default: `SERVICE_CONTROL_POLICY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationPolicy {
    pub required_policy_types: Vec<String>,
}

/// Where an account belongs: the root, an OU by id, or an OU by path (`Workloads/Production`)
/// that org-guard resolves through the Organizations API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ParentRef {
    Root(String),
    Ou(String),
    Path(String),
}

impl ParentRef {
    pub fn as_str(&self) -> &str {
        match self {
            ParentRef::Root(s) | ParentRef::Ou(s) | ParentRef::Path(s) => s,
        }
    }
}

impl std::fmt::Display for ParentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Expected placement of accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlacementPolicy {
    /// Where accounts the policy does not list belong; `None`: unlisted accounts are not judged.
    pub quarantine: Option<ParentRef>,
    pub accounts: BTreeMap<String, ParentRef>,
    /// OU paths resolved to ids (filled by org-guard at cold start; empty offline).
    pub resolved: BTreeMap<String, String>,
}

impl PlacementPolicy {
    /// Where `account` belongs (its own entry, else the quarantine OU).
    pub fn expected(&self, account: &str) -> Option<&ParentRef> {
        self.accounts.get(account).or(self.quarantine.as_ref())
    }

    /// The id of a parent reference, when known (paths only once resolved).
    pub fn id_of<'a>(&'a self, p: &'a ParentRef) -> Option<&'a str> {
        match p {
            ParentRef::Root(id) | ParentRef::Ou(id) => Some(id),
            ParentRef::Path(path) => self.resolved.get(path).map(String::as_str),
        }
    }

    /// Every OU path the policy uses (placement and SCP targets resolve through this).
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .accounts
            .values()
            .chain(self.quarantine.iter())
            .filter_map(|p| match p {
                ParentRef::Path(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Where a guardrail SCP must stay attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TargetRef {
    Parent(ParentRef),
    Account(String),
}

impl TargetRef {
    pub fn as_str(&self) -> &str {
        match self {
            TargetRef::Parent(p) => p.as_str(),
            TargetRef::Account(a) => a,
        }
    }
}

/// A guardrail SCP: it must keep its baseline content and stay attached to its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScpDecl {
    /// The policy id events carry (`p-...`).
    pub id: String,
    /// Its name (used to recreate it if deleted).
    pub name: String,
    pub description: Option<String>,
    /// The baseline document, parsed: content is compared semantically.
    pub document: serde_json::Value,
    /// The baseline document as written (what a restore uploads).
    pub document_text: String,
    pub targets: Vec<TargetRef>,
}

impl Policy {
    pub fn scp(&self, policy_id: &str) -> Option<&ScpDecl> {
        self.scps.iter().find(|s| s.id == policy_id)
    }

    /// Every OU path used by placement and SCP targets.
    pub fn ou_paths(&self) -> Vec<String> {
        let mut out = self.placement.paths();
        for s in &self.scps {
            for t in &s.targets {
                if let TargetRef::Parent(ParentRef::Path(p)) = t {
                    out.push(p.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Record OU path -> id resolutions (org-guard, at cold start).
    pub fn with_resolved_paths(mut self, resolved: BTreeMap<String, String>) -> Policy {
        self.placement.resolved = resolved;
        self
    }
}

fn is_id(s: &str, prefix: &str, min_tail: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() >= min_tail
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

fn parent_ref(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<ParentRef, PolicyError> {
    let s = v.get_ref().trim();
    if is_id(s, "r-", 4) {
        Ok(ParentRef::Root(s.to_string()))
    } else if is_id(s, "ou-", 9) {
        Ok(ParentRef::Ou(s.to_string()))
    } else if !s.is_empty()
        && !s.starts_with('/')
        && !s.ends_with('/')
        && !s.contains("//")
        && !s.starts_with("arn:")
    {
        Ok(ParentRef::Path(s.to_string()))
    } else {
        Err(ctx.err(
            key,
            Some(&v.span()),
            format!("`{s}` is not a root id (r-...), an OU id (ou-...-...) or an OU path such as `Workloads/Production`"),
        ))
    }
}

fn validate_organization(
    ctx: &Ctx<'_>,
    raw: Option<RawOrganization>,
) -> Result<OrganizationPolicy, PolicyError> {
    const TYPES: [&str; 6] = [
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "TAG_POLICY",
        "BACKUP_POLICY",
        "AISERVICES_OPT_OUT_POLICY",
        "DECLARATIVE_POLICY_EC2",
    ];
    let Some(list) = raw.and_then(|r| r.required_policy_types) else {
        return Ok(OrganizationPolicy {
            required_policy_types: vec!["SERVICE_CONTROL_POLICY".into()],
        });
    };
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if !TYPES.contains(&t.get_ref().as_str()) {
            return Err(ctx.err(
                format!("organization.required_policy_types[{i}]"),
                Some(&t.span()),
                format!("unknown policy type; expected one of: {}", TYPES.join(", ")),
            ));
        }
        out.push(t.get_ref().clone());
    }
    Ok(OrganizationPolicy {
        required_policy_types: out,
    })
}

fn validate_placement(
    ctx: &Ctx<'_>,
    raw: Option<RawPlacement>,
) -> Result<PlacementPolicy, PolicyError> {
    let Some(raw) = raw else {
        return Ok(PlacementPolicy::default());
    };
    let quarantine = match &raw.quarantine {
        Some(q) => Some(parent_ref(ctx, "placement.quarantine", q)?),
        None => None,
    };
    let mut accounts = BTreeMap::new();
    for (account, parent) in &raw.accounts {
        let key = format!("placement.accounts.\"{account}\"");
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ctx.err(
                key,
                Some(&parent.span()),
                "the key must be a 12-digit account id (quote it)",
            ));
        }
        accounts.insert(account.clone(), parent_ref(ctx, &key, parent)?);
    }
    Ok(PlacementPolicy {
        quarantine,
        accounts,
        resolved: BTreeMap::new(),
    })
}

fn validate_scps(ctx: &Ctx<'_>, raw: Vec<RawScp>) -> Result<Vec<ScpDecl>, PolicyError> {
    let mut out: Vec<ScpDecl> = Vec::new();
    for (i, r) in raw.into_iter().enumerate() {
        let key = format!("scps[{i}]");
        let id = r.id.get_ref().trim().to_string();
        if !is_id(&id, "p-", 8) {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "must be an Organizations policy id such as `p-abcd1234`",
            ));
        }
        if id == "p-FullAWSAccess" {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "p-FullAWSAccess is AWS-managed: detaching it breaks workloads, it is not a guardrail",
            ));
        }
        if out.iter().any(|o| o.id == id) {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "this SCP is declared twice",
            ));
        }
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || name.len() > 128 {
            return Err(ctx.err(
                format!("{key}.name"),
                Some(&r.name.span()),
                "must be the SCP's name (1-128 characters)",
            ));
        }
        let path = ctx.base.join(r.document.get_ref());
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!("cannot read the baseline document {}: {e}", path.display()),
            )
        })?;
        let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!(
                    "the baseline document {} is not valid JSON: {e}",
                    path.display()
                ),
            )
        })?;
        if document.get("Statement").is_none() {
            return Err(ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!(
                    "the baseline document {} has no `Statement`: it is not a policy document",
                    path.display()
                ),
            ));
        }
        if r.targets.is_empty() {
            return Err(ctx.err(
                format!("{key}.targets"),
                Some(&r.id.span()),
                "a guardrail SCP needs at least one target (root, OU or account)",
            ));
        }
        let mut targets = Vec::new();
        for (j, t) in r.targets.iter().enumerate() {
            let s = t.get_ref().trim();
            if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
                targets.push(TargetRef::Account(s.to_string()));
            } else {
                targets.push(TargetRef::Parent(parent_ref(
                    ctx,
                    &format!("{key}.targets[{j}]"),
                    t,
                )?));
            }
        }
        out.push(ScpDecl {
            id,
            name,
            description: r.description,
            document,
            document_text: text,
            targets,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
management_account = "011111111111"
audit_account = "222222222222"
regions = ["us-east-1", "eu-west-1"]

[guardrails.trail-tampering]
mode = "notify"

[trail]
allowed_buckets = ["org-logs"]

[[trail.trails]]
name = "org-trail"
account = "011111111111"
region = "us-east-1"
s3_bucket = "org-trail-logs"

[[exemptions]]
principal = "arn:aws:iam::*:role/BreakGlass*"
expires = 2026-12-31
reason = "incident response"
"#;

    #[test]
    fn parses_a_good_policy() -> Result<(), PolicyError> {
        let p = Policy::parse(GOOD, "p.toml")?;
        assert_eq!(p.management_account, "011111111111");
        assert_eq!(p.mode(GuardrailId::TrailTampering), Mode::Notify);
        assert_eq!(p.mode(GuardrailId::RootActivity), Mode::Enforce);
        assert_eq!(p.remediation_role, DEFAULT_REMEDIATION_ROLE);
        assert_eq!(p.trail.allowed_buckets, vec!["org-logs", "org-trail-logs"]);
        assert_eq!(
            p.exemptions.first().and_then(|e| e.expires),
            NaiveDate::from_ymd_opt(2026, 12, 31)
        );
        Ok(())
    }

    fn refused(text: &str) -> (String, usize, String) {
        match Policy::parse(text, "p.toml") {
            Err(PolicyError::Invalid {
                key, line, reason, ..
            }) => (key, line, reason),
            other => (format!("{other:?}"), 0, String::new()),
        }
    }

    #[test]
    fn refuses_with_key_line_and_reason() {
        let (key, line, reason) =
            refused(&GOOD.replace("\"011111111111\"\naudit", "11111111111\naudit"));
        assert_eq!((key.as_str(), line), ("management_account", 2));
        assert!(reason.contains("strings"), "{reason}");

        let (key, line, reason) =
            refused(&GOOD.replace("mode = \"notify\"", "mode = \"enforcce\""));
        assert_eq!((key.as_str(), line), ("guardrails.trail-tampering.mode", 7));
        assert!(reason.contains("enforce"), "{reason}");

        let (key, line, _) =
            refused(&GOOD.replace("region = \"us-east-1\"", "regoin = \"us-east-1\""));
        assert_eq!((key.as_str(), line), ("trail.trails[0].regoin", 15));

        let (key, line, _) =
            refused(&GOOD.replace("expires = 2026-12-31", "expires = \"31/12/2026\""));
        assert_eq!((key.as_str(), line), ("exemptions[0].expires", 20));

        let (key, line, _) =
            refused(&GOOD.replace("[guardrails.trail-tampering]", "[guardrails.trail-tamper]"));
        assert_eq!((key.as_str(), line), ("guardrails.trail-tamper", 6));

        let (key, _, reason) = refused(&GOOD.replace("BreakGlass*", "*").replace("role/", ""));
        assert_eq!(key, "exemptions[0].principal", "{reason}");

        let (key, line, _) = refused("management_account = \"011111111111\"\naudit_account = [");
        assert_eq!((key.as_str(), line), ("<document>", 2));
    }

    #[test]
    fn organization_sections() -> Result<(), Box<dyn std::error::Error>> {
        let dir =
            std::env::temp_dir().join(format!("driftguard-policy-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("scps"))?;
        std::fs::write(
            dir.join("scps/a.json"),
            r#"{"Version":"2012-10-17","Statement":[]}"#,
        )?;
        std::fs::write(dir.join("scps/bad.json"), "{not json")?;
        let base = "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n";
        let good = format!(
            "{base}[placement]\nquarantine = \"Quarantine\"\n[placement.accounts]\n\"333333333333\" = \"Workloads/Prod\"\n\"444444444444\" = \"ou-ab12-abcdefgh\"\n[[scps]]\nid = \"p-abcd1234\"\nname = \"g\"\ndocument = \"scps/a.json\"\ntargets = [\"r-ab12\", \"Workloads\", \"333333333333\"]\n"
        );
        let p = Policy::parse_in(&good, "p.toml", &dir)?;
        assert_eq!(
            p.placement.expected("333333333333"),
            Some(&ParentRef::Path("Workloads/Prod".into()))
        );
        assert_eq!(
            p.placement.expected("999999999999"),
            Some(&ParentRef::Path("Quarantine".into()))
        );
        assert_eq!(
            p.placement.expected("444444444444"),
            Some(&ParentRef::Ou("ou-ab12-abcdefgh".into()))
        );
        assert_eq!(
            p.ou_paths(),
            vec!["Quarantine", "Workloads", "Workloads/Prod"]
        );
        assert_eq!(
            p.organization.required_policy_types,
            vec!["SERVICE_CONTROL_POLICY"]
        );
        let scp = p.scp("p-abcd1234").ok_or("scp")?;
        assert_eq!(scp.targets.len(), 3);

        let err = |text: String| match Policy::parse_in(&text, "p.toml", &dir) {
            Err(PolicyError::Invalid { key, line, .. }) => (key, line),
            other => (format!("{other:?}"), 0),
        };
        assert_eq!(
            err(good.replace("scps/a.json", "scps/bad.json")),
            ("scps[0].document".into(), 11)
        );
        assert_eq!(
            err(good.replace("scps/a.json", "scps/missing.json")),
            ("scps[0].document".into(), 11)
        );
        assert_eq!(
            err(good.replace("p-abcd1234", "p-FullAWSAccess")).0,
            "scps[0].id"
        );
        assert_eq!(
            err(good.replace("\"Workloads/Prod\"", "\"/Workloads\"")),
            ("placement.accounts.\"333333333333\"".into(), 6)
        );
        assert_eq!(
            err(good.replace("\"333333333333\" =", "\"33333\" =")).0,
            "placement.accounts.\"33333\""
        );
        assert_eq!(
            err(format!(
                "{base}[organization]\nrequired_policy_types = [\"SCP\"]\n"
            ))
            .0,
            "organization.required_policy_types[0]"
        );
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn default_policy_loads() {
        assert!(Policy::default_policy().is_ok());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match(
            "arn:aws:iam::*:role/BreakGlass*",
            "arn:aws:iam::123:role/BreakGlassAdmin"
        ));
        assert!(!wildcard_match(
            "arn:aws:iam::*:role/BreakGlass*",
            "arn:aws:iam::123:role/Admin"
        ));
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("a?c", "ac"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
    }

    const BASE: &str = "management_account = \"011111111111\"\naudit_account = \"022222222222\"\n";

    #[test]
    fn guardduty_defaults_follow_the_audit_account() {
        let p = Policy::parse(BASE, "p.toml").unwrap();
        assert_eq!(p.guardduty.administrator, "022222222222");
        assert_eq!(p.guardduty.auto_enable, None);
        assert!((p.guardduty.severity_threshold - 7.0).abs() < f64::EPSILON);
        assert_eq!(p.guardduty.finding_types, DEFAULT_FINDING_TYPES.to_vec());
        assert!(p.root.sanctioned.is_empty());
    }

    #[test]
    fn guardduty_threshold_is_an_int_or_a_float_in_range() {
        for (v, want) in [("7", 7.0), ("6.5", 6.5), ("10", 10.0)] {
            let p = Policy::parse(
                &format!("{BASE}[guardduty]\nseverity_threshold = {v}\nauto_enable = \"NEW\"\n"),
                "p.toml",
            )
            .unwrap();
            assert!((p.guardduty.severity_threshold - want).abs() < f64::EPSILON);
            assert_eq!(p.guardduty.auto_enable, Some(AutoEnable::New));
        }
        let (key, line, reason) = refused(&format!("{BASE}[guardduty]\nseverity_threshold = 11\n"));
        assert_eq!((key.as_str(), line), ("guardduty.severity_threshold", 4));
        assert!(reason.contains("1.0 to 10.0"), "{reason}");
        let (key, _, _) = refused(&format!(
            "{BASE}[guardduty]\nseverity_threshold = \"high\"\n"
        ));
        assert_eq!(key, "guardduty.severity_threshold");
        let (key, line, reason) = refused(&format!("{BASE}[guardduty]\nauto_enable = \"all\"\n"));
        assert_eq!((key.as_str(), line), ("guardduty.auto_enable", 4));
        assert!(reason.contains("\"ALL\""), "{reason}");
        let (key, _, _) = refused(&format!(
            "{BASE}[guardduty]\nadministrator = 222222222222\n"
        ));
        assert_eq!(key, "guardduty.administrator");
        let (key, _, _) = refused(&format!(
            "{BASE}[guardduty]\nfinding_types = [\"not a type\"]\n"
        ));
        assert_eq!(key, "guardduty.finding_types[0]");
        let (key, _, reason) = refused(&format!("{BASE}[guardduty]\nthreshold = 7\n"));
        assert!(reason.contains("unknown field"), "{key}: {reason}");
    }

    #[test]
    fn sanctioned_root_needs_account_expiry_and_reason() {
        let ok = format!(
            "{BASE}[[root.sanctioned]]\naccount = \"033333333333\"\nexpires = 2026-12-31\nreason = \"CHG-1\"\n"
        );
        let p = Policy::parse(&ok, "p.toml").unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(
            p.root.sanctioned("033333333333", day(31)).is_some(),
            "inclusive"
        );
        assert!(
            p.root
                .sanctioned("033333333333", NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
                .is_none()
        );
        assert!(p.root.sanctioned("044444444444", day(1)).is_none());
        let (key, _, _) = refused(&ok.replace("reason = \"CHG-1\"", "reason = \" \""));
        assert_eq!(key, "root.sanctioned[0].reason");
        let (key, _, _) = refused(&ok.replace("expires = 2026-12-31\n", ""));
        assert!(
            key.contains("expires") || key == "<document>" || key.starts_with("root"),
            "{key}"
        );
        let twice = format!(
            "{ok}[[root.sanctioned]]\naccount = \"033333333333\"\nexpires = 2026-12-31\nreason = \"again\"\n"
        );
        let (key, _, _) = refused(&twice);
        assert_eq!(key, "root.sanctioned[1].account");
    }
}
