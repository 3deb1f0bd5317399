# No inputs: the patterns follow the event names the Rust code judges
# (shared/core/src/catalog.rs, via catalog.json) and change with it, not per deployment.
