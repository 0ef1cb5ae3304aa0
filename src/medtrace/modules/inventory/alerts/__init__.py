"""inventory.alerts."""
