//! The trail baseline as pure comparisons over state models: a trail's settings
//! ([`TrailSettings`], from an event or from `GetTrail`) and its event selectors (from an
//! event or from `GetEventSelectors`). Detection and remediation both judge with these.

use super::policy::TrailDecl;
use crate::event::CloudTrailRecord;
use crate::policy::Policy;
use serde_json::Value;

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

/// One way a trail falls short of the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    MultiRegionOff,
    LogFileValidationOff,
    GlobalEventsOff,
    /// Logs go to a bucket the policy does not allow.
    BucketNotAllowed(String),
    KmsRemoved,
    CloudWatchLogsRemoved,
    OrganizationTrailOff,
    SnsRemoved,
}

impl std::fmt::Display for Weakness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Weakness::MultiRegionOff => f.write_str("multi-region logging is off"),
            Weakness::LogFileValidationOff => f.write_str("log file validation is off"),
            Weakness::GlobalEventsOff => f.write_str("global service events are off"),
            Weakness::BucketNotAllowed(b) => write!(
                f,
                "logs go to bucket `{b}`, which the policy does not allow"
            ),
            Weakness::KmsRemoved => f.write_str("SSE-KMS encryption was removed"),
            Weakness::CloudWatchLogsRemoved => f.write_str("CloudWatch Logs delivery was removed"),
            Weakness::OrganizationTrailOff => {
                f.write_str("the organization trail no longer logs the organization's accounts")
            }
            Weakness::SnsRemoved => f.write_str("SNS notification was removed"),
        }
    }
}

/// Every way `s` falls short of the baseline, in a fixed order. Unknown fields pass. This is
/// the one baseline check: detection judges an event's resulting settings with it, and
/// remediation plans its patch ([`super::plan::settings_patch`]) from what it returns.
pub fn weaknesses(policy: &Policy, decl: Option<&TrailDecl>, s: &TrailSettings) -> Vec<Weakness> {
    let b = &policy.trail;
    let mut out = Vec::new();
    if b.multi_region && s.multi_region == Some(false) {
        out.push(Weakness::MultiRegionOff);
    }
    if b.log_file_validation && s.log_file_validation == Some(false) {
        out.push(Weakness::LogFileValidationOff);
    }
    if b.include_global_service_events && s.include_global_service_events == Some(false) {
        out.push(Weakness::GlobalEventsOff);
    }
    if let Some(bucket) = &s.s3_bucket
        && !bucket_ok(policy, decl, bucket)
    {
        out.push(Weakness::BucketNotAllowed(bucket.clone()));
    }
    if b.require_kms && s.kms_key_id.as_deref() == Some("") {
        out.push(Weakness::KmsRemoved);
    }
    if b.require_cloudwatch_logs && s.cloudwatch_logs_log_group_arn.as_deref() == Some("") {
        out.push(Weakness::CloudWatchLogsRemoved);
    }
    if decl.is_some_and(|d| d.is_organization_trail) && s.organization_trail == Some(false) {
        out.push(Weakness::OrganizationTrailOff);
    }
    if b.require_sns && s.sns_topic.as_deref() == Some("") {
        out.push(Weakness::SnsRemoved);
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
