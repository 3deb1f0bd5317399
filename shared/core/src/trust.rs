//! Envelope authentication: which events the functions may act on.
//!
//! Anyone who can call `events:PutEvents` on a bus can send any JSON, but AWS refuses
//! custom events whose `source` starts with `aws.`: only AWS services (through CloudTrail or
//! directly) emit them. An event is trusted only when it is an EventBridge envelope whose
//! `source` is the service that produced the record and whose `account` is the account the
//! record is about; anything else is refused (the functions alert and fail the invocation,
//! and never remediate it).

use crate::decision::{Decision, Disposition};
use crate::event::{Envelope, Event};
use crate::ids::AccountId;
use crate::model::{Actor, Severity, Subject, Verdict};
use crate::policy::Policy;

/// Why an event is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    #[error(
        "a bare record without an EventBridge envelope: the functions act only on events EventBridge delivers from an AWS service"
    )]
    NoEnvelope,
    #[error(
        "EventBridge source `{found}` is not `{expected}`, the service that records `{event_source}`: the event was not emitted by AWS (a forged or partner event)"
    )]
    Source {
        found: String,
        expected: String,
        event_source: String,
    },
    #[error(
        "EventBridge source `{0}` is not an AWS service source (aws.<service>; partner sources aws.partner/... are not AWS)"
    )]
    NotAws(String),
    #[error(
        "the envelope's account `{envelope}` is not the record's account `{record}`: the event was not delivered from the account it is about"
    )]
    Account { envelope: String, record: String },
    #[error(
        "the record names no account (`recipientAccountId`), so its origin cannot be checked against the envelope"
    )]
    NoRecordAccount,
}

/// The EventBridge `source` of the CloudTrail records of `event_source`
/// (`cloudtrail.amazonaws.com` -> `aws.cloudtrail`, `signin.amazonaws.com` -> `aws.signin`,
/// `monitoring.amazonaws.com` -> `aws.monitoring`: EventBridge names the source after the
/// service's endpoint prefix).
pub fn source_of(event_source: &str) -> Option<String> {
    let service = event_source.strip_suffix(".amazonaws.com")?;
    let ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    ok.then(|| format!("aws.{service}"))
}

fn aws_source(envelope: &Envelope) -> Result<(), Untrusted> {
    let s = envelope.source.as_str();
    if s.starts_with("aws.") && !s.starts_with("aws.partner/") && !s.contains('/') {
        Ok(())
    } else {
        Err(Untrusted::NotAws(envelope.source.clone()))
    }
}

/// Whether the functions may act on `event`.
pub fn check(event: &Event, policy: &Policy) -> Result<(), Untrusted> {
    match event {
        Event::CloudTrail { envelope, record } => {
            let envelope = envelope.as_ref().ok_or(Untrusted::NoEnvelope)?;
            aws_source(envelope)?;
            let event_source = record.source();
            let expected = source_of(event_source).unwrap_or_else(|| "aws.<service>".into());
            if envelope.source != expected {
                return Err(Untrusted::Source {
                    found: envelope.source.clone(),
                    expected,
                    event_source: event_source.to_string(),
                });
            }
            let record_account = record
                .recipient_account_id
                .as_deref()
                .ok_or(Untrusted::NoRecordAccount)?;
            if envelope.account.as_deref() != Some(record_account) {
                return Err(Untrusted::Account {
                    envelope: envelope.account.clone().unwrap_or_default(),
                    record: record_account.to_string(),
                });
            }
            Ok(())
        }
        Event::GuardDutyFinding { envelope, finding } => {
            let envelope = envelope.as_ref().ok_or(Untrusted::NoEnvelope)?;
            if envelope.source != "aws.guardduty" {
                return Err(Untrusted::Source {
                    found: envelope.source.clone(),
                    expected: "aws.guardduty".into(),
                    event_source: "GuardDuty findings".into(),
                });
            }
            // Findings reach the delegated administrator's bus with the administrator as
            // `account`; a member's own copy carries the member.
            let account = envelope.account.as_deref().unwrap_or_default();
            let member = finding
                .account_id
                .as_deref()
                .filter(|a| AccountId::is_valid(a));
            if policy.guardduty.administrator == account || member == Some(account) {
                Ok(())
            } else {
                Err(Untrusted::Account {
                    envelope: account.to_string(),
                    record: member.unwrap_or("(no accountId)").to_string(),
                })
            }
        }
    }
}

/// The decision the functions alert for a refused event: no guardrail, nothing planned,
/// high severity. The event's own fields are shown as the event claims them (they are not
/// trusted; alerts render them inert).
pub fn refusal(event: &Event, why: &Untrusted) -> Decision {
    let envelope = event.envelope();
    let (event_source, event_name, event_time, region, actor) = match event {
        Event::CloudTrail { record, .. } => (
            record.event_source.clone(),
            record.event_name.clone(),
            record.event_time.clone(),
            record.aws_region.clone(),
            crate::decide::actor_of(record),
        ),
        Event::GuardDutyFinding { finding, .. } => (
            Some("aws.guardduty".into()),
            Some("GuardDuty Finding".into()),
            finding.updated_at.clone(),
            finding.region.clone(),
            Actor::default(),
        ),
    };
    Decision {
        guardrail: None,
        verdict: Verdict::Violation,
        severity: Severity::High,
        summary: format!(
            "Untrusted event refused: {} {} claiming source {}",
            event_source.as_deref().unwrap_or("(no eventSource)"),
            event_name.as_deref().unwrap_or("(no eventName)"),
            envelope.map_or("(none: a bare record)", |e| e.source.as_str()),
        ),
        reason: why.to_string(),
        event_id: event.event_id().map(str::to_string),
        event_source,
        event_name,
        event_time,
        subject: Subject {
            account: envelope.and_then(|e| e.account.clone()),
            region: region.or_else(|| envelope.and_then(|e| e.region.clone())),
            resource: None,
        },
        actor,
        evidence: vec![("untrusted".into(), why.to_string())],
        respond: Some(
            "Find who can put events on the driftguard bus (its resource policy) or on the forwarding rules' target, and why this event does not come from the AWS service it names; nothing was remediated.".into(),
        ),
        planned: Vec::new(),
        disposition: Disposition::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::decode_event;
    use crate::policy::NoDocuments;
    use serde_json::json;

    fn policy() -> Policy {
        Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n",
            "p.toml",
            &NoDocuments,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn ct(source: &str, account: &str, recipient: &str) -> Event {
        decode_event(&json!({
            "detail-type": "AWS API Call via CloudTrail", "source": source, "account": account,
            "detail": {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
                       "recipientAccountId": recipient}
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn sources_follow_the_endpoint_prefix() {
        assert_eq!(
            source_of("cloudtrail.amazonaws.com").as_deref(),
            Some("aws.cloudtrail")
        );
        assert_eq!(
            source_of("signin.amazonaws.com").as_deref(),
            Some("aws.signin")
        );
        assert_eq!(
            source_of("monitoring.amazonaws.com").as_deref(),
            Some("aws.monitoring")
        );
        assert_eq!(source_of("evil"), None);
        assert_eq!(source_of(".amazonaws.com"), None);
    }

    #[test]
    fn genuine_events_pass_forged_ones_are_refused() {
        let p = policy();
        assert_eq!(
            check(&ct("aws.cloudtrail", "333333333333", "333333333333"), &p),
            Ok(())
        );
        assert!(matches!(
            check(&ct("my.app", "333333333333", "333333333333"), &p),
            Err(Untrusted::NotAws(_))
        ));
        assert!(matches!(
            check(
                &ct("aws.partner/example.com/x", "333333333333", "333333333333"),
                &p
            ),
            Err(Untrusted::NotAws(_))
        ));
        assert!(matches!(
            check(&ct("aws.organizations", "333333333333", "333333333333"), &p),
            Err(Untrusted::Source { .. })
        ));
        assert!(matches!(
            check(&ct("aws.cloudtrail", "444444444444", "333333333333"), &p),
            Err(Untrusted::Account { .. })
        ));
        let bare = decode_event(
            &json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(&bare, &p), Err(Untrusted::NoEnvelope));
    }

    #[test]
    fn findings_come_from_the_administrator_or_their_member() {
        let p = policy();
        let finding = |account: &str, member: &str| {
            decode_event(&json!({
                "detail-type": "GuardDuty Finding", "source": "aws.guardduty", "account": account,
                "detail": {"id": "f1", "accountId": member, "severity": 8}
            }))
            .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(check(&finding("222222222222", "333333333333"), &p), Ok(()));
        assert_eq!(check(&finding("333333333333", "333333333333"), &p), Ok(()));
        assert!(check(&finding("444444444444", "333333333333"), &p).is_err());
    }
}
