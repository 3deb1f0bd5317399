//! The remediation record: exactly one per event, also a CloudWatch Embedded Metric Format
//! document (so the counts come from the same line). Field names are stable and documented
//! in docs/ARCHITECTURE.md. Pure: the edge adds the timestamp and writes the line.

use crate::decision::Decision;
use crate::outcome::{Outcome, Report, StepResult};
use crate::view::DecisionView;
use serde::Serialize;

pub const METRIC_NAMESPACE: &str = "driftguard";
pub const SCHEMA: &str = "driftguard.record/v2";

/// What the record says happened, beyond the decision's outcome: `error` when the input
/// could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RecordOutcome {
    Outcome(Outcome),
    Error(ErrorOutcome),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorOutcome {
    Error,
}

impl RecordOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordOutcome::Outcome(o) => o.as_str(),
            RecordOutcome::Error(_) => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Always `"remediation"`: filter on it in Logs Insights.
    pub record: &'static str,
    pub schema: &'static str,
    pub function: String,
    pub request_id: Option<String>,
    pub eventbridge_id: Option<String>,
    #[serde(flatten)]
    pub decision: DecisionView,
    /// `none` | `planned` | `exempt` | `remediated` | `already_compliant` | `failed` | `error`.
    pub outcome: RecordOutcome,
    pub steps: Vec<StepResult>,
    /// The first failure, with what to do (or why the input could not be decoded).
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
            schema: SCHEMA,
            function: function.to_string(),
            request_id: None,
            eventbridge_id: None,
            decision: DecisionView::of(d),
            outcome: RecordOutcome::Outcome(r.outcome),
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
            schema: SCHEMA,
            function: function.to_string(),
            request_id: None,
            eventbridge_id: None,
            decision: DecisionView::undecodable(error),
            outcome: RecordOutcome::Error(ErrorOutcome::Error),
            steps: vec![],
            error: Some(error.to_string()),
            alert_message_id: None,
            alert_error: None,
            alert_suppressed: None,
            duration_ms: 0,
        }
    }

    /// The record as one JSON line with the EMF metadata: metric `Decisions` by
    /// (Guardrail, Verdict) and `Remediations` by (Guardrail, Outcome). A decision without a
    /// guardrail has the dimension value `none`.
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
            let guardrail = self.decision.guardrail.map_or("none", |g| g.as_str());
            obj.insert("Guardrail".into(), guardrail.into());
            obj.insert("Verdict".into(), self.decision.verdict.as_str().into());
            obj.insert("Outcome".into(), self.outcome.as_str().into());
            obj.insert("Decisions".into(), 1.into());
            obj.insert("Remediations".into(), remediated.into());
        }
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undecodable_record_has_error_verdict_and_outcome() {
        let line = Record::undecodable("trail-guard", "input is empty").to_emf_line(1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(v["verdict"], "error");
        assert_eq!(v["outcome"], "error");
        assert_eq!(v["Guardrail"], "none");
        assert_eq!(v["guardrail"], serde_json::Value::Null);
        assert_eq!(v["error"], "input is empty");
        assert_eq!(v["_aws"]["Timestamp"], 1);
    }
}
