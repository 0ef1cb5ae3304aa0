"""Errors of the event mechanism. They are programming errors (found by the tests), not
answers to a user, so none of them is a ``DomainError``."""

from __future__ import annotations


class EventDefinitionError(TypeError):
    """An event class is declared wrongly (type name, version, a type taken twice)."""
