# No inputs: the patterns follow the event names the Rust code judges
# (shared/src/guardrails/*.rs) and change with it, not per deployment.
