"""Inventory and traceability events on a real database: a posted move publishes StockMoved,
a status change LotStatusChanged; the expiry-alert job announces each crossing once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import traceability
from medtrace.modules.inventory.alerts import service as inventory_jobs
from medtrace.modules.inventory.alerts.models import ExpiryNotice
from medtrace.modules.inventory.events import LotExpired, LotExpiryWindowEntered, StockMoved
from medtrace.modules.traceability.events import LotStatusChanged
from medtrace.modules.traceability.models import TraceObject
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.events import Event, OutboxMessage, subscribe, unsubscribe
from medtrace.platform.jobs import Worker
from tests.factories.clock import plant_today
from tests.factories.stock import make_store, move, receive


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    return make_store(db)


@pytest.fixture
def heard():
    got: list[Event] = []

    def listen(event, context):
        got.append(event)

    subscribe(Event)(listen)
    yield got
    unsubscribe(Event, listen)


def _outbox(db, type_: str) -> list[OutboxMessage]:
    with UnitOfWork(db, write=False) as uow:
        return list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.type == type_)
                                        .order_by(OutboxMessage.id)))


def test_a_posted_move_publishes_stock_moved(db, store, heard):
    receive(db, store["cath"], 10, "A-01", lot_id=store["C-1"])
    heard.clear()
    mover = Actor("user", 5, "wang.wei", permissions=frozenset({"inventory.stock.move"}))
    with UnitOfWork(db, context={"actor": mover, "request_id": "r-42"}) as uow:
        from medtrace.modules.inventory import MoveCreate, post_move

        moved = post_move(uow, actor=mover, move=MoveCreate(
            item_id=store["cath"], quantity=Decimal("2.0"), from_location="A-01",
            to_location="A-02", lot_id=store["C-1"], doc="TR-1"))
    assert [type(e) for e in heard] == [StockMoved]
    row = _outbox(db, "inventory.stock.moved")[-1]
    assert row.event_id == heard[0].event_id
    assert (row.version, row.actor, row.request_id) == (1, "user:5", "r-42")
    assert row.payload == {
        "move_id": moved.id, "item_id": store["cath"], "item": "CATH",
        "lot_id": store["C-1"], "lot": "C-1", "unit_id": None, "serial": None,
        "quantity": "2", "uom": "EA", "from_location_id": moved.from_location_id,
        "from_location": "A-01", "to_location_id": moved.to_location_id, "to_location": "A-02",
        "purpose": "transfer", "at": moved.at.astimezone(dt.UTC).isoformat()
        .replace("+00:00", "Z"), "doc": "TR-1", "reverses_id": None}
    assert len(_outbox(db, "inventory.stock.moved")) == 2  # the receipt's too


def test_a_refused_move_publishes_nothing(db, store, heard):
    from medtrace.modules.inventory import InsufficientStock

    with pytest.raises(InsufficientStock):
        move(db, store["gauze"], 5, "A-01", "A-02")
    assert heard == []
    assert _outbox(db, "inventory.stock.moved") == []


def test_a_status_change_publishes_lot_status_changed(db, store, heard):
    with UnitOfWork(db, context={"actor": SYSTEM}) as uow:
        traceability.change_status(uow, object_id=store["C-1"], status="on_hold",
                                   reason="complaint 17", actor=SYSTEM)
    [event] = heard
    assert isinstance(event, LotStatusChanged)
    [row] = _outbox(db, "traceability.lot.status_changed")
    assert row.payload == {"object_id": store["C-1"], "kind": "lot", "item_id": store["cath"],
                           "code": "C-1", "old_status": "released", "new_status": "on_hold",
                           "reason": "complaint 17"}


def _run_expiry_job(db) -> str:
    with UnitOfWork(db) as uow:
        return inventory_jobs.publish_expiry_alerts(uow)


def test_expiry_alerts_announce_each_lot_and_threshold_once(db, store, heard):
    receive(db, store["cath"], 10, "A-01", lot_id=store["C-1"])  # 400 days left: no alert
    receive(db, store["cath"], 6, "A-01", lot_id=store["C-2"])  # 20 days left
    receive(db, store["cath"], 4, "QZ", lot_id=store["C-2"])
    receive(db, store["cath"], 2, "A-02", lot_id=store["C-X"])  # expired yesterday
    heard.clear()
    assert _run_expiry_job(db) == "2 expiry events, 2 lots in the window"
    by_lot = {e.lot: e for e in heard}
    assert set(by_lot) == {"C-2", "C-X"}
    assert isinstance(by_lot["C-X"], LotExpired) and by_lot["C-X"].days_left == -1
    soon = by_lot["C-2"]
    assert isinstance(soon, LotExpiryWindowEntered)
    assert (soon.threshold_days, soon.days_left, soon.quantity, soon.locations) == (
        30, 20, Decimal(10), ("A-01", "QZ"))
    [row] = _outbox(db, "inventory.lot.expiry_window_entered")
    assert row.payload["threshold_days"] == 30
    assert row.payload["expiry"] == (plant_today() + dt.timedelta(days=20)).isoformat()
    assert row.payload["quantity"] == "10" and row.payload["locations"] == ["A-01", "QZ"]
    assert row.actor is None  # no actor in this unit of work; the worker sets its own
    # the next runs announce nothing new
    heard.clear()
    assert _run_expiry_job(db) == "0 expiry events, 2 lots in the window"
    assert heard == []
    # C-1's expiry date is corrected to 60 days away: it enters the 90-day window, once
    with UnitOfWork(db) as uow:
        uow.context["reason"] = "label misprint"
        lot = uow.session.get(TraceObject, store["C-1"])
        lot.expiry_date = plant_today() + dt.timedelta(days=60)
    assert _run_expiry_job(db).startswith("1 expiry events")
    assert [(e.lot, e.threshold_days) for e in heard] == [("C-1", 90)]
    assert _run_expiry_job(db).startswith("0 expiry events")
    with UnitOfWork(db, write=False) as uow:
        notices = {(n.object_id, n.threshold) for n in uow.session.scalars(select(ExpiryNotice))}
    assert notices == {(store["C-2"], "90"), (store["C-2"], "30"), (store["C-X"], "expired"),
                       (store["C-X"], "90"), (store["C-X"], "30"), (store["C-1"], "90")}


def test_the_worker_runs_the_expiry_job_as_the_system(db, store):
    receive(db, store["cath"], 2, "A-02", lot_id=store["C-X"])
    [outcome] = Worker(db, only=["inventory.expiry_alerts"]).run_due()
    assert outcome.ok and outcome.result == "1 expiry events, 1 lots in the window"
    [row] = _outbox(db, "inventory.lot.expired")
    assert row.actor == "system:inventory.expiry_alerts"
    assert row.request_id.startswith("job-")
