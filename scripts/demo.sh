#!/usr/bin/env bash
# The local demo: moto (no AWS account), a small organization with a trail, the trail
# stopped, the event fed to the trail-guard Lambda binary, the decision, the remediation,
# the alert and the trail logging again; then org-guard and guardduty-guard the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_moto
cargo build --workspace --bins --locked
exec ./target/debug/demo
