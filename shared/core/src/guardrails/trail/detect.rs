//! `trail-tampering`: detection (pure).

use super::action::{TrailAction, TrailRef};
use super::baseline::{TrailSettings, management_coverage, selectors_from_event, weaknesses};
use super::plan;
use super::policy::TrailScope;
use crate::catalog::{self, CLOUDTRAIL};
use crate::decision::Action;
use crate::event::{CloudTrailRecord, Envelope};
use crate::guardrails::Judgement;
use crate::ids::{AccountId, Region};
use crate::model::{GuardrailId, Severity, Verdict};
use crate::policy::Policy;

pub const EVENT_SOURCE: &str = CLOUDTRAIL;

/// A trail named in an event: a bare name or a full ARN.
pub fn parse_trail_id(id: &str) -> (String, Option<String>, Option<String>) {
    if let Some(rest) = id.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let [_partition, _service, region, account, resource] = parts.as_slice()
            && let Some(name) = resource.strip_prefix("trail/")
        {
            // The ARN is the caller's string: keep its account and region only when they
            // are well formed (they end up in alerts and in the remediation target).
            let account = AccountId::is_valid(account).then(|| account.to_string());
            let region = Region::is_valid(region).then(|| region.to_string());
            return (name.to_string(), region, account);
        }
    }
    (id.to_string(), None, None)
}

/// Every step that brings a trail back to the baseline, each reading the current state
/// first: recreate (when it may be gone), settings, event selectors, logging.
fn full_restore(t: &TrailRef, recreate: bool) -> Vec<Action> {
    let mut out = Vec::new();
    if recreate {
        out.push(Action::Trail(TrailAction::RecreateTrail {
            trail: t.clone(),
        }));
    }
    out.push(Action::Trail(TrailAction::RestoreTrailSettings {
        trail: t.clone(),
    }));
    out.push(Action::Trail(TrailAction::RestoreEventSelectors {
        trail: t.clone(),
    }));
    out.push(Action::Trail(TrailAction::StartLogging {
        trail: t.clone(),
    }));
    out
}

pub(crate) fn judge(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Option<Judgement> {
    if !catalog::claims_call(GuardrailId::TrailTampering, record.source(), record.name()) {
        return None;
    }
    let name = record.name();
    let id = record
        .param_str("name")
        .or_else(|| record.param_str("trailName"))
        .unwrap_or("");
    let (trail_name, arn_region, arn_account) = parse_trail_id(id);
    let named_by_arn = arn_region.is_some();
    let shown = if trail_name.is_empty() {
        "(not named)"
    } else {
        trail_name.as_str()
    };
    let account = arn_account
        .or_else(|| record.recipient_account_id.clone())
        .or_else(|| envelope.and_then(|e| e.account.clone()));
    let region = arn_region
        .or_else(|| record.aws_region.clone())
        .or_else(|| envelope.and_then(|e| e.region.clone()));
    let mut j = Judgement::new(GuardrailId::TrailTampering);
    j.subject.account = account.clone();
    j.subject.region = region.clone();
    j.subject.resource = (!id.is_empty()).then(|| id.to_string());
    j.evidence.push((
        "trail".into(),
        if id.is_empty() {
            "(not named)".into()
        } else {
            id.to_string()
        },
    ));

    // A bare name used outside the trail's home region names the shadow of a multi-region
    // trail: the call fails (InvalidHomeRegionException) but is still an attempt on it.
    let decl = policy
        .trail
        .find(&trail_name, account.as_deref(), region.as_deref())
        .or_else(|| {
            policy
                .trail
                .find(&trail_name, account.as_deref(), None)
                .filter(|_| record.failed() && !named_by_arn)
        });
    let region_governed = region
        .as_deref()
        .map_or(policy.regions.is_empty(), |r| policy.governs_region(r));
    // An event that does not name its trail (e.g. `requestParameters: null` on a failed call)
    // may concern a declared trail: it is judged, not dismissed as undeclared.
    let undeclared = policy.trail.scope == TrailScope::Declared && !trail_name.is_empty();
    if decl.is_none() && (undeclared || !region_governed) {
        j.summary = format!("{name} on trail `{shown}`, which the policy does not govern");
        j.reason = if undeclared {
            "trail is not declared in the policy (trail.scope = \"declared\")".into()
        } else {
            "region is not governed by the policy".into()
        };
        return Some(j);
    }
    let trail_ref = match (
        account.as_deref().and_then(AccountId::parse),
        region.as_deref().and_then(Region::parse),
    ) {
        (Some(account), Some(region)) if !trail_name.is_empty() => Some(TrailRef {
            name: trail_name.clone(),
            account,
            region,
        }),
        _ => None,
    };

    if record.failed() {
        j.verdict = Verdict::Attempt;
        j.severity = Severity::Medium;
        let code = record.error_text();
        j.summary = format!("Failed {name} on trail `{shown}` ({code})");
        j.reason = "the call failed; nothing changed".into();
        j.evidence.push(("error".into(), code));
        return Some(j);
    }

    let mut planned = Vec::new();
    match name {
        "StopLogging" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!("Logging was stopped on trail `{shown}`");
            j.reason = "the baseline requires every governed trail to be logging".into();
            if let Some(t) = &trail_ref {
                planned.push(Action::Trail(TrailAction::StartLogging {
                    trail: t.clone(),
                }));
            }
        }
        "DeleteTrail" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!("Trail `{shown}` was deleted");
            match (decl, &trail_ref) {
                (Some(_), Some(t)) => {
                    j.reason = "the policy declares this trail; it is recreated from its declaration, and (if someone created a trail of that name meanwhile) its settings, event selectors and logging are restored".into();
                    planned.extend(full_restore(t, true));
                }
                _ => {
                    j.reason = "the trail is not declared in the policy, so it cannot be recreated: restore it by hand".into();
                }
            }
        }
        "UpdateTrail" | "CreateTrail" => {
            let created = name == "CreateTrail";
            // A partial restore by driftguard (one setting fixed, others still to fix) is its
            // own remediation when the request sets only baseline values.
            j.restoring =
                !created && plan::is_restoring_update(policy, decl, &record.request_parameters);
            let settings = if record.response_elements.is_object() {
                TrailSettings::from_response(&record.response_elements)
            } else {
                TrailSettings::from_request(&record.request_parameters)
            };
            let weak: Vec<String> = weaknesses(policy, decl, &settings)
                .iter()
                .map(ToString::to_string)
                .collect();
            if weak.is_empty() {
                j.summary = if created {
                    format!("Trail `{shown}` was created within the baseline")
                } else {
                    format!("Trail `{shown}` was updated within the baseline")
                };
                j.reason = "the resulting trail settings meet the baseline".into();
                return Some(j);
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            if created {
                // A declared trail deleted and created again with weaker settings is not
                // "already compliant" because a trail of that name exists.
                j.summary = format!(
                    "Trail `{shown}` was created weaker than the baseline: {}",
                    weak.join("; ")
                );
                j.reason = "a governed trail must meet the baseline; its settings, event selectors and logging are restored".into();
            } else {
                j.summary = format!("Trail `{shown}` was weakened: {}", weak.join("; "));
                j.reason = "the resulting trail settings break the baseline".into();
            }
            for w in weak {
                j.evidence.push(("weakened".into(), w));
            }
            if let Some(t) = &trail_ref {
                if created {
                    planned.extend(full_restore(t, false));
                } else {
                    planned.push(Action::Trail(TrailAction::RestoreTrailSettings {
                        trail: t.clone(),
                    }));
                }
            }
        }
        _ => {
            // PutEventSelectors
            let Some((basic, adv)) = selectors_from_event(record) else {
                j.summary = format!(
                    "Event selectors of trail `{shown}` were changed (selectors not in the event)"
                );
                j.reason = "the event carries no selectors to judge".into();
                return Some(j);
            };
            let cov = management_coverage(&basic, &adv);
            if cov.complete() {
                j.summary =
                    format!("Event selectors of trail `{shown}` still log all management events");
                j.reason = "all management events are still logged".into();
                return Some(j);
            }
            let gaps = cov.describe();
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!(
                "Event selectors of trail `{shown}` were narrowed: {}",
                gaps.join("; ")
            );
            j.reason = "the baseline requires all management events (reads and writes, no excluded sources)".into();
            for g in gaps {
                j.evidence.push(("selectors".into(), g));
            }
            if let Some(t) = &trail_ref {
                planned.push(Action::Trail(TrailAction::RestoreEventSelectors {
                    trail: t.clone(),
                }));
            }
        }
    }
    if planned.is_empty() && trail_ref.is_none() {
        j.evidence.push((
            "remediation".into(),
            "the event does not name the trail's account, region and name; remediate by hand"
                .into(),
        ));
    }
    j.planned = planned;
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrails::trail::baseline::{AdvancedSelector, BasicSelector, FieldSelector};
    use crate::policy::NoDocuments;

    fn basic(rw: &str, inc: bool, ex: &[&str]) -> BasicSelector {
        BasicSelector {
            read_write_type: Some(rw.into()),
            include_management_events: Some(inc),
            exclude_management_event_sources: ex.iter().map(|s| s.to_string()).collect(),
        }
    }
    fn fs(field: &str, eq: &[&str], ne: &[&str]) -> FieldSelector {
        FieldSelector {
            field: field.into(),
            equals: eq.iter().map(|s| s.to_string()).collect(),
            not_equals: ne.iter().map(|s| s.to_string()).collect(),
            other_operators: false,
        }
    }

    #[test]
    fn basic_selectors_or_semantics() {
        assert!(management_coverage(&[basic("All", true, &[])], &[]).complete());
        assert!(!management_coverage(&[basic("ReadOnly", true, &[])], &[]).writes);
        assert!(
            management_coverage(
                &[basic("ReadOnly", true, &[]), basic("WriteOnly", true, &[])],
                &[]
            )
            .complete()
        );
        assert!(!management_coverage(&[basic("All", false, &[])], &[]).reads);
        assert!(
            management_coverage(&[basic("All", false, &[]), basic("All", true, &[])], &[])
                .complete()
        );
        let c = management_coverage(&[basic("All", true, &["kms.amazonaws.com"])], &[]);
        assert_eq!(c.excluded_sources, vec!["kms.amazonaws.com"]);
        assert!(
            management_coverage(
                &[
                    basic("All", true, &["kms.amazonaws.com"]),
                    basic("All", true, &["rdsdata.amazonaws.com"])
                ],
                &[]
            )
            .complete()
        );
        assert!(!management_coverage(&[], &[]).reads);
    }

    #[test]
    fn advanced_selectors() {
        let mgmt = AdvancedSelector {
            field_selectors: vec![fs("eventCategory", &["Management"], &[])],
        };
        assert!(management_coverage(&[], std::slice::from_ref(&mgmt)).complete());
        let ro = AdvancedSelector {
            field_selectors: vec![
                fs("eventCategory", &["Management"], &[]),
                fs("readOnly", &["true"], &[]),
            ],
        };
        let c = management_coverage(&[], std::slice::from_ref(&ro));
        assert!(c.reads && !c.writes);
        let data = AdvancedSelector {
            field_selectors: vec![
                fs("eventCategory", &["Data"], &[]),
                fs("resources.type", &["AWS::S3::Object"], &[]),
            ],
        };
        assert!(!management_coverage(&[], std::slice::from_ref(&data)).reads);
        assert!(management_coverage(&[], &[data, mgmt.clone()]).complete());
        let ex = AdvancedSelector {
            field_selectors: vec![
                fs("eventCategory", &["Management"], &[]),
                fs("eventSource", &[], &["kms.amazonaws.com"]),
            ],
        };
        assert_eq!(
            management_coverage(&[], &[ex]).excluded_sources,
            vec!["kms.amazonaws.com"]
        );
        // advanced selectors replace basic ones
        assert!(!management_coverage(&[basic("All", true, &[])], &[ro]).writes);
    }

    #[test]
    fn unnamed_trail_is_judged_not_dismissed_as_undeclared()
    -> Result<(), crate::policy::PolicyError> {
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n\
             [[trail.trails]]\nname = \"org-trail\"\ns3_bucket = \"org-trail-logs\"\n",
            "test",
            &NoDocuments,
        )?;
        // A failed StopLogging with `requestParameters: null`: the trail may be a declared one.
        let failed = CloudTrailRecord {
            event_source: Some(EVENT_SOURCE.into()),
            event_name: Some("StopLogging".into()),
            aws_region: Some("us-east-1".into()),
            recipient_account_id: Some("333333333333".into()),
            error_code: Some("AccessDenied".into()),
            ..CloudTrailRecord::default()
        };
        let j = judge(&failed, None, &policy);
        assert_eq!(j.as_ref().map(|j| j.verdict), Some(Verdict::Attempt));
        assert!(j.is_some_and(|j| j.summary.contains("(not named)")));
        // A named trail the policy does not declare is still not governed.
        let mut named = failed.clone();
        named.request_parameters = serde_json::json!({"name": "dev-trail"});
        assert_eq!(
            judge(&named, None, &policy).map(|j| j.verdict),
            Some(Verdict::Benign)
        );
        Ok(())
    }

    #[test]
    fn failed_call_on_a_shadow_trail_is_an_attempt() -> Result<(), crate::policy::PolicyError> {
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n\
             [[trail.trails]]\nname = \"org-trail\"\naccount = \"111111111111\"\n\
             region = \"us-east-1\"\ns3_bucket = \"org-trail-logs\"\n",
            "test",
            &NoDocuments,
        )?;
        let mut rec = CloudTrailRecord {
            event_source: Some(EVENT_SOURCE.into()),
            event_name: Some("StopLogging".into()),
            aws_region: Some("eu-west-1".into()),
            recipient_account_id: Some("111111111111".into()),
            request_parameters: serde_json::json!({"name": "org-trail"}),
            error_code: Some("InvalidHomeRegionException".into()),
            ..CloudTrailRecord::default()
        };
        assert_eq!(
            judge(&rec, None, &policy).map(|j| j.verdict),
            Some(Verdict::Attempt)
        );
        // Another account's trail of the same name is still not the declared one.
        rec.recipient_account_id = Some("333333333333".into());
        assert_eq!(
            judge(&rec, None, &policy).map(|j| j.verdict),
            Some(Verdict::Benign)
        );
        Ok(())
    }

    #[test]
    fn organization_trail_turned_off_is_a_weakness() -> Result<(), crate::policy::PolicyError> {
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n[[trail.trails]]\nname = \"org-trail\"\ns3_bucket = \"org-trail-logs\"\nis_organization_trail = true\n",
            "t.toml",
            &NoDocuments,
        )?;
        let decl = policy.trail.trails.first();
        let off = TrailSettings {
            organization_trail: Some(false),
            ..TrailSettings::default()
        };
        assert_eq!(
            weaknesses(&policy, decl, &off)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["the organization trail no longer logs the organization's accounts"]
        );
        let on = TrailSettings {
            organization_trail: Some(true),
            ..TrailSettings::default()
        };
        assert!(weaknesses(&policy, decl, &on).is_empty());
        Ok(())
    }

    #[test]
    fn trail_ids() {
        assert_eq!(
            parse_trail_id("arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"),
            (
                "org-trail".into(),
                Some("eu-west-1".into()),
                Some("111122223333".into())
            )
        );
        assert_eq!(
            parse_trail_id("org-trail"),
            ("org-trail".into(), None, None)
        );
        assert_eq!(
            parse_trail_id("arn:bogus"),
            ("arn:bogus".into(), None, None)
        );
    }
}
