//! Alerts: the pure renderer of the SNS message (the edge publishes it).
//!
//! One publish per decision that needs one, `MessageStructure=json` with `default` (a stable
//! JSON document for machines), `email` (plain text) and `https` (the AWS Chatbot custom
//! notification format, for Slack).
//!
//! Every string an event or AWS supplies is the attacker's: trail and resource names, ARNs
//! and session names, user agents, source IPs, event names, ids and times, error messages,
//! evidence and context values, and the summary and reason built from them. Whatever they
//! hold, an alert stays inert and deliverable:
//!
//! - **One line, nothing hidden** (email and Slack): control characters and the line and
//!   paragraph separators (U+2028, U+2029) become spaces; Unicode format characters (general
//!   category Cf, [`FORMAT_CHARS`]: bidi embeddings, overrides and isolates, zero-width
//!   characters, the soft hyphen, tag characters, …) and the noncharacters U+FFFE and U+FFFF
//!   are shown as their code point (`[U+202E]`), so no text is reordered, hidden or
//!   smuggled, and a look-alike name (`pro\u{AD}d`) does not read like the real one (`prod`).
//! - **Inert**: in the email `://`, `@` and a dot before a letter are defanged
//!   ([`plain_inert`]), so nothing becomes a link or an address; in Slack `&`, `<`, `>` are
//!   escaped, backticks replaced and every `@` followed by a zero-width space, and the value
//!   is shown as inline code ([`slack_inert`]): no link, no mention, no formatting.
//! - **Capped**: each field keeps at most [`FIELD_MAX`] characters, in every format,
//!   `default` included (whose strings are otherwise the values as received); a cut field
//!   ends with [`CUT_MARK`]. driftguard's own texts (the first response, what driftguard did)
//!   keep up to [`OWN_TEXT_MAX`]; an error or a step's detail (driftguard's words around a
//!   service's message) keeps as much, cut in the middle so the remedy at its end survives.
//! - **Within its carriers' limits**: the Chatbot title, description, next steps and keywords
//!   are cut to Chatbot's limits (`CHATBOT_*`), the description keeping its last lines (what
//!   driftguard did, the error) and cutting whole lines before them; U+FFFE and U+FFFF, which
//!   SQS subscribers refuse, become U+FFFD everywhere. The whole publish stays under SNS's
//!   256 KB ([`SNS_MESSAGE_MAX`]): should the rendering not fit (long fields in long lists),
//!   it is redone with tighter caps (64 characters a field and 16 entries a list, then 16 and
//!   4; a cut list says how many entries it left out) and `default` gains `cut`.
//! - **The subject** is ASCII only (anything else becomes `?`, CR and LF included: no header
//!   injection) and under 100 characters.
//!
//! The remediation record keeps every value in full.

use crate::decision::{Decision, Disposition};
use crate::model::{Actor, Subject};
use crate::outcome::{Outcome, Report, StepResult};
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

/// The most characters an attacker-controlled field keeps in an alert (the cut mark
/// included).
pub const FIELD_MAX: usize = 256;
/// The most characters driftguard's own texts keep (the first response, what driftguard did,
/// which quotes the exemption).
pub const OWN_TEXT_MAX: usize = 1024;
/// How a cut field ends.
pub const CUT_MARK: &str = "… [cut]";

/// SNS's limit on a published message (256 KiB), which every alert stays under.
pub const SNS_MESSAGE_MAX: usize = 256 * 1024;
/// What `message` may use of [`SNS_MESSAGE_MAX`]: the rest is left for the subject and the
/// message attributes.
const MESSAGE_BUDGET: usize = SNS_MESSAGE_MAX - 8 * 1024;

// AWS Chatbot (Amazon Q Developer in chat applications) custom notifications
// (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Parameter
// details" and "OpenAPI schema"): a notification over its limits is not delivered. Title and
// description are the limits of that page; the next-step and keyword limits are conservative
// choices (re-check them against the page when it changes).
/// The most characters of the Chatbot `content.title`.
pub const CHATBOT_TITLE_MAX: usize = 250;
/// The most characters of the Chatbot `content.description`.
pub const CHATBOT_DESCRIPTION_MAX: usize = 8000;
/// The most characters of one Chatbot `content.nextSteps` entry.
pub const CHATBOT_NEXT_STEP_MAX: usize = 350;
/// The most entries of the Chatbot `content.nextSteps` (the Logs Insights entry included).
pub const CHATBOT_NEXT_STEPS: usize = 5;
/// The most characters of one Chatbot `content.keywords` entry.
pub const CHATBOT_KEYWORD_MAX: usize = 75;
/// The most entries of the Chatbot `content.keywords`.
pub const CHATBOT_KEYWORDS: usize = 10;

/// Unicode general category Cf ("Other, format"; Unicode 16.0, `DerivedGeneralCategory.txt`),
/// with the whole tag block U+E0000..U+E007F: characters that are invisible yet reorder text
/// (bidi embeddings, overrides, isolates, marks), hide it (zero-width space, joiners, word
/// joiner, invisible operators, byte order mark, soft hyphen) or smuggle it (tags). Inclusive
/// ranges, in order.
pub const FORMAT_CHARS: [(char, char); 20] = [
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{0600}', '\u{0605}'),   // Arabic number signs
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark
    ('\u{06DD}', '\u{06DD}'),   // Arabic end of ayah
    ('\u{070F}', '\u{070F}'),   // Syriac abbreviation mark
    ('\u{0890}', '\u{0891}'),   // Arabic pound and piastre marks above
    ('\u{08E2}', '\u{08E2}'),   // Arabic disputed end of ayah
    ('\u{180E}', '\u{180E}'),   // Mongolian vowel separator
    ('\u{200B}', '\u{200F}'),   // zero-width space, ZWNJ, ZWJ, LRM, RLM
    ('\u{202A}', '\u{202E}'),   // bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO)
    ('\u{2060}', '\u{2064}'),   // word joiner, invisible operators
    ('\u{2066}', '\u{206F}'),   // bidi isolates (LRI, RLI, FSI, PDI), deprecated format chars
    ('\u{FEFF}', '\u{FEFF}'),   // zero-width no-break space (byte order mark)
    ('\u{FFF9}', '\u{FFFB}'),   // interlinear annotation
    ('\u{110BD}', '\u{110BD}'), // Kaithi number sign
    ('\u{110CD}', '\u{110CD}'), // Kaithi number sign above
    ('\u{13430}', '\u{1343F}'), // Egyptian hieroglyph format controls
    ('\u{1BCA0}', '\u{1BCA3}'), // shorthand format controls
    ('\u{1D173}', '\u{1D17A}'), // musical symbol format controls
    ('\u{E0000}', '\u{E007F}'), // the tag block: language tag, tag characters, cancel tag
];

/// Whether `c` is a format character ([`FORMAT_CHARS`]).
pub fn is_format_char(c: char) -> bool {
    FORMAT_CHARS.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

/// The noncharacters SQS refuses in a message (U+FFFE, U+FFFF).
fn is_refused(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// How tightly one rendering caps fields and lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    /// The most characters of an attacker-controlled field.
    field: usize,
    /// The most entries of a list (evidence, planned actions, steps, context).
    items: usize,
}

/// The rendering every ordinary alert gets.
const FULL: Limits = Limits {
    field: FIELD_MAX,
    items: usize::MAX,
};
/// Tighter renderings, in order, for alerts that would not fit in [`MESSAGE_BUDGET`]. The
/// last fits whatever the input: a few dozen fields of at most 16 characters each.
const TIGHTER: [Limits; 2] = [
    Limits {
        field: 64,
        items: 16,
    },
    Limits {
        field: 16,
        items: 4,
    },
];

/// Render the alert for a decision and its remediation report. Pure.
pub fn render(d: &Decision, r: &Report, ctx: &AlertContext) -> AlertMessage {
    let mut msg = render_within(d, r, ctx, FULL);
    for limits in TIGHTER {
        if msg.message.len() <= MESSAGE_BUDGET {
            break;
        }
        msg = render_within(d, r, ctx, limits);
    }
    msg
}

fn render_within(d: &Decision, r: &Report, ctx: &AlertContext, limits: Limits) -> AlertMessage {
    let b = Bounded::of(d, r, limits);
    let (d, r) = (&b.d, &b.r);
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    let account = d
        .subject
        .account
        .as_deref()
        .map(|a| one_line(a, FIELD_MAX))
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    let default = default_document(&b, ctx);
    let email = email_text(&b, ctx);
    let https = chatbot(&b, ctx);
    let message = json!({
        "default": default.to_string(),
        "email": email,
        "https": https.to_string(),
    })
    .to_string()
    // The noncharacters SQS refuses can only be inside strings: U+FFFD keeps the JSON valid.
    .replace(is_refused, "\u{FFFD}");
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
///
/// ASCII only: any other character (CR, LF and tabs included) becomes `?`.
pub fn subject(d: &Decision, r: &Report) -> String {
    let s = format!(
        "[driftguard] {} {} {} in {}: {}",
        d.severity.as_str().to_uppercase(),
        d.guardrail.map_or("none", |g| g.as_str()),
        d.verdict.as_str(),
        d.subject.account.as_deref().unwrap_or("unknown account"),
        outcome_phrase(r.outcome),
    );
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(SUBJECT_MAX)
        .collect()
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

/// The Logs Insights query that finds this decision's remediation record. One line: the
/// event id is made one line and capped ([`FIELD_MAX`]), quotes and backslashes dropped.
pub fn insights_query(d: &Decision) -> String {
    match &d.event_id {
        Some(id) => format!(
            "fields @timestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" and event_id = \"{}\"",
            one_line(&id.replace(['"', '\\'], ""), FIELD_MAX)
        ),
        None => "fields @timestamp, guardrail, verdict, outcome, summary | filter record = \"remediation\" | sort @timestamp desc".into(),
    }
}

fn log_group(ctx: &AlertContext) -> String {
    format!("/aws/lambda/{}", ctx.function)
}

/// `s` with at most `max` characters: a longer one keeps its first characters and ends with
/// [`CUT_MARK`]. On character boundaries, never panics.
fn cap(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_none() {
        return s.to_string();
    }
    let keep = max.saturating_sub(CUT_MARK.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(CUT_MARK);
    out
}

/// Cut a long error in the middle: its start says what failed and its end says what to do
/// (driftguard's errors end with the remedy), so both are kept around the cut mark.
fn cap_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let mark = " … [cut] … ";
    let room = max.saturating_sub(mark.chars().count());
    let tail = room / 3;
    let head = room - tail;
    let mut out: String = s.chars().take(head).collect();
    out.push_str(mark);
    out.extend(s.chars().skip(n - tail));
    out
}

/// The most characters of an error or a step's detail: driftguard's own words around the
/// service's message, so longer than an attacker field (shrinks with it when a message must
/// be cut to fit).
fn error_max(field: usize) -> usize {
    OWN_TEXT_MAX.min(field.saturating_mul(4))
}

fn cap_opt(s: &Option<String>, max: usize) -> Option<String> {
    s.as_deref().map(|s| cap(s, max))
}

/// The Chatbot description: `head` then `tail`, at most [`CHATBOT_DESCRIPTION_MAX`]
/// characters. Over it, `head` loses whole lines from its end and a [`CUT_MARK`] line takes
/// their place: the tail (what driftguard did, the error) is kept.
fn description(head: &str, tail: &str) -> String {
    let whole = format!("{head}{tail}");
    if whole.chars().nth(CHATBOT_DESCRIPTION_MAX).is_none() {
        return whole;
    }
    let cut_line = format!("{CUT_MARK}\n");
    let room =
        CHATBOT_DESCRIPTION_MAX.saturating_sub(tail.chars().count() + cut_line.chars().count());
    let kept: String = head.chars().take(room).collect();
    let kept = kept
        .rfind('\n')
        .and_then(|i| kept.get(..=i))
        .unwrap_or_default();
    cap(&format!("{kept}{cut_line}{tail}"), CHATBOT_DESCRIPTION_MAX)
}

/// The untrusted text as one line that shows what it holds, at most `max` characters:
/// control characters and the line and paragraph separators become spaces, format characters
/// ([`FORMAT_CHARS`]) and U+FFFE/U+FFFF become a visible `[U+XXXX]`.
fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0usize;
    for c in s.chars() {
        if n > max {
            break; // it will be cut: the rest cannot show
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push(' ');
            n += 1;
        } else if is_format_char(c) || is_refused(c) {
            let shown = format!("[U+{:04X}]", u32::from(c));
            n += shown.chars().count();
            out.push_str(&shown);
        } else {
            out.push(c);
            n += 1;
        }
    }
    cap(&out, max)
}

/// Make an untrusted string inert in plain text: one line with every character visible
/// (control characters and U+2028/U+2029 become spaces, format characters `[U+XXXX]`), at
/// most [`FIELD_MAX`] characters (a cut one ends with [`CUT_MARK`]), and nothing a mail
/// client would turn into a link or an address.
pub fn plain_inert(s: &str) -> String {
    plain(s, FIELD_MAX)
}

fn plain(s: &str, max: usize) -> String {
    let defanged = one_line(s, max)
        .replace("://", "[:]//")
        .replace('@', "[at]");
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

/// Make an untrusted string inert in Slack mrkdwn: one line with every character visible (as
/// [`plain_inert`]), at most [`FIELD_MAX`] characters before escaping; escape `&`, `<`, `>`
/// (so no `<url>`, `<@U…>` or `<!channel>`), replace backticks, follow every `@` with a
/// zero-width space (no `@here`), and present it as inline code, which Slack never links or
/// formats.
pub fn slack_inert(s: &str) -> String {
    slack(s, FIELD_MAX)
}

fn slack(s: &str, max: usize) -> String {
    let escaped = one_line(s, max)
        .replace('`', "'")
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

/// A label or driftguard's own sentence in Slack mrkdwn, outside inline code: one line,
/// without `<`, `>`, `&`, backticks and the characters in `drop`, every `@` followed by a
/// zero-width space.
fn slack_text(s: &str, max: usize, drop: &[char]) -> String {
    one_line(s, max)
        .replace(['<', '>', '&', '`'], "")
        .replace(drop, "")
        .replace('@', "@\u{200b}")
}

/// Whether the decision names a caller (findings and service events do not).
fn has_actor(d: &Decision) -> bool {
    d.actor.arn.is_some() || d.actor.identity_type.is_some() || d.actor.source_ip.is_some()
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("unknown")
}

/// A decision and report with every string capped and every list cut to the limits: what
/// all three formats render.
#[derive(Debug)]
struct Bounded {
    d: Decision,
    r: Report,
    limits: Limits,
    /// Entries each list left out.
    evidence_cut: usize,
    planned_cut: usize,
    steps_cut: usize,
    context_cut: usize,
}

impl Bounded {
    fn of(d: &Decision, r: &Report, limits: Limits) -> Bounded {
        let f = limits.field;
        let pairs = |v: &[(String, String)]| -> Vec<(String, String)> {
            v.iter()
                .take(limits.items)
                .map(|(k, v)| (cap(k, f), cap(v, f)))
                .collect()
        };
        // Every field named, so that a new one must be decided on here.
        let Decision {
            guardrail,
            verdict,
            severity,
            summary,
            reason,
            event_id,
            event_source,
            event_name,
            event_time,
            subject,
            actor,
            evidence,
            respond,
            planned,
            disposition,
        } = d;
        let d = Decision {
            guardrail: *guardrail,
            verdict: *verdict,
            severity: *severity,
            summary: cap(summary, f),
            reason: cap(reason, f),
            event_id: cap_opt(event_id, f),
            event_source: cap_opt(event_source, f),
            event_name: cap_opt(event_name, f),
            event_time: cap_opt(event_time, f),
            subject: Subject {
                account: cap_opt(&subject.account, f),
                region: cap_opt(&subject.region, f),
                resource: cap_opt(&subject.resource, f),
            },
            actor: Actor {
                identity_type: cap_opt(&actor.identity_type, f),
                arn: cap_opt(&actor.arn, f),
                issuer_arn: cap_opt(&actor.issuer_arn, f),
                account: cap_opt(&actor.account, f),
                source_ip: cap_opt(&actor.source_ip, f),
                user_agent: cap_opt(&actor.user_agent, f),
            },
            evidence: pairs(evidence),
            respond: cap_opt(respond, OWN_TEXT_MAX),
            // Actions are typed; their text is capped where it is shown.
            planned: planned.iter().take(limits.items).cloned().collect(),
            disposition: match disposition {
                Disposition::Exempt {
                    principal_pattern,
                    reason,
                    expires,
                } => Disposition::Exempt {
                    principal_pattern: cap(principal_pattern, f),
                    reason: cap(reason, f),
                    expires: cap_opt(expires, f),
                },
                other => other.clone(),
            },
        };
        let report = Report {
            outcome: r.outcome,
            steps: r
                .steps
                .iter()
                .take(limits.items)
                .map(|s| StepResult {
                    action: cap(&s.action, f),
                    status: s.status,
                    detail: cap_middle(&s.detail, error_max(f)),
                })
                .collect(),
            error: r.error.as_deref().map(|e| cap_middle(e, error_max(f))),
            context: pairs(&r.context),
        };
        Bounded {
            evidence_cut: evidence.len().saturating_sub(d.evidence.len()),
            planned_cut: planned.len().saturating_sub(d.planned.len()),
            steps_cut: r.steps.len().saturating_sub(report.steps.len()),
            context_cut: r.context.len().saturating_sub(report.context.len()),
            d,
            r: report,
            limits,
        }
    }
}

/// The line that stands for the `n` entries a list left out.
fn omitted(n: usize) -> String {
    format!("{CUT_MARK}: {n} more")
}

/// The `default` document: the decision's view (the same fields as the remediation record)
/// plus what people and tools need to act on it.
fn default_document(b: &Bounded, ctx: &AlertContext) -> Value {
    let (d, r, f) = (&b.d, &b.r, b.limits.field);
    let mut view = DecisionView::of(d);
    // Planned actions name trails, accounts and policies: their text is capped too.
    for a in view.planned.iter_mut().chain(view.actions.iter_mut()) {
        *a = cap(a, f);
    }
    let mut doc = serde_json::to_value(view).unwrap_or_else(|_| json!({}));
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
                "function": cap(&ctx.function, FIELD_MAX),
                "log_group": cap(&log_group(ctx), FIELD_MAX),
                "request_id": cap_opt(&ctx.request_id, FIELD_MAX),
                "insights_query": insights_query(d),
            },
        });
        if let Value::Object(extra) = extra {
            obj.extend(extra);
        }
        if b.limits != FULL {
            obj.insert(
                "cut".into(),
                json!({
                    "field_max": b.limits.field,
                    "list_max": b.limits.items,
                    "omitted": {
                        "evidence": b.evidence_cut,
                        "planned": b.planned_cut,
                        "steps": b.steps_cut,
                        "context": b.context_cut,
                    },
                }),
            );
        }
    }
    doc
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

fn step_status(s: &StepResult) -> String {
    serde_json::to_value(s.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn email_text(b: &Bounded, ctx: &AlertContext) -> String {
    let (d, r, f) = (&b.d, &b.r, b.limits.field);
    // Inert and capped, for values; one line and capped, for labels and values a mail client
    // has no reason to link (event sources, times, driftguard's own sentences).
    let inert = |s: &str| plain(s, f);
    let line = |s: &str| one_line(s, f);
    let mut t = String::new();
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    t.push_str(&format!(
        "driftguard: {} {} of guardrail {}\n\n",
        d.severity.as_str().to_uppercase(),
        d.verdict.as_str(),
        guardrail
    ));
    t.push_str(&format!("What happened: {}\n", inert(&d.summary)));
    t.push_str(&format!("Why it matters: {}\n", inert(&d.reason)));
    if let Some(respond) = &d.respond {
        t.push_str(&format!(
            "First response: {}\n",
            plain(respond, OWN_TEXT_MAX)
        ));
    }
    if has_actor(d) {
        t.push_str(&format!(
            "Who: {} ({})\n",
            inert(opt(&d.actor.arn)),
            inert(opt(&d.actor.identity_type))
        ));
        t.push_str(&format!("Source IP: {}\n", inert(opt(&d.actor.source_ip))));
        t.push_str(&format!(
            "User agent: {}\n",
            inert(opt(&d.actor.user_agent))
        ));
    }
    t.push_str(&format!(
        "Where: account {}, region {}, resource {}\n",
        inert(opt(&d.subject.account)),
        inert(opt(&d.subject.region)),
        inert(opt(&d.subject.resource))
    ));
    t.push_str(&format!(
        "Event: {} {} at {} (event id {})\n",
        line(opt(&d.event_source)),
        inert(opt(&d.event_name)),
        line(opt(&d.event_time)),
        inert(opt(&d.event_id))
    ));
    for (k, v) in &d.evidence {
        t.push_str(&format!("Evidence: {}: {}\n", line(k), inert(v)));
    }
    if b.evidence_cut > 0 {
        t.push_str(&format!("Evidence: {}\n", omitted(b.evidence_cut)));
    }
    for (k, v) in &r.context {
        t.push_str(&format!("Context: {}: {}\n", line(k), inert(v)));
    }
    if b.context_cut > 0 {
        t.push_str(&format!("Context: {}\n", omitted(b.context_cut)));
    }
    t.push_str(&format!(
        "\nWhat driftguard did: {}\n",
        one_line(&what_driftguard_did(d, r), OWN_TEXT_MAX)
    ));
    if !d.planned.is_empty() {
        t.push_str("Planned actions:\n");
        for a in &d.planned {
            t.push_str(&format!("  - {}\n", inert(&a.to_string())));
        }
        if b.planned_cut > 0 {
            t.push_str(&format!("  - {}\n", omitted(b.planned_cut)));
        }
    }
    if !r.steps.is_empty() {
        t.push_str("Steps:\n");
        for s in &r.steps {
            t.push_str(&format!(
                "  - {}: {} ({})\n",
                inert(&s.action),
                step_status(s),
                plain(&s.detail, error_max(f))
            ));
        }
        if b.steps_cut > 0 {
            t.push_str(&format!("  - {}\n", omitted(b.steps_cut)));
        }
    }
    if let Some(e) = &r.error {
        t.push_str(&format!("Error: {}\n", plain(e, error_max(f))));
    }
    t.push_str(&format!("Outcome: {}\n", r.outcome.as_str()));
    t.push_str(&format!(
        "\nThe log line: CloudWatch Logs Insights, log group {}{}:\n  {}\n",
        one_line(&log_group(ctx), FIELD_MAX),
        ctx.request_id
            .as_deref()
            .map(|id| format!(" (request {})", one_line(id, FIELD_MAX)))
            .unwrap_or_default(),
        insights_query(d)
    ));
    t
}

fn chatbot(b: &Bounded, ctx: &AlertContext) -> Value {
    let (d, r, f) = (&b.d, &b.r, b.limits.field);
    let code = |s: &str| slack(s, f);
    let guardrail = d.guardrail.map_or("none", |g| g.as_str());
    let title = format!(
        ":rotating_light: driftguard {} {}: {} in {}",
        d.severity.as_str().to_uppercase(),
        d.verdict.as_str(),
        guardrail,
        // The account comes from the event: escaped like any other field.
        code(d.subject.account.as_deref().unwrap_or("unknown account")),
    );
    // The description's lines before its last ones (what driftguard did, the error), which
    // are cut first when the whole is over Chatbot's limit.
    let mut head = String::new();
    head.push_str(&format!("*What happened:* {}\n", code(&d.summary)));
    if has_actor(d) {
        head.push_str(&format!(
            "*Who:* {} from {}\n",
            code(opt(&d.actor.arn)),
            code(opt(&d.actor.source_ip))
        ));
        head.push_str(&format!(
            "*User agent:* {}\n",
            code(opt(&d.actor.user_agent))
        ));
    }
    head.push_str(&format!(
        "*Where:* {} / {} / {}\n",
        code(opt(&d.subject.account)),
        code(opt(&d.subject.region)),
        code(opt(&d.subject.resource))
    ));
    for (k, v) in d.evidence.iter().chain(&r.context) {
        head.push_str(&format!("*{}:* {}\n", slack_text(k, f, &['*']), code(v)));
    }
    if b.evidence_cut + b.context_cut > 0 {
        head.push_str(&format!("*{}*\n", omitted(b.evidence_cut + b.context_cut)));
    }
    if let Some(respond) = &d.respond {
        head.push_str(&format!(
            "*First response:* {}\n",
            slack_text(respond, OWN_TEXT_MAX, &['*', '@'])
        ));
    }
    let mut tail = format!(
        "*driftguard:* {} Outcome: *{}*",
        slack_text(&what_driftguard_did(d, r), OWN_TEXT_MAX, &[]),
        r.outcome.as_str()
    );
    if let Some(e) = &r.error {
        tail.push_str(&format!("\n*Error:* {}", slack(e, error_max(f))));
    }
    let desc = description(&head, &tail);
    let steps: Vec<String> = r
        .steps
        .iter()
        .map(|s| format!("{} - {}", code(&s.action), step_status(s)))
        .collect();
    let shown_steps = CHATBOT_NEXT_STEPS - 1; // the Logs Insights entry is the last
    let total_steps = steps.len() + b.steps_cut;
    let mut next_steps: Vec<String> = if total_steps <= shown_steps {
        steps
    } else {
        let keep = shown_steps.saturating_sub(1);
        let mut v: Vec<String> = steps.into_iter().take(keep).collect();
        v.push(omitted(total_steps.saturating_sub(keep)));
        v
    };
    next_steps.push(format!(
        "Logs Insights on {}: {}",
        slack_inert(&log_group(ctx)),
        slack_inert(&insights_query(d))
    ));
    let next_steps: Vec<String> = next_steps
        .iter()
        .map(|s| cap(s, CHATBOT_NEXT_STEP_MAX))
        .collect();
    let keywords: Vec<String> = [
        guardrail,
        d.severity.as_str(),
        d.verdict.as_str(),
        r.outcome.as_str(),
    ]
    .iter()
    .take(CHATBOT_KEYWORDS)
    .map(|k| cap(k, CHATBOT_KEYWORD_MAX))
    .collect();
    json!({
        "version": "1.0",
        "source": "custom",
        "id": d.event_id,
        "content": {
            "textType": "client-markdown",
            "title": cap(&title, CHATBOT_TITLE_MAX),
            "description": desc,
            "nextSteps": next_steps,
            "keywords": keywords,
        },
        "metadata": {
            "threadId": d.event_id.clone().unwrap_or_default(),
            "summary": format!("driftguard {guardrail} {} {}", d.verdict.as_str(), r.outcome.as_str()),
            "eventType": guardrail,
            "additionalContext": {
                "account": d.subject.account.as_deref().map(|a| cap(&slack_text(a, f, &[]), f)),
                "region": d.subject.region.as_deref().map(|a| cap(&slack_text(a, f, &[]), f)),
                "severity": d.severity.as_str(),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Action;
    use crate::guardrails::trail::{TrailAction, TrailRef};
    use crate::ids::{AccountId, Region};
    use crate::model::{GuardrailId, Severity, Verdict};
    use crate::outcome::StepStatus;
    use crate::{NoDocuments, Policy, decide_all, decode_event};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    /// The three bodies of a rendered message.
    struct Parts {
        default: Value,
        email: String,
        slack: Value,
    }

    fn parts(m: &AlertMessage) -> Parts {
        let body: Value = serde_json::from_str(&m.message).unwrap();
        Parts {
            default: serde_json::from_str(body["default"].as_str().unwrap()).unwrap(),
            email: body["email"].as_str().unwrap().to_string(),
            slack: serde_json::from_str(body["https"].as_str().unwrap()).unwrap(),
        }
    }

    fn ctx() -> AlertContext {
        AlertContext {
            function: "trail-guard".into(),
            request_id: Some("5b0e8f6a-0000-4000-8000-000000000001".into()),
        }
    }

    fn trail(name: &str) -> Action {
        Action::Trail(TrailAction::StartLogging {
            trail: TrailRef {
                name: name.into(),
                account: AccountId::parse("111111111111").unwrap(),
                region: Region::parse("us-east-1").unwrap(),
            },
        })
    }

    /// A failed remediation of a stopped trail, every field set.
    fn sample() -> (Decision, Report) {
        let d = Decision {
            guardrail: Some(GuardrailId::TrailTampering),
            verdict: Verdict::Violation,
            severity: Severity::Critical,
            summary: "Logging was stopped on trail `org-trail`".into(),
            reason: "the baseline requires the trail to log".into(),
            event_id: Some("e5180838-5e8c-4d21-92fe-8528f26f0d6d".into()),
            event_source: Some("cloudtrail.amazonaws.com".into()),
            event_name: Some("StopLogging".into()),
            event_time: Some("2026-11-23T10:15:42Z".into()),
            subject: Subject {
                account: Some("111111111111".into()),
                region: Some("us-east-1".into()),
                resource: Some("org-trail".into()),
            },
            actor: Actor {
                identity_type: Some("IAMUser".into()),
                arn: Some("arn:aws:iam::111111111111:user/dev-carol".into()),
                issuer_arn: None,
                account: Some("111111111111".into()),
                source_ip: Some("198.51.100.61".into()),
                user_agent: Some("aws-cli/2.17.42".into()),
            },
            evidence: vec![("trail".into(), "org-trail".into())],
            respond: Some("Find out who stopped the trail and why.".into()),
            planned: vec![trail("org-trail")],
            disposition: Disposition::Remediate,
        };
        let steps = d
            .planned
            .iter()
            .map(|a| StepResult::new(a, StepStatus::Failed, "AccessDenied"))
            .collect();
        let r = Report::from_steps(steps, Some("AccessDenied: check the role".into()));
        (d, r)
    }

    /// The characters the brief names (an independent check of [`FORMAT_CHARS`]).
    fn named_format_char(c: char) -> bool {
        matches!(c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
    }

    fn longest_run(s: &str, c: char) -> usize {
        s.split(|x| x != c).map(str::len).max().unwrap_or(0)
    }

    fn total_size(m: &AlertMessage) -> usize {
        m.message.len()
            + m.subject.len()
            + m.attributes
                .iter()
                .map(|(k, v)| k.len() + v.len() + "String".len())
                .sum::<usize>()
    }

    #[test]
    fn slack_strings_are_inert() {
        assert_eq!(slack_inert("<!channel> hi"), "`&lt;!channel&gt; hi`");
        assert_eq!(slack_inert("a`b\nc"), "`a'b c`");
        assert!(!slack_inert("<https://evil.example|click>").contains('<'));
        assert_eq!(slack_inert("@here"), "`@\u{200b}here`");
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

    #[test]
    fn format_characters_and_separators_show_instead_of_acting() {
        // A right-to-left override would show `exe.txt` as `txt.exe`; a soft hyphen would make
        // `pro\u{AD}d` read `prod`; U+2028 would start a line.
        assert_eq!(
            plain_inert("invoice\u{202E}txt.exe"),
            "invoice[U+202E]txt[.]exe"
        );
        assert_eq!(slack_inert("pro\u{AD}d"), "`pro[U+00AD]d`");
        assert_eq!(slack_inert("a\u{2028}b\u{2029}c\u{85}d"), "`a b c d`");
        assert_eq!(
            plain_inert("x\u{200B}\u{2066}\u{FEFF}\u{E0041}\u{FFFF}y"),
            "x[U+200B][U+2066][U+FEFF][U+E0041][U+FFFF]y"
        );
        // A zero-width space cannot hide a link from the defanging either.
        assert_eq!(
            plain_inert("https:\u{200B}//evil.example"),
            "https:[U+200B]//evil[.]example"
        );
    }

    #[test]
    fn the_format_table_is_category_cf_in_order() {
        let mut last = None;
        for &(lo, hi) in &FORMAT_CHARS {
            assert!(lo <= hi, "{lo:?}..{hi:?}");
            assert!(last.is_none_or(|l| l < lo), "out of order at {lo:?}");
            last = Some(hi);
        }
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if named_format_char(c) {
                assert!(is_format_char(c), "{c:?} is Cf");
            }
        }
        for c in [
            'a', ' ', '\u{A0}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{3000}', 'é',
        ] {
            assert!(!is_format_char(c), "{c:?} is not Cf");
        }
        let cf = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_format_char(c))
            .count();
        // Unicode 16.0 has 170 Cf code points; the tag block adds its 31 unassigned ones.
        assert_eq!(cf, 170 + 31);
    }

    #[test]
    fn fields_are_cut_on_character_boundaries_and_marked() {
        let long = "é".repeat(FIELD_MAX + 1);
        let cut = cap(&long, FIELD_MAX);
        assert_eq!(cut.chars().count(), FIELD_MAX);
        assert!(cut.ends_with(CUT_MARK));
        let exact = "😀".repeat(FIELD_MAX);
        assert_eq!(cap(&exact, FIELD_MAX), exact);
        assert_eq!(plain_inert(&"a".repeat(1000)).chars().count(), FIELD_MAX);
        assert!(slack_inert(&"a".repeat(1000)).ends_with("… [cut]`"));
        // Format characters count as what is shown.
        let shown = one_line(&"\u{202E}".repeat(100), FIELD_MAX);
        assert_eq!(shown.chars().count(), FIELD_MAX);
        assert!(shown.starts_with("[U+202E][U+202E]") && shown.ends_with(CUT_MARK));
    }

    #[test]
    fn ordinary_alerts_are_unchanged() {
        // Short ordinary fields: nothing cut, nothing marked, no tighter rendering.
        let (d, r) = sample();
        let m = render(&d, &r, &ctx());
        assert_eq!(m, render_within(&d, &r, &ctx(), FULL));
        assert!(!m.message.contains(CUT_MARK));
        let p = parts(&m);
        assert!(p.default.get("cut").is_none());
        assert_eq!(
            p.slack["content"]["description"],
            "*What happened:* `Logging was stopped on trail 'org-trail'`\n\
             *Who:* `arn:aws:iam::111111111111:user/dev-carol` from `198.51.100.61`\n\
             *User agent:* `aws-cli/2.17.42`\n\
             *Where:* `111111111111` / `us-east-1` / `org-trail`\n\
             *trail:* `org-trail`\n\
             *First response:* Find out who stopped the trail and why.\n\
             *driftguard:* Tried to remediate and FAILED: the resource may still be out of policy. Act now. Outcome: *failed*\n\
             *Error:* `AccessDenied: check the role`"
        );
        assert!(p.email.contains(
            "Steps:\n  - cloudtrail:StartLogging trail org-trail in 111111111111/us-east-1: failed (AccessDenied)\n"
        ));
    }

    /// A trail stopped with a 10 KB name and a remediation that failed quoting it: the name
    /// is in the summary, the resource, the evidence, the planned action and the step, the
    /// step's detail and the error, in all three formats.
    #[test]
    fn a_10_kb_trail_name_is_cut_and_marked() {
        let policy = Policy::parse(
            "management_account = \"111111111111\"\naudit_account = \"222222222222\"\n\
             regions = [\"us-east-1\"]\n[trail]\nscope = \"all\"\n",
            "p.toml",
            &NoDocuments,
        )
        .unwrap();
        let name = format!("t{}", "x".repeat(10 * 1024));
        let event = json!({
            "eventVersion": "1.10",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::444444444444:user/mallory",
                             "accountId": "444444444444"},
            "eventTime": "2026-11-23T10:15:42Z",
            "eventSource": "cloudtrail.amazonaws.com",
            "eventName": "StopLogging",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.61",
            "userAgent": "aws-cli/2.17.42",
            "requestParameters": {"name": name},
            "eventID": "e5180838-5e8c-4d21-92fe-8528f26f0d6d",
            "recipientAccountId": "444444444444",
        });
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = decide_all(&decode_event(&event).unwrap(), &policy, today).remove(0);
        assert_eq!(d.verdict, Verdict::Violation, "{d:?}");
        assert!(!d.planned.is_empty());
        let steps = d
            .planned
            .iter()
            .map(|a| {
                StepResult::new(
                    a,
                    StepStatus::Failed,
                    format!("TrailNotFoundException: Unknown trail: {name}"),
                )
            })
            .collect();
        let r = Report::from_steps(steps, Some(format!("StartLogging of {name} failed")));
        // Uncapped, this alert was ~87 KB.
        let m = render(&d, &r, &ctx());
        assert!(m.message.len() < 32 * 1024, "{} bytes", m.message.len());
        let p = parts(&m);
        let default = p.default.to_string();
        let slack = p.slack.to_string();
        for (format, text) in [
            ("default", &default),
            ("email", &p.email),
            ("https", &slack),
        ] {
            // Errors and step details keep up to error_max characters (their remedy is at
            // the end); every other field at most FIELD_MAX.
            assert!(
                longest_run(text, 'x') < error_max(FIELD_MAX),
                "{format} keeps more than {} characters of the name",
                error_max(FIELD_MAX)
            );
            assert!(
                text.matches(CUT_MARK).count() >= 5,
                "{format} does not mark the cuts"
            );
        }
        assert!(p.email.contains(&format!(
            "resource t{}{CUT_MARK}\n",
            "x".repeat(FIELD_MAX - 8)
        )));
        assert_eq!(
            p.default["resource"],
            format!("t{}{CUT_MARK}", "x".repeat(FIELD_MAX - 8))
        );
    }

    #[test]
    fn the_chatbot_description_keeps_its_last_lines_within_the_limit() {
        let (mut d, r) = sample();
        d.evidence = (0..80)
            .map(|i| (format!("weakened {i}"), "w".repeat(200)))
            .collect();
        let m = render(&d, &r, &ctx());
        let p = parts(&m);
        let desc = p.slack["content"]["description"].as_str().unwrap();
        assert!(desc.chars().count() <= CHATBOT_DESCRIPTION_MAX);
        assert!(desc.starts_with("*What happened:* `Logging was stopped"));
        assert!(desc.contains(&format!("`\n{CUT_MARK}\n*driftguard:* Tried to remediate")));
        assert!(desc.ends_with("Outcome: *failed*\n*Error:* `AccessDenied: check the role`"));
        // Whole lines only: the line before the cut is complete.
        assert!(desc.contains(&format!("*weakened 20:* `{}`\n", "w".repeat(200))));
        // The email and the machine document have every entry.
        assert!(p.email.contains("Evidence: weakened 79: "));
        assert_eq!(p.default["evidence"].as_array().unwrap().len(), 80);
    }

    #[test]
    fn next_steps_and_keywords_stay_within_chatbot_limits() {
        let (mut d, _) = sample();
        d.planned = (0..9).map(|i| trail(&format!("trail-{i}"))).collect();
        let steps = d
            .planned
            .iter()
            .map(|a| StepResult::new(a, StepStatus::Done, "written"))
            .collect();
        let r = Report::from_steps(steps, None);
        let p = parts(&render(&d, &r, &ctx()));
        let next: Vec<&str> = p.slack["content"]["nextSteps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(next.len(), CHATBOT_NEXT_STEPS);
        assert!(next[0].starts_with("`cloudtrail:StartLogging trail trail-0 "));
        assert_eq!(next[3], format!("{CUT_MARK}: 6 more"));
        assert!(next[4].starts_with("Logs Insights on "));
        let keywords = p.slack["content"]["keywords"].as_array().unwrap();
        assert!(keywords.len() <= CHATBOT_KEYWORDS);
        // Four steps fit as they are.
        let (mut d, _) = sample();
        d.planned = (0..4).map(|i| trail(&format!("trail-{i}"))).collect();
        let steps = d
            .planned
            .iter()
            .map(|a| StepResult::new(a, StepStatus::Done, "written"))
            .collect();
        let p = parts(&render(&d, &Report::from_steps(steps, None), &ctx()));
        assert_eq!(p.slack["content"]["nextSteps"].as_array().unwrap().len(), 5);
        assert!(!p.slack.to_string().contains(CUT_MARK));
    }

    /// Long fields in long lists: the full rendering would pass SNS's limit, a tighter one
    /// is sent, and says so.
    #[test]
    fn an_alert_too_big_for_sns_is_rendered_tighter() {
        let (mut d, _) = sample();
        let huge = "\"".repeat(20_000);
        d.summary = huge.clone();
        d.evidence = (0..300).map(|_| (huge.clone(), huge.clone())).collect();
        d.planned = (0..300).map(|_| trail(&huge)).collect();
        let steps = d
            .planned
            .iter()
            .map(|a| StepResult::new(a, StepStatus::Failed, huge.clone()))
            .collect();
        let mut r = Report::from_steps(steps, Some(huge.clone()));
        r.context = (0..300).map(|_| (huge.clone(), huge.clone())).collect();
        assert!(
            render_within(&d, &r, &ctx(), FULL).message.len() > SNS_MESSAGE_MAX,
            "the case must need the fallback"
        );
        let m = render(&d, &r, &ctx());
        assert!(total_size(&m) < SNS_MESSAGE_MAX, "{} bytes", total_size(&m));
        let p = parts(&m);
        let cut = &p.default["cut"];
        assert!(
            cut["field_max"].as_u64().unwrap() < FIELD_MAX as u64,
            "{cut}"
        );
        assert_eq!(
            cut["omitted"]["evidence"].as_u64().unwrap() + cut["list_max"].as_u64().unwrap(),
            300
        );
        assert!(p.email.contains(&format!("Evidence: {CUT_MARK}: ")));
        assert!(p.email.contains(&format!("  - {CUT_MARK}: ")));
        assert!(p.default["summary"].as_str().unwrap().ends_with(CUT_MARK));
    }

    #[test]
    fn the_subject_has_no_line_breaks() {
        let (mut d, r) = sample();
        d.subject.account = Some("1\r\nBcc: victim@example.com\n\u{2028}\u{202E}".into());
        let s = subject(&d, &r);
        assert!(s.is_ascii() && !s.contains(['\r', '\n']), "{s:?}");
        assert!(s.starts_with("[driftguard] CRITICAL trail-tampering violation in 1??Bcc: "));
        d.subject.account = Some("9".repeat(500));
        assert_eq!(subject(&d, &r).len(), SUBJECT_MAX);
    }

    #[test]
    fn attributes_are_one_line_and_never_empty() {
        let (mut d, r) = sample();
        d.subject.account = Some(String::new());
        assert_eq!(render(&d, &r, &ctx()).attributes["account"], "unknown");
        d.subject.account = Some(format!("1\n2\u{202E}{}", "3".repeat(1000)));
        let a = &render(&d, &r, &ctx()).attributes["account"];
        assert!(
            a.starts_with("1 2[U+202E]333") && a.ends_with(CUT_MARK),
            "{a}"
        );
        assert!(a.chars().count() <= FIELD_MAX);
    }

    #[test]
    fn noncharacters_sqs_refuses_never_reach_the_message() {
        let (mut d, r) = sample();
        d.summary = "a\u{FFFF}b\u{FFFE}".into();
        d.actor.issuer_arn = Some("\u{FFFF}".into());
        let m = render(&d, &r, &ctx());
        assert!(!m.message.contains(['\u{FFFE}', '\u{FFFF}']));
        assert_eq!(parts(&m).default["summary"], "a\u{FFFD}b\u{FFFD}");
    }

    // The property: whatever the attacker writes in any field, every format stays inert and
    // within its limits.

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop_oneof![
                Just("<!channel>"),
                Just("<!here|here>"),
                Just("<https://x|y>"),
                Just("<@U024BE7LH>"),
                Just("@here"),
                Just("@channel"),
                Just("@everyone"),
                Just("`"),
                Just("```"),
                Just("\r\n"),
                Just("\n"),
                Just("\r"),
                Just("\t"),
                Just("\u{85}"),
                Just("\u{202E}"),
                Just("\u{2066}"),
                Just("\u{2028}"),
                Just("\u{2029}"),
                Just("\u{200B}"),
                Just("\u{200D}"),
                Just("\u{FEFF}"),
                Just("\u{AD}"),
                Just("\u{E0041}"),
                Just("\u{FFFF}"),
                Just("&amp;"),
                Just("*bold* _it_ ~s~"),
                Just("https://evil.example/login"),
                Just("root@example.com"),
                Just("\"\\"),
                Just("… [cut]"),
                Just("é😀"),
            ]
            .prop_map(str::to_string),
            "[a-zA-Z0-9 ./:@<>-]{0,12}",
            any::<char>().prop_map(String::from),
            any::<String>(),
        ]
    }

    fn nasty() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => prop::collection::vec(piece(), 0..8).prop_map(|v| v.concat()),
            1 => (piece(), 1usize..1500).prop_map(|(p, n)| p.repeat(n)),
        ]
    }

    type Pairs = Vec<(String, String)>;

    fn build(
        s: &[String],
        evidence: Pairs,
        names: &[String],
        steps: &Pairs,
        context: Pairs,
        bits: u8,
    ) -> (Decision, Report) {
        let (mut d, _) = sample();
        d.summary = s[0].clone();
        d.reason = s[1].clone();
        d.event_id = Some(s[2].clone());
        d.event_source = Some(s[3].clone());
        d.event_name = Some(s[4].clone());
        d.event_time = Some(s[5].clone());
        d.subject = Subject {
            account: Some(s[6].clone()),
            region: Some(s[7].clone()),
            resource: Some(s[8].clone()),
        };
        d.actor = if bits & 1 == 0 {
            Actor {
                identity_type: Some(s[9].clone()),
                arn: Some(s[10].clone()),
                issuer_arn: Some(s[11].clone()),
                account: Some(s[12].clone()),
                source_ip: Some(s[13].clone()),
                user_agent: Some(s[14].clone()),
            }
        } else {
            Actor::default()
        };
        d.evidence = evidence;
        d.respond = Some(s[15].clone());
        d.planned = names.iter().map(|n| trail(n)).collect();
        d.disposition = match (bits >> 1) % 4 {
            0 => Disposition::None,
            1 => Disposition::Remediate,
            2 => Disposition::Notify,
            _ => Disposition::Exempt {
                principal_pattern: s[16].clone(),
                reason: s[17].clone(),
                expires: Some(s[18].clone()),
            },
        };
        let error = (bits & 8 != 0).then(|| s[19].clone());
        let mut r = if steps.is_empty() {
            let mut r = Report::without_steps(Outcome::None);
            r.error = error;
            r
        } else {
            Report::from_steps(
                steps
                    .iter()
                    .map(|(action, detail)| StepResult {
                        action: action.clone(),
                        status: StepStatus::Failed,
                        detail: detail.clone(),
                    })
                    .collect(),
                error,
            )
        };
        r.context = context;
        (d, r)
    }

    /// The same decision with every string `x` (empty ones kept empty): the shape of the
    /// alert without the attacker's text.
    fn twin(d: &Decision, r: &Report) -> (Decision, Report) {
        let x = |s: &String| {
            if s.is_empty() {
                String::new()
            } else {
                "x".into()
            }
        };
        let xo = |s: &Option<String>| s.as_ref().map(x);
        let xp = |v: &Pairs| v.iter().map(|(k, v)| (x(k), x(v))).collect();
        let mut t = d.clone();
        t.summary = x(&d.summary);
        t.reason = x(&d.reason);
        t.event_id = xo(&d.event_id);
        t.event_source = xo(&d.event_source);
        t.event_name = xo(&d.event_name);
        t.event_time = xo(&d.event_time);
        t.subject = Subject {
            account: xo(&d.subject.account),
            region: xo(&d.subject.region),
            resource: xo(&d.subject.resource),
        };
        t.actor = Actor {
            identity_type: xo(&d.actor.identity_type),
            arn: xo(&d.actor.arn),
            issuer_arn: xo(&d.actor.issuer_arn),
            account: xo(&d.actor.account),
            source_ip: xo(&d.actor.source_ip),
            user_agent: xo(&d.actor.user_agent),
        };
        t.evidence = xp(&d.evidence);
        t.respond = xo(&d.respond);
        t.planned = d.planned.iter().map(|_| trail("x")).collect();
        if let Disposition::Exempt {
            principal_pattern,
            reason,
            expires,
        } = &d.disposition
        {
            t.disposition = Disposition::Exempt {
                principal_pattern: x(principal_pattern),
                reason: x(reason),
                expires: xo(expires),
            };
        }
        let mut u = r.clone();
        for s in &mut u.steps {
            s.action = x(&s.action);
            s.detail = x(&s.detail);
        }
        u.error = xo(&r.error);
        u.context = xp(&r.context);
        (t, u)
    }

    /// Slack text: no `<` or `>` (no link, mention or command), no `@here`/`@channel`/
    /// `@everyone`, no control character (but the description's own line breaks), no line or
    /// paragraph separator, no format character but the zero-width space after an `@`.
    fn check_slack(what: &str, s: &str, lines: bool) -> Result<(), TestCaseError> {
        prop_assert!(!s.contains(['<', '>']), "{what}: angle bracket in {s:?}");
        let lower = s.to_lowercase();
        for mention in ["@here", "@channel", "@everyone"] {
            prop_assert!(!lower.contains(mention), "{what}: {mention} in {s:?}");
        }
        let mut prev = None;
        for c in s.chars() {
            prop_assert!(
                !c.is_control() || (lines && c == '\n'),
                "{what}: control {c:?} in {s:?}"
            );
            prop_assert!(
                !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'),
                "{what}: {c:?} in {s:?}"
            );
            if is_format_char(c) || named_format_char(c) {
                prop_assert!(
                    c == '\u{200B}' && prev == Some('@'),
                    "{what}: format character {c:?} in {s:?}"
                );
            }
            prev = Some(c);
        }
        Ok(())
    }

    fn check_alert(d: &Decision, r: &Report) -> Result<(), TestCaseError> {
        let m = render(d, r, &ctx());
        prop_assert!(total_size(&m) < SNS_MESSAGE_MAX, "{} bytes", total_size(&m));
        prop_assert!(
            m.subject.is_ascii() && m.subject.len() < 100 && !m.subject.contains(['\r', '\n']),
            "subject {:?}",
            m.subject
        );
        for (k, v) in &m.attributes {
            prop_assert!(
                !v.is_empty() && !v.chars().any(char::is_control),
                "{k}: {v:?}"
            );
        }
        let p = parts(&m);

        let content = &p.slack["content"];
        let title = content["title"].as_str().unwrap_or_default();
        let desc = content["description"].as_str().unwrap_or_default();
        check_slack("title", title, false)?;
        check_slack("description", desc, true)?;
        prop_assert!(title.chars().count() <= CHATBOT_TITLE_MAX);
        prop_assert!(desc.chars().count() <= CHATBOT_DESCRIPTION_MAX);
        let next = content["nextSteps"].as_array().cloned().unwrap_or_default();
        prop_assert!(!next.is_empty() && next.len() <= CHATBOT_NEXT_STEPS);
        for n in &next {
            let n = n.as_str().unwrap_or_default();
            check_slack("next step", n, false)?;
            prop_assert!(n.chars().count() <= CHATBOT_NEXT_STEP_MAX);
        }
        let keywords = content["keywords"].as_array().cloned().unwrap_or_default();
        prop_assert!(keywords.len() <= CHATBOT_KEYWORDS);
        for k in &keywords {
            let k = k.as_str().unwrap_or_default();
            check_slack("keyword", k, false)?;
            prop_assert!(k.chars().count() <= CHATBOT_KEYWORD_MAX);
        }
        let meta = &p.slack["metadata"];
        check_slack(
            "summary",
            meta["summary"].as_str().unwrap_or_default(),
            false,
        )?;
        for k in ["account", "region"] {
            let v = meta["additionalContext"][k].as_str().unwrap_or_default();
            check_slack(k, v, false)?;
            prop_assert!(v.chars().count() <= FIELD_MAX);
        }
        for v in [&p.slack["id"], &meta["threadId"]] {
            prop_assert!(v.as_str().unwrap_or_default().chars().count() <= FIELD_MAX);
        }

        for c in p.email.chars() {
            prop_assert!(!c.is_control() || c == '\n', "email: control {c:?}");
            prop_assert!(
                !is_format_char(c)
                    && !named_format_char(c)
                    && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'),
                "email: {c:?}"
            );
        }

        for key in [
            "summary",
            "reason",
            "event_id",
            "event_source",
            "event_name",
            "event_time",
            "account",
            "region",
            "resource",
            "actor_arn",
            "actor_type",
            "source_ip",
        ] {
            let v = p.default[key].as_str().unwrap_or_default();
            prop_assert!(v.chars().count() <= FIELD_MAX, "default {key}: {v:?}");
        }
        let e = p.default["error"].as_str().unwrap_or_default();
        prop_assert!(
            e.chars().count() <= error_max(FIELD_MAX),
            "default error: {e:?}"
        );
        for list in ["planned", "actions"] {
            for v in p.default[list].as_array().cloned().unwrap_or_default() {
                prop_assert!(v.as_str().unwrap_or_default().chars().count() <= FIELD_MAX);
            }
        }
        for list in ["evidence", "context"] {
            for v in p.default[list].as_array().cloned().unwrap_or_default() {
                for f in ["key", "value"] {
                    prop_assert!(v[f].as_str().unwrap_or_default().chars().count() <= FIELD_MAX);
                }
            }
        }
        for v in p.default["actor"]
            .as_object()
            .cloned()
            .unwrap_or_default()
            .values()
        {
            prop_assert!(v.as_str().unwrap_or_default().chars().count() <= FIELD_MAX);
        }

        // No field adds a line: at every tightness, the email has as many lines as the same
        // alert without the attacker's text, and the Slack description no more.
        let (td, tr) = twin(d, r);
        for limits in [FULL, TIGHTER[0], TIGHTER[1]] {
            let a = parts(&render_within(d, r, &ctx(), limits));
            let b = parts(&render_within(&td, &tr, &ctx(), limits));
            prop_assert_eq!(
                a.email.lines().count(),
                b.email.lines().count(),
                "{:?}",
                limits
            );
            let lines = |p: &Parts| {
                p.slack["content"]["description"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .count()
            };
            prop_assert!(lines(&a) <= lines(&b), "{:?}", limits);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn alerts_stay_inert_and_deliverable_whatever_the_attacker_writes(
            s in prop::collection::vec(nasty(), 20),
            evidence in prop::collection::vec((nasty(), nasty()), 0..6),
            names in prop::collection::vec(nasty(), 0..4),
            steps in prop::collection::vec((nasty(), nasty()), 0..5),
            context in prop::collection::vec((nasty(), nasty()), 0..4),
            bits in any::<u8>(),
        ) {
            let (d, r) = build(&s, evidence, &names, &steps, context, bits);
            check_alert(&d, &r)?;
        }
    }
}
