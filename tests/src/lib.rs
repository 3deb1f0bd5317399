//! Test harness shared by the integration tests and the local demo: a moto server on a free
//! loopback port, a small organization in it, a trail, an alert topic with an SQS queue
//! subscribed (to read the exact alert), CloudTrail event builders, and a minimal Lambda
//! Runtime API to drive the real function binaries.
//!
//! Only loopback traffic: every client is built with an explicit endpoint, dummy credentials
//! and a region through `driftguard_aws::config::load_sdk_config`.

pub mod runtime_api;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use driftguard_aws::config::{SdkOverrides, load_sdk_config};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REGION: &str = "us-east-1";
/// moto's default account: the caller of the dummy credentials, and our management account.
pub const MANAGEMENT_ACCOUNT: &str = "123456789012";
pub const MEMBER_TRAIL: &str = "account-trail";
pub const ATTACKER_ROLE: &str = "Admin";

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A moto server on a free loopback port, stopped when dropped.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    /// Start `moto_server` (or `python3 -m moto.server`) and wait until it accepts connections.
    pub fn start() -> Result<Moto, BoxError> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let spawn = |program: &str, pre: &[&str]| {
            Command::new(program)
                .args(pre)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_DEFAULT_REGION", REGION)
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        };
        let child = spawn("moto_server", &[])
            .or_else(|_| spawn("python3", &["-m", "moto.server"]))
            .map_err(|e| {
                format!(
                    "cannot start moto server ({e}): install it with `pip install 'moto[server]'`"
                )
            })?;
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(moto);
            }
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!("moto server exited early with {status}").into());
            }
            if Instant::now() > deadline {
                return Err("moto server did not start within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SDK config acting as moto's default account with dummy credentials.
    pub async fn config(&self) -> SdkConfig {
        load_sdk_config(&SdkOverrides {
            endpoint_url: Some(self.endpoint.clone()),
            region: Some(REGION.into()),
            credentials: Some(Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "driftguard-tests",
            )),
        })
        .await
    }

    /// SDK config acting in `account` through `role` (moto issues credentials for it).
    pub async fn assume(
        &self,
        from: &SdkConfig,
        account: &str,
        role: &str,
        session: &str,
    ) -> Result<SdkConfig, BoxError> {
        let sts = aws_sdk_sts::Client::new(from);
        let out = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/{role}"))
            .role_session_name(session)
            .send()
            .await?;
        let c = out.credentials.ok_or("no credentials from moto STS")?;
        Ok(load_sdk_config(&SdkOverrides {
            endpoint_url: Some(self.endpoint.clone()),
            region: Some(REGION.into()),
            credentials: Some(Credentials::new(
                c.access_key_id,
                c.secret_access_key,
                Some(c.session_token),
                None,
                "driftguard-tests",
            )),
        })
        .await)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An organization in moto: management (moto's default account), Audit and one workload
/// member with a compliant, logging trail; the alert topic in Audit with a queue subscribed.
#[derive(Debug)]
pub struct World {
    pub moto: Moto,
    pub management: SdkConfig,
    pub audit_account: String,
    pub audit: SdkConfig,
    pub member_account: String,
    pub member: SdkConfig,
    pub topic_arn: String,
    pub queue_url: String,
    pub trail_bucket: String,
}

impl World {
    pub async fn start() -> Result<World, BoxError> {
        let moto = Moto::start()?;
        let management = moto.config().await;
        let orgs = aws_sdk_organizations::Client::new(&management);
        orgs.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await?;
        let mut ids = Vec::new();
        for name in ["Audit", "Workload"] {
            let out = orgs
                .create_account()
                .account_name(name)
                .email(format!("{}@example.com", name.to_lowercase()))
                .send()
                .await?;
            ids.push(
                out.create_account_status
                    .and_then(|s| s.account_id)
                    .ok_or("moto returned no account id")?,
            );
        }
        let [audit_account, member_account] =
            <[String; 2]>::try_from(ids).map_err(|_| "expected two accounts")?;
        let audit = moto
            .assume(
                &management,
                &audit_account,
                "OrganizationAccountAccessRole",
                "setup",
            )
            .await?;
        let member = moto
            .assume(
                &management,
                &member_account,
                "OrganizationAccountAccessRole",
                "setup",
            )
            .await?;

        // Alert topic and a queue that reads what subscribers receive.
        let sns = aws_sdk_sns::Client::new(&audit);
        let topic_arn = sns
            .create_topic()
            .name("driftguard-alerts")
            .send()
            .await?
            .topic_arn
            .ok_or("no topic arn")?;
        let sqs = aws_sdk_sqs::Client::new(&audit);
        let queue_url = sqs
            .create_queue()
            .queue_name("alerts")
            .send()
            .await?
            .queue_url
            .ok_or("no queue url")?;
        let queue_arn = format!("arn:aws:sqs:{REGION}:{audit_account}:alerts");
        sns.subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(queue_arn)
            .send()
            .await?;

        // The member's trail, compliant and logging.
        let trail_bucket = format!("trail-logs-{member_account}");
        aws_sdk_s3::Client::new(&member)
            .create_bucket()
            .bucket(&trail_bucket)
            .send()
            .await?;
        let world = World {
            moto,
            management,
            audit_account,
            audit,
            member_account,
            member,
            topic_arn,
            queue_url,
            trail_bucket,
        };
        world.create_member_trail().await?;
        Ok(world)
    }

    pub fn cloudtrail(&self) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(&self.member)
    }

    pub async fn create_member_trail(&self) -> Result<(), BoxError> {
        let ct = self.cloudtrail();
        ct.create_trail()
            .name(MEMBER_TRAIL)
            .s3_bucket_name(&self.trail_bucket)
            .is_multi_region_trail(true)
            .include_global_service_events(true)
            .enable_log_file_validation(true)
            .send()
            .await?;
        ct.start_logging().name(MEMBER_TRAIL).send().await?;
        Ok(())
    }

    /// The policy the tests run under: the member trail declared, trail-tampering in `mode`,
    /// plus any extra TOML.
    pub fn policy_toml(&self, mode: &str, extra: &str) -> String {
        format!(
            r#"
management_account = "{MANAGEMENT_ACCOUNT}"
audit_account = "{audit}"
regions = ["{REGION}"]

[guardrails.trail-tampering]
mode = "{mode}"

[trail]
allowed_buckets = ["{bucket}"]

[[trail.trails]]
name = "{MEMBER_TRAIL}"
account = "{member}"
region = "{REGION}"
s3_bucket = "{bucket}"
{extra}
"#,
            audit = self.audit_account,
            member = self.member_account,
            bucket = self.trail_bucket,
        )
    }

    pub fn policy(
        &self,
        mode: &str,
        extra: &str,
    ) -> Result<std::sync::Arc<driftguard_core::Policy>, BoxError> {
        Ok(std::sync::Arc::new(driftguard_core::Policy::parse(
            &self.policy_toml(mode, extra),
            "test-policy.toml",
            &driftguard_core::NoDocuments,
        )?))
    }

    /// trail-guard's pipeline as the Lambda builds it, acting from the Audit account.
    pub fn trail_guard(
        &self,
        mode: &str,
        extra: &str,
    ) -> Result<trail_guard::TrailPipeline, BoxError> {
        Ok(trail_guard::pipeline(
            self.policy(mode, extra)?,
            &self.topic_arn,
            trail_guard::Wiring::live(&self.audit),
        ))
    }

    /// Every alert delivered to the subscribed queue so far (waits up to `wait` for the first).
    pub async fn alerts(&self, wait: Duration) -> Result<Vec<Alert>, BoxError> {
        let sqs = aws_sdk_sqs::Client::new(&self.audit);
        let deadline = Instant::now() + wait;
        let mut out = Vec::new();
        loop {
            let got = sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await?;
            let msgs = got.messages.unwrap_or_default();
            let empty = msgs.is_empty();
            for m in msgs {
                out.push(Alert::from_sqs_body(m.body.as_deref().unwrap_or(""))?);
                if let Some(h) = m.receipt_handle {
                    sqs.delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(h)
                        .send()
                        .await?;
                }
            }
            if (empty && !out.is_empty()) || Instant::now() > deadline {
                return Ok(out);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Exactly one alert (fails otherwise).
    pub async fn one_alert(&self) -> Result<Alert, BoxError> {
        let mut alerts = self.alerts(Duration::from_secs(5)).await?;
        if alerts.len() != 1 {
            return Err(format!(
                "expected exactly one alert, got {}: {alerts:#?}",
                alerts.len()
            )
            .into());
        }
        alerts.pop().ok_or_else(|| "no alert".into())
    }

    /// Start a function binary against `api`, acting from the Audit account, with the policy
    /// written to a temporary file. Its stdout (the JSON log lines) is piped.
    pub async fn spawn_function(
        &self,
        name: &str,
        api: &runtime_api::RuntimeApi,
        policy_toml: &str,
    ) -> Result<tokio::process::Child, BoxError> {
        self.spawn_function_with(name, api, policy_toml, &[]).await
    }

    /// [`World::spawn_function`] with extra environment variables.
    pub async fn spawn_function_with(
        &self,
        name: &str,
        api: &runtime_api::RuntimeApi,
        policy_toml: &str,
        env: &[(&str, &str)],
    ) -> Result<tokio::process::Child, BoxError> {
        let dir = std::env::temp_dir().join(format!(
            "driftguard-{name}-{}-{}",
            std::process::id(),
            self.audit_account
        ));
        std::fs::create_dir_all(&dir)?;
        let policy_path = dir.join("policy.toml");
        std::fs::write(&policy_path, policy_toml)?;
        let creds = aws_sdk_sts::Client::new(&self.management)
            .assume_role()
            .role_arn(format!(
                "arn:aws:iam::{}:role/OrganizationAccountAccessRole",
                self.audit_account
            ))
            .role_session_name("lambda")
            .send()
            .await?
            .credentials
            .ok_or("no credentials")?;
        Ok(tokio::process::Command::new(binary(name)?)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", &api.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", &creds.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &creds.secret_access_key)
            .env("AWS_SESSION_TOKEN", &creds.session_token)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", &self.moto.endpoint)
            .env("DRIFTGUARD_TOPIC_ARN", &self.topic_arn)
            .env("DRIFTGUARD_POLICY", &policy_path)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?)
    }

    pub async fn trail_status(&self) -> Result<bool, BoxError> {
        Ok(self
            .cloudtrail()
            .get_trail_status()
            .name(MEMBER_TRAIL)
            .send()
            .await?
            .is_logging
            == Some(true))
    }

    pub async fn trail(&self) -> Result<Option<aws_sdk_cloudtrail::types::Trail>, BoxError> {
        match self
            .cloudtrail()
            .get_trail()
            .name(MEMBER_TRAIL)
            .send()
            .await
        {
            Ok(o) => Ok(o.trail),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_trail_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The OU tree the org tests build: Security, Workloads/{Production,Development}, Sandbox,
/// Quarantine; Audit in Security, the workload account in Workloads/Production; a guardrail
/// SCP attached to the root and to Production.
#[derive(Debug, Clone)]
pub struct Org {
    pub root_id: String,
    pub security: String,
    pub production: String,
    pub development: String,
    pub sandbox: String,
    pub quarantine: String,
    pub scp_id: String,
    pub scp_document: PathBuf,
}

pub const SCP_NAME: &str = "driftguard-protect-trails";
pub const SCP_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ProtectCloudTrail","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*"}]}"#;

impl World {
    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::new(&self.management)
    }

    pub async fn build_org(&self) -> Result<Org, BoxError> {
        let orgs = self.organizations();
        let root_id = orgs
            .list_roots()
            .send()
            .await?
            .roots
            .unwrap_or_default()
            .into_iter()
            .find_map(|r| r.id)
            .ok_or("no root")?;
        let ou = |parent: String, name: &'static str| {
            let orgs = orgs.clone();
            async move {
                orgs.create_organizational_unit()
                    .parent_id(parent)
                    .name(name)
                    .send()
                    .await?
                    .organizational_unit
                    .and_then(|o| o.id)
                    .ok_or_else(|| BoxError::from("no OU id"))
            }
        };
        // moto starts with no policy type enabled; a real organization using SCPs has this one.
        orgs.enable_policy_type()
            .root_id(&root_id)
            .policy_type(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
            .send()
            .await?;
        let security = ou(root_id.clone(), "Security").await?;
        let workloads = ou(root_id.clone(), "Workloads").await?;
        let production = ou(workloads.clone(), "Production").await?;
        let development = ou(workloads, "Development").await?;
        let sandbox = ou(root_id.clone(), "Sandbox").await?;
        let quarantine = ou(root_id.clone(), "Quarantine").await?;
        for (account, dest) in [
            (&self.audit_account, &security),
            (&self.member_account, &production),
        ] {
            orgs.move_account()
                .account_id(account)
                .source_parent_id(&root_id)
                .destination_parent_id(dest)
                .send()
                .await?;
        }
        let scp_id = orgs
            .create_policy()
            .name(SCP_NAME)
            .description("protect CloudTrail")
            .content(SCP_DOCUMENT)
            .r#type(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
            .send()
            .await?
            .policy
            .and_then(|p| p.policy_summary)
            .and_then(|s| s.id)
            .ok_or("no policy id")?;
        for target in [&root_id, &production] {
            orgs.attach_policy()
                .policy_id(&scp_id)
                .target_id(target)
                .send()
                .await?;
        }
        let scp_document = std::env::temp_dir().join(format!(
            "driftguard-scp-{}-{}.json",
            std::process::id(),
            self.audit_account
        ));
        std::fs::write(&scp_document, SCP_DOCUMENT)?;
        Ok(Org {
            root_id,
            security,
            production,
            development,
            sandbox,
            quarantine,
            scp_id,
            scp_document,
        })
    }

    /// The policy for org-guard: placement by OU path, quarantine, the guardrail SCP.
    pub fn org_policy_toml(&self, org: &Org, mode: &str) -> String {
        format!(
            r#"
management_account = "{MANAGEMENT_ACCOUNT}"
audit_account = "{audit}"

[guardrails.account-placement]
mode = "{mode}"

[guardrails.scp-integrity]
mode = "{mode}"

[placement]
quarantine = "Quarantine"

[placement.accounts]
"{audit}" = "Security"
"{member}" = "Workloads/Production"

[[scps]]
id = "{scp}"
name = "{SCP_NAME}"
document = "{doc}"
targets = ["{root}", "Workloads/Production"]
"#,
            audit = self.audit_account,
            member = self.member_account,
            scp = org.scp_id,
            doc = org.scp_document.display(),
            root = org.root_id,
        )
    }

    /// org-guard's pipeline as the Lambda builds it, acting from the Audit account.
    pub async fn org_guard(
        &self,
        org: &Org,
        mode: &str,
    ) -> Result<org_guard::OrgPipeline, BoxError> {
        let policy = driftguard_core::Policy::parse(
            &self.org_policy_toml(org, mode),
            "org-policy.toml",
            // The SCP document is named by its absolute path.
            &driftguard_files::DirDocuments(PathBuf::from(".")),
        )?;
        Ok(org_guard::pipeline(
            policy,
            &self.topic_arn,
            org_guard::Wiring::live(&self.audit),
        )
        .await)
    }

    pub async fn parent_of(&self, account: &str) -> Result<String, BoxError> {
        Ok(self
            .organizations()
            .list_parents()
            .child_id(account)
            .send()
            .await?
            .parents
            .unwrap_or_default()
            .into_iter()
            .find_map(|p| p.id)
            .ok_or("no parent")?)
    }
}

impl World {
    /// The policy for guardduty-guard and root-guard: the Audit account is the GuardDuty
    /// administrator; plus any extra TOML (e.g. `auto_enable`).
    pub fn guardduty_policy_toml(&self, mode: &str, guardduty_extra: &str) -> String {
        format!(
            r#"
management_account = "{MANAGEMENT_ACCOUNT}"
audit_account = "{audit}"
regions = ["{REGION}"]

[guardrails.guardduty-tampering]
mode = "{mode}"

[guardrails.guardduty-finding]
mode = "{mode}"

[guardduty]
administrator = "{audit}"
{guardduty_extra}
"#,
            audit = self.audit_account,
        )
    }

    /// guardduty-guard's pipeline as the Lambda builds it, acting from the Audit account:
    /// detectors through the remediation role in moto; the administrator's member and
    /// organization-configuration calls through `admin` (moto lacks them: tests pass an
    /// aws-smithy-mocks client); the finding ledger in `findings_table` (moto DynamoDB).
    /// Organizations is read with the management account's credentials, standing in for the
    /// Audit account's delegated-administrator read access (moto keeps the organization in
    /// the management account only).
    pub fn guardduty_guard(
        &self,
        policy_toml: &str,
        admin: aws_sdk_guardduty::Client,
        findings_table: Option<&str>,
    ) -> Result<guardduty_guard::GuardDutyPipeline, BoxError> {
        let policy = driftguard_core::Policy::parse(
            policy_toml,
            "guardduty-policy.toml",
            &driftguard_core::NoDocuments,
        )?;
        let mut wiring = guardduty_guard::Wiring::live(&self.audit, findings_table);
        wiring.organizations = self.organizations();
        wiring.make_admin_client = Box::new(move |_| admin.clone());
        Ok(guardduty_guard::pipeline(
            std::sync::Arc::new(policy),
            &self.topic_arn,
            wiring,
        ))
    }

    /// root-guard's pipeline, reading Organizations as [`World::guardduty_guard`] does.
    pub fn root_guard(&self, policy_toml: &str) -> Result<root_guard::RootPipeline, BoxError> {
        let policy = driftguard_core::Policy::parse(
            policy_toml,
            "root-policy.toml",
            &driftguard_core::NoDocuments,
        )?;
        let mut wiring = root_guard::Wiring::live(&self.audit);
        wiring.organizations = self.organizations();
        Ok(root_guard::pipeline(
            std::sync::Arc::new(policy),
            &self.topic_arn,
            wiring,
        ))
    }

    /// A GuardDuty client acting in the member account (moto).
    pub fn member_guardduty(&self) -> aws_sdk_guardduty::Client {
        aws_sdk_guardduty::Client::new(&self.member)
    }

    /// The finding ledger table, as the audit module creates it (in the Audit account).
    pub async fn create_findings_table(&self, name: &str) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        };
        aws_sdk_dynamodb::Client::new(&self.audit)
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }
}

/// A GuardDuty finding as EventBridge delivers it on the administrator's bus.
pub fn finding_event(
    admin: &str,
    member: &str,
    id: &str,
    finding_type: &str,
    severity: impl Into<Value>,
    count: u64,
) -> Value {
    let severity: Value = severity.into();
    json!({
        "version": "0",
        "id": format!("c8d2e7f1-0000-4000-8000-{:012}", count),
        "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty",
        "account": admin,
        "time": "2026-11-23T10:05:00Z",
        "region": REGION,
        "resources": [],
        "detail": {
            "schemaVersion": "2.0",
            "accountId": member,
            "region": REGION,
            "partition": "aws",
            "id": id,
            "arn": format!("arn:aws:guardduty:{REGION}:{member}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/{id}"),
            "type": finding_type,
            "resource": {
                "resourceType": "AccessKey",
                "accessKeyDetails": {"accessKeyId": "ASIAEXAMPLE", "principalId": "AROAEXAMPLE:mallory", "userName": "Admin", "userType": "AssumedRole"}
            },
            "service": {
                "serviceName": "guardduty",
                "detectorId": "12abc34d567e8fa901bc2d34e56789f0",
                "archived": false,
                "count": count,
                "eventFirstSeen": "2026-11-23T09:58:00.000Z",
                "eventLastSeen": "2026-11-23T10:04:00.000Z",
                "resourceRole": "TARGET",
                "additionalInfo": {"value": "{}", "type": "default"}
            },
            "severity": severity,
            "createdAt": "2026-11-23T10:00:00.000Z",
            "updatedAt": "2026-11-23T10:04:30.000Z",
            "title": "API DescribeTrails was invoked from a known malicious IP address.",
            "description": "API DescribeTrails was invoked from IP address 198.51.100.66 on the custom threat list."
        }
    })
}

/// An alert as an SQS subscriber receives it (the SNS envelope, default message parsed).
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub subject: String,
    /// The `default` document.
    pub message: Value,
    pub attributes: BTreeMap<String, String>,
}

impl Alert {
    pub fn from_sqs_body(body: &str) -> Result<Alert, BoxError> {
        let env: Value = serde_json::from_str(body)?;
        let message: Value = serde_json::from_str(
            env.get("Message")
                .and_then(Value::as_str)
                .ok_or("no Message in the SNS envelope")?,
        )?;
        let attributes = env
            .get("MessageAttributes")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.get("Value")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Alert {
            subject: env
                .get("Subject")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            message,
            attributes,
        })
    }
}

/// A CloudTrail event as EventBridge delivers it.
#[derive(Debug, Clone)]
pub struct CtEvent {
    pub account: String,
    pub event_name: String,
    pub event_id: String,
    pub actor_arn: String,
    pub request_parameters: Value,
    pub response_elements: Value,
    pub error_code: Option<String>,
    pub event_source: String,
    pub detail_type: String,
    pub service_event_details: Value,
}

impl CtEvent {
    /// A successful call on the member trail by an administrator session.
    pub fn new(account: &str, event_name: &str, event_id: &str) -> CtEvent {
        CtEvent {
            account: account.to_string(),
            event_name: event_name.to_string(),
            event_id: event_id.to_string(),
            actor_arn: format!("arn:aws:sts::{account}:assumed-role/{ATTACKER_ROLE}/mallory"),
            request_parameters: json!({"name": MEMBER_TRAIL}),
            response_elements: Value::Null,
            error_code: None,
            event_source: "cloudtrail.amazonaws.com".into(),
            detail_type: "AWS API Call via CloudTrail".into(),
            service_event_details: Value::Null,
        }
    }

    /// An Organizations call (recorded in the management account, us-east-1).
    pub fn organizations(account: &str, event_name: &str, event_id: &str) -> CtEvent {
        let mut e = CtEvent::new(account, event_name, event_id);
        e.event_source = "organizations.amazonaws.com".into();
        e.request_parameters = Value::Null;
        e
    }

    /// A GuardDuty call (`guardduty.amazonaws.com`) in `account`.
    pub fn guardduty(account: &str, event_name: &str, event_id: &str, request: Value) -> CtEvent {
        let mut e = CtEvent::new(account, event_name, event_id);
        e.event_source = "guardduty.amazonaws.com".into();
        e.request_parameters = request;
        e
    }

    /// An `AWS Service Event via CloudTrail` (e.g. CreateAccountResult).
    pub fn service_event(mut self, details: Value) -> CtEvent {
        self.detail_type = "AWS Service Event via CloudTrail".into();
        self.service_event_details = details;
        self
    }

    pub fn by(mut self, actor_arn: &str) -> CtEvent {
        self.actor_arn = actor_arn.to_string();
        self
    }

    pub fn request(mut self, v: Value) -> CtEvent {
        self.request_parameters = v;
        self
    }

    pub fn response(mut self, v: Value) -> CtEvent {
        self.response_elements = v;
        self
    }

    pub fn failed(mut self, code: &str) -> CtEvent {
        self.error_code = Some(code.to_string());
        self
    }

    pub fn to_json(&self) -> Value {
        let (role, session) = self
            .actor_arn
            .rsplit_once("assumed-role/")
            .and_then(|(_, r)| r.split_once('/'))
            .unwrap_or(("", ""));
        let mut detail = json!({
            "eventVersion": "1.11",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": format!("AROAEXAMPLE:{session}"),
                "arn": self.actor_arn,
                "accountId": self.account,
                "accessKeyId": "ASIAEXAMPLE",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAEXAMPLE",
                        "arn": format!("arn:aws:iam::{}:role/{role}", self.account),
                        "accountId": self.account,
                        "userName": role
                    },
                    "attributes": {"creationDate": "2026-11-23T09:00:00Z", "mfaAuthenticated": "false"}
                }
            },
            "eventTime": "2026-11-23T10:00:00Z",
            "eventSource": self.event_source,
            "eventName": self.event_name,
            "awsRegion": REGION,
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
            "requestParameters": self.request_parameters,
            "responseElements": self.response_elements,
            "requestID": "0f3b9a4e-1111-2222-3333-444455556666",
            "eventID": self.event_id,
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": self.account,
            "eventCategory": "Management"
        });
        if self.detail_type == "AWS Service Event via CloudTrail"
            && let Some(obj) = detail.as_object_mut()
        {
            obj.insert("eventType".into(), json!("AwsServiceEvent"));
            obj.insert(
                "serviceEventDetails".into(),
                self.service_event_details.clone(),
            );
            obj.insert(
                "userIdentity".into(),
                json!({"accountId": self.account, "invokedBy": "organizations.amazonaws.com"}),
            );
            obj.remove("requestID");
        }
        if let (Some(code), Some(obj)) = (&self.error_code, detail.as_object_mut()) {
            obj.insert("errorCode".into(), json!(code));
            obj.insert("errorMessage".into(), json!(format!("{code}: denied")));
        }
        json!({
            "version": "0",
            "id": "7e0a3c55-aaaa-bbbb-cccc-ddddeeeeffff",
            "detail-type": self.detail_type,
            "source": format!("aws.{}", self.event_source.split('.').next().unwrap_or("cloudtrail")),
            "account": self.account,
            "time": "2026-11-23T10:00:00Z",
            "region": REGION,
            "resources": [],
            "detail": detail
        })
    }
}

/// Where cargo put the workspace's binaries for this profile.
pub fn binary(name: &str) -> Result<PathBuf, BoxError> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        });
    let path = target.join("debug").join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found: build it first with `cargo build --workspace --all-targets`",
            path.display()
        )
        .into())
    }
}
