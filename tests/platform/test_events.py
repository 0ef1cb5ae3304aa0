"""Events: the outbox row is written in the action's transaction; handlers run after commit."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.events import (
    Event,
    EventDefinitionError,
    OutboxMessage,
    subscribe,
    unsubscribe,
)
from medtrace.platform.observability.logging import configure_logging


@dataclass(frozen=True)
class ThingHappened(Event):
    type = "tests.thing.happened"
    version = 2
    thing_id: int
    quantity: Decimal
    at: dt.datetime
    on: dt.date
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpecialThingHappened(ThingHappened):
    type = "tests.thing.special_happened"


def _event(**extra) -> ThingHappened:
    values = {"thing_id": 7, "quantity": Decimal("12.500000"),
              "at": dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
              "on": dt.date(2027, 1, 31), "tags": ("a", "b")}
    return ThingHappened(**{**values, **extra})


@pytest.fixture
def seen():
    calls: list[tuple[str, Event, bool]] = []

    def first(event, context):
        calls.append(("first", event, context))

    def second(event, context):
        calls.append(("second", event, context))

    subscribe(ThingHappened)(first)
    subscribe(ThingHappened)(second)
    yield calls
    unsubscribe(ThingHappened, first)
    unsubscribe(ThingHappened, second)


def _rows(db) -> list[OutboxMessage]:
    with UnitOfWork(db, write=False) as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_publish_writes_the_row_in_the_transaction_and_handlers_run_after_commit(db, seen):
    actor = Actor("user", 12, "li.na")
    event = _event()
    with UnitOfWork(db, context={"actor": actor, "request_id": "req-1"}) as uow:
        uow.publish(event)
        inside = uow.session.scalars(select(OutboxMessage)).all()
        assert [row.event_id for row in inside] == [event.event_id]  # same transaction
        assert seen == []  # nothing runs before the commit
    assert [(name, got) for name, got, _ in seen] == [("first", event), ("second", event)]
    [row] = _rows(db)
    assert (row.type, row.version, row.status, row.attempts) == (
        "tests.thing.happened", 2, "pending", 0)
    assert row.payload == {"thing_id": 7, "quantity": "12.5", "at": "2026-12-05T08:30:00Z",
                           "on": "2027-01-31", "tags": ["a", "b"]}
    assert row.occurred_at == event.occurred_at
    assert row.occurred_at.tzinfo is not None
    assert row.next_attempt_at == event.occurred_at
    assert (row.actor, row.request_id) == ("user:12", "req-1")
    assert row.delivered_at is None and row.last_error is None


def test_a_rolled_back_action_leaves_no_row_and_calls_no_handler(db, seen):
    with pytest.raises(RuntimeError), UnitOfWork(db) as uow:
        uow.publish(_event())
        uow.flush()
        raise RuntimeError("the action failed after publishing")
    assert seen == []
    assert _rows(db) == []


@pytest.fixture
def logs_to_stdlib():
    """structlog through the standard library (as every entrypoint sets it up), so that
    caplog sees the lines; done before the test body, where caplog's handler is attached."""
    configure_logging("INFO", "json")


def test_a_failing_handler_is_logged_and_breaks_neither_the_action_nor_other_handlers(
        db, logs_to_stdlib, caplog):
    calls = []

    def broken(event, context):
        raise ValueError("handler bug")

    def fine(event, context):
        calls.append(event.event_id)

    subscribe(ThingHappened)(broken)
    subscribe(ThingHappened)(fine)
    try:
        event = _event()
        with caplog.at_level(logging.ERROR), UnitOfWork(db) as uow:
            uow.publish(event)
    finally:
        unsubscribe(ThingHappened, broken)
        unsubscribe(ThingHappened, fine)
    assert calls == [event.event_id]
    assert len(_rows(db)) == 1  # the action committed
    [record] = [r for r in caplog.records if "event handler failed" in str(r.msg)]
    assert record.msg["event_id"] == str(event.event_id)
    assert record.exc_info is not None


def test_handlers_of_a_base_class_receive_subclasses_and_may_write(db):
    got = []

    def on_any(event, context):
        got.append(event.type)
        with context.unit_of_work() as uow:  # a handler writes in its own unit of work
            uow.publish(ThingHappened(thing_id=event.thing_id + 1, quantity=Decimal(1),
                                      at=event.at, on=event.on))

    subscribe(SpecialThingHappened)(on_any)
    try:
        with UnitOfWork(db) as uow:
            uow.publish(SpecialThingHappened(thing_id=1, quantity=Decimal(2),
                                             at=dt.datetime.now(dt.UTC), on=dt.date.today()))
    finally:
        unsubscribe(SpecialThingHappened, on_any)
    assert got == ["tests.thing.special_happened"]
    assert [(r.type, r.payload["thing_id"]) for r in _rows(db)] == [
        ("tests.thing.special_happened", 1), ("tests.thing.happened", 2)]


def test_event_classes_are_checked_when_declared():
    with pytest.raises(EventDefinitionError):

        @dataclass(frozen=True)
        class Bad(Event):
            type = "NotDotted"

    with pytest.raises(EventDefinitionError):

        @dataclass(frozen=True)
        class Annotated(Event):
            type: str = "tests.annotated.happened"

    with pytest.raises(EventDefinitionError):

        @dataclass(frozen=True)
        class Taken(Event):
            type = "tests.thing.happened"


def test_naive_times_and_unknown_values_are_refused_at_publish(db):
    with pytest.raises(ValueError), UnitOfWork(db) as uow:
        uow.publish(_event(at=dt.datetime(2026, 12, 5, 8, 0)))
    with pytest.raises(TypeError), UnitOfWork(db) as uow:
        uow.publish(_event(tags=(object(),)))
    assert _rows(db) == []
