"""A work order from plan to completion on both databases: BOM change through its workflow,
release with FEFO allocation, scanned issues into the genealogy, serialized output, and the
traces that follow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medtrace.modules import production, traceability
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.production import make_bom, make_line, udi, who


def _order(db, quantity="2", **extra):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        order = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity=Decimal(quantity), **extra), actor=who(db, "prod.planner"))
        return order.number


def _release(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return production.release_work_order(uow, ref=number, actor=who(db, "prod.planner"))


def _issue(db, number, scan, quantity="1", **extra):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        row = production.issue_material(uow, ref=number, data=production.IssueCreate(
            scan=scan, quantity=Decimal(quantity), **extra), actor=who(db, "prod.operator"))
        return row.id


def test_a_work_order_runs_from_plan_to_completion_and_traces_both_ways(db):
    line = make_line(db)
    g = line["gtins"]
    number = _order(db)
    _release(db, number)
    for n, serial in ((1, "PX-0001"), (2, "PX-0002")):
        _issue(db, number, udi(g["DRIVE-X"], serial=f"DRV-{n}"), output_serial=serial)
    _issue(db, number, udi(g["BOARD"], lot="BRD-2"), "4")
    _issue(db, number, udi(g["TUBE"], lot="TB-1"), "3", uom="M")
    _issue(db, number, "BAT-1", "2")
    with UnitOfWork(db) as uow:
        done = production.report_output(uow, ref=number, data=production.OutputCreate(
            serials=["PX-0001", "PX-0002"]), actor=who(db, "prod.operator"))
        assert done.serials == ["PX-0001", "PX-0002"]
    with UnitOfWork(db) as uow:
        order = production.complete_work_order(uow, ref=number, actor=who(db, "prod.operator"))
        assert order.status == "completed"
    with UnitOfWork(db, write=False) as uow:
        unit = traceability.resolve(uow, udi(g["PUMP-X"], serial="PX-0001"))
        back = traceability.backward(uow, unit)
        lots = {x["lot"] for x in back["lots"]}
        assert {"BRD-2", "TB-1", "BAT-1"} <= lots
        assert {x["serial"] for x in back["units"]} == {"DRV-1"}
        forward = traceability.forward(uow, traceability.resolve(uow, "BRD-2"))
        serials = {u["serial"] for u in forward["units"]}
        assert serials >= {"PX-0001", "PX-0002"}


@pytest.mark.parametrize(("scan", "error"), [
    ("SCR-1", production.WrongComponent),
    ("BRD-QZ", production.ComponentNotIssuable),
    ("BRD-OLD", production.ComponentNotIssuable),
    ("ALT-1", production.SubstituteNotApproved),
])
def test_a_wrong_unreleased_expired_or_unapproved_component_is_refused(db, scan, error):
    make_line(db)
    number = _order(db)
    _release(db, number)
    with pytest.raises(error):
        _issue(db, number, scan)


def test_a_serial_consumed_once_is_refused_the_second_time(db):
    line = make_line(db)
    number = _order(db)
    _release(db, number)
    _issue(db, number, udi(line["gtins"]["DRIVE-X"], serial="DRV-3"), output_serial="PX-1")
    with pytest.raises(production.SerialConsumed):
        _issue(db, number, udi(line["gtins"]["DRIVE-X"], serial="DRV-3"), output_serial="PX-2")


def test_release_allocates_first_expired_first_and_refuses_shortages(db):
    make_line(db)
    number = _order(db, "30")  # 60 boards: 50 + 10 would be needed but drives are 10
    with pytest.raises(production.ReleaseRefused) as refused:
        _release(db, number)
    assert any(e.get("item") == "DRIVE-X" for e in refused.value.errors)


def test_a_work_order_keeps_its_bom_version(db):
    make_line(db)
    number = _order(db)
    second = make_bom(db, version="B", change_reason="new tubing length")
    with UnitOfWork(db, write=False) as uow:
        view = production.work_order_view(uow, production.get_work_order_or_raise(uow, number))
        assert view["bom_version"] == "A"
        assert second
