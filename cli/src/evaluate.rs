//! `driftguard evaluate`: decide, offline and with no AWS access, every event in files and
//! folders.

use chrono::NaiveDate;
use driftguard_core::decide::decide_all;
use driftguard_core::decision::DispositionKind;
use driftguard_core::event::{Item, decode_document};
use driftguard_core::trust;
use driftguard_core::view::{DecisionView, Judged};
use driftguard_core::{Decision, Policy};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One output line per decision (the JSON contract of `--format json`): one per input event,
/// or one per guardrail when several claim it (a root user's StopLogging is trail-tampering
/// and root-activity). The decision's fields are the view the remediation record carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalLine {
    /// The file path, plus `#<index>` for multi-event files (log files, JSON Lines, arrays).
    pub source: String,
    #[serde(flatten)]
    pub decision: DecisionView,
    /// Why the input could not be decoded (only when `verdict` is `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl EvalLine {
    pub fn is_error(&self) -> bool {
        self.decision.verdict == Judged::Error
    }

    fn from_decision(source: String, d: &Decision) -> EvalLine {
        EvalLine {
            source,
            decision: DecisionView::of(d),
            error: None,
        }
    }

    fn error(source: String, error: String) -> EvalLine {
        EvalLine {
            source,
            decision: DecisionView::undecodable(&error),
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
                // Bare records (CloudTrail log files) carry no envelope to check; an
                // enveloped event must be one an AWS service delivered.
                Ok(event) => match event.envelope().map(|_| trust::check(&event, policy)) {
                    Some(Err(why)) => vec![EvalLine::error(src, format!("untrusted event: {why}"))],
                    _ => decide_all(&event, policy, today)
                        .iter()
                        .map(|d| EvalLine::from_decision(src.clone(), d))
                        .collect(),
                },
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
            let d = &l.decision;
            [
                l.source.clone(),
                d.event_name.clone().unwrap_or_else(|| "-".into()),
                d.guardrail.map_or_else(|| "-".into(), |g| g.to_string()),
                d.verdict.as_str().to_string(),
                d.severity
                    .map_or_else(|| "-".into(), |s| s.as_str().to_string()),
                if l.is_error() {
                    l.error.clone().unwrap_or_default()
                } else if d.actions.is_empty() {
                    match d.disposition {
                        Some(k @ (DispositionKind::Notify | DispositionKind::Exempt))
                            if !d.planned.is_empty() =>
                        {
                            let kind = if k == DispositionKind::Notify {
                                "notify"
                            } else {
                                "exempt"
                            };
                            format!("({kind}: {})", d.planned.join("; "))
                        }
                        _ => "-".into(),
                    }
                } else {
                    d.actions.join("; ")
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
    let violations = lines
        .iter()
        .filter(|l| l.decision.verdict == Judged::Violation)
        .count();
    let attempts = lines
        .iter()
        .filter(|l| l.decision.verdict == Judged::Attempt)
        .count();
    out.push_str(&format!(
        "\n{} events: {violations} violations, {attempts} attempts, {} benign, {errors} errors\n",
        lines.len(),
        lines.len() - violations - attempts - errors
    ));
    out
}
