//! The real trail-guard binary through the Lambda Runtime API: one event in, the response
//! and the side effect in moto checked.
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
