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
        Policy::parse(&text, &path.display().to_string())
    }

    /// Parse and validate; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let ctx = Ctx { text, origin };
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

// ---------------------------------------------------------------------------------------
// Raw layer

struct Ctx<'a> {
    text: &'a str,
    origin: &'a str,
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
        Ok(Policy {
            management_account,
            audit_account,
            regions,
            remediation_role,
            modes,
            trail,
            exemptions,
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
}
