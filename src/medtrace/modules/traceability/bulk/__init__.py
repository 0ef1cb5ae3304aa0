"""traceability.bulk."""
