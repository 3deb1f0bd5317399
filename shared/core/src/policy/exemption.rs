//! Exemptions: which identity of a caller they name, how a principal pattern matches it
//! (IAM's `ArnLike`), and which patterns are refused at load because they would exempt a
//! whole service, resource type or the caller's own choice of name.
//!
//! - **Matching** ([`arn_like`]): component by component, as IAM's `ArnLike` does; `*` and
//!   `?` never cross from one colon-delimited component into another.
//! - **Identity** ([`exemption_identity`]): a pattern is matched against the principal's
//!   stable ARN only. For an assumed-role session that is the role that issued it
//!   (`arn:aws:iam::ACCOUNT:role/PATH/NAME`), never the session ARN
//!   (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), whose session name whoever assumes
//!   the role picks; for IAM users, root and other identity types, the caller's ARN.
//! - **Refusal** (`refusal`, at load): a pattern must name IAM principals of one kind with a name
//!   that is more than wildcards; STS patterns are refused with the role ARN to write instead.

use crate::model::{Actor, GuardrailId};
use chrono::NaiveDate;
use serde::Serialize;

/// An exemption: a principal whose violations are alerted (marked exempt), not reverted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exemption {
    /// IAM principal ARN pattern, matched with [`arn_like`] against the caller's stable
    /// identity ([`exemption_identity`]); checked at load (see the module documentation).
    pub principal: String,
    /// Guardrails it applies to; empty: all.
    pub guardrails: Vec<GuardrailId>,
    /// Last day (UTC, inclusive) it applies; `None`: no expiry.
    pub expires: Option<NaiveDate>,
    pub reason: String,
}

impl Exemption {
    /// Whether the exemption covers `guardrail` on `today` for the principal whose stable
    /// identity is `identity` (from [`exemption_identity`], not any ARN of the event).
    pub fn applies(&self, guardrail: GuardrailId, identity: &str, today: NaiveDate) -> bool {
        (self.guardrails.is_empty() || self.guardrails.contains(&guardrail))
            && self.expires.is_none_or(|d| today <= d)
            && arn_like(&self.principal, identity)
    }

    /// Whether the pattern's account component has a wildcard (`*` or `?`): a role or user of
    /// the pattern's name in any (matching) account is then exempt.
    pub fn account_is_wildcard(&self) -> bool {
        components(&self.principal).is_some_and(|[.., account, _]| has_wildcard(account))
    }
}

/// The ARN an exemption pattern is matched against: the principal's stable identity, never
/// a name the caller chose.
///
/// - An assumed-role session (`identity_type` `AssumedRole`, or a caller ARN of the form
///   `arn:PARTITION:sts::ACCOUNT:assumed-role/…`): the issuer role's ARN
///   (`userIdentity.sessionContext.sessionIssuer.arn`, `arn:aws:iam::ACCOUNT:role/PATH/NAME`).
///   Without an issuer, `None`: the session ARN is never used, since its session name is
///   whatever the caller passed to `AssumeRole` (and it omits the role's path).
/// - Everything else (IAM users, root, federated users, services): the caller's ARN. A
///   federated user's ARN is an STS ARN, which no accepted pattern matches.
pub fn exemption_identity(actor: &Actor) -> Option<&str> {
    let arn = actor.arn.as_deref();
    let session =
        actor.identity_type.as_deref() == Some("AssumedRole") || arn.is_some_and(is_session_arn);
    if session {
        actor.issuer_arn.as_deref().filter(|s| !s.is_empty())
    } else {
        arn.filter(|s| !s.is_empty())
    }
}

/// IAM's `ArnLike` match of `arn` against `pattern`.
///
/// Both are split at their first five colons into the six components `arn`, partition,
/// service, region, account and resource (the resource is everything after the fifth colon
/// and may itself contain colons). Each component of the pattern is matched against the same
/// component of the ARN with [`wildcard_match`]: `*` matches any run of characters (including
/// none) and `?` exactly one character, within that component only, so `*` never crosses a
/// component's colon. Inside the resource component `*` and `?` do match `/` (and any colon
/// of the resource), as in IAM: `role/*` matches `role/ops/Admin`, and `role/BreakGlass*`
/// matches a role `Admin` on the path `/BreakGlassTeam/` too. The comparison is
/// case-sensitive, as the IAM User Guide specifies for `ArnLike` (IAM names are unique
/// case-insensitively, but CloudTrail reports them as created: write them in that case).
/// A pattern or ARN with fewer than six components matches nothing.
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    match (components(pattern), components(arn)) {
        (Some(p), Some(a)) => p.iter().zip(a.iter()).all(|(p, a)| wildcard_match(p, a)),
        _ => false,
    }
}

/// Glob match of one ARN component: `*` (any run, including empty) and `?` (one character);
/// every other character matches itself, case-sensitively. Iterative, no recursion, linear
/// in practice.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// Why a principal pattern is refused at load, or `None` when it is accepted.
///
/// The rule: `arn:PARTITION:iam::ACCOUNT:RESOURCE` where
/// - the partition is written out (`aws`, `aws-cn`, `aws-us-gov`, …; no wildcard);
/// - the service is `iam` (not a wildcard; `sts` is refused with the role ARN to write
///   instead: session and federated-user names are the caller's choice);
/// - the region is empty, as in every IAM ARN;
/// - the account is a 12-digit account id or contains wildcards (accepted; `check-policy`
///   warns);
/// - the resource is `root` (with an account without wildcards), or `role/…` or `user/…`
///   (the type written out) whose name, the text after the last `/`, has at least one
///   character that is not a wildcard: `role/BreakGlass*` and `role/ops/*Admin` are
///   accepted, `*`, `role/*`, `user/*`, `role/ops/*`, `role/???` and `*/Admin` are not.
///
/// No whitespace anywhere.
pub(crate) fn refusal(pattern: &str) -> Option<String> {
    const EXAMPLE: &str = "`arn:aws:iam::111111111111:role/BreakGlass*`";
    let shape = || {
        format!(
            "must be an IAM principal ARN pattern of six colon-separated parts, \
             `arn:PARTITION:iam::ACCOUNT:role/NAME` (or `user/NAME`, or `root`), such as {EXAMPLE} \
             (`*` and `?` are wildcards within one part)"
        )
    };
    if pattern.chars().any(char::is_whitespace) {
        return Some(format!(
            "contains whitespace, which no ARN has; {}",
            shape()
        ));
    }
    let Some([prefix, partition, service, region, account, resource]) = components(pattern) else {
        return Some(shape());
    };
    if prefix != "arn" {
        return Some(shape());
    }
    if service == "sts" {
        return Some(sts_refusal(partition, account, resource));
    }
    if partition.is_empty()
        || has_wildcard(partition)
        || !partition
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some(format!(
            "the partition (second part) must be written out, e.g. `aws` (or `aws-cn`, \
             `aws-us-gov`): an organization lives in one partition, so a wildcard there only \
             widens the pattern; such as {EXAMPLE}"
        ));
    }
    if service != "iam" {
        return Some(format!(
            "the service (third part) must be `iam`: exemptions name IAM roles, users or root, \
             and a wildcard service would match every service's ARNs; such as {EXAMPLE}"
        ));
    }
    if !region.is_empty() {
        return Some(format!(
            "IAM ARNs have no region: leave the fourth part empty (`arn:{partition}:iam::ACCOUNT:...`)"
        ));
    }
    let account_wild = has_wildcard(account);
    let account_ok = if account_wild {
        account
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '?')
    } else {
        account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
    };
    if !account_ok {
        return Some(format!(
            "the account (fifth part) must be a 12-digit account id such as `111111111111` \
             (wildcards `*` and `?` are accepted there, with a check-policy warning); such as {EXAMPLE}"
        ));
    }
    if resource == "root" {
        if account_wild {
            return Some(format!(
                "`arn:{partition}:iam::{account}:root` exempts the root user of every account it \
                 matches: write the account id, `arn:{partition}:iam::111111111111:root`"
            ));
        }
        return None;
    }
    let name_rule = |kind: &str, rest: &str| {
        format!(
            "`{kind}/{rest}` exempts every {kind}{}: `*` and `?` match any name (and `*` any \
             path); the {kind} name, after the last `/`, needs at least one character that is \
             not a wildcard: name the {kind} or a name prefix, e.g. `{kind}/BreakGlass*` (on a \
             path: `{kind}/ops/BreakGlass*`); to switch a guardrail off use `mode = \"off\"`",
            if rest.contains('/') {
                " on that path"
            } else {
                ""
            }
        )
    };
    match resource.split_once('/') {
        Some((kind @ ("role" | "user"), rest)) => {
            let name = rest.rsplit('/').next().unwrap_or(rest);
            if name.chars().all(|c| c == '*' || c == '?') {
                Some(name_rule(kind, rest))
            } else {
                None
            }
        }
        _ if resource.chars().all(|c| c == '*' || c == '?' || c == '/') => Some(format!(
            "the resource `{resource}` matches every principal, which would switch the \
             guardrails off (use `mode = \"off\"` for that); write a resource type and a name: \
             `role/NAME`, `user/NAME` or `root`, such as {EXAMPLE}"
        )),
        _ => Some(format!(
            "the resource (after the fifth colon) must be `role/NAME`, `user/NAME` or `root`, \
             with the type written out (a wildcard type would match every kind of principal); \
             `{resource}` is none of them; such as {EXAMPLE}"
        )),
    }
}

/// The refusal of an `sts` pattern, naming the role ARN to write for a session pattern.
fn sts_refusal(partition: &str, account: &str, resource: &str) -> String {
    let role = resource
        .strip_prefix("assumed-role/")
        .map(|rest| rest.split_once('/').map_or(rest, |(role, _)| role));
    match role {
        Some(role) => {
            let suggestion = if role.is_empty() || role.chars().all(|c| c == '*' || c == '?') {
                format!("`arn:{partition}:iam::{account}:role/NAME`")
            } else {
                format!("`arn:{partition}:iam::{account}:role/{role}`")
            };
            format!(
                "matches assumed-role session ARNs (`assumed-role/ROLE/SESSION`), whose session \
                 name is chosen by whoever assumes the role; driftguard matches a session by the \
                 role that issued it: name the role ARN instead, {suggestion} (with the role's \
                 path, if it has one: `role/PATH/NAME`)"
            )
        }
        None => format!(
            "names an STS principal (a federated user or a session), whose name is chosen by the \
             caller; exemptions name IAM principals: `arn:{partition}:iam::ACCOUNT:role/NAME`, \
             `…:user/NAME` or `…:root`"
        ),
    }
}

/// The six components of an ARN: `arn`, partition, service, region, account, resource (the
/// rest after the fifth colon, colons included); `None` with fewer than five colons.
fn components(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    Some([
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// `arn:PARTITION:sts::ACCOUNT:assumed-role/…`.
fn is_session_arn(arn: &str) -> bool {
    components(arn).is_some_and(|[_, _, service, _, _, resource]| {
        service == "sts" && resource.starts_with("assumed-role/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_matched_separately() {
        let p = "arn:aws:iam::*:role/BreakGlass*";
        assert!(arn_like(
            p,
            "arn:aws:iam::123456789012:role/BreakGlassAdmin"
        ));
        assert!(arn_like(p, "arn:aws:iam::123456789012:role/BreakGlass"));
        assert!(!arn_like(p, "arn:aws:iam::123456789012:role/Admin"));
        // `*` in the account does not run on into the resource: an IAM user whose path
        // contains `:role/BreakGlass` (IAM paths may contain colons) is not a role.
        assert!(!arn_like(
            p,
            "arn:aws:iam::123456789012:user/x:role/BreakGlassAdmin"
        ));
        // A glob over the whole ARN would match these; component-wise they do not.
        assert!(!arn_like(
            "arn:aws:iam::*:role/X",
            "arn:aws:iam::123456789012:evil:role/X"
        ));
        assert!(!arn_like(
            "arn:aws:*::123456789012:role/X",
            "arn:aws:iam:us-east-1:x::123456789012:role/X"
        ));
        assert!(!arn_like(
            p,
            "arn:aws:sts::123456789012:assumed-role/BreakGlassAdmin/s"
        ));
        assert!(!arn_like(
            p,
            "arn:aws-cn:iam::123456789012:role/BreakGlassAdmin"
        ));
        // Each component must match whole.
        assert!(!arn_like(
            "arn:aws:iam::12345678901:role/X",
            "arn:aws:iam::123456789012:role/X"
        ));
        assert!(arn_like(
            "arn:aws:iam::1234567890??:role/X",
            "arn:aws:iam::123456789012:role/X"
        ));
        assert!(!arn_like(
            "arn:aws:iam::1234567890?:role/X",
            "arn:aws:iam::123456789012:role/X"
        ));
        // An empty component matches only an empty one.
        assert!(!arn_like(
            "arn:aws:iam::123456789012:role/X",
            "arn:aws:iam:us-east-1:123456789012:role/X"
        ));
        // `*` may match nothing within a component.
        assert!(arn_like("arn:aws:iam:*:*:role/X*", "arn:aws:iam::1:role/X"));
    }

    #[test]
    fn question_mark_is_exactly_one_character() {
        let p = "arn:aws:iam::123456789012:role/Admin?";
        assert!(arn_like(p, "arn:aws:iam::123456789012:role/Admin1"));
        assert!(!arn_like(p, "arn:aws:iam::123456789012:role/Admin"));
        assert!(!arn_like(p, "arn:aws:iam::123456789012:role/Admin12"));
        // `?` does not stand in for a component's colon.
        assert!(!arn_like(
            "arn:aws:iam:?123456789012:role/X",
            "arn:aws:iam::123456789012:role/X"
        ));
    }

    #[test]
    fn the_resource_is_one_component_with_slashes_and_colons() {
        // `*` crosses `/` inside the resource, as IAM's ArnLike does.
        assert!(arn_like(
            "arn:aws:iam::123456789012:role/*Admin",
            "arn:aws:iam::123456789012:role/ops/team/Admin"
        ));
        assert!(arn_like(
            "arn:aws:iam::123456789012:role/BreakGlass*",
            "arn:aws:iam::123456789012:role/BreakGlassTeam/Admin"
        ));
        assert!(arn_like(
            "arn:aws:iam::123456789012:role/ops/?dmin",
            "arn:aws:iam::123456789012:role/ops/Admin"
        ));
        assert!(!arn_like(
            "arn:aws:iam::123456789012:role/ops/Admin",
            "arn:aws:iam::123456789012:role/Admin"
        ));
        // Colons after the fifth belong to the resource.
        assert!(arn_like(
            "arn:aws:iam::123456789012:user/a:b*",
            "arn:aws:iam::123456789012:user/a:b:c"
        ));
        assert!(!arn_like(
            "arn:aws:iam::123456789012:user/a",
            "arn:aws:iam::123456789012:user/a:b"
        ));
    }

    #[test]
    fn matching_is_case_sensitive() {
        let p = "arn:aws:iam::123456789012:role/BreakGlass*";
        assert!(!arn_like(
            p,
            "arn:aws:iam::123456789012:role/breakglassAdmin"
        ));
        assert!(!arn_like(
            p,
            "arn:aws:IAM::123456789012:role/BreakGlassAdmin"
        ));
        assert!(!arn_like(
            p,
            "ARN:aws:iam::123456789012:role/BreakGlassAdmin"
        ));
    }

    #[test]
    fn short_arns_match_nothing() {
        assert!(!arn_like("arn:aws:iam::*:role/X", "arn:aws:iam::1"));
        assert!(!arn_like("arn:aws:iam", "arn:aws:iam"));
        assert!(!arn_like("arn:aws:iam::*:role/X", ""));
    }

    #[test]
    fn wildcards_within_a_component() {
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("a?c", "ac"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
        assert!(wildcard_match("a*", "a/b:c"));
    }

    fn actor(identity_type: &str, arn: &str, issuer: Option<&str>) -> Actor {
        Actor {
            identity_type: Some(identity_type.into()),
            arn: Some(arn.into()),
            issuer_arn: issuer.map(str::to_string),
            ..Actor::default()
        }
    }

    #[test]
    fn sessions_are_known_by_their_issuer_role() {
        let a = actor(
            "AssumedRole",
            "arn:aws:sts::123456789012:assumed-role/BreakGlassAdmin/alice",
            Some("arn:aws:iam::123456789012:role/BreakGlassAdmin"),
        );
        assert_eq!(
            exemption_identity(&a),
            Some("arn:aws:iam::123456789012:role/BreakGlassAdmin")
        );
        // No issuer: no identity; the session ARN is never used.
        let a = actor(
            "AssumedRole",
            "arn:aws:sts::123456789012:assumed-role/BreakGlassAdmin/alice",
            None,
        );
        assert_eq!(exemption_identity(&a), None);
        // A session ARN under another (or no) type is still a session.
        let mut a = actor(
            "Unknown",
            "arn:aws:sts::123456789012:assumed-role/Admin/BreakGlass-x",
            Some("arn:aws:iam::123456789012:role/Admin"),
        );
        assert_eq!(
            exemption_identity(&a),
            Some("arn:aws:iam::123456789012:role/Admin")
        );
        a.identity_type = None;
        assert_eq!(
            exemption_identity(&a),
            Some("arn:aws:iam::123456789012:role/Admin")
        );
    }

    #[test]
    fn users_and_root_are_known_by_their_arn() {
        let a = actor("IAMUser", "arn:aws:iam::123456789012:user/ops/alice", None);
        assert_eq!(
            exemption_identity(&a),
            Some("arn:aws:iam::123456789012:user/ops/alice")
        );
        let a = actor("Root", "arn:aws:iam::123456789012:root", None);
        assert_eq!(
            exemption_identity(&a),
            Some("arn:aws:iam::123456789012:root")
        );
        assert_eq!(exemption_identity(&Actor::default()), None);
    }

    #[test]
    fn accepted_patterns() {
        for p in [
            "arn:aws:iam::*:role/BreakGlass*",
            "arn:aws:iam::111111111111:role/BreakGlass",
            "arn:aws:iam::111111111111:role/ops/BreakGlass?",
            "arn:aws:iam::111111111111:role/*/BreakGlass",
            "arn:aws:iam::111111111111:role/*Admin",
            "arn:aws:iam::1111111111??:user/alice",
            "arn:aws-us-gov:iam::111111111111:user/ops/alice",
            "arn:aws:iam::111111111111:root",
        ] {
            assert_eq!(refusal(p), None, "{p}");
        }
    }

    #[test]
    fn refused_patterns() {
        for (p, says) in [
            ("*", "six colon-separated parts"),
            ("arn:aws:iam::*", "six colon-separated parts"),
            ("role/BreakGlass*", "six colon-separated parts"),
            ("*:aws:iam::*:role/X", "six colon-separated parts"),
            ("arn:aws:iam::*:role/X ", "whitespace"),
            ("arn:aws:iam::*:*", "matches every principal"),
            ("arn:aws:iam::111111111111:*", "matches every principal"),
            ("arn:aws:iam::*:*/*", "matches every principal"),
            ("arn:aws:iam::*:role/*", "exempts every role"),
            ("arn:aws:iam::*:role/**", "exempts every role"),
            ("arn:aws:iam::*:role/???", "exempts every role"),
            ("arn:aws:iam::*:role/", "exempts every role"),
            (
                "arn:aws:iam::111111111111:role/ops/*",
                "every role on that path",
            ),
            ("arn:aws:iam::*:role/*/*", "every role on that path"),
            ("arn:aws:iam::*:user/*", "exempts every user"),
            ("arn:*:iam::*:role/*", "partition"),
            ("arn:*:iam::*:role/BreakGlass", "partition"),
            ("arn::iam::*:role/BreakGlass", "partition"),
            (
                "arn:aws:*:*:*:role/BreakGlass",
                "service (third part) must be `iam`",
            ),
            (
                "arn:aws:i?m::*:role/BreakGlass",
                "service (third part) must be `iam`",
            ),
            (
                "arn:aws:s3:::role/BreakGlass",
                "service (third part) must be `iam`",
            ),
            ("arn:aws:iam:*:*:role/BreakGlass", "no region"),
            ("arn:aws:iam:us-east-1:*:role/BreakGlass", "no region"),
            ("arn:aws:iam:::role/BreakGlass", "12-digit account id"),
            ("arn:aws:iam::12345:role/BreakGlass", "12-digit account id"),
            ("arn:aws:iam::acct*:role/BreakGlass", "12-digit account id"),
            ("arn:aws:iam::*:root", "root user of every account"),
            ("arn:aws:iam::*:*/BreakGlass", "type written out"),
            ("arn:aws:iam::*:r*/BreakGlass", "type written out"),
            ("arn:aws:iam::*:group/Admins", "type written out"),
            ("arn:aws:iam::*:BreakGlass", "type written out"),
            (
                "arn:aws:sts::*:assumed-role/Admin/BreakGlass*",
                "name the role ARN instead, `arn:aws:iam::*:role/Admin`",
            ),
            (
                "arn:aws:sts::*:assumed-role/*/break-glass-*",
                "name the role ARN instead, `arn:aws:iam::*:role/NAME`",
            ),
            (
                "arn:aws:sts::111111111111:assumed-role/BreakGlass",
                "`arn:aws:iam::111111111111:role/BreakGlass`",
            ),
            (
                "arn:aws:sts::111111111111:federated-user/bob",
                "STS principal",
            ),
        ] {
            match refusal(p) {
                Some(reason) => assert!(reason.contains(says), "{p}: {reason}"),
                None => panic!("{p} was accepted"),
            }
        }
    }

    #[test]
    fn wildcard_accounts() {
        let e = |p: &str| Exemption {
            principal: p.into(),
            guardrails: Vec::new(),
            expires: None,
            reason: "r".into(),
        };
        assert!(e("arn:aws:iam::*:role/BreakGlass").account_is_wildcard());
        assert!(e("arn:aws:iam::1111111111?1:role/BreakGlass").account_is_wildcard());
        assert!(!e("arn:aws:iam::111111111111:role/Break*").account_is_wildcard());
    }
}
