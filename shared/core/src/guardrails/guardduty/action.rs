//! `guardduty-tampering`'s remediation steps. guardduty-guard matches them exhaustively.

use super::policy::AutoEnable;
use crate::ids::{AccountId, Region};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum GuardDutyAction {
    /// CreateDetector (enabled) where none exists; UpdateDetector `enable=true` where one is
    /// disabled.
    CreateDetector { account: AccountId, region: Region },
    /// UpdateDetector `enable=true` on a detector that was disabled.
    EnableDetector {
        account: AccountId,
        region: Region,
        detector_id: String,
    },
    /// From the GuardDuty administrator: CreateMembers for an organization account that is
    /// no longer an enabled member.
    CreateMember {
        administrator: AccountId,
        account: AccountId,
        region: Region,
    },
    /// From the GuardDuty administrator: UpdateOrganizationConfiguration back to the
    /// auto-enable setting the policy declares.
    RestoreAutoEnable {
        administrator: AccountId,
        region: Region,
        setting: AutoEnable,
    },
}

impl GuardDutyAction {
    /// The API call this step makes when the target is not compliant.
    pub fn api(&self) -> &'static str {
        match self {
            GuardDutyAction::CreateDetector { .. } => "guardduty:CreateDetector",
            GuardDutyAction::EnableDetector { .. } => "guardduty:UpdateDetector",
            GuardDutyAction::CreateMember { .. } => "guardduty:CreateMembers",
            GuardDutyAction::RestoreAutoEnable { .. } => {
                "guardduty:UpdateOrganizationConfiguration"
            }
        }
    }

    /// The IAM actions this step's session needs (reads first, then the write).
    pub fn permissions(&self) -> &'static [&'static str] {
        match self {
            GuardDutyAction::CreateDetector { .. } | GuardDutyAction::EnableDetector { .. } => &[
                "guardduty:ListDetectors",
                "guardduty:GetDetector",
                "guardduty:CreateDetector",
                "guardduty:UpdateDetector",
            ],
            GuardDutyAction::CreateMember { .. } => &[
                "guardduty:ListDetectors",
                "guardduty:GetMembers",
                "guardduty:CreateMembers",
            ],
            GuardDutyAction::RestoreAutoEnable { .. } => &[
                "guardduty:ListDetectors",
                "guardduty:DescribeOrganizationConfiguration",
                "guardduty:UpdateOrganizationConfiguration",
            ],
        }
    }

    pub fn target(&self) -> String {
        match self {
            GuardDutyAction::CreateDetector { account, region } => {
                format!("detector in {account}/{region}")
            }
            GuardDutyAction::EnableDetector {
                account,
                region,
                detector_id,
            } => format!("detector {detector_id} in {account}/{region}"),
            GuardDutyAction::CreateMember {
                administrator,
                account,
                region,
            } => format!("member {account} of administrator {administrator} in {region}"),
            GuardDutyAction::RestoreAutoEnable {
                administrator,
                region,
                setting,
            } => format!(
                "auto-enable {} for administrator {administrator} in {region}",
                setting.as_str()
            ),
        }
    }
}
