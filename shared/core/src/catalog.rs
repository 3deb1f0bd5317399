//! The guardrail catalog: one table naming each guardrail, the function that owns it and the
//! events it claims. The detectors gate on it ([`claims_call`]), the functions take their
//! guardrail list from it ([`owned_by`]), and a test holds `infra/modules/event-patterns`
//! (which reads `catalog.json`, generated from this table) to it, so routing and judging
//! cannot drift apart.

use crate::model::GuardrailId;
use serde::Serialize;

/// What reaches a guardrail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// CloudTrail records of these `eventName`s from this `eventSource` (never the name
    /// alone: IAM also has DeletePolicy, Macie also has DisassociateFromAdministratorAccount).
    Calls {
        event_source: &'static str,
        event_names: &'static [&'static str],
    },
    /// Any CloudTrail record made by an account's root user (`userIdentity.type == "Root"`).
    RootIdentity,
    /// EventBridge events of detail-type `GuardDuty Finding`.
    GuardDutyFindings,
}

/// One row of the catalog (`driftguard catalog` prints them as JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub guardrail: GuardrailId,
    /// The Lambda function (package and binary name) that acts on the guardrail.
    pub function: &'static str,
    pub trigger: Trigger,
}

pub const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
pub const ORGANIZATIONS: &str = "organizations.amazonaws.com";
pub const GUARDDUTY: &str = "guardduty.amazonaws.com";

pub const TRAIL_GUARD: &str = "trail-guard";
pub const ORG_GUARD: &str = "org-guard";
pub const ROOT_GUARD: &str = "root-guard";
pub const GUARDDUTY_GUARD: &str = "guardduty-guard";

/// Every guardrail, in the order `decide_all` reports them.
pub const CATALOG: [Entry; 6] = [
    Entry {
        guardrail: GuardrailId::TrailTampering,
        function: TRAIL_GUARD,
        trigger: Trigger::Calls {
            event_source: CLOUDTRAIL,
            event_names: &[
                "StopLogging",
                "DeleteTrail",
                "UpdateTrail",
                "PutEventSelectors",
                "CreateTrail",
            ],
        },
    },
    Entry {
        guardrail: GuardrailId::AccountPlacement,
        function: ORG_GUARD,
        trigger: Trigger::Calls {
            event_source: ORGANIZATIONS,
            event_names: &[
                "MoveAccount",
                "CreateAccountResult",
                "AcceptHandshake",
                "LeaveOrganization",
                "RemoveAccountFromOrganization",
            ],
        },
    },
    Entry {
        guardrail: GuardrailId::ScpIntegrity,
        function: ORG_GUARD,
        trigger: Trigger::Calls {
            event_source: ORGANIZATIONS,
            event_names: &[
                "DetachPolicy",
                "DeletePolicy",
                "UpdatePolicy",
                "DisablePolicyType",
            ],
        },
    },
    Entry {
        guardrail: GuardrailId::GuarddutyTampering,
        function: GUARDDUTY_GUARD,
        trigger: Trigger::Calls {
            event_source: GUARDDUTY,
            event_names: &[
                "DeleteDetector",
                "UpdateDetector",
                "DisassociateFromMasterAccount",
                "DisassociateFromAdministratorAccount",
                "DeleteMembers",
                "DisassociateMembers",
                "UpdateOrganizationConfiguration",
            ],
        },
    },
    Entry {
        guardrail: GuardrailId::RootActivity,
        function: ROOT_GUARD,
        trigger: Trigger::RootIdentity,
    },
    Entry {
        guardrail: GuardrailId::GuarddutyFinding,
        function: GUARDDUTY_GUARD,
        trigger: Trigger::GuardDutyFindings,
    },
];

/// The catalog row of a guardrail.
pub fn entry(guardrail: GuardrailId) -> Entry {
    // CATALOG lists every GuardrailId (a unit test checks it); the fallback keeps this total.
    CATALOG
        .iter()
        .copied()
        .find(|e| e.guardrail == guardrail)
        .unwrap_or(Entry {
            guardrail,
            function: "(unknown)",
            trigger: Trigger::Calls {
                event_source: "",
                event_names: &[],
            },
        })
}

/// The function that owns a guardrail.
pub fn function_of(guardrail: GuardrailId) -> &'static str {
    entry(guardrail).function
}

/// The guardrails a function owns, in catalog order.
pub fn owned_by(function: &str) -> Vec<GuardrailId> {
    CATALOG
        .iter()
        .filter(|e| e.function == function)
        .map(|e| e.guardrail)
        .collect()
}

/// Whether `guardrail` claims the CloudTrail call `event_source` + `event_name`.
pub fn claims_call(guardrail: GuardrailId, event_source: &str, event_name: &str) -> bool {
    match entry(guardrail).trigger {
        Trigger::Calls {
            event_source: s,
            event_names,
        } => s == event_source && event_names.contains(&event_name),
        Trigger::RootIdentity | Trigger::GuardDutyFindings => false,
    }
}

/// Every function, once, in catalog order.
pub fn functions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for e in &CATALOG {
        if !out.contains(&e.function) {
            out.push(e.function);
        }
    }
    out
}

/// The routed CloudTrail calls as `catalog.json` holds them: function -> event source ->
/// event names (what `infra/modules/event-patterns` reads).
pub fn routed_calls() -> std::collections::BTreeMap<
    &'static str,
    std::collections::BTreeMap<&'static str, Vec<&'static str>>,
> {
    let mut out: std::collections::BTreeMap<_, std::collections::BTreeMap<_, Vec<_>>> =
        std::collections::BTreeMap::new();
    for e in &CATALOG {
        if let Trigger::Calls {
            event_source,
            event_names,
        } = e.trigger
        {
            out.entry(e.function)
                .or_default()
                .entry(event_source)
                .or_default()
                .extend_from_slice(event_names);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guardrail_has_one_row() {
        for g in GuardrailId::ALL {
            assert_eq!(
                CATALOG.iter().filter(|e| e.guardrail == g).count(),
                1,
                "{g}"
            );
            assert_ne!(function_of(g), "(unknown)");
        }
        assert_eq!(CATALOG.len(), GuardrailId::ALL.len());
    }

    #[test]
    fn claims_key_on_source_and_name() {
        assert!(claims_call(
            GuardrailId::ScpIntegrity,
            ORGANIZATIONS,
            "DeletePolicy"
        ));
        assert!(!claims_call(
            GuardrailId::ScpIntegrity,
            "iam.amazonaws.com",
            "DeletePolicy"
        ));
        assert!(!claims_call(
            GuardrailId::AccountPlacement,
            ORGANIZATIONS,
            "DeletePolicy"
        ));
        assert_eq!(
            owned_by(ORG_GUARD),
            vec![GuardrailId::AccountPlacement, GuardrailId::ScpIntegrity]
        );
        assert_eq!(
            functions(),
            vec![TRAIL_GUARD, ORG_GUARD, GUARDDUTY_GUARD, ROOT_GUARD]
        );
    }
}
