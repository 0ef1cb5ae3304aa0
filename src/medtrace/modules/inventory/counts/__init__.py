"""inventory.counts."""
