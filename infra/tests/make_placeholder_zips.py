"""Write a placeholder <function>.zip per function for the moto apply.

moto's Lambda CreateFunction stores the code without running it, so CI does not build the
release zips (cargo lambda build takes minutes). Each placeholder has the layout
scripts/package.sh produces: `bootstrap` (here a shell script, not the Rust binary) and
`policy.toml` at the zip root.

Usage: python3 infra/tests/make_placeholder_zips.py OUT_DIR POLICY_FILE
"""

import sys
import zipfile
from pathlib import Path

FUNCTIONS = ["trail-guard", "org-guard", "root-guard", "guardduty-guard"]


def main() -> None:
    out, policy = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for name in FUNCTIONS:
        with zipfile.ZipFile(out / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16
            z.writestr(info, f"#!/bin/sh\necho 'placeholder for {name}: build with scripts/package.sh' >&2\nexit 1\n")
            z.write(policy, "policy.toml")
    print(f"placeholder zips in {out}")


if __name__ == "__main__":
    main()
