//! The local demo: moto, a small organization with a trail, the trail broken, the event fed
//! to the real trail-guard binary through a local Lambda Runtime API, and what came out; then
//! an account moved out of its OU (org-guard) and a GuardDuty detector disabled plus a
//! finding delivered twice (guardduty-guard).
//! Run it with `bash scripts/demo.sh` (which builds the binaries and installs moto).
#![allow(clippy::print_stdout, clippy::indexing_slicing)]

use driftguard_tests::runtime_api::{Answer, RuntimeApi};
use driftguard_tests::{BoxError, CtEvent, MEMBER_TRAIL, World};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    println!("== 1. Starting moto and creating an organization (management, Audit, Workload) ...");
    let w = World::start().await?;
    println!(
        "   management {} | audit {} | workload {} | trail `{MEMBER_TRAIL}` logging: {}",
        driftguard_tests::MANAGEMENT_ACCOUNT,
        w.audit_account,
        w.member_account,
        w.trail_status().await?
    );

    println!(
        "\n== 2. An administrator in the workload account stops the trail (aws cloudtrail stop-logging)"
    );
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    println!(
        "   trail `{MEMBER_TRAIL}` logging: {}",
        w.trail_status().await?
    );

    let event = CtEvent::new(
        &w.member_account,
        "StopLogging",
        "d3a0e7e1-5a1e-4c0f-9d1e-7a11c0ffee01",
    )
    .to_json();
    println!(
        "\n== 3. CloudTrail delivers the event through EventBridge:\n{}",
        serde_json::to_string_pretty(&event)?
    );

    let policy = w.policy_toml("enforce", "");
    let decision = driftguard_cli::evaluate::evaluate_bytes(
        "event",
        event.to_string().as_bytes(),
        &*w.policy("enforce", "")?,
        chrono::Utc::now().date_naive(),
    );
    println!("\n== 4. The decision (the same pure core `driftguard evaluate` runs):");
    for line in &decision {
        println!("{}", serde_json::to_string_pretty(line)?);
    }

    println!(
        "\n== 5. trail-guard (the real Lambda binary, through a local Runtime API) handles it ..."
    );
    let api = RuntimeApi::start().await?;
    let mut child = w.spawn_function("trail-guard", &api, &policy).await?;
    api.invoke("demo-request-1", event).await;
    let answer = api
        .answer("demo-request-1", Duration::from_secs(60))
        .await
        .ok_or("trail-guard did not answer")?;
    child.start_kill()?;
    let out = child.wait_with_output().await?;
    match answer {
        Answer::Response(v) => println!("   response: {v}"),
        Answer::Error(v) => println!("   ERROR: {v}"),
    }
    println!("\n== 6. Its remediation record (one JSON log line, with CloudWatch EMF metrics):");
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"record\":\"remediation\""))
    {
        let v: serde_json::Value = serde_json::from_str(line)?;
        println!("{}", serde_json::to_string_pretty(&v)?);
    }

    println!("\n== 7. The alert, as a subscriber of the SNS topic receives it:");
    for a in w.alerts(Duration::from_secs(5)).await? {
        println!("   Subject: {}", a.subject);
        println!("   Attributes: {:?}", a.attributes);
        println!("{}", serde_json::to_string_pretty(&a.message)?);
    }

    let logging = w.trail_status().await?;
    println!("\n== 8. Trail `{MEMBER_TRAIL}` logging again: {logging}");
    if !logging {
        return Err("the demo failed: the trail is not logging".into());
    }

    println!(
        "\n== 9. Organizations: OUs Security, Workloads/Production, Workloads/Development, Sandbox, Quarantine"
    );
    let org = w.build_org().await?;
    println!(
        "   workload account {} is in {}",
        w.member_account, org.production
    );
    println!(
        "   an administrator moves it to Sandbox ({}) ...",
        org.sandbox
    );
    w.organizations()
        .move_account()
        .account_id(&w.member_account)
        .source_parent_id(&org.production)
        .destination_parent_id(&org.sandbox)
        .send()
        .await?;
    let event = CtEvent::organizations(driftguard_tests::MANAGEMENT_ACCOUNT, "MoveAccount", "0b7e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")
        .request(serde_json::json!({"accountId": w.member_account, "sourceParentId": org.production, "destinationParentId": org.sandbox}))
        .to_json();
    // A fresh Runtime API per function, as Lambda gives each function its own.
    let api = RuntimeApi::start().await?;
    let mut child = w
        .spawn_function("org-guard", &api, &w.org_policy_toml(&org, "enforce"))
        .await?;
    api.invoke("demo-request-2", event).await;
    let answer = api
        .answer("demo-request-2", Duration::from_secs(60))
        .await
        .ok_or("org-guard did not answer")?;
    child.start_kill()?;
    let _ = child.wait().await;
    match answer {
        Answer::Response(v) => println!("   org-guard response: {v}"),
        Answer::Error(v) => println!("   org-guard ERROR: {v}"),
    }
    for a in w.alerts(Duration::from_secs(5)).await? {
        println!("   Alert subject: {}", a.subject);
        println!("   What happened: {}", a.message["summary"]);
        println!("   Steps: {}", a.message["steps"]);
        println!("   Context: {}", a.message["context"]);
    }
    let parent = w.parent_of(&w.member_account).await?;
    println!(
        "\n== 10. Workload account back in Workloads/Production: {}",
        parent == org.production
    );
    if parent != org.production {
        return Err("the demo failed: the account was not moved back".into());
    }

    println!("\n== 11. GuardDuty: someone disables the workload account's detector ...");
    let gd = w.member_guardduty();
    let detector = gd
        .create_detector()
        .enable(true)
        .send()
        .await?
        .detector_id
        .ok_or("no detector id")?;
    gd.update_detector()
        .detector_id(&detector)
        .enable(false)
        .send()
        .await?;
    w.create_findings_table("driftguard-findings").await?;
    let api = RuntimeApi::start().await?;
    let mut child = w
        .spawn_function_with(
            "guardduty-guard",
            &api,
            &w.guardduty_policy_toml("enforce", ""),
            &[("DRIFTGUARD_FINDINGS_TABLE", "driftguard-findings")],
        )
        .await?;
    api.invoke(
        "demo-request-3",
        CtEvent::guardduty(
            &w.member_account,
            "UpdateDetector",
            "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
            serde_json::json!({"detectorId": detector, "enable": false}),
        )
        .to_json(),
    )
    .await;
    // ... and GuardDuty reports a High finding twice (it re-sends active findings).
    let finding = driftguard_tests::finding_event(
        &w.audit_account,
        &w.member_account,
        "4a5b6c7d8e9f",
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        8.0,
        1,
    );
    api.invoke("demo-request-4", finding.clone()).await;
    api.invoke("demo-request-5", finding).await;
    for req in ["demo-request-3", "demo-request-4", "demo-request-5"] {
        match api.answer(req, Duration::from_secs(60)).await {
            Some(Answer::Response(v)) => println!("   guardduty-guard response: {v}"),
            other => println!("   guardduty-guard {req}: {other:?}"),
        }
    }
    child.start_kill()?;
    let _ = child.wait().await;
    for a in w.alerts(Duration::from_secs(5)).await? {
        println!("   Alert subject: {}", a.subject);
        println!("   What happened: {}", a.message["summary"]);
    }
    let status = gd
        .get_detector()
        .detector_id(&detector)
        .send()
        .await?
        .status;
    let enabled = status == Some(aws_sdk_guardduty::types::DetectorStatus::Enabled);
    println!("\n== 12. Detector enabled again: {enabled}; the repeated finding paged once");
    if !enabled {
        return Err("the demo failed: the detector is still disabled".into());
    }
    Ok(())
}
