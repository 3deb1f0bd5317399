//! The decision core: one event + the policy + today's date -> one [`Decision`].
//!
//! Pure and total: no I/O, no clock (the date is an argument), no panics, a decision for any
//! decoded event.

use crate::decision::{Decision, Disposition};
use crate::event::{CloudTrailRecord, Envelope, Event};
use crate::guardrails::{self, Judgement};
use crate::model::{Actor, GuardrailId, Mode, Severity, Subject, Verdict};
use crate::policy::Policy;
use chrono::NaiveDate;

/// The prefix of every session name driftguard uses (the loop guard relies on it).
pub const SESSION_PREFIX: &str = "driftguard-";

/// The primary decision for an event: the first guardrail that claims it (see
/// [`decide_all`]), or a benign decision with no guardrail.
pub fn decide(event: &Event, policy: &Policy, today: NaiveDate) -> Decision {
    let mut all = decide_all(event, policy, today);
    if all.is_empty() {
        // decide_all always returns at least one decision; kept total all the same.
        return base(None, Subject::default(), Actor::default(), event.event_id());
    }
    all.swap_remove(0)
}

/// Every guardrail's decision on an event, in a fixed order (trail-tampering,
/// account-placement / scp-integrity, guardduty-tampering, root-activity; guardduty-finding
/// for findings). One event can break two guardrails: a root user's StopLogging is both
/// trail tampering and root activity, and each function judges its own. Never empty: an
/// event no guardrail claims gives one benign decision without a guardrail.
pub fn decide_all(event: &Event, policy: &Policy, today: NaiveDate) -> Vec<Decision> {
    match event {
        Event::CloudTrail { envelope, record } => {
            decide_cloudtrail(record, envelope.as_ref(), policy, today)
        }
        Event::GuardDutyFinding { envelope, finding } => {
            let mut d = base(None, Subject::default(), Actor::default(), event.event_id());
            d.event_source = Some("aws.guardduty".into());
            d.event_name = Some("GuardDuty Finding".into());
            d.event_time = finding
                .updated_at
                .clone()
                .or_else(|| envelope.as_ref().and_then(|e| e.time.clone()));
            let j = guardrails::guardduty::judge_finding(finding, envelope.as_ref(), policy);
            vec![apply(d, j, policy, today)]
        }
    }
}

fn base(
    guardrail: Option<GuardrailId>,
    subject: Subject,
    actor: Actor,
    event_id: Option<&str>,
) -> Decision {
    Decision {
        guardrail,
        verdict: Verdict::Benign,
        severity: Severity::Info,
        summary: String::new(),
        reason: String::new(),
        event_id: event_id.map(str::to_string),
        event_source: None,
        event_name: None,
        event_time: None,
        subject,
        actor,
        evidence: Vec::new(),
        respond: None,
        planned: Vec::new(),
        disposition: Disposition::None,
    }
}

/// Who made the call, from `userIdentity` and the request metadata.
pub fn actor_of(record: &CloudTrailRecord) -> Actor {
    let ui = record.user_identity.as_ref();
    Actor {
        identity_type: ui.and_then(|u| u.identity_type.clone()),
        arn: ui.and_then(|u| u.arn.clone()).filter(|s| !s.is_empty()),
        issuer_arn: ui
            .and_then(|u| u.session_context.as_ref())
            .and_then(|s| s.session_issuer.as_ref())
            .and_then(|i| i.arn.clone())
            .filter(|s| !s.is_empty()),
        account: ui.and_then(|u| u.account_id.clone()),
        source_ip: record.source_ip_address.clone(),
        user_agent: record.user_agent.clone(),
    }
}

/// `(role name, session name)` of an assumed-role session ARN
/// (`arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`).
pub fn assumed_role_session(arn: &str) -> Option<(&str, &str)> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("assumed-role/")?;
    rest.split_once('/')
}

/// The loop guard: an event is driftguard's own only when the caller is a session of the
/// exact remediation role AND the session name starts with `driftguard-` AND the role lives
/// in `acting_account`, the account driftguard acts in for this guardrail (the trail's
/// account; the management account for Organizations). A same-named role in another account
/// (a delegated administrator, say) is judged like anyone.
pub fn is_own_action(actor: &Actor, policy: &Policy, acting_account: Option<&str>) -> bool {
    let Some(acting_account) = acting_account else {
        return false;
    };
    let Some(arn) = actor.arn.as_deref() else {
        return false;
    };
    let arn_account = arn.split(':').nth(4);
    actor.identity_type.as_deref() == Some("AssumedRole")
        && arn_account == Some(acting_account)
        && actor.account.as_deref().is_none_or(|a| a == acting_account)
        && assumed_role_session(arn).is_some_and(|(role, session)| {
            role == policy.remediation_role && session.starts_with(SESSION_PREFIX)
        })
}

fn decide_cloudtrail(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
    today: NaiveDate,
) -> Vec<Decision> {
    let actor = actor_of(record);
    let mut d = base(None, Subject::default(), actor, record.event_id.as_deref());
    d.event_source = record.event_source.clone();
    d.event_name = record.event_name.clone();
    d.event_time = record.event_time.clone();
    d.subject.account = record
        .recipient_account_id
        .clone()
        .or_else(|| envelope.and_then(|e| e.account.clone()));
    d.subject.region = record
        .aws_region
        .clone()
        .or_else(|| envelope.and_then(|e| e.region.clone()));

    let judgements: Vec<Judgement> = [
        guardrails::trail::judge(record, envelope, policy),
        guardrails::org::judge(record, envelope, policy),
        guardrails::guardduty::judge(record, envelope, policy),
        guardrails::root::judge(record, policy, today),
    ]
    .into_iter()
    .flatten()
    .collect();
    if judgements.is_empty() {
        d.summary = format!("{} {}", record.source(), record.name());
        d.reason = "no guardrail covers this event".into();
        return vec![d];
    }
    judgements
        .into_iter()
        .map(|j| apply(d.clone(), j, policy, today))
        .collect()
}

/// Loop guard, mode and exemptions on top of a detector's judgement.
fn apply(mut d: Decision, j: Judgement, policy: &Policy, today: NaiveDate) -> Decision {
    d.guardrail = Some(j.guardrail);
    d.verdict = j.verdict;
    d.severity = j.severity;
    d.summary = j.summary;
    d.reason = j.reason;
    d.evidence = j.evidence;
    d.respond = j.respond;
    d.planned = j.planned;
    if j.subject.account.is_some() {
        d.subject.account = j.subject.account;
    }
    if j.subject.region.is_some() {
        d.subject.region = j.subject.region;
    }
    d.subject.resource = j.subject.resource;

    let mode = policy.mode(j.guardrail);
    if mode == Mode::Off {
        return benign(d, format!("guardrail {} is off in the policy", j.guardrail));
    }
    let acting_account = match j.guardrail {
        GuardrailId::AccountPlacement | GuardrailId::ScpIntegrity => {
            Some(policy.management_account.as_str())
        }
        _ => d.subject.account.as_deref(),
    };
    let own_identity = is_own_action(&d.actor, policy, acting_account);
    if own_identity {
        // The loop guard judges content: driftguard's identity makes an event benign only
        // when the call is one driftguard makes, with the values it would set.
        if j.restoring || d.verdict == Verdict::Benign {
            return benign(
                d,
                "driftguard's own remediation (loop guard: its remediation role and a driftguard- session, making a restoring call)"
                    .into(),
            );
        }
        role_abused(&mut d);
    }
    if d.verdict != Verdict::Violation {
        d.planned.clear();
        return d;
    }
    // Exemptions are for people (break-glass roles); a call through driftguard's own role
    // that is not a restore is never exempt.
    let exemption = (!own_identity)
        .then(|| policy.exemption_for(j.guardrail, &d.actor, today))
        .flatten();
    d.disposition = if let Some(e) = exemption {
        Disposition::Exempt {
            principal_pattern: e.principal.clone(),
            reason: e.reason.clone(),
            expires: e.expires.map(|x| x.to_string()),
        }
    } else if d.planned.is_empty() {
        Disposition::None
    } else if mode == Mode::Notify {
        Disposition::Notify
    } else {
        Disposition::Remediate
    };
    d
}

/// A harmful call made through driftguard's own remediation role: judged like anyone's, and
/// critical, because whoever made it holds the role's credentials or changed its trust policy.
fn role_abused(d: &mut Decision) {
    d.severity = Severity::Critical;
    d.summary = format!(
        "{} (through driftguard's remediation role: the role was abused)",
        d.summary
    );
    let session = d.actor.arn.clone().unwrap_or_default();
    d.evidence.push((
        "driftguard role".into(),
        format!(
            "made through driftguard's remediation role ({session}), but not a call driftguard makes: its credentials or trust policy were abused"
        ),
    ));
    let account = d
        .actor
        .account
        .clone()
        .or_else(|| d.subject.account.clone())
        .unwrap_or_else(|| "the acting account".into());
    let first = format!(
        "Treat driftguard's remediation role in {account} as compromised: review its trust policy (who may assume it) and its recent AssumeRole events in CloudTrail, revoke its active sessions (IAM > Roles > Revoke active sessions), and find who assumed it with a driftguard- session name."
    );
    d.respond = Some(match d.respond.take() {
        Some(r) => format!("{first} Then: {r}"),
        None => first,
    });
}

fn benign(mut d: Decision, reason: String) -> Decision {
    d.respond = None;
    d.verdict = Verdict::Benign;
    d.severity = Severity::Info;
    d.reason = reason;
    d.planned.clear();
    d.disposition = Disposition::None;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_arns() {
        assert_eq!(
            assumed_role_session(
                "arn:aws:sts::123456789012:assumed-role/DriftguardRemediation/driftguard-trail-guard-x"
            ),
            Some(("DriftguardRemediation", "driftguard-trail-guard-x"))
        );
        assert_eq!(
            assumed_role_session("arn:aws:iam::123456789012:user/alice"),
            None
        );
        assert_eq!(assumed_role_session("garbage"), None);
    }
}
