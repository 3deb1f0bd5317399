//! Organizations look-ups for people: an account's name and OU path, shown in alerts.
//!
//! Read-only calls (`DescribeAccount`, `ListParents`, `DescribeOrganizationalUnit`) that the
//! management account and any delegated administrator (the Audit account, as GuardDuty's
//! administrator) may make. Best effort: a failed look-up is left out of the alert, never
//! fails an invocation.

use crate::notify::Facts;
use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::ParentType;
use driftguard_core::Decision;

/// The alert facts of the decision's account: its name and OU path.
#[derive(Debug, Clone)]
pub struct AccountFacts(pub Client);

impl Facts for AccountFacts {
    async fn facts(&self, decision: &Decision) -> Vec<(String, String)> {
        match &decision.subject.account {
            Some(account) => account_context(&self.0, account).await,
            None => Vec::new(),
        }
    }
}

/// Organizations allows five levels of OUs under the root.
const MAX_DEPTH: usize = 6;

/// `("account name", ...)`, `("account email", ...)` and `("OU path", "Workloads/Production
/// (ou-...)")` for an account, as far as they can be read.
pub async fn account_context(org: &Client, account: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match org.describe_account().account_id(account).send().await {
        Ok(a) => {
            if let Some(name) = a.account.and_then(|a| a.name) {
                out.push(("account name".into(), name));
            }
        }
        Err(e) => tracing::warn!(
            account,
            error = %aws_sdk_organizations::error::DisplayErrorContext(&e),
            "organizations:DescribeAccount failed; the alert goes out without the account name"
        ),
    }
    if let Some(path) = ou_path(org, account).await {
        out.push(("OU path".into(), path));
    }
    out
}

/// The account's email address (GuardDuty's CreateMembers needs it).
pub async fn account_email(org: &Client, account: &str) -> Result<String, String> {
    let a = org
        .describe_account()
        .account_id(account)
        .send()
        .await
        .map_err(|e| {
            format!(
                "organizations:DescribeAccount {account}: {}",
                aws_sdk_organizations::error::DisplayErrorContext(&e)
            )
        })?;
    a.account
        .and_then(|a| a.email)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| format!("organizations:DescribeAccount {account}: no email in the answer"))
}

/// `Workloads/Production (ou-...)`, `Root (r-...)` for an account directly under the root.
pub async fn ou_path(org: &Client, account: &str) -> Option<String> {
    let mut names = Vec::new();
    let mut child = account.to_string();
    let mut first_parent: Option<String> = None;
    for _ in 0..MAX_DEPTH {
        let parents = org.list_parents().child_id(&child).send().await.ok()?;
        let parent = parents.parents.unwrap_or_default().into_iter().next()?;
        let id = parent.id?;
        if first_parent.is_none() {
            first_parent = Some(id.clone());
        }
        if parent.r#type == Some(ParentType::Root) {
            let shown = first_parent.unwrap_or_else(|| id.clone());
            return Some(if names.is_empty() {
                format!("Root ({shown})")
            } else {
                names.reverse();
                format!("{} ({shown})", names.join("/"))
            });
        }
        let ou = org
            .describe_organizational_unit()
            .organizational_unit_id(&id)
            .send()
            .await
            .ok()?;
        names.push(
            ou.organizational_unit
                .and_then(|o| o.name)
                .unwrap_or_else(|| id.clone()),
        );
        child = id;
    }
    None
}
