//! `driftguard evaluate`: decide, offline and with no AWS access, every event in files and
//! folders.

use chrono::NaiveDate;
use driftguard_shared::decide::decide_all;
use driftguard_shared::event::{Item, decode_document};
use driftguard_shared::{Decision, Policy};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One output line per decision (the JSON contract of `--format json`): one per input event,
/// or one per guardrail when several claim it (a root user's StopLogging is trail-tampering
/// and root-activity).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalLine {
    /// The file path, plus `#<index>` for multi-event files (log files, JSON Lines, arrays).
    pub source: String,
    /// `detail.eventID`, or the finding id; null if none.
    pub event_id: Option<String>,
    /// A guardrail id, or null.
    pub guardrail: Option<String>,
    /// `violation` | `attempt` | `benign` | `error`.
    pub verdict: String,
    /// `critical` | `high` | `medium` | `low` | `info`; null for errors.
    pub severity: Option<String>,
    /// The remediation steps that would run (empty in notify mode, when exempt, or when
    /// nothing can be remediated).
    pub actions: Vec<String>,
    /// The steps the guardrail calls for, whatever the mode or exemptions.
    pub planned: Vec<String>,
    /// `none` | `remediate` | `notify` | `exempt`; null for errors.
    pub disposition: Option<String>,
    pub event_name: Option<String>,
    pub summary: Option<String>,
    /// Why the input could not be decoded (only when `verdict` is `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl EvalLine {
    pub fn is_error(&self) -> bool {
        self.verdict == "error"
    }

    fn from_decision(source: String, d: &Decision) -> EvalLine {
        EvalLine {
            source,
            event_id: d.event_id.clone(),
            guardrail: d.guardrail.map(|g| g.as_str().to_string()),
            verdict: d.verdict.as_str().to_string(),
            severity: Some(d.severity.as_str().to_string()),
            actions: d.actions_to_run().iter().map(ToString::to_string).collect(),
            planned: d.planned.iter().map(ToString::to_string).collect(),
            disposition: serde_json::to_value(&d.disposition)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string)),
            event_name: d.event_name.clone(),
            summary: Some(d.summary.clone()),
            error: None,
        }
    }

    fn error(source: String, error: String) -> EvalLine {
        EvalLine {
            source,
            event_id: None,
            guardrail: None,
            verdict: "error".into(),
            severity: None,
            actions: vec![],
            planned: vec![],
            disposition: None,
            event_name: None,
            summary: None,
            error: Some(error),
        }
    }
}

/// Every regular file under `paths` (folders walked recursively, sorted, hidden entries
/// skipped), or an error line for a path that cannot be read.
fn collect_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out);
    }
    out
}

fn walk(p: &Path, out: &mut Vec<Result<PathBuf, (PathBuf, String)>>) {
    match std::fs::metadata(p) {
        Err(e) => out.push(Err((p.to_path_buf(), e.to_string()))),
        Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
            Err(e) => out.push(Err((p.to_path_buf(), e.to_string()))),
            Ok(entries) => {
                let mut children: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|c| {
                        c.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| !n.starts_with('.'))
                    })
                    .collect();
                children.sort();
                for c in children {
                    walk(&c, out);
                }
            }
        },
        Ok(_) => out.push(Ok(p.to_path_buf())),
    }
}

/// Decide every event in one document's bytes.
pub fn evaluate_bytes(
    source: &str,
    bytes: &[u8],
    policy: &Policy,
    today: NaiveDate,
) -> Vec<EvalLine> {
    decode_document(bytes)
        .into_iter()
        .flat_map(|Item { index, result }| {
            let src = match index {
                Some(i) => format!("{source}#{i}"),
                None => source.to_string(),
            };
            match result {
                Ok(event) => decide_all(&event, policy, today)
                    .iter()
                    .map(|d| EvalLine::from_decision(src.clone(), d))
                    .collect(),
                Err(e) => vec![EvalLine::error(src, e.to_string())],
            }
        })
        .collect()
}

/// Decide every event in the given files and folders.
pub fn evaluate_paths(paths: &[PathBuf], policy: &Policy, today: NaiveDate) -> Vec<EvalLine> {
    let mut lines = Vec::new();
    for f in collect_files(paths) {
        match f {
            Err((p, e)) => lines.push(EvalLine::error(
                p.display().to_string(),
                format!("cannot read: {e}"),
            )),
            Ok(p) => match std::fs::read(&p) {
                Err(e) => lines.push(EvalLine::error(
                    p.display().to_string(),
                    format!("cannot read: {e}"),
                )),
                Ok(bytes) => lines.extend(evaluate_bytes(
                    &p.display().to_string(),
                    &bytes,
                    policy,
                    today,
                )),
            },
        }
    }
    lines
}

/// The table format for people.
pub fn render_table(lines: &[EvalLine]) -> String {
    let headers = [
        "SOURCE",
        "EVENT",
        "GUARDRAIL",
        "VERDICT",
        "SEVERITY",
        "ACTIONS",
    ];
    let rows: Vec<[String; 6]> = lines
        .iter()
        .map(|l| {
            [
                l.source.clone(),
                l.event_name.clone().unwrap_or_else(|| "-".into()),
                l.guardrail.clone().unwrap_or_else(|| "-".into()),
                l.verdict.clone(),
                l.severity.clone().unwrap_or_else(|| "-".into()),
                if l.is_error() {
                    l.error.clone().unwrap_or_default()
                } else if l.actions.is_empty() {
                    match l.disposition.as_deref() {
                        Some("notify") | Some("exempt") if !l.planned.is_empty() => {
                            format!(
                                "({}: {})",
                                l.disposition.as_deref().unwrap_or(""),
                                l.planned.join("; ")
                            )
                        }
                        _ => "-".into(),
                    }
                } else {
                    l.actions.join("; ")
                },
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()).take(5) {
            *w = (*w).max(c.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i < 5 {
                let w = widths.get(i).copied().unwrap_or(0);
                s.push_str(&format!("{c:<w$}  "));
            } else {
                s.push_str(c);
            }
        }
        s.trim_end().to_string()
    };
    let mut out = fmt_row(&headers.map(str::to_string));
    out.push('\n');
    for r in &rows {
        out.push_str(&fmt_row(r));
        out.push('\n');
    }
    let errors = lines.iter().filter(|l| l.is_error()).count();
    let violations = lines.iter().filter(|l| l.verdict == "violation").count();
    let attempts = lines.iter().filter(|l| l.verdict == "attempt").count();
    out.push_str(&format!(
        "\n{} events: {violations} violations, {attempts} attempts, {} benign, {errors} errors\n",
        lines.len(),
        lines.len() - violations - attempts - errors
    ));
    out
}
