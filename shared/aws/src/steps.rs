//! The step runner every remediator uses.

use driftguard_core::outcome::{Report, StepResult, StepStatus};
use std::fmt::Display;
use std::future::Future;

/// Run remediation steps in order: each step's result is recorded; after the first failure
/// the remaining steps are skipped (a later step may depend on an earlier one).
pub async fn run_steps<'a, S, F, Fut, E>(steps: &[&'a S], mut step: F) -> Report
where
    S: Display + ?Sized,
    F: FnMut(&'a S) -> Fut,
    Fut: Future<Output = Result<(StepStatus, String), E>>,
    E: Display,
{
    let mut results = Vec::new();
    let mut error: Option<String> = None;
    for s in steps.iter().copied() {
        if error.is_some() {
            results.push(StepResult::new(
                &s,
                StepStatus::Skipped,
                "not attempted: an earlier step failed",
            ));
            continue;
        }
        match step(s).await {
            Ok((status, detail)) => results.push(StepResult::new(&s, status, detail)),
            Err(e) => {
                tracing::error!(action = %s, error = %e, "remediation step failed");
                results.push(StepResult::new(&s, StepStatus::Failed, e.to_string()));
                error = Some(e.to_string());
            }
        }
    }
    Report::from_steps(results, error)
}

/// Every step skipped, with the reason (no session could be had, say).
pub fn all_skipped<S: Display + ?Sized>(steps: &[&S], why: &str, error: String) -> Report {
    let results = steps
        .iter()
        .map(|s| StepResult::new(s, StepStatus::Skipped, why))
        .collect();
    Report::from_steps(results, Some(error))
}
