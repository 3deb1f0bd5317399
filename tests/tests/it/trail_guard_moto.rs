//! trail-guard end to end against a moto server: each remediation restores the trail in moto,
//! and the alert is read exactly as an SQS subscriber of the topic receives it.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType};
use driftguard_core::guardrails::trail::baseline::{BasicSelector, management_coverage};
use driftguard_tests::{BoxError, CtEvent, MEMBER_TRAIL, REGION, World};
use serde_json::{Value, json};

const EVENT_ID: &str = "5f9a1c2e-0b7d-4e1a-9c3f-2a6b8d4e0f11";

fn attacker(w: &World) -> String {
    format!(
        "arn:aws:sts::{}:assumed-role/Admin/mallory",
        w.member_account
    )
}

/// The parts of the `default` alert document that do not depend on the test world.
fn check_alert_common(
    alert: &driftguard_tests::Alert,
    w: &World,
    verdict: &str,
    severity: &str,
    outcome: &str,
) {
    assert_eq!(
        alert.attributes.get("guardrail").map(String::as_str),
        Some("trail-tampering")
    );
    assert_eq!(
        alert.attributes.get("verdict").map(String::as_str),
        Some(verdict)
    );
    assert_eq!(
        alert.attributes.get("severity").map(String::as_str),
        Some(severity)
    );
    assert_eq!(
        alert.attributes.get("outcome").map(String::as_str),
        Some(outcome)
    );
    assert_eq!(alert.attributes.get("account"), Some(&w.member_account));
    assert!(alert.subject.len() < 100, "{}", alert.subject);
    let m = &alert.message;
    assert_eq!(m["schema"], "driftguard.alert/v2");
    assert_eq!(m["event_id"], EVENT_ID);
    assert_eq!(m["account"], json!(w.member_account));
    assert_eq!(m["region"], REGION);
    assert_eq!(m["actor"]["arn"], json!(attacker(w)));
    assert_eq!(m["log"]["request_id"], "req-1");
    assert_eq!(m["log"]["log_group"], "/aws/lambda/trail-guard");
}

fn action(w: &World, api: &str) -> String {
    format!(
        "{api} trail {MEMBER_TRAIL} in {}/{REGION}",
        w.member_account
    )
}

#[tokio::test]
async fn stopped_trail_is_logging_again_and_alert_says_so() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    assert!(!w.trail_status().await?);

    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");

    assert!(
        w.trail_status().await?,
        "the trail must be logging again in moto"
    );
    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "critical", "remediated");
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL trail-tampering violation in {}: remediated",
            w.member_account
        )
    );
    assert_eq!(
        alert.message["summary"],
        "Logging was stopped on trail `account-trail`"
    );
    assert_eq!(
        alert.message["steps"],
        json!([{"action": action(&w, "cloudtrail:StartLogging"), "status": "done", "detail": "logging started"}])
    );
    assert_eq!(alert.message["disposition"], "remediate");
    assert_eq!(alert.message["error"], Value::Null);

    // A duplicate delivery (same eventID) finds the trail compliant and writes nothing.
    let again = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(again.outcome.as_str(), "already_compliant");
    let alert = w.one_alert().await?;
    assert_eq!(alert.message["steps"][0]["status"], "already_compliant");
    Ok(())
}

#[tokio::test]
async fn weakened_trail_settings_are_restored() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .update_trail()
        .name(MEMBER_TRAIL)
        .is_multi_region_trail(false)
        .include_global_service_events(false)
        .enable_log_file_validation(false)
        .send()
        .await?;
    let ev = CtEvent::new(&w.member_account, "UpdateTrail", EVENT_ID)
        .request(json!({"name": MEMBER_TRAIL, "isMultiRegionTrail": false, "includeGlobalServiceEvents": false, "enableLogFileValidation": false}))
        .response(json!({"name": MEMBER_TRAIL, "s3BucketName": w.trail_bucket, "includeGlobalServiceEvents": false,
            "isMultiRegionTrail": false, "logFileValidationEnabled": false, "isOrganizationTrail": false,
            "trailARN": format!("arn:aws:cloudtrail:{REGION}:{}:trail/{MEMBER_TRAIL}", w.member_account)}))
        .to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");

    let t = w.trail().await?.ok_or("trail missing")?;
    assert_eq!(t.is_multi_region_trail, Some(true));
    assert_eq!(t.include_global_service_events, Some(true));
    assert_eq!(t.log_file_validation_enabled, Some(true));
    assert_eq!(t.s3_bucket_name.as_deref(), Some(w.trail_bucket.as_str()));

    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "high", "remediated");
    assert_eq!(
        alert.message["summary"],
        "Trail `account-trail` was weakened: multi-region logging is off; log file validation is off; global service events are off"
    );
    assert_eq!(
        alert.message["steps"],
        json!([{"action": action(&w, "cloudtrail:UpdateTrail"), "status": "done",
            "detail": "restored: multi-region logging is off; log file validation is off; global service events are off"}])
    );
    Ok(())
}

#[tokio::test]
async fn narrowed_event_selectors_log_all_management_events_again() -> Result<(), BoxError> {
    let w = World::start().await?;
    let data = DataResource::builder()
        .r#type("AWS::S3::Object")
        .values(format!("arn:aws:s3:::{}/", w.trail_bucket))
        .build();
    w.cloudtrail()
        .put_event_selectors()
        .trail_name(MEMBER_TRAIL)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::ReadOnly)
                .include_management_events(true)
                .data_resources(data)
                .build(),
        )
        .send()
        .await?;
    let ev = CtEvent::new(&w.member_account, "PutEventSelectors", EVENT_ID)
        .request(json!({"trailName": MEMBER_TRAIL, "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": true,
            "dataResources": [{"type": "AWS::S3::Object", "values": [format!("arn:aws:s3:::{}/", w.trail_bucket)]}]}]}))
        .to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");

    let sel = w
        .cloudtrail()
        .get_event_selectors()
        .trail_name(MEMBER_TRAIL)
        .send()
        .await?;
    let basic = sel.event_selectors.unwrap_or_default();
    let model: Vec<BasicSelector> = basic
        .iter()
        .map(|s| BasicSelector {
            read_write_type: s.read_write_type.as_ref().map(|r| r.as_str().to_string()),
            include_management_events: s.include_management_events,
            exclude_management_event_sources: s
                .exclude_management_event_sources
                .clone()
                .unwrap_or_default(),
        })
        .collect();
    assert!(
        management_coverage(&model, &[]).complete(),
        "selectors after remediation: {basic:?}"
    );
    assert!(
        basic
            .iter()
            .any(|s| s.data_resources.as_ref().is_some_and(|d| !d.is_empty())),
        "the data selector must be kept: {basic:?}"
    );
    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "high", "remediated");
    assert_eq!(
        alert.message["summary"],
        "Event selectors of trail `account-trail` were narrowed: management write events are not logged"
    );
    Ok(())
}

#[tokio::test]
async fn deleted_declared_trail_is_recreated_and_logging() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .delete_trail()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    assert!(w.trail().await?.is_none());

    let ev = CtEvent::new(&w.member_account, "DeleteTrail", EVENT_ID).to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "remediated");

    let t = w.trail().await?.ok_or("the trail must exist again")?;
    assert_eq!(t.s3_bucket_name.as_deref(), Some(w.trail_bucket.as_str()));
    assert_eq!(t.is_multi_region_trail, Some(true));
    assert_eq!(t.log_file_validation_enabled, Some(true));
    assert!(w.trail_status().await?);

    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "critical", "remediated");
    assert_eq!(
        alert.message["steps"],
        json!([
            {"action": action(&w, "cloudtrail:CreateTrail"), "status": "done",
             "detail": format!("trail recreated from the policy (bucket {})", w.trail_bucket)},
            {"action": action(&w, "cloudtrail:UpdateTrail"), "status": "already_compliant",
             "detail": "the trail's settings already meet the baseline"},
            // moto creates a trail without event selectors (AWS gives it one that logs all
            // management events), so the selectors step writes here.
            {"action": action(&w, "cloudtrail:PutEventSelectors"), "status": "done",
             "detail": "all management events logged again (was: no management events are logged); data selectors kept"},
            {"action": action(&w, "cloudtrail:StartLogging"), "status": "done", "detail": "logging started"}
        ])
    );
    Ok(())
}

/// A scripted delete + create of a declared trail with weaker settings: a trail of that name
/// exists, but that is not "already compliant". Both the DeleteTrail and the CreateTrail
/// event end with the baseline restored.
#[tokio::test]
async fn deleted_trail_recreated_weak_is_brought_back_to_the_baseline() -> Result<(), BoxError> {
    for event in ["DeleteTrail", "CreateTrail"] {
        let w = World::start().await?;
        w.cloudtrail()
            .delete_trail()
            .name(MEMBER_TRAIL)
            .send()
            .await?;
        w.cloudtrail()
            .create_trail()
            .name(MEMBER_TRAIL)
            .s3_bucket_name(&w.trail_bucket)
            .is_multi_region_trail(false)
            .enable_log_file_validation(false)
            .send()
            .await?;
        let weak = w.trail().await?.ok_or("the weak trail exists")?;
        assert_eq!(weak.is_multi_region_trail, Some(false));
        let ev = CtEvent::new(&w.member_account, event, EVENT_ID)
            .request(json!({"name": MEMBER_TRAIL, "s3BucketName": w.trail_bucket,
                            "isMultiRegionTrail": false, "enableLogFileValidation": false}))
            .response(if event == "CreateTrail" {
                json!({"name": MEMBER_TRAIL, "s3BucketName": w.trail_bucket,
                       "isMultiRegionTrail": false, "logFileValidationEnabled": false,
                       "includeGlobalServiceEvents": true, "isOrganizationTrail": false})
            } else {
                Value::Null
            })
            .to_json();
        let resp = w
            .trail_guard("enforce", "")?
            .handle(&ev, Some("req-1"))
            .await?;
        assert_eq!(
            (resp.decision.verdict.as_str(), resp.outcome.as_str()),
            ("violation", "remediated"),
            "{event}"
        );
        let t = w.trail().await?.ok_or("the trail exists")?;
        assert_eq!(
            t.is_multi_region_trail,
            Some(true),
            "{event}: multi-region restored"
        );
        assert_eq!(
            t.log_file_validation_enabled,
            Some(true),
            "{event}: validation restored"
        );
        assert!(w.trail_status().await?, "{event}: logging");
        let alert = w.one_alert().await?;
        let steps = alert.message["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            steps.iter().any(
                |s| s["action"] == json!(action(&w, "cloudtrail:UpdateTrail"))
                    && s["status"] == "done"
            ),
            "{event}: {steps:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn notify_mode_alerts_the_plan_and_writes_nothing() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let resp = w
        .trail_guard("notify", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "planned");
    assert!(!w.trail_status().await?, "notify mode must not write");
    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "critical", "planned");
    assert_eq!(
        alert.message["planned"],
        json!([action(&w, "cloudtrail:StartLogging")])
    );
    assert_eq!(alert.message["steps"], json!([]));
    assert_eq!(alert.message["disposition"], "notify");
    Ok(())
}

#[tokio::test]
async fn exempt_actor_is_alerted_not_reverted() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let extra = r#"
[[exemptions]]
principal = "arn:aws:iam::*:role/BreakGlass*"
expires = 2099-12-31
reason = "incident response"
"#;
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID)
        .by(&format!(
            "arn:aws:sts::{}:assumed-role/BreakGlassAdmin/alice",
            w.member_account
        ))
        .to_json();
    let resp = w
        .trail_guard("enforce", extra)?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.outcome.as_str(), "exempt");
    assert!(
        !w.trail_status().await?,
        "an exempt actor's change must not be reverted"
    );
    let alerts = w.alerts(std::time::Duration::from_secs(5)).await?;
    assert_eq!(alerts.len(), 1);
    let m = &alerts[0].message;
    assert_eq!(m["disposition"], "exempt");
    assert_eq!(
        m["exemption"],
        json!({"principal_pattern": "arn:aws:iam::*:role/BreakGlass*", "reason": "incident response", "expires": "2099-12-31"})
    );
    assert_eq!(
        alerts[0].attributes.get("outcome").map(String::as_str),
        Some("exempt")
    );
    Ok(())
}

#[tokio::test]
async fn stop_logging_through_driftguards_own_role_is_alerted_and_remediated()
-> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    // Whoever can assume the remediation role (its trust policy was changed, say) names the
    // session like driftguard does: the identity alone must not hide a harmful call.
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID)
        .by(&format!(
            "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-trail-guard-{EVENT_ID}",
            w.member_account
        ))
        .to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(resp.decision.verdict.as_str(), "violation");
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert!(w.trail_status().await?, "logging restarted");
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL trail-tampering violation in {}: remediated",
            w.member_account
        )
    );
    assert!(
        alert.message["summary"]
            .as_str()
            .is_some_and(|s| s.contains("the role was abused")),
        "{}",
        alert.message["summary"]
    );
    // driftguard's own StartLogging (the restore) is benign by content: no loop.
    let restore = CtEvent::new(
        &w.member_account,
        "StartLogging",
        "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
    )
    .by(&format!(
        "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-trail-guard-{EVENT_ID}",
        w.member_account
    ))
    .to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&restore, Some("req-2"))
        .await?;
    assert_eq!(resp.decision.verdict.as_str(), "benign");
    Ok(())
}

#[tokio::test]
async fn forged_envelopes_change_nothing_and_fail_the_invocation() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let genuine = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let mut partner = genuine.clone();
    partner["source"] = json!("aws.partner/saas.example.com/1/events");
    let mut custom = genuine.clone();
    custom["source"] = json!("com.example.audit");
    let mut other_service = genuine.clone();
    other_service["source"] = json!("aws.organizations");
    let mut other_account = genuine.clone();
    other_account["account"] = json!("999999999999");
    let bare = genuine["detail"].clone();
    let pipeline = w.trail_guard("enforce", "")?;
    for (what, ev) in [
        ("partner source", partner),
        ("custom source", custom),
        ("another service's source", other_service),
        ("another account", other_account),
        ("bare record", bare),
    ] {
        let err = pipeline
            .handle(&ev, Some("req-forged"))
            .await
            .err()
            .ok_or_else(|| format!("{what}: a forged event must fail the invocation"))?;
        assert_eq!(err.kind(), "driftguard.UntrustedEvent", "{what}");
        assert!(
            err.to_string().contains("untrusted event refused"),
            "{what}: {err}"
        );
        assert!(!w.trail_status().await?, "{what}: nothing written to moto");
        let alert = w.one_alert().await?;
        assert_eq!(alert.attributes["severity"], "high", "{what}");
        assert!(
            alert.message["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("Untrusted event refused")),
            "{what}: {}",
            alert.message["summary"]
        );
        assert_eq!(alert.message["steps"], json!([]), "{what}");
    }
    Ok(())
}

#[tokio::test]
async fn remediation_that_cannot_run_alerts_failure_and_errors() -> Result<(), BoxError> {
    let w = World::start().await?;
    // The policy declares the trail with a bucket that does not exist: CreateTrail fails.
    let policy = w.policy_toml("enforce", "").replace(
        &format!("s3_bucket = \"{}\"", w.trail_bucket),
        "s3_bucket = \"no-such-bucket-anywhere\"",
    );
    let policy = std::sync::Arc::new(driftguard_core::Policy::parse(
        &policy,
        "p.toml",
        &driftguard_core::NoDocuments,
    )?);
    w.cloudtrail()
        .delete_trail()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let ev = CtEvent::new(&w.member_account, "DeleteTrail", EVENT_ID).to_json();
    let pipeline = trail_guard::pipeline(policy, &w.topic_arn, trail_guard::Wiring::live(&w.audit));
    let err = pipeline
        .handle(&ev, Some("req-1"))
        .await
        .err()
        .ok_or("the invocation must fail")?;
    assert_eq!(err.kind(), "driftguard.RemediationFailed");
    assert!(w.trail().await?.is_none());

    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "violation", "critical", "failed");
    assert!(
        alert.subject.ends_with("REMEDIATION FAILED"),
        "{}",
        alert.subject
    );
    let steps = alert.message["steps"].as_array().ok_or("steps")?;
    assert_eq!(steps.len(), 4, "recreate, settings, selectors, logging");
    assert_eq!(steps[0]["status"], "failed");
    assert!(
        steps[0]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("cloudtrail:CreateTrail"),
        "{steps:?}"
    );
    for later in &steps[1..] {
        assert_eq!(later["status"], "skipped", "{later}");
    }
    assert!(
        alert.message["error"]
            .as_str()
            .unwrap_or("")
            .contains("S3BucketDoesNotExist"),
        "{}",
        alert.message["error"]
    );
    Ok(())
}

#[tokio::test]
async fn failed_call_is_an_attempt_alert_without_writes() -> Result<(), BoxError> {
    let w = World::start().await?;
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID)
        .failed("AccessDenied")
        .to_json();
    let resp = w
        .trail_guard("enforce", "")?
        .handle(&ev, Some("req-1"))
        .await?;
    assert_eq!(
        (resp.decision.verdict.as_str(), resp.outcome.as_str()),
        ("attempt", "none")
    );
    let alert = w.one_alert().await?;
    check_alert_common(&alert, &w, "attempt", "medium", "none");
    assert_eq!(
        alert.message["summary"],
        "Failed StopLogging on trail `account-trail` (AccessDenied)"
    );
    Ok(())
}

#[tokio::test]
async fn undecodable_event_is_an_error_not_a_silent_ok() -> Result<(), BoxError> {
    let w = World::start().await?;
    let err = w
        .trail_guard("enforce", "")?
        .handle(&json!({"hello": "world"}), Some("req-1"))
        .await
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.kind(), "driftguard.UndecodableEvent");
    Ok(())
}

/// Every destructive trail call made through driftguard's own role with a driftguard-
/// session is judged by content: alerted at critical as role abuse and remediated.
#[tokio::test]
async fn destructive_trail_calls_through_driftguards_role_are_reverted() -> Result<(), BoxError> {
    for call in [
        "StopLogging",
        "DeleteTrail",
        "UpdateTrail",
        "PutEventSelectors",
    ] {
        let w = World::start().await?;
        let role = format!(
            "arn:aws:sts::{}:assumed-role/DriftguardRemediation/driftguard-trail-guard-{EVENT_ID}",
            w.member_account
        );
        let ct = w.cloudtrail();
        let mut ev = CtEvent::new(&w.member_account, call, EVENT_ID).by(&role);
        match call {
            "StopLogging" => {
                ct.stop_logging().name(MEMBER_TRAIL).send().await?;
            }
            "DeleteTrail" => {
                ct.delete_trail().name(MEMBER_TRAIL).send().await?;
            }
            "UpdateTrail" => {
                ct.update_trail()
                    .name(MEMBER_TRAIL)
                    .enable_log_file_validation(false)
                    .send()
                    .await?;
                ev = ev
                    .request(json!({"name": MEMBER_TRAIL, "enableLogFileValidation": false}))
                    .response(
                        json!({"name": MEMBER_TRAIL, "logFileValidationEnabled": false,
                                     "isMultiRegionTrail": true, "includeGlobalServiceEvents": true,
                                     "s3BucketName": w.trail_bucket}),
                    );
            }
            _ => {
                let selector = EventSelector::builder()
                    .read_write_type(ReadWriteType::ReadOnly)
                    .include_management_events(true)
                    .build();
                ct.put_event_selectors()
                    .trail_name(MEMBER_TRAIL)
                    .event_selectors(selector)
                    .send()
                    .await?;
                ev = ev.request(json!({"trailName": MEMBER_TRAIL, "eventSelectors": [
                    {"readWriteType": "ReadOnly", "includeManagementEvents": true}]}));
            }
        }
        let resp = w
            .trail_guard("enforce", "")?
            .handle(&ev.to_json(), Some("req-1"))
            .await?;
        assert_eq!(
            (
                resp.decision.verdict.as_str(),
                resp.decision.severity.map(|s| s.as_str()),
                resp.outcome.as_str()
            ),
            ("violation", Some("critical"), "remediated"),
            "{call}"
        );
        let t = w.trail().await?.ok_or("the trail exists")?;
        assert_eq!(t.log_file_validation_enabled, Some(true), "{call}");
        assert!(w.trail_status().await?, "{call}: logging");
        let alert = w.one_alert().await?;
        assert!(
            alert.message["summary"]
                .as_str()
                .is_some_and(|s| s.contains("the role was abused")),
            "{call}: {}",
            alert.message["summary"]
        );
    }
    Ok(())
}
