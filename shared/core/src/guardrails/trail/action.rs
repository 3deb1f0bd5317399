//! `trail-tampering`'s remediation steps. trail-guard matches them exhaustively.

use crate::ids::{AccountId, Region};
use serde::Serialize;
use std::fmt;

/// A trail as an action names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailRef {
    /// Bare name.
    pub name: String,
    pub account: AccountId,
    pub region: Region,
}

impl fmt::Display for TrailRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trail {} in {}/{}", self.name, self.account, self.region)
    }
}

/// A trail remediation step. The executor reads the current state first and skips a step
/// whose target is already compliant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TrailAction {
    /// Recreate a deleted trail from its declaration (CreateTrail), then continue with the
    /// other steps.
    RecreateTrail { trail: TrailRef },
    /// UpdateTrail back to the baseline.
    RestoreTrailSettings { trail: TrailRef },
    /// PutEventSelectors so that all management events are logged (data selectors kept).
    RestoreEventSelectors { trail: TrailRef },
    /// StartLogging.
    StartLogging { trail: TrailRef },
}

impl TrailAction {
    /// The API call this step makes when the target is not compliant.
    pub fn api(&self) -> &'static str {
        match self {
            TrailAction::RecreateTrail { .. } => "cloudtrail:CreateTrail",
            TrailAction::RestoreTrailSettings { .. } => "cloudtrail:UpdateTrail",
            TrailAction::RestoreEventSelectors { .. } => "cloudtrail:PutEventSelectors",
            TrailAction::StartLogging { .. } => "cloudtrail:StartLogging",
        }
    }

    pub fn trail(&self) -> &TrailRef {
        match self {
            TrailAction::RecreateTrail { trail }
            | TrailAction::RestoreTrailSettings { trail }
            | TrailAction::RestoreEventSelectors { trail }
            | TrailAction::StartLogging { trail } => trail,
        }
    }

    pub fn target(&self) -> String {
        self.trail().to_string()
    }

    /// The IAM actions this step's session needs: what it reads first and what it writes
    /// (the remediation session is limited to them, see `driftguard_aws::sessions`).
    pub fn permissions(&self) -> &'static [&'static str] {
        match self {
            TrailAction::RecreateTrail { .. } => &["cloudtrail:GetTrail", "cloudtrail:CreateTrail"],
            TrailAction::RestoreTrailSettings { .. } => {
                &["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"]
            }
            TrailAction::RestoreEventSelectors { .. } => &[
                "cloudtrail:GetEventSelectors",
                "cloudtrail:PutEventSelectors",
            ],
            TrailAction::StartLogging { .. } => {
                &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"]
            }
        }
    }

    /// The trail's ARN in `partition`: the only resource a trail step's session may touch.
    pub fn resource(&self, partition: &str) -> String {
        let t = self.trail();
        format!(
            "arn:{partition}:cloudtrail:{}:{}:trail/{}",
            t.region, t.account, t.name
        )
    }
}
