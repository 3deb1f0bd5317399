//! The finding ledger: GuardDuty re-sends a finding (same id, growing `service.count`) every
//! few hours, and EventBridge delivers at least once; people must be paged once per finding,
//! and again only when its severity band rises.
//!
//! One DynamoDB item per finding (`pk = finding#<account>#<region>#<id>`), written with a
//! conditional `PutItem` before the alert is published (a *claim*): it succeeds when no item
//! exists, when the new severity band is higher than the one alerted, or when an earlier claim
//! went stale (its invocation died between claim and publish). After the publish the claim is
//! confirmed (`state = alerted`), or deleted when the publish failed so the Lambda retry can
//! claim again. A fresh unconfirmed claim held by another invocation makes this invocation
//! fail and be retried later: nothing is lost. Items expire (DynamoDB TTL on `expires_at`)
//! after [`RETENTION_DAYS`], longer than GuardDuty keeps a finding updated (90 days).
//!
//! If DynamoDB itself fails, the alert goes out anyway (a possible repeat page is better than
//! a lost one) and the error is logged.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use driftguard_core::Decision;
use driftguard_core::model::{GuardrailId, Severity, Verdict};
use std::collections::HashMap;

/// Whether an alert goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertGate {
    /// Publish it; a `claim` is confirmed or released afterwards.
    Send { claim: Option<AlertClaim> },
    /// Do not publish: the same alert was already sent (the reason says when and which).
    Suppress { reason: String },
    /// Another invocation holds a fresh claim on the same alert and has not confirmed it:
    /// fail this invocation so Lambda retries it later.
    Retry { reason: String },
}

/// A claim on an alert (for deduplication), held while the alert is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertClaim {
    pub key: String,
    pub token: String,
}

/// How long an unconfirmed claim protects an in-flight publish.
pub const STALE_AFTER_SECS: i64 = 120;
/// How long a finding's ledger item lives.
pub const RETENTION_DAYS: i64 = 120;

#[derive(Debug, Clone)]
pub struct FindingLedger {
    pub client: Client,
    pub table: String,
}

fn band(s: Severity) -> i64 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// The ledger key of an alerted finding decision; `None` for anything else.
pub fn key_of(d: &Decision) -> Option<String> {
    if d.guardrail != Some(GuardrailId::GuarddutyFinding) || d.verdict == Verdict::Benign {
        return None;
    }
    let id = d.event_id.as_deref().filter(|s| !s.is_empty())?;
    Some(format!(
        "finding#{}#{}#{id}",
        d.subject.account.as_deref().unwrap_or("unknown"),
        d.subject.region.as_deref().unwrap_or("unknown"),
    ))
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}
fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn num(item: &HashMap<String, AttributeValue>, k: &str) -> Option<i64> {
    item.get(k)?.as_n().ok()?.parse().ok()
}
fn text<'a>(item: &'a HashMap<String, AttributeValue>, k: &str) -> Option<&'a str> {
    item.get(k)?.as_s().ok().map(String::as_str)
}

impl FindingLedger {
    pub async fn claim(&self, d: &Decision, now: i64, token: &str) -> AlertGate {
        let Some(key) = key_of(d) else {
            return AlertGate::Send { claim: None };
        };
        let band = band(d.severity);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(&key))
            .item("state", s("claimed"))
            .item("token", s(token))
            .item("band", n(band))
            .item("severity", s(d.severity.as_str()))
            .item("claimed_at", n(now))
            .item("expires_at", n(now + RETENTION_DAYS * 86_400))
            .condition_expression(
                "attribute_not_exists(pk) OR band < :band OR (#state = :claimed AND claimed_at < :stale)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":band", n(band))
            .expression_attribute_values(":claimed", s("claimed"))
            .expression_attribute_values(":stale", n(now - STALE_AFTER_SECS))
            .send()
            .await;
        match put {
            Ok(_) => AlertGate::Send {
                claim: Some(AlertClaim {
                    key,
                    token: token.to_string(),
                }),
            },
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                self.held(&key, now).await
            }
            Err(e) => {
                tracing::error!(
                    table = %self.table,
                    error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e),
                    "finding ledger unavailable: alerting without deduplication"
                );
                AlertGate::Send { claim: None }
            }
        }
    }

    /// Why a claim was refused: the finding was alerted already, or another invocation holds
    /// a fresh claim.
    async fn held(&self, key: &str, now: i64) -> AlertGate {
        let item = match self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(key))
            .consistent_read(true)
            .send()
            .await
        {
            Ok(out) => out.item,
            Err(e) => {
                // Unknown: never suppress on a guess.
                tracing::error!(
                    key,
                    error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e),
                    "finding ledger unreadable: alerting without deduplication"
                );
                return AlertGate::Send { claim: None };
            }
        };
        let Some(item) = item else {
            // The item went away between the refused claim and the read (a failed publish
            // gave its claim back): let the retry claim again.
            return AlertGate::Retry {
                reason: format!("{key} changed while it was being claimed"),
            };
        };
        let state = text(&item, "state").unwrap_or("alerted");
        let severity = text(&item, "severity").unwrap_or("unknown");
        if state == "claimed" {
            let age = num(&item, "claimed_at").map_or(0, |t| now - t);
            return AlertGate::Retry {
                reason: format!(
                    "{key} is being published by another invocation (claimed {age} s ago, severity {severity})"
                ),
            };
        }
        let when = num(&item, "alerted_at")
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map_or_else(|| "earlier".to_string(), |t| t.to_rfc3339());
        AlertGate::Suppress {
            reason: format!(
                "repeat of {key}, alerted {when} at severity {severity}: not paged again (a higher severity band would be)"
            ),
        }
    }

    /// Confirm a published alert, or give the claim back when the publish failed.
    pub async fn done(&self, claim: &AlertClaim, published: bool, now: i64) {
        let result = if published {
            self.client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(&claim.key))
                .update_expression("SET #state = :alerted, alerted_at = :now")
                .condition_expression("#token = :token")
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#token", "token")
                .expression_attribute_values(":alerted", s("alerted"))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":token", s(&claim.token))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())
        } else {
            self.client
                .delete_item()
                .table_name(&self.table)
                .key("pk", s(&claim.key))
                .condition_expression("#token = :token")
                .expression_attribute_names("#token", "token")
                .expression_attribute_values(":token", s(&claim.token))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())
        };
        if let Err(e) = result {
            // Unconfirmed claims go stale after STALE_AFTER_SECS and are taken over then.
            tracing::warn!(key = %claim.key, published, error = %e, "finding ledger update failed");
        }
    }
}
