"""After `terraform apply` of infra/tests/moto against moto: check through the AWS API that
what the modules created is what driftguard needs.

Usage: MOTO_ENDPOINT=http://127.0.0.1:PORT python3 infra/tests/check_api.py OUTPUTS_JSON STACKSET_TEMPLATE
"""

import ast
import fnmatch
import json
import sys

import yaml

from awsenv import (
    AUDIT_ACCOUNT,
    FUNCTIONS,
    MANAGEMENT_ACCOUNT,
    as_list,
    client,
    outputs,
    session,
)

failures: list[str] = []
passed = 0


def check(cond: bool, what: str) -> None:
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print(f"  FAIL {what}")


# Actions that have no resource type (IAM requires "*"), and only these, may be granted on
# "*". Each is one the code calls (or CloudTrail calls with the caller's credentials for an
# organization trail); the writes among them carry conditions.
STAR_OK = {
    "organizations:ListRoots",
    "organizations:ListPolicies",
    "organizations:CreatePolicy",
    "organizations:DescribeOrganization",
    "organizations:ListAWSServiceAccessForOrganization",
    "guardduty:ListDetectors",
    "guardduty:CreateDetector",
    "guardduty:GetMembers",
    "guardduty:CreateMembers",
    "guardduty:DescribeOrganizationConfiguration",
    "guardduty:UpdateOrganizationConfiguration",
}
# Writes on "*" in a role other roles can assume must be conditioned. (The guardduty-guard
# function role's GuardDuty administrator writes are on "*" too: that role has no
# credentials outside the Audit account.)
STAR_WRITES_NEED_CONDITION = {
    "organizations:CreatePolicy",
    "guardduty:CreateDetector",
}


def check_statements(where: str, doc: dict) -> None:
    for st in as_list(doc.get("Statement")):
        actions = as_list(st.get("Action"))
        check(st.get("Effect") == "Allow", f"{where}: only Allow statements ({st.get('Sid')})")
        check(not any("*" in a for a in actions), f"{where}: no wildcard actions ({actions})")
        if "*" in as_list(st.get("Resource")):
            extra = [a for a in actions if a not in STAR_OK]
            check(not extra, f"{where}: actions on '*' have no resource type ({extra})")
            if any(a in STAR_WRITES_NEED_CONDITION for a in actions):
                check(bool(st.get("Condition")), f"{where}: writes on '*' are conditioned ({actions})")


def function_session_condition(st: dict) -> str | None:
    return (st.get("Condition") or {}).get("StringLike", {}).get("aws:userid")


def policy_doc(doc):
    """moto returns inline policies created through CloudFormation as a Python repr."""
    if isinstance(doc, str):
        try:
            return json.loads(doc)
        except ValueError:
            return ast.literal_eval(doc)
    return doc


ORGANIZATION_ID = ""


def collect_sources(pattern) -> list:
    """Every `source` condition of a pattern (through $or branches)."""
    found = []
    for branch in as_list(pattern.get("$or")) or [pattern]:
        if "$or" in branch:
            found += collect_sources(branch)
        else:
            found += as_list(branch.get("source"))
    return found


def check_source_conditions(root_guard: dict, forward_pattern: dict) -> None:
    """Every source condition is an exact AWS service source, except root activity's two
    halves: forwarded with `prefix "aws."` (no custom source leaves an account), matched on
    the Audit bus with `anything-but prefix "aws.partner/"` (no partner source reaches
    root-guard)."""
    for where, pattern, allowed in (
        ("root-guard", root_guard, {"anything-but": {"prefix": "aws.partner/"}}),
        ("forward pattern", forward_pattern, {"prefix": "aws."}),
    ):
        for src in collect_sources(pattern):
            if isinstance(src, str):
                check(src.startswith("aws.") and "/" not in src, f"{where}: exact source {src} is an AWS service")
            else:
                check(src == allowed, f"{where}: the only open source condition is {allowed} (got {src})")
        check(allowed in collect_sources(pattern), f"{where}: root activity's source is {allowed}")


# The only pattern operators driftguard uses: each is documented for event buses
# (EventBridge "Comparison operators" table) and moto 5's EventPattern evaluates it as AWS
# does. A match expression holds one operator: AWS refuses {"prefix": ..., "suffix": ...}
# ("Only one key allowed in match expression"), moto silently uses the first key.
PATTERN_OPERATORS = {"prefix", "suffix", "anything-but"}


def check_pattern_operators(where: str, node) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$or":
                check(isinstance(v, list) and len(v) >= 2, f"{where}: $or has at least two branches")
                for b in as_list(v):
                    check_pattern_operators(where, b)
            elif isinstance(v, list):
                for item in v:
                    if isinstance(item, dict):
                        check(len(item) == 1 and set(item) <= PATTERN_OPERATORS, f"{where}: {k}: one supported operator per match ({item})")
                        inner = next(iter(item.values()), None)
                        if "anything-but" in item:
                            check(isinstance(inner, dict) and list(inner) == ["prefix"] and isinstance(inner["prefix"], str),
                                  f"{where}: {k}: anything-but is used with one prefix only ({item})")
                        else:
                            check(isinstance(inner, str) and inner, f"{where}: {k}: {item} takes a string")
                    else:
                        check(isinstance(item, str), f"{where}: {k}: exact values are strings ({item!r})")
            else:
                check_pattern_operators(where, v)


def main() -> None:
    global ORGANIZATION_ID
    out = outputs(sys.argv[1])
    template_path = sys.argv[2]
    audit = out["audit"]
    mgmt = out["management"]
    ORGANIZATION_ID = out["organization_id"]

    a = session(AUDIT_ACCOUNT)
    events = client(a, "events")
    lam = client(a, "lambda")
    sqs = client(a, "sqs")
    iam = client(a, "iam")
    cw = client(a, "cloudwatch")
    sns = client(a, "sns")
    ddb = client(a, "dynamodb")
    logs = client(a, "logs")

    print("== audit account: bus and its policy")
    bus = events.describe_event_bus(Name=audit["event_bus_name"])
    check(bus["Arn"] == audit["event_bus_arn"], "bus ARN matches the output")
    check(f":{AUDIT_ACCOUNT}:" in bus["Arn"], "bus is in the Audit account")
    policy = json.loads(bus.get("Policy") or "{}")
    sts_ = as_list(policy.get("Statement"))
    check(len(sts_) == 1, "bus policy has one statement")
    forwarder_roles = sorted([
        "arn:aws:iam::*:role/DriftguardForwarder-*",  # the member StackSet's, per region
        "arn:aws:iam::*:role/driftguard-forward",     # the management module's
    ])
    for st in sts_:
        check(st.get("Effect") == "Allow", "bus policy: an Allow statement")
        check(as_list(st.get("Action")) == ["events:PutEvents"], "bus policy allows only events:PutEvents")
        check(as_list(st.get("Resource")) == [audit["event_bus_arn"]], "bus policy: on the driftguard bus only")
        cond = st.get("Condition", {})
        check(sorted(cond) == ["ArnLike", "StringEquals"], f"bus policy: exactly the principal conditions (got {sorted(cond)})")
        check(cond.get("StringEquals", {}) == {"aws:PrincipalOrgID": ORGANIZATION_ID}, "bus policy requires aws:PrincipalOrgID")
        principal_arns = sorted(as_list(cond.get("ArnLike", {}).get("aws:PrincipalArn")))
        check(list(cond.get("ArnLike", {})) == ["aws:PrincipalArn"] and principal_arns == forwarder_roles,
              f"bus policy: only the forwarding rules' roles may put events (aws:PrincipalArn {principal_arns})")
    # The forwarders' roles are the ones the bus policy names.
    for arn in [mgmt["forwarder_role_arn"], f"arn:aws:iam::{out['member_account_id']}:role/DriftguardForwarder-us-east-1"]:
        check(any(fnmatch.fnmatchcase(arn, p) for p in forwarder_roles), f"bus policy admits the forwarder role {arn}")
    for arn in [f"arn:aws:iam::{out['member_account_id']}:role/Admin", f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/DriftguardRemediation"]:
        check(not any(fnmatch.fnmatchcase(arn, p) for p in forwarder_roles), f"bus policy does not admit {arn}")

    topic = audit["alert_topic_arn"]
    key = audit["kms_key_arn"]

    print("== audit account: rules, targets, functions, DLQs, alarms, roles")
    alarms = {al["AlarmName"]: al for al in cw.describe_alarms()["MetricAlarms"]}
    for fn in FUNCTIONS:
        rule_name = audit["rule_names"][fn]
        rule = events.describe_rule(Name=rule_name, EventBusName=audit["event_bus_name"])
        pattern = json.loads(rule["EventPattern"])
        check(pattern == json.loads(audit["event_patterns"][fn]), f"{fn}: rule pattern is the module's")
        check_pattern_operators(f"{fn} pattern", pattern)
        check(len(rule["EventPattern"]) <= 2048, f"{fn}: pattern within EventBridge's default 2048 characters")
        check(not any(isinstance(p, str) and p.startswith("aws.partner/") for p in collect_sources(pattern)), f"{fn}: no partner source is listed")
        check("errorCode" not in rule["EventPattern"], f"{fn}: failed calls are routed (no errorCode filter)")
        check(rule.get("State") == "ENABLED", f"{fn}: rule enabled")
        targets = events.list_targets_by_rule(Rule=rule_name, EventBusName=audit["event_bus_name"])["Targets"]
        fn_targets = [t for t in targets if t["Arn"] == audit["function_arns"][fn]]
        check(len(fn_targets) == 1, f"{fn}: rule targets the function")
        for t in fn_targets:
            check(t.get("DeadLetterConfig", {}).get("Arn") == audit["dlq_arns"][fn], f"{fn}: target DLQ is the function's DLQ")

        cfg = lam.get_function_configuration(FunctionName=audit["function_names"][fn])
        check(cfg["Runtime"] == "provided.al2023", f"{fn}: runtime provided.al2023")
        check(cfg["Architectures"] == ["arm64"], f"{fn}: arm64")
        check(cfg["MemorySize"] == 128, f"{fn}: 128 MB")
        check(cfg["Handler"] == "bootstrap", f"{fn}: handler bootstrap")
        check(cfg["Role"] == audit["function_role_arns"][fn], f"{fn}: its own role")
        env = cfg.get("Environment", {}).get("Variables", {})
        check(env.get("DRIFTGUARD_TOPIC_ARN") == topic, f"{fn}: DRIFTGUARD_TOPIC_ARN is the alert topic")
        check(env.get("RUST_LOG") == "info", f"{fn}: RUST_LOG=info")
        if fn == "guardduty-guard":
            check(env.get("DRIFTGUARD_FINDINGS_TABLE") == audit["findings_table_name"], f"{fn}: DRIFTGUARD_FINDINGS_TABLE")
        else:
            check("DRIFTGUARD_FINDINGS_TABLE" not in env, f"{fn}: no findings table")

        inv = lam.get_function_event_invoke_config(FunctionName=audit["function_names"][fn])
        check(inv.get("MaximumRetryAttempts") == 2, f"{fn}: 2 async retries")
        check(inv.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination") == audit["dlq_arns"][fn], f"{fn}: on-failure destination is its DLQ")

        attrs = sqs.get_queue_attributes(QueueUrl=audit["dlq_urls"][fn], AttributeNames=["All"])["Attributes"]
        check(attrs.get("KmsMasterKeyId") == key, f"{fn}: DLQ encrypted with the module's KMS key")
        check(attrs.get("MessageRetentionPeriod") == "1209600", f"{fn}: DLQ keeps 14 days")

        dlq_alarm = alarms.get(f"driftguard-{fn}-dlq-not-empty")
        err_alarm = alarms.get(f"driftguard-{fn}-errors")
        check(dlq_alarm is not None and dlq_alarm["MetricName"] == "ApproximateNumberOfMessagesVisible", f"{fn}: DLQ depth alarm")
        check(err_alarm is not None and err_alarm["MetricName"] == "Errors", f"{fn}: errors alarm")
        for al in (dlq_alarm, err_alarm):
            if al:
                check(al["AlarmActions"] == [topic], f"{fn}: alarm {al['AlarmName']} notifies the topic")

        lg = logs.describe_log_groups(logGroupNamePrefix=audit["log_group_names"][fn])["logGroups"]
        check(len(lg) == 1 and lg[0].get("retentionInDays") == 365, f"{fn}: log group with 365-day retention")
        check(len(lg) == 1 and lg[0].get("kmsKeyId") == key, f"{fn}: log group encrypted")

        role_name = audit["function_role_arns"][fn].split("/")[-1]
        role = iam.get_role(RoleName=role_name)["Role"]
        trust = role["AssumeRolePolicyDocument"]
        principals = [s.get("Principal", {}).get("Service") for s in as_list(trust.get("Statement"))]
        check(principals == ["lambda.amazonaws.com"], f"{fn}: role trusted by Lambda only")
        names = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        check(iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"] == [], f"{fn}: no managed policies")
        actions: dict[str, list] = {}
        for n in names:
            doc = iam.get_role_policy(RoleName=role_name, PolicyName=n)["PolicyDocument"]
            check_statements(f"{fn} role", doc)
            for st in as_list(doc.get("Statement")):
                for act in as_list(st.get("Action")):
                    actions.setdefault(act, []).extend(as_list(st.get("Resource")))
        check(actions.get("sns:Publish") == [topic], f"{fn}: sns:Publish on the topic only")
        check(actions.get("sqs:SendMessage") == [audit["dlq_arns"][fn]], f"{fn}: sqs:SendMessage on its DLQ only")
        assume = actions.get("sts:AssumeRole", [])
        if fn in ("trail-guard", "guardduty-guard"):
            check(assume == ["arn:aws:iam::*:role/DriftguardRemediation"], f"{fn}: assumes the remediation role in organization accounts")
        elif fn == "org-guard":
            check(assume == [f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/DriftguardRemediation"], f"{fn}: assumes the remediation role in the management account only")
        else:
            check(assume == [], f"{fn}: assumes no role")
        writes = [x for x in actions if x.split(":")[1].startswith(("Move", "Attach", "Update", "Create", "Start", "Put", "Delete"))]
        allowed_writes = {"logs:PutLogEvents", "logs:CreateLogStream"}
        if fn == "guardduty-guard":
            allowed_writes |= {"guardduty:CreateMembers", "guardduty:UpdateOrganizationConfiguration", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
        check(set(writes) <= allowed_writes, f"{fn}: function role writes only {sorted(allowed_writes)} (got {sorted(writes)})")

    print("== audit account: KMS key policy")
    kms = client(a, "kms")
    key_policy = json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    eb = [st for st in as_list(key_policy.get("Statement")) if (st.get("Principal") or {}).get("Service") == "events.amazonaws.com"]
    check(len(eb) == 1, "key policy: one statement for EventBridge")
    for st in eb:
        check(sorted(as_list(st.get("Action"))) == ["kms:Decrypt", "kms:GenerateDataKey*"], "EventBridge: GenerateDataKey and Decrypt only (its dead letters)")
        cond = st.get("Condition") or {}
        rule_arns = sorted(audit["rule_arns"].values())
        check(cond == {"ArnEqualsIfExists": {"aws:SourceArn": rule_arns}},
              f"EventBridge may use the key only on behalf of the function rules (aws:SourceArn {cond})")

    print("== audit account: topic, subscriptions, findings table, findings forwarders")
    tattrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    check(tattrs.get("KmsMasterKeyId") == key, "topic KMS-encrypted")
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    check(any(s["Protocol"] == "email" and s["Endpoint"] == "secops@example.com" for s in subs), "email subscription")
    table = audit["findings_table_name"]
    t = ddb.describe_table(TableName=table)["Table"]
    check(t["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}], "findings table key pk")
    check({"AttributeName": "pk", "AttributeType": "S"} in t["AttributeDefinitions"], "findings table pk is a string")
    check(t.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST", "findings table on-demand")
    check(t.get("SSEDescription", {}).get("KMSMasterKeyArn") == key, "findings table encrypted with the module's key")
    ttl = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    check(ttl.get("AttributeName") == "expires_at" and ttl.get("TimeToLiveStatus") == "ENABLED", "findings table TTL expires_at")
    pitr = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    check(pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", "findings table PITR")

    finding_pattern = json.loads(audit["guardduty_finding_pattern_json"])
    for region in ("us-east-1", "eu-west-1"):
        ev = client(session(AUDIT_ACCOUNT, region), "events")
        r = ev.describe_rule(Name="driftguard-guardduty-findings", EventBusName="default")
        check(json.loads(r["EventPattern"]) == finding_pattern, f"{region}: findings forwarder pattern")
        tg = ev.list_targets_by_rule(Rule="driftguard-guardduty-findings", EventBusName="default")["Targets"]
        check([(x["Arn"], x.get("RoleArn")) for x in tg] == [(audit["event_bus_arn"], audit["forwarder_role_arn"])], f"{region}: findings forwarded to the bus with the forwarder role")

    print("== management account: remediation role, forwarder")
    m = session(MANAGEMENT_ACCOUNT)
    miam = client(m, "iam")
    role = miam.get_role(RoleName="DriftguardRemediation")["Role"]
    check(role["Arn"] == mgmt["remediation_role_arn"] and f":{MANAGEMENT_ACCOUNT}:" in role["Arn"], "remediation role in the management account")
    trust = as_list(role["AssumeRolePolicyDocument"].get("Statement"))
    trusted = {}
    for st in trust:
        cond = st.get("Condition", {})
        check(st.get("Principal") == {"AWS": f"arn:aws:iam::{AUDIT_ACCOUNT}:root"}, "trust names the Audit account only")
        check(cond.get("StringEquals", {}).get("aws:PrincipalOrgID") == ORGANIZATION_ID, "trust requires aws:PrincipalOrgID")
        arn = cond.get("ArnEquals", {}).get("aws:PrincipalArn")
        trusted[arn] = cond.get("StringLike", {}).get("sts:RoleSessionName")
    expected = {
        audit["function_role_arns"][fn]: f"driftguard-{fn}-*" for fn in ("org-guard", "trail-guard", "guardduty-guard")
    }
    check(trusted == expected, f"trust: exactly org-guard, trail-guard, guardduty-guard, each bound to its own session names (got {trusted})")
    policies = {n: miam.get_role_policy(RoleName="DriftguardRemediation", PolicyName=n)["PolicyDocument"] for n in miam.list_role_policies(RoleName="DriftguardRemediation")["PolicyNames"]}
    check(sorted(policies) == ["guardduty-guard-guardduty", "org-guard-organizations", "trail-guard-cloudtrail"], f"three permission sets (got {sorted(policies)})")
    for name, doc in policies.items():
        fn = name.split("-guard-")[0] + "-guard"
        check_statements(f"management {name}", doc)
        for st in as_list(doc.get("Statement")):
            check(function_session_condition(st) == f"*:driftguard-{fn}-*", f"{name} {st.get('Sid')}: usable only in {fn} sessions")
            if fn != "org-guard":
                check(not any(a.startswith("organizations:") and not a.startswith(("organizations:Describe", "organizations:List")) for a in as_list(st.get("Action"))), f"{name}: no Organizations writes outside org-guard")
    check_organizations_resources(policies.get("org-guard-organizations", {}))
    org_actions = sorted({a for st in as_list(policies.get("org-guard-organizations", {}).get("Statement")) for a in as_list(st.get("Action"))})
    check(org_actions == sorted([
        "organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent", "organizations:ListParents",
        "organizations:DescribeAccount", "organizations:MoveAccount", "organizations:ListTargetsForPolicy",
        "organizations:AttachPolicy", "organizations:DescribePolicy", "organizations:UpdatePolicy",
        "organizations:ListPolicies", "organizations:CreatePolicy", "organizations:EnablePolicyType",
    ]), f"org-guard: exactly the Organizations actions it calls (got {org_actions})")

    mev = client(m, "events")
    fwd = mev.describe_rule(Name="driftguard-forward", EventBusName="default")
    forward_pattern = json.loads(mgmt["forward_pattern_json"])
    check(json.loads(fwd["EventPattern"]) == forward_pattern, "management forwarder pattern")
    check_pattern_operators("forward pattern", forward_pattern)
    check(len(fwd["EventPattern"]) <= 2048, "forward pattern within EventBridge's default 2048 characters")
    check_source_conditions(json.loads(audit["event_patterns"]["root-guard"]), forward_pattern)
    check("GuardDuty Finding" not in fwd["EventPattern"], "management does not forward findings")
    tg = mev.list_targets_by_rule(Rule="driftguard-forward", EventBusName="default")["Targets"]
    check([(x["Arn"], x.get("RoleArn")) for x in tg] == [(audit["event_bus_arn"], mgmt["forwarder_role_arn"])], "management forwards to the Audit bus with its role")

    print("== member account (StackSet deployed by moto into an account of the target OU)")
    check_member(out, forward_pattern)

    print("== member StackSet template")
    check_template(template_path, forward_pattern)

    print(f"\n{passed} checks passed, {len(failures)} failed")
    if failures:
        for f in failures:
            print(f"  FAIL {f}")
        sys.exit(1)


def check_organizations_resources(doc: dict) -> None:
    """org-guard's Organizations actions are each granted on exactly the resource types the
    Service Authorization Reference lists for the action, in this organization only."""
    org = f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}"
    account = f"{org}:account/{ORGANIZATION_ID}/*"
    ou = f"{org}:ou/{ORGANIZATION_ID}/ou-*"
    root = f"{org}:root/{ORGANIZATION_ID}/r-*"
    scp = f"{org}:policy/{ORGANIZATION_ID}/service_control_policy/p-*"
    expected = {
        "organizations:ListRoots": ["*"],  # no resource type
        "organizations:ListPolicies": ["*"],  # no resource type
        "organizations:CreatePolicy": ["*"],  # no resource type (organizations:PolicyType condition)
        "organizations:ListOrganizationalUnitsForParent": [root, ou],
        "organizations:ListParents": [account, ou],
        "organizations:DescribeAccount": [account],
        "organizations:DescribePolicy": [scp],
        "organizations:ListTargetsForPolicy": [scp],
        "organizations:UpdatePolicy": [scp],
        "organizations:MoveAccount": [account, root, ou],
        "organizations:AttachPolicy": [scp, root, ou, account],
        "organizations:EnablePolicyType": [root],
    }
    got: dict[str, list] = {}
    for st in as_list(doc.get("Statement")):
        for a in as_list(st.get("Action")):
            got.setdefault(a, []).extend(as_list(st.get("Resource")))
            if a in ("organizations:EnablePolicyType", "organizations:CreatePolicy"):
                ptype = (st.get("Condition") or {}).get("StringEquals", {}).get("organizations:PolicyType")
                check(as_list(ptype) == ["SERVICE_CONTROL_POLICY"], f"org-guard: {a} only for SERVICE_CONTROL_POLICY (got {ptype})")
    for a, res in expected.items():
        check(sorted(got.get(a, [])) == sorted(res), f"org-guard: {a} on {sorted(res)} (got {sorted(got.get(a, []))})")
    check(set(got) == set(expected), f"org-guard: no other Organizations action (got {sorted(set(got) - set(expected))})")


def check_member(out: dict, forward_pattern: dict) -> None:
    audit, member = out["audit"], out["member"]
    account = out["member_account_id"]
    cf = client(session(MANAGEMENT_ACCOUNT), "cloudformation")
    ss = cf.describe_stack_set(StackSetName=member["stack_set_name"])["StackSet"]
    check(ss.get("PermissionModel") == "SERVICE_MANAGED", "StackSet is service-managed")
    inst = cf.list_stack_instances(StackSetName=member["stack_set_name"])["Summaries"]
    check(sorted((i["Account"], i["Region"]) for i in inst) == [(account, "eu-west-1"), (account, "us-east-1")], f"a stack per governed region in the member account (got {[(i['Account'], i['Region']) for i in inst]})")

    for region in ("us-east-1", "eu-west-1"):
        s = session(account, region)
        ev, iam = client(s, "events"), client(s, "iam")
        rule = ev.describe_rule(Name="driftguard-forward", EventBusName="default")
        check(json.loads(rule["EventPattern"]) == forward_pattern, f"member {region}: forwarding pattern is forward_pattern")
        tg = ev.list_targets_by_rule(Rule="driftguard-forward", EventBusName="default")["Targets"]
        role_arn = f"arn:aws:iam::{account}:role/DriftguardForwarder-{region}"
        check([(t["Arn"], t.get("RoleArn")) for t in tg] == [(audit["event_bus_arn"], role_arn)], f"member {region}: forwards to the Audit bus with its role")
        role = iam.get_role(RoleName=f"DriftguardForwarder-{region}")["Role"]
        trust = as_list(role["AssumeRolePolicyDocument"].get("Statement"))
        check([t.get("Principal") for t in trust] == [{"Service": "events.amazonaws.com"}], f"member {region}: forwarder role trusted by EventBridge only")
        for n in iam.list_role_policies(RoleName=f"DriftguardForwarder-{region}")["PolicyNames"]:
            doc = policy_doc(iam.get_role_policy(RoleName=f"DriftguardForwarder-{region}", PolicyName=n)["PolicyDocument"])
            for st in as_list(doc.get("Statement")):
                check(as_list(st.get("Action")) == ["events:PutEvents"] and as_list(st.get("Resource")) == [audit["event_bus_arn"]], f"member {region}: forwarder role may only put events on the Audit bus")

    iam = client(session(account), "iam")
    role = iam.get_role(RoleName="DriftguardRemediation")["Role"]
    trusted = {}
    for st in as_list(role["AssumeRolePolicyDocument"].get("Statement")):
        cond = st.get("Condition", {})
        check(st.get("Principal") == {"AWS": f"arn:aws:iam::{AUDIT_ACCOUNT}:root"}, "member trust names the Audit account only")
        check(cond.get("StringEquals", {}).get("aws:PrincipalOrgID") == ORGANIZATION_ID, "member trust requires aws:PrincipalOrgID")
        trusted[cond.get("ArnEquals", {}).get("aws:PrincipalArn")] = cond.get("StringLike", {}).get("sts:RoleSessionName")
    expected = {audit["function_role_arns"][fn]: f"driftguard-{fn}-*" for fn in ("trail-guard", "guardduty-guard")}
    check(trusted == expected, f"member trust: exactly trail-guard and guardduty-guard, each bound to its own session names (got {trusted})")
    names = sorted(iam.list_role_policies(RoleName="DriftguardRemediation")["PolicyNames"])
    check(names == ["guardduty-guard-guardduty", "trail-guard-cloudtrail"], f"member role: two permission sets (got {names})")
    for n in names:
        fn = n.split("-guard-")[0] + "-guard"
        doc = policy_doc(iam.get_role_policy(RoleName="DriftguardRemediation", PolicyName=n)["PolicyDocument"])
        check_statements(f"member {n}", doc)
        for st in as_list(doc.get("Statement")):
            check(function_session_condition(st) == f"*:driftguard-{fn}-*", f"member {n} {st.get('Sid')}: usable only in {fn} sessions")
            check(not any(a.startswith("organizations:") for a in as_list(st.get("Action"))), f"member {n}: no Organizations actions")
    actions = sorted({a for n in names for st in as_list(policy_doc(iam.get_role_policy(RoleName="DriftguardRemediation", PolicyName=n)["PolicyDocument"]).get("Statement")) for a in as_list(st.get("Action"))})
    check(actions == sorted([
        "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:StartLogging",
        "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:CreateTrail",
        "guardduty:ListDetectors", "guardduty:CreateDetector", "guardduty:GetDetector", "guardduty:UpdateDetector",
        "iam:CreateServiceLinkedRole",
    ]), f"member role: exactly the calls of trail-guard and guardduty-guard (got {actions})")


class CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _tag)


def check_template(path: str, forward_pattern: dict) -> None:
    with open(path, encoding="utf-8") as f:
        tpl = yaml.load(f, Loader=CfnLoader)  # noqa: S506 (SafeLoader subclass)
    res = tpl["Resources"]
    rule = res["ForwardRule"]["Properties"]
    check(rule["EventPattern"] == forward_pattern, "StackSet forward pattern == event-patterns forward_pattern")
    check(rule["EventBusName"] == "default", "StackSet rule on the default bus")
    role = res["RemediationRole"]
    check(role.get("Condition") == "IsHomeRegion", "remediation role only in the home region's stack")
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    sids = sorted(s["Sid"] for s in trust)
    check(sids == ["GuardDutyGuard", "TrailGuard"], f"member role trusted by trail-guard and guardduty-guard only (got {sids})")
    for s in trust:
        c = s["Condition"]
        check("aws:PrincipalOrgID" in c["StringEquals"], f"member trust {s['Sid']}: aws:PrincipalOrgID")
        check("aws:PrincipalArn" in c["ArnEquals"], f"member trust {s['Sid']}: aws:PrincipalArn")
        check("sts:RoleSessionName" in c["StringLike"], f"member trust {s['Sid']}: session name bound")
    policies = list(role["Properties"]["Policies"])
    policies += [r["Properties"] for r in res.values() if r["Type"] == "AWS::IAM::Policy"]
    for pol in policies:
        for st in pol["PolicyDocument"]["Statement"]:
            doc = {"Statement": [st]}
            check_statements(f"member {pol['PolicyName']}", doc)
            check("aws:userid" in (st.get("Condition") or {}).get("StringLike", {}), f"member {pol['PolicyName']} {st.get('Sid')}: bound to its function's sessions")
            check(not any(fnmatch.fnmatch(a, "organizations:*") for a in as_list(st.get("Action"))), "member role: no Organizations actions")


if __name__ == "__main__":
    main()
