#![recursion_limit = "256"]
//! root-guard Lambda: thin main (telemetry, clients built once, run the shared pipeline).

use driftguard_shared::pipeline::InvocationError;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    driftguard_shared::telemetry::init();
    let pipeline = root_guard::from_env()
        .await
        .inspect_err(|e| tracing::error!(error = %e, "root-guard cannot start"))?;
    let pipeline = &pipeline;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        pipeline
            .handle(&event.payload, Some(&event.context.request_id))
            .await
            .map_err(|e: InvocationError| Diagnostic {
                error_type: e.kind().to_string(),
                error_message: e.to_string(),
            })
    }))
    .await
}
