//! `driftguard`: evaluate events offline and check policy files.

use chrono::Utc;
use clap::{Parser, Subcommand, ValueEnum};
use driftguard_cli::evaluate::{evaluate_paths, render_table};
use driftguard_core::Policy;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "driftguard",
    version,
    about = "Event-driven guardrails for AWS Organizations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide, offline and with no AWS access, every event in the given files and folders.
    ///
    /// Inputs: EventBridge events, bare CloudTrail records, CloudTrail log files
    /// ({"Records": [...]}, plain or .gz) and JSON Lines; folders are read recursively.
    /// Decisions use the policy alone: no AWS state is read, so the actions listed are the
    /// steps the functions would plan (each reads the current state first and skips what is
    /// already compliant). Placement decisions come from the policy alone: an expected OU
    /// written as a path (Workloads/Production) cannot be compared offline with the OU id in
    /// an event, so any move of such an account is reported (org-guard resolves the path and
    /// skips the move when the account is already there); likewise a guardrail SCP detached
    /// from an OU is reported when a declared target is an OU path. Without --policy, the embedded
    /// default policy is used: every
    /// guardrail in enforce mode, no trails declared (so trail events are judged "not
    /// governed"), no exemptions.
    ///
    /// With --format json: one JSON object per input event per line (source, event_id,
    /// guardrail, verdict, severity, actions, ...). An undecodable input gives
    /// "verdict": "error" with an "error" message and the run goes on.
    /// Exit code: 0 when every input decoded, 2 otherwise (1: the policy could not be loaded).
    Evaluate {
        /// The policy file (TOML).
        #[arg(long)]
        policy: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Files and folders of events.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Load and validate a policy file; print a summary, or the key, line and reason it is refused.
    CheckPolicy { file: PathBuf },
    /// Print the guardrail catalog as JSON: each guardrail, the function that owns it, and
    /// the events it claims (what the EventBridge rules must route to that function).
    Catalog,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Evaluate {
            policy,
            format,
            paths,
        } => {
            let policy = match policy {
                Some(p) => driftguard_files::load_policy(&p),
                None => Policy::default_policy(),
            };
            let policy = match policy {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("driftguard: {e}");
                    return ExitCode::from(1);
                }
            };
            let lines = evaluate_paths(&paths, &policy, Utc::now().date_naive());
            let result = match format {
                Format::Json => lines.iter().try_for_each(|l| {
                    let s = serde_json::to_string(l)
                        .unwrap_or_else(|e| format!("{{\"verdict\":\"error\",\"error\":\"{e}\"}}"));
                    writeln!(out, "{s}")
                }),
                Format::Table => write!(out, "{}", render_table(&lines)),
            };
            if result.is_err() {
                return ExitCode::from(1);
            }
            if lines.iter().any(|l| l.is_error()) {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Catalog => {
            let json = serde_json::to_string_pretty(&driftguard_core::catalog::CATALOG)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            if writeln!(out, "{json}").is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Command::CheckPolicy { file } => match driftguard_files::load_policy(&file) {
            Ok(p) => {
                for line in driftguard_core::check::summary(&file.display().to_string(), &p) {
                    let _ = writeln!(out, "{line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("driftguard: {e}");
                ExitCode::from(1)
            }
        },
    }
}
