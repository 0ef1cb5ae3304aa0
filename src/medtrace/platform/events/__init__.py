"""Events and the outbox: ``uow.publish(SomethingHappened(...))`` writes the event's row to
``events_outbox`` in the action's transaction; in-process handlers subscribed with
``subscribe(EventType)`` run after the commit. See ``service`` and docs/events.md."""

from medtrace.platform.events.errors import EventDefinitionError
from medtrace.platform.events.models import DELIVERED, FAILED, PENDING, OutboxMessage
from medtrace.platform.events.service import (
    Event,
    HandlerContext,
    dispatch,
    event_types,
    handlers_for,
    publish,
    subscribe,
    to_json,
    unsubscribe,
)

__all__ = [
    "DELIVERED",
    "FAILED",
    "PENDING",
    "Event",
    "EventDefinitionError",
    "HandlerContext",
    "OutboxMessage",
    "dispatch",
    "event_types",
    "handlers_for",
    "publish",
    "subscribe",
    "to_json",
    "unsubscribe",
]
