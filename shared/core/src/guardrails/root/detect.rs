//! `root-activity`: use of an account's root user (pure).
//!
//! Claimed for every record whose `userIdentity.type` is `Root`, in any account and any
//! region (sign-in events land on regional endpoints). Not root activity: `AwsServiceEvent`
//! records (returned as no judgement), calls an AWS service made on the root's behalf
//! (`invokedBy` naming a service principal, benign) — but `invokedBy: signin.amazonaws.com`
//! is the console sign-in service acting for a human and is judged. There is no automatic
//! remediation: the alert tells a responder what to do first.

use crate::event::CloudTrailRecord;
use crate::guardrails::Judgement;
use crate::model::{GuardrailId, Severity, Verdict};
use crate::policy::Policy;
use chrono::NaiveDate;
use serde_json::Value;

pub const SIGNIN: &str = "signin.amazonaws.com";

/// Root calls that create or re-activate long-term credentials, or weaken MFA.
const CREDENTIAL_CALLS: [&str; 8] = [
    "CreateAccessKey",
    "UpdateAccessKey",
    "UploadSigningCertificate",
    "UpdateSigningCertificate",
    "CreateServiceSpecificCredential",
    "UploadSSHPublicKey",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
];

/// What a responder does first, by kind of root activity.
const RESPOND_LOGIN: &str = "Confirm with the account owner that this sign-in was sanctioned. If not: reset the root password, replace the root MFA device, delete any root access keys, review everything the root user did since this sign-in (CloudTrail events whose identity type is Root), and consider centralized root access to remove root credentials.";
const RESPOND_CREDENTIAL: &str = "Treat as a compromise until proven otherwise: delete the new root credential at once (IAM > Security credentials as root, or centralized root access), reset the root password, replace the root MFA device, then review every root call since the last sanctioned sign-in.";
const RESPOND_MFA: &str = "Confirm with the account owner that replacing the root MFA device is sanctioned; if not, treat it as a compromise: reset the root password, register a new MFA device the owner holds, delete any root access keys, and review every root call since the last sanctioned sign-in.";
const RESPOND_ATTEMPT: &str = "Check whether the source IP is known. Repeated failures are a password-guessing attempt: make sure the root user has MFA and a strong password, and watch for a successful sign-in from the same IP.";
const RESPOND_CALL: &str = "Confirm with the account owner that this root session is sanctioned; if not, reset the root password, replace the root MFA device, delete any root access keys and review the session's calls in CloudTrail.";

pub(crate) fn judge(
    record: &CloudTrailRecord,
    policy: &Policy,
    today: NaiveDate,
) -> Option<Judgement> {
    let identity = record.user_identity.as_ref()?;
    if identity.identity_type.as_deref() != Some("Root") {
        return None;
    }
    if record.event_type.as_deref() == Some("AwsServiceEvent") {
        return None;
    }
    let mut j = Judgement::new(GuardrailId::RootActivity);
    let account = record
        .recipient_account_id
        .clone()
        .or_else(|| identity.account_id.clone());
    j.subject.account = account.clone();
    j.subject.resource = identity.arn.clone();
    let name = record.name();
    let source = record.source();

    if let Some(by) = identity.invoked_by.as_deref().filter(|b| !b.is_empty())
        && by != SIGNIN
        && (by.ends_with(".amazonaws.com") || by == "AWS Internal")
    {
        j.summary = format!("{source} {name} invoked by {by} on the root user's behalf");
        j.reason = format!("invoked by the AWS service {by}, not a person using root");
        return Some(j);
    }

    if source == SIGNIN && name == "CheckMfa" {
        j.summary = "Root CheckMfa (the MFA step of a sign-in)".into();
        j.reason =
            "CheckMfa alone is part of a sign-in, not a sign-in: the ConsoleLogin record is judged"
                .into();
        return Some(j);
    }

    let mfa = mfa_used(&record.additional_event_data);
    if source == SIGNIN && name == "ConsoleLogin" {
        let outcome = record
            .response_elements
            .get("ConsoleLogin")
            .and_then(Value::as_str)
            .unwrap_or("");
        j.evidence.push(("MFA used".into(), mfa.label().into()));
        if record.failed() || !outcome.eq_ignore_ascii_case("Success") {
            let why = record
                .error_message
                .clone()
                .filter(|s| !s.is_empty())
                .or_else(|| record.error_code.clone().filter(|s| !s.is_empty()))
                .unwrap_or_else(|| format!("ConsoleLogin: {}", non_empty_or(outcome, "unknown")));
            j.verdict = Verdict::Attempt;
            j.severity = Severity::Medium;
            j.summary = format!("Failed root console sign-in ({why})");
            j.reason = "someone tried to sign in as root and failed".into();
            j.evidence.push(("error".into(), why));
            j.respond = Some(RESPOND_ATTEMPT.into());
        } else {
            j.verdict = Verdict::Violation;
            j.severity = if mfa == Mfa::Yes {
                Severity::High
            } else {
                Severity::Critical
            };
            j.summary = format!("Root console sign-in {}", mfa.phrase());
            j.reason = if mfa == Mfa::Yes {
                "the root user signed in; root is for break-glass only".into()
            } else {
                "the root user signed in without MFA: the account's most powerful credential is protected by a password alone".into()
            };
            j.respond = Some(RESPOND_LOGIN.into());
        }
        return Some(sanction(j, policy, account.as_deref(), today));
    }

    // Sign-in events report failure in `responseElements` (`{"PasswordUpdated": "Failure"}`),
    // not only in errorCode / errorMessage.
    let signin_failed = source == SIGNIN
        && record
            .response_elements
            .get(name)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("Failure"));
    if record.failed() || signin_failed {
        let code = if record.failed() {
            record.error_text()
        } else {
            format!("{name}: Failure")
        };
        j.verdict = Verdict::Attempt;
        j.severity = Severity::Medium;
        j.summary = format!("Root called {source} {name}, which failed ({code})");
        j.reason = "the root user is in use (the call itself failed)".into();
        j.evidence.push(("error".into(), code));
        j.respond = Some(RESPOND_CALL.into());
        return Some(sanction(j, policy, account.as_deref(), today));
    }

    j.verdict = Verdict::Violation;
    if source == SIGNIN && name == "PasswordUpdated" {
        j.severity = Severity::High;
        j.summary = "Root password changed".into();
        j.reason = "the root user's password was changed".into();
        j.respond = Some(RESPOND_CALL.into());
    } else if let Some(user) = record.param_str("userName").filter(|u| {
        !u.is_empty() && source == "iam.amazonaws.com" && CREDENTIAL_CALLS.contains(&name)
    }) {
        // A credential of an IAM user, not of root (root's own calls name no user).
        j.severity = Severity::High;
        j.summary = format!("Root called iam {name} for IAM user {user}");
        j.reason = format!(
            "the root user changed a credential of the IAM user {user} (not a root credential)"
        );
        j.evidence.push(("IAM user".into(), user.to_string()));
        j.respond = Some(RESPOND_CALL.into());
    } else if source == "iam.amazonaws.com" && CREDENTIAL_CALLS.contains(&name) {
        j.severity = Severity::Critical;
        j.summary = format!("Root called iam {name}");
        let mfa_change = name.contains("MFA");
        j.reason = if mfa_change {
            "the root user weakened its own MFA".into()
        } else {
            "the root user created or re-activated a long-term credential".into()
        };
        j.respond = Some(
            if mfa_change {
                RESPOND_MFA
            } else {
                RESPOND_CREDENTIAL
            }
            .into(),
        );
    } else if record.read_only == Some(true) {
        j.severity = Severity::Low;
        j.summary = format!("Root called {source} {name} (read-only)");
        j.reason = "the root user is in use".into();
        j.respond = Some(RESPOND_CALL.into());
    } else {
        j.severity = Severity::High;
        j.summary = format!("Root called {source} {name}");
        j.reason = "the root user changed something".into();
        j.respond = Some(RESPOND_CALL.into());
    }
    Some(sanction(j, policy, account.as_deref(), today))
}

/// A sanctioned root procedure downgrades a violation to low severity until it expires.
fn sanction(
    mut j: Judgement,
    policy: &Policy,
    account: Option<&str>,
    today: NaiveDate,
) -> Judgement {
    // A sanctioned procedure (an MFA device replacement, say) never covers new long-term
    // root credentials: root access keys are not part of any procedure.
    if j.verdict != Verdict::Violation || j.respond.as_deref() == Some(RESPOND_CREDENTIAL) {
        return j;
    }
    if let Some(s) = account.and_then(|a| policy.root.sanctioned(a, today)) {
        j.severity = Severity::Low;
        j.reason = format!(
            "{} (downgraded to low: sanctioned root procedure until {}: {})",
            j.reason, s.expires, s.reason
        );
        j.evidence.push((
            "sanctioned".into(),
            format!("until {}: {}", s.expires, s.reason),
        ));
    }
    j
}

fn non_empty_or<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.is_empty() { default } else { s }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mfa {
    Yes,
    No,
    Unknown,
}

impl Mfa {
    fn label(self) -> &'static str {
        match self {
            Mfa::Yes => "yes",
            Mfa::No => "no",
            Mfa::Unknown => "not recorded",
        }
    }
    fn phrase(self) -> &'static str {
        match self {
            Mfa::Yes => "with MFA",
            Mfa::No => "WITHOUT MFA",
            Mfa::Unknown => "(MFA not recorded: treated as without MFA)",
        }
    }
}

/// `additionalEventData.MFAUsed`: "Yes", "YES", "No", "NO" in real records.
fn mfa_used(additional: &Value) -> Mfa {
    match additional.get("MFAUsed").and_then(Value::as_str) {
        Some(s) if s.trim().eq_ignore_ascii_case("yes") => Mfa::Yes,
        Some(s) if s.trim().eq_ignore_ascii_case("no") => Mfa::No,
        _ => Mfa::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mfa_is_case_insensitive() {
        assert_eq!(mfa_used(&json!({"MFAUsed": "YES"})), Mfa::Yes);
        assert_eq!(mfa_used(&json!({"MFAUsed": "yes"})), Mfa::Yes);
        assert_eq!(mfa_used(&json!({"MFAUsed": "NO"})), Mfa::No);
        assert_eq!(mfa_used(&json!({})), Mfa::Unknown);
        assert_eq!(mfa_used(&Value::Null), Mfa::Unknown);
    }
}
