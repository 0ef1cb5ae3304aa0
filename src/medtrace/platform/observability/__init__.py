"""Logging, metrics and health: how an operator sees what the processes do."""
