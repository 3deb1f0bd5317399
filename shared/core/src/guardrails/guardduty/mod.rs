//! `guardduty-tampering` and `guardduty-finding`: one unit. Detection ([`detect`]), the
//! `[guardduty]` section ([`policy`]) and the steps guardduty-guard runs ([`action`]).

pub mod action;
pub mod detect;
pub mod policy;

pub use action::GuardDutyAction;
pub use detect::{EVENT_SOURCE, band};
pub(crate) use detect::{judge, judge_finding};
