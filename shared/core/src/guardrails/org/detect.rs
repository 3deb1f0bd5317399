//! `account-placement` and `scp-integrity`: detection (pure).
//!
//! Organizations calls are recorded in the management account (us-east-1); the affected
//! member is in `requestParameters` or `serviceEventDetails`. LeaveOrganization and
//! AcceptHandshake are called from the member itself. Offline, an expectation written as an
//! OU path cannot be compared with the OU id in an event: any move of such an account is
//! judged a violation and the function (which resolves paths) skips the move when the
//! account is already in place.

use super::action::OrgAction;
use super::policy::{FULL_AWS_ACCESS, ParentRef, TargetRef};
use crate::catalog::{self, ORGANIZATIONS};
use crate::decision::Action;
use crate::event::{CloudTrailRecord, Envelope};
use crate::guardrails::Judgement;
use crate::ids::{AccountId, OuId, PolicyId, RootId};
use crate::model::{GuardrailId, Severity, Verdict};
use crate::policy::Policy;
use serde_json::Value;

pub const EVENT_SOURCE: &str = ORGANIZATIONS;

pub(crate) fn judge(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Option<Judgement> {
    let (source, name) = (record.source(), record.name());
    if catalog::claims_call(GuardrailId::AccountPlacement, source, name) {
        Some(placement(record, envelope, policy))
    } else if catalog::claims_call(GuardrailId::ScpIntegrity, source, name) {
        Some(scp(record, policy))
    } else {
        None
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

fn failed(j: &mut Judgement, record: &CloudTrailRecord, what: &str) {
    let code = record.error_text();
    j.verdict = Verdict::Attempt;
    j.severity = Severity::Medium;
    j.summary = format!("Failed {} {what} ({code})", record.name());
    j.reason = "the call failed; nothing changed".into();
    j.evidence.push(("error".into(), code));
}

/// The account that joins in an AcceptHandshake: the handshake's `ACCOUNT` party.
fn handshake_account(record: &CloudTrailRecord) -> Option<String> {
    record
        .response_elements
        .get("handshake")?
        .get("parties")?
        .as_array()?
        .iter()
        .find(|p| p.get("type").and_then(Value::as_str) == Some("ACCOUNT"))
        .and_then(|p| p.get("id").and_then(Value::as_str))
        .filter(|id| AccountId::is_valid(id))
        .map(str::to_string)
}

/// The account an Organizations placement event is about.
fn subject_account(record: &CloudTrailRecord, envelope: Option<&Envelope>) -> Option<String> {
    match record.name() {
        "CreateAccountResult" => str_at(
            &record.service_event_details,
            &["createAccountStatus", "accountId"],
        )
        .map(str::to_string),
        "AcceptHandshake" => handshake_account(record).or_else(|| {
            record
                .recipient_account_id
                .clone()
                .or_else(|| envelope.and_then(|e| e.account.clone()))
        }),
        "LeaveOrganization" => record
            .recipient_account_id
            .clone()
            .or_else(|| {
                record
                    .user_identity
                    .as_ref()
                    .and_then(|u| u.account_id.clone())
            })
            .or_else(|| envelope.and_then(|e| e.account.clone())),
        _ => record.param_str("accountId").map(str::to_string),
    }
    // Request parameters are the caller's strings (a failed call can carry anything).
    .filter(|a| AccountId::is_valid(a))
}

fn placement(record: &CloudTrailRecord, envelope: Option<&Envelope>, policy: &Policy) -> Judgement {
    let name = record.name();
    let mut j = Judgement::new(GuardrailId::AccountPlacement);
    let account = subject_account(record, envelope);
    j.subject.account = account.clone();
    j.subject.region = record.aws_region.clone();
    j.subject.resource = account.as_ref().map(|a| format!("account {a}"));
    let acct = account.clone().unwrap_or_else(|| "(unknown)".into());
    j.evidence.push(("account".into(), acct.clone()));
    if record.failed() {
        failed(&mut j, record, &format!("for account {acct}"));
        return j;
    }
    // The management account and the Audit account (where driftguard runs) are never sent to
    // quarantine: only an explicit entry places them.
    let protected = account
        .as_deref()
        .is_some_and(|a| policy.management_account == a || policy.audit_account == a);
    let expected = account
        .as_deref()
        .and_then(|a| {
            if protected {
                policy.placement.accounts.get(a)
            } else {
                policy.placement.expected(a)
            }
        })
        .cloned();
    let listed = account
        .as_deref()
        .is_some_and(|a| policy.placement.accounts.contains_key(a));
    if let Some(e) = &expected {
        j.evidence.push((
            "expected parent".into(),
            format!(
                "{e}{}",
                if listed {
                    ""
                } else {
                    " (quarantine: the policy does not list this account)"
                }
            ),
        ));
    }
    let move_back = |j: &mut Judgement| {
        if let (Some(a), Some(e)) = (account.as_deref().and_then(AccountId::parse), &expected) {
            j.planned.push(Action::Org(OrgAction::MoveAccount {
                account: a,
                to: e.clone(),
            }));
        }
    };
    match name {
        "LeaveOrganization" | "RemoveAccountFromOrganization" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = if name == "LeaveOrganization" {
                format!("Account {acct} left the organization")
            } else {
                format!("Account {acct} was removed from the organization")
            };
            j.reason = "the account is outside the organization: no guardrail SCP, no org trail, no GuardDuty administration; nothing to move back, act by hand".into();
        }
        "MoveAccount" => {
            let dest = record.param_str("destinationParentId").unwrap_or("");
            let source = record.param_str("sourceParentId").unwrap_or("");
            j.evidence
                .push(("moved".into(), format!("{source} -> {dest}")));
            let Some(e) = &expected else {
                j.summary = format!("Account {acct} was moved to {dest}");
                j.reason =
                    "the policy has no expected OU for this account and no quarantine OU".into();
                return j;
            };
            if policy.placement.id_of(e) == Some(dest) {
                j.summary =
                    format!("Account {acct} was moved to {dest}, where the policy expects it");
                j.reason = "the account is in its expected OU".into();
                return j;
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!("Account {acct} was moved to {dest}; the policy expects {e}");
            j.reason = match e {
                ParentRef::Path(p) if policy.placement.id_of(e).is_none() => format!(
                    "the expected OU is given as the path `{p}`, which is resolved at remediation (offline it cannot be compared with {dest}); the move is skipped if the account is already there"
                ),
                _ => "every account belongs in the OU the policy names (unlisted accounts in quarantine)".into(),
            };
            move_back(&mut j);
        }
        "CreateAccountResult" => {
            let state = str_at(
                &record.service_event_details,
                &["createAccountStatus", "state"],
            )
            .unwrap_or("");
            if state != "SUCCEEDED" {
                j.summary = format!(
                    "Account creation ended {}",
                    if state.is_empty() {
                        "without a state"
                    } else {
                        state
                    }
                );
                j.reason = "no account was created".into();
                return j;
            }
            if let Some(n) = str_at(
                &record.service_event_details,
                &["createAccountStatus", "accountName"],
            ) {
                j.evidence.push(("account name".into(), n.to_string()));
            }
            if expected.is_none() {
                j.summary = format!("Account {acct} was created");
                j.reason =
                    "the policy has no expected OU for this account and no quarantine OU".into();
                return j;
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::Medium;
            j.summary = format!(
                "Account {acct} was created at the root; it belongs in {}",
                expected
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            j.reason = "new accounts start at the root: they belong in their expected OU (quarantine until the policy lists them)".into();
            move_back(&mut j);
        }
        _ => {
            // AcceptHandshake: only an invitation makes an account join.
            let action =
                str_at(&record.response_elements, &["handshake", "action"]).unwrap_or("INVITE");
            if action != "INVITE" {
                j.summary = format!("Account {acct} accepted a handshake ({action})");
                j.reason = "the handshake does not add an account to the organization".into();
                return j;
            }
            if expected.is_none() {
                j.summary = format!("Account {acct} joined the organization");
                j.reason =
                    "the policy has no expected OU for this account and no quarantine OU".into();
                return j;
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::Medium;
            j.summary = format!(
                "Account {acct} joined the organization at the root; it belongs in {}",
                expected
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            j.reason = "accounts that join start at the root: they belong in their expected OU (quarantine until the policy lists them)".into();
            move_back(&mut j);
        }
    }
    j
}

/// Whether `target_id` is (or, with an OU path not resolved here, may be) a declared target.
/// An unresolved path is conservative: the executor resolves it and attaches only to a
/// declared target.
fn target_declared(policy: &Policy, decl_targets: &[TargetRef], target_id: &str) -> bool {
    decl_targets.iter().any(|t| match t {
        TargetRef::Account(a) => a == target_id,
        TargetRef::Parent(p) => match policy.placement.id_of(p) {
            Some(id) => id == target_id,
            None => p.as_str() == target_id || OuId::is_valid(target_id),
        },
    })
}

fn scp(record: &CloudTrailRecord, policy: &Policy) -> Judgement {
    let name = record.name();
    let mut j = Judgement::new(GuardrailId::ScpIntegrity);
    j.subject.account = record.recipient_account_id.clone();
    j.subject.region = record.aws_region.clone();
    if name == "DisablePolicyType" {
        let root = record.param_str("rootId").unwrap_or("").to_string();
        let ptype = record.param_str("policyType").unwrap_or("").to_string();
        j.subject.resource = Some(format!("{ptype} on {root}"));
        j.evidence.push(("policy type".into(), ptype.clone()));
        if !policy.organization.required_policy_types.contains(&ptype) {
            j.summary = format!("Policy type {ptype} was disabled on {root}");
            j.reason = "the policy does not require this policy type".into();
            return j;
        }
        if record.failed() {
            failed(&mut j, record, &format!("of {ptype}"));
            return j;
        }
        j.verdict = Verdict::Violation;
        j.severity = Severity::Critical;
        j.summary = format!(
            "Policy type {ptype} was disabled on {root}: every policy of that type is detached"
        );
        j.reason = "the policy requires this policy type to stay enabled".into();
        if let Some(root_id) = RootId::parse(&root) {
            j.planned.push(Action::Org(OrgAction::EnablePolicyType {
                root_id,
                policy_type: ptype.clone(),
            }));
            // Disabling the type detached every SCP; enabling it attaches only
            // p-FullAWSAccess. Put every guardrail SCP back on its targets.
            if ptype == "SERVICE_CONTROL_POLICY" {
                for decl in &policy.scps {
                    for t in &decl.targets {
                        let target = match t {
                            TargetRef::Account(a) => a.to_string(),
                            TargetRef::Parent(p) => policy
                                .placement
                                .id_of(p)
                                .map_or_else(|| p.as_str().to_string(), str::to_string),
                        };
                        j.planned.push(Action::Org(OrgAction::AttachPolicy {
                            policy_id: policy.current_scp_id(decl),
                            target,
                        }));
                    }
                }
            }
        }
        return j;
    }
    let policy_id = record
        .param_str("policyId")
        .or_else(|| {
            str_at(
                &record.response_elements,
                &["policy", "policySummary", "id"],
            )
        })
        .unwrap_or("")
        .to_string();
    j.subject.resource = Some(format!("policy {policy_id}"));
    j.evidence.push(("policy".into(), policy_id.clone()));
    if policy_id == FULL_AWS_ACCESS {
        j.summary = format!("{name} of {FULL_AWS_ACCESS}");
        j.reason =
            "p-FullAWSAccess is AWS-managed: it is not a guardrail (detaching it breaks workloads)"
                .into();
        return j;
    }
    let Some(decl) = policy.scp(&policy_id) else {
        j.summary = format!("{name} of policy {policy_id}");
        j.reason = if policy.scp_aliases.is_empty() && !policy.scps.is_empty() {
            "not a guardrail SCP in the policy (only declared ids are known here: a guardrail SCP recreated under a new id is recognised by org-guard, which resolves the declared names)".into()
        } else {
            "not a guardrail SCP in the policy".into()
        };
        return j;
    };
    // The id the event names (a guardrail SCP's declared or current id): steps act on it.
    let event_id = PolicyId::parse(&policy_id).unwrap_or_else(|| decl.id.clone());
    j.evidence.push(("guardrail SCP".into(), decl.name.clone()));
    if record.failed() {
        let target = record.param_str("targetId").unwrap_or("");
        if name != "DetachPolicy" || target_declared(policy, &decl.targets, target) {
            failed(&mut j, record, &format!("of guardrail SCP {}", decl.name));
        } else {
            j.summary = format!(
                "Failed {name} of guardrail SCP {} from {target}, not a declared target",
                decl.name
            );
            j.reason =
                "the call failed, and the policy does not require the SCP on that target".into();
        }
        return j;
    }
    match name {
        "DetachPolicy" => {
            let target = record.param_str("targetId").unwrap_or("").to_string();
            j.evidence.push(("target".into(), target.clone()));
            if !target_declared(policy, &decl.targets, &target) {
                j.summary = format!(
                    "Guardrail SCP {} was detached from {target}, which is not one of its declared targets",
                    decl.name
                );
                j.reason = "the policy does not require it on that target".into();
                return j;
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!(
                "Guardrail SCP {} ({policy_id}) was detached from {target}",
                decl.name
            );
            j.reason = "the policy requires this SCP to stay attached to this target".into();
            j.planned.push(Action::Org(OrgAction::AttachPolicy {
                policy_id: event_id.clone(),
                target,
            }));
        }
        "DeletePolicy" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!("Guardrail SCP {} ({policy_id}) was deleted", decl.name);
            j.reason = "the SCP is recreated from its baseline document and attached to its declared targets (it gets a new id: update `scps.id` in the policy)".into();
            j.planned.push(Action::Org(OrgAction::RecreatePolicy {
                policy_id: event_id.clone(),
                name: decl.name.clone(),
            }));
        }
        _ => {
            // UpdatePolicy: `content` is a JSON document inside a JSON string.
            let Some(content) = record.param_str("content") else {
                j.summary = format!(
                    "Guardrail SCP {} was updated without changing its content",
                    decl.name
                );
                j.reason = "name or description changes do not weaken the SCP".into();
                return j;
            };
            match serde_json::from_str::<Value>(content) {
                Ok(doc) if doc == decl.document => {
                    j.summary = format!(
                        "Guardrail SCP {} was updated with content equal to its baseline",
                        decl.name
                    );
                    j.reason = "the content is semantically the baseline document".into();
                    return j;
                }
                Ok(_) => j.evidence.push((
                    "content".into(),
                    "differs from the baseline document".into(),
                )),
                Err(_) => j
                    .evidence
                    .push(("content".into(), "not valid JSON in the event".into())),
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!(
                "Guardrail SCP {} ({policy_id}) content was changed",
                decl.name
            );
            j.reason = "the SCP must keep its baseline document".into();
            j.planned.push(Action::Org(OrgAction::RestorePolicyContent {
                policy_id: event_id.clone(),
            }));
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> CloudTrailRecord {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn management_and_audit_accounts_are_never_quarantined()
    -> Result<(), crate::policy::PolicyError> {
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n[placement]\nquarantine = \"ou-ab12-quarant1\"\n",
            "p.toml",
            &crate::policy::NoDocuments,
        )?;
        for account in ["111111111111", "222222222222"] {
            let r = record(
                json!({"eventSource": EVENT_SOURCE, "eventName": "MoveAccount",
                "requestParameters": {"accountId": account, "sourceParentId": "r-ab12", "destinationParentId": "ou-ab12-sandbox1"}}),
            );
            let j = judge(&r, None, &policy);
            assert!(
                j.as_ref()
                    .is_some_and(|j| j.planned.is_empty() && j.verdict == Verdict::Benign),
                "{account}: {j:?}"
            );
        }
        let r = record(
            json!({"eventSource": EVENT_SOURCE, "eventName": "MoveAccount",
            "requestParameters": {"accountId": "333333333333", "sourceParentId": "r-ab12", "destinationParentId": "ou-ab12-sandbox1"}}),
        );
        assert!(judge(&r, None, &policy).is_some_and(|j| j.verdict == Verdict::Violation));
        Ok(())
    }

    #[test]
    fn a_guardrail_scp_is_known_by_its_current_id_once_resolved() -> Result<(), String> {
        let docs: std::collections::BTreeMap<String, String> = [(
            "scp.json".to_string(),
            r#"{"Version":"2012-10-17","Statement":[]}"#.to_string(),
        )]
        .into_iter()
        .collect();
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n[[scps]]\nid = \"p-guard0001\"\nname = \"guard\"\ndocument = \"scp.json\"\ntargets = [\"r-ab12\"]\n",
            "p.toml",
            &docs,
        )
        .map_err(|e| e.to_string())?;
        let detach = record(
            json!({"eventSource": EVENT_SOURCE, "eventName": "DetachPolicy",
            "recipientAccountId": "111111111111",
            "requestParameters": {"policyId": "p-new00001", "targetId": "r-ab12"}}),
        );
        let offline = judge(&detach, None, &policy).ok_or("claimed")?;
        assert_eq!(offline.verdict, Verdict::Benign);
        assert!(
            offline.reason.contains("only declared ids are known"),
            "{}",
            offline.reason
        );
        let resolved = policy.with_scp_aliases(
            [("p-guard0001".to_string(), "p-new00001".to_string())]
                .into_iter()
                .collect(),
        );
        let j = judge(&detach, None, &resolved).ok_or("claimed")?;
        assert_eq!(j.verdict, Verdict::Violation);
        assert_eq!(
            j.planned
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["organizations:AttachPolicy policy p-new00001 to r-ab12"]
        );
        Ok(())
    }

    #[test]
    fn joining_account_is_the_handshake_account_party() {
        let r = record(
            json!({"eventSource": EVENT_SOURCE, "eventName": "AcceptHandshake", "recipientAccountId": "999999999999",
            "responseElements": {"handshake": {"action": "INVITE", "parties": [
                {"id": "o-abcdefghij", "type": "ORGANIZATION"}, {"id": "666666666666", "type": "ACCOUNT"}]}}}),
        );
        assert_eq!(subject_account(&r, None).as_deref(), Some("666666666666"));
    }

    #[test]
    fn malformed_account_ids_are_dropped() {
        let r = record(
            json!({"eventSource": EVENT_SOURCE, "eventName": "MoveAccount", "errorCode": "AccessDenied",
            "requestParameters": {"accountId": "<!channel> evil.example"}}),
        );
        assert_eq!(subject_account(&r, None), None);
    }
}
