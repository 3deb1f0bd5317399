//! `[organization]`, `[placement]` and `[[scps]]`: where accounts belong, which SCPs are
//! guardrails (with their baseline documents) and which policy types must stay enabled.

use crate::ids::{AccountId, OuId, PolicyId, RootId};
use crate::policy::PolicyError;
use crate::policy::fields::Ctx;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// AWS-managed: detaching it breaks workloads, not guardrails.
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";

/// Policy types that must stay enabled on the root (default: `SERVICE_CONTROL_POLICY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationPolicy {
    pub required_policy_types: Vec<String>,
}

/// Where an account belongs: the root, an OU by id, or an OU by path (`Workloads/Production`)
/// that org-guard resolves through the Organizations API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ParentRef {
    Root(RootId),
    Ou(OuId),
    Path(String),
}

impl ParentRef {
    pub fn as_str(&self) -> &str {
        match self {
            ParentRef::Root(s) => s.as_str(),
            ParentRef::Ou(s) => s.as_str(),
            ParentRef::Path(s) => s,
        }
    }
}

impl std::fmt::Display for ParentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Expected placement of accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlacementPolicy {
    /// Where accounts the policy does not list belong; `None`: unlisted accounts are not judged.
    pub quarantine: Option<ParentRef>,
    pub accounts: BTreeMap<AccountId, ParentRef>,
    /// OU paths resolved to ids (filled by org-guard at cold start; empty offline).
    pub resolved: BTreeMap<String, String>,
}

impl PlacementPolicy {
    /// Where `account` belongs (its own entry, else the quarantine OU).
    pub fn expected(&self, account: &str) -> Option<&ParentRef> {
        self.accounts.get(account).or(self.quarantine.as_ref())
    }

    /// The id of a parent reference, when known (paths only once resolved).
    pub fn id_of<'a>(&'a self, p: &'a ParentRef) -> Option<&'a str> {
        match p {
            ParentRef::Root(id) => Some(id.as_str()),
            ParentRef::Ou(id) => Some(id.as_str()),
            ParentRef::Path(path) => self.resolved.get(path).map(String::as_str),
        }
    }

    /// Every OU path the placement uses.
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .accounts
            .values()
            .chain(self.quarantine.iter())
            .filter_map(|p| match p {
                ParentRef::Path(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Where a guardrail SCP must stay attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TargetRef {
    Parent(ParentRef),
    Account(AccountId),
}

impl TargetRef {
    pub fn as_str(&self) -> &str {
        match self {
            TargetRef::Parent(p) => p.as_str(),
            TargetRef::Account(a) => a.as_str(),
        }
    }
}

/// A guardrail SCP: it must keep its baseline content and stay attached to its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScpDecl {
    /// The policy id events carry (`p-...`).
    pub id: PolicyId,
    /// Its name (used to recreate it if deleted).
    pub name: String,
    pub description: Option<String>,
    /// The baseline document, parsed: content is compared semantically.
    pub document: serde_json::Value,
    /// The baseline document as written (what a restore uploads).
    pub document_text: String,
    pub targets: Vec<TargetRef>,
}

impl ScpDecl {
    /// Whether `content` (a policy document as text) is this SCP's baseline: compared as
    /// parsed JSON, so formatting and key order do not matter.
    pub fn is_baseline(&self, content: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(content).is_ok_and(|doc| doc == self.document)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrganization {
    #[serde(default)]
    required_policy_types: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlacement {
    #[serde(default)]
    quarantine: Option<Spanned<String>>,
    #[serde(default)]
    accounts: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScp {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    document: Spanned<String>,
    #[serde(default)]
    targets: Vec<Spanned<String>>,
}

/// A root id, an OU id or an OU path.
pub fn parse_parent(s: &str) -> Option<ParentRef> {
    let s = s.trim();
    if let Some(r) = RootId::parse(s) {
        Some(ParentRef::Root(r))
    } else if let Some(ou) = OuId::parse(s) {
        Some(ParentRef::Ou(ou))
    } else if !s.is_empty()
        && !s.starts_with('/')
        && !s.ends_with('/')
        && !s.contains("//")
        && !s.starts_with("arn:")
    {
        Some(ParentRef::Path(s.to_string()))
    } else {
        None
    }
}

fn parent_ref(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<ParentRef, PolicyError> {
    parse_parent(v.get_ref()).ok_or_else(|| {
        ctx.err(
            key,
            Some(&v.span()),
            format!(
                "`{}` is not a root id (r-...), an OU id (ou-...-...) or an OU path such as `Workloads/Production`",
                v.get_ref().trim()
            ),
        )
    })
}

pub(crate) fn validate_organization(
    ctx: &Ctx<'_>,
    raw: Option<RawOrganization>,
) -> Result<OrganizationPolicy, PolicyError> {
    const TYPES: [&str; 6] = [
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "TAG_POLICY",
        "BACKUP_POLICY",
        "AISERVICES_OPT_OUT_POLICY",
        "DECLARATIVE_POLICY_EC2",
    ];
    let Some(list) = raw.and_then(|r| r.required_policy_types) else {
        return Ok(OrganizationPolicy {
            required_policy_types: vec!["SERVICE_CONTROL_POLICY".into()],
        });
    };
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if !TYPES.contains(&t.get_ref().as_str()) {
            return Err(ctx.err(
                format!("organization.required_policy_types[{i}]"),
                Some(&t.span()),
                format!("unknown policy type; expected one of: {}", TYPES.join(", ")),
            ));
        }
        out.push(t.get_ref().clone());
    }
    Ok(OrganizationPolicy {
        required_policy_types: out,
    })
}

pub(crate) fn validate_placement(
    ctx: &Ctx<'_>,
    raw: Option<RawPlacement>,
) -> Result<PlacementPolicy, PolicyError> {
    let Some(raw) = raw else {
        return Ok(PlacementPolicy::default());
    };
    let quarantine = match &raw.quarantine {
        Some(q) => Some(parent_ref(ctx, "placement.quarantine", q)?),
        None => None,
    };
    let mut accounts = BTreeMap::new();
    for (account, parent) in &raw.accounts {
        let key = format!("placement.accounts.\"{account}\"");
        let Some(id) = AccountId::parse(account) else {
            return Err(ctx.err(
                key,
                Some(&parent.span()),
                "the key must be a 12-digit account id (quote it)",
            ));
        };
        accounts.insert(id, parent_ref(ctx, &key, parent)?);
    }
    Ok(PlacementPolicy {
        quarantine,
        accounts,
        resolved: BTreeMap::new(),
    })
}

pub(crate) fn validate_scps(ctx: &Ctx<'_>, raw: Vec<RawScp>) -> Result<Vec<ScpDecl>, PolicyError> {
    let mut out: Vec<ScpDecl> = Vec::new();
    for (i, r) in raw.into_iter().enumerate() {
        let key = format!("scps[{i}]");
        let Some(id) = PolicyId::parse(r.id.get_ref().trim()) else {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "must be an Organizations policy id such as `p-abcd1234`",
            ));
        };
        if id == FULL_AWS_ACCESS {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "p-FullAWSAccess is AWS-managed: detaching it breaks workloads, it is not a guardrail",
            ));
        }
        if out.iter().any(|o| o.id == id) {
            return Err(ctx.err(
                format!("{key}.id"),
                Some(&r.id.span()),
                "this SCP is declared twice",
            ));
        }
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || name.len() > 128 {
            return Err(ctx.err(
                format!("{key}.name"),
                Some(&r.name.span()),
                "must be the SCP's name (1-128 characters)",
            ));
        }
        let doc_name = r.document.get_ref();
        let text = ctx.documents.document(doc_name).map_err(|e| {
            ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!("cannot read the baseline document {doc_name}: {e}"),
            )
        })?;
        let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!("the baseline document {doc_name} is not valid JSON: {e}"),
            )
        })?;
        if document.get("Statement").is_none() {
            return Err(ctx.err(
                format!("{key}.document"),
                Some(&r.document.span()),
                format!(
                    "the baseline document {doc_name} has no `Statement`: it is not a policy document"
                ),
            ));
        }
        if r.targets.is_empty() {
            return Err(ctx.err(
                format!("{key}.targets"),
                Some(&r.id.span()),
                "a guardrail SCP needs at least one target (root, OU or account)",
            ));
        }
        let mut targets = Vec::new();
        for (j, t) in r.targets.iter().enumerate() {
            match AccountId::parse(t.get_ref().trim()) {
                Some(a) => targets.push(TargetRef::Account(a)),
                None => targets.push(TargetRef::Parent(parent_ref(
                    ctx,
                    &format!("{key}.targets[{j}]"),
                    t,
                )?)),
            }
        }
        out.push(ScpDecl {
            id,
            name,
            description: r.description,
            document,
            document_text: text,
            targets,
        });
    }
    Ok(out)
}
