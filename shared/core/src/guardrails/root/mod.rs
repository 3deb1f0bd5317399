//! `root-activity`: one unit. Detection ([`detect`]) and its policy section ([`policy`]).
//! Root use has no automatic remediation, so the family has no actions.

pub mod detect;
pub mod policy;

pub(crate) use detect::judge;
