#!/usr/bin/env bash
# The whole test suite: format check, clippy -D warnings, every test (unit, corpus,
# property, moto end-to-end, the real binary through the Lambda Runtime API).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_moto
ensure_nextest
ensure_cargo_deny

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo deny (licenses, bans, sources)"
cargo deny check bans licenses sources
echo "== build (binaries the tests run)"
cargo build --workspace --all-targets --locked
echo "== tests"
cargo nextest run --workspace --locked --profile ci
cargo test --workspace --doc --locked
bash scripts/infra-test.sh
