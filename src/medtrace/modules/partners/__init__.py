"""Partners: suppliers, customers, manufacturers, qualifications, first-operation approval."""
