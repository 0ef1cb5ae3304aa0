"""Business capabilities, lowest first (see ARCHITECTURE.md section 1):
catalog, partners < traceability < inventory < quality < procurement, production, sales,
service < recall < reports. Import contracts in pyproject.toml enforce the order."""
