//! The raw layer's shared pieces: the parse context (text, origin, injected documents) that
//! turns a span into a line, and the validators of values every section uses. Each one
//! returns the typed value or a [`PolicyError`] with the key, the line and the reason.

use super::PolicyError;
use crate::ids::{AccountId, Region};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// Where the policy's baseline documents (SCP JSON files, ...) come from. The core never
/// reads files: the caller supplies the documents (the functions and the CLI read them
/// relative to the policy file; tests pass them in memory).
pub trait Documents {
    /// The text of the document the policy names `name` (as written in the file), or why
    /// it cannot be had.
    fn document(&self, name: &str) -> Result<String, String>;
}

/// Documents held in memory, by the name the policy gives them.
impl Documents for BTreeMap<String, String> {
    fn document(&self, name: &str) -> Result<String, String> {
        self.get(name)
            .cloned()
            .ok_or_else(|| format!("no document named `{name}` was supplied"))
    }
}

/// No documents at all (a policy without `[[scps]]`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDocuments;

impl Documents for NoDocuments {
    fn document(&self, name: &str) -> Result<String, String> {
        Err(format!(
            "`{name}` cannot be read here: this policy was parsed without its documents"
        ))
    }
}

pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub origin: &'a str,
    pub documents: &'a dyn Documents,
}

impl Ctx<'_> {
    fn line_of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text
            .get(..end)
            .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count() + 1)
    }

    pub fn err(
        &self,
        key: impl Into<String>,
        span: Option<&Range<usize>>,
        reason: impl Into<String>,
    ) -> PolicyError {
        PolicyError::Invalid {
            origin: self.origin.to_string(),
            key: key.into(),
            line: span.map_or(0, |s| self.line_of(s)),
            reason: reason.into(),
        }
    }

    pub fn toml_error(&self, path: &str, e: &toml::de::Error) -> PolicyError {
        let key = if path.is_empty() || path == "." {
            "<document>"
        } else {
            path
        };
        self.err(key, e.span().as_ref(), e.message().trim().to_string())
    }
}

pub(crate) fn account_id(
    ctx: &Ctx<'_>,
    key: &str,
    v: &Spanned<toml::Value>,
) -> Result<AccountId, PolicyError> {
    match v.get_ref() {
        toml::Value::String(s) => AccountId::parse(s).ok_or_else(|| {
            ctx.err(
                key,
                Some(&v.span()),
                "an AWS account id is exactly 12 digits",
            )
        }),
        toml::Value::Integer(_) => Err(ctx.err(
            key,
            Some(&v.span()),
            "write account ids as strings (\"012345678901\"): as numbers, leading zeros are lost",
        )),
        other => Err(ctx.err(
            key,
            Some(&v.span()),
            format!(
                "expected a 12-digit account id string, found a {}",
                other.type_str()
            ),
        )),
    }
}

pub(crate) fn region(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<Region, PolicyError> {
    let s = v.get_ref();
    Region::parse(s).ok_or_else(|| {
        ctx.err(
            key,
            Some(&v.span()),
            format!("`{s}` is not an AWS region name such as `eu-west-1`"),
        )
    })
}

pub(crate) fn bucket(ctx: &Ctx<'_>, key: &str, v: &Spanned<String>) -> Result<String, PolicyError> {
    let s = v.get_ref();
    let ok = (3..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if ok {
        Ok(s.clone())
    } else {
        Err(ctx.err(
            key,
            Some(&v.span()),
            format!("`{s}` is not an S3 bucket name (3-63 characters of a-z 0-9 . -)"),
        ))
    }
}

pub(crate) fn date(
    ctx: &Ctx<'_>,
    key: &str,
    v: &Spanned<toml::Value>,
) -> Result<NaiveDate, PolicyError> {
    let text = match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => d.to_string(),
        _ => String::new(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        ctx.err(
            key,
            Some(&v.span()),
            "expected a date such as 2026-12-31 (the last day the exemption applies, UTC)",
        )
    })
}
