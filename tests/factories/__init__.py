"""Builders of test data, through the real services."""
