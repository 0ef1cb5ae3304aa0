"""traceability.epcis."""
