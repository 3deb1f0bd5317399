//! Telemetry: JSON logs through `tracing`, and writing the remediation record (built by the
//! core, `driftguard_core::record`) with its EMF timestamp.

use driftguard_core::record::Record;
use std::io::Write;

/// JSON logs to stdout (CloudWatch Logs in Lambda). `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL`
/// set the level (default `info`). Safe to call more than once.
pub fn init() {
    let filter = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"))
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

/// Write the record line to stdout (CloudWatch Logs in Lambda).
pub fn emit(record: &Record) {
    let line = record.to_emf_line(chrono::Utc::now().timestamp_millis());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
