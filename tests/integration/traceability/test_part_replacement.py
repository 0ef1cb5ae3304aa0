"""A part replaced in service: the old part's edge stays (flagged removed), the spare joins by a
replacement edge; backward shows the current parts with the replaced ones as history; forward
of the old part no longer counts the unit but lists it as replaced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import traceability as tr
from medtrace.modules.traceability.models import Edge
from medtrace.modules.traceability.parts.service import replace_part
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import lot, unit
from tests.integration.traceability.test_genealogy import at, plant  # noqa: F401


def _get(uow, object_id):  # type: ignore[no-untyped-def]
    return tr.get_object_or_raise(uow, object_id)


def test_a_serial_board_swapped_changes_both_traces(db, plant):  # noqa: F811
    with UnitOfWork(db) as uow:
        new_board = unit(uow, plant_item(uow, plant["boards"][0]), "SA-9")
        spare = _get(uow, plant["spare"])
        tr.record_event(uow, step="produced", inputs=[tr.Part(spare, Decimal(2))],
                        outputs=[new_board], at=at(5), doc="WO-S", edge_kind="production")
        done = replace_part(uow, host=_get(uow, plant["pumps"][0]),
                            removed=_get(uow, plant["boards"][0]), fitted=new_board,
                            doc="SV-1", at=at(20), removed_location="QC-RET")
        assert done.parent.id == plant["pumps"][0]
        new_id = new_board.id
    with UnitOfWork(db, write=False) as uow:
        back = tr.backward(uow, _get(uow, plant["pumps"][0]))
        old_lot = tr.forward(uow, _get(uow, plant["pcb_lot"]))
        spare_fw = tr.forward(uow, _get(uow, plant["spare"]))
        old_board = _get(uow, plant["boards"][0])
        assert old_board.state == "returned" and old_board.location == "QC-RET"
        assert _get(uow, new_id).state == "consumed"
    assert [u["serial"] for u in back["units"]] == ["SA-9"]
    # the old board, and the PCB lot that left inside it
    assert [(x["item"], x.get("serial") or x["lot"]) for x in back["replaced"]] == [
        ("BOARD", "SA-1"), ("PCB", "P-1")]
    board, inner = back["replaced"]
    assert board["removed_doc"] == "SV-1" and board["removed_at"].startswith("2026-03-20")
    assert inner["removed_at"] is None
    # the spare PCB lot is current (inside the new board); P-1 only through the old board
    assert [x["lot"] for x in back["lots"] if x["item"] == "PCB"] == ["P-SPARE"]
    assert "SN-1" not in [u["serial"] for u in old_lot["units"]]
    assert [u["serial"] for u in old_lot["units"]] == ["SN-2"]
    assert [u["serial"] for u in old_lot["replaced"]] == ["SN-1"]
    assert old_lot["totals"]["units"] == 1 and old_lot["totals"]["replaced"] == 1
    assert [u["serial"] for u in spare_fw["units"]] == ["SN-1"]


def plant_item(uow, object_id):  # type: ignore[no-untyped-def]
    return _get(uow, object_id).item_id


def test_a_lot_part_replaced_in_part_and_in_whole(db, plant):  # noqa: F811
    with UnitOfWork(db) as uow:
        board = _get(uow, plant["boards"][0])
        spare = _get(uow, plant["spare"])
        # SA-1 holds 2 of P-1: one piece replaced, the board still contains P-1
        replace_part(uow, host=_get(uow, plant["pumps"][0]), removed=_get(uow, plant["pcb_lot"]),
                     fitted=spare, quantity=Decimal(1), doc="SV-2", at=at(20))
    with UnitOfWork(db, write=False) as uow:
        fw = tr.forward(uow, _get(uow, plant["pcb_lot"]))
        assert [u["serial"] for u in fw["units"]] == ["SN-1", "SN-2"]
        edge = uow.session.scalars(select(Edge).where(
            Edge.child_id == plant["pcb_lot"], Edge.parent_id == board.id)).one()
        assert edge.removed_quantity == 1 and edge.removed_at is None
    with UnitOfWork(db) as uow, pytest.raises(tr.PartNotContained):
        replace_part(uow, host=_get(uow, plant["pumps"][0]),
                     removed=_get(uow, plant["pcb_lot"]), fitted=_get(uow, plant["spare"]),
                     quantity=Decimal(2), doc="SV-3", at=at(21))
    with UnitOfWork(db) as uow:
        replace_part(uow, host=_get(uow, plant["pumps"][0]), removed=_get(uow, plant["pcb_lot"]),
                     fitted=_get(uow, plant["spare"]), doc="SV-3", at=at(21))
    with UnitOfWork(db, write=False) as uow:
        fw = tr.forward(uow, _get(uow, plant["pcb_lot"]))
        back = tr.backward(uow, _get(uow, plant["pumps"][0]))
    assert [u["serial"] for u in fw["units"]] == ["SN-2"]
    assert [u["serial"] for u in fw["replaced"]] == ["SA-1", "SN-1"]  # the board and the pump
    assert [x["serial"] for x in fw["subassemblies"]] == ["SA-2"]
    assert [x["lot"] for x in back["replaced"]] == ["P-1"]
    assert back["replaced"][0]["removed_doc"] == "SV-3"


def test_removing_a_part_the_unit_does_not_contain_is_refused(db, plant):  # noqa: F811
    with UnitOfWork(db) as uow:
        pump = _get(uow, plant["pumps"][0])
        other_board = _get(uow, plant["boards"][1])
        with pytest.raises(tr.PartNotContained) as refused:
            replace_part(uow, host=pump, removed=other_board, fitted=_get(uow, plant["spare"]),
                         doc="SV-4", at=at(20))
        assert refused.value.errors[0]["field"] == "removed"
        # a board built into the other pump cannot be fitted
        with pytest.raises(tr.PartNotFittable):
            replace_part(uow, host=pump, removed=_get(uow, plant["boards"][0]),
                         fitted=other_board, doc="SV-4", at=at(20))
        spare_unit = unit(uow, pump.item_id, "SN-X")
        with pytest.raises(tr.PartNotFittable):  # a pump is not a part of itself
            replace_part(uow, host=pump, removed=_get(uow, plant["boards"][0]), fitted=pump,
                         doc="SV-4", at=at(20))
        assert spare_unit.id
        extra_lot = lot(uow, _get(uow, plant["spare"]).item_id, "P-X")
        assert extra_lot.id
