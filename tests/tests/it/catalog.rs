//! The guardrail catalog (`driftguard_core::catalog`) and the Terraform event patterns agree:
//! `infra/modules/event-patterns/catalog.json`, which the patterns read, lists exactly the
//! CloudTrail calls the catalog claims, per function; and every function package exists.

use driftguard_core::catalog::{self, CATALOG, Trigger};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| Path::new("."))
}

#[test]
fn event_patterns_route_what_the_catalog_claims() {
    let path = repo().join("infra/modules/event-patterns/catalog.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let routed: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> =
        serde_json::from_str(&text).unwrap();
    let claimed: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = catalog::routed_calls()
        .into_iter()
        .map(|(f, sources)| {
            (
                f.to_string(),
                sources
                    .into_iter()
                    .map(|(s, names)| {
                        (
                            s.to_string(),
                            names.into_iter().map(str::to_string).collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        routed, claimed,
        "infra/modules/event-patterns/catalog.json disagrees with shared/core/src/catalog.rs"
    );
}

#[test]
fn every_function_of_the_catalog_is_a_package_and_a_terraform_function() {
    let functions_tf =
        std::fs::read_to_string(repo().join("infra/modules/event-patterns/main.tf")).unwrap();
    for f in catalog::functions() {
        assert!(
            repo()
                .join("functions")
                .join(f)
                .join("Cargo.toml")
                .is_file(),
            "no package functions/{f}"
        );
        assert!(
            functions_tf.contains(&format!("\"{f}\"")),
            "infra/modules/event-patterns has no pattern for {f}"
        );
    }
    // The non-call triggers are routed by their own patterns.
    let root = CATALOG
        .iter()
        .any(|e| e.trigger == Trigger::RootIdentity && e.function == catalog::ROOT_GUARD);
    assert!(root && functions_tf.contains("type = [\"Root\"]"));
    let findings = CATALOG
        .iter()
        .any(|e| e.trigger == Trigger::GuardDutyFindings);
    assert!(findings && functions_tf.contains("\"GuardDuty Finding\""));
}
