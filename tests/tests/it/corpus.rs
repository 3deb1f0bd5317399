//! The fixture corpora: every event under `tests/fixtures/<corpus>/events` is decided
//! through `driftguard_cli::evaluate::evaluate_paths` (the code path of `driftguard evaluate`)
//! and compared, field by field, with `tests/fixtures/<corpus>/expected.json`. The corpora
//! are listed in [`CORPORA`]; a fixture folder that is not listed there fails the suite. An
//! event several guardrails claim gives one line per guardrail: each corpus checks the lines
//! of its own guardrails (and lines no guardrail claims).
//!
//! Each case names a file (relative to `tests/fixtures/<corpus>`), the policy it is judged
//! under (`tests/fixtures/<policy>`), the record index for multi-event files (log files, JSON
//! Lines, arrays) or null, and the expected guardrail, verdict, severity, disposition, actions
//! and planned steps. Under `policy.toml` every event of every fixture must have a case: a
//! fixture nobody checks is a fixture that proves nothing.
//!
//! Bless mode: `DRIFTGUARD_BLESS=1 cargo nextest run -p driftguard-tests corpus` rewrites
//! each `expected.json` with what driftguard now decides (notes and cases kept); review the
//! diff before committing it. Cases missing from the file are still reported, never invented.

use chrono::NaiveDate;
use driftguard_cli::evaluate::{EvalLine, evaluate_paths};
use driftguard_core::Policy;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The policy every fixture is judged under (each must have a case under it).
const MAIN_POLICY: &str = "policy.toml";
const EXPECTED: &str = "expected.json";
const VERDICTS: [&str; 4] = ["violation", "attempt", "benign", "error"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const DISPOSITIONS: [&str; 4] = ["remediate", "notify", "exempt", "none"];

/// One fixture corpus: `tests/fixtures/<name>/events/...` and `tests/fixtures/<name>/expected.json`.
#[derive(Debug)]
struct Corpus {
    name: &'static str,
    /// The guardrails this corpus is about: its cases name one of them, or none (look-alikes).
    guardrails: &'static [&'static str],
    /// A floor on the number of cases: the corpus must not shrink unnoticed.
    min_cases: usize,
    /// Guardrails with no automatic remediation (their violations are alerted only).
    alert_only: &'static [&'static str],
    /// Guardrails with no attempt verdict (a finding is not a call that can fail).
    no_attempts: &'static [&'static str],
}

const CORPORA: [Corpus; 4] = [
    Corpus {
        name: "trail",
        guardrails: &["trail-tampering"],
        min_cases: 60,
        alert_only: &[],
        no_attempts: &[],
    },
    Corpus {
        name: "org",
        guardrails: &["account-placement", "scp-integrity"],
        min_cases: 80,
        alert_only: &[],
        no_attempts: &[],
    },
    Corpus {
        name: "root",
        guardrails: &["root-activity"],
        min_cases: 45,
        alert_only: &["root-activity"],
        no_attempts: &[],
    },
    Corpus {
        name: "guardduty",
        guardrails: &["guardduty-tampering", "guardduty-finding"],
        min_cases: 75,
        alert_only: &["guardduty-finding"],
        no_attempts: &["guardduty-finding"],
    },
];

impl Corpus {
    fn dir(&self) -> PathBuf {
        fixtures_dir().join(self.name)
    }

    fn load_cases(&self) -> Result<Vec<Case>, String> {
        let path = self.dir().join(EXPECTED);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut cases: Vec<Case> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for c in &mut cases {
            c.corpus = self.name;
        }
        Ok(cases)
    }

    /// Decide one fixture file; this corpus's lines keyed by record index (`None` for
    /// single-event files).
    fn evaluate_file(
        &self,
        rel: &str,
        policy: &Policy,
    ) -> Result<BTreeMap<Option<usize>, EvalLine>, String> {
        let path = self.dir().join(rel);
        let source = path.display().to_string();
        let label = format!("{}/{rel}", self.name);
        let mut by_index = BTreeMap::new();
        for line in evaluate_paths(&[path], policy, today()) {
            // An event two guardrails claim gives a line for each; a corpus checks its own
            // guardrails' lines (and lines no guardrail claims).
            if line
                .decision
                .guardrail
                .is_some_and(|g| !self.guardrails.contains(&g.as_str()))
            {
                continue;
            }
            let suffix = line.source.strip_prefix(&source).ok_or_else(|| {
                format!("{label}: output line for another source `{}`", line.source)
            })?;
            let index = match suffix.strip_prefix('#') {
                None if suffix.is_empty() => None,
                Some(i) => Some(
                    i.parse::<usize>()
                        .map_err(|e| format!("{label}: bad source index `{}`: {e}", line.source))?,
                ),
                None => return Err(format!("{label}: unexpected source `{}`", line.source)),
            };
            if by_index.insert(index, line).is_some() {
                return Err(format!("{label}: two output lines for index {index:?}"));
            }
        }
        Ok(by_index)
    }
}

fn corpus(name: &str) -> Option<&'static Corpus> {
    CORPORA.iter().find(|c| c.name == name)
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The corpus the case belongs to (set at load, not in the file).
    #[serde(skip)]
    corpus: &'static str,
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
        format!("{}/{}{index} [{}]", self.corpus, self.file, self.policy)
    }
}

/// A fixed "today": the exemptions' expiry dates are judged against it, not the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load_policy(name: &str) -> Result<Policy, String> {
    driftguard_files::load_policy(&fixtures_dir().join(name)).map_err(|e| e.to_string())
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

fn index_label(index: Option<usize>) -> String {
    index.map_or_else(|| "(single event)".to_string(), |i| format!("#{i}"))
}

/// A line's decision as `expected.json` writes it (read from the JSON the CLI prints, so the
/// corpus also holds the `--format json` contract).
#[derive(Debug, Clone, PartialEq)]
struct Actual {
    guardrail: Option<String>,
    verdict: String,
    severity: Option<String>,
    disposition: Option<String>,
    actions: Vec<String>,
    planned: Vec<String>,
}

fn actual(line: &EvalLine) -> Actual {
    let v = serde_json::to_value(line).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Actual {
        guardrail: s("guardrail"),
        verdict: s("verdict").unwrap_or_default(),
        severity: s("severity"),
        disposition: s("disposition"),
        actions: list("actions"),
        planned: list("planned"),
    }
}

fn blessing() -> bool {
    std::env::var("DRIFTGUARD_BLESS").is_ok_and(|v| v == "1")
}

/// Field-by-field comparison; one message per differing field.
fn compare(case: &Case, line: &EvalLine, failures: &mut Vec<String>) {
    let label = case.label();
    let got = actual(line);
    let mut check = |field: &str, expected: String, actual: String| {
        if expected != actual {
            let why = line.error.as_deref().unwrap_or(&line.decision.summary);
            failures.push(format!(
                "{label}: field `{field}`: expected {expected}, got {actual} (decision: {why}; case note: {})",
                case.note
            ));
        }
    };
    check(
        "guardrail",
        format!("{:?}", case.guardrail),
        format!("{:?}", got.guardrail),
    );
    check("verdict", case.verdict.clone(), got.verdict.clone());
    check(
        "severity",
        format!("{:?}", case.severity),
        format!("{:?}", got.severity),
    );
    check(
        "disposition",
        format!("{:?}", case.disposition),
        format!("{:?}", got.disposition),
    );
    check(
        "actions",
        format!("{:?}", case.actions),
        format!("{:?}", got.actions),
    );
    check(
        "planned",
        format!("{:?}", case.planned),
        format!("{:?}", got.planned),
    );
    if line.is_error() && line.error.as_deref().is_none_or(str::is_empty) {
        failures.push(format!("{label}: an error line without an error message"));
    }
}

/// Bless mode: write the corpus's `expected.json` with the decisions driftguard made.
fn bless(corpus: &Corpus, cases: &[Case], seen: &BTreeMap<String, Actual>) -> Result<(), String> {
    let blessed: Vec<Case> = cases
        .iter()
        .map(|c| match seen.get(&c.label()) {
            Some(a) => Case {
                guardrail: a.guardrail.clone(),
                verdict: a.verdict.clone(),
                severity: a.severity.clone(),
                disposition: a.disposition.clone(),
                actions: a.actions.clone(),
                planned: a.planned.clone(),
                ..c.clone()
            },
            None => c.clone(),
        })
        .collect();
    let text = serde_json::to_string_pretty(&blessed).map_err(|e| e.to_string())?;
    let path = corpus.dir().join(EXPECTED);
    // Keep the file's own ending (some end with a newline, some do not): a blessed file that
    // did not change has no diff.
    let newline = std::fs::read_to_string(&path).is_ok_and(|old| old.ends_with('\n'));
    let text = if newline { format!("{text}\n") } else { text };
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Check one corpus against its `expected.json`; one message per failure.
fn check_corpus(corpus: &Corpus, failures: &mut Vec<String>) -> usize {
    let cases = match corpus.load_cases() {
        Ok(cases) => cases,
        Err(e) => {
            failures.push(e);
            return 0;
        }
    };
    let mut by_file: BTreeMap<(String, String), Vec<&Case>> = BTreeMap::new();
    for c in &cases {
        by_file
            .entry((c.policy.clone(), c.file.clone()))
            .or_default()
            .push(c);
    }
    let mut policies = BTreeMap::new();
    let mut seen: BTreeMap<String, Actual> = BTreeMap::new();
    let mut checked = 0usize;
    for ((policy_name, file), file_cases) in &by_file {
        let label = format!("{}/{file} [{policy_name}]", corpus.name);
        if !policies.contains_key(policy_name) {
            match load_policy(policy_name) {
                Ok(policy) => {
                    policies.insert(policy_name.clone(), policy);
                }
                Err(e) => {
                    failures.push(format!("{label}: policy {policy_name}: {e}"));
                    continue;
                }
            }
        }
        let Some(policy) = policies.get(policy_name) else {
            continue;
        };
        let lines = match corpus.evaluate_file(file, policy) {
            Ok(lines) => lines,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        if lines.is_empty() {
            failures.push(format!("{label}: no output line at all"));
        }
        for c in file_cases {
            match lines.get(&c.index) {
                Some(line) => {
                    if blessing() {
                        seen.insert(c.label(), actual(line));
                    } else {
                        compare(c, line, failures);
                    }
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
                    "{label}: event {} has no case in {}/{EXPECTED}",
                    index_label(*index),
                    corpus.name
                ));
            }
        }
    }
    if checked != cases.len() {
        failures.push(format!(
            "{}: {checked} of {} cases checked",
            corpus.name,
            cases.len()
        ));
    }
    if blessing()
        && let Err(e) = bless(corpus, &cases, &seen)
    {
        failures.push(e);
    }
    checked
}

#[test]
fn corpus_matches_expected() {
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for corpus in &CORPORA {
        let n = check_corpus(corpus, &mut failures);
        checked.push(format!("{}: {n}", corpus.name));
    }
    assert!(
        failures.is_empty(),
        "{} of the corpus checks failed (cases checked: {}):\n{}",
        failures.len(),
        checked.join(", "),
        failures.join("\n")
    );
}

/// Every folder under `tests/fixtures` with events or an `expected.json` is a listed corpus,
/// and every listed corpus has both.
#[test]
fn every_corpus_folder_is_listed() {
    let listed: BTreeSet<&str> = CORPORA.iter().map(|c| c.name).collect();
    assert_eq!(listed.len(), CORPORA.len(), "corpus names are unique");
    let root = fixtures_dir();
    let entries = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut on_disk = BTreeSet::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.join("events").is_dir() || path.join(EXPECTED).is_file() {
            on_disk.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    assert_eq!(
        on_disk, listed,
        "fixture folders with events/ or {EXPECTED} must be exactly the corpora in CORPORA"
    );
    for corpus in &CORPORA {
        assert!(
            corpus.dir().join("events").is_dir(),
            "{}: events/",
            corpus.name
        );
        assert!(
            corpus.dir().join(EXPECTED).is_file(),
            "{}: {EXPECTED}",
            corpus.name
        );
    }
}

#[test]
fn every_fixture_file_is_covered() {
    for corpus in &CORPORA {
        let cases = corpus.load_cases().unwrap();
        let root = corpus.dir();
        let mut on_disk = BTreeSet::new();
        files_under(&root, &root, &mut on_disk).unwrap();
        assert!(
            on_disk.remove(EXPECTED),
            "{}: {EXPECTED} is missing",
            corpus.name
        );
        let outside: Vec<&String> = on_disk
            .iter()
            .filter(|f| !f.starts_with("events/"))
            .collect();
        assert!(
            outside.is_empty(),
            "{}: fixture files outside events/: {outside:?}",
            corpus.name
        );
        let in_main: BTreeSet<String> = cases
            .iter()
            .filter(|c| c.policy == MAIN_POLICY)
            .map(|c| c.file.clone())
            .collect();
        let untested: Vec<&String> = on_disk.difference(&in_main).collect();
        assert!(
            untested.is_empty(),
            "{}: fixture files with no case under {MAIN_POLICY} in {EXPECTED}: {untested:?}",
            corpus.name
        );
        let all_named: BTreeSet<&String> = cases.iter().map(|c| &c.file).collect();
        let missing: Vec<&&String> = all_named
            .iter()
            .filter(|f| !on_disk.contains(f.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: {EXPECTED} names files that do not exist: {missing:?}",
            corpus.name
        );
    }
}

fn check_well_formed(corpus: &Corpus, c: &Case) {
    let l = c.label();
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
        return;
    }
    if let Some(g) = &c.guardrail {
        assert!(
            corpus.guardrails.contains(&g.as_str()),
            "{l}: guardrail {g} is not one of this corpus's {:?}",
            corpus.guardrails
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
            if c.planned.is_empty() && disposition != "exempt" {
                assert_eq!(
                    disposition, "none",
                    "{l}: nothing planned, nothing to run: none"
                );
            }
        }
    }
    if disposition == "remediate" {
        assert!(!c.planned.is_empty(), "{l}: remediate with no steps");
        assert_eq!(c.actions, c.planned, "{l}: remediate runs what it plans");
    } else {
        assert!(c.actions.is_empty(), "{l}: only remediate runs actions");
    }
    if c.policy == MAIN_POLICY {
        assert_ne!(disposition, "notify", "{l}: {MAIN_POLICY} enforces");
    }
}

#[test]
fn expected_cases_are_well_formed() {
    for corpus in &CORPORA {
        let cases = corpus.load_cases().unwrap();
        assert!(
            cases.len() >= corpus.min_cases,
            "the {} corpus shrank: {} cases (at least {})",
            corpus.name,
            cases.len(),
            corpus.min_cases
        );
        let mut seen = BTreeSet::new();
        for c in &cases {
            let l = c.label();
            assert!(seen.insert(l.clone()), "{l}: duplicate case");
            assert!(
                !c.note.trim().is_empty(),
                "{l}: a case needs a note saying why"
            );
            check_well_formed(corpus, c);
        }
    }
}

/// Each guardrail of a corpus is exercised under the main policy by at least one violation
/// that remediates (alerted only, for guardrails without remediation), one attempt (unless the
/// guardrail judges no calls) and one benign event it claims.
#[test]
fn every_guardrail_has_violation_attempt_and_benign_cases() {
    for corpus in &CORPORA {
        let cases = corpus.load_cases().unwrap();
        for guardrail in corpus.guardrails {
            let main = |verdict: &str, disposition: &str| {
                cases.iter().any(|c| {
                    c.policy == MAIN_POLICY
                        && c.guardrail.as_deref() == Some(*guardrail)
                        && c.verdict == verdict
                        && c.disposition.as_deref() == Some(disposition)
                })
            };
            if corpus.alert_only.contains(guardrail) {
                assert!(
                    main("violation", "none"),
                    "{}: {guardrail} has no (alert-only) violation",
                    corpus.name
                );
                assert!(
                    !main("violation", "remediate"),
                    "{}: {guardrail} has no remediation, yet a case remediates",
                    corpus.name
                );
            } else {
                assert!(
                    main("violation", "remediate"),
                    "{}: {guardrail} has no remediated violation",
                    corpus.name
                );
            }
            if !corpus.no_attempts.contains(guardrail) {
                assert!(
                    main("attempt", "none"),
                    "{}: {guardrail} has no attempt",
                    corpus.name
                );
            }
            assert!(
                main("benign", "none"),
                "{}: {guardrail} has no benign event it claims",
                corpus.name
            );
        }
        assert!(
            cases
                .iter()
                .any(|c| c.policy == MAIN_POLICY && c.guardrail.is_none()),
            "{}: no look-alike (an event no guardrail claims)",
            corpus.name
        );
    }
}

/// The folder walk of `driftguard evaluate <dir>` yields the same decisions as file by file.
#[test]
fn folder_evaluation_covers_every_event() {
    let policy = load_policy(MAIN_POLICY).unwrap();
    for corpus in &CORPORA {
        let cases = corpus.load_cases().unwrap();
        let lines: Vec<EvalLine> = evaluate_paths(&[corpus.dir().join("events")], &policy, today())
            .into_iter()
            .filter(|l| {
                l.decision
                    .guardrail
                    .is_none_or(|g| corpus.guardrails.contains(&g.as_str()))
            })
            .collect();
        let main_cases = cases.iter().filter(|c| c.policy == MAIN_POLICY).count();
        assert_eq!(
            lines.len(),
            main_cases,
            "{}: one output line per event (for this corpus's guardrails)",
            corpus.name
        );
        let errors = lines.iter().filter(|l| l.is_error()).count();
        let expected_errors = cases
            .iter()
            .filter(|c| c.policy == MAIN_POLICY && c.verdict == "error")
            .count();
        assert_eq!(errors, expected_errors, "{}: error lines", corpus.name);
        let mut sources: Vec<&str> = lines.iter().map(|l| l.source.as_str()).collect();
        let before = sources.len();
        sources.dedup();
        assert_eq!(sources.len(), before, "{}: sources are unique", corpus.name);
    }
}

/// A CloudTrail log file decides the same whether it is plain or gzip-compressed.
#[test]
fn gzip_log_file_decides_like_the_plain_one() {
    let policy = load_policy(MAIN_POLICY).unwrap();
    let trail = corpus("trail").unwrap();
    let base =
        "events/input-forms/444444444444_CloudTrail_eu-west-1_20261123T1020Z_q7RkX2mVb9TcLw4e.json";
    let plain = trail.evaluate_file(base, &policy).unwrap();
    let gz = trail.evaluate_file(&format!("{base}.gz"), &policy).unwrap();
    assert_eq!(plain.len(), 3);
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        gz.keys().collect::<Vec<_>>()
    );
    for (index, p) in &plain {
        let g = &gz[index];
        assert_eq!(
            (
                &p.decision.event_id,
                p.decision.verdict,
                &p.decision.actions
            ),
            (
                &g.decision.event_id,
                g.decision.verdict,
                &g.decision.actions
            ),
            "record {index:?}"
        );
    }
}

/// EventBridge may deliver one CloudTrail event twice: both copies carry the same event id
/// (the CloudTrail `eventID`, not the EventBridge `id`), which is what deduplication keys on.
/// Every corpus has such a pair.
#[test]
fn duplicate_deliveries_share_the_cloudtrail_event_id() {
    let policy = load_policy(MAIN_POLICY).unwrap();
    for corpus in &CORPORA {
        let lines = corpus
            .evaluate_file("events/input-forms/duplicate-delivery.jsonl", &policy)
            .unwrap();
        let ids: Vec<Option<&str>> = lines
            .values()
            .map(|l| l.decision.event_id.as_deref())
            .collect();
        assert_eq!(ids.len(), 2, "{}", corpus.name);
        assert!(ids[0].is_some(), "{}", corpus.name);
        assert_eq!(ids[0], ids[1], "{}", corpus.name);
    }
}
