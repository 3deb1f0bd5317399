//! `[guardduty]`: GuardDuty expectations and finding alerting.

use crate::ids::AccountId;
use crate::policy::PolicyError;
use crate::policy::fields::{Ctx, account_id};
use serde::{Deserialize, Serialize};
use toml::Spanned;

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

    /// Whether the organization's current setting (as GuardDuty reports it: `ALL`, `NEW`,
    /// `NONE`, or unset) meets this one. ALL meets a policy that asks for NEW: driftguard
    /// never lowers the organization's coverage.
    pub fn met_by(self, current: Option<&str>) -> bool {
        match current {
            Some(c) if c.eq_ignore_ascii_case("ALL") => true,
            Some(c) if c.eq_ignore_ascii_case("NEW") => self == AutoEnable::New,
            _ => false,
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
    pub administrator: AccountId,
    /// The auto-enable setting the organization must keep; `None`: not managed.
    pub auto_enable: Option<AutoEnable>,
    /// Findings at or above this GuardDuty severity are alerted.
    pub severity_threshold: f64,
    /// Finding types alerted whatever their severity.
    pub finding_types: Vec<String>,
}

impl GuardDutyPolicy {
    fn with_administrator(administrator: &AccountId) -> GuardDutyPolicy {
        GuardDutyPolicy {
            administrator: administrator.clone(),
            auto_enable: None,
            severity_threshold: DEFAULT_SEVERITY_THRESHOLD,
            finding_types: DEFAULT_FINDING_TYPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuardDuty {
    #[serde(default)]
    administrator: Option<Spanned<toml::Value>>,
    #[serde(default)]
    auto_enable: Option<Spanned<String>>,
    #[serde(default)]
    severity_threshold: Option<Spanned<toml::Value>>,
    #[serde(default)]
    finding_types: Option<Vec<Spanned<String>>>,
}

pub(crate) fn validate(
    ctx: &Ctx<'_>,
    raw: Option<RawGuardDuty>,
    audit_account: &AccountId,
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
