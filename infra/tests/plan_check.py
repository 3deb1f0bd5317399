"""A second plan after the apply must change nothing, except what moto cannot store.

moto 5 does not implement a StackSet's AutoDeployment and does not return its
Capabilities, so Terraform wants to replace the StackSet to add them back. That one diff is
expected, and it is checked to be exactly that (so the planned values also prove the
StackSet asks for automatic deployment and CAPABILITY_NAMED_IAM). Anything else fails.

Usage: python3 infra/tests/plan_check.py PLAN_JSON   (terraform show -json PLAN)
"""

import json
import sys

STACK_SET = "module.member.aws_cloudformation_stack_set.this"
MOTO_GAPS = {"auto_deployment", "capabilities", "administration_role_arn", "managed_execution", "operation_preferences"}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    problems = []
    for rc in plan.get("resource_changes", []):
        actions = rc["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        addr = rc["address"]
        if addr != STACK_SET:
            problems.append(f"{addr}: {actions}")
            continue
        before, after = rc["change"]["before"] or {}, rc["change"]["after"] or {}
        unknown = rc["change"].get("after_unknown") or {}
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k) and unknown.get(k) is not True}
        extra = changed - MOTO_GAPS
        if extra:
            problems.append(f"{addr}: unexpected changes {sorted(extra)}")
        auto = after.get("auto_deployment") or [{}]
        if not (auto[0].get("enabled") is True and auto[0].get("retain_stacks_on_account_removal") is False):
            problems.append(f"{addr}: auto_deployment must be enabled (got {auto})")
        if "CAPABILITY_NAMED_IAM" not in (after.get("capabilities") or []):
            problems.append(f"{addr}: CAPABILITY_NAMED_IAM missing")
        if after.get("permission_model") != "SERVICE_MANAGED":
            problems.append(f"{addr}: permission_model must be SERVICE_MANAGED")
        print(f"{addr}: only moto's gaps differ ({', '.join(sorted(changed))}); "
              "planned: SERVICE_MANAGED, auto_deployment enabled, CAPABILITY_NAMED_IAM")
    if problems:
        print("the second plan is not empty:")
        for p in problems:
            print(f"  {p}")
        sys.exit(1)
    print("no other changes")


if __name__ == "__main__":
    main()
