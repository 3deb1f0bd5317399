//! org-guard end to end against moto: accounts moved back to their expected OU, new accounts
//! to Quarantine, guardrail SCPs re-attached / restored / recreated, the SCP policy type
//! re-enabled, and LeaveOrganization alerted without any write; each alert read exactly as
//! an SQS subscriber of the topic receives it.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use driftguard_tests::{BoxError, CtEvent, MANAGEMENT_ACCOUNT, SCP_DOCUMENT, SCP_NAME, World};
use serde_json::{Value, json};

const EVENT_ID: &str = "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f100";

fn context(alert: &driftguard_tests::Alert) -> Vec<(String, String)> {
    alert.message["context"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|kv| {
                    (
                        kv["key"].as_str().unwrap_or("").to_string(),
                        kv["value"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn production_account_moved_to_sandbox_is_moved_back() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    w.organizations()
        .move_account()
        .account_id(&w.member_account)
        .source_parent_id(&org.production)
        .destination_parent_id(&org.sandbox)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "MoveAccount", EVENT_ID)
        .request(json!({"accountId": w.member_account, "sourceParentId": org.production, "destinationParentId": org.sandbox}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(
        (resp.decision.verdict.as_str(), resp.outcome.as_str()),
        ("violation", "remediated")
    );
    assert_eq!(
        w.parent_of(&w.member_account).await?,
        org.production,
        "moved back to Production in moto"
    );

    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] HIGH account-placement violation in {}: remediated",
            w.member_account
        )
    );
    assert_eq!(
        alert.attributes.get("guardrail").map(String::as_str),
        Some("account-placement")
    );
    assert_eq!(
        alert.message["summary"],
        json!(format!(
            "Account {} was moved to {}; the policy expects Workloads/Production",
            w.member_account, org.sandbox
        ))
    );
    assert_eq!(
        alert.message["steps"],
        json!([{
            "action": format!("organizations:MoveAccount account {} to Workloads/Production", w.member_account),
            "status": "done",
            "detail": format!("moved from Sandbox ({}) to Workloads/Production ({})", org.sandbox, org.production)
        }])
    );
    // Alerts carry account names and OU paths, not only ids.
    assert_eq!(
        context(&alert),
        vec![
            ("account name".to_string(), "Workload".to_string()),
            (
                "current OU".to_string(),
                format!("Workloads/Production ({})", org.production)
            ),
            (
                "expected OU".to_string(),
                format!("Workloads/Production ({})", org.production)
            ),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn move_into_the_expected_ou_is_benign() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "MoveAccount", EVENT_ID)
        .request(json!({"accountId": w.member_account, "sourceParentId": org.sandbox, "destinationParentId": org.production}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(
        resp.decision.verdict.as_str(),
        "benign",
        "the OU path was resolved at cold start, so the decision is exact"
    );
    assert!(
        w.alerts(std::time::Duration::from_secs(2))
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn account_created_at_the_root_goes_to_quarantine() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let created = w
        .organizations()
        .create_account()
        .account_name("shadow-it")
        .email("shadow@example.com")
        .send()
        .await?
        .create_account_status
        .and_then(|s| s.account_id)
        .ok_or("no account id")?;
    assert_eq!(w.parent_of(&created).await?, org.root_id);
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "CreateAccountResult", EVENT_ID)
        .service_event(json!({"createAccountStatus": {"id": "car-1", "state": "SUCCEEDED", "accountName": "shadow-it", "accountId": created,
            "requestedTimestamp": "Nov 23, 2026 10:00:00 AM", "completedTimestamp": "Nov 23, 2026 10:01:00 AM"}}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert_eq!(w.parent_of(&created).await?, org.quarantine);
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes.get("severity").map(String::as_str),
        Some("medium")
    );
    assert_eq!(
        alert.message["summary"],
        json!(format!(
            "Account {created} was created at the root; it belongs in Quarantine"
        ))
    );
    assert_eq!(
        alert.message["steps"][0]["detail"],
        json!(format!(
            "moved from Root ({}) to Quarantine ({})",
            org.root_id, org.quarantine
        ))
    );
    assert!(context(&alert).contains(&("account name".to_string(), "shadow-it".to_string())));
    Ok(())
}

async fn targets(w: &World, policy_id: &str) -> Result<Vec<String>, BoxError> {
    let mut t: Vec<String> = w
        .organizations()
        .list_targets_for_policy()
        .policy_id(policy_id)
        .send()
        .await?
        .targets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| t.target_id)
        .collect();
    t.sort();
    Ok(t)
}

#[tokio::test]
async fn guardrail_scp_detached_through_driftguards_role_is_attached_again() -> Result<(), BoxError>
{
    let w = World::start().await?;
    let org = w.build_org().await?;
    w.organizations()
        .detach_policy()
        .policy_id(&org.scp_id)
        .target_id(&org.production)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "DetachPolicy", EVENT_ID)
        .request(json!({"policyId": org.scp_id, "targetId": org.production}))
        .by(&format!(
            "arn:aws:sts::{MANAGEMENT_ACCOUNT}:assumed-role/DriftguardRemediation/driftguard-org-guard-{EVENT_ID}"
        ))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(
        (resp.decision.verdict.as_str(), resp.outcome.as_str()),
        ("violation", "remediated")
    );
    let mut expected = vec![org.root_id.clone(), org.production.clone()];
    expected.sort();
    assert_eq!(targets(&w, &org.scp_id).await?, expected);
    let alert = w.one_alert().await?;
    assert!(
        alert.message["summary"]
            .as_str()
            .is_some_and(|s| s.contains("the role was abused")),
        "{}",
        alert.message["summary"]
    );
    Ok(())
}

#[tokio::test]
async fn detached_guardrail_scp_is_attached_again() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    w.organizations()
        .detach_policy()
        .policy_id(&org.scp_id)
        .target_id(&org.production)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "DetachPolicy", EVENT_ID)
        .request(json!({"policyId": org.scp_id, "targetId": org.production}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    let mut expected = vec![org.root_id.clone(), org.production.clone()];
    expected.sort();
    assert_eq!(targets(&w, &org.scp_id).await?, expected);
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL scp-integrity violation in {MANAGEMENT_ACCOUNT}: remediated"
        )
    );
    assert_eq!(
        alert.message["steps"],
        json!([{
            "action": format!("organizations:AttachPolicy policy {} to {}", org.scp_id, org.production),
            "status": "done",
            "detail": format!("{} attached to Workloads/Production ({}) again", org.scp_id, org.production)
        }])
    );
    assert_eq!(
        context(&alert),
        vec![(
            "target OU".to_string(),
            format!("Workloads/Production ({})", org.production)
        )]
    );
    Ok(())
}

#[tokio::test]
async fn changed_guardrail_scp_content_is_restored() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let weakened =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    w.organizations()
        .update_policy()
        .policy_id(&org.scp_id)
        .content(weakened)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "UpdatePolicy", EVENT_ID)
        .request(json!({"policyId": org.scp_id, "content": weakened}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    let content = w
        .organizations()
        .describe_policy()
        .policy_id(&org.scp_id)
        .send()
        .await?
        .policy
        .and_then(|p| p.content)
        .ok_or("no content")?;
    assert_eq!(
        serde_json::from_str::<Value>(&content)?,
        serde_json::from_str::<Value>(SCP_DOCUMENT)?
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes.get("severity").map(String::as_str),
        Some("high")
    );
    assert_eq!(
        alert.message["steps"][0]["detail"],
        "content restored from the baseline document"
    );

    // The same content, formatted differently, is not a change.
    let reformatted = serde_json::to_string_pretty(&serde_json::from_str::<Value>(SCP_DOCUMENT)?)?;
    let ev = CtEvent::organizations(
        MANAGEMENT_ACCOUNT,
        "UpdatePolicy",
        "2e2d3c4b-5a69-4788-97a6-b5c4d3e2f100",
    )
    .request(json!({"policyId": org.scp_id, "content": reformatted}))
    .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-2"))
        .await?;
    assert_eq!(resp.decision.verdict.as_str(), "benign");
    Ok(())
}

/// A guardrail SCP recreated under a new id stays guarded: detaching the new id again is a
/// violation and it is attached again, by the warm function (it learnt the new id when it
/// recreated the SCP) and by a cold one (it resolves the declared names at start).
#[tokio::test]
async fn recreated_guardrail_scp_detached_again_is_attached_again() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let orgs = w.organizations();
    for t in [&org.root_id, &org.production] {
        orgs.detach_policy()
            .policy_id(&org.scp_id)
            .target_id(t)
            .send()
            .await?;
    }
    orgs.delete_policy().policy_id(&org.scp_id).send().await?;
    let warm = w.org_guard(&org, "enforce").await?;
    let deleted = CtEvent::organizations(MANAGEMENT_ACCOUNT, "DeletePolicy", EVENT_ID)
        .request(json!({"policyId": org.scp_id}))
        .to_json();
    assert_eq!(
        warm.handle(&deleted, Some("req-1")).await?.outcome.as_str(),
        "remediated"
    );
    let recreated = orgs
        .list_policies()
        .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .send()
        .await?
        .policies
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.name.as_deref() == Some(SCP_NAME))
        .and_then(|p| p.id)
        .ok_or("the SCP must exist again")?;
    assert_ne!(recreated, org.scp_id);
    let _ = w.alerts(std::time::Duration::from_secs(2)).await?;

    let cold = w.org_guard(&org, "enforce").await?;
    for (i, pipeline) in [&warm, &cold].into_iter().enumerate() {
        orgs.detach_policy()
            .policy_id(&recreated)
            .target_id(&org.production)
            .send()
            .await?;
        let ev = CtEvent::organizations(
            MANAGEMENT_ACCOUNT,
            "DetachPolicy",
            &format!("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6{i}"),
        )
        .request(json!({"policyId": recreated, "targetId": org.production}))
        .to_json();
        let resp = pipeline.handle(&ev, Some("req-2")).await?;
        assert_eq!(
            (resp.decision.verdict.as_str(), resp.outcome.as_str()),
            ("violation", "remediated"),
            "{}",
            if i == 0 { "warm" } else { "cold" }
        );
        let mut expected = vec![org.root_id.clone(), org.production.clone()];
        expected.sort();
        assert_eq!(targets(&w, &recreated).await?, expected);
        let alert = w.one_alert().await?;
        assert_eq!(
            alert.message["planned"],
            json!([format!(
                "organizations:AttachPolicy policy {recreated} to {}",
                org.production
            )])
        );
    }
    Ok(())
}

#[tokio::test]
async fn deleted_guardrail_scp_is_recreated_and_attached() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let orgs = w.organizations();
    for t in [&org.root_id, &org.production] {
        orgs.detach_policy()
            .policy_id(&org.scp_id)
            .target_id(t)
            .send()
            .await?;
    }
    orgs.delete_policy().policy_id(&org.scp_id).send().await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "DeletePolicy", EVENT_ID)
        .request(json!({"policyId": org.scp_id}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    let recreated = orgs
        .list_policies()
        .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .send()
        .await?
        .policies
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.name.as_deref() == Some(SCP_NAME))
        .and_then(|p| p.id)
        .ok_or("the SCP must exist again")?;
    let mut expected = vec![org.root_id.clone(), org.production.clone()];
    expected.sort();
    assert_eq!(targets(&w, &recreated).await?, expected);
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.message["steps"][0]["detail"],
        json!(format!(
            "recreated as {recreated} and attached to Root ({}), Workloads/Production ({}); update scps.id in the policy file to {recreated}",
            org.root_id, org.production
        ))
    );
    Ok(())
}

#[tokio::test]
async fn disabled_scp_policy_type_is_enabled_again() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let orgs = w.organizations();
    // In AWS, disabling the type detaches every SCP (no DetachPolicy events); moto does not,
    // so the test detaches the guardrail SCP itself.
    for t in [&org.root_id, &org.production] {
        orgs.detach_policy()
            .policy_id(&org.scp_id)
            .target_id(t)
            .send()
            .await?;
    }
    orgs.disable_policy_type()
        .root_id(&org.root_id)
        .policy_type(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "DisablePolicyType", EVENT_ID)
        .request(json!({"rootId": org.root_id, "policyType": "SERVICE_CONTROL_POLICY"}))
        .to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    let enabled = orgs
        .list_roots()
        .send()
        .await?
        .roots
        .unwrap_or_default()
        .iter()
        .any(|r| {
            r.policy_types
                .as_deref()
                .unwrap_or_default()
                .iter()
                .any(|t| {
                    t.r#type == Some(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
                        && t.status == Some(aws_sdk_organizations::types::PolicyTypeStatus::Enabled)
                })
        });
    assert!(
        enabled,
        "SERVICE_CONTROL_POLICY must be enabled on the root again"
    );
    let mut expected = vec![org.root_id.clone(), org.production.clone()];
    expected.sort();
    assert_eq!(
        targets(&w, &org.scp_id).await?,
        expected,
        "the guardrail SCP must be attached again"
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes.get("severity").map(String::as_str),
        Some("critical")
    );
    assert_eq!(
        alert.message["steps"][0]["action"],
        json!(format!(
            "organizations:EnablePolicyType SERVICE_CONTROL_POLICY on {}",
            org.root_id
        ))
    );
    Ok(())
}

#[tokio::test]
async fn leave_organization_is_critical_and_writes_nothing() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let ev = CtEvent::organizations(&w.member_account, "LeaveOrganization", EVENT_ID).to_json();
    let resp = w
        .org_guard(&org, "enforce")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(
        (
            resp.decision.verdict.as_str(),
            resp.decision.severity.map_or("", |s| s.as_str()),
            resp.outcome.as_str()
        ),
        ("violation", "critical", "none")
    );
    assert_eq!(
        w.parent_of(&w.member_account).await?,
        org.production,
        "nothing moved"
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL account-placement violation in {}: alert only",
            w.member_account
        )
    );
    assert_eq!(
        alert.message["summary"],
        json!(format!(
            "Account {} left the organization",
            w.member_account
        ))
    );
    assert_eq!(alert.message["steps"], json!([]));
    assert!(context(&alert).contains(&("account name".to_string(), "Workload".to_string())));
    Ok(())
}

#[tokio::test]
async fn notify_mode_moves_nothing() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    w.organizations()
        .move_account()
        .account_id(&w.member_account)
        .source_parent_id(&org.production)
        .destination_parent_id(&org.sandbox)
        .send()
        .await?;
    let ev = CtEvent::organizations(MANAGEMENT_ACCOUNT, "MoveAccount", EVENT_ID)
        .request(json!({"accountId": w.member_account, "sourceParentId": org.production, "destinationParentId": org.sandbox}))
        .to_json();
    let resp = w
        .org_guard(&org, "notify")
        .await?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "planned");
    assert_eq!(w.parent_of(&w.member_account).await?, org.sandbox);
    let alert = w.one_alert().await?;
    assert_eq!(alert.message["disposition"], "notify");
    Ok(())
}
