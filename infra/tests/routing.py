"""Routing test: every EventBridge fixture of the function corpora, put on the deployed
buses (moto), reaches exactly the functions that must see it.

Expected set of an event = the owners (from `driftguard catalog`, the core's guardrail table)
of every guardrail `driftguard evaluate` says claims it (one JSON line per claiming
guardrail; a null guardrail claims nothing). An SQS queue is
added as an extra target of every function rule; the queues tell which rules matched.

Untrusted sources: every fixture that reaches a function is put again twice, once with a
partner event source (`aws.partner/...`) and once with a custom source; the fixtures that
already carry such a source (tests/fixtures/trail/events/untrusted) are checked the same
way although `driftguard evaluate` refuses them. A partner event must reach no function in
any pass. A custom event must never be forwarded (management, member, findings); put
directly on the Audit bus (which admits only the forwarding rules' roles of other accounts)
it may reach root-guard alone, when it looks like a root API call: root-guard's rule cannot
require an `aws.` source and exclude `aws.partner/` at once (see
infra/modules/event-patterns), and the core refuses the event (verdict error).

Four passes, each event marked with a unique field in its detail (no pattern reads it):
  direct      put on the Audit account's driftguard bus (what the rules see);
  management  put on the management account's default bus in us-east-1: its forwarding rule
              sends it to the Audit bus. GuardDuty findings are not forwarded (the
              delegated administrator has them already);
  member      put on the member account's default bus in eu-west-1: the StackSet's rule
              forwards it cross-account and cross-region (same pattern, same exclusion);
  findings    put on the Audit account's default bus in eu-west-1: only GuardDuty findings
              are forwarded, by the second-region findings forwarder.

Usage: MOTO_ENDPOINT=... python3 infra/tests/routing.py OUTPUTS_JSON DRIFTGUARD_BIN POLICY REPO_ROOT
"""

import json
import subprocess
import sys
from pathlib import Path

from awsenv import AUDIT_ACCOUNT, FUNCTIONS, MANAGEMENT_ACCOUNT, client, outputs, session


def owners(binary: str) -> dict[str, str]:
    """Guardrail -> owning function, from the core's catalog (`driftguard catalog`)."""
    proc = subprocess.run([binary, "catalog"], capture_output=True, text=True, check=True)
    return {e["guardrail"]: e["function"] for e in json.loads(proc.stdout)}

MARKER = "driftguardRoutingTestMarker"


def fixtures(repo: Path) -> list[tuple[str, dict]]:
    """Every *.json fixture under tests/fixtures/*/events that is one EventBridge envelope."""
    found = []
    for path in sorted(repo.glob("tests/fixtures/*/events/**/*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue  # undecodable on purpose
        if isinstance(doc, dict) and "detail-type" in doc and isinstance(doc.get("detail"), dict) and doc.get("source"):
            found.append((str(path.relative_to(repo)), doc))
    return found


def expectations(binary: str, policy: str, repo: Path, files: list[str]) -> dict[str, set[str] | None]:
    """File -> the functions that must see it (None: the CLI cannot decode it)."""
    proc = subprocess.run(
        [binary, "evaluate", "--format", "json", "--policy", policy, *files],
        cwd=repo, capture_output=True, text=True, check=False,
    )
    if proc.returncode not in (0, 2):
        sys.exit(f"driftguard evaluate failed ({proc.returncode}): {proc.stderr}")
    owner_of = owners(binary)
    expected: dict[str, set[str] | None] = {}
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        src = d["source"].split("#")[0]
        if d.get("verdict") == "error":
            expected[src] = None
            continue
        cur = expected.setdefault(src, set())
        if cur is not None and d.get("guardrail"):
            owner = owner_of.get(d["guardrail"])
            if owner is None:
                sys.exit(f"guardrail {d['guardrail']} in {src} is not in `driftguard catalog`")
            cur.add(owner)
    missing = [f for f in files if f not in expected]
    if missing:
        sys.exit(f"driftguard evaluate printed nothing for {missing}")
    return expected


def drain(sqs, queues: dict[str, str]) -> dict[str, set[str]]:
    got: dict[str, set[str]] = {}
    for fn, url in queues.items():
        while True:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            if not msgs:
                break
            for m in msgs:
                event = json.loads(m["Body"])
                marker = event.get("detail", {}).get(MARKER)
                got.setdefault(marker, set()).add(fn)
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
            )
    return got


def put_all(events_client, bus: str, docs: list[tuple[str, dict]], pass_name: str) -> None:
    entries = []
    for i, (_, doc) in enumerate(docs):
        detail = dict(doc["detail"])
        detail[MARKER] = f"{pass_name}-{i}"
        entries.append({
            "Source": doc["source"],
            "DetailType": doc["detail-type"],
            "Detail": json.dumps(detail),
            "Resources": doc.get("resources") or [],
            "EventBusName": bus,
        })
    for start in range(0, len(entries), 10):
        out = events_client.put_events(Entries=entries[start:start + 10])
        if out.get("FailedEntryCount"):
            sys.exit(f"PutEvents failed: {out['Entries']}")


PARTNER_SOURCE = "aws.partner/saas.example.com/1234/events"
CUSTOM_SOURCE = "com.example.forged"
PASSES = ["direct", "management", "member", "findings"]


def untrusted_kind(source: str) -> str | None:
    if source.startswith("aws.partner/"):
        return "partner"
    if not source.startswith("aws."):
        return "custom"
    return None


def untrusted_want(doc: dict) -> dict[str, set[str]]:
    """Where an event with a partner or custom source may arrive (see the module docstring)."""
    want = {c: set() for c in PASSES}
    detail = doc.get("detail") or {}
    identity = detail.get("userIdentity") if isinstance(detail.get("userIdentity"), dict) else {}
    looks_like_root_api_call = (
        doc["detail-type"] == "AWS API Call via CloudTrail"
        and isinstance(detail.get("eventSource"), str)
        and detail["eventSource"].endswith(".amazonaws.com")
        and identity.get("type") == "Root"
    )
    if untrusted_kind(doc["source"]) == "custom" and looks_like_root_api_call:
        want["direct"] = {"root-guard"}
    return want


def fmt(s: set[str] | None) -> str:
    if s is None:
        return "(undecodable)"
    return ",".join(sorted(s)) or "-"


def main() -> None:
    out = outputs(sys.argv[1])
    binary, policy, repo = sys.argv[2], sys.argv[3], Path(sys.argv[4]).resolve()
    audit = out["audit"]

    docs = fixtures(repo)
    expected = expectations(binary, policy, repo, [f for f, _ in docs])
    # The same events from untrusted sources: every fixture that reaches a function.
    variants = [
        (f"{f}#{kind}", dict(doc, source=source))
        for f, doc in docs
        if expected[f]
        for kind, source in (("partner", PARTNER_SOURCE), ("custom", CUSTOM_SOURCE))
    ]
    everything = docs + variants

    a = session(AUDIT_ACCOUNT)
    events = client(a, "events")
    sqs = client(a, "sqs")
    queues = {}
    for fn in FUNCTIONS:
        url = sqs.create_queue(QueueName=f"routing-test-{fn}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_targets(
            Rule=audit["rule_names"][fn], EventBusName=audit["event_bus_name"],
            Targets=[{"Id": "routing-test-probe", "Arn": arn}],
        )
        queues[fn] = url
    drain(sqs, queues)

    passes = {
        "direct": (events, audit["event_bus_name"]),
        "management": (client(session(MANAGEMENT_ACCOUNT), "events"), "default"),
        "member": (client(session(out["member_account_id"], "eu-west-1"), "events"), "default"),
        "findings": (client(session(AUDIT_ACCOUNT, "eu-west-1"), "events"), "default"),
    }
    got = {}
    for name, (ev, bus) in passes.items():
        put_all(ev, bus, everything, name)
        got[name] = drain(sqs, queues)

    try:
        for fn in FUNCTIONS:
            events.remove_targets(Rule=audit["rule_names"][fn], EventBusName=audit["event_bus_name"], Ids=["routing-test-probe"])
    except Exception as e:  # noqa: BLE001 (cleanup only)
        print(f"warning: could not remove the probe targets: {e}")

    mismatches = 0
    untrusted_checked = 0
    width = max(len(f) for f, _ in everything)
    cols = PASSES
    print(f"{'fixture':<{width}}  {'expected':<16} " + " ".join(f"{c:<16}" for c in cols) + " ok")
    for i, (f, doc) in enumerate(everything):
        row = {c: got[c].get(f"{c}-{i}", set()) for c in cols}
        kind = untrusted_kind(doc["source"])
        if kind is not None:
            # A partner or custom source (a variant, or an untrusted fixture).
            want = untrusted_want(doc)
            exp_txt = f"({kind})"
            good = all(row[c] == want[c] for c in cols)
            untrusted_checked += 1
        elif i < len(docs) and expected[f] is None:
            print(f"{f:<{width}}  {'(undecodable)':<16} " + " ".join(f"{fmt(row[c]):<16}" for c in cols) + " skip")
            continue  # undecodable: whatever reaches a function errors into its DLQ
        else:
            exp = expected[f]
            is_finding = doc["detail-type"] == "GuardDuty Finding"
            forwarded = set() if is_finding else exp
            want = {
                "direct": exp,
                "management": forwarded,
                "member": forwarded,
                "findings": exp & {"guardduty-guard"} if is_finding else set(),
            }
            exp_txt = fmt(exp)
            good = all(row[c] == want[c] for c in cols)
        mismatches += not good
        ok = "ok" if good else "MISMATCH want " + " ".join(f"{c}={fmt(want[c])}" for c in cols)
        print(f"{f:<{width}}  {exp_txt:<16} " + " ".join(f"{fmt(row[c]):<16}" for c in cols) + f" {ok}")

    checked = sum(1 for f, d in docs if expected[f] is not None and untrusted_kind(d["source"]) is None)
    print(f"\n{len(docs)} EventBridge fixtures, {checked} checked in 4 passes; "
          f"{untrusted_checked} events from partner or custom sources checked; {mismatches} mismatching")
    if mismatches:
        sys.exit(1)

if __name__ == "__main__":
    main()
