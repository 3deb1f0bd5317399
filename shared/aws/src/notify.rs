//! Notifying people: the [`Notifier`] a pipeline publishes its alerts through, the SNS
//! notifier every function uses, and the [`Facts`] looked up for an alert that goes out.

use driftguard_core::Decision;
use driftguard_core::alert::{self, AlertContext, AlertMessage};
use driftguard_core::outcome::Report;
use std::future::Future;
use std::sync::Arc;

/// Facts for people (account names, OU paths), looked up for every alert that goes out.
/// Best effort: a lookup that fails is left out, never fails the invocation.
pub trait Facts: Send + Sync {
    fn facts(&self, decision: &Decision) -> impl Future<Output = Vec<(String, String)>> + Send;
}

/// No look-ups.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFacts;

impl Facts for NoFacts {
    async fn facts(&self, _decision: &Decision) -> Vec<(String, String)> {
        Vec::new()
    }
}

impl<T: Facts> Facts for Arc<T> {
    fn facts(&self, decision: &Decision) -> impl Future<Output = Vec<(String, String)>> + Send {
        (**self).facts(decision)
    }
}

/// What became of a decision's alert.
#[derive(Debug)]
pub enum Notice {
    /// Published; the SNS message id.
    Sent(String),
    /// Not published: the same alert was already sent (the reason says when and which).
    Suppressed(String),
    /// Another invocation holds a fresh claim on the same alert and has not confirmed it:
    /// this invocation fails so Lambda retries it later, when the claim is either confirmed
    /// (the retry is suppressed) or stale (the retry takes it over). Nothing is lost.
    InFlight(String),
    /// The publish failed: the invocation fails so Lambda retries (nothing lost).
    Failed(PublishError),
}

/// Sends a decision's alert. `report.context` receives the facts the alert carries.
pub trait Notifier: Send + Sync {
    fn notify(
        &self,
        decision: &Decision,
        report: &mut Report,
        ctx: &AlertContext,
    ) -> impl Future<Output = Notice> + Send;
}

/// Publishing failed; the invocation must fail so Lambda retries (nothing lost).
#[derive(Debug, thiserror::Error)]
#[error(
    "could not publish the alert to SNS topic {topic_arn}: {reason}. Check the topic exists, the function role may sns:Publish to it, and (if the topic is KMS-encrypted) kms:GenerateDataKey/kms:Decrypt on its key"
)]
pub struct PublishError {
    pub topic_arn: String,
    pub reason: String,
}

/// Publishes every alert to one SNS topic, with the facts `F` looks up.
#[derive(Debug, Clone)]
pub struct SnsNotifier<F> {
    pub sns: aws_sdk_sns::Client,
    pub topic_arn: String,
    pub facts: F,
}

impl<F: Facts> Notifier for SnsNotifier<F> {
    async fn notify(&self, decision: &Decision, report: &mut Report, ctx: &AlertContext) -> Notice {
        report.context = self.facts.facts(decision).await;
        let msg = alert::render(decision, report, ctx);
        match publish(&self.sns, &self.topic_arn, &msg).await {
            Ok(id) => Notice::Sent(id),
            Err(e) => Notice::Failed(e),
        }
    }
}

/// Publish a rendered alert; returns the SNS message id.
pub async fn publish(
    sns: &aws_sdk_sns::Client,
    topic_arn: &str,
    msg: &AlertMessage,
) -> Result<String, PublishError> {
    use aws_sdk_sns::types::MessageAttributeValue;
    let mut req = sns
        .publish()
        .topic_arn(topic_arn)
        .subject(&msg.subject)
        .message(&msg.message)
        .message_structure("json");
    for (k, v) in &msg.attributes {
        let attr = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(v)
            .build()
            .map_err(|e| PublishError {
                topic_arn: topic_arn.to_string(),
                reason: e.to_string(),
            })?;
        req = req.message_attributes(k, attr);
    }
    let out = req.send().await.map_err(|e| PublishError {
        topic_arn: topic_arn.to_string(),
        reason: aws_sdk_sns::error::DisplayErrorContext(&e).to_string(),
    })?;
    Ok(out.message_id.unwrap_or_default())
}
