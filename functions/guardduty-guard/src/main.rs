#![recursion_limit = "256"]
//! guardduty-guard Lambda: thin main (telemetry, clients built once, run the shared pipeline).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    driftguard_aws::telemetry::init();
    let pipeline = guardduty_guard::from_env()
        .await
        .inspect_err(|e| tracing::error!(error = %e, "guardduty-guard cannot start"))?;
    driftguard_aws::pipeline::serve(&pipeline).await
}
