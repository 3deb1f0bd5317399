//! guardduty-guard end to end: detectors in moto (CreateDetector, GetDetector, UpdateDetector,
//! DeleteDetector are emulated), the administrator's member and organization-configuration
//! calls through aws-smithy-mocks (moto has no GetMembers, CreateMembers,
//! DescribeOrganizationConfiguration or UpdateOrganizationConfiguration), the finding ledger
//! in moto's DynamoDB, and every alert read from the SQS queue subscribed to the topic.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use aws_sdk_guardduty::operation::create_members::CreateMembersOutput;
use aws_sdk_guardduty::operation::describe_organization_configuration::DescribeOrganizationConfigurationOutput;
use aws_sdk_guardduty::operation::get_members::{GetMembersError, GetMembersOutput};
use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
use aws_sdk_guardduty::operation::update_organization_configuration::UpdateOrganizationConfigurationOutput;
use aws_sdk_guardduty::types::{AutoEnableMembers, DetectorStatus, Member, UnprocessedAccount};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use driftguard_tests::{BoxError, CtEvent, World, finding_event};
use serde_json::json;
use std::time::Duration;

const ADMIN_DETECTOR: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn list_admin_detector() -> Rule {
    mock!(aws_sdk_guardduty::Client::list_detectors).then_output(|| {
        ListDetectorsOutput::builder()
            .detector_ids(ADMIN_DETECTOR)
            .build()
    })
}

fn member(account: &str, status: &str) -> GetMembersOutput {
    GetMembersOutput::builder()
        .members(
            Member::builder()
                .account_id(account)
                .master_id("000000000000")
                .email("x@example.com")
                .relationship_status(status)
                .updated_at("2026-11-23T10:00:00Z")
                .build(),
        )
        .build()
}

/// GetMembers answers `before` (`None`: not a member), then `after` (read back after
/// CreateMembers).
fn members_then(account: &str, before: Option<&str>, after: &str) -> Rule {
    let (a1, a2) = (account.to_string(), account.to_string());
    let before = before.map(str::to_string);
    let after = after.to_string();
    mock!(aws_sdk_guardduty::Client::get_members)
        .match_requests(|r| r.detector_id() == Some(ADMIN_DETECTOR))
        .sequence()
        .output(move || match &before {
            Some(s) => member(&a1, s),
            None => GetMembersOutput::builder().build(),
        })
        .output(move || member(&a2, &after))
        .build()
}

fn create_members_for(account: &str, email: &str) -> Rule {
    let (account, email) = (account.to_string(), email.to_string());
    mock!(aws_sdk_guardduty::Client::create_members)
        .match_requests(move |r| {
            r.detector_id() == Some(ADMIN_DETECTOR)
                && r.account_details().len() == 1
                && r.account_details()[0].account_id() == Some(account.as_str())
                && r.account_details()[0].email() == Some(email.as_str())
        })
        .then_output(|| CreateMembersOutput::builder().build())
}

fn org_config(current: AutoEnableMembers) -> Rule {
    mock!(aws_sdk_guardduty::Client::describe_organization_configuration).then_output(move || {
        DescribeOrganizationConfigurationOutput::builder()
            .auto_enable_organization_members(current.clone())
            .build()
    })
}

fn set_all() -> Rule {
    mock!(aws_sdk_guardduty::Client::update_organization_configuration)
        .match_requests(|r| {
            r.detector_id() == Some(ADMIN_DETECTOR)
                && r.auto_enable_organization_members() == Some(&AutoEnableMembers::All)
        })
        .then_output(|| UpdateOrganizationConfigurationOutput::builder().build())
}

async fn detector_states(w: &World) -> Result<Vec<(String, DetectorStatus)>, BoxError> {
    let gd = w.member_guardduty();
    let mut out = Vec::new();
    for id in gd
        .list_detectors()
        .send()
        .await?
        .detector_ids
        .unwrap_or_default()
    {
        let d = gd.get_detector().detector_id(&id).send().await?;
        out.push((id, d.status.ok_or("no status")?));
    }
    Ok(out)
}

/// DeleteDetector through driftguard's own role (a driftguard- session) is not a call
/// driftguard makes: critical, and the detector is recreated.
#[tokio::test]
async fn detector_deleted_through_driftguards_role_is_recreated() -> Result<(), BoxError> {
    let w = World::start().await?;
    let gd = w.member_guardduty();
    let id = gd
        .create_detector()
        .enable(true)
        .send()
        .await?
        .detector_id
        .ok_or("no detector id")?;
    gd.delete_detector().detector_id(&id).send().await?;
    let list = list_admin_detector();
    let members = members_then(&w.member_account, Some("Removed"), "Enabled");
    let create = create_members_for(&w.member_account, "workload@example.com");
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &create]
    );
    let policy = w.guardduty_policy_toml("enforce", "");
    let pipeline = w.guardduty_guard(&policy, admin, None)?;
    let ev = CtEvent::guardduty(
        &w.member_account,
        "DeleteDetector",
        "6e7f8091-1111-4222-8333-944455556666",
        json!({"detectorId": id}),
    )
    .by(&format!(
        "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-guardduty-guard-6e7f8091",
        w.member_account
    ))
    .to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(
        (resp.decision.verdict.as_str(), resp.outcome.as_str()),
        ("violation", "remediated")
    );
    let states = detector_states(&w).await?;
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(states[0].1, DetectorStatus::Enabled);
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
async fn deleted_member_detector_is_recreated_and_the_member_re_added() -> Result<(), BoxError> {
    let w = World::start().await?;
    let gd = w.member_guardduty();
    let id = gd
        .create_detector()
        .enable(true)
        .send()
        .await?
        .detector_id
        .ok_or("no detector id")?;
    gd.delete_detector().detector_id(&id).send().await?;
    assert!(detector_states(&w).await?.is_empty());

    let list = list_admin_detector();
    let members = members_then(&w.member_account, Some("Removed"), "Enabled");
    let create = create_members_for(&w.member_account, "workload@example.com");
    let describe = org_config(AutoEnableMembers::New);
    let update = set_all();
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &create, &describe, &update]
    );
    let policy = w.guardduty_policy_toml("enforce", r#"auto_enable = "ALL""#);
    let pipeline = w.guardduty_guard(&policy, admin, None)?;
    let ev = CtEvent::guardduty(
        &w.member_account,
        "DeleteDetector",
        "5d6e7f80-1111-4222-8333-944455556666",
        json!({"detectorId": id}),
    )
    .to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");

    // moto: an enabled detector exists again in the member.
    let states = detector_states(&w).await?;
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(states[0].1, DetectorStatus::Enabled);
    // The administrator re-added the member (with its Organizations email) and set
    // auto-enable back to ALL.
    assert_eq!(create.num_calls(), 1);
    assert_eq!(update.num_calls(), 1);

    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL guardduty-tampering violation in {}: remediated",
            w.member_account
        )
    );
    let steps = alert.message["steps"].as_array().ok_or("no steps")?;
    let got: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap_or(""),
                s["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                format!(
                    "guardduty:CreateDetector detector in {}/us-east-1",
                    w.member_account
                )
                .as_str(),
                "done"
            ),
            (
                format!(
                    "guardduty:CreateMembers member {} of administrator {} in us-east-1",
                    w.member_account, w.audit_account
                )
                .as_str(),
                "done"
            ),
            (
                format!(
                    "guardduty:UpdateOrganizationConfiguration auto-enable ALL for administrator {} in us-east-1",
                    w.audit_account
                )
                .as_str(),
                "done"
            ),
        ]
    );
    assert!(
        steps[0]["detail"]
            .as_str()
            .unwrap_or("")
            .starts_with("created detector "),
        "{}",
        steps[0]["detail"]
    );
    assert_eq!(
        steps[1]["detail"],
        format!("re-added {} as a member (was Removed)", w.member_account)
    );
    assert_eq!(steps[2]["detail"], "auto-enable set to ALL (was NEW)");
    assert_eq!(
        alert.message["summary"],
        format!(
            "GuardDuty detector {id} deleted in {}/us-east-1",
            w.member_account
        )
    );
    Ok(())
}

#[tokio::test]
async fn disabled_detector_is_enabled_again_and_a_replay_is_already_compliant()
-> Result<(), BoxError> {
    let w = World::start().await?;
    let gd = w.member_guardduty();
    let id = gd
        .create_detector()
        .enable(true)
        .send()
        .await?
        .detector_id
        .ok_or("no detector id")?;
    gd.update_detector()
        .detector_id(&id)
        .enable(false)
        .send()
        .await?;
    assert_eq!(
        detector_states(&w).await?,
        vec![(id.clone(), DetectorStatus::Disabled)]
    );
    // No administrator call is planned for a disabled detector: a client with no rules
    // fails any call that is made.
    let admin = mock_client!(aws_sdk_guardduty, []);
    let pipeline = w.guardduty_guard(&w.guardduty_policy_toml("enforce", ""), admin, None)?;
    // `enable` as a string, as some rule sets write it.
    let ev = CtEvent::guardduty(
        &w.member_account,
        "UpdateDetector",
        "6e7f8091-2222-4333-8444-a55566667777",
        json!({"detectorId": id, "enable": "false"}),
    )
    .to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert_eq!(
        detector_states(&w).await?,
        vec![(id.clone(), DetectorStatus::Enabled)]
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] HIGH guardduty-tampering violation in {}: remediated",
            w.member_account
        )
    );
    assert_eq!(
        alert.message["steps"][0]["detail"],
        format!("enabled detector {id}")
    );

    // The same event again (a duplicate delivery): read first, nothing written.
    let resp = pipeline.handle(&ev, Some("req-2")).await?;
    assert_eq!(resp.outcome.as_str(), "already_compliant");
    let alert = w.one_alert().await?;
    assert_eq!(alert.message["steps"][0]["status"], "already_compliant");
    Ok(())
}

#[tokio::test]
async fn members_deleted_by_the_administrator_are_re_added() -> Result<(), BoxError> {
    let w = World::start().await?;
    let list = list_admin_detector();
    let members = members_then(&w.member_account, None, "Enabled");
    let create = create_members_for(&w.member_account, "workload@example.com");
    let describe = org_config(AutoEnableMembers::All);
    let update = set_all();
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &create, &describe, &update]
    );
    let policy = w.guardduty_policy_toml("enforce", r#"auto_enable = "ALL""#);
    let pipeline = w.guardduty_guard(&policy, admin, None)?;
    let ev = CtEvent::guardduty(
        &w.audit_account,
        "DeleteMembers",
        "7f8091a2-3333-4444-8555-b66677778888",
        json!({"detectorId": ADMIN_DETECTOR, "accountIds": [w.member_account, "not-an-account"]}),
    )
    .to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert_eq!(create.num_calls(), 1);
    assert_eq!(
        update.num_calls(),
        0,
        "auto-enable already ALL: nothing written"
    );
    assert_eq!(
        members.num_calls(),
        2,
        "read before and read back after CreateMembers"
    );
    let alert = w.one_alert().await?;
    let statuses: Vec<&str> = alert.message["steps"]
        .as_array()
        .ok_or("no steps")?
        .iter()
        .map(|s| s["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(statuses, vec!["done", "already_compliant"]);
    assert_eq!(alert.message["account"], w.audit_account);
    Ok(())
}

#[tokio::test]
async fn a_member_guardduty_refuses_is_a_failure_alert_and_an_error() -> Result<(), BoxError> {
    let w = World::start().await?;
    let list = list_admin_detector();
    let members = members_then(&w.member_account, None, "Enabled");
    let member = w.member_account.clone();
    let refused = mock!(aws_sdk_guardduty::Client::create_members).then_output(move || {
        CreateMembersOutput::builder()
            .unprocessed_accounts(
                UnprocessedAccount::builder()
                    .account_id(&member)
                    .result("The request is rejected because the input detectorId is not owned by the current account.")
                    .build(),
            )
            .build()
    });
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &refused]
    );
    let pipeline = w.guardduty_guard(&w.guardduty_policy_toml("enforce", ""), admin, None)?;
    let ev = CtEvent::guardduty(
        &w.member_account,
        "DisassociateFromAdministratorAccount",
        "8091a2b3-4444-4555-8666-c77788889999",
        json!({"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}),
    )
    .to_json();
    let err = pipeline
        .handle(&ev, Some("req-1"))
        .await
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.kind(), "driftguard.RemediationFailed");
    let alert = w.one_alert().await?;
    assert_eq!(alert.attributes["outcome"], "failed");
    assert_eq!(
        alert.message["error"],
        format!(
            "GuardDuty did not process {}: The request is rejected because the input detectorId is not owned by the current account.",
            w.member_account
        )
    );
    Ok(())
}

#[tokio::test]
async fn throttled_administrator_calls_are_retried() -> Result<(), BoxError> {
    let w = World::start().await?;
    let list = list_admin_detector();
    let member = w.member_account.clone();
    let throttled = mock!(aws_sdk_guardduty::Client::get_members)
        .sequence()
        .error(|| {
            GetMembersError::generic(
                aws_sdk_guardduty::error::ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("Rate exceeded")
                    .build(),
            )
        })
        .times(2)
        .output(move || {
            GetMembersOutput::builder()
                .members(
                    Member::builder()
                        .account_id(&member)
                        .master_id("000000000000")
                        .email("x@example.com")
                        .relationship_status("Enabled")
                        .updated_at("2026-11-23T10:00:00Z")
                        .build(),
                )
                .build()
        })
        .build();
    let rules = [list.clone(), throttled.clone()];
    let admin = mock_client!(aws_sdk_guardduty, RuleMode::MatchAny, rules.iter(), |c| c
        .retry_config(
            aws_sdk_guardduty::config::retry::RetryConfig::standard().with_max_attempts(3)
        )
        .sleep_impl(aws_sdk_guardduty::config::SharedAsyncSleep::new(
            aws_smithy_async::rt::sleep::TokioSleep::new()
        )));
    let pipeline = w.guardduty_guard(&w.guardduty_policy_toml("enforce", ""), admin, None)?;
    let ev = CtEvent::guardduty(
        &w.member_account,
        "DisassociateFromMasterAccount",
        "91a2b3c4-5555-4666-8777-d8889999aaaa",
        json!({"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}),
    )
    .to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "already_compliant");
    assert_eq!(
        throttled.num_calls(),
        3,
        "two throttled attempts and one answer"
    );
    Ok(())
}

#[tokio::test]
async fn a_finding_pages_once_and_again_only_when_its_severity_band_rises() -> Result<(), BoxError>
{
    let w = World::start().await?;
    w.create_findings_table("driftguard-findings").await?;
    let admin = mock_client!(aws_sdk_guardduty, []);
    let pipeline = w.guardduty_guard(
        &w.guardduty_policy_toml("enforce", ""),
        admin,
        Some("driftguard-findings"),
    )?;
    let ftype = "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom";
    let id = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    let first = finding_event(&w.audit_account, &w.member_account, id, ftype, 8.0, 1);
    let resp = pipeline.handle(&first, Some("req-1")).await?;
    assert!(resp.alert_message_id.is_some());
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] HIGH guardduty-finding violation in {}: alert only",
            w.member_account
        )
    );
    assert_eq!(
        alert.message["account"], w.member_account,
        "attributed to detail.accountId"
    );

    // GuardDuty re-sends the finding with a growing count, and EventBridge may deliver
    // twice: no new page.
    for count in [1, 2, 5] {
        let again = finding_event(&w.audit_account, &w.member_account, id, ftype, 8.0, count);
        let resp = pipeline.handle(&again, Some("req-2")).await?;
        assert_eq!(resp.alert_message_id, None);
    }
    assert!(w.alerts(Duration::from_millis(500)).await?.is_empty());

    // The same finding escalated to Critical pages again, once.
    let worse = finding_event(&w.audit_account, &w.member_account, id, ftype, 9.5, 6);
    pipeline.handle(&worse, Some("req-3")).await?;
    let alert = w.one_alert().await?;
    assert_eq!(alert.attributes["severity"], "critical");
    pipeline.handle(&worse, Some("req-4")).await?;
    assert!(w.alerts(Duration::from_millis(500)).await?.is_empty());

    // Another finding id is its own page.
    let other = finding_event(&w.audit_account, &w.member_account, "0a1b2c", ftype, 7, 1);
    pipeline.handle(&other, Some("req-5")).await?;
    assert_eq!(w.alerts(Duration::from_secs(5)).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn an_unavailable_ledger_still_alerts() -> Result<(), BoxError> {
    let w = World::start().await?;
    let admin = mock_client!(aws_sdk_guardduty, []);
    // No such table: DynamoDB fails; the page must still go out (twice, not never).
    let pipeline = w.guardduty_guard(
        &w.guardduty_policy_toml("enforce", ""),
        admin,
        Some("missing-table"),
    )?;
    let ev = finding_event(
        &w.audit_account,
        &w.member_account,
        "abc123",
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
        2.0,
        1,
    );
    pipeline.handle(&ev, Some("req-1")).await?;
    pipeline.handle(&ev, Some("req-2")).await?;
    let alerts = w.alerts(Duration::from_secs(5)).await?;
    assert_eq!(alerts.len(), 2);
    // A listed type is alerted whatever its severity, at least High.
    assert_eq!(alerts[0].attributes["severity"], "high");
    Ok(())
}

#[tokio::test]
async fn a_claim_held_by_another_invocation_is_retried_then_taken_over_when_stale()
-> Result<(), BoxError> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let w = World::start().await?;
    w.create_findings_table("driftguard-findings").await?;
    let admin = mock_client!(aws_sdk_guardduty, []);
    let pipeline = w.guardduty_guard(
        &w.guardduty_policy_toml("enforce", ""),
        admin,
        Some("driftguard-findings"),
    )?;
    let id = "9f8e7d6c5b4a";
    let ev = finding_event(
        &w.audit_account,
        &w.member_account,
        id,
        "Backdoor:EC2/C&CActivity.B",
        8.0,
        1,
    );
    let now = chrono::Utc::now().timestamp();
    let claim = |claimed_at: i64| {
        aws_sdk_dynamodb::Client::new(&w.audit)
            .put_item()
            .table_name("driftguard-findings")
            .item(
                "pk",
                AttributeValue::S(format!("finding#{}#us-east-1#{id}", w.member_account)),
            )
            .item("state", AttributeValue::S("claimed".into()))
            .item("token", AttributeValue::S("another-invocation".into()))
            .item("band", AttributeValue::N("3".into()))
            .item("severity", AttributeValue::S("high".into()))
            .item("claimed_at", AttributeValue::N(claimed_at.to_string()))
            .send()
    };
    // Another invocation claimed it a moment ago and has not confirmed: retry later.
    claim(now - 5).await?;
    let err = pipeline
        .handle(&ev, Some("req-1"))
        .await
        .err()
        .ok_or("must fail while another invocation holds the claim")?;
    assert_eq!(err.kind(), "driftguard.AlertInFlight");
    assert!(w.alerts(Duration::from_millis(500)).await?.is_empty());
    // That invocation died: its claim goes stale and the retry pages.
    claim(now - 600).await?;
    let resp = pipeline.handle(&ev, Some("req-2")).await?;
    assert!(resp.alert_message_id.is_some());
    assert_eq!(w.alerts(Duration::from_secs(5)).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_member_that_stays_invited_is_a_failure_and_all_meets_new() -> Result<(), BoxError> {
    let w = World::start().await?;
    let list = list_admin_detector();
    let members = members_then(&w.member_account, Some("Removed"), "Invited");
    let create = create_members_for(&w.member_account, "workload@example.com");
    let describe = org_config(AutoEnableMembers::All);
    let update = mock!(aws_sdk_guardduty::Client::update_organization_configuration)
        .then_output(|| UpdateOrganizationConfigurationOutput::builder().build());
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &create, &describe, &update]
    );
    // The policy asks for NEW; the organization has ALL, which is more: never lowered.
    let policy = w.guardduty_policy_toml("enforce", r#"auto_enable = "NEW""#);
    let pipeline = w.guardduty_guard(&policy, admin, None)?;
    let ev = CtEvent::guardduty(
        &w.audit_account,
        "DisassociateMembers",
        "b4c5d6e7-8888-4999-8aaa-0bbbcccdddee",
        json!({"detectorId": ADMIN_DETECTOR, "accountIds": [w.member_account]}),
    )
    .to_json();
    let err = pipeline
        .handle(&ev, Some("req-1"))
        .await
        .err()
        .ok_or("a member left Invited is not remediated")?;
    assert_eq!(err.kind(), "driftguard.RemediationFailed");
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.message["error"],
        format!(
            "{} was re-added but its membership is Invited, not Enabled: an account outside the organization must accept the administrator's invitation itself",
            w.member_account
        )
    );
    assert_eq!(alert.message["steps"][1]["status"], "skipped");

    // The same repair of a member that becomes Enabled: auto-enable ALL is more than the
    // policy's NEW and is never rewritten.
    let list = list_admin_detector();
    let members = members_then(&w.member_account, Some("Removed"), "Enabled");
    let admin = mock_client!(
        aws_sdk_guardduty,
        RuleMode::MatchAny,
        [&list, &members, &create, &describe, &update]
    );
    let pipeline = w.guardduty_guard(&policy, admin, None)?;
    let resp = pipeline.handle(&ev, Some("req-2")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert_eq!(update.num_calls(), 0, "ALL is never lowered to NEW");
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.message["steps"][1]["detail"],
        "auto-enable is ALL (the policy asks for NEW)"
    );
    Ok(())
}
