"""In-process checks, dispositions, substitutes, equipment fitness, batch release and the
device history record, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import production, traceability
from medtrace.modules.production.dhr.queries import dhr_of
from medtrace.modules.production.models import Check
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD
from tests.factories.clock import plant_today
from tests.factories.production import make_line, udi, who


def _running_order(db, line, quantity="2"):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        number = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity=Decimal(quantity)), actor=who(db, "prod.planner")).number
    with UnitOfWork(db) as uow:
        production.release_work_order(uow, ref=number, actor=who(db, "prod.planner"))
    return number


def _check_id(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(Check.id).order_by(Check.id.desc()).limit(1))


def _operation(db, number, sequence, *, user="prod.operator", **extra):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return production.record_operation(uow, ref=number, data=production.OperationRecordCreate(
            operation=sequence, **extra), actor=who(db, user)).id


def _sign(user: str) -> dict:
    return {"username": user, "password": PASSWORD}


def _make(db, line, number, serials):  # type: ignore[no-untyped-def]
    g = line["gtins"]
    operator = who(db, "prod.operator")
    with UnitOfWork(db) as uow:
        for n, serial in enumerate(serials, start=1):
            production.issue_material(uow, ref=number, data=production.IssueCreate(
                scan=udi(g["DRIVE-X"], serial=f"DRV-{n}"), output_serial=serial), actor=operator)
        for scan, quantity in (("BRD-1", len(serials) * 2), ("TB-1", 3), ("BAT-1", 2)):
            production.issue_material(uow, ref=number, data=production.IssueCreate(
                scan=scan, quantity=Decimal(quantity)), actor=operator)
    _operation(db, number, 10, signature=_sign("prod.operator"))
    _operation(db, number, 20, results=[{"check_id": _check_id(db), "value": "1.2"}],
               user="qa.line")
    with UnitOfWork(db) as uow:
        production.report_output(uow, ref=number, data=production.OutputCreate(
            serials=serials), actor=operator)
    with UnitOfWork(db) as uow:
        production.complete_work_order(uow, ref=number, actor=operator)


def test_an_operation_on_equipment_overdue_for_calibration_is_refused(db):
    line = make_line(db)
    number = _running_order(db, line)
    with UnitOfWork(db) as uow:
        production.save_equipment(uow, data=production.EquipmentWrite(
            code="EQ-TORQUE", name_zh="扭力扳手", name_en="Torque wrench", work_center="WC-ASSY",
            calibration_interval_days=180,
            calibration_due=plant_today() - dt.timedelta(days=1)), actor=who(db, "eng.one"))
    with pytest.raises(production.EquipmentUnfit):
        _operation(db, number, 10, signature=_sign("prod.operator"))
    with UnitOfWork(db) as uow:
        production.record_equipment_work(
            uow, code="EQ-TORQUE", actor=who(db, "eng.one"),
            data=production.EquipmentRecordCreate(kind="calibration", result="passed",
                                                  performed_on=plant_today(),
                                                  certificate="CAL-1"))
    assert _operation(db, number, 10, signature=_sign("prod.operator"))


def test_a_failed_check_blocks_the_next_operation_until_its_disposition(db):
    line = make_line(db)
    number = _running_order(db, line)
    _operation(db, number, 20, results=[{"check_id": _check_id(db), "value": "7.5"}])
    with pytest.raises(production.CheckBlocks):
        _operation(db, number, 10, signature=_sign("prod.operator"))
    with UnitOfWork(db, write=False) as uow:
        result_id = dhr_of_failed(uow, number)
    with UnitOfWork(db) as uow, pytest.raises(production.OperationInvalid):
        production.record_disposition(uow, ref=number, result_id=result_id,
                                      data=production.DispositionCreate(
                                          disposition="use_as_is", reason="within drawing"),
                                      actor=who(db, "qa.one"))
    with UnitOfWork(db) as uow:
        production.record_disposition(uow, ref=number, result_id=result_id,
                                      data=production.DispositionCreate(
                                          disposition="use_as_is", reason="within drawing",
                                          signature=_sign("qa.one")), actor=who(db, "qa.one"))
    assert _operation(db, number, 10, signature=_sign("prod.operator"))


def dhr_of_failed(uow, number):  # type: ignore[no-untyped-def]
    from medtrace.modules.production.models import CheckResult, WorkOrder

    order = uow.session.scalar(select(WorkOrder).where(WorkOrder.number == number))
    return uow.session.scalar(select(CheckResult.id).where(
        CheckResult.work_order_id == order.id, CheckResult.passed.is_(False)))


def test_a_substitute_is_allowed_only_once_approved(db):
    line = make_line(db)
    number = _running_order(db, line)
    issue = production.IssueCreate(scan="ALT-1", quantity=Decimal(1))
    with UnitOfWork(db) as uow, pytest.raises(production.SubstituteNotApproved):
        production.issue_material(uow, ref=number, data=issue, actor=who(db, "prod.operator"))
    with UnitOfWork(db) as uow:
        production.approve_substitute(uow, ref=number, data=production.SubstituteApprove(
            line_no=4, item="BATT-ALT", reason="BATT short", signature=_sign("qa.one")),
            actor=who(db, "qa.one"))
    with UnitOfWork(db) as uow:
        row = production.issue_material(uow, ref=number, data=issue,
                                        actor=who(db, "prod.operator"))
        assert row.substitute


def test_release_by_a_producer_is_refused_and_by_qa_releases_the_batch(db):
    line = make_line(db)
    number = _running_order(db, line)
    _make(db, line, number, ["PX-1", "PX-2"])
    with UnitOfWork(db, write=False) as uow:
        order = production.get_work_order_or_raise(uow, number)
        lot_id = order.output_lot_id
    # a QA person who also recorded a production step may not release
    with UnitOfWork(db) as uow, pytest.raises(production.ProducerMayNotRelease):
        production.release_batch(uow, lot_id=lot_id, data=production.BatchReleaseIn(
            signature=_sign("qa.line")), actor=who(db, "qa.line"))
    with UnitOfWork(db) as uow:
        production.release_batch(uow, lot_id=lot_id, data=production.BatchReleaseIn(
            signature=_sign("qa.one"), comment="DHR complete"), actor=who(db, "qa.one"))
    with UnitOfWork(db, write=False) as uow:
        lot = traceability.get_object_or_raise(uow, lot_id)
        assert lot.status == "released"
        unit = traceability.resolve(uow, udi(line["gtins"]["PUMP-X"], serial="PX-1"))
        assert unit.status == "released"
        record = dhr_of(uow, "PX-1", locale="en")
        assert record["serial"] == "PX-1"
        assert {c["lot"] for c in record["components"]} >= {"BRD-1", "TB-1", "BAT-1"}
        assert [c["serial"] for c in record["components"] if c["serial"]] == ["DRV-1"]
        assert [o["sequence"] for o in record["operations"]] == [10, 20]
        assert record["operations"][0]["calibration_ok"] is True
        assert record["checks"][0]["result"] == "pass"
        assert record["release"]["status"] == "released"
        assert any(s["meaning"] == "released" for s in record["signatures"])


def test_release_is_refused_while_a_component_lot_is_on_hold(db):
    line = make_line(db)
    number = _running_order(db, line)
    _make(db, line, number, ["PX-1", "PX-2"])
    with UnitOfWork(db) as uow:
        traceability.change_status(uow, object_id=line["TB-1"], status="on_hold",
                                   reason="supplier notice", actor=who(db, "qa.one"))
        lot_id = production.get_work_order_or_raise(uow, number).output_lot_id
    with UnitOfWork(db) as uow, pytest.raises(production.BatchReleaseRefused) as refused:
        production.release_batch(uow, lot_id=lot_id, data=production.BatchReleaseIn(
            signature=_sign("qa.one")), actor=who(db, "qa.one"))
    assert any(e.get("component") == "TB-1" for e in refused.value.errors)
