//! `driftguard check-policy`: the summary of a valid policy, as the CLI prints it.

use crate::model::GuardrailId;
use crate::policy::Policy;

/// The lines `check-policy` prints for a policy that loaded (`origin` names the file).
pub fn summary(origin: &str, p: &Policy) -> Vec<String> {
    let mut out = vec![
        format!(
            "{origin}: OK: management account {}, audit account {}, {} governed regions, remediation role {}, {} declared trails, {} placed accounts (quarantine: {}), {} guardrail SCPs, {} exemptions",
            p.management_account,
            p.audit_account,
            if p.regions.is_empty() {
                "all".to_string()
            } else {
                p.regions.len().to_string()
            },
            p.remediation_role,
            p.trail.trails.len(),
            p.placement.accounts.len(),
            p.placement
                .quarantine
                .as_ref()
                .map_or("none".to_string(), ToString::to_string),
            p.scps.len(),
            p.exemptions.len()
        ),
        format!(
            "  GuardDuty: administrator {}, auto-enable {}, findings alerted at severity >= {:.1} or of {} listed types; {} sanctioned root procedures",
            p.guardduty.administrator,
            p.guardduty
                .auto_enable
                .map_or("not managed", |a| a.as_str()),
            p.guardduty.severity_threshold,
            p.guardduty.finding_types.len(),
            p.root.sanctioned.len()
        ),
    ];
    for g in GuardrailId::ALL {
        out.push(format!("  {g}: {:?}", p.mode(g)));
    }
    out.extend(exemption_warnings(p));
    out
}

/// `  warning:` lines for exemptions that load but are wider or longer-lived than they
/// should be: a wildcard account, no `expires`.
fn exemption_warnings(p: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for (i, e) in p.exemptions.iter().enumerate() {
        if e.account_is_wildcard() {
            let pinned = pinned_example(&e.principal);
            out.push(format!(
                "  warning: exemptions[{i}] `{}`: the account is a wildcard: a principal of this name in any matching account is exempt, and an administrator of any member account can create one; name the account: `{pinned}`",
                e.principal
            ));
        }
        if e.expires.is_none() {
            out.push(format!(
                "  warning: exemptions[{i}] `{}`: no `expires`: it applies until someone removes it; add the last day it should apply (`expires = YYYY-MM-DD`)",
                e.principal
            ));
        }
    }
    out
}

/// The pattern with its account component replaced by `ACCOUNT_ID`.
fn pinned_example(pattern: &str) -> String {
    let mut parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if let Some(account) = parts.get_mut(4) {
        *account = "ACCOUNT_ID";
    }
    parts.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::NoDocuments;

    #[test]
    fn summarises_the_default_policy() -> Result<(), crate::policy::PolicyError> {
        let p = Policy::parse(
            "management_account = \"011111111111\"\naudit_account = \"022222222222\"\nregions = [\"eu-west-1\"]\n[guardrails.root-activity]\nmode = \"notify\"\n",
            "p.toml",
            &NoDocuments,
        )?;
        let lines = summary("p.toml", &p);
        assert_eq!(
            lines.first().map(String::as_str),
            Some(
                "p.toml: OK: management account 011111111111, audit account 022222222222, 1 governed regions, remediation role DriftguardRemediation, 0 declared trails, 0 placed accounts (quarantine: none), 0 guardrail SCPs, 0 exemptions"
            )
        );
        assert!(lines.contains(&"  root-activity: Notify".to_string()));
        assert!(lines.contains(&"  trail-tampering: Enforce".to_string()));
        assert!(!lines.iter().any(|l| l.contains("warning")), "{lines:?}");
        Ok(())
    }

    #[test]
    fn warns_about_wildcard_accounts_and_missing_expiry() -> Result<(), crate::policy::PolicyError>
    {
        let p = Policy::parse(
            r#"management_account = "011111111111"
audit_account = "022222222222"

[[exemptions]]
principal = "arn:aws:iam::*:role/BreakGlass*"
expires = 2026-12-31
reason = "wildcard account"

[[exemptions]]
principal = "arn:aws:iam::033333333333:role/Ops"
reason = "no expiry"

[[exemptions]]
principal = "arn:aws:iam::0333333333??:user/alice"
reason = "both"

[[exemptions]]
principal = "arn:aws:iam::033333333333:role/Pinned"
expires = 2026-12-31
reason = "neither"
"#,
            "p.toml",
            &NoDocuments,
        )?;
        let lines = summary("p.toml", &p);
        let warnings: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .filter(|l| l.starts_with("  warning:"))
            .collect();
        assert_eq!(
            warnings,
            vec![
                "  warning: exemptions[0] `arn:aws:iam::*:role/BreakGlass*`: the account is a wildcard: a principal of this name in any matching account is exempt, and an administrator of any member account can create one; name the account: `arn:aws:iam::ACCOUNT_ID:role/BreakGlass*`",
                "  warning: exemptions[1] `arn:aws:iam::033333333333:role/Ops`: no `expires`: it applies until someone removes it; add the last day it should apply (`expires = YYYY-MM-DD`)",
                "  warning: exemptions[2] `arn:aws:iam::0333333333??:user/alice`: the account is a wildcard: a principal of this name in any matching account is exempt, and an administrator of any member account can create one; name the account: `arn:aws:iam::ACCOUNT_ID:user/alice`",
                "  warning: exemptions[2] `arn:aws:iam::0333333333??:user/alice`: no `expires`: it applies until someone removes it; add the last day it should apply (`expires = YYYY-MM-DD`)",
            ]
        );
        // The warnings come after the summary and the modes.
        assert!(lines.first().is_some_and(|l| l.contains(": OK: ")));
        assert_eq!(lines.len(), 2 + GuardrailId::ALL.len() + 4);
        assert!(
            lines
                .iter()
                .rev()
                .take(4)
                .all(|l| l.starts_with("  warning:"))
        );
        Ok(())
    }
}
