//! `[root]`: root-activity settings.

use crate::ids::AccountId;
use crate::policy::PolicyError;
use crate::policy::fields::{Ctx, account_id, date};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// `[root]`: root-activity settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RootPolicy {
    /// Accounts with a sanctioned root procedure: their root activity is alerted at low
    /// severity until the expiry date (inclusive, UTC), then at full severity again.
    pub sanctioned: Vec<SanctionedRoot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SanctionedRoot {
    pub account: AccountId,
    pub expires: NaiveDate,
    pub reason: String,
}

impl RootPolicy {
    /// The sanctioned procedure covering `account` on `today`, if any.
    pub fn sanctioned(&self, account: &str, today: NaiveDate) -> Option<&SanctionedRoot> {
        self.sanctioned
            .iter()
            .find(|s| s.account == account && today <= s.expires)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoot {
    #[serde(default)]
    sanctioned: Vec<RawSanctioned>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSanctioned {
    account: Spanned<toml::Value>,
    expires: Spanned<toml::Value>,
    reason: Spanned<String>,
}

pub(crate) fn validate(ctx: &Ctx<'_>, raw: Option<RawRoot>) -> Result<RootPolicy, PolicyError> {
    let mut sanctioned = Vec::new();
    for (i, s) in raw
        .map(|r| r.sanctioned)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let key = format!("root.sanctioned[{i}]");
        let account = account_id(ctx, &format!("{key}.account"), &s.account)?;
        let expires = date(ctx, &format!("{key}.expires"), &s.expires)?;
        if s.reason.get_ref().trim().is_empty() {
            return Err(ctx.err(
                format!("{key}.reason"),
                Some(&s.reason.span()),
                "a sanctioned root procedure needs a reason (a change or ticket reference): it is shown in every alert it downgrades",
            ));
        }
        if sanctioned
            .iter()
            .any(|o: &SanctionedRoot| o.account == account)
        {
            return Err(ctx.err(
                format!("{key}.account"),
                Some(&s.account.span()),
                "this account already has a sanctioned root procedure; keep one entry per account",
            ));
        }
        sanctioned.push(SanctionedRoot {
            account,
            expires,
            reason: s.reason.into_inner(),
        });
    }
    Ok(RootPolicy { sanctioned })
}
