//! The real function binaries through the Lambda Runtime API: events in, the responses and
//! the side effects in moto checked.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use driftguard_tests::runtime_api::{Answer, RuntimeApi};
use driftguard_tests::{BoxError, CtEvent, MEMBER_TRAIL, World};
use std::time::Duration;

#[tokio::test]
async fn binary_restarts_a_stopped_trail_through_the_runtime_api() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let api = RuntimeApi::start().await?;
    let child = w
        .spawn_function("trail-guard", &api, &w.policy_toml("enforce", ""))
        .await?;

    let ev = CtEvent::new(
        &w.member_account,
        "StopLogging",
        "0a4c3f58-9d21-4b7e-8f60-1c2d3e4f5a6b",
    )
    .to_json();
    api.invoke("req-bin-1", ev).await;
    let answer = api
        .answer("req-bin-1", Duration::from_secs(30))
        .await
        .ok_or("no answer from the function")?;
    let Answer::Response(body) = answer else {
        return Err(format!("the function answered with an error: {answer:?}").into());
    };
    assert_eq!(body["verdict"], "violation");
    assert_eq!(body["outcome"], "remediated");
    assert_eq!(body["guardrail"], "trail-tampering");
    assert!(
        w.trail_status().await?,
        "the binary must have restarted logging in moto"
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes.get("outcome").map(String::as_str),
        Some("remediated")
    );

    // An undecodable event is an invocation error, not a silent success.
    api.invoke("req-bin-2", serde_json::json!({"not": "an event"}))
        .await;
    let answer = api
        .answer("req-bin-2", Duration::from_secs(30))
        .await
        .ok_or("no answer")?;
    let Answer::Error(err) = answer else {
        return Err(format!("expected an error answer, got {answer:?}").into());
    };
    assert_eq!(err["errorType"], "driftguard.UndecodableEvent");

    let mut child = child;
    child.start_kill()?;
    let out = child.wait_with_output().await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exactly one remediation record per event, as JSON lines with EMF metadata.
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["record"] == "remediation")
        .collect();
    assert_eq!(records.len(), 2, "{stdout}");
    assert_eq!(records[0]["request_id"], "req-bin-1");
    assert_eq!(
        records[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "driftguard"
    );
    assert_eq!(records[1]["verdict"], "error");
    Ok(())
}

#[tokio::test]
async fn org_guard_binary_moves_an_account_back() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    w.organizations()
        .move_account()
        .account_id(&w.member_account)
        .source_parent_id(&org.production)
        .destination_parent_id(&org.sandbox)
        .send()
        .await?;
    let api = RuntimeApi::start().await?;
    let child = w
        .spawn_function("org-guard", &api, &w.org_policy_toml(&org, "enforce"))
        .await?;
    let ev = CtEvent::organizations(driftguard_tests::MANAGEMENT_ACCOUNT, "MoveAccount", "4d3c2b1a-0f9e-4d8c-9b7a-6f5e4d3c2b1a")
        .request(serde_json::json!({"accountId": w.member_account, "sourceParentId": org.production, "destinationParentId": org.sandbox}))
        .to_json();
    api.invoke("req-org-1", ev).await;
    let answer = api.answer("req-org-1", Duration::from_secs(30)).await;
    let mut child = child;
    child.start_kill()?;
    let out = child.wait_with_output().await?;
    let Some(Answer::Response(body)) = answer else {
        return Err(format!(
            "no response ({answer:?}); log:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    };
    assert_eq!(body["outcome"], "remediated");
    assert_eq!(w.parent_of(&w.member_account).await?, org.production);
    Ok(())
}

#[tokio::test]
async fn guardduty_guard_binary_re_enables_a_detector_and_pages_a_finding_once()
-> Result<(), BoxError> {
    let w = World::start().await?;
    w.create_findings_table("driftguard-findings").await?;
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
    let api = RuntimeApi::start().await?;
    let child = w
        .spawn_function_with(
            "guardduty-guard",
            &api,
            &w.guardduty_policy_toml("enforce", ""),
            &[("DRIFTGUARD_FINDINGS_TABLE", "driftguard-findings")],
        )
        .await?;
    let ev = CtEvent::guardduty(
        &w.member_account,
        "UpdateDetector",
        "a2b3c4d5-6666-4777-8888-e9990000bbbb",
        serde_json::json!({"detectorId": id, "enable": false}),
    )
    .to_json();
    api.invoke("req-gd-1", ev).await;
    let finding = driftguard_tests::finding_event(
        &w.audit_account,
        &w.member_account,
        "b1c2d3e4f5",
        "CredentialAccess:IAMUser/AnomalousBehavior",
        7.5,
        1,
    );
    api.invoke("req-gd-2", finding.clone()).await;
    api.invoke("req-gd-3", finding).await;
    let mut bodies = Vec::new();
    for req in ["req-gd-1", "req-gd-2", "req-gd-3"] {
        match api.answer(req, Duration::from_secs(30)).await {
            Some(Answer::Response(body)) => bodies.push(body),
            other => return Err(format!("{req}: {other:?}").into()),
        }
    }
    let mut child = child;
    child.start_kill()?;
    assert_eq!(bodies[0]["outcome"], "remediated");
    let status = gd.get_detector().detector_id(&id).send().await?.status;
    assert_eq!(
        status,
        Some(aws_sdk_guardduty::types::DetectorStatus::Enabled)
    );
    assert!(bodies[1]["alert_message_id"].is_string());
    assert!(
        bodies[2]["alert_message_id"].is_null(),
        "a repeat of the finding is not paged again"
    );
    let alerts = w.alerts(Duration::from_secs(5)).await?;
    assert_eq!(alerts.len(), 2, "the tampering alert and one finding alert");
    Ok(())
}

#[tokio::test]
async fn root_guard_binary_alerts_a_root_sign_in() -> Result<(), BoxError> {
    let w = World::start().await?;
    let api = RuntimeApi::start().await?;
    let policy = format!(
        "management_account = \"{}\"\naudit_account = \"{}\"\n",
        driftguard_tests::MANAGEMENT_ACCOUNT,
        w.audit_account
    );
    let child = w.spawn_function("root-guard", &api, &policy).await?;
    let mut ev = CtEvent::new(
        &w.member_account,
        "ConsoleLogin",
        "b3c4d5e6-7777-4888-9999-f0001111cccc",
    )
    .to_json();
    ev["detail-type"] = "AWS Console Sign In via CloudTrail".into();
    ev["detail"]["eventSource"] = "signin.amazonaws.com".into();
    ev["source"] = "aws.signin".into();
    ev["detail"]["userIdentity"] = serde_json::json!({
        "type": "Root",
        "principalId": w.member_account,
        "arn": format!("arn:aws:iam::{}:root", w.member_account),
        "accountId": w.member_account
    });
    ev["detail"]["responseElements"] = serde_json::json!({"ConsoleLogin": "Success"});
    ev["detail"]["additionalEventData"] = serde_json::json!({"MFAUsed": "Yes"});
    api.invoke("req-root-1", ev).await;
    let answer = api.answer("req-root-1", Duration::from_secs(30)).await;
    let mut child = child;
    child.start_kill()?;
    let Some(Answer::Response(body)) = answer else {
        return Err(format!("no response: {answer:?}").into());
    };
    assert_eq!(
        (&body["guardrail"], &body["verdict"], &body["severity"]),
        (
            &serde_json::json!("root-activity"),
            &serde_json::json!("violation"),
            &serde_json::json!("high")
        )
    );
    let alert = w.one_alert().await?;
    assert_eq!(alert.attributes["guardrail"], "root-activity");
    Ok(())
}

/// Through the real binary: a harmful call made through driftguard's own role is remediated
/// (the role identity hides nothing), and a forged envelope changes nothing in moto and
/// fails the invocation with the reason.
#[tokio::test]
async fn binary_remediates_role_abuse_and_refuses_forged_envelopes() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let api = RuntimeApi::start().await?;
    let mut child = w
        .spawn_function("trail-guard", &api, &w.policy_toml("enforce", ""))
        .await?;

    let forged = {
        let mut ev = CtEvent::new(
            &w.member_account,
            "StopLogging",
            "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3",
        )
        .to_json();
        ev["source"] = serde_json::json!("aws.partner/saas.example.com/1/events");
        ev
    };
    api.invoke("req-forged", forged).await;
    let answer = api
        .answer("req-forged", Duration::from_secs(30))
        .await
        .ok_or("no answer")?;
    let Answer::Error(err) = answer else {
        return Err(format!("expected an error answer, got {answer:?}").into());
    };
    assert_eq!(err["errorType"], "driftguard.UntrustedEvent");
    assert!(
        err["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("aws.partner/saas.example.com/1/events")),
        "{err}"
    );
    assert!(!w.trail_status().await?, "a forged event writes nothing");
    let alert = w.one_alert().await?;
    assert_eq!(alert.attributes["severity"], "high");

    let abused = CtEvent::new(
        &w.member_account,
        "StopLogging",
        "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4",
    )
    .by(&format!(
        "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-trail-guard-5e6f7081",
        w.member_account
    ))
    .to_json();
    api.invoke("req-abused", abused).await;
    let answer = api
        .answer("req-abused", Duration::from_secs(30))
        .await
        .ok_or("no answer")?;
    let Answer::Response(body) = answer else {
        return Err(format!("the function answered with an error: {answer:?}").into());
    };
    assert_eq!(
        (&body["verdict"], &body["severity"], &body["outcome"]),
        (
            &serde_json::json!("violation"),
            &serde_json::json!("critical"),
            &serde_json::json!("remediated")
        )
    );
    assert!(w.trail_status().await?, "logging restarted");
    let alert = w.one_alert().await?;
    assert!(
        alert
            .subject
            .starts_with("[driftguard] CRITICAL trail-tampering violation")
    );

    // The other destructive calls through the role, through the same warm binary.
    let role = format!(
        "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-trail-guard-6f708192",
        w.member_account
    );
    w.cloudtrail()
        .delete_trail()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let deleted = CtEvent::new(
        &w.member_account,
        "DeleteTrail",
        "6f708192-a3b4-4c5d-8e6f-708192a3b4c5",
    )
    .by(&role)
    .to_json();
    api.invoke("req-deleted", deleted).await;
    let answer = api
        .answer("req-deleted", Duration::from_secs(30))
        .await
        .ok_or("no answer")?;
    let Answer::Response(body) = answer else {
        return Err(format!("the function answered with an error: {answer:?}").into());
    };
    assert_eq!(
        (&body["severity"], &body["outcome"]),
        (
            &serde_json::json!("critical"),
            &serde_json::json!("remediated")
        )
    );
    assert!(w.trail().await?.is_some(), "the trail was recreated");
    assert!(w.trail_status().await?, "and logs");
    let _ = w.one_alert().await?;

    w.cloudtrail()
        .update_trail()
        .name(MEMBER_TRAIL)
        .enable_log_file_validation(false)
        .send()
        .await?;
    let weakened = CtEvent::new(
        &w.member_account,
        "UpdateTrail",
        "708192a3-b4c5-4d6e-8f70-8192a3b4c5d6",
    )
    .by(&role)
    .request(serde_json::json!({"name": MEMBER_TRAIL, "enableLogFileValidation": false}))
    .response(
        serde_json::json!({"name": MEMBER_TRAIL, "logFileValidationEnabled": false,
                                     "isMultiRegionTrail": true, "includeGlobalServiceEvents": true,
                                     "s3BucketName": w.trail_bucket}),
    )
    .to_json();
    api.invoke("req-weakened", weakened).await;
    let answer = api
        .answer("req-weakened", Duration::from_secs(30))
        .await
        .ok_or("no answer")?;
    let Answer::Response(body) = answer else {
        return Err(format!("the function answered with an error: {answer:?}").into());
    };
    assert_eq!(
        (&body["severity"], &body["outcome"]),
        (
            &serde_json::json!("critical"),
            &serde_json::json!("remediated")
        )
    );
    assert_eq!(
        w.trail().await?.and_then(|t| t.log_file_validation_enabled),
        Some(true),
        "log file validation restored"
    );
    child.start_kill()?;
    let _ = child.wait().await;
    Ok(())
}
