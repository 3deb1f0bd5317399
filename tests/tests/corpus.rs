//! The fixture corpus: every event under `tests/fixtures/trail/events` is decided through
//! `driftguard_cli::evaluate::evaluate_paths` (the code path of `driftguard evaluate`) and
//! compared, field by field, with `tests/fixtures/trail/expected.json`.
//!
//! Each case names a file (relative to `tests/fixtures/trail`), the policy it is judged under
//! (`tests/fixtures/<policy>`), the record index for multi-event files (log files, JSON Lines,
//! arrays) or null, and the expected guardrail, verdict, severity, disposition, actions and
//! planned steps. Under `policy.toml` every event of every fixture must have a case: a
//! fixture nobody checks is a fixture that proves nothing.

use chrono::NaiveDate;
use driftguard_cli::evaluate::{EvalLine, evaluate_paths};
use driftguard_shared::Policy;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The policy every fixture is judged under (each must have a case under it).
const MAIN_POLICY: &str = "policy.toml";
const EXPECTED: &str = "expected.json";
const VERDICTS: [&str; 4] = ["violation", "attempt", "benign", "error"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const DISPOSITIONS: [&str; 4] = ["remediate", "notify", "exempt", "none"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    policy: String,
    index: Option<usize>,
    guardrail: Option<String>,
    verdict: String,
    severity: Option<String>,
    disposition: Option<String>,
    actions: Vec<String>,
    planned: Vec<String>,
    note: String,
}

impl Case {
    fn label(&self) -> String {
        let index = self.index.map(|i| format!("#{i}")).unwrap_or_default();
        format!("{}{index} [{}]", self.file, self.policy)
    }
}

/// A fixed "today": the exemptions' expiry dates are judged against it, not the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn corpus_dir() -> PathBuf {
    fixtures_dir().join("trail")
}

fn load_cases() -> Result<Vec<Case>, String> {
    let path = corpus_dir().join(EXPECTED);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn load_policy(name: &str) -> Result<Policy, String> {
    Policy::load(&fixtures_dir().join(name)).map_err(|e| e.to_string())
}

/// Every regular file under `dir`, as paths relative to `base` with `/` separators.
fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files_under(&path, base, out)?;
        } else {
            let rel = path
                .strip_prefix(base)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel);
        }
    }
    Ok(())
}

/// Decide one fixture file; the lines keyed by record index (`None` for single-event files).
fn evaluate_file(rel: &str, policy: &Policy) -> Result<BTreeMap<Option<usize>, EvalLine>, String> {
    let path = corpus_dir().join(rel);
    let source = path.display().to_string();
    let mut by_index = BTreeMap::new();
    for line in evaluate_paths(&[path], policy, today()) {
        let suffix = line
            .source
            .strip_prefix(&source)
            .ok_or_else(|| format!("{rel}: output line for another source `{}`", line.source))?;
        let index = match suffix.strip_prefix('#') {
            None if suffix.is_empty() => None,
            Some(i) => Some(
                i.parse::<usize>()
                    .map_err(|e| format!("{rel}: bad source index `{}`: {e}", line.source))?,
            ),
            None => return Err(format!("{rel}: unexpected source `{}`", line.source)),
        };
        if by_index.insert(index, line).is_some() {
            return Err(format!("{rel}: two output lines for index {index:?}"));
        }
    }
    Ok(by_index)
}

fn index_label(index: Option<usize>) -> String {
    index.map_or_else(|| "(single event)".to_string(), |i| format!("#{i}"))
}

/// Field-by-field comparison; one message per differing field.
fn compare(case: &Case, line: &EvalLine, failures: &mut Vec<String>) {
    let label = case.label();
    let mut check = |field: &str, expected: String, actual: String| {
        if expected != actual {
            let why = line
                .error
                .as_deref()
                .or(line.summary.as_deref())
                .unwrap_or("");
            failures.push(format!(
                "{label}: field `{field}`: expected {expected}, got {actual} (decision: {why}; case note: {})",
                case.note
            ));
        }
    };
    check(
        "guardrail",
        format!("{:?}", case.guardrail),
        format!("{:?}", line.guardrail),
    );
    check("verdict", case.verdict.clone(), line.verdict.clone());
    check(
        "severity",
        format!("{:?}", case.severity),
        format!("{:?}", line.severity),
    );
    check(
        "disposition",
        format!("{:?}", case.disposition),
        format!("{:?}", line.disposition),
    );
    check(
        "actions",
        format!("{:?}", case.actions),
        format!("{:?}", line.actions),
    );
    check(
        "planned",
        format!("{:?}", case.planned),
        format!("{:?}", line.planned),
    );
    if line.verdict == "error" && line.error.as_deref().is_none_or(str::is_empty) {
        failures.push(format!("{label}: an error line without an error message"));
    }
}

#[test]
fn corpus_matches_expected() {
    let cases = load_cases().unwrap();
    let mut by_file: BTreeMap<(String, String), Vec<&Case>> = BTreeMap::new();
    for c in &cases {
        by_file
            .entry((c.policy.clone(), c.file.clone()))
            .or_default()
            .push(c);
    }
    let mut policies = BTreeMap::new();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for ((policy_name, file), file_cases) in &by_file {
        if !policies.contains_key(policy_name) {
            let policy = load_policy(policy_name)
                .unwrap_or_else(|e| panic!("policy {policy_name} (named by {file}): {e}"));
            policies.insert(policy_name.clone(), policy);
        }
        let Some(policy) = policies.get(policy_name) else {
            continue;
        };
        let lines = match evaluate_file(file, policy) {
            Ok(lines) => lines,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        if lines.is_empty() {
            failures.push(format!("{file} [{policy_name}]: no output line at all"));
        }
        for c in file_cases {
            match lines.get(&c.index) {
                Some(line) => {
                    compare(c, line, &mut failures);
                    checked += 1;
                }
                None => failures.push(format!(
                    "{}: no output line for index {}; the file gave {:?}",
                    c.label(),
                    index_label(c.index),
                    lines.keys().map(|i| index_label(*i)).collect::<Vec<_>>()
                )),
            }
        }
        if policy_name == MAIN_POLICY {
            let covered: BTreeSet<Option<usize>> = file_cases.iter().map(|c| c.index).collect();
            for index in lines.keys().filter(|i| !covered.contains(i)) {
                failures.push(format!(
                    "{file} [{policy_name}]: event {} has no case in {EXPECTED}",
                    index_label(*index)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the corpus checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, cases.len(), "every case is checked");
}

#[test]
fn every_fixture_file_is_covered() {
    let cases = load_cases().unwrap();
    let root = corpus_dir();
    let mut on_disk = BTreeSet::new();
    files_under(&root, &root, &mut on_disk).unwrap();
    assert!(on_disk.remove(EXPECTED), "{EXPECTED} is missing");
    let in_main: BTreeSet<String> = cases
        .iter()
        .filter(|c| c.policy == MAIN_POLICY)
        .map(|c| c.file.clone())
        .collect();
    let untested: Vec<&String> = on_disk.difference(&in_main).collect();
    assert!(
        untested.is_empty(),
        "fixture files with no case under {MAIN_POLICY} in {EXPECTED}: {untested:?}"
    );
    let all_named: BTreeSet<&String> = cases.iter().map(|c| &c.file).collect();
    let missing: Vec<&&String> = all_named
        .iter()
        .filter(|f| !on_disk.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{EXPECTED} names files that do not exist: {missing:?}"
    );
}

#[test]
fn expected_cases_are_well_formed() {
    let cases = load_cases().unwrap();
    assert!(
        cases.len() >= 60,
        "the corpus shrank: {} cases",
        cases.len()
    );
    let mut seen = BTreeSet::new();
    for c in &cases {
        let l = c.label();
        assert!(seen.insert(l.clone()), "{l}: duplicate case");
        assert!(
            !c.note.trim().is_empty(),
            "{l}: a case needs a note saying why"
        );
        assert!(
            fixtures_dir().join(&c.policy).is_file(),
            "{l}: policy {} does not exist",
            c.policy
        );
        assert!(VERDICTS.contains(&c.verdict.as_str()), "{l}: verdict");
        if c.verdict == "error" {
            assert_eq!(
                (&c.guardrail, &c.severity, &c.disposition),
                (&None, &None, &None),
                "{l}: an error has no guardrail, severity or disposition"
            );
            assert!(c.actions.is_empty() && c.planned.is_empty(), "{l}");
            continue;
        }
        if let Some(g) = &c.guardrail {
            assert_eq!(
                g, "trail-tampering",
                "{l}: this corpus is trail-tampering's"
            );
        }
        let severity = c.severity.as_deref().unwrap_or("");
        let disposition = c.disposition.as_deref().unwrap_or("");
        assert!(SEVERITIES.contains(&severity), "{l}: severity {severity:?}");
        assert!(
            DISPOSITIONS.contains(&disposition),
            "{l}: disposition {disposition:?}"
        );
        match c.verdict.as_str() {
            "benign" => {
                assert_eq!(severity, "info", "{l}: benign is info");
                assert_eq!(disposition, "none", "{l}");
                assert!(c.planned.is_empty(), "{l}: benign plans nothing");
            }
            "attempt" => {
                assert!(c.guardrail.is_some(), "{l}: an attempt names its guardrail");
                assert_eq!(disposition, "none", "{l}");
                assert!(c.planned.is_empty(), "{l}: a failed call changed nothing");
            }
            _ => {
                assert!(
                    c.guardrail.is_some(),
                    "{l}: a violation names its guardrail"
                );
                assert_ne!(severity, "info", "{l}");
            }
        }
        if disposition == "remediate" {
            assert!(!c.planned.is_empty(), "{l}: remediate with no steps");
            assert_eq!(c.actions, c.planned, "{l}: remediate runs what it plans");
        } else {
            assert!(c.actions.is_empty(), "{l}: only remediate runs actions");
        }
    }
}

/// The folder walk of `driftguard evaluate <dir>` yields the same decisions as file by file.
#[test]
fn folder_evaluation_covers_every_event() {
    let cases = load_cases().unwrap();
    let policy = load_policy(MAIN_POLICY).unwrap();
    let lines = evaluate_paths(&[corpus_dir().join("events")], &policy, today());
    let main_cases = cases.iter().filter(|c| c.policy == MAIN_POLICY).count();
    assert_eq!(lines.len(), main_cases, "one output line per event");
    let errors = lines.iter().filter(|l| l.is_error()).count();
    let expected_errors = cases
        .iter()
        .filter(|c| c.policy == MAIN_POLICY && c.verdict == "error")
        .count();
    assert_eq!(errors, expected_errors);
    let mut sources: Vec<&str> = lines.iter().map(|l| l.source.as_str()).collect();
    let before = sources.len();
    sources.dedup();
    assert_eq!(sources.len(), before, "sources are unique");
}

/// A CloudTrail log file decides the same whether it is plain or gzip-compressed.
#[test]
fn gzip_log_file_decides_like_the_plain_one() {
    let policy = load_policy(MAIN_POLICY).unwrap();
    let base =
        "events/input-forms/444444444444_CloudTrail_eu-west-1_20261123T1020Z_q7RkX2mVb9TcLw4e.json";
    let plain = evaluate_file(base, &policy).unwrap();
    let gz = evaluate_file(&format!("{base}.gz"), &policy).unwrap();
    assert_eq!(plain.len(), 3);
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        gz.keys().collect::<Vec<_>>()
    );
    for (index, p) in &plain {
        let g = &gz[index];
        assert_eq!(
            (&p.event_id, &p.verdict, &p.actions),
            (&g.event_id, &g.verdict, &g.actions),
            "record {index:?}"
        );
    }
}

/// EventBridge may deliver one CloudTrail event twice: both copies carry the same event id
/// (the CloudTrail `eventID`, not the EventBridge `id`), which is what deduplication keys on.
#[test]
fn duplicate_deliveries_share_the_cloudtrail_event_id() {
    let policy = load_policy(MAIN_POLICY).unwrap();
    let lines = evaluate_file("events/input-forms/duplicate-delivery.jsonl", &policy).unwrap();
    let ids: Vec<Option<&str>> = lines.values().map(|l| l.event_id.as_deref()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids[0].is_some());
    assert_eq!(ids[0], ids[1]);
}
