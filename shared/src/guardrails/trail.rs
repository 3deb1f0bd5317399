//! `trail-tampering`: detection (pure) and the baseline comparisons the remediation reuses.

use super::Judgement;
use crate::decision::{Action, GuardrailId, Severity, TrailRef, Verdict};
use crate::event::{CloudTrailRecord, Envelope};
use crate::policy::{Policy, TrailDecl, TrailScope};
use serde_json::Value;

pub const EVENT_SOURCE: &str = "cloudtrail.amazonaws.com";
const WATCHED: [&str; 4] = [
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
];

/// A trail's settings as far as the baseline is concerned; `None` = not known from this source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailSettings {
    pub multi_region: Option<bool>,
    pub log_file_validation: Option<bool>,
    pub include_global_service_events: Option<bool>,
    pub s3_bucket: Option<String>,
    /// `Some("")` = explicitly removed.
    pub kms_key_id: Option<String>,
    pub cloudwatch_logs_log_group_arn: Option<String>,
    pub sns_topic: Option<String>,
    pub organization_trail: Option<bool>,
}

impl TrailSettings {
    /// From an UpdateTrail/CreateTrail `responseElements` (the resulting state): fields the
    /// response leaves out are not set on the trail.
    pub fn from_response(v: &Value) -> TrailSettings {
        TrailSettings {
            multi_region: v.get("isMultiRegionTrail").and_then(as_bool),
            log_file_validation: v.get("logFileValidationEnabled").and_then(as_bool),
            include_global_service_events: v.get("includeGlobalServiceEvents").and_then(as_bool),
            s3_bucket: str_field(v, "s3BucketName"),
            kms_key_id: Some(str_field(v, "kmsKeyId").unwrap_or_default()),
            cloudwatch_logs_log_group_arn: Some(
                str_field(v, "cloudWatchLogsLogGroupArn").unwrap_or_default(),
            ),
            sns_topic: Some(
                str_field(v, "snsTopicARN")
                    .or_else(|| str_field(v, "snsTopicName"))
                    .unwrap_or_default(),
            ),
            organization_trail: v.get("isOrganizationTrail").and_then(as_bool),
        }
    }

    /// From UpdateTrail `requestParameters` (only what the caller sent; the console sends
    /// every field, empty strings included, the CLI only the flags given).
    pub fn from_request(v: &Value) -> TrailSettings {
        TrailSettings {
            multi_region: v.get("isMultiRegionTrail").and_then(as_bool),
            log_file_validation: v.get("enableLogFileValidation").and_then(as_bool),
            include_global_service_events: v.get("includeGlobalServiceEvents").and_then(as_bool),
            s3_bucket: str_field(v, "s3BucketName").filter(|s| !s.is_empty()),
            kms_key_id: str_field(v, "kmsKeyId"),
            cloudwatch_logs_log_group_arn: str_field(v, "cloudWatchLogsLogGroupArn"),
            sns_topic: str_field(v, "snsTopicName"),
            organization_trail: v.get("isOrganizationTrail").and_then(as_bool),
        }
    }
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// How the baseline judges a bucket: the allowed list when the policy has one, else the
/// declared trail's bucket, else any bucket.
pub fn bucket_ok(policy: &Policy, decl: Option<&TrailDecl>, bucket: &str) -> bool {
    if !policy.trail.allowed_buckets.is_empty() {
        policy.trail.bucket_allowed(bucket)
    } else {
        decl.is_none_or(|d| d.s3_bucket == bucket)
    }
}

/// Every way `s` falls short of the baseline, as readable phrases. Unknown fields pass.
pub fn weaknesses(policy: &Policy, decl: Option<&TrailDecl>, s: &TrailSettings) -> Vec<String> {
    let b = &policy.trail;
    let mut out = Vec::new();
    if b.multi_region && s.multi_region == Some(false) {
        out.push("multi-region logging is off".to_string());
    }
    if b.log_file_validation && s.log_file_validation == Some(false) {
        out.push("log file validation is off".to_string());
    }
    if b.include_global_service_events && s.include_global_service_events == Some(false) {
        out.push("global service events are off".to_string());
    }
    if let Some(bucket) = &s.s3_bucket
        && !bucket_ok(policy, decl, bucket)
    {
        out.push(format!(
            "logs go to bucket `{bucket}`, which the policy does not allow"
        ));
    }
    if b.require_kms && s.kms_key_id.as_deref() == Some("") {
        out.push("SSE-KMS encryption was removed".to_string());
    }
    if b.require_cloudwatch_logs && s.cloudwatch_logs_log_group_arn.as_deref() == Some("") {
        out.push("CloudWatch Logs delivery was removed".to_string());
    }
    if decl.is_some_and(|d| d.is_organization_trail) && s.organization_trail == Some(false) {
        out.push("the organization trail no longer logs the organization's accounts".to_string());
    }
    if b.require_sns && s.sns_topic.as_deref() == Some("") {
        out.push("SNS notification was removed".to_string());
    }
    out
}

// ---------------------------------------------------------------------------------------
// Event selectors

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicSelector {
    /// `All` (default), `ReadOnly`, `WriteOnly`.
    pub read_write_type: Option<String>,
    /// Defaults to true.
    pub include_management_events: Option<bool>,
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    /// Any other operator (StartsWith, NotStartsWith, EndsWith, NotEndsWith) was used.
    pub other_operators: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvancedSelector {
    pub field_selectors: Vec<FieldSelector>,
}

/// How completely management events are logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub reads: bool,
    pub writes: bool,
    /// Event sources excluded from every selector that would otherwise log them.
    pub excluded_sources: Vec<String>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.reads && self.writes && self.excluded_sources.is_empty()
    }

    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        match (self.reads, self.writes) {
            (false, false) => out.push("no management events are logged".to_string()),
            (true, false) => out.push("management write events are not logged".to_string()),
            (false, true) => out.push("management read events are not logged".to_string()),
            (true, true) => {}
        }
        if !self.excluded_sources.is_empty() {
            out.push(format!(
                "management events from {} are excluded",
                self.excluded_sources.join(", ")
            ));
        }
        out
    }
}

/// One candidate selector's contribution for reads or writes: `None` = does not log them;
/// `Some(excluded)` = logs them except those sources.
type Contribution = Option<Vec<String>>;

fn combine(contributions: Vec<Contribution>) -> (bool, Vec<String>) {
    let logged: Vec<Vec<String>> = contributions.into_iter().flatten().collect();
    let Some(first) = logged.first() else {
        return (false, vec![]);
    };
    // OR semantics: a source is missing only if every logging selector excludes it.
    let mut excluded: Vec<String> = first
        .iter()
        .filter(|s| logged.iter().all(|l| l.contains(s)))
        .cloned()
        .collect();
    excluded.sort();
    excluded.dedup();
    (true, excluded)
}

/// Management-event coverage of a trail's selectors (OR semantics across selectors). When a
/// trail has advanced selectors, its basic selectors are not in effect.
pub fn management_coverage(basic: &[BasicSelector], advanced: &[AdvancedSelector]) -> Coverage {
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    if !advanced.is_empty() {
        for sel in advanced {
            let (r, w) = advanced_contribution(sel);
            reads.push(r);
            writes.push(w);
        }
    } else {
        for sel in basic {
            if sel.include_management_events == Some(false) {
                continue;
            }
            let ex = sel.exclude_management_event_sources.clone();
            match sel.read_write_type.as_deref().unwrap_or("All") {
                "ReadOnly" => reads.push(Some(ex)),
                "WriteOnly" => writes.push(Some(ex)),
                _ => {
                    reads.push(Some(ex.clone()));
                    writes.push(Some(ex));
                }
            }
        }
    }
    let (r, rex) = combine(reads);
    let (w, wex) = combine(writes);
    let mut excluded = rex;
    excluded.extend(wex);
    excluded.sort();
    excluded.dedup();
    Coverage {
        reads: r,
        writes: w,
        excluded_sources: excluded,
    }
}

fn advanced_contribution(sel: &AdvancedSelector) -> (Contribution, Contribution) {
    let field = |name: &str| sel.field_selectors.iter().find(|f| f.field == name);
    let management = field("eventCategory")
        .is_some_and(|f| f.equals.iter().any(|v| v == "Management") && !f.other_operators);
    if !management {
        return (None, None);
    }
    // Any condition we do not model restricts the selector: it cannot prove coverage.
    let known = ["eventCategory", "readOnly", "eventSource"];
    if sel
        .field_selectors
        .iter()
        .any(|f| !known.contains(&f.field.as_str()))
    {
        return (None, None);
    }
    let (mut reads, mut writes) = (true, true);
    if let Some(ro) = field("readOnly") {
        if ro.other_operators {
            return (None, None);
        }
        let allows = |v: &str| {
            (ro.equals.is_empty() || ro.equals.iter().any(|e| e == v))
                && !ro.not_equals.iter().any(|e| e == v)
        };
        reads = allows("true");
        writes = allows("false");
    }
    let mut excluded = Vec::new();
    if let Some(src) = field("eventSource") {
        if src.other_operators || !src.equals.is_empty() {
            return (None, None);
        }
        excluded = src.not_equals.clone();
    }
    (reads.then(|| excluded.clone()), writes.then_some(excluded))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Selectors as a PutEventSelectors event carries them (`requestParameters`, falling back to
/// `responseElements`). `None` when the event carries neither kind.
pub fn selectors_from_event(
    record: &CloudTrailRecord,
) -> Option<(Vec<BasicSelector>, Vec<AdvancedSelector>)> {
    [&record.request_parameters, &record.response_elements]
        .into_iter()
        .find_map(|v| {
            let basic = v.get("eventSelectors").and_then(Value::as_array);
            let adv = v.get("advancedEventSelectors").and_then(Value::as_array);
            if basic.is_none() && adv.is_none() {
                return None;
            }
            let basic = basic
                .map(|a| {
                    a.iter()
                        .map(|s| BasicSelector {
                            read_write_type: s
                                .get("readWriteType")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                            include_management_events: s
                                .get("includeManagementEvents")
                                .and_then(as_bool),
                            exclude_management_event_sources: strings(
                                s.get("excludeManagementEventSources"),
                            ),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let adv = adv
                .map(|a| {
                    a.iter()
                        .map(|s| AdvancedSelector {
                            field_selectors: s
                                .get("fieldSelectors")
                                .and_then(Value::as_array)
                                .map(|fs| {
                                    fs.iter()
                                        .map(|f| FieldSelector {
                                            field: f
                                                .get("field")
                                                .and_then(Value::as_str)
                                                .unwrap_or("")
                                                .to_string(),
                                            equals: strings(f.get("equals")),
                                            not_equals: strings(f.get("notEquals")),
                                            other_operators: [
                                                "startsWith",
                                                "notStartsWith",
                                                "endsWith",
                                                "notEndsWith",
                                            ]
                                            .iter()
                                            .any(|k| {
                                                f.get(*k)
                                                    .and_then(Value::as_array)
                                                    .is_some_and(|a| !a.is_empty())
                                            }),
                                        })
                                        .collect()
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some((basic, adv))
        })
}

// ---------------------------------------------------------------------------------------
// Detection

/// A trail named in an event: a bare name or a full ARN.
pub fn parse_trail_id(id: &str) -> (String, Option<String>, Option<String>) {
    if let Some(rest) = id.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let [_partition, _service, region, account, resource] = parts.as_slice()
            && let Some(name) = resource.strip_prefix("trail/")
        {
            // The ARN is the caller's string: keep its account and region only when they
            // are well formed (they end up in alerts and in the remediation target).
            let account = (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
                .then(|| account.to_string());
            let region = (!region.is_empty()
                && region.len() <= 32
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
            .then(|| region.to_string());
            return (name.to_string(), region, account);
        }
    }
    (id.to_string(), None, None)
}

pub(crate) fn judge(
    record: &CloudTrailRecord,
    envelope: Option<&Envelope>,
    policy: &Policy,
) -> Option<Judgement> {
    if record.source() != EVENT_SOURCE || !WATCHED.contains(&record.name()) {
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
    let region_governed =
        policy.regions.is_empty() || region.as_ref().is_some_and(|r| policy.regions.contains(r));
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
    let trail_ref = match (&account, &region) {
        (Some(a), Some(r)) if !trail_name.is_empty() => Some(TrailRef {
            name: trail_name.clone(),
            account: a.clone(),
            region: r.clone(),
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
                planned.push(Action::StartLogging { trail: t.clone() });
            }
        }
        "DeleteTrail" => {
            j.verdict = Verdict::Violation;
            j.severity = Severity::Critical;
            j.summary = format!("Trail `{shown}` was deleted");
            match (decl, &trail_ref) {
                (Some(_), Some(t)) => {
                    j.reason =
                        "the policy declares this trail; it is recreated from its declaration"
                            .into();
                    planned.push(Action::RecreateTrail { trail: t.clone() });
                    planned.push(Action::StartLogging { trail: t.clone() });
                }
                _ => {
                    j.reason = "the trail is not declared in the policy, so it cannot be recreated: restore it by hand".into();
                }
            }
        }
        "UpdateTrail" => {
            let settings = if record.response_elements.is_object() {
                TrailSettings::from_response(&record.response_elements)
            } else {
                TrailSettings::from_request(&record.request_parameters)
            };
            let weak = weaknesses(policy, decl, &settings);
            if weak.is_empty() {
                j.summary = format!("Trail `{shown}` was updated within the baseline");
                j.reason = "the resulting trail settings meet the baseline".into();
                return Some(j);
            }
            j.verdict = Verdict::Violation;
            j.severity = Severity::High;
            j.summary = format!("Trail `{shown}` was weakened: {}", weak.join("; "));
            j.reason = "the resulting trail settings break the baseline".into();
            for w in weak {
                j.evidence.push(("weakened".into(), w));
            }
            if let Some(t) = &trail_ref {
                planned.push(Action::RestoreTrailSettings { trail: t.clone() });
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
                planned.push(Action::RestoreEventSelectors { trail: t.clone() });
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
        )?;
        let decl = policy.trail.trails.first();
        let off = TrailSettings {
            organization_trail: Some(false),
            ..TrailSettings::default()
        };
        assert_eq!(
            weaknesses(&policy, decl, &off),
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
