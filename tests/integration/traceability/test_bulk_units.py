"""Many serial units at once (``create_units``) and an event naming thousands of things: the
same rules as one unit at a time, repeats and known serials refused with nothing left behind,
and the whereabouts of every unit brought up to date."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medtrace.modules import traceability
from medtrace.modules.traceability.models import EventObject, TraceObject
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import make_item


def _units(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count(TraceObject.id)).where(
            TraceObject.kind == "unit")) or 0


def test_create_units_and_journal_them_in_one_event(db):
    pump = make_item(db, "BULK-PUMP", tracking="lot_serial")
    serials = [f"BP{n:05d}" for n in range(1200)]
    with UnitOfWork(db) as uow:
        lot = traceability.create_lot(uow, item_id=pump, number="BL-1")
        ids = traceability.create_units(uow, item_id=pump, serials=serials, lot_id=lot.id)
        event = traceability.record_event(uow, step="received", what=[
            traceability.Part(lot, None, None), *traceability.refs(ids)], location="QZ")
        event_id = event.id
    assert len(ids) == len(set(ids)) == 1200
    with UnitOfWork(db, write=False) as uow:
        rows = uow.session.scalars(select(TraceObject).where(TraceObject.id.in_(ids[:5]))).all()
        assert {(r.kind, r.lot_id, r.status, r.state, r.location) for r in rows} == {
            ("unit", lot.id, "quarantine", "in_stock", "QZ")}
        assert uow.session.scalar(select(TraceObject.code).where(TraceObject.id == ids[7])) \
            == "BP00007"
        assert uow.session.scalar(select(func.count()).select_from(EventObject).where(
            EventObject.event_id == event_id)) == 1201


def test_repeated_or_known_serials_and_a_missing_lot_are_refused(db):
    pump = make_item(db, "BULK-PUMP2", tracking="lot_serial")
    solo = make_item(db, "BULK-SOLO", tracking="serial")
    with pytest.raises(traceability.TraceInvalid), UnitOfWork(db) as uow:
        traceability.create_units(uow, item_id=pump, serials=["A1"])  # no lot
    with pytest.raises(traceability.TraceInvalid), UnitOfWork(db) as uow:
        traceability.create_units(uow, item_id=solo, serials=["A1", "A2", "A1"])
    with UnitOfWork(db) as uow:
        traceability.create_units(uow, item_id=solo, serials=["K1", "K2"])
    with pytest.raises(traceability.TraceNumberTaken), UnitOfWork(db) as uow:
        traceability.create_units(uow, item_id=solo, serials=["K3", "K2"])
    with pytest.raises(traceability.TraceInvalid), UnitOfWork(db) as uow:
        traceability.create_units(uow, item_id=solo, serials=["bad serial with spaces"])
    assert _units(db) == 2
