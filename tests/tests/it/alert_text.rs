//! The exact alert a subscriber receives for a root sign-in without MFA and for a High
//! GuardDuty finding: subject, the email text and the Slack (AWS Chatbot) message, rendered
//! from the decision the core makes and the context root-guard / guardduty-guard look up.
//! (moto delivers only the `default` document to an SQS subscriber, which the moto tests
//! assert; the email and Slack bodies are pinned here, character for character.)
#![allow(clippy::indexing_slicing, clippy::unwrap_used)] // a failed fixture step is a failed test

use chrono::NaiveDate;
use driftguard_core::alert::{AlertContext, render};
use driftguard_core::outcome::{Outcome, Report};
use driftguard_core::{Policy, decide::decide_all, decode_event};
use serde_json::{Value, json};

fn policy() -> Policy {
    Policy::parse(
        r#"
management_account = "111111111111"
audit_account = "222222222222"
regions = ["us-east-1", "eu-west-1"]
"#,
        "alert-text-policy.toml",
        &driftguard_core::NoDocuments,
    )
    .unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn root_login_without_mfa() -> Value {
    json!({
        "version": "0",
        "id": "3f1c2b7a-4d5e-4f60-8a9b-0c1d2e3f4a5b",
        "detail-type": "AWS Console Sign In via CloudTrail",
        "source": "aws.signin",
        "account": "333333333333",
        "time": "2026-11-23T03:12:44Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "Root",
                "principalId": "333333333333",
                "arn": "arn:aws:iam::333333333333:root",
                "accountId": "333333333333",
                "accessKeyId": ""
            },
            "eventTime": "2026-11-23T03:12:44Z",
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "203.0.113.77",
            "userAgent": "Mozilla/5.0 <!channel> `x` https://evil.example/login",
            "requestParameters": null,
            "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {
                "LoginTo": "https://console.aws.amazon.com/console/home",
                "MobileVersion": "No",
                "MFAUsed": "No"
            },
            "eventID": "a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f",
            "readOnly": false,
            "eventType": "AwsConsoleSignIn",
            "managementEvent": true,
            "recipientAccountId": "333333333333",
            "eventCategory": "Management"
        }
    })
}

fn high_finding() -> Value {
    json!({
        "version": "0",
        "id": "c8d2e7f1-0000-4000-8000-000000000001",
        "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty",
        "account": "222222222222",
        "time": "2026-11-23T10:05:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "schemaVersion": "2.0",
            "accountId": "333333333333",
            "region": "us-east-1",
            "partition": "aws",
            "id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
            "type": "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
            "resource": {"resourceType": "AccessKey"},
            "service": {
                "serviceName": "guardduty",
                "archived": false,
                "count": 1,
                "additionalInfo": {"value": "{}", "type": "default"}
            },
            "severity": 8,
            "createdAt": "2026-11-23T10:00:00.000Z",
            "updatedAt": "2026-11-23T10:04:30.000Z",
            "title": "API DescribeTrails was invoked from a known malicious IP address.",
            "description": "API DescribeTrails was invoked from IP address 198.51.100.66 on the custom threat list."
        }
    })
}

fn rendered(event: &Value, function: &str) -> (String, String, Value) {
    let event = decode_event(event).unwrap();
    let decision = decide_all(&event, &policy(), today()).remove(0);
    let mut report = Report::without_steps(Outcome::None);
    report.context = vec![
        ("account name".into(), "payments-prod".into()),
        (
            "OU path".into(),
            "Workloads/Production (ou-ab12-prod0001)".into(),
        ),
    ];
    let ctx = AlertContext {
        function: function.into(),
        request_id: Some("5b0e8f6a-0000-4000-8000-000000000001".into()),
    };
    let msg = render(&decision, &report, &ctx);
    let body: Value = serde_json::from_str(&msg.message).unwrap();
    let email = body["email"].as_str().unwrap().to_string();
    let slack: Value = serde_json::from_str(body["https"].as_str().unwrap()).unwrap();
    (msg.subject, email, slack)
}

const ROOT_SUBJECT: &str =
    "[driftguard] CRITICAL root-activity violation in 333333333333: alert only";
const ROOT_EMAIL: &str = r#"driftguard: CRITICAL violation of guardrail root-activity

What happened: Root console sign-in WITHOUT MFA
Why it matters: the root user signed in without MFA: the account's most powerful credential is protected by a password alone
First response: Confirm with the account owner that this sign-in was sanctioned. If not: reset the root password, replace the root MFA device, delete any root access keys, review everything the root user did since this sign-in (CloudTrail events whose identity type is Root), and consider centralized root access to remove root credentials.
Who: arn:aws:iam::333333333333:root (Root)
Source IP: 203.0.113.77
User agent: Mozilla/5.0 <!channel> `x` https[:]//evil[.]example/login
Where: account 333333333333, region eu-west-1, resource arn:aws:iam::333333333333:root
Event: signin.amazonaws.com ConsoleLogin at 2026-11-23T03:12:44Z (event id a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f)
Evidence: MFA used: no
Context: account name: payments-prod
Context: OU path: Workloads/Production (ou-ab12-prod0001)

What driftguard did: Nothing to remediate.
Outcome: none

The log line: CloudWatch Logs Insights, log group /aws/lambda/root-guard (request 5b0e8f6a-0000-4000-8000-000000000001):
  fields @timestamp, guardrail, verdict, outcome, summary | filter record = "remediation" and event_id = "a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f"
"#;
const ROOT_SLACK: &str = r#"{
  "version": "1.0",
  "source": "custom",
  "id": "a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f",
  "content": {
    "textType": "client-markdown",
    "title": ":rotating_light: driftguard CRITICAL violation: root-activity in `333333333333`",
    "description": "*What happened:* `Root console sign-in WITHOUT MFA`\n*Who:* `arn:aws:iam::333333333333:root` from `203.0.113.77`\n*User agent:* `Mozilla/5.0 &lt;!channel&gt; 'x' https://evil.example/login`\n*Where:* `333333333333` / `eu-west-1` / `arn:aws:iam::333333333333:root`\n*MFA used:* `no`\n*account name:* `payments-prod`\n*OU path:* `Workloads/Production (ou-ab12-prod0001)`\n*First response:* Confirm with the account owner that this sign-in was sanctioned. If not: reset the root password, replace the root MFA device, delete any root access keys, review everything the root user did since this sign-in (CloudTrail events whose identity type is Root), and consider centralized root access to remove root credentials.\n*driftguard:* Nothing to remediate. Outcome: *none*",
    "nextSteps": [
      "Logs Insights on `/aws/lambda/root-guard`: `fields @\u200btimestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" and event_id = \"a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f\"`"
    ],
    "keywords": [
      "root-activity",
      "critical",
      "violation",
      "none"
    ]
  },
  "metadata": {
    "threadId": "a7c9e1f3-2b4d-4f6a-8c0e-1a3b5c7d9e2f",
    "summary": "driftguard root-activity violation none",
    "eventType": "root-activity",
    "additionalContext": {
      "account": "333333333333",
      "region": "eu-west-1",
      "severity": "critical"
    }
  }
}"#;

const FINDING_SUBJECT: &str =
    "[driftguard] HIGH guardduty-finding violation in 333333333333: alert only";
const FINDING_EMAIL: &str = r#"driftguard: HIGH violation of guardrail guardduty-finding

What happened: GuardDuty finding UnauthorizedAccess:IAMUser/MaliciousIPCaller[.]Custom: API DescribeTrails was invoked from a known malicious IP address.
Why it matters: severity 8.0 is at or above the policy's threshold 7.0
First response: Open finding f0e1d2c3b4a5968778695a4b3c2d1e0f in the GuardDuty console of the administrator account (222222222222), region us-east-1, and follow its remediation guidance; archive it only once it is explained.
Where: account 333333333333, region us-east-1, resource finding f0e1d2c3b4a5968778695a4b3c2d1e0f
Event: aws.guardduty GuardDuty Finding at 2026-11-23T10:04:30.000Z (event id f0e1d2c3b4a5968778695a4b3c2d1e0f)
Evidence: finding type: UnauthorizedAccess:IAMUser/MaliciousIPCaller[.]Custom
Evidence: GuardDuty severity: 8.0
Evidence: finding id: f0e1d2c3b4a5968778695a4b3c2d1e0f
Evidence: occurrences: 1
Evidence: resource type: AccessKey
Evidence: description: API DescribeTrails was invoked from IP address 198.51.100.66 on the custom threat list.
Context: account name: payments-prod
Context: OU path: Workloads/Production (ou-ab12-prod0001)

What driftguard did: Nothing to remediate.
Outcome: none

The log line: CloudWatch Logs Insights, log group /aws/lambda/guardduty-guard (request 5b0e8f6a-0000-4000-8000-000000000001):
  fields @timestamp, guardrail, verdict, outcome, summary | filter record = "remediation" and event_id = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
"#;
const FINDING_SLACK: &str = r#"{
  "version": "1.0",
  "source": "custom",
  "id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
  "content": {
    "textType": "client-markdown",
    "title": ":rotating_light: driftguard HIGH violation: guardduty-finding in `333333333333`",
    "description": "*What happened:* `GuardDuty finding UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom: API DescribeTrails was invoked from a known malicious IP address.`\n*Where:* `333333333333` / `us-east-1` / `finding f0e1d2c3b4a5968778695a4b3c2d1e0f`\n*finding type:* `UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom`\n*GuardDuty severity:* `8.0`\n*finding id:* `f0e1d2c3b4a5968778695a4b3c2d1e0f`\n*occurrences:* `1`\n*resource type:* `AccessKey`\n*description:* `API DescribeTrails was invoked from IP address 198.51.100.66 on the custom threat list.`\n*account name:* `payments-prod`\n*OU path:* `Workloads/Production (ou-ab12-prod0001)`\n*First response:* Open finding f0e1d2c3b4a5968778695a4b3c2d1e0f in the GuardDuty console of the administrator account (222222222222), region us-east-1, and follow its remediation guidance; archive it only once it is explained.\n*driftguard:* Nothing to remediate. Outcome: *none*",
    "nextSteps": [
      "Logs Insights on `/aws/lambda/guardduty-guard`: `fields @\u200btimestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" and event_id = \"f0e1d2c3b4a5968778695a4b3c2d1e0f\"`"
    ],
    "keywords": [
      "guardduty-finding",
      "high",
      "violation",
      "none"
    ]
  },
  "metadata": {
    "threadId": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    "summary": "driftguard guardduty-finding violation none",
    "eventType": "guardduty-finding",
    "additionalContext": {
      "account": "333333333333",
      "region": "us-east-1",
      "severity": "high"
    }
  }
}"#;

fn check(event: Value, function: &str, subject: &str, email: &str, slack: &str) {
    let (s, e, k) = rendered(&event, function);
    assert_eq!(s, subject);
    assert_eq!(e, email, "email text:\n{e}");
    let expected: Value = serde_json::from_str(slack).unwrap();
    assert_eq!(
        k,
        expected,
        "Slack message:\n{}",
        serde_json::to_string_pretty(&k).unwrap()
    );
}

#[test]
fn root_sign_in_without_mfa() {
    check(
        root_login_without_mfa(),
        "root-guard",
        ROOT_SUBJECT,
        ROOT_EMAIL,
        ROOT_SLACK,
    );
}

#[test]
fn high_guardduty_finding() {
    check(
        high_finding(),
        "guardduty-guard",
        FINDING_SUBJECT,
        FINDING_EMAIL,
        FINDING_SLACK,
    );
}
