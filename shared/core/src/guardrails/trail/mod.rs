//! `trail-tampering`: one unit. Detection ([`detect`]), its policy section ([`policy`]), its
//! steps ([`action`]), the baseline comparisons ([`baseline`]) and the pure plans of what
//! trail-guard writes ([`plan`]).

pub mod action;
pub mod baseline;
pub mod detect;
pub mod plan;
pub mod policy;

pub use action::{TrailAction, TrailRef};
pub(crate) use detect::judge;
pub use detect::{EVENT_SOURCE, parse_trail_id};
