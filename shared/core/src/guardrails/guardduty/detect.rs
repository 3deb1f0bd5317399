//! `guardduty-tampering` (GuardDuty API calls) and `guardduty-finding` (GuardDuty findings):
//! detection (pure).
//!
//! Matching keys on `eventSource` + `eventName`: Macie and Security Hub have calls with the
//! same names. The subject of a tampering event is the account whose trail recorded it
//! (`recipientAccountId`); a finding is attributed to `detail.accountId` (findings reach the
//! delegated administrator's bus with the administrator as `account`).

use super::action::GuardDutyAction;
use super::policy::AutoEnable;
use crate::catalog::{self, GUARDDUTY};
use crate::decision::Action;
use crate::event::{CloudTrailRecord, Envelope, GuardDutyFinding};
use crate::guardrails::Judgement;
use crate::ids::{AccountId, Region};
use crate::model::{GuardrailId, Severity, Verdict};
use crate::policy::Policy;
use serde_json::Value;

pub const EVENT_SOURCE: &str = GUARDDUTY;

pub(crate) fn judge(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Option<Judgement> {
    let mut j = judge_change(record, envelope, policy)?;
    // A failed call is an attempt only when the same call, had it succeeded, would have
    // broken the guardrail (a failed DeleteMembers outside the administrator, or a failed
    // UpdateDetector enable=true, is nothing to page about).
    if record.failed() && j.verdict == Verdict::Violation {
        let code = record.error_text();
        j.verdict = Verdict::Attempt;
        j.severity = Severity::Medium;
        j.summary = format!(
            "Failed GuardDuty {} in {}/{} ({code})",
            record.name(),
            j.subject.account.as_deref().unwrap_or("unknown"),
            j.subject.region.as_deref().unwrap_or("unknown")
        );
        j.reason = "the call failed; nothing changed".into();
        j.evidence.push(("error".into(), code));
        j.planned.clear();
        j.respond = None;
    }
    Some(j)
}

/// The judgement of a GuardDuty call as if it had succeeded.
fn judge_change(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Option<Judgement> {
    if !catalog::claims_call(
        GuardrailId::GuarddutyTampering,
        record.source(),
        record.name(),
    ) {
        return None;
    }
    let name = record.name();
    let mut j = Judgement::new(GuardrailId::GuarddutyTampering);
    let account = record
        .recipient_account_id
        .as_deref()
        .or_else(|| envelope.and_then(|e| e.account.as_deref()))
        .and_then(AccountId::parse);
    let region = record
        .aws_region
        .as_deref()
        .or_else(|| envelope.and_then(|e| e.region.as_deref()))
        .and_then(Region::parse);
    let detector = record
        .param_str("detectorId")
        .filter(|d| !d.is_empty() && d.len() <= 64 && d.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_string);
    j.subject.account = account.as_ref().map(ToString::to_string);
    j.subject.region = region.as_ref().map(ToString::to_string);
    j.subject.resource = detector.as_ref().map(|d| format!("detector {d}"));
    let (Some(account), Some(region)) = (account, region) else {
        j.summary = format!("GuardDuty {name} without an account or region");
        j.reason = "the record names no account or region to judge".into();
        return Some(j);
    };
    if !policy.governs_region(region.as_str()) {
        j.summary = format!("GuardDuty {name} in {account}/{region}");
        j.reason = format!("region {region} is not governed by the policy");
        return Some(j);
    }
    let admin = policy.guardduty.administrator.clone();
    let auto_enable = |j: &mut Judgement| {
        if let Some(setting) = policy.guardduty.auto_enable {
            j.planned
                .push(Action::GuardDuty(GuardDutyAction::RestoreAutoEnable {
                    administrator: admin.clone(),
                    region: region.clone(),
                    setting,
                }));
        }
    };
    match name {
        "DeleteDetector" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!(
                "GuardDuty detector {} deleted in {account}/{region}",
                detector.as_deref().unwrap_or("(unknown id)")
            );
            j.planned
                .push(Action::GuardDuty(GuardDutyAction::CreateDetector {
                    account: account.clone(),
                    region: region.clone(),
                }));
            if account == admin {
                j.reason = "GuardDuty is off in the administrator account: findings for every member stop reaching it".into();
                j.respond = Some(
                    "The new administrator detector starts with no members: with auto-enable ALL (declared in the policy) GuardDuty re-enrolls every account; otherwise re-add them (GuardDuty console > Accounts > Add accounts, or CreateMembers) and check no finding was missed meanwhile.".into(),
                );
            } else {
                j.reason = "GuardDuty is off in this account: threats there go undetected".into();
                j.planned
                    .push(Action::GuardDuty(GuardDutyAction::CreateMember {
                        administrator: admin.clone(),
                        account: account.clone(),
                        region: region.clone(),
                    }));
            }
            auto_enable(&mut j);
        }
        "UpdateDetector" => {
            let enable = &record.request_parameters.get("enable");
            let disabled = match enable {
                Some(Value::Bool(b)) => !b,
                Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("false"),
                _ => false,
            };
            let features_off: Vec<String> = record
                .request_parameters
                .get("features")
                .and_then(Value::as_array)
                .map(|fs| {
                    fs.iter()
                        .filter(|f| {
                            f.get("status")
                                .and_then(Value::as_str)
                                .is_some_and(|s| s.eq_ignore_ascii_case("DISABLED"))
                        })
                        .filter_map(|f| f.get("name").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if disabled {
                j.verdict = Verdict::Violation;
                j.severity = Severity::High;
                j.summary = format!("GuardDuty detector disabled in {account}/{region}");
                j.reason = "a disabled detector produces no findings".into();
                j.evidence.push(("enable".into(), "false".into()));
                j.planned.push(Action::GuardDuty(match detector {
                    Some(detector_id) => GuardDutyAction::EnableDetector {
                        account,
                        region,
                        detector_id,
                    },
                    None => GuardDutyAction::CreateDetector { account, region },
                }));
            } else if !features_off.is_empty() {
                j.verdict = Verdict::Violation;
                j.severity = Severity::Medium;
                j.summary = format!(
                    "GuardDuty protection plans disabled in {account}/{region}: {}",
                    features_off.join(", ")
                );
                j.reason = "part of GuardDuty's coverage is off; driftguard does not know the intended feature set, so it alerts and does not revert".into();
                j.evidence
                    .push(("features disabled".into(), features_off.join(", ")));
            } else {
                j.summary = format!("GuardDuty UpdateDetector in {account}/{region}");
                j.reason = "the detector stays enabled (enable is true or not given)".into();
            }
        }
        "DisassociateFromMasterAccount" | "DisassociateFromAdministratorAccount" => {
            if account == admin {
                j.summary = format!("GuardDuty {name} in the administrator account {account}");
                j.reason = "the organization's GuardDuty administrator has no administrator of its own to leave".into();
                return Some(j);
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!("Account {account} left its GuardDuty administrator in {region}");
            j.reason = "its findings no longer reach the administrator".into();
            j.planned
                .push(Action::GuardDuty(GuardDutyAction::CreateMember {
                    administrator: admin.clone(),
                    account,
                    region: region.clone(),
                }));
            auto_enable(&mut j);
        }
        "DeleteMembers" | "DisassociateMembers" => {
            if account != admin {
                j.summary = format!("GuardDuty {name} in {account}/{region}");
                j.reason = format!(
                    "{account} is not the organization's GuardDuty administrator ({admin}): its own members are not governed"
                );
                return Some(j);
            }
            let members: Vec<AccountId> = record
                .request_parameters
                .get("accountIds")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(Value::as_str)
                        .filter_map(AccountId::parse)
                        .collect()
                })
                .unwrap_or_default();
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!(
                "GuardDuty {name} removed {} from administrator {account} in {region}",
                if members.is_empty() {
                    "members".to_string()
                } else {
                    members
                        .iter()
                        .map(AccountId::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
            j.reason = "findings of the removed accounts no longer reach the administrator".into();
            for m in &members {
                j.planned
                    .push(Action::GuardDuty(GuardDutyAction::CreateMember {
                        administrator: admin.clone(),
                        account: m.clone(),
                        region: region.clone(),
                    }));
            }
            auto_enable(&mut j);
        }
        _ => {
            // UpdateOrganizationConfiguration
            let requested = record
                .request_parameters
                .get("autoEnableOrganizationMembers")
                .and_then(Value::as_str);
            let legacy_off = matches!(
                record.request_parameters.get("autoEnable"),
                Some(Value::Bool(false))
            ) || record
                .request_parameters
                .get("autoEnable")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("false"));
            let Some(wanted) = policy.guardduty.auto_enable else {
                j.summary = format!("GuardDuty UpdateOrganizationConfiguration in {account}");
                j.reason = "the policy does not manage GuardDuty auto-enable".into();
                return Some(j);
            };
            let weakened = match requested {
                Some(r) if r.eq_ignore_ascii_case("NONE") => true,
                Some(r) if r.eq_ignore_ascii_case("NEW") => wanted == AutoEnable::All,
                Some(_) => false,
                None => legacy_off,
            };
            if account != admin || !weakened {
                j.summary = format!("GuardDuty UpdateOrganizationConfiguration in {account}");
                j.reason = if account != admin {
                    format!("{account} is not the organization's GuardDuty administrator ({admin})")
                } else {
                    format!("auto-enable still meets the policy ({})", wanted.as_str())
                };
                return Some(j);
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!(
                "GuardDuty auto-enable changed to {} in {region}",
                requested.unwrap_or("off")
            );
            j.reason = format!(
                "the policy wants auto-enable {}: accounts would join the organization unprotected",
                wanted.as_str()
            );
            auto_enable(&mut j);
        }
    }
    Some(j)
}

/// Severity band of a GuardDuty severity (Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9,
/// Critical 9.0-10.0).
pub fn band(severity: f64) -> Severity {
    if severity >= 9.0 {
        Severity::Critical
    } else if severity >= 7.0 {
        Severity::High
    } else if severity >= 4.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// `guardduty-finding`: alert on findings at or above the threshold or of a listed type.
pub(crate) fn judge_finding(
    finding: &GuardDutyFinding,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Judgement {
    let mut j = Judgement::new(GuardrailId::GuarddutyFinding);
    j.subject.account = finding
        .account_id
        .clone()
        .filter(|a| AccountId::is_valid(a))
        .or_else(|| envelope.and_then(|e| e.account.clone()));
    j.subject.region = finding
        .region
        .clone()
        .or_else(|| envelope.and_then(|e| e.region.clone()));
    j.subject.resource = finding.id.as_ref().map(|id| format!("finding {id}"));
    let ftype = finding
        .finding_type
        .clone()
        .unwrap_or_else(|| "(no type)".into());
    let title = finding.title.clone().unwrap_or_default();
    j.summary = if title.is_empty() {
        format!("GuardDuty finding {ftype}")
    } else {
        format!("GuardDuty finding {ftype}: {title}")
    };
    j.evidence.push(("finding type".into(), ftype.clone()));
    if let Some(s) = finding.severity {
        j.evidence
            .push(("GuardDuty severity".into(), format!("{s:.1}")));
    }
    if let Some(id) = &finding.id {
        j.evidence.push(("finding id".into(), id.clone()));
    }
    let service = &finding.service;
    if let Some(count) = service.get("count").and_then(Value::as_u64) {
        j.evidence.push(("occurrences".into(), count.to_string()));
    }
    if let Some(rt) = finding.resource.get("resourceType").and_then(Value::as_str) {
        j.evidence.push(("resource type".into(), rt.to_string()));
    }
    let additional = service.get("additionalInfo");
    let is_true = |s: &Value| s == &Value::Bool(true) || s.as_str() == Some("true");
    // Sample findings say so in `additionalInfo.sample`, or inside `additionalInfo.value`
    // (a JSON document in a string).
    let sample = additional
        .and_then(|a| a.get("sample"))
        .is_some_and(is_true)
        || additional
            .and_then(|a| a.get("value"))
            .and_then(Value::as_str)
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .and_then(|v| v.get("sample").cloned())
            .is_some_and(|s| is_true(&s));
    if sample {
        j.reason = "a sample finding (generated by CreateSampleFindings), not a threat".into();
        return j;
    }
    if service.get("archived") == Some(&Value::Bool(true)) {
        j.reason = "an archived finding (suppressed or closed by a person or a rule)".into();
        return j;
    }
    if let Some(desc) = finding.description.as_deref().filter(|s| !s.is_empty()) {
        j.evidence.push(("description".into(), desc.to_string()));
    }
    j.respond = Some(format!(
        "Open finding {} in the GuardDuty console of the administrator account ({}), region {}, and follow its remediation guidance; archive it only once it is explained.",
        finding
            .id
            .as_deref()
            .filter(|id| !id.is_empty()
                && id.len() <= 64
                && id.bytes().all(|b| b.is_ascii_alphanumeric()))
            .unwrap_or("(see the finding id above)"),
        policy.guardduty.administrator,
        j.subject.region.as_deref().unwrap_or("unknown")
    ));
    let listed = policy.guardduty.finding_types.iter().any(|t| t == &ftype);
    let Some(severity) = finding.severity.filter(|s| s.is_finite()) else {
        if listed {
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.reason = format!("finding type {ftype} is listed in the policy");
        } else {
            j.reason = "the finding has no severity".into();
        }
        return j;
    };
    let threshold = policy.guardduty.severity_threshold;
    if severity >= threshold {
        j.verdict = Verdict::Violation;
        j.severity = band(severity).max(Severity::Low);
        j.reason =
            format!("severity {severity:.1} is at or above the policy's threshold {threshold:.1}");
    } else if listed {
        j.verdict = Verdict::Violation;
        j.severity = band(severity).max(Severity::High);
        j.reason = format!(
            "finding type {ftype} is listed in the policy (alerted whatever its severity, {severity:.1})"
        );
    } else {
        j.reason = format!("severity {severity:.1} is below the policy's threshold {threshold:.1}");
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(band(7.0), Severity::High);
        assert_eq!(band(6.9), Severity::Medium);
        assert_eq!(band(8.9), Severity::High);
        assert_eq!(band(9.0), Severity::Critical);
        assert_eq!(band(2.0), Severity::Low);
    }
}
