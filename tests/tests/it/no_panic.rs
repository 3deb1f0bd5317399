//! No input panics: decoding, deciding and rendering the alert are total.
//!
//! Release builds abort on panic, so a panic on the invocation path loses the event. These
//! properties feed the decision core arbitrary JSON (with keys and strings drawn partly from
//! real CloudTrail / EventBridge field names and values, so generated inputs reach deep into
//! the guardrail code), arbitrary bytes (plain, gzip-looking, JSON Lines-looking) and mutated
//! fixtures from the corpus, under several policies and dates.

use chrono::NaiveDate;
use driftguard_core::alert::{AlertContext, render};
use driftguard_core::outcome::{Outcome, Report, StepResult, StepStatus};
use driftguard_core::{
    Decision, Disposition, Event, Policy, Verdict, decide::decide_all, decode_document,
    decode_event,
};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Number, Value, json};
use std::path::{Path, PathBuf};

const CASES: u32 = 384;

/// Field names of EventBridge events, CloudTrail records, trail settings and selectors.
const KEYS: &[&str] = &[
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
    "eventVersion",
    "eventID",
    "eventTime",
    "eventSource",
    "eventName",
    "eventType",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "userIdentity",
    "type",
    "arn",
    "accountId",
    "principalId",
    "accessKeyId",
    "userName",
    "invokedBy",
    "sessionContext",
    "sessionIssuer",
    "attributes",
    "mfaAuthenticated",
    "creationDate",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "serviceEventDetails",
    "requestID",
    "recipientAccountId",
    "readOnly",
    "managementEvent",
    "addendum",
    "reason",
    "originalEventID",
    "name",
    "trailName",
    "trailARN",
    "eventSelectors",
    "advancedEventSelectors",
    "fieldSelectors",
    "field",
    "equals",
    "notEquals",
    "startsWith",
    "notStartsWith",
    "endsWith",
    "notEndsWith",
    "readWriteType",
    "includeManagementEvents",
    "excludeManagementEventSources",
    "dataResources",
    "isMultiRegionTrail",
    "logFileValidationEnabled",
    "enableLogFileValidation",
    "includeGlobalServiceEvents",
    "s3BucketName",
    "kmsKeyId",
    "cloudWatchLogsLogGroupArn",
    "snsTopicName",
    "snsTopicARN",
    "Records",
    "severity",
    "service",
    "resource",
    "tlsDetails",
];

/// Values that steer decoding and the trail guardrail.
const STRINGS: &[&str] = &[
    "",
    "0",
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
    "GuardDuty Finding",
    "aws.cloudtrail",
    "cloudtrail.amazonaws.com",
    "s3.amazonaws.com",
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "StartLogging",
    "org-trail",
    "account-trail",
    "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
    "arn:aws:cloudtrail:::trail/",
    "arn:",
    "arn:aws:cloudtrail:eu-west-1:333333333333:trail/",
    "arn:aws:sts::333333333333:assumed-role/DriftguardRemediation/driftguard-trail-guard-1",
    "arn:aws:sts::333333333333:assumed-role/BreakGlassAdmin/x",
    "arn:aws:iam::333333333333:role/BreakGlassAdmin",
    "arn:aws:iam::333333333333:role/OldBreakGlass",
    "assumed-role/",
    "AssumedRole",
    "IAMUser",
    "Root",
    "111111111111",
    "333333333333",
    "us-east-1",
    "eu-west-1",
    "AccessDenied",
    "Management",
    "Data",
    "eventCategory",
    "readOnly",
    "eventSource",
    "resources.type",
    "true",
    "false",
    "TRUE",
    "ReadOnly",
    "WriteOnly",
    "All",
    "kms.amazonaws.com",
    "org-trail-logs",
    "elsewhere-bucket",
    "2026-11-23T10:15:42Z",
    "20131102T010628Z",
    "<!channel> *bold* `code` <https://evil.example|click>",
    "\u{202e}ε\u{0}\n\r\t\"\\",
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(STRINGS).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[a-z:/*-]{0,24}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(KEYS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        string().prop_map(Value::String),
    ]
}

/// An arbitrary JSON value whose object keys are mostly real field names.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Sometimes the well-formed `good`, sometimes anything.
fn or_anything(good: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Value> {
    prop_oneof![3 => good, 1 => json_value()]
}

fn strings_array() -> impl Strategy<Value = Value> {
    prop::collection::vec(string().prop_map(Value::String), 0..3).prop_map(Value::Array)
}

fn field_selector() -> BoxedStrategy<Value> {
    or_anything(
        (
            select(
                &[
                    "eventCategory",
                    "readOnly",
                    "eventSource",
                    "resources.type",
                    "eventName",
                    "",
                ][..],
            ),
            prop::option::of(strings_array()),
            prop::option::of(strings_array()),
            prop::option::of(strings_array()),
        )
            .prop_map(|(field, equals, not_equals, starts_with)| {
                let mut m = Map::new();
                m.insert("field".into(), json!(field));
                for (k, v) in [
                    ("equals", equals),
                    ("notEquals", not_equals),
                    ("startsWith", starts_with),
                ] {
                    if let Some(v) = v {
                        m.insert(k.into(), v);
                    }
                }
                Value::Object(m)
            }),
    )
    .boxed()
}

fn selectors() -> BoxedStrategy<Value> {
    let basic = (
        prop::option::of(select(&["All", "ReadOnly", "WriteOnly", "Bogus"][..])),
        prop::option::of(leaf()),
        prop::option::of(strings_array()),
    )
        .prop_map(|(rw, inc, ex)| {
            let mut m = Map::new();
            if let Some(rw) = rw {
                m.insert("readWriteType".into(), json!(rw));
            }
            if let Some(inc) = inc {
                m.insert("includeManagementEvents".into(), inc);
            }
            if let Some(ex) = ex {
                m.insert("excludeManagementEventSources".into(), ex);
            }
            Value::Object(m)
        });
    let advanced = prop::collection::vec(field_selector(), 0..4)
        .prop_map(|fs| json!({"name": "s", "fieldSelectors": fs}));
    prop_oneof![
        prop::collection::vec(or_anything(basic), 0..4).prop_map(|s| json!({"eventSelectors": s})),
        prop::collection::vec(or_anything(advanced), 0..4)
            .prop_map(|s| json!({"advancedEventSelectors": s})),
    ]
    .boxed()
}

fn trail_settings() -> BoxedStrategy<Value> {
    prop::collection::vec(
        (
            select(
                &[
                    "isMultiRegionTrail",
                    "logFileValidationEnabled",
                    "enableLogFileValidation",
                    "includeGlobalServiceEvents",
                    "s3BucketName",
                    "kmsKeyId",
                    "cloudWatchLogsLogGroupArn",
                    "snsTopicName",
                    "snsTopicARN",
                ][..],
            ),
            leaf(),
        ),
        0..8,
    )
    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    .boxed()
}

fn identity() -> BoxedStrategy<Value> {
    or_anything(
        (
            prop::option::of(select(&["AssumedRole", "IAMUser", "Root", "AWSService", ""][..])),
            prop::option::of(string()),
            prop::option::of(string()),
        )
            .prop_map(|(t, arn, issuer)| {
                json!({
                    "type": t, "arn": arn, "accountId": "333333333333", "accessKeyId": "",
                    "invokedBy": if issuer.is_some() { Value::Null } else { json!("signin.amazonaws.com") },
                    "sessionContext": {"sessionIssuer": {"type": "Role", "arn": issuer},
                                       "attributes": {"mfaAuthenticated": "true", "creationDate": "20131102T010628Z"}}
                })
            }),
    )
    .boxed()
}

/// A trail as events name it: mostly the fixture policy's trails, by name or ARN.
fn trail_id() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&[
            "org-trail",
            "account-trail",
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
            "arn:aws:cloudtrail:eu-west-1:333333333333:trail/account-trail",
            "dev-trail",
        ][..]).prop_map(str::to_string),
        1 => string(),
    ]
}

/// A CloudTrail record close enough to a real one to reach the trail guardrail.
fn record() -> BoxedStrategy<Value> {
    let params = prop_oneof![
        selectors(),
        trail_settings(),
        json_value(),
        Just(Value::Null),
    ];
    (
        select(&["cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "signin.amazonaws.com", "iam.amazonaws.com", "s3.amazonaws.com", ""][..]),
        select(&["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "StartLogging", "DeleteDetector", "UpdateDetector", "DeleteMembers", "UpdateOrganizationConfiguration", "ConsoleLogin", "CheckMfa", "CreateAccessKey"][..]),
        prop::option::weighted(0.85, trail_id()),
        params,
        prop_oneof![trail_settings(), selectors(), json_value(), Just(Value::Null)],
        identity(),
        prop::option::weighted(0.3, select(&["AccessDenied", "TrailNotFoundException", ""][..])),
        prop::option::weighted(0.9, select(&["us-east-1", "eu-west-1", "ap-south-1", ""][..])),
        prop::option::weighted(0.9, select(&["111111111111", "333333333333", "444444444444", ""][..])),
        prop::collection::vec((key(), json_value()), 0..3),
    )
        .prop_map(|(source, name, trail, mut params, response, ui, error, region, account, extra)| {
            if let (Some(t), Some(obj)) = (trail, params.as_object_mut()) {
                let k = if name == "PutEventSelectors" { "trailName" } else { "name" };
                obj.insert(k.into(), Value::String(t));
            }
            let mut rec = json!({
                "eventVersion": "1.10", "eventID": "e1", "eventSource": source, "eventName": name,
                "awsRegion": region, "recipientAccountId": account, "userIdentity": ui,
                "requestParameters": params, "responseElements": response, "errorCode": error,
                "readOnly": false, "managementEvent": true,
            });
            if let Some(obj) = rec.as_object_mut() {
                obj.extend(extra);
            }
            rec
        })
        .boxed()
}

fn event() -> BoxedStrategy<Value> {
    prop_oneof![
        2 => record(),
        3 => (
            select(
                &[
                    "AWS API Call via CloudTrail",
                    "AWS Console Signin via CloudTrail",
                    "AWS Service Event via CloudTrail",
                    "GuardDuty Finding",
                    "Object Created",
                ][..]
            ),
            or_anything(record()),
            prop_oneof![
                6 => Just(Some("2026-11-23T10:15:42Z")),
                2 => Just(Some("2026-11-23T10:15:42.123+01:00")),
                1 => Just(None),
                1 => select(&[Some("yesterday"), Some("")][..]),
            ],
        )
            .prop_map(|(dt, detail, time)| json!({
                "version": "0", "id": "eb-1", "detail-type": dt, "source": "aws.cloudtrail",
                "account": "333333333333", "time": time, "region": "us-east-1", "resources": [],
                "detail": detail,
            })),
        1 => json_value(),
    ]
    .boxed()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

const STRICT_POLICY: &str = r#"
management_account = "111111111111"
audit_account = "222222222222"
regions = ["us-east-1"]
remediation_role = "DriftguardRemediation"

[trail]
scope = "all"
require_kms = true
require_cloudwatch_logs = true
require_sns = true

[[trail.trails]]
name = "org-trail"
s3_bucket = "org-trail-logs"
kms_key_id = "alias/cloudtrail"
cloudwatch_logs_log_group_arn = "arn:aws:logs:us-east-1:111111111111:log-group:trail"
cloudwatch_logs_role_arn = "arn:aws:iam::111111111111:role/trail-cwl"
sns_topic_name = "trail-delivery"

[[exemptions]]
principal = "arn:aws:iam::*:role/break-glass-*"
guardrails = ["trail-tampering"]
reason = "role pattern without expiry (session patterns are refused at load)"
"#;

const OFF_POLICY: &str = r#"
management_account = "111111111111"
audit_account = "222222222222"
[guardrails.trail-tampering]
mode = "off"
"#;

/// The fixture policies, the embedded default, a strict scope-all policy and an off policy.
fn policies() -> Result<Vec<Policy>, String> {
    let mut out = Vec::new();
    for f in ["policy.toml", "policy-notify.toml"] {
        out.push(
            driftguard_files::load_policy(&fixtures_dir().join(f)).map_err(|e| e.to_string())?,
        );
    }
    out.push(Policy::default_policy().map_err(|e| e.to_string())?);
    out.push(
        Policy::parse(STRICT_POLICY, "strict", &driftguard_core::NoDocuments)
            .map_err(|e| e.to_string())?,
    );
    out.push(
        Policy::parse(OFF_POLICY, "off", &driftguard_core::NoDocuments)
            .map_err(|e| e.to_string())?,
    );
    Ok(out)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // 2015-01-01 .. about 2110: both sides of every exemption expiry.
    (735_599i32..770_000).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default())
}

fn outcome() -> impl Strategy<Value = Outcome> {
    select(
        &[
            Outcome::None,
            Outcome::Planned,
            Outcome::Exempt,
            Outcome::Remediated,
            Outcome::AlreadyCompliant,
            Outcome::Failed,
        ][..],
    )
}

fn status() -> impl Strategy<Value = StepStatus> {
    select(
        &[
            StepStatus::Done,
            StepStatus::AlreadyCompliant,
            StepStatus::Skipped,
            StepStatus::Failed,
        ][..],
    )
}

/// Decide, check the decision's invariants, render both kinds of report.
fn decide_and_render(
    event: &Event,
    policy: &Policy,
    today: NaiveDate,
    outcome: Outcome,
    step: StepStatus,
    detail: &str,
) -> Result<(), TestCaseError> {
    for d in decide_all(event, policy, today) {
        render_checked(&d, outcome, step, detail)?;
    }
    Ok(())
}

fn render_checked(
    d: &Decision,
    outcome: Outcome,
    step: StepStatus,
    detail: &str,
) -> Result<(), TestCaseError> {
    let d = d.clone();
    check_decision(&d)?;
    let ctx = AlertContext {
        function: "trail-guard".into(),
        request_id: Some("c0ffee00-0000-4000-8000-000000000000".into()),
    };
    let steps = d
        .planned
        .iter()
        .map(|a| StepResult::new(a, step, detail))
        .collect();
    for report in [
        Report::without_steps(outcome),
        Report::from_steps(steps, Some(detail.to_string())),
    ] {
        let msg = render(&d, &report, &ctx);
        prop_assert!(
            msg.subject.len() < 100,
            "subject too long: {:?}",
            msg.subject
        );
        prop_assert!(
            !msg.subject.contains('\n'),
            "subject has a newline: {:?}",
            msg.subject
        );
        let doc: Value = serde_json::from_str(&msg.message)
            .map_err(|e| TestCaseError::fail(format!("message is not JSON: {e}")))?;
        for k in ["default", "email", "https"] {
            prop_assert!(
                doc.get(k).is_some_and(Value::is_string),
                "message lacks {}",
                k
            );
        }
    }
    Ok(())
}

fn check_decision(d: &Decision) -> Result<(), TestCaseError> {
    match d.verdict {
        Verdict::Benign | Verdict::Attempt => {
            prop_assert!(
                d.planned.is_empty(),
                "{:?} with planned steps: {:?}",
                d.verdict,
                d.planned
            );
            prop_assert_eq!(&d.disposition, &Disposition::None);
        }
        Verdict::Violation => {
            prop_assert!(d.guardrail.is_some(), "a violation without a guardrail");
            if d.planned.is_empty() {
                prop_assert!(
                    !matches!(d.disposition, Disposition::Remediate),
                    "remediate with nothing planned"
                );
            }
        }
    }
    if d.disposition != Disposition::Remediate {
        prop_assert!(d.actions_to_run().is_empty());
    }
    Ok(())
}

fn run_value(
    v: &Value,
    policies: &[Policy],
    pick: &Index,
    today: NaiveDate,
    outcome: Outcome,
    step: StepStatus,
) -> Result<(), TestCaseError> {
    let Some(policy) = policies.get(pick.index(policies.len())) else {
        return Ok(());
    };
    if let Ok(event) = decode_event(v) {
        decide_and_render(
            &event,
            policy,
            today,
            outcome,
            step,
            "AccessDenied: <@U123> *x*",
        )?;
    }
    for item in decode_document(v.to_string().as_bytes()) {
        if let Ok(event) = item.result {
            decide_and_render(&event, policy, today, outcome, step, "")?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: CASES, ..Config::default() })]

    #[test]
    fn arbitrary_json_never_panics(
        v in json_value(),
        pick in any::<Index>(),
        today in date(),
        outcome in outcome(),
        step in status(),
    ) {
        let policies = policies().map_err(TestCaseError::fail)?;
        run_value(&v, &policies, &pick, today, outcome, step)?;
    }

    #[test]
    fn event_shaped_json_never_panics(
        v in event(),
        pick in any::<Index>(),
        today in date(),
        outcome in outcome(),
        step in status(),
    ) {
        let policies = policies().map_err(TestCaseError::fail)?;
        run_value(&v, &policies, &pick, today, outcome, step)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            // gzip magic followed by garbage
            prop::collection::vec(any::<u8>(), 0..256).prop_map(|mut b| {
                b.splice(0..0, [0x1f, 0x8b, 0x08, 0x00]);
                b
            }),
            // JSON Lines of arbitrary values, some broken
            prop::collection::vec(json_value().prop_map(|v| v.to_string()), 0..5)
                .prop_map(|lines| lines.join("\n").into_bytes()),
            // a log file of event-shaped records
            prop::collection::vec(record(), 0..4)
                .prop_map(|r| json!({"Records": r}).to_string().into_bytes()),
        ],
        pick in any::<Index>(),
        today in date(),
    ) {
        let policies = policies().map_err(TestCaseError::fail)?;
        let Some(policy) = policies.get(pick.index(policies.len())) else {
            return Ok(());
        };
        let items = decode_document(&bytes);
        if items.is_empty() {
            // Only a document that lists no events at all (`[]`, `{"Records": []}`) is empty.
            let v: Value = serde_json::from_slice(&bytes)
                .map_err(|e| TestCaseError::fail(format!("no items for a non-JSON document: {e}")))?;
            let list = v.get("Records").unwrap_or(&v);
            prop_assert!(
                list.as_array().is_some_and(Vec::is_empty),
                "no items for a document that is not an empty list: {}", v
            );
        }
        for item in items {
            if let Ok(event) = item.result {
                decide_and_render(&event, policy, today, Outcome::Failed, StepStatus::Failed, "x")?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mutated fixtures

/// Every JSON value of the corpus: whole documents, JSON Lines and log file records.
fn fixture_values() -> Result<Vec<Value>, String> {
    fn walk(dir: &Path, out: &mut Vec<Value>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(&path, out)?;
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // gzip: its plain twin is in the corpus
            };
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                if let Some(records) = v.get("Records").and_then(Value::as_array) {
                    out.extend(records.iter().cloned());
                }
                out.push(v);
            } else {
                out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for corpus in ["trail", "org", "root", "guardduty"] {
        walk(&fixtures_dir().join(corpus).join("events"), &mut out)?;
    }
    Ok(out)
}

/// JSON pointers of every node of `v` (the root included).
fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_string());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let token = k.replace('~', "~0").replace('/', "~1");
                pointers(child, &format!("{at}/{token}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Index, Value),
    Delete(Index),
    Insert(Index, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<Index>(), json_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<Index>().prop_map(Mutation::Delete),
        1 => (any::<Index>(), key(), json_value()).prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
    ]
}

fn apply(v: &mut Value, m: &Mutation) {
    let mut ptrs = Vec::new();
    pointers(v, "", &mut ptrs);
    let pick = |i: &Index| ptrs.get(i.index(ptrs.len())).cloned().unwrap_or_default();
    match m {
        Mutation::Replace(i, new) => {
            if let Some(node) = v.pointer_mut(&pick(i)) {
                *node = new.clone();
            }
        }
        Mutation::Delete(i) => {
            let ptr = pick(i);
            let Some((parent, token)) = ptr.rsplit_once('/') else {
                return;
            };
            let token = token.replace("~1", "/").replace("~0", "~");
            match v.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&token);
                }
                Some(Value::Array(a)) => {
                    if let Ok(n) = token.parse::<usize>()
                        && n < a.len()
                    {
                        a.remove(n);
                    }
                }
                _ => {}
            }
        }
        Mutation::Insert(i, k, new) => {
            if let Some(Value::Object(m)) = v.pointer_mut(&pick(i)) {
                m.insert(k.clone(), new.clone());
            }
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let fixtures = fixture_values().unwrap();
    assert!(
        fixtures.len() >= 50,
        "only {} fixture values found",
        fixtures.len()
    );
    let policies = policies().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 512,
        ..Config::default()
    });
    let strategy = (
        any::<Index>(),
        prop::collection::vec(mutation(), 1..4),
        any::<Index>(),
        date(),
        outcome(),
        status(),
    );
    runner
        .run(
            &strategy,
            |(which, mutations, pick, today, outcome, step)| {
                let Some(original) = fixtures.get(which.index(fixtures.len())) else {
                    return Ok(());
                };
                let mut v = original.clone();
                for m in &mutations {
                    apply(&mut v, m);
                }
                run_value(&v, &policies, &pick, today, outcome, step)
            },
        )
        .unwrap();
}

/// Every unmutated fixture decodes and renders under every policy (the baseline of the
/// mutation test), and the decode of the corpus's own events succeeds.
#[test]
fn fixtures_decide_and_render_under_every_policy() {
    let fixtures = fixture_values().unwrap();
    let policies = policies().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut decoded = 0;
    for v in &fixtures {
        for p in &policies {
            if let Ok(event) = decode_event(v) {
                decoded += 1;
                decide_and_render(
                    &event,
                    p,
                    today,
                    Outcome::Remediated,
                    StepStatus::Done,
                    "ok",
                )
                .unwrap();
            }
        }
    }
    assert!(decoded >= 40 * policies.len(), "only {decoded} decodes");
}
