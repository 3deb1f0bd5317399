//! `account-placement` and `scp-integrity`'s remediation steps. org-guard matches them
//! exhaustively; every step runs from the management account.

use super::policy::ParentRef;
use crate::ids::{AccountId, PolicyId, RootId};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OrgAction {
    /// MoveAccount back to where the policy says it belongs (from its current parent).
    MoveAccount { account: AccountId, to: ParentRef },
    /// AttachPolicy of a guardrail SCP to a declared target: an id (`ou-…`, `r-…`, an
    /// account), or an OU path the core could not resolve offline.
    AttachPolicy { policy_id: PolicyId, target: String },
    /// UpdatePolicy back to the baseline document.
    RestorePolicyContent { policy_id: PolicyId },
    /// CreatePolicy from the baseline document, then attach it to every declared target.
    RecreatePolicy { policy_id: PolicyId, name: String },
    /// EnablePolicyType on the root.
    EnablePolicyType {
        root_id: RootId,
        policy_type: String,
    },
}

impl OrgAction {
    /// The API call this step makes when the target is not compliant.
    pub fn api(&self) -> &'static str {
        match self {
            OrgAction::MoveAccount { .. } => "organizations:MoveAccount",
            OrgAction::AttachPolicy { .. } => "organizations:AttachPolicy",
            OrgAction::RestorePolicyContent { .. } => "organizations:UpdatePolicy",
            OrgAction::RecreatePolicy { .. } => "organizations:CreatePolicy",
            OrgAction::EnablePolicyType { .. } => "organizations:EnablePolicyType",
        }
    }

    /// What every org-guard session reads (the OU tree, parents, policies, targets).
    pub const READS: [&'static str; 8] = [
        "organizations:ListRoots",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListParents",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy",
    ];

    /// The IAM actions this step writes (its session also gets [`OrgAction::READS`]).
    pub fn permissions(&self) -> &'static [&'static str] {
        match self {
            OrgAction::MoveAccount { .. } => &["organizations:MoveAccount"],
            OrgAction::AttachPolicy { .. } => &["organizations:AttachPolicy"],
            OrgAction::RestorePolicyContent { .. } => &["organizations:UpdatePolicy"],
            OrgAction::RecreatePolicy { .. } => &[
                "organizations:CreatePolicy",
                "organizations:UpdatePolicy",
                "organizations:AttachPolicy",
            ],
            OrgAction::EnablePolicyType { .. } => &["organizations:EnablePolicyType"],
        }
    }

    pub fn target(&self) -> String {
        match self {
            OrgAction::MoveAccount { account, to } => format!("account {account} to {to}"),
            OrgAction::AttachPolicy { policy_id, target } => {
                format!("policy {policy_id} to {target}")
            }
            OrgAction::RestorePolicyContent { policy_id } => {
                format!("policy {policy_id} (baseline content)")
            }
            OrgAction::RecreatePolicy { policy_id, name } => {
                format!("policy {name} (was {policy_id})")
            }
            OrgAction::EnablePolicyType {
                root_id,
                policy_type,
            } => format!("{policy_type} on {root_id}"),
        }
    }
}
