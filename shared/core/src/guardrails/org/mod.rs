//! `account-placement` and `scp-integrity`: one unit (both act on the organization from its
//! management account). Detection ([`detect`]), the `[organization]`, `[placement]` and
//! `[[scps]]` sections ([`policy`]) and the steps org-guard runs ([`action`]).

pub mod action;
pub mod detect;
pub mod policy;

pub use action::OrgAction;
pub use detect::EVENT_SOURCE;
pub(crate) use detect::judge;
