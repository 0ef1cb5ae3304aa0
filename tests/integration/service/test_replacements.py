"""Parts replaced on a service order, through the service: genealogy, traces, stock moves out
of the van and back into quarantine, the journal, and refusals that write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import inventory, traceability
from medtrace.modules.service import service
from medtrace.modules.service.errors import ReplacementRefused
from medtrace.modules.service.models import Replacement
from medtrace.modules.service.schemas import ReplacementIn, ServiceOrderCreate
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.service import make_field, tech
from tests.integration.service.test_installed_base import install


@pytest.fixture
def repair(db):  # type: ignore[no-untyped-def]
    """The pump installed at the hospital, with a corrective order open."""
    ids = make_field(db)
    install(db)
    with UnitOfWork(db) as uow:
        order = service.create_order(uow, actor=tech(db), data=ServiceOrderCreate(
            type="corrective", unit="SN-1", item="PUMP", problem="无法开机 / won't start",
            parts_location="VAN-1"))
        ids["order"] = order.number
    return ids


def _stock(db, code: str, **where: int) -> Decimal:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        location = inventory.get_location_or_raise(uow, code)
        rows, _ = inventory.balances(uow, inventory.BalanceFilter(location=location, **where))
        return sum((Decimal(str(r["quantity"])) for r in rows), Decimal(0))


def _replace(db, number: str, removed: str, fitted: str, **extra):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return service.replace_part(uow, number=number, actor=tech(db), data=ReplacementIn(
            removed=removed, fitted=fitted, **extra)).id


def test_a_board_swap_updates_both_traces_and_the_stock(db, repair):
    _replace(db, repair["order"], "SA-1", "SA-9")
    with UnitOfWork(db, write=False) as uow:
        pump = traceability.get_object_or_raise(uow, repair["pump_unit"])
        back = traceability.backward(uow, pump)
        old_lot = traceability.forward(uow, traceability.get_object_or_raise(
            uow, repair["pcb_lot"]))
        old_board = traceability.get_object_or_raise(uow, repair["board_unit"])
        new_board = traceability.get_object_or_raise(uow, repair["spare_board"])
        steps = [e["step"] for e in traceability.timeline(uow, pump)["events"]]
        assert old_board.state == "returned" and old_board.location == "QZ"
        assert new_board.state == "consumed"
        assert pump.state == "installed"  # a part installed into it leaves its state
    assert [u["serial"] for u in back["units"]] == ["SA-9"]
    assert [(x["kind"], x.get("serial") or x.get("lot")) for x in back["replaced"]] == [
        ("unit", "SA-1"), ("lot", "PCB-1")]
    assert back["replaced"][0]["removed_doc"] == repair["order"]
    # the old board still holds its PCB lot; the pump no longer holds either
    assert old_lot["units"] == [] and [u["serial"] for u in old_lot["replaced"]] == ["SN-1"]
    assert [u["serial"] for u in old_lot["subassemblies"]] == ["SA-1"]
    assert old_lot["totals"]["units"] == 0 and old_lot["totals"]["replaced"] == 1
    assert "installed" in steps
    assert _stock(db, "VAN-1", unit_id=repair["spare_board"]) == 0
    assert _stock(db, "QZ", unit_id=repair["board_unit"]) == 1


def test_a_battery_from_the_van_replaces_the_built_in_one(db, repair):
    _replace(db, repair["order"], "BAT-1", "BAT-SP", removed_to="scrap")
    with UnitOfWork(db, write=False) as uow:
        pump = traceability.get_object_or_raise(uow, repair["pump_unit"])
        back = traceability.backward(uow, pump)
        spare = traceability.forward(uow, traceability.get_object_or_raise(
            uow, repair["spare_lot"]))
        old = traceability.get_object_or_raise(uow, repair["bat_lot"])
        row = uow.session.scalar(select(Replacement))
        assert row.quantity == 1 and row.fitted_quantity == 1 and row.removed_to == "scrap"
        assert old.state != "scrapped"  # one piece of a lot leaves; the lot stays as it was
        order = service.get_order_or_raise(uow, repair["order"])
        assert order.status == "in_progress"
    assert "BAT-SP" in [x["lot"] for x in back["lots"]]
    assert [x["lot"] for x in back["replaced"]] == ["BAT-1"]
    assert [u["serial"] for u in spare["units"]] == ["SN-1"]
    assert _stock(db, "VAN-1", lot_id=repair["spare_lot"]) == 4
    assert _stock(db, "QZ", lot_id=repair["bat_lot"]) == 0


def test_fitting_a_quarantined_spare_is_refused_and_writes_nothing(db, repair):
    with pytest.raises(ReplacementRefused) as refused:
        _replace(db, repair["order"], "BAT-1", "BAT-QH")
    assert refused.value.errors[0]["field"] == "fitted"
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.count(Replacement.id))) == 0
        order = service.get_order_or_raise(uow, repair["order"])
        assert order.status == "open"
        back = traceability.backward(uow, traceability.get_object_or_raise(
            uow, repair["pump_unit"]))
    assert back["replaced"] == []
    assert _stock(db, "VAN-1", lot_id=repair["held_lot"]) == 3


def test_removing_a_part_the_unit_does_not_contain_is_refused(db, repair):
    with pytest.raises(ReplacementRefused) as refused:
        _replace(db, repair["order"], "BAT-SP", "BAT-SP")
    assert refused.value.errors[0]["field"] in ("removed", "fitted")
    with pytest.raises(ReplacementRefused) as not_inside:
        _replace(db, repair["order"], "SA-9", "BAT-SP")
    assert not_inside.value.errors[0]["field"] == "removed"
    _replace(db, repair["order"], "BAT-1", "BAT-SP")
    with pytest.raises(ReplacementRefused) as twice:  # removed already
        _replace(db, repair["order"], "BAT-1", "BAT-SP")
    assert twice.value.errors[0]["field"] == "removed"


def test_a_spare_not_in_the_van_is_refused(db, repair):
    with pytest.raises(ReplacementRefused) as refused:
        _replace(db, repair["order"], "BAT-1", "BAT-SP", quantity=Decimal(1),
                 parts_location="AZ")
    assert refused.value.errors[0]["field"] == "fitted"
    assert _stock(db, "VAN-1", lot_id=repair["spare_lot"]) == 5


def test_the_replacement_events_are_valid_epcis(db, repair):
    from sqlalchemy import select as sql

    from medtrace.modules.traceability.models import Event
    from tests.factories.epcis import assert_valid

    _replace(db, repair["order"], "SA-1", "SA-9")
    with UnitOfWork(db, write=False) as uow:
        ids = list(uow.session.scalars(sql(Event.id).where(Event.doc == repair["order"])))
        document = traceability.events_document(uow, ids)
    assert_valid(document)
    events = document["epcisBody"]["eventList"]
    assert {e["type"] for e in events} == {"ObjectEvent", "TransformationEvent"}
    steps = {e.get("bizStep") for e in events}
    assert any("removing" in str(s) for s in steps) and any("installing" in str(s)
                                                            for s in steps)
