#!/usr/bin/env bash
# Build every function's deployment zip: dist/<function>.zip with `bootstrap` (the arm64
# release binary), `policy.toml` and every document the policy references, at the zip root
# and with the same relative layout. The audit module reads these zips (artifacts_dir).
#
#   bash scripts/package.sh [--policy FILE] [--out DIR] [--function NAME]...
#
# Defaults: --policy examples/policy.toml, --out dist, every package under functions/.
# The policy is validated first (a bad file is refused before anything is built).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

policy=examples/policy.toml
out=dist
functions=()
while [ $# -gt 0 ]; do
  case "$1" in
    --policy) policy="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --function) functions+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ ${#functions[@]} -eq 0 ]; then
  for manifest in functions/*/Cargo.toml; do
    functions+=("$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1)")
  done
fi

echo "== validating the policy $policy"
cargo run -q --locked -p driftguard-cli -- check-policy "$policy"

ensure_cargo_lambda

echo "== cargo lambda build --release --arm64 (${functions[*]})"
pkg_args=()
for f in "${functions[@]}"; do pkg_args+=(-p "$f"); done
cargo lambda build --release --arm64 --output-format zip --locked "${pkg_args[@]}"

echo "== writing $out/<function>.zip"
mkdir -p "$out"
# Where cargo put the zips (CARGO_TARGET_DIR and .cargo/config are honoured).
target_dir="$(cargo metadata --format-version 1 --no-deps --locked | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
python3 - "$policy" "$out" "$target_dir" "${functions[@]}" <<'PY'
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

policy, out, target_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
functions = sys.argv[4:]
base = policy.resolve().parent
with policy.open("rb") as f:
    doc = tomllib.load(f)

# Files the policy references by path, relative to its own directory.
documents = []
for scp in doc.get("scps", []):
    rel = PurePosixPath(scp["document"])
    if rel.is_absolute() or ".." in rel.parts:
        sys.exit(f"{policy}: scps document {rel} must be a relative path inside the policy's "
                 "directory (it is shipped in the zip with the same layout)")
    src = base / rel
    if not src.is_file():
        sys.exit(f"{policy}: scps document {src} not found")
    documents.append((src, str(rel)))

for name in functions:
    built = target_dir / "lambda" / name / "bootstrap.zip"
    with zipfile.ZipFile(built) as z:
        bootstrap = z.read("bootstrap")
    target = out / f"{name}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        # Fixed timestamps: the same inputs give the same zip (and source_code_hash).
        info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, bootstrap)
        for src, arc in [(policy, "policy.toml"), *documents]:
            info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, Path(src).read_bytes())
    tmp.replace(target)
    listing = ", ".join(i.filename for i in zipfile.ZipFile(target).infolist())
    print(f"{target}: {listing}")
PY
echo "done: point the audit module's artifacts_dir at $(cd "$out" && pwd)"
