#!/usr/bin/env bash
# The infrastructure tests (run by scripts/test.sh after the Rust tests; also on their own):
#   terraform fmt -check; init + validate of every module and the example (offline provider
#   mirror); apply of the audit, management and member modules against a moto server on
#   loopback (an organization with one member account; moto deploys the StackSet into it);
#   API checks of what was created; the routing test (every EventBridge fixture through the
#   deployed rules); terraform destroy; cfn-lint of the member StackSet template; checkov on infra/.
# Nothing reaches AWS: dummy credentials, AWS_EC2_METADATA_DISABLED, every endpoint on moto.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

started=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/driftguard-infra.XXXXXX")"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

section() { printf '\n== %s  (%ds)\n' "$*" "$((SECONDS - started))"; }
# Run a command quietly; on failure show its output and stop.
quiet() {
  local log="$work/step.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    echo "FAILED: $*" >&2
    exit 1
  fi
}

section "tools"
ensure_moto
ensure_cfn_lint
ensure_checkov
ensure_terraform_mirror "$work"
export TF_IN_AUTOMATION=1 TF_INPUT=0
terraform version | sed -n 1p
echo "provider config: ${TF_CLI_CONFIG_FILE:-(default: registry)}"

section "terraform fmt -check -recursive infra"
terraform fmt -check -recursive -diff infra

section "terraform init + validate (every module, the example, the moto test root)"
tf_dirs=(infra/modules/* infra/examples/complete infra/tests/moto)
for dir in "${tf_dirs[@]}"; do
  data="$work/tf/${dir//\//_}"
  lock_mode=()
  # The example commits its lock file: it must already be complete.
  [ "$dir" = infra/examples/complete ] && lock_mode=(-lockfile=readonly)
  TF_DATA_DIR="$data" quiet terraform -chdir="$dir" init -backend=false -input=false "${lock_mode[@]}"
  TF_DATA_DIR="$data" terraform -chdir="$dir" validate -no-color | sed "/^$/d; s|^|$dir: |"
done

section "moto server"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 infra/tests/moto_server.py -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export MOTO_ENDPOINT="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log"; echo "moto did not start" >&2; exit 1; }
  sleep 0.2
done
echo "moto on $MOTO_ENDPOINT (pid $moto_pid)"

section "terraform apply against moto: audit (222222222222), management (111111111111), member StackSet"
python3 infra/tests/make_placeholder_zips.py "$work/artifacts" tests/fixtures/policy.toml
moto_tf=(-state="$work/moto.tfstate" -var "moto_endpoint=$MOTO_ENDPOINT" -var "artifacts_dir=$work/artifacts")
export TF_DATA_DIR="$work/tf/infra_tests_moto"
quiet terraform -chdir=infra/tests/moto apply -auto-approve -input=false -no-color -parallelism=30 "${moto_tf[@]}"
grep -E '^Apply complete' "$work/step.log"
terraform -chdir=infra/tests/moto output -json -state="$work/moto.tfstate" >"$work/outputs.json"

section "terraform plan after apply: no changes (beyond moto's StackSet gaps)"
quiet terraform -chdir=infra/tests/moto plan -out="$work/plan.bin" -input=false -no-color -parallelism=30 "${moto_tf[@]}"
terraform -chdir=infra/tests/moto show -json "$work/plan.bin" >"$work/plan.json"
python3 infra/tests/plan_check.py "$work/plan.json"
unset TF_DATA_DIR

section "API checks"
python3 infra/tests/check_api.py "$work/outputs.json" infra/modules/member/stackset.yaml

section "routing test: every EventBridge fixture through the deployed rules"
quiet cargo build -q --locked -p driftguard-cli
python3 infra/tests/routing.py "$work/outputs.json" "${CARGO_TARGET_DIR:-target}/debug/driftguard" \
  tests/fixtures/policy.toml .

section "terraform destroy against moto"
# moto 5's DeleteStackInstances ignores DeploymentTargets (OU ids) and deletes nothing, so the
# StackSet could never be emptied there: it is left out of the destroy.
TF_DATA_DIR="$work/tf/infra_tests_moto" quiet terraform -chdir=infra/tests/moto state rm \
  -state="$work/moto.tfstate" module.member
TF_DATA_DIR="$work/tf/infra_tests_moto" quiet terraform -chdir=infra/tests/moto destroy -auto-approve \
  -input=false -no-color -parallelism=30 "${moto_tf[@]}"
grep -E '^Destroy complete' "$work/step.log"

section "cfn-lint infra/modules/member/stackset.yaml"
cfn-lint infra/modules/member/stackset.yaml
echo "clean"

section "checkov -d infra"
"$CHECKOV" -d infra --skip-download --quiet --compact --framework terraform cloudformation

section "infra tests passed"
