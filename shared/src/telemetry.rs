//! Telemetry: JSON logs through `tracing`, and the one remediation record per event, which is
//! also a CloudWatch Embedded Metric Format document (so the counts come from the same line).

use crate::decision::Decision;
use crate::outcome::Report;
use serde::Serialize;
use std::io::Write;

/// JSON logs to stdout (CloudWatch Logs in Lambda). `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL`
/// set the level (default `info`). Safe to call more than once.
pub fn init() {
    let filter = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"))
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

pub const METRIC_NAMESPACE: &str = "driftguard";

/// The remediation record: exactly one per event, field names stable and documented in
/// docs/ARCHITECTURE.md.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Always `"remediation"`: filter on it in Logs Insights.
    pub record: &'static str,
    pub schema: &'static str,
    pub function: String,
    pub request_id: Option<String>,
    pub eventbridge_id: Option<String>,
    pub event_id: Option<String>,
    pub event_source: Option<String>,
    pub event_name: Option<String>,
    pub event_time: Option<String>,
    /// Guardrail id, or `"none"`.
    pub guardrail: String,
    /// `violation` | `attempt` | `benign` | `error`.
    pub verdict: String,
    pub severity: String,
    pub summary: String,
    pub reason: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub resource: Option<String>,
    pub actor_arn: Option<String>,
    pub actor_type: Option<String>,
    pub source_ip: Option<String>,
    pub disposition: String,
    pub planned: Vec<String>,
    /// `none` | `planned` | `exempt` | `remediated` | `already_compliant` | `failed` | `error`.
    pub outcome: String,
    pub steps: Vec<crate::outcome::StepResult>,
    pub error: Option<String>,
    pub alert_message_id: Option<String>,
    pub alert_error: Option<String>,
    /// Why no alert was published for a decision that needed one (a repeat of an alert
    /// already sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_suppressed: Option<String>,
    pub duration_ms: u64,
}

impl Record {
    pub fn from_decision(function: &str, d: &Decision, r: &Report) -> Record {
        Record {
            record: "remediation",
            schema: "driftguard.record/v1",
            function: function.to_string(),
            request_id: None,
            eventbridge_id: None,
            event_id: d.event_id.clone(),
            event_source: d.event_source.clone(),
            event_name: d.event_name.clone(),
            event_time: d.event_time.clone(),
            guardrail: d.guardrail.map_or("none", |g| g.as_str()).to_string(),
            verdict: d.verdict.as_str().to_string(),
            severity: d.severity.as_str().to_string(),
            summary: d.summary.clone(),
            reason: d.reason.clone(),
            account: d.subject.account.clone(),
            region: d.subject.region.clone(),
            resource: d.subject.resource.clone(),
            actor_arn: d.actor.arn.clone(),
            actor_type: d.actor.identity_type.clone(),
            source_ip: d.actor.source_ip.clone(),
            disposition: serde_json::to_value(&d.disposition)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
                .unwrap_or_default(),
            planned: d.planned.iter().map(ToString::to_string).collect(),
            outcome: r.outcome.as_str().to_string(),
            steps: r.steps.clone(),
            error: r.error.clone(),
            alert_message_id: None,
            alert_error: None,
            alert_suppressed: None,
            duration_ms: 0,
        }
    }

    /// A record for an input that could not be decoded.
    pub fn undecodable(function: &str, error: &str) -> Record {
        Record {
            record: "remediation",
            schema: "driftguard.record/v1",
            function: function.to_string(),
            request_id: None,
            eventbridge_id: None,
            event_id: None,
            event_source: None,
            event_name: None,
            event_time: None,
            guardrail: "none".into(),
            verdict: "error".into(),
            severity: "high".into(),
            summary: "undecodable input".into(),
            reason: error.to_string(),
            account: None,
            region: None,
            resource: None,
            actor_arn: None,
            actor_type: None,
            source_ip: None,
            disposition: "none".into(),
            planned: vec![],
            outcome: "error".into(),
            steps: vec![],
            error: Some(error.to_string()),
            alert_message_id: None,
            alert_error: None,
            alert_suppressed: None,
            duration_ms: 0,
        }
    }

    /// The record as one JSON line with the EMF metadata: metric `Decisions` by
    /// (Guardrail, Verdict) and `Remediations` by (Guardrail, Outcome).
    pub fn to_emf_line(&self, timestamp_ms: i64) -> String {
        let remediated = u8::from(!self.steps.is_empty());
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "_aws".into(),
                serde_json::json!({
                    "Timestamp": timestamp_ms,
                    "CloudWatchMetrics": [{
                        "Namespace": METRIC_NAMESPACE,
                        "Dimensions": [["Guardrail", "Verdict"], ["Guardrail", "Outcome"]],
                        "Metrics": [
                            {"Name": "Decisions", "Unit": "Count"},
                            {"Name": "Remediations", "Unit": "Count"}
                        ]
                    }]
                }),
            );
            obj.insert("Guardrail".into(), self.guardrail.clone().into());
            obj.insert("Verdict".into(), self.verdict.clone().into());
            obj.insert("Outcome".into(), self.outcome.clone().into());
            obj.insert("Decisions".into(), 1.into());
            obj.insert("Remediations".into(), remediated.into());
        }
        v.to_string()
    }

    /// Write the record line to stdout (CloudWatch Logs in Lambda).
    pub fn emit(&self) {
        let line = self.to_emf_line(chrono::Utc::now().timestamp_millis());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}
