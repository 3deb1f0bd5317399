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
