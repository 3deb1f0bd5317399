//! The policy file: the single source of desired state.
//!
//! TOML, parsed in two layers: a raw layer that mirrors the file (every key checked, unknown
//! keys refused, values that need checking carry their position) and the validated [`Policy`]
//! the rest of driftguard uses. A bad file is refused whole with the key, the line and the
//! reason ([`PolicyError`]); nothing is ever half-applied.
//!
//! Parsing does no I/O: the text comes from the caller, and so do the baseline documents the
//! policy names (SCP JSON files), through [`Documents`]. Each guardrail family owns its
//! section (`guardrails::<family>::policy`: keys, validation, defaults); this module holds
//! the top-level keys, modes and exemptions, and assembles the sections.

pub mod exemption;
pub(crate) mod fields;

pub use exemption::{Exemption, arn_like, exemption_identity, wildcard_match};

pub use fields::{Documents, NoDocuments};

use crate::guardrails::guardduty::policy::{
    self as guardduty_policy, GuardDutyPolicy, RawGuardDuty,
};
use crate::guardrails::org::policy::{
    self as org_policy, OrganizationPolicy, PlacementPolicy, RawOrganization, RawPlacement, RawScp,
    ScpDecl, TargetRef,
};
use crate::guardrails::root::policy::{self as root_policy, RawRoot, RootPolicy};
use crate::guardrails::trail::policy::{self as trail_policy, RawTrail, TrailPolicy};
use crate::ids::{AccountId, PolicyId, Region};
use crate::model::{Actor, GuardrailId, Mode};
use chrono::NaiveDate;
use fields::{Ctx, account_id, date, region};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    pub management_account: AccountId,
    pub audit_account: AccountId,
    /// Governed regions; empty means every region.
    pub regions: Vec<Region>,
    pub remediation_role: String,
    pub modes: BTreeMap<GuardrailId, Mode>,
    pub trail: TrailPolicy,
    pub exemptions: Vec<Exemption>,
    pub organization: OrganizationPolicy,
    pub placement: PlacementPolicy,
    pub scps: Vec<ScpDecl>,
    /// Guardrail SCPs found under another id than declared (declared id -> current id): a
    /// deleted guardrail SCP that was recreated (by org-guard or anyone) keeps its name, not
    /// its id. Filled by org-guard, which resolves the declared names; empty offline.
    pub scp_aliases: BTreeMap<String, String>,
    pub root: RootPolicy,
    pub guardduty: GuardDutyPolicy,
}

impl Policy {
    pub fn mode(&self, g: GuardrailId) -> Mode {
        self.modes.get(&g).copied().unwrap_or(Mode::Enforce)
    }

    /// Whether the policy governs `region` (an empty `regions` list governs every region).
    pub fn governs_region(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }

    /// The embedded default policy (see [`DEFAULT_POLICY_TOML`]).
    pub fn default_policy() -> Result<Policy, PolicyError> {
        Policy::parse(DEFAULT_POLICY_TOML, "<default policy>", &NoDocuments)
    }

    /// Parse and validate; `origin` names the file in errors; `documents` supplies the
    /// baseline documents the policy names (by the name written in the file).
    pub fn parse(
        text: &str,
        origin: &str,
        documents: &dyn Documents,
    ) -> Result<Policy, PolicyError> {
        let ctx = Ctx {
            text,
            origin,
            documents,
        };
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

    /// The guardrail SCP an event's policy id names: by its declared id, or by the current id
    /// its declared name resolved to.
    pub fn scp(&self, policy_id: &str) -> Option<&ScpDecl> {
        self.scps.iter().find(|s| {
            s.id == policy_id
                || self
                    .scp_aliases
                    .get(s.id.as_str())
                    .is_some_and(|current| current == policy_id)
        })
    }

    /// The id a guardrail SCP has now: its alias when its name resolved elsewhere, else the
    /// declared id.
    pub fn current_scp_id(&self, decl: &ScpDecl) -> PolicyId {
        self.scp_aliases
            .get(decl.id.as_str())
            .and_then(|c| PolicyId::parse(c))
            .unwrap_or_else(|| decl.id.clone())
    }

    /// Record where guardrail SCPs are now (declared id -> current id; org-guard).
    pub fn with_scp_aliases(mut self, aliases: BTreeMap<String, String>) -> Policy {
        self.scp_aliases = aliases;
        self
    }

    /// Every OU path used by placement and SCP targets.
    pub fn ou_paths(&self) -> Vec<String> {
        let mut out = self.placement.paths();
        for s in &self.scps {
            for t in &s.targets {
                if let TargetRef::Parent(org_policy::ParentRef::Path(p)) = t {
                    out.push(p.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The first exemption that covers `actor` for `guardrail` on `today`, matched against
    /// the actor's stable identity only ([`exemption_identity`]: the issuer role of an
    /// assumed-role session, never the session ARN with its caller-chosen session name).
    pub fn exemption_for(
        &self,
        guardrail: GuardrailId,
        actor: &Actor,
        today: NaiveDate,
    ) -> Option<&Exemption> {
        let identity = exemption_identity(actor)?;
        self.exemptions
            .iter()
            .find(|e| e.applies(guardrail, identity, today))
    }

    /// Record OU path -> id resolutions (org-guard, at cold start).
    pub fn with_resolved_paths(mut self, resolved: BTreeMap<String, String>) -> Policy {
        self.placement.resolved = resolved;
        self
    }
}

// ---------------------------------------------------------------------------------------
// Raw layer: the top-level keys; each section's raw type lives with its guardrail family.

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
struct RawGuardrail {
    mode: Mode,
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

fn guardrail_id(
    ctx: &Ctx<'_>,
    key: String,
    v: &str,
    span: &std::ops::Range<usize>,
) -> Result<GuardrailId, PolicyError> {
    GuardrailId::parse(v).ok_or_else(|| {
        ctx.err(
            key,
            Some(span),
            format!(
                "unknown guardrail; expected one of: {}",
                GuardrailId::ALL_NAMES
            ),
        )
    })
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
            let id = guardrail_id(ctx, format!("guardrails.{name}"), name, &g.span())?;
            modes.insert(id, g.get_ref().mode);
        }
        let trail = trail_policy::validate(ctx, self.trail)?;
        let mut exemptions = Vec::new();
        for (i, e) in self.exemptions.into_iter().enumerate() {
            exemptions.push(e.validate(ctx, i)?);
        }
        let guardduty = guardduty_policy::validate(ctx, self.guardduty, &audit_account)?;
        Ok(Policy {
            management_account,
            audit_account,
            regions,
            remediation_role,
            modes,
            trail,
            exemptions,
            organization: org_policy::validate_organization(ctx, self.organization)?,
            placement: org_policy::validate_placement(ctx, self.placement)?,
            scps: org_policy::validate_scps(ctx, self.scps)?,
            scp_aliases: BTreeMap::new(),
            root: root_policy::validate(ctx, self.root)?,
            guardduty,
        })
    }
}

impl RawExemption {
    fn validate(self, ctx: &Ctx<'_>, i: usize) -> Result<Exemption, PolicyError> {
        let key = format!("exemptions[{i}]");
        let p = self.principal.get_ref();
        if let Some(reason) = exemption::refusal(p) {
            return Err(ctx.err(
                format!("{key}.principal"),
                Some(&self.principal.span()),
                reason,
            ));
        }
        let mut guardrails = Vec::new();
        for (j, g) in self.guardrails.iter().enumerate() {
            guardrails.push(guardrail_id(
                ctx,
                format!("{key}.guardrails[{j}]"),
                g.get_ref(),
                &g.span(),
            )?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrails::guardduty::policy::{AutoEnable, DEFAULT_FINDING_TYPES};
    use crate::guardrails::org::policy::ParentRef;

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
        let p = Policy::parse(GOOD, "p.toml", &NoDocuments)?;
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
        match Policy::parse(text, "p.toml", &NoDocuments) {
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
        let docs: BTreeMap<String, String> = [
            (
                "scps/a.json".to_string(),
                r#"{"Version":"2012-10-17","Statement":[]}"#.to_string(),
            ),
            ("scps/bad.json".to_string(), "{not json".to_string()),
        ]
        .into_iter()
        .collect();
        let base = "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n";
        let good = format!(
            "{base}[placement]\nquarantine = \"Quarantine\"\n[placement.accounts]\n\"333333333333\" = \"Workloads/Prod\"\n\"444444444444\" = \"ou-ab12-abcdefgh\"\n[[scps]]\nid = \"p-abcd1234\"\nname = \"g\"\ndocument = \"scps/a.json\"\ntargets = [\"r-ab12\", \"Workloads\", \"333333333333\"]\n"
        );
        let p = Policy::parse(&good, "p.toml", &docs)?;
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
            Some(&ParentRef::Ou(
                crate::ids::OuId::parse("ou-ab12-abcdefgh").ok_or("ou")?
            ))
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

        let err = |text: String| match Policy::parse(&text, "p.toml", &docs) {
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
        Ok(())
    }

    #[test]
    fn default_policy_loads() {
        assert!(Policy::default_policy().is_ok());
    }

    #[test]
    fn refuses_wide_and_session_patterns_at_load() {
        for (pattern, says) in [
            ("*", "six colon-separated parts"),
            ("arn:aws:iam::*:*", "matches every principal"),
            ("arn:aws:iam::*:role/*", "exempts every role"),
            ("arn:aws:iam::*:user/*", "exempts every user"),
            ("arn:*:iam::*:role/*", "partition"),
            ("arn:aws:*::*:role/BreakGlass", "must be `iam`"),
            (
                "arn:aws:sts::*:assumed-role/Admin/BreakGlass*",
                "name the role ARN instead, `arn:aws:iam::*:role/Admin`",
            ),
        ] {
            let (key, line, reason) =
                refused(&GOOD.replace("arn:aws:iam::*:role/BreakGlass*", pattern));
            assert_eq!(
                (key.as_str(), line),
                ("exemptions[0].principal", 19),
                "{pattern}"
            );
            assert!(reason.contains(says), "{pattern}: {reason}");
        }
    }

    fn session(role: &str, session: &str) -> Actor {
        Actor {
            identity_type: Some("AssumedRole".into()),
            arn: Some(format!(
                "arn:aws:sts::033333333333:assumed-role/{role}/{session}"
            )),
            issuer_arn: Some(format!("arn:aws:iam::033333333333:role/{role}")),
            account: Some("033333333333".into()),
            ..Actor::default()
        }
    }

    #[test]
    fn exemption_for_goes_by_the_issuer_role_not_the_session_name() {
        let p = Policy::parse(GOOD, "p.toml", &NoDocuments).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let g = GuardrailId::TrailTampering;
        // The role matches, whatever the session is called.
        let e = p.exemption_for(g, &session("BreakGlassAdmin", "alice"), day);
        assert_eq!(
            e.map(|e| e.principal.as_str()),
            Some("arn:aws:iam::*:role/BreakGlass*")
        );
        // A session name that looks like the pattern does not make a session exempt.
        for name in [
            "BreakGlassAdmin",
            "role/BreakGlassAdmin",
            "x:role/BreakGlass",
        ] {
            assert_eq!(
                p.exemption_for(g, &session("Developer", name), day),
                None,
                "{name}"
            );
        }
        // Without an issuer, a session is never exempt (its ARN is not used).
        let mut a = session("BreakGlassAdmin", "alice");
        a.issuer_arn = None;
        assert_eq!(p.exemption_for(g, &a, day), None);
        // After the expiry day it no longer applies.
        let after = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(
            p.exemption_for(g, &session("BreakGlassAdmin", "alice"), after),
            None
        );
    }

    #[test]
    fn a_spoofed_session_name_is_remediated() {
        use crate::decision::Disposition;
        let p = Policy::parse(GOOD, "p.toml", &NoDocuments).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let event = |role: &str, session: &str| {
            let v = serde_json::json!({
                "eventVersion": "1.10",
                "userIdentity": {
                    "type": "AssumedRole",
                    "arn": format!("arn:aws:sts::011111111111:assumed-role/{role}/{session}"),
                    "accountId": "011111111111",
                    "sessionContext": {"sessionIssuer": {
                        "type": "Role",
                        "arn": format!("arn:aws:iam::011111111111:role/{role}"),
                        "accountId": "011111111111",
                        "userName": role
                    }}
                },
                "eventSource": "cloudtrail.amazonaws.com",
                "eventName": "StopLogging",
                "awsRegion": "us-east-1",
                "requestParameters": {"name": "org-trail"},
                "responseElements": null,
                "recipientAccountId": "011111111111"
            });
            crate::decode_event(&v).unwrap()
        };
        let d = crate::decide(&event("Developer", "BreakGlassAdmin"), &p, day);
        assert_eq!(d.guardrail, Some(GuardrailId::TrailTampering));
        assert_eq!(d.disposition, Disposition::Notify, "{d:?}");
        let d = crate::decide(&event("BreakGlassAdmin", "incident-1"), &p, day);
        assert!(matches!(d.disposition, Disposition::Exempt { .. }), "{d:?}");
    }

    const BASE: &str = "management_account = \"011111111111\"\naudit_account = \"022222222222\"\n";

    #[test]
    fn guardduty_defaults_follow_the_audit_account() {
        let p = Policy::parse(BASE, "p.toml", &NoDocuments).unwrap();
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
                &NoDocuments,
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
        let p = Policy::parse(&ok, "p.toml", &NoDocuments).unwrap();
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
