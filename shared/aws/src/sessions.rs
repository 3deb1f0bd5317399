//! Cross-account sessions: assume the remediation role in an account, with a session name
//! that names the function and the event.

use crate::config::in_region;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use driftguard_core::decide::SESSION_PREFIX;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// The session name for a remediation: `driftguard-<function>-<event id>`, limited to the
/// 64 characters and the `[\w+=,.@-]` alphabet STS accepts.
pub fn session_name(function: &str, event_id: Option<&str>) -> String {
    let raw = format!(
        "{SESSION_PREFIX}{function}-{}",
        event_id.unwrap_or("no-event-id")
    );
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect()
}

/// The inline session policy passed with `AssumeRole`: the session may do only what the
/// plan being executed needs (an intersection with the role's own permissions), so a bug or a
/// forged plan cannot use the role's other permissions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionPolicy(String);

impl SessionPolicy {
    /// Allow `actions` on `resources`, statement by statement.
    pub fn allow(statements: &[(Vec<&str>, Vec<String>)]) -> SessionPolicy {
        let statements: Vec<serde_json::Value> = statements
            .iter()
            .filter(|(actions, _)| !actions.is_empty())
            .map(|(actions, resources)| {
                let mut actions = actions.clone();
                actions.sort_unstable();
                actions.dedup();
                serde_json::json!({"Effect": "Allow", "Action": actions, "Resource": resources})
            })
            .collect();
        SessionPolicy(
            serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string(),
        )
    }

    /// Allow `actions` on every resource (for APIs without resource-level permissions, or
    /// where the role's own policy scopes the resources).
    pub fn allow_all(actions: &[&str]) -> SessionPolicy {
        SessionPolicy::allow(&[(actions.to_vec(), vec!["*".to_string()])])
    }

    pub fn as_json(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot assume {role_arn} (session {session}): {reason}. Check the remediation role exists in account {account} (the member StackSet creates it) and trusts this function's role"
)]
pub struct AssumeRoleError {
    pub role_arn: String,
    pub account: String,
    pub session: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Cached {
    config: SdkConfig,
    expires: SystemTime,
}

/// Cross-account sessions into `arn:<partition>:iam::<account>:role/<remediation role>`,
/// cached across warm invocations per (account, session name): a duplicate delivery or a
/// Lambda retry of the same event reuses the session; a new event gets a new session whose
/// name names it (CloudTrail then shows which event each remediation write answered).
#[derive(Debug)]
pub struct RoleSessions {
    base: SdkConfig,
    sts: aws_sdk_sts::Client,
    role_name: String,
    partition: String,
    function: String,
    cache: Mutex<HashMap<(String, String, SessionPolicy), Cached>>,
}

const CACHE_MAX: usize = 64;
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl RoleSessions {
    pub fn new(
        base: &SdkConfig,
        sts: aws_sdk_sts::Client,
        role_name: &str,
        function: &str,
    ) -> RoleSessions {
        RoleSessions {
            base: base.clone(),
            sts,
            role_name: role_name.to_string(),
            partition: "aws".into(),
            function: function.to_string(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn role_arn(&self, account: &str) -> String {
        format!(
            "arn:{}:iam::{}:role/{}",
            self.partition, account, self.role_name
        )
    }

    /// The partition of the role ARNs (`aws`).
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// SDK configuration acting as the remediation role in `account`, in `region`, limited to
    /// `policy` (sessions are cached per account, session name and policy).
    pub async fn config_for(
        &self,
        account: &str,
        region: &str,
        event_id: Option<&str>,
        policy: &SessionPolicy,
    ) -> Result<SdkConfig, AssumeRoleError> {
        let session = session_name(&self.function, event_id);
        let key = (account.to_string(), session.clone(), policy.clone());
        let now = SystemTime::now();
        {
            let cache = self.cache.lock().await;
            if let Some(c) = cache.get(&key)
                && c.expires > now + REFRESH_MARGIN
            {
                return Ok(in_region(&c.config, region));
            }
        }
        let role_arn = self.role_arn(account);
        let err = |reason: String| AssumeRoleError {
            role_arn: role_arn.clone(),
            account: account.to_string(),
            session: session.clone(),
            reason,
        };
        let out = self
            .sts
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name(&session)
            .policy(policy.as_json())
            .duration_seconds(900)
            .send()
            .await
            .map_err(|e| err(aws_sdk_sts::error::DisplayErrorContext(&e).to_string()))?;
        let creds = out
            .credentials
            .ok_or_else(|| err("STS returned no credentials".into()))?;
        let expires =
            SystemTime::try_from(creds.expiration).unwrap_or(now + Duration::from_secs(900));
        let provider = Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            Some(creds.session_token),
            Some(expires),
            "driftguard-assume-role",
        );
        let config = self
            .base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        let mut cache = self.cache.lock().await;
        cache.retain(|_, c| c.expires > now + REFRESH_MARGIN);
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(
            key,
            Cached {
                config: config.clone(),
                expires,
            },
        );
        Ok(in_region(&config, region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_policies_allow_only_what_they_name() {
        let p = SessionPolicy::allow(&[(
            vec![
                "cloudtrail:StartLogging",
                "cloudtrail:GetTrailStatus",
                "cloudtrail:StartLogging",
            ],
            vec!["arn:aws:cloudtrail:eu-west-1:111111111111:trail/org".into()],
        )]);
        let v: serde_json::Value = serde_json::from_str(p.as_json()).unwrap_or_default();
        assert_eq!(
            v["Statement"][0]["Action"],
            serde_json::json!(["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"])
        );
        assert_eq!(v["Statement"][0]["Effect"], "Allow");
        assert_eq!(
            v["Statement"][0]["Resource"],
            serde_json::json!(["arn:aws:cloudtrail:eu-west-1:111111111111:trail/org"])
        );
        assert!(
            p.as_json().len() < 2048,
            "STS packs session policies into 2048 bytes"
        );
    }

    #[test]
    fn session_names_fit_sts_rules() {
        assert_eq!(
            session_name("trail-guard", Some("3c6e0b56-7a52-4c4b-9d33-2bd0c0d2f4a1")),
            "driftguard-trail-guard-3c6e0b56-7a52-4c4b-9d33-2bd0c0d2f4a1"
        );
        let long = session_name("guardduty-guard", Some(&"x/y".repeat(40)));
        assert_eq!(long.len(), 64);
        assert!(long.starts_with("driftguard-guardduty-guard-x-y"));
        assert_eq!(session_name("f", None), "driftguard-f-no-event-id");
    }
}
