# Sourced by the scripts: loopback-only AWS settings and the tools the project needs.
# Dummy credentials and a region; never the instance-metadata service; nothing reaches AWS.
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ENDPOINT_URL

ensure_moto() {
  if ! python3 -c 'import moto.server, flask, flask_cors' >/dev/null 2>&1; then
    echo "installing moto[server] ..." >&2
    python3 -m pip install --quiet 'moto[server]>=5.0'
  fi
}

ensure_nextest() {
  if ! command -v cargo-nextest >/dev/null 2>&1; then
    echo "installing cargo-nextest ..." >&2
    cargo install --locked cargo-nextest
  fi
}

ensure_cargo_deny() {
  if ! command -v cargo-deny >/dev/null 2>&1; then
    echo "installing cargo-deny ..." >&2
    cargo install --locked cargo-deny@0.20.2
  fi
}

ensure_cargo_lambda() {
  if ! command -v cargo-lambda >/dev/null 2>&1; then
    echo "installing cargo-lambda (with zig) ..." >&2
    python3 -m pip install --quiet cargo-lambda
  fi
}

# checkov goes into its own virtualenv: its pinned dependencies must not change the moto /
# boto3 the tests use. Sets CHECKOV to the binary.
ensure_checkov() {
  local venv="${DRIFTGUARD_CHECKOV_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/driftguard/checkov-venv}"
  if [ ! -x "$venv/bin/checkov" ]; then
    echo "installing checkov into $venv ..." >&2
    python3 -m venv "$venv"
    # Pinned: a new checkov release can add checks; upgrade deliberately.
    "$venv/bin/python" -m pip install --quiet 'checkov==3.3.30'
  fi
  CHECKOV="$venv/bin/checkov"
}

ensure_cfn_lint() {
  if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "installing cfn-lint ..." >&2
    python3 -m pip install --quiet cfn-lint
  fi
}

# A Terraform CLI configuration that installs hashicorp/aws from the offline filesystem
# mirror (no registry access). Sets TF_CLI_CONFIG_FILE; the mirror is
# $DRIFTGUARD_TF_PLUGIN_MIRROR (default /opt/tf-plugins) when it holds the provider.
ensure_terraform_mirror() {
  local mirror="${DRIFTGUARD_TF_PLUGIN_MIRROR:-/opt/tf-plugins}" dir="${1:-${TMPDIR:-/tmp}}"
  if ! command -v terraform >/dev/null 2>&1; then
    echo "terraform is not installed (https://developer.hashicorp.com/terraform/install)" >&2
    return 1
  fi
  if [ -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
    TF_CLI_CONFIG_FILE="$dir/driftguard.terraformrc"
    cat > "$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
    export TF_CLI_CONFIG_FILE
  fi
}
