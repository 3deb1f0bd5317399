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
    out
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
        Ok(())
    }
}
