//! root-guard end to end against moto: the decision, the account's name and OU path looked up
//! in Organizations, and the alert an SQS subscriber receives. Nothing is written.
#![allow(clippy::indexing_slicing)] // test assertions index JSON documents

use driftguard_tests::{BoxError, MANAGEMENT_ACCOUNT, REGION, World};
use serde_json::{Value, json};
use std::time::Duration;

fn policy(w: &World, extra: &str) -> String {
    format!(
        r#"
management_account = "{MANAGEMENT_ACCOUNT}"
audit_account = "{}"
regions = ["{REGION}"]
{extra}
"#,
        w.audit_account
    )
}

fn root_login(account: &str, mfa: &str, region: &str) -> Value {
    json!({
        "version": "0",
        "id": "3f1c2b7a-4d5e-4f60-8a9b-0c1d2e3f4a5b",
        "detail-type": "AWS Console Signin via CloudTrail",
        "source": "aws.signin",
        "account": account,
        "time": "2026-11-23T03:12:44Z",
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "Root", "principalId": account, "arn": format!("arn:aws:iam::{account}:root"), "accountId": account, "accessKeyId": ""},
            "eventTime": "2026-11-23T03:12:44Z",
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": region,
            "sourceIPAddress": "203.0.113.77",
            "userAgent": "Mozilla/5.0 <@U024BE7LH> *bold*",
            "requestParameters": null,
            "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa},
            "eventID": format!("a7c9e1f3-2b4d-4f6a-8c0e-{account}"),
            "readOnly": false,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management"
        }
    })
}

fn context(alert: &driftguard_tests::Alert, key: &str) -> Option<String> {
    alert.message["context"]
        .as_array()?
        .iter()
        .find(|c| c["key"] == key)
        .and_then(|c| c["value"].as_str().map(str::to_string))
}

#[tokio::test]
async fn root_sign_in_without_mfa_alerts_with_account_name_and_ou_path() -> Result<(), BoxError> {
    let w = World::start().await?;
    let org = w.build_org().await?;
    let pipeline = w.root_guard(&policy(&w, ""))?;
    // Sign-in events land on regional endpoints: eu-west-1 is not a governed region for the
    // other guardrails, and root use is judged there all the same.
    let resp = pipeline
        .handle(
            &root_login(&w.member_account, "NO", "eu-west-1"),
            Some("req-1"),
        )
        .await?;
    assert_eq!(
        (
            resp.decision.verdict.as_str(),
            resp.decision.severity.map_or("", |s| s.as_str()),
            resp.outcome.as_str()
        ),
        ("violation", "critical", "none")
    );
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.subject,
        format!(
            "[driftguard] CRITICAL root-activity violation in {}: alert only",
            w.member_account
        )
    );
    assert_eq!(alert.attributes["guardrail"], "root-activity");
    assert_eq!(alert.message["summary"], "Root console sign-in WITHOUT MFA");
    assert_eq!(alert.message["region"], "eu-west-1");
    assert_eq!(alert.message["actor"]["source_ip"], "203.0.113.77");
    assert_eq!(
        alert.message["actor"]["user_agent"], "Mozilla/5.0 <@U024BE7LH> *bold*",
        "the machine document keeps the raw value; the human formats escape it"
    );
    assert_eq!(alert.message["evidence"][0]["key"], "MFA used");
    assert_eq!(alert.message["evidence"][0]["value"], "no");
    assert!(
        alert.message["respond"]
            .as_str()
            .unwrap_or("")
            .starts_with("Confirm with the account owner")
    );
    assert_eq!(context(&alert, "account name").as_deref(), Some("Workload"));
    assert_eq!(
        context(&alert, "OU path"),
        Some(format!("Workloads/Production ({})", org.production))
    );
    assert!(alert.message["steps"].as_array().is_some_and(Vec::is_empty));
    Ok(())
}

#[tokio::test]
async fn sanctioned_root_procedure_is_alerted_low_until_it_expires() -> Result<(), BoxError> {
    let w = World::start().await?;
    w.build_org().await?;
    let sanctioned = |expires: &str| {
        format!(
            "[[root.sanctioned]]\naccount = \"{}\"\nexpires = {expires}\nreason = \"MFA device replacement, CHG-1234\"\n",
            w.member_account
        )
    };
    let pipeline = w.root_guard(&policy(&w, &sanctioned("2099-12-31")))?;
    pipeline
        .handle(&root_login(&w.member_account, "Yes", REGION), Some("req-1"))
        .await?;
    let alert = w.one_alert().await?;
    assert_eq!(alert.attributes["severity"], "low");
    assert!(
        alert.message["reason"].as_str().unwrap_or("").contains(
            "sanctioned root procedure until 2099-12-31: MFA device replacement, CHG-1234"
        ),
        "{}",
        alert.message["reason"]
    );

    let expired = w.root_guard(&policy(&w, &sanctioned("2020-01-01")))?;
    expired
        .handle(&root_login(&w.member_account, "Yes", REGION), Some("req-2"))
        .await?;
    let alert = w.one_alert().await?;
    assert_eq!(
        alert.attributes["severity"], "high",
        "with MFA, no longer sanctioned"
    );
    Ok(())
}

#[tokio::test]
async fn an_iam_user_sign_in_is_not_root_activity() -> Result<(), BoxError> {
    let w = World::start().await?;
    let pipeline = w.root_guard(&policy(&w, ""))?;
    let mut ev = root_login(&w.member_account, "No", REGION);
    ev["detail"]["userIdentity"] = json!({
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLE",
        "arn": format!("arn:aws:iam::{}:user/root", w.member_account),
        "accountId": w.member_account,
        "userName": "root"
    });
    let resp = pipeline.handle(&ev, Some("req-1")).await?;
    assert_eq!(resp.decision.verdict.as_str(), "benign");
    assert!(w.alerts(Duration::from_millis(500)).await?.is_empty());
    Ok(())
}
