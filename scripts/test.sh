#!/usr/bin/env bash
# The whole test suite: format check, clippy -D warnings, every test (unit, corpus,
# property, moto end-to-end, the real binary through the Lambda Runtime API).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_moto
ensure_nextest

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== build (binaries the tests run)"
cargo build --workspace --all-targets --locked
echo "== tests"
cargo nextest run --workspace --locked --no-fail-fast
cargo test --workspace --doc --locked
bash scripts/infra-test.sh
