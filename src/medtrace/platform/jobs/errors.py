"""Errors of the job mechanism: programming and operator errors, not answers to a user."""

from __future__ import annotations


class JobDefinitionError(ValueError):
    """A job is declared wrongly (name, period, lease) or registered twice."""


class JobNotFound(LookupError):
    """No job of that name is registered (e.g. ``medtrace worker --only`` with a typo)."""
