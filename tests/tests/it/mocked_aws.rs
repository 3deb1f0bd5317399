//! Error and retry paths moto cannot produce, with aws-smithy-mocks: STS refusing the
//! remediation role (no role in the account), and CloudTrail throttling that the SDK retries.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
use aws_sdk_cloudtrail::operation::start_logging::StartLoggingOutput;
use aws_sdk_sts::operation::assume_role::{AssumeRoleError, AssumeRoleOutput};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use driftguard_tests::{BoxError, CtEvent, MEMBER_TRAIL, REGION, World};

const EVENT_ID: &str = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e";

#[tokio::test]
async fn missing_remediation_role_gives_failure_alert_and_error() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.cloudtrail()
        .stop_logging()
        .name(MEMBER_TRAIL)
        .send()
        .await?;
    let denied = mock!(aws_sdk_sts::Client::assume_role).then_error(|| {
        AssumeRoleError::generic(
            aws_sdk_sts::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User: arn:aws:sts::222222222222:assumed-role/trail-guard/x is not authorized to perform: sts:AssumeRole")
                .build(),
        )
    });
    let sts = mock_client!(aws_sdk_sts, [&denied]);
    let mut wiring = trail_guard::Wiring::live(&w.audit);
    wiring.sts = sts;
    let pipeline = trail_guard::pipeline(w.policy("enforce", "")?, &w.topic_arn, wiring);
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let err = pipeline
        .handle(&ev, Some("req-1"))
        .await
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.kind(), "driftguard.RemediationFailed");
    assert!(!w.trail_status().await?);

    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes.get("outcome").map(String::as_str),
        Some("failed")
    );
    let error = alert.message["error"].as_str().unwrap_or("");
    assert!(
        error.starts_with(&format!(
            "cannot assume arn:aws:iam::{}:role/DriftguardRemediation (session driftguard-trail-guard-{EVENT_ID}): ",
            w.member_account
        )),
        "{error}"
    );
    assert!(error.contains("AccessDenied"), "{error}");
    assert!(
        error.contains("Check the remediation role exists"),
        "{error}"
    );
    Ok(())
}

#[tokio::test]
async fn throttled_cloudtrail_calls_are_retried() -> Result<(), BoxError> {
    let w = World::start().await?;
    let creds = aws_sdk_sts::types::Credentials::builder()
        .access_key_id("AKID")
        .secret_access_key("SECRET")
        .session_token("TOKEN")
        .expiration(aws_sdk_sts::primitives::DateTime::from_secs(4_102_444_800))
        .build()?;
    let assume = mock!(aws_sdk_sts::Client::assume_role).then_output(move || {
        AssumeRoleOutput::builder()
            .credentials(creds.clone())
            .build()
    });
    // Not logging, then StartLogging throttled twice before it succeeds.
    let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status)
        .then_output(|| GetTrailStatusOutput::builder().is_logging(false).build());
    let throttled = mock!(aws_sdk_cloudtrail::Client::start_logging)
        .sequence()
        .error(|| {
            aws_sdk_cloudtrail::operation::start_logging::StartLoggingError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("Rate exceeded")
                    .build(),
            )
        })
        .times(2)
        .output(|| StartLoggingOutput::builder().build())
        .build();
    let sts = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&assume]);
    let rules = [status.clone(), throttled.clone()];
    let mut wiring = trail_guard::Wiring::live(&w.audit);
    wiring.sts = sts;
    wiring.make_client = Box::new(move |_cfg| {
        mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, rules.iter(), |c| c
            .retry_config(
                aws_sdk_cloudtrail::config::retry::RetryConfig::standard().with_max_attempts(3)
            )
            .sleep_impl(aws_sdk_cloudtrail::config::SharedAsyncSleep::new(
                aws_smithy_async::rt::sleep::TokioSleep::new()
            )))
    });
    let pipeline = trail_guard::pipeline(w.policy("enforce", "")?, &w.topic_arn, wiring);
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    assert_eq!(
        throttled.num_calls(),
        3,
        "two throttled attempts and one success"
    );
    let alert = w.one_alert().await?;
    assert_eq!(alert.message["steps"][0]["status"], "done");
    Ok(())
}

/// Defence in depth: the remediation session is limited by an inline session policy to the
/// plan's reads and writes on the plan's trail, so the role's other permissions cannot be
/// used by a bug or a forged plan.
#[tokio::test]
async fn remediation_sessions_carry_only_the_plans_permissions() -> Result<(), BoxError> {
    let w = World::start().await?;
    let creds = aws_sdk_sts::types::Credentials::builder()
        .access_key_id("AKID")
        .secret_access_key("SECRET")
        .session_token("TOKEN")
        .expiration(aws_sdk_sts::primitives::DateTime::from_secs(4_102_444_800))
        .build()?;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    let assume = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(move |r| {
            if let Ok(mut s) = record.lock() {
                s.push(r.policy().unwrap_or("(no session policy)").to_string());
            }
            true
        })
        .then_output(move || {
            AssumeRoleOutput::builder()
                .credentials(creds.clone())
                .build()
        });
    let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status)
        .then_output(|| GetTrailStatusOutput::builder().is_logging(false).build());
    let start = mock!(aws_sdk_cloudtrail::Client::start_logging)
        .then_output(|| StartLoggingOutput::builder().build());
    let sts = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&assume]);
    let rules = [status.clone(), start.clone()];
    let mut wiring = trail_guard::Wiring::live(&w.audit);
    wiring.sts = sts;
    wiring.make_client =
        Box::new(move |_cfg| mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, rules.iter()));
    let pipeline = trail_guard::pipeline(w.policy("enforce", "")?, &w.topic_arn, wiring);
    let ev = CtEvent::new(&w.member_account, "StopLogging", EVENT_ID).to_json();
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.outcome.as_str(), "remediated");
    let policies = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(policies.len(), 1, "one session for the plan: {policies:?}");
    let doc: serde_json::Value = serde_json::from_str(&policies[0])?;
    assert_eq!(
        doc["Statement"],
        serde_json::json!([{
            "Effect": "Allow",
            "Action": ["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"],
            "Resource": [format!(
                "arn:aws:cloudtrail:{REGION}:{}:trail/{MEMBER_TRAIL}",
                w.member_account
            )]
        }])
    );
    Ok(())
}
