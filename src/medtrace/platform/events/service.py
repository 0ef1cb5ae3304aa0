"""Events: what happened, published inside the action's transaction, handled after its commit.

- An event is a frozen dataclass deriving from ``Event``, named in the past tense, with a dotted
  ``type`` and a schema ``version`` (class attributes, not fields)::

      @dataclass(frozen=True)
      class StockMoved(Event):
          type = "inventory.stock.moved"
          version = 1
          move_id: int
          quantity: Decimal

  Every event also carries ``event_id`` (a UUID) and ``occurred_at`` (UTC), filled in when it
  is created.
- ``uow.publish(event)`` (``publish`` below) adds the event's outbox row to the unit of work's
  session: it commits or rolls back with the action. After the commit, the in-process handlers
  subscribed to the event's class (or to one of its base classes) run, in the order they
  subscribed; a handler that fails is logged with the event id and does not disturb the action
  (already committed) nor the other handlers.
- Handlers are ``handler(event, context)``. They run outside any transaction; one that writes
  opens its own unit of work with ``context.unit_of_work()`` (same database, time zone and
  actor as the action that published the event).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import inspect
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from medtrace.platform.db.base import plain_decimal, utcnow
from medtrace.platform.events.errors import EventDefinitionError
from medtrace.platform.events.models import LENGTHS, PENDING, OutboxMessage
from medtrace.platform.observability.logging import get_logger

if TYPE_CHECKING:
    from medtrace.platform.db.session import Database
    from medtrace.platform.db.uow import UnitOfWork

log = get_logger("medtrace.events")

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
#: fields every event has; the payload holds the others
ENVELOPE_FIELDS = frozenset({"event_id", "occurred_at"})


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event (see the module docstring)."""

    type: ClassVar[str]
    version: ClassVar[int] = 1

    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: dt.datetime = field(default_factory=utcnow)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attribute in ("type", "version"):
            annotation = inspect.get_annotations(cls).get(attribute)
            if annotation is not None and "ClassVar" not in str(annotation):
                raise EventDefinitionError(f"{cls.__qualname__}: write `{attribute} = ...` "
                                           "without an annotation (it is not a field)")
        name = cls.__dict__.get("type")
        if name is None:  # an abstract intermediate class: no type of its own
            return
        if not isinstance(name, str) or not TYPE_PATTERN.match(name) \
                or len(name) > LENGTHS["type"]:
            raise EventDefinitionError(f"{cls.__qualname__}: type {name!r} is not a dotted name "
                                       "such as 'inventory.stock.moved'")
        version = cls.__dict__.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise EventDefinitionError(f"{cls.__qualname__}: version {version!r} is not >= 1")
        where = f"{cls.__module__}.{cls.__qualname__}"
        known = _types.get(name)
        if known is not None and f"{known.__module__}.{known.__qualname__}" != where:
            raise EventDefinitionError(f"event type {name!r} is already {known.__qualname__}")
        _types[name] = cls

    def payload(self) -> dict[str, Any]:
        """The event's own fields as JSON-ready values."""
        return {f.name: to_json(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in ENVELOPE_FIELDS}


E = TypeVar("E", bound=Event)

_types: dict[str, type[Event]] = {}


def event_types() -> dict[str, type[Event]]:
    """Every event class defined so far, by type name."""
    return dict(_types)


def to_json(value: Any) -> Any:
    """A value of an event field as JSON: Decimal as a string, times as UTC ISO 8601."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("an event field is not a finite number")
        return value
    if isinstance(value, Decimal):
        return str(plain_decimal(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime in an event; attach a time zone")
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    raise TypeError(f"an event field of type {type(value).__name__} has no JSON form")


# --- handlers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HandlerContext:
    """What a handler gets besides the event: the way back to the database."""

    db: Database
    timezone: str
    context: dict[str, Any]

    def unit_of_work(self, *, write: bool = True) -> UnitOfWork:
        from medtrace.platform.db.uow import UnitOfWork

        return UnitOfWork(self.db, write=write, timezone=self.timezone,
                          context=dict(self.context))


Handler = Callable[[Any, HandlerContext], None]

_handlers: dict[type[Event], list[Handler]] = {}


def subscribe(event_type: type[E]) -> Callable[[Callable[[E, HandlerContext], None]],
                                               Callable[[E, HandlerContext], None]]:
    """Decorator: run the handler after the commit of every action that publishes an event of
    ``event_type`` (or of a subclass). Subscribing the same handler twice has no effect."""
    if not (isinstance(event_type, type) and issubclass(event_type, Event)):
        raise TypeError(f"{event_type!r} is not an Event class")

    def register(handler: Callable[[E, HandlerContext], None]
                 ) -> Callable[[E, HandlerContext], None]:
        registered = _handlers.setdefault(event_type, [])
        if handler not in registered:
            registered.append(handler)
        return handler

    return register


def unsubscribe(event_type: type[Event], handler: Handler) -> None:
    registered = _handlers.get(event_type, [])
    if handler in registered:
        registered.remove(handler)


def handlers_for(event_type: type[Event]) -> list[Handler]:
    """The handlers of an event class: those of its own class first, then of its bases."""
    found: list[Handler] = []
    for klass in event_type.__mro__:
        for handler in _handlers.get(klass, ()):
            if handler not in found:
                found.append(handler)
    return found


def dispatch(event: Event, context: HandlerContext) -> None:
    """Run the event's handlers; a failure is logged and the next handler runs."""
    for handler in handlers_for(type(event)):
        try:
            handler(event, context)
        except Exception:
            log.exception("event handler failed", event_id=str(event.event_id),
                          event_type=event.type,
                          handler=f"{handler.__module__}.{handler.__qualname__}")


# --- publishing --------------------------------------------------------------------------------
def _actor_key(actor: Any) -> str | None:
    if actor is None:
        return None
    key = getattr(actor, "key", None)
    return str(key if key is not None else actor)[: LENGTHS["actor"]]


def publish(uow: UnitOfWork, event: Event) -> OutboxMessage:
    """Write the event's outbox row in the unit of work's transaction and run its handlers
    after the commit (``UnitOfWork.publish`` calls this)."""
    if not isinstance(event, Event) or not isinstance(getattr(type(event), "type", None), str):
        raise TypeError(f"{event!r} is not an event with a type")
    if not uow.write:
        raise RuntimeError("events are published by units of work that write")
    request_id = uow.context.get("request_id")
    row = OutboxMessage(
        event_id=event.event_id, type=event.type, version=event.version,
        payload=event.payload(), occurred_at=event.occurred_at,
        actor=_actor_key(uow.context.get("actor")),
        request_id=None if request_id is None else str(request_id)[: LENGTHS["request_id"]],
        status=PENDING, attempts=0, next_attempt_at=event.occurred_at)
    uow.session.add(row)
    context = HandlerContext(db=uow.db, timezone=uow.timezone.key, context=dict(uow.context))
    uow.after_commit(lambda: dispatch(event, context))
    return row
