//! Alerts: the pure renderer of the SNS message (the edge publishes it).
//!
//! One publish per decision that needs one, `MessageStructure=json` with `default` (a stable
//! JSON document for machines), `email` (plain text) and `https` (the AWS Chatbot custom
//! notification format, for Slack). Attacker-controlled strings (trail names, user agents,
//! session names, error messages) are neutralised in the human formats: they never become
//! links, mentions or extra lines.

use crate::decision::{Decision, Disposition};
use crate::outcome::{Outcome, Report};
use crate::view::DecisionView;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Where the remediation record of this decision can be found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertContext {
    /// The Lambda function name (also the default log group suffix).
    pub function: String,
    pub request_id: Option<String>,
}

/// A rendered SNS message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertMessage {
    /// Under 100 ASCII characters.
    pub subject: String,
    /// The `MessageStructure=json` document (`default`, `email`, `https`).
    pub message: String,
    /// String message attributes for subscription filters.
    pub attributes: BTreeMap<String, String>,
}

pub const SCHEMA: &str = "driftguard.alert/v2";
const SUBJECT_MAX: usize = 99;

/// Render the alert for a decision and its remediation report. Pure.
pub fn render(d: &Decision, r: &Report, ctx: &AlertContext) -> AlertMessage {
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    let account = d
        .subject
        .account
        .clone()
        .unwrap_or_else(|| "unknown".into());
    let default = default_document(d, r, ctx);
    let email = email_text(d, r, ctx);
    let https = chatbot(d, r, ctx);
    let message = json!({
        "default": default.to_string(),
        "email": email,
        "https": https.to_string(),
    })
    .to_string();
    let mut attributes = BTreeMap::new();
    attributes.insert("guardrail".into(), guardrail.to_string());
    attributes.insert("severity".into(), d.severity.as_str().to_string());
    attributes.insert("verdict".into(), d.verdict.as_str().to_string());
    attributes.insert("outcome".into(), r.outcome.as_str().to_string());
    attributes.insert("account".into(), account);
    AlertMessage {
        subject: subject(d, r),
        message,
        attributes,
    }
}

/// `[driftguard] CRITICAL trail-tampering violation in 123456789012: remediated`
pub fn subject(d: &Decision, r: &Report) -> String {
    let s = format!(
        "[driftguard] {} {} {} in {}: {}",
        d.severity.as_str().to_uppercase(),
        d.guardrail.map_or("none", |g| g.as_str()),
        d.verdict.as_str(),
        d.subject.account.as_deref().unwrap_or("unknown account"),
        outcome_phrase(r.outcome),
    );
    let ascii: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    ascii.chars().take(SUBJECT_MAX).collect()
}

fn outcome_phrase(o: Outcome) -> &'static str {
    match o {
        Outcome::None => "alert only",
        Outcome::Planned => "notify mode, nothing changed",
        Outcome::Exempt => "exempt, nothing changed",
        Outcome::Remediated => "remediated",
        Outcome::AlreadyCompliant => "already compliant",
        Outcome::Failed => "REMEDIATION FAILED",
    }
}

/// The Logs Insights query that finds this decision's remediation record.
pub fn insights_query(d: &Decision) -> String {
    match &d.event_id {
        Some(id) => format!(
            "fields @timestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" and event_id = \"{}\"",
            id.replace(['"', '\\'], "")
        ),
        None => "fields @timestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" | sort @timestamp desc".into(),
    }
}

fn log_group(ctx: &AlertContext) -> String {
    format!("/aws/lambda/{}", ctx.function)
}

/// The `default` document: the decision's view (the same fields as the remediation record)
/// plus what people and tools need to act on it.
fn default_document(d: &Decision, r: &Report, ctx: &AlertContext) -> Value {
    let mut doc = serde_json::to_value(DecisionView::of(d)).unwrap_or_else(|_| json!({}));
    if let Some(obj) = doc.as_object_mut() {
        let extra = json!({
            "schema": SCHEMA,
            "outcome": r.outcome.as_str(),
            "actor": d.actor,
            "evidence": d.evidence.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
            "respond": d.respond,
            "steps": r.steps,
            "error": r.error,
            "context": r.context.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
            "log": {
                "function": ctx.function,
                "log_group": log_group(ctx),
                "request_id": ctx.request_id,
                "insights_query": insights_query(d),
            },
        });
        if let Value::Object(extra) = extra {
            obj.extend(extra);
        }
    }
    doc
}

/// Make an untrusted string inert in plain text: one line, no control characters, and
/// nothing a mail client would turn into a link or an address.
pub fn plain_inert(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let defanged = one_line.replace("://", "[:]//").replace('@', "[at]");
    // A dot before a letter (`evil.example`) is what makes mail clients link a bare domain;
    // version numbers and IP addresses keep their dots.
    let mut out = String::with_capacity(defanged.len());
    let mut chars = defanged.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '.' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) {
            out.push_str("[.]");
        } else {
            out.push(c);
        }
    }
    out
}

/// Make an untrusted string inert in Slack mrkdwn: escape `&`, `<`, `>` (so no `<url>`,
/// `<@U…>` or `<!channel>`), drop backticks and line breaks, and present it as inline code,
/// which Slack never links or formats.
pub fn slack_inert(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let escaped = cleaned
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('@', "@\u{200b}");
    if escaped.is_empty() {
        "(none)".into()
    } else {
        format!("`{escaped}`")
    }
}

/// Whether the decision names a caller (findings and service events do not).
fn has_actor(d: &Decision) -> bool {
    d.actor.arn.is_some() || d.actor.identity_type.is_some() || d.actor.source_ip.is_some()
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("unknown")
}

fn what_driftguard_did(d: &Decision, r: &Report) -> String {
    match (&d.disposition, r.outcome) {
        (
            Disposition::Exempt {
                principal_pattern,
                reason,
                expires,
            },
            _,
        ) => format!(
            "Nothing: the actor is exempt (pattern {}, reason: {}, expires: {}). Planned actions not run.",
            principal_pattern,
            reason,
            expires.as_deref().unwrap_or("never")
        ),
        (Disposition::Notify, _) => {
            "Nothing: the guardrail is in notify mode. Planned actions not run.".into()
        }
        (_, Outcome::None) => "Nothing to remediate.".into(),
        (_, Outcome::AlreadyCompliant) => {
            "Read the current state: already compliant, nothing written.".into()
        }
        (_, Outcome::Remediated) => "Remediated.".into(),
        (_, Outcome::Failed) => {
            "Tried to remediate and FAILED: the resource may still be out of policy. Act now."
                .into()
        }
        (_, Outcome::Planned | Outcome::Exempt) => "Nothing written.".into(),
    }
}

fn email_text(d: &Decision, r: &Report, ctx: &AlertContext) -> String {
    let mut t = String::new();
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    t.push_str(&format!(
        "driftguard: {} {} of guardrail {}\n\n",
        d.severity.as_str().to_uppercase(),
        d.verdict.as_str(),
        guardrail
    ));
    t.push_str(&format!("What happened: {}\n", plain_inert(&d.summary)));
    t.push_str(&format!("Why it matters: {}\n", plain_inert(&d.reason)));
    if let Some(respond) = &d.respond {
        t.push_str(&format!("First response: {}\n", plain_inert(respond)));
    }
    if has_actor(d) {
        t.push_str(&format!(
            "Who: {} ({})\n",
            plain_inert(opt(&d.actor.arn)),
            plain_inert(opt(&d.actor.identity_type))
        ));
        t.push_str(&format!(
            "Source IP: {}\n",
            plain_inert(opt(&d.actor.source_ip))
        ));
        t.push_str(&format!(
            "User agent: {}\n",
            plain_inert(opt(&d.actor.user_agent))
        ));
    }
    t.push_str(&format!(
        "Where: account {}, region {}, resource {}\n",
        plain_inert(opt(&d.subject.account)),
        plain_inert(opt(&d.subject.region)),
        plain_inert(opt(&d.subject.resource))
    ));
    t.push_str(&format!(
        "Event: {} {} at {} (event id {})\n",
        opt(&d.event_source),
        plain_inert(opt(&d.event_name)),
        opt(&d.event_time),
        plain_inert(opt(&d.event_id))
    ));
    for (k, v) in &d.evidence {
        t.push_str(&format!("Evidence: {}: {}\n", k, plain_inert(v)));
    }
    for (k, v) in &r.context {
        t.push_str(&format!("Context: {}: {}\n", k, plain_inert(v)));
    }
    t.push_str(&format!(
        "\nWhat driftguard did: {}\n",
        what_driftguard_did(d, r)
    ));
    if !d.planned.is_empty() {
        t.push_str("Planned actions:\n");
        for a in &d.planned {
            t.push_str(&format!("  - {}\n", plain_inert(&a.to_string())));
        }
    }
    if !r.steps.is_empty() {
        t.push_str("Steps:\n");
        for s in &r.steps {
            t.push_str(&format!(
                "  - {}: {} ({})\n",
                plain_inert(&s.action),
                serde_json::to_value(s.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                plain_inert(&s.detail)
            ));
        }
    }
    if let Some(e) = &r.error {
        t.push_str(&format!("Error: {}\n", plain_inert(e)));
    }
    t.push_str(&format!("Outcome: {}\n", r.outcome.as_str()));
    t.push_str(&format!(
        "\nThe log line: CloudWatch Logs Insights, log group {}{}:\n  {}\n",
        log_group(ctx),
        ctx.request_id
            .as_deref()
            .map(|id| format!(" (request {id})"))
            .unwrap_or_default(),
        insights_query(d)
    ));
    t
}

fn chatbot(d: &Decision, r: &Report, ctx: &AlertContext) -> Value {
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    let title = format!(
        ":rotating_light: driftguard {} {}: {} in {}",
        d.severity.as_str().to_uppercase(),
        d.verdict.as_str(),
        guardrail,
        // Account ids are validated at decode (12 digits); escaped all the same.
        slack_inert(d.subject.account.as_deref().unwrap_or("unknown account")),
    );
    let mut desc = String::new();
    desc.push_str(&format!("*What happened:* {}\n", slack_inert(&d.summary)));
    if has_actor(d) {
        desc.push_str(&format!(
            "*Who:* {} from {}\n",
            slack_inert(opt(&d.actor.arn)),
            slack_inert(opt(&d.actor.source_ip))
        ));
        desc.push_str(&format!(
            "*User agent:* {}\n",
            slack_inert(opt(&d.actor.user_agent))
        ));
    }
    desc.push_str(&format!(
        "*Where:* {} / {} / {}\n",
        slack_inert(opt(&d.subject.account)),
        slack_inert(opt(&d.subject.region)),
        slack_inert(opt(&d.subject.resource))
    ));
    for (k, v) in d.evidence.iter().chain(&r.context) {
        desc.push_str(&format!(
            "*{}:* {}\n",
            k.replace(['<', '>', '&', '`', '*'], ""),
            slack_inert(v)
        ));
    }
    if let Some(respond) = &d.respond {
        desc.push_str(&format!(
            "*First response:* {}\n",
            respond.replace(['<', '>', '&', '`', '*', '@', '\n', '\r'], "")
        ));
    }
    desc.push_str(&format!(
        "*driftguard:* {} Outcome: *{}*",
        what_driftguard_did(d, r).replace(['<', '>', '&', '`'], ""),
        r.outcome.as_str()
    ));
    if let Some(e) = &r.error {
        desc.push_str(&format!("\n*Error:* {}", slack_inert(e)));
    }
    let mut next_steps: Vec<String> = r
        .steps
        .iter()
        .map(|s| {
            format!(
                "{} - {}",
                slack_inert(&s.action),
                serde_json::to_value(s.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            )
        })
        .collect();
    next_steps.push(format!(
        "Logs Insights on {}: {}",
        slack_inert(&log_group(ctx)),
        slack_inert(&insights_query(d))
    ));
    json!({
        "version": "1.0",
        "source": "custom",
        "id": d.event_id,
        "content": {
            "textType": "client-markdown",
            "title": title,
            "description": desc,
            "nextSteps": next_steps,
            "keywords": [guardrail, d.severity.as_str(), d.verdict.as_str(), r.outcome.as_str()],
        },
        "metadata": {
            "threadId": d.event_id.clone().unwrap_or_default(),
            "summary": format!("driftguard {guardrail} {} {}", d.verdict.as_str(), r.outcome.as_str()),
            "eventType": guardrail,
            "additionalContext": {
                "account": d.subject.account,
                "region": d.subject.region,
                "severity": d.severity.as_str(),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_strings_are_inert() {
        assert_eq!(slack_inert("<!channel> hi"), "`&lt;!channel&gt; hi`");
        assert_eq!(slack_inert("a`b\nc"), "`a'b c`");
        assert!(!slack_inert("<https://evil.example|click>").contains('<'));
        assert_eq!(slack_inert(""), "(none)");
    }

    #[test]
    fn plain_strings_are_inert() {
        assert_eq!(
            plain_inert("see https://evil.example\nFAKE LINE"),
            "see https[:]//evil[.]example FAKE LINE"
        );
        assert_eq!(plain_inert("evil.example/reset"), "evil[.]example/reset");
        assert_eq!(
            plain_inert("aws-cli/2.15.0 from 198.51.100.7"),
            "aws-cli/2.15.0 from 198.51.100.7"
        );
        assert_eq!(plain_inert("root@example.com"), "root[at]example[.]com");
    }
}
