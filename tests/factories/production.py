"""A small production line for production tests, built through the real services: locations
(a warehouse with an available zone and the line's bin, quarantine, the supplier and production
virtual locations), a serialized product made of a serialized drive (a subassembly), a lot of
boards, tubing in metres and a battery pack with an alternative; component lots received and
released at the line (one expired, one in quarantine); a work centre with calibrated equipment;
the people of the engineering change workflow (published) and their roles; a released BOM
version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, production, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.modules.production import permissions as _production_permissions  # noqa: F401
from medtrace.modules.traceability import permissions as _trace_permissions  # noqa: F401
from medtrace.platform import workflows
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.defaults import DEFAULTS
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask
from tests.factories.auth import PASSWORD, make_role, make_user
from tests.factories.clock import plant_today
from tests.factories.purchasing import actor
from tests.factories.trace import gtin

PLANNER = ["production.order.view", "production.order.plan", "production.order.execute",
           "inventory.stock.move", "inventory.stock.view", "traceability.trace.view"]
ENGINEER = ["production.order.view", "production.bom.edit", "production.equipment.edit",
            "production.substitute.approve"]
QA = ["production.order.view", "production.substitute.approve", "production.check.disposition",
      "production.batch.release", "traceability.lot.release", "traceability.lot.hold",
      "inventory.stock.move", "traceability.trace.view"]


def _item(uow: UnitOfWork, code: str, tracking: str, *, uom: str = "EA",
          kind: str = "component", shelf: int | None = None) -> Any:
    item = catalog.create_item(uow, ItemCreate(
        code=code, name_zh=f"{code} 中文", name_en=code, tracking=tracking, base_uom=uom,
        kind=kind, shelf_life_days=shelf,
        packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
    catalog.set_status(uow, item.id, "active")
    return item


def _people(db: Database) -> None:
    make_role(db, "production", PLANNER)
    make_role(db, "engineering", ENGINEER)
    make_role(db, "qa", QA)
    make_user(db, "prod.planner", roles=["production"])
    make_user(db, "prod.operator", roles=["production"])
    make_user(db, "prod.lead", roles=["production"])
    make_user(db, "eng.one", roles=["engineering"])
    make_user(db, "eng.two", roles=["engineering"])
    make_user(db, "qa.one", roles=["qa"])
    make_user(db, "qa.line", roles=["qa", "production"])  # QA who also tests on the line
    make_user(db, "wf.admin", permissions=["platform.workflows.publish"])


def _publish_change_process(db: Database) -> None:
    default = next(d for d in DEFAULTS if d.key == "engineering_change")
    with UnitOfWork(db) as uow:
        version = workflows.import_version(uow, xml=default.xml(),
                                           record_type=default.record_type, actor=SYSTEM)
        workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
        version_id = version.id
    with UnitOfWork(db) as uow:
        workflows.publish_version(uow, version_id=version_id, password=PASSWORD,
                                  actor=actor(db, "wf.admin"))


def review_bom(db: Database, bom_id: int, *, qa_decision: str = "approve") -> str:
    """Take a submitted BOM version through its change review: engineering's impact, then QA
    and production side by side. The version's status afterwards."""
    deciders = {"impact": "eng.two", "qa_approval": "qa.one", "production_approval": "prod.lead"}
    for _ in range(3):
        with UnitOfWork(db) as uow:
            instance = uow.session.scalar(select(WorkflowInstance).where(
                WorkflowInstance.record_type == "production.engineering_change",
                WorkflowInstance.record_id == str(bom_id))
                .order_by(WorkflowInstance.id.desc()))
            task = uow.session.scalar(select(WorkflowTask).where(
                WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open")
                .order_by(WorkflowTask.id))
            if task is None:
                break
            decision = qa_decision if task.element_id == "qa_approval" else "approve"
            data = {"impact": "low", "effectivity": "next lot"} \
                if task.element_id == "impact" else None
            workflows.complete_task(uow, task_id=task.id, decision=decision,
                                    actor=actor(db, deciders[task.element_id]), data=data,
                                    password=PASSWORD, comment="ok")
    with UnitOfWork(db, write=False) as uow:
        return _status(uow, bom_id)


def _status(uow: UnitOfWork, bom_id: int) -> str:
    from medtrace.modules.production.models import Bom

    return uow.session.get(Bom, bom_id).status


def bom_data(product: str = "PUMP-X", **extra: Any) -> dict[str, Any]:
    return {"item": product, "change_reason": "first release", "effective_from":
            plant_today() - dt.timedelta(days=30),
            "lines": [{"item": "DRIVE-X", "quantity": "1"},
                      {"item": "BOARD", "quantity": "2"},
                      {"item": "TUBE", "quantity": "1.5", "uom": "M"},
                      {"item": "BATT", "quantity": "1",
                       "substitutes": [{"item": "BATT-ALT", "priority": 1}]}],
            "operations": [{"sequence": 10, "name_zh": "装配", "name_en": "Assembly",
                            "work_center": "WC-ASSY", "equipment": "EQ-TORQUE",
                            "signature": "operator"},
                           {"sequence": 20, "name_zh": "测试", "name_en": "Flow test",
                            "work_center": "WC-ASSY",
                            "checks": [{"characteristic": "Flow accuracy", "lower": "-5",
                                        "upper": "5", "unit": "%", "sample_size": 1}]}],
            **extra}


def make_bom(db: Database, *, release: bool = True, **extra: Any) -> int:
    with UnitOfWork(db) as uow:
        bom = production.create_bom(uow, data=production.BomCreate(**bom_data(**extra)),
                                    actor=actor(db, "eng.one"))
        bom_id = bom.id
        if release:
            production.submit_bom(uow, bom_id=bom_id, actor=actor(db, "eng.one"))
    if release:
        assert review_bom(db, bom_id) == "released"
    return bom_id


def stock_lot(uow: UnitOfWork, item: Any, number: str, quantity: str, *,
              status: str = "released", expiry: dt.date | None = None,
              location: str = "LINE-1") -> int:
    lot = traceability.create_lot(uow, item_id=item.id, number=number, status=status,
                                  expiry_date=expiry)
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
        item_id=item.id, quantity=Decimal(quantity), from_location="V-SUP",
        to_location=location, purpose="receipt", lot_id=lot.id))
    return lot.id


def stock_unit(uow: UnitOfWork, item: Any, serial: str, *, status: str = "released",
               location: str = "LINE-1") -> int:
    unit = traceability.create_unit(uow, item_id=item.id, serial=serial, status=status)
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
        item_id=item.id, quantity=Decimal(1), from_location="V-SUP", to_location=location,
        purpose="receipt", unit_id=unit.id))
    return unit.id


def make_line(db: Database, *, bom: bool = True) -> dict[str, Any]:
    """The line; ``ids`` of items, lots and units by code, and ``gtins`` of items."""
    _people(db)
    ids: dict[str, Any] = {"gtins": {}}
    today = plant_today()
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="PL", name_zh="工厂", name_en="Plant", kind="site")
        loc(uow, code="WH", name_zh="仓库", name_en="Store", kind="warehouse", parent="PL")
        loc(uow, code="AZ", name_zh="合格区", name_en="Available", kind="zone", parent="WH",
            stock_status="available")
        loc(uow, code="LINE-1", name_zh="一号线边", name_en="Line 1", kind="bin", parent="AZ")
        loc(uow, code="A-01", name_zh="A-01", name_en="A-01", kind="bin", parent="AZ")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="WH",
            stock_status="quarantine")
        for code, role in (("V-SUP", "supplier"), ("V-PROD", "production"),
                           ("V-SCRAP", "scrap")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        items = {"PUMP-X": _item(uow, "PUMP-X", "serial", kind="finished"),
                 "CATH-X": _item(uow, "CATH-X", "lot", kind="finished", shelf=365),
                 "DRIVE-X": _item(uow, "DRIVE-X", "serial", kind="subassembly"),
                 "BOARD": _item(uow, "BOARD", "lot"),
                 "TUBE": _item(uow, "TUBE", "lot", uom="M"),
                 "BATT": _item(uow, "BATT", "lot"),
                 "BATT-ALT": _item(uow, "BATT-ALT", "lot"),
                 "SCREW": _item(uow, "SCREW", "lot")}
        for code, item in items.items():
            ids[code] = item.id
            ids["gtins"][code] = item.packaging[0].gtin
        far = today + dt.timedelta(days=400)
        ids["BRD-1"] = stock_lot(uow, items["BOARD"], "BRD-1", "50", expiry=far)
        ids["BRD-2"] = stock_lot(uow, items["BOARD"], "BRD-2", "50",
                                 expiry=today + dt.timedelta(days=100))
        ids["BRD-OLD"] = stock_lot(uow, items["BOARD"], "BRD-OLD", "10",
                                   expiry=today - dt.timedelta(days=1))
        ids["BRD-QZ"] = stock_lot(uow, items["BOARD"], "BRD-QZ", "10", status="quarantine",
                                  location="QZ")
        ids["TB-1"] = stock_lot(uow, items["TUBE"], "TB-1", "100", expiry=far)
        ids["BAT-1"] = stock_lot(uow, items["BATT"], "BAT-1", "20", expiry=far)
        ids["ALT-1"] = stock_lot(uow, items["BATT-ALT"], "ALT-1", "20", expiry=far)
        ids["SCR-1"] = stock_lot(uow, items["SCREW"], "SCR-1", "500", expiry=far)
        for n in range(1, 11):
            ids[f"DRV-{n}"] = stock_unit(uow, items["DRIVE-X"], f"DRV-{n}")
    with UnitOfWork(db) as uow:
        engineer = actor(db, "eng.one")
        production.save_work_center(uow, data=production.WorkCenterWrite(
            code="WC-ASSY", name_zh="装配线", name_en="Assembly line", line_location="LINE-1"),
            actor=engineer)
        production.save_equipment(uow, data=production.EquipmentWrite(
            code="EQ-TORQUE", name_zh="扭力扳手", name_en="Torque wrench",
            work_center="WC-ASSY", calibration_interval_days=180,
            calibration_due=today + dt.timedelta(days=60)), actor=engineer)
    _publish_change_process(db)
    if bom:
        ids["bom"] = make_bom(db)
    return ids


def udi(gtin_: str, *, lot: str | None = None, serial: str | None = None) -> str:
    """A GS1 element string as a scanner sends it (FNC1 as the group separator)."""
    text = f"01{gtin_}"
    if lot:
        text += f"10{lot}\x1d"
    if serial:
        text += f"21{serial}"
    return text.rstrip("\x1d")


def who(db: Database, username: str) -> Actor:
    return actor(db, username)


def produce_order(db: Database, line: dict[str, Any], serials: list[str]) -> str:
    """A work order of ``len(serials)`` PUMP-X planned, released, fed, its operations and
    check recorded, its output reported and completed (its lot waits in quarantine for
    release). The operator and ``qa.line`` produce, so ``qa.one`` may release. Its number."""
    planner, operator = actor(db, "prod.planner"), actor(db, "prod.operator")
    with UnitOfWork(db) as uow:
        number = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity=Decimal(len(serials))), actor=planner).number
    with UnitOfWork(db) as uow:
        production.release_work_order(uow, ref=number, actor=planner)
    g = line["gtins"]
    with UnitOfWork(db) as uow:
        for n, serial in enumerate(serials, start=1):
            production.issue_material(uow, ref=number, data=production.IssueCreate(
                scan=udi(g["DRIVE-X"], serial=f"DRV-{n}"), output_serial=serial), actor=operator)
        count = Decimal(len(serials))
        for scan, quantity in (("BRD-1", count * 2), ("TB-1", count * Decimal("1.5")),
                               ("BAT-1", count)):
            production.issue_material(uow, ref=number, data=production.IssueCreate(
                scan=scan, quantity=quantity), actor=operator)
    with UnitOfWork(db) as uow:
        from medtrace.modules.production.models import Check, Operation

        bom_id = production.get_work_order_or_raise(uow, number).bom_id
        check_id = uow.session.scalar(select(Check.id).join(
            Operation, Operation.id == Check.operation_id).where(
            Operation.bom_id == bom_id, Operation.sequence == 20).limit(1))
        production.record_operation(uow, ref=number, data=production.OperationRecordCreate(
            operation=10, signature={"username": "prod.operator", "password": PASSWORD}),
            actor=operator)
    with UnitOfWork(db) as uow:
        production.record_operation(uow, ref=number, data=production.OperationRecordCreate(
            operation=20, results=[{"check_id": check_id, "value": "1.2"}]),
            actor=actor(db, "qa.line"))
    with UnitOfWork(db) as uow:
        production.report_output(uow, ref=number, data=production.OutputCreate(
            serials=serials), actor=operator)
    with UnitOfWork(db) as uow:
        production.complete_work_order(uow, ref=number, actor=operator)
    return number


def lot_udi(gtin_: str, *, lot: str, expiry: dt.date) -> str:
    """A lot's GS1 element string as printed on its label: the lot, then (after a group
    separator, the lot being of variable length) its expiry."""
    return f"{udi(gtin_, lot=lot)}\x1d17{expiry:%y%m%d}"
