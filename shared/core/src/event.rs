//! Tolerant decoding of everything driftguard receives.
//!
//! Inputs: an EventBridge event (`AWS API Call via CloudTrail`, `AWS Console Sign In via
//! CloudTrail`, `AWS Service Event via CloudTrail`, `GuardDuty Finding`), a bare CloudTrail
//! record, a CloudTrail S3 log file (`{"Records": [...]}`, plain or gzip) and JSON Lines.
//!
//! Real records are messy (the fixture corpora under `tests/fixtures/*/events` hold the shapes): nearly every field is optional, booleans arrive as
//! strings, new fields keep appearing. Every field here is therefore optional or defaulted,
//! unknown fields are ignored, and nothing in this module panics: any input that is not an
//! event gives a [`DecodeError`] that says what was wrong.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::io::Read;

/// Why an input is not an event driftguard can judge.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("input is not valid JSON: {0}")]
    InvalidJson(String),
    #[error(
        "input is a JSON {found}, not an event object: expected an EventBridge event, a CloudTrail record or a CloudTrail log file"
    )]
    NotAnObject { found: &'static str },
    #[error(
        "JSON object is not an event: it has neither `detail-type` and `detail` (EventBridge) nor `eventSource` and `eventName` (CloudTrail record) nor `Records` (CloudTrail log file)"
    )]
    UnknownShape,
    #[error("EventBridge envelope is malformed: {0}")]
    Envelope(String),
    #[error("EventBridge event with detail-type `{detail_type}` has a malformed detail: {reason}")]
    Detail { detail_type: String, reason: String },
    #[error(
        "EventBridge detail-type `{0}` is not one driftguard handles (expected a CloudTrail detail-type or `GuardDuty Finding`)"
    )]
    UnsupportedDetailType(String),
    #[error("gzip data could not be decompressed: {0}")]
    Gzip(String),
    #[error("CloudTrail log file has a `Records` field that is not an array")]
    RecordsNotArray,
    #[error("input is empty")]
    Empty,
}

/// The EventBridge envelope fields driftguard keeps.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Envelope {
    /// EventBridge's own id: fresh per delivery, not the CloudTrail `eventID`.
    pub id: Option<String>,
    pub detail_type: String,
    pub source: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub time: Option<String>,
}

/// One decoded event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    CloudTrail {
        envelope: Option<Envelope>,
        record: Box<CloudTrailRecord>,
    },
    GuardDutyFinding {
        envelope: Option<Envelope>,
        finding: Box<GuardDutyFinding>,
    },
}

impl Event {
    /// The id that identifies the underlying event across duplicate deliveries:
    /// the CloudTrail `eventID`, or the GuardDuty finding id.
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Event::CloudTrail { record, .. } => record.event_id.as_deref(),
            Event::GuardDutyFinding { finding, .. } => finding.id.as_deref(),
        }
    }

    pub fn envelope(&self) -> Option<&Envelope> {
        match self {
            Event::CloudTrail { envelope, .. } | Event::GuardDutyFinding { envelope, .. } => {
                envelope.as_ref()
            }
        }
    }
}

/// Deserialize a field that may be absent, null, or of an unexpected type as `None`:
/// a record with a strange value in one field is still a record.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// A string field that tolerates numbers and booleans (stringified) and drops everything else.
fn lenient_string<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A CloudTrail record, as tolerant as real records require.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CloudTrailRecord {
    #[serde(deserialize_with = "lenient_string")]
    pub event_version: Option<String>,
    #[serde(rename = "eventID", deserialize_with = "lenient_string")]
    pub event_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub event_time: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub event_source: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub event_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub event_type: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub aws_region: Option<String>,
    #[serde(rename = "sourceIPAddress", deserialize_with = "lenient_string")]
    pub source_ip_address: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub user_agent: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub user_identity: Option<UserIdentity>,
    #[serde(deserialize_with = "lenient_string")]
    pub error_code: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub error_message: Option<String>,
    /// Often null; kept as raw JSON and read by the guardrail that understands it.
    pub request_parameters: Value,
    pub response_elements: Value,
    pub additional_event_data: Value,
    pub service_event_details: Value,
    #[serde(rename = "requestID", deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub recipient_account_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub read_only: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub management_event: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub addendum: Option<Addendum>,
}

impl CloudTrailRecord {
    /// A call failed when CloudTrail recorded an error code or an error message.
    pub fn failed(&self) -> bool {
        non_empty(&self.error_code).is_some() || non_empty(&self.error_message).is_some()
    }

    /// The error code, else the error message, of a failed call ("" if it did not fail).
    pub fn error_text(&self) -> String {
        non_empty(&self.error_code)
            .or_else(|| non_empty(&self.error_message))
            .unwrap_or_default()
            .to_string()
    }

    pub fn source(&self) -> &str {
        self.event_source.as_deref().unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.event_name.as_deref().unwrap_or("")
    }

    /// `requestParameters.<key>` as a string, when it is one.
    pub fn param_str(&self, key: &str) -> Option<&str> {
        self.request_parameters.get(key).and_then(Value::as_str)
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Addendum {
    #[serde(deserialize_with = "lenient_string")]
    pub reason: Option<String>,
    #[serde(rename = "originalEventID", deserialize_with = "lenient_string")]
    pub original_event_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserIdentity {
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub identity_type: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub principal_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub arn: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub account_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub access_key_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub user_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub invoked_by: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub session_context: Option<SessionContext>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionContext {
    #[serde(deserialize_with = "lenient")]
    pub session_issuer: Option<SessionIssuer>,
    #[serde(deserialize_with = "lenient")]
    pub attributes: Option<SessionAttributes>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionIssuer {
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub issuer_type: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub arn: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub user_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionAttributes {
    /// A string ("true"/"false") in real records.
    #[serde(deserialize_with = "lenient_string")]
    pub mfa_authenticated: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub creation_date: Option<String>,
}

/// A GuardDuty finding (the `detail` of a `GuardDuty Finding` event), tolerant.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GuardDutyFinding {
    #[serde(deserialize_with = "lenient_string")]
    pub id: Option<String>,
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub finding_type: Option<String>,
    /// An int or a float in real findings.
    #[serde(deserialize_with = "lenient")]
    pub severity: Option<f64>,
    #[serde(deserialize_with = "lenient_string")]
    pub account_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub region: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub title: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub updated_at: Option<String>,
    pub resource: Value,
    pub service: Value,
}

const CLOUDTRAIL_DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Console Signin via CloudTrail",
    "AWS Service Event via CloudTrail",
];
const GUARDDUTY_FINDING: &str = "GuardDuty Finding";

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Decode one JSON value that must be a single event: an EventBridge event or a bare
/// CloudTrail record. This is what a Lambda invocation receives.
pub fn decode_event(value: &Value) -> Result<Event, DecodeError> {
    let obj = value
        .as_object()
        .ok_or(DecodeError::NotAnObject { found: kind(value) })?;
    if obj.contains_key("detail-type") || obj.contains_key("detail") {
        return decode_eventbridge(value);
    }
    if obj.contains_key("eventSource") || obj.contains_key("eventName") {
        return decode_record(value, None);
    }
    Err(DecodeError::UnknownShape)
}

/// The EventBridge envelope as AWS sends it (the fields `aws_lambda_events`'
/// `EventBridgeEvent` has, with the same rules: `detail-type` and `source` required, `time`
/// an RFC 3339 timestamp when present, unknown fields ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct EventBridgeEvent {
    #[serde(default)]
    id: Option<String>,
    detail_type: String,
    source: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    time: Option<DateTime<Utc>>,
    #[serde(default)]
    region: Option<String>,
    detail: Value,
}

fn decode_eventbridge(value: &Value) -> Result<Event, DecodeError> {
    let eb: EventBridgeEvent =
        serde_json::from_value(value.clone()).map_err(|e| DecodeError::Envelope(e.to_string()))?;
    let envelope = Envelope {
        id: eb.id,
        detail_type: eb.detail_type,
        source: eb.source,
        account: eb.account,
        region: eb.region,
        time: eb.time.map(|t| t.to_rfc3339()),
    };
    if !eb.detail.is_object() {
        return Err(DecodeError::Detail {
            detail_type: envelope.detail_type,
            reason: format!("expected an object, found a {}", kind(&eb.detail)),
        });
    }
    let dt = envelope.detail_type.as_str();
    if CLOUDTRAIL_DETAIL_TYPES.contains(&dt) {
        decode_record(&eb.detail, Some(envelope))
    } else if dt == GUARDDUTY_FINDING {
        let finding: GuardDutyFinding =
            serde_json::from_value(eb.detail).map_err(|e| DecodeError::Detail {
                detail_type: envelope.detail_type.clone(),
                reason: e.to_string(),
            })?;
        Ok(Event::GuardDutyFinding {
            envelope: Some(envelope),
            finding: Box::new(finding),
        })
    } else {
        Err(DecodeError::UnsupportedDetailType(envelope.detail_type))
    }
}

fn decode_record(value: &Value, envelope: Option<Envelope>) -> Result<Event, DecodeError> {
    let record: CloudTrailRecord =
        serde_json::from_value(value.clone()).map_err(|e| match &envelope {
            Some(env) => DecodeError::Detail {
                detail_type: env.detail_type.clone(),
                reason: e.to_string(),
            },
            None => DecodeError::Envelope(e.to_string()),
        })?;
    if record.event_source.is_none() && record.event_name.is_none() {
        return Err(match envelope {
            Some(env) => DecodeError::Detail {
                detail_type: env.detail_type,
                reason: "the CloudTrail record has neither `eventSource` nor `eventName`".into(),
            },
            None => DecodeError::UnknownShape,
        });
    }
    Ok(Event::CloudTrail {
        envelope,
        record: Box::new(record),
    })
}

/// One event found in a document, with its position for multi-event documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `None` when the document held a single event; the 0-based record index (log files) or
    /// line index (JSON Lines) otherwise.
    pub index: Option<usize>,
    pub result: Result<Event, DecodeError>,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Decode a whole document: one event, a CloudTrail log file (`{"Records": [...]}`), JSON
/// Lines, each optionally gzip-compressed. Never fails as a whole: a document that is not an
/// event yields one item carrying the error; a broken line in JSON Lines yields an error item
/// and the other lines still decode.
pub fn decode_document(bytes: &[u8]) -> Vec<Item> {
    let owned;
    let bytes = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        match flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out) {
            Ok(_) => {
                owned = out;
                owned.as_slice()
            }
            Err(e) => return vec![single(Err(DecodeError::Gzip(e.to_string())))],
        }
    } else {
        bytes
    };
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return vec![single(Err(DecodeError::Empty))];
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(value) => decode_value_document(&value),
        Err(whole_err) => {
            let lines: Vec<&str> = trimmed.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() < 2 {
                return vec![single(Err(DecodeError::InvalidJson(whole_err.to_string())))];
            }
            lines
                .iter()
                .enumerate()
                .map(|(i, line)| Item {
                    index: Some(i),
                    result: serde_json::from_str::<Value>(line)
                        .map_err(|e| DecodeError::InvalidJson(format!("line {}: {e}", i + 1)))
                        .and_then(|v| decode_event(&v)),
                })
                .collect()
        }
    }
}

fn single(result: Result<Event, DecodeError>) -> Item {
    Item {
        index: None,
        result,
    }
}

fn decode_value_document(value: &Value) -> Vec<Item> {
    match value.get("Records") {
        Some(Value::Array(records)) => records
            .iter()
            .enumerate()
            .map(|(i, r)| Item {
                index: Some(i),
                result: r
                    .as_object()
                    .ok_or(DecodeError::NotAnObject { found: kind(r) })
                    .and_then(|_| decode_record(r, None)),
            })
            .collect(),
        Some(_) => vec![single(Err(DecodeError::RecordsNotArray))],
        None => match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| Item {
                    index: Some(i),
                    result: decode_event(v),
                })
                .collect(),
            _ => vec![single(decode_event(value))],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stop_logging() -> Value {
        json!({
            "version": "0", "id": "eb-1", "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.cloudtrail", "account": "333333333333", "time": "2026-11-01T10:00:00Z",
            "region": "us-east-1", "resources": [],
            "detail": {
                "eventVersion": "1.09", "eventID": "ct-1", "eventSource": "cloudtrail.amazonaws.com",
                "eventName": "StopLogging", "awsRegion": "us-east-1",
                "userIdentity": {"type": "AssumedRole", "accessKeyId": "", "sessionContext": {"attributes": {"mfaAuthenticated": "true", "creationDate": "20131102T010628Z"}}},
                "requestParameters": {"name": "org-trail"}, "responseElements": null,
                "tlsDetails": {"tlsVersion": "TLSv1.3"}, "readOnly": false
            }
        })
    }

    #[test]
    fn decodes_eventbridge_cloudtrail() -> Result<(), DecodeError> {
        let ev = decode_event(&stop_logging())?;
        let Event::CloudTrail { envelope, record } = ev else {
            return Err(DecodeError::UnknownShape);
        };
        assert_eq!(record.name(), "StopLogging");
        assert_eq!(record.event_id.as_deref(), Some("ct-1"));
        assert_eq!(record.param_str("name"), Some("org-trail"));
        assert_eq!(envelope.and_then(|e| e.id).as_deref(), Some("eb-1"));
        assert!(!record.failed());
        Ok(())
    }

    #[test]
    fn odd_field_types_do_not_reject_the_record() {
        let mut v = stop_logging();
        v["detail"]["userIdentity"] = json!("weird");
        v["detail"]["readOnly"] = json!("false");
        v["detail"]["requestID"] = json!(17);
        assert!(matches!(decode_event(&v), Ok(Event::CloudTrail { .. })));
    }

    #[test]
    fn both_signin_spellings_are_accepted() {
        for dt in [
            "AWS Console Sign In via CloudTrail",
            "AWS Console Signin via CloudTrail",
        ] {
            let mut v = stop_logging();
            v["detail-type"] = json!(dt);
            assert!(decode_event(&v).is_ok(), "{dt}");
        }
    }

    #[test]
    fn non_events_give_typed_errors() {
        assert_eq!(
            decode_event(&json!([1])),
            Err(DecodeError::NotAnObject { found: "array" })
        );
        assert_eq!(
            decode_event(&json!({"hello": 1})),
            Err(DecodeError::UnknownShape)
        );
        let mut v = stop_logging();
        v["detail-type"] = json!("EC2 Instance State-change Notification");
        assert!(matches!(
            decode_event(&v),
            Err(DecodeError::UnsupportedDetailType(_))
        ));
        let mut v = stop_logging();
        v["detail"] = json!("x");
        assert!(matches!(decode_event(&v), Err(DecodeError::Detail { .. })));
    }

    #[test]
    fn log_files_json_lines_and_gzip() -> Result<(), std::io::Error> {
        let rec = stop_logging()["detail"].clone();
        let file = json!({"Records": [rec, rec, 5]}).to_string();
        let items = decode_document(file.as_bytes());
        assert_eq!(items.len(), 3);
        assert!(items.first().is_some_and(|i| i.result.is_ok()));
        assert!(items.get(2).is_some_and(|i| i.result.is_err()));

        let jsonl = format!("{}\nnot json\n{}\n", stop_logging(), rec);
        let items = decode_document(jsonl.as_bytes());
        assert_eq!(items.len(), 3);
        assert!(matches!(
            items.get(1).map(|i| &i.result),
            Some(Err(DecodeError::InvalidJson(_)))
        ));

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, file.as_bytes())?;
        let items = decode_document(&gz.finish()?);
        assert_eq!(items.len(), 3);
        assert_eq!(
            decode_document(b"  "),
            vec![Item {
                index: None,
                result: Err(DecodeError::Empty)
            }]
        );
        Ok(())
    }
}
