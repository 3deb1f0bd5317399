//! Pure remediation plans for trails: exactly what trail-guard writes, computed from the
//! state it read and the policy. trail-guard only translates a plan into SDK calls, so the
//! baseline is judged in one place ([`super::baseline`]).

use super::baseline::{AdvancedSelector, TrailSettings, Weakness, weaknesses};
use super::policy::TrailDecl;
use crate::policy::Policy;

/// Why a settings patch cannot be planned: the fix needs a value only a declaration has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the trail is not declared in the policy, so there is no {what} to restore")]
pub struct NotDeclared {
    /// e.g. `allowed bucket`, `KMS key`.
    pub what: &'static str,
}

/// The `UpdateTrail` that puts a trail back to the baseline: only the fields to change are
/// `Some`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailSettingsPatch {
    pub multi_region: Option<bool>,
    pub include_global_service_events: Option<bool>,
    pub log_file_validation: Option<bool>,
    /// Bucket and key prefix of the declaration.
    pub s3: Option<(String, Option<String>)>,
    pub kms_key_id: Option<String>,
    /// Log group and role ARNs of the declaration.
    pub cloudwatch_logs: Option<(Option<String>, Option<String>)>,
    pub organization_trail: Option<bool>,
    /// The declaration's SNS topic (`Some(None)`: none declared, clear it).
    pub sns_topic_name: Option<Option<String>>,
    /// What the patch fixes, in the words of the baseline.
    pub fixes: Vec<Weakness>,
}

impl TrailSettingsPatch {
    /// `multi-region logging is off; log file validation is off`
    pub fn describe(&self) -> String {
        self.fixes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The patch that brings `current` to the baseline; `Ok(None)` when it already meets it.
pub fn settings_patch(
    policy: &Policy,
    decl: Option<&TrailDecl>,
    current: &TrailSettings,
) -> Result<Option<TrailSettingsPatch>, NotDeclared> {
    let fixes = weaknesses(policy, decl, current);
    if fixes.is_empty() {
        return Ok(None);
    }
    let b = &policy.trail;
    let declared = |what: &'static str| decl.ok_or(NotDeclared { what });
    let mut p = TrailSettingsPatch::default();
    for w in &fixes {
        match w {
            Weakness::MultiRegionOff => p.multi_region = Some(true),
            Weakness::LogFileValidationOff => p.log_file_validation = Some(true),
            Weakness::GlobalEventsOff => p.include_global_service_events = Some(true),
            Weakness::BucketNotAllowed(_) => {
                let d = declared("allowed bucket")?;
                p.s3 = Some((d.s3_bucket.clone(), d.s3_key_prefix.clone()));
            }
            Weakness::KmsRemoved => {
                let key = declared("KMS key")?
                    .kms_key_id
                    .clone()
                    .ok_or(NotDeclared { what: "KMS key" })?;
                p.kms_key_id = Some(key);
            }
            Weakness::CloudWatchLogsRemoved => {
                let d = declared("CloudWatch Logs group")?;
                p.cloudwatch_logs = Some((
                    d.cloudwatch_logs_log_group_arn.clone(),
                    d.cloudwatch_logs_role_arn.clone(),
                ));
            }
            Weakness::OrganizationTrailOff => p.organization_trail = Some(true),
            Weakness::SnsRemoved => {
                p.sns_topic_name = Some(declared("SNS topic")?.sns_topic_name.clone());
            }
        }
    }
    // A multi-region trail needs global service events: turning multi-region back on (or
    // keeping it) with global events off would be refused.
    if b.multi_region && current.include_global_service_events == Some(false) {
        p.include_global_service_events = Some(true);
    }
    p.fixes = fixes;
    Ok(Some(p))
}

/// Whether an `UpdateTrail` request (its `requestParameters`) sets only values a
/// [`TrailSettingsPatch`] sets: `true` for every boolean the baseline requires, the
/// declaration's bucket, prefix, KMS key, CloudWatch Logs group and role, and SNS topic.
/// Anything else (a weaker value, a key the patch never writes) is not driftguard's.
pub fn is_restoring_update(
    policy: &Policy,
    decl: Option<&TrailDecl>,
    request: &serde_json::Value,
) -> bool {
    let Some(fields) = request.as_object() else {
        return false;
    };
    let b = &policy.trail;
    let is_true = |v: &serde_json::Value| {
        v.as_bool() == Some(true) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
    };
    let declared = |v: &serde_json::Value, field: fn(&TrailDecl) -> Option<&str>| {
        decl.and_then(field)
            .is_some_and(|want| v.as_str() == Some(want))
    };
    let mut sets_something = false;
    for (key, v) in fields {
        let ok = match key.as_str() {
            "name" => continue,
            "isMultiRegionTrail" => b.multi_region && is_true(v),
            "includeGlobalServiceEvents" => {
                (b.include_global_service_events || b.multi_region) && is_true(v)
            }
            "enableLogFileValidation" => b.log_file_validation && is_true(v),
            "isOrganizationTrail" => decl.is_some_and(|d| d.is_organization_trail) && is_true(v),
            "s3BucketName" => declared(v, |d| Some(d.s3_bucket.as_str())),
            "s3KeyPrefix" => declared(v, |d| d.s3_key_prefix.as_deref()),
            "kmsKeyId" => declared(v, |d| d.kms_key_id.as_deref()),
            "cloudWatchLogsLogGroupArn" => {
                declared(v, |d| d.cloudwatch_logs_log_group_arn.as_deref())
            }
            "cloudWatchLogsRoleArn" => declared(v, |d| d.cloudwatch_logs_role_arn.as_deref()),
            "snsTopicName" => declared(v, |d| d.sns_topic_name.as_deref()),
            _ => false,
        };
        if !ok {
            return false;
        }
        sets_something = true;
    }
    sets_something
}

/// The `CreateTrail` that recreates a declared trail at the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailSpec {
    pub name: String,
    pub s3_bucket: String,
    pub s3_key_prefix: Option<String>,
    pub multi_region: bool,
    pub include_global_service_events: bool,
    pub log_file_validation: bool,
    pub kms_key_id: Option<String>,
    pub cloudwatch_logs_log_group_arn: Option<String>,
    pub cloudwatch_logs_role_arn: Option<String>,
    pub sns_topic_name: Option<String>,
    pub organization_trail: bool,
}

pub fn create_spec(policy: &Policy, decl: &TrailDecl) -> TrailSpec {
    let b = &policy.trail;
    TrailSpec {
        name: decl.name.clone(),
        s3_bucket: decl.s3_bucket.clone(),
        s3_key_prefix: decl.s3_key_prefix.clone(),
        multi_region: b.multi_region,
        include_global_service_events: b.include_global_service_events || b.multi_region,
        log_file_validation: b.log_file_validation,
        kms_key_id: decl.kms_key_id.clone(),
        cloudwatch_logs_log_group_arn: decl.cloudwatch_logs_log_group_arn.clone(),
        cloudwatch_logs_role_arn: decl.cloudwatch_logs_role_arn.clone(),
        sns_topic_name: decl.sns_topic_name.clone(),
        organization_trail: decl.is_organization_trail,
    }
}

/// CloudTrail accepts at most five basic event selectors.
pub const MAX_BASIC_SELECTORS: usize = 5;
/// The name of the advanced selector driftguard adds.
pub const MANAGEMENT_SELECTOR_NAME: &str = "driftguard: all management events";

/// How to make management-event logging complete again, keeping every data selector. More
/// logging, never less.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorRestore {
    /// Basic selectors: keep them all and append one all-management selector
    /// (`ReadWriteType: All`, `IncludeManagementEvents: true`).
    AppendBasic,
    /// Basic selectors at the limit: widen the first one to all management events (reads
    /// and writes, no excluded sources); its data resources stay.
    WidenFirstBasic,
    /// Advanced selectors: drop the management selectors at these indexes (partial ones are
    /// what broke coverage), keep every other selector, and add one
    /// `eventCategory = Management` selector named [`MANAGEMENT_SELECTOR_NAME`].
    ReplaceAdvancedManagement { drop: Vec<usize> },
}

/// The restore for a trail whose selectors are `basic_count` basic ones and `advanced`
/// (advanced selectors, when present, replace the basic ones).
pub fn selector_restore(basic_count: usize, advanced: &[AdvancedSelector]) -> SelectorRestore {
    if !advanced.is_empty() {
        let drop = advanced
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.field_selectors.iter().any(|f| {
                    f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management")
                })
            })
            .map(|(i, _)| i)
            .collect();
        SelectorRestore::ReplaceAdvancedManagement { drop }
    } else if basic_count < MAX_BASIC_SELECTORS {
        SelectorRestore::AppendBasic
    } else {
        SelectorRestore::WidenFirstBasic
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::NoDocuments;

    fn policy(extra: &str) -> Policy {
        Policy::parse(
            &format!(
                "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n{extra}"
            ),
            "t.toml",
            &NoDocuments,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn compliant_settings_need_no_patch() {
        let p = policy("");
        let ok = TrailSettings {
            multi_region: Some(true),
            log_file_validation: Some(true),
            include_global_service_events: Some(true),
            ..TrailSettings::default()
        };
        assert_eq!(settings_patch(&p, None, &ok), Ok(None));
    }

    #[test]
    fn single_region_trail_gets_multi_region_and_global_events_back() {
        let p = policy("[trail]\ninclude_global_service_events = false\n");
        let weak = TrailSettings {
            multi_region: Some(false),
            include_global_service_events: Some(false),
            log_file_validation: Some(true),
            ..TrailSettings::default()
        };
        let patch = settings_patch(&p, None, &weak).ok().flatten();
        assert_eq!(
            patch
                .as_ref()
                .map(|p| (p.multi_region, p.include_global_service_events)),
            Some((Some(true), Some(true))),
            "a multi-region trail needs global events even when the baseline does not ask for them"
        );
        assert_eq!(
            patch.map(|p| p.describe()),
            Some("multi-region logging is off".to_string())
        );
    }

    #[test]
    fn a_fix_that_needs_a_declaration_is_refused_without_one() {
        let p = policy("[trail]\nallowed_buckets = [\"org-logs\"]\n");
        let elsewhere = TrailSettings {
            s3_bucket: Some("attacker-bucket".into()),
            ..TrailSettings::default()
        };
        assert_eq!(
            settings_patch(&p, None, &elsewhere),
            Err(NotDeclared {
                what: "allowed bucket"
            })
        );
    }

    #[test]
    fn restoring_updates_set_only_baseline_values() {
        let p = policy(
            "[[trail.trails]]\nname = \"org-trail\"\ns3_bucket = \"org-logs\"\nis_organization_trail = true\n",
        );
        let decl = p.trail.trails.first();
        let restoring = |v: serde_json::Value| is_restoring_update(&p, decl, &v);
        assert!(restoring(
            serde_json::json!({"name": "org-trail", "isMultiRegionTrail": true})
        ));
        assert!(restoring(serde_json::json!({
            "name": "org-trail", "includeGlobalServiceEvents": true, "enableLogFileValidation": true,
            "s3BucketName": "org-logs", "isOrganizationTrail": true
        })));
        assert!(!restoring(
            serde_json::json!({"name": "org-trail", "isMultiRegionTrail": false})
        ));
        assert!(!restoring(
            serde_json::json!({"name": "org-trail", "s3BucketName": "attacker-logs"})
        ));
        assert!(!restoring(
            serde_json::json!({"name": "org-trail", "kmsKeyId": ""})
        ));
        assert!(
            !restoring(serde_json::json!({"name": "org-trail"})),
            "sets nothing"
        );
        assert!(!restoring(serde_json::Value::Null));
        // Without a declaration, only the baseline booleans are driftguard's to set.
        assert!(is_restoring_update(
            &p,
            None,
            &serde_json::json!({"enableLogFileValidation": true})
        ));
        assert!(!is_restoring_update(
            &p,
            None,
            &serde_json::json!({"s3BucketName": "org-logs"})
        ));
    }

    #[test]
    fn selector_restores() {
        use super::super::baseline::FieldSelector;
        assert_eq!(selector_restore(4, &[]), SelectorRestore::AppendBasic);
        assert_eq!(selector_restore(5, &[]), SelectorRestore::WidenFirstBasic);
        let mgmt = AdvancedSelector {
            field_selectors: vec![FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Management".into()],
                ..FieldSelector::default()
            }],
        };
        let data = AdvancedSelector {
            field_selectors: vec![FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Data".into()],
                ..FieldSelector::default()
            }],
        };
        assert_eq!(
            selector_restore(0, &[data.clone(), mgmt, data]),
            SelectorRestore::ReplaceAdvancedManagement { drop: vec![1] }
        );
    }
}
