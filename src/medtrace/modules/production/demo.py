"""Demo production at the Songjiang plant, through the real services: the pump's drive module
(a serialized subassembly made of main boards and tubing) and the infusion pump (a drive module,
a battery pack and tubing), their BOM versions released through the engineering change
workflow, a version B of the pump in change review, work centres and equipment (one overdue for
calibration), and five work orders: drive modules made and released; pumps made per unit (one
failed flow test reworked) and released by QA, with labels and a device history record; pumps
completed and waiting for batch release; pumps in progress with an approved substitute battery;
pumps planned but short of drive modules (re-planning)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.production import schemas, service
from medtrace.modules.production.models import Bom, Check, Operation
from medtrace.modules.production.permissions import ROLE_GRANTS
from medtrace.platform import workflows
from medtrace.platform.actor import SYSTEM
from medtrace.platform.auth import roles
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.defaults import DEFAULTS
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

#: username, printed name, role (the platform's demo users have no engineers)
USERS = [("zhou.gong", "周工", "engineering"), ("wu.jun", "吴军", "engineering")]
LINE = "WH-SJ-LINE"


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


def _actor(uow: UnitOfWork, username: str) -> Any:
    user = auth_service.get_user(uow, username)
    return auth_service.actor_for_user(user) if user else None


def _sign(username: str) -> schemas.SignatureIn:
    return schemas.SignatureIn(username=username, password=DEMO_PASSWORD)


def _people(uow: UnitOfWork) -> None:
    for username, printed, role in USERS:
        if auth_service.get_user(uow, username) is None:
            auth_service.create_user(uow, username=username, printed_name=printed,
                                     password=DEMO_PASSWORD, roles=[role], language="zh_CN")


def _change_process(uow: UnitOfWork) -> None:
    """The shipped ECO definition, installed by the system, published by the administrator."""
    default = next(d for d in DEFAULTS if d.key == service.CHANGE_PROCESS)
    version = workflows.import_version(uow, xml=default.xml(), record_type=default.record_type,
                                       actor=SYSTEM, name_zh=default.name_zh,
                                       name_en=default.name_en, change_note="MedTrace default")
    workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
    workflows.publish_version(uow, version_id=version.id, password=DEMO_PASSWORD,
                              actor=_actor(uow, "admin"))


def _review(uow: UnitOfWork, bom: Bom, *, all_of_it: bool = True) -> None:
    """Engineering's impact assessment, then (``all_of_it``) QA's and production's approval."""
    deciders = {"impact": "wu.jun", "qa_approval": "li.na", "production_approval": "zhang.min"}
    for _ in range(3 if all_of_it else 1):
        instance = uow.session.scalar(select(WorkflowInstance).where(
            WorkflowInstance.record_type == service.BOM_RECORD,
            WorkflowInstance.record_id == str(bom.id)))
        task = uow.session.scalar(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open")
            .order_by(WorkflowTask.id))
        if task is None:
            return
        data = {"impact": "低 / low", "effectivity": "下一批 / next lot"} \
            if task.element_id == "impact" else None
        workflows.complete_task(uow, task_id=task.id, decision="approve",
                                actor=_actor(uow, deciders[task.element_id]), data=data,
                                password=DEMO_PASSWORD, comment="同意 / approved")


def _master_data(uow: UnitOfWork) -> None:
    engineer = _actor(uow, "zhou.gong")
    today = uow.today()
    inventory.create_location(uow, code=LINE, name_zh="装配线边库", name_en="Assembly line stock",
                              kind="bin", parent="WH-SJ-AZ")
    for code, zh, en in (("WC-DRV", "泵送模块装配", "Drive module assembly"),
                         ("WC-ASSY", "整机装配", "Final assembly"),
                         ("WC-TEST", "整机测试", "Final test")):
        service.save_work_center(uow, data=schemas.WorkCenterWrite(
            code=code, name_zh=zh, name_en=en, line_location=LINE), actor=engineer)
    for code, zh, en, center, cal in (
            ("EQ-TQ-01", "电动扭力起子", "Torque driver", "WC-ASSY", 40),
            ("EQ-FLOW-01", "输液泵流量分析仪", "Infusion flow analyser", "WC-TEST", 5),
            ("EQ-LEAK-01", "气密性测试仪", "Leak tester", "WC-TEST", -3)):
        service.save_equipment(uow, data=schemas.EquipmentWrite(
            code=code, name_zh=zh, name_en=en, work_center=center,
            calibration_interval_days=180, calibration_due=today + dt.timedelta(days=cal),
            maintenance_interval_days=90, maintenance_due=today + dt.timedelta(days=30)),
            actor=engineer)
    service.record_equipment_work(uow, code="EQ-TQ-01", data=schemas.EquipmentRecordCreate(
        kind="calibration", result="passed", performed_on=today - dt.timedelta(days=140),
        next_due=today + dt.timedelta(days=40), certificate="SHJL-2026-0871",
        note="上海市计量测试技术研究院 / Shanghai Institute of Measurement"), actor=engineer)
    alternative = catalog.create_item(uow, ItemCreate(
        code="BAT-LI2", name_zh="锂电池组（第二供应商）",
        name_en="Li-ion battery pack (second source)",
        tracking="lot", kind="component", base_uom="EA",
        packaging=[{"level": 0, "name": "unit", "gtin": "06971234560070", "quantity": "1"}]))
    catalog.set_status(uow, alternative.id, "active")


def _boms(uow: UnitOfWork) -> None:
    engineer = _actor(uow, "zhou.gong")
    since = uow.today() - dt.timedelta(days=60)
    drive = service.create_bom(uow, actor=engineer, data=schemas.BomCreate(
        item="DRV-200", change_reason="首次发布 / first release", effective_from=since,
        lines=[{"item": "PCB-MAIN", "quantity": "1"},
               {"item": "TUBE-PVC", "quantity": "0.8", "uom": "M"}],
        operations=[{"sequence": 10, "name_zh": "泵送模块装配", "name_en": "Drive assembly",
                     "work_center": "WC-DRV", "equipment": "EQ-TQ-01", "signature": "operator",
                     "instructions": "按 WI-DRV-010 拧紧电机螺钉 0.6 N·m / torque 0.6 N·m"},
                    {"sequence": 20, "name_zh": "泵送流量测试", "name_en": "Pumping flow test",
                     "work_center": "WC-DRV", "equipment": "EQ-FLOW-01",
                     "checks": [{"characteristic": "泵送流量 Flow rate", "lower": "9.5",
                                 "upper": "10.5", "unit": "mL/min", "sample_size": 1}]}]))
    pump_ops = [{"sequence": 10, "name_zh": "整机装配", "name_en": "Final assembly",
                 "work_center": "WC-ASSY", "equipment": "EQ-TQ-01", "signature": "operator"},
                {"sequence": 20, "name_zh": "流速精度测试", "name_en": "Flow accuracy test",
                 "work_center": "WC-TEST", "equipment": "EQ-FLOW-01",
                 "checks": [{"characteristic": "流速精度 Flow accuracy", "lower": "-5",
                             "upper": "5", "unit": "%", "sample_size": 0}]}]
    pump_lines = [{"item": "DRV-200", "quantity": "1"},
                  {"item": "BAT-LI", "quantity": "1",
                   "substitutes": [{"item": "BAT-LI2", "priority": 1}]},
                  {"item": "TUBE-PVC", "quantity": "1.2", "uom": "M"}]
    pump = service.create_bom(uow, actor=engineer, data=schemas.BomCreate(
        item="IP-200", change_reason="首次发布 / first release", effective_from=since,
        lines=pump_lines, operations=pump_ops))
    for bom in (drive, pump):
        service.submit_bom(uow, bom_id=bom.id, actor=engineer)
        _review(uow, bom)
    leak = {"sequence": 30, "name_zh": "气密性测试", "name_en": "Leak test",
            "work_center": "WC-TEST", "equipment": "EQ-LEAK-01", "signature": "qa",
            "checks": [{"characteristic": "泄漏率 Leak rate", "upper": "0.5", "unit": "Pa/s",
                        "sample_size": 0}]}
    change = service.create_bom(uow, actor=engineer, data=schemas.BomCreate(
        item="IP-200", change_reason="CAPA-2611: 增加气密性测试 / add a leak test",
        effective_from=uow.today() + dt.timedelta(days=14), based_on=pump.id,
        lines=pump_lines, operations=[*pump_ops, leak]))
    service.submit_bom(uow, bom_id=change.id, actor=engineer)
    _review(uow, change, all_of_it=False)  # impact assessed; QA and production to approve


def _stock(uow: UnitOfWork) -> None:
    """Component lots received from the suppliers, released, and put at the line."""
    admin = _actor(uow, "admin")
    today = uow.today()
    for item, number, quantity, supplier in (("PCB-MAIN", "PCB-P01", "12", "SUP-PCB"),
                                             ("TUBE-PVC", "TB-P01", "80", "SUP-KANGDA"),
                                             ("BAT-LI", "BAT-P01", "5", "SUP-PCB"),
                                             ("BAT-LI2", "BAT-P02", "10", "SUP-PCB")):
        found = catalog.get_item_by_code(uow, item)
        partner = _partner_id(uow, supplier)
        lot = traceability.create_lot(uow, item_id=found.id, number=number, status="released",
                                      supplier_id=partner, manufacture_date=today
                                      - dt.timedelta(days=30),
                                      expiry_date=today + dt.timedelta(days=700)
                                      if item == "TUBE-PVC" else None)
        inventory.post_move(uow, actor=admin, move=inventory.MoveCreate(
            item_id=found.id, quantity=Decimal(quantity), from_location="V-SUPPLIER",
            to_location="WH-SJ-A01", purpose="receipt", lot_id=lot.id, doc=f"RC-P-{number}",
            partner_id=partner))
        inventory.post_move(uow, actor=admin, move=inventory.MoveCreate(
            item_id=found.id, quantity=Decimal(quantity), from_location="WH-SJ-A01",
            to_location=LINE, purpose="transfer", lot_id=lot.id, doc="备料 / line feed"))


def _partner_id(uow: UnitOfWork, code: str) -> int | None:
    from medtrace.modules import partners

    found = partners.get_partner_by_code(uow, code)
    return found.id if found else None


def _plan(uow: UnitOfWork, item: str, quantity: int, note: str) -> str:
    return service.create_work_order(uow, actor=_actor(uow, "zhang.min"), data=(
        schemas.WorkOrderCreate(item=item, quantity=Decimal(quantity), note=note))).number


def _issue(uow: UnitOfWork, number: str, scan: str, quantity: str = "1",
           serial: str | None = None, uom: str | None = None) -> None:
    service.issue_material(uow, ref=number, actor=_actor(uow, "zhang.min"), data=(
        schemas.IssueCreate(scan=scan, quantity=Decimal(quantity), uom=uom,
                            output_serial=serial)))


def _check(uow: UnitOfWork, item: str, sequence: int) -> int:
    found = catalog.get_item_by_code(uow, item)
    bom = service.effective_bom(uow, found.id, uow.today())
    return uow.session.scalar(select(Check.id).join(Operation, Operation.id == Check.operation_id)
                              .where(Operation.bom_id == bom.id, Operation.sequence == sequence))


def _operate(uow: UnitOfWork, number: str, sequence: int, *, serial: str | None = None,
             value: str | None = None, item: str = "IP-200") -> None:
    results = [{"check_id": _check(uow, item, sequence), "value": value}] if value else []
    service.record_operation(uow, ref=number, actor=_actor(uow, "zhang.min"), data=(
        schemas.OperationRecordCreate(
            operation=sequence, serial=serial, results=results,
            signature=_sign("zhang.min") if sequence == 10 else None)))


def _drives(uow: UnitOfWork) -> None:
    """Six drive modules made, released by QA and put at the line."""
    operator, qa = _actor(uow, "zhang.min"), _actor(uow, "li.na")
    number = _plan(uow, "DRV-200", 6, "泵送模块 / drive modules for November")
    service.release_work_order(uow, ref=number, actor=operator)
    _issue(uow, number, "PCB-P01", "6")
    _issue(uow, number, "TB-P01", "4.8", uom="M")
    _operate(uow, number, 10, item="DRV-200")
    _operate(uow, number, 20, value="10.1", item="DRV-200")
    serials = [f"DRV-P{n:04d}" for n in range(1, 7)]
    service.report_output(uow, ref=number, actor=operator,
                          data=schemas.OutputCreate(serials=serials))
    service.complete_work_order(uow, ref=number, actor=operator)
    lot_id = service.get_work_order_or_raise(uow, number).output_lot_id
    service.release_batch(uow, lot_id=lot_id, actor=qa, data=schemas.BatchReleaseIn(
        signature=_sign("li.na"), comment="DHR 审核完成 / DHR reviewed"))
    drive = catalog.get_item_by_code(uow, "DRV-200")
    units = [traceability.find(uow, "unit", s, drive.id).id for s in serials]
    where = inventory.balances(uow, inventory.BalanceFilter(lot_id=lot_id, item_id=drive.id),
                               limit=100)[0][0]["location"]
    inventory.post_moves(uow, actor=operator, moves=inventory.BulkMoveCreate(
        item_id=drive.id, from_location=where, to_location=LINE, purpose="transfer",
        lot_id=lot_id, unit_ids=units, doc="备料 / line feed"))


def _pumps(uow: UnitOfWork, number: str, serials: list[str], drives: list[str], *,
           reworked: str | None = None) -> None:
    for serial, drive in zip(serials, drives, strict=True):
        _issue(uow, number, drive, serial=serial)
        _operate(uow, number, 10, serial=serial)
        if serial == reworked:
            _operate(uow, number, 20, serial=serial, value="6.2")
            order = service.get_work_order_or_raise(uow, number)
            from medtrace.modules.production.models import CheckResult

            failed = uow.session.scalar(select(CheckResult.id).where(
                CheckResult.work_order_id == order.id, CheckResult.passed.is_(False)))
            service.record_disposition(uow, ref=number, result_id=failed,
                                       actor=_actor(uow, "li.na"),
                                       data=schemas.DispositionCreate(
                                           disposition="rework",
                                           reason="流量偏高，重新校准泵送模块 / flow high: "
                                                  "drive recalibrated"))
        _operate(uow, number, 20, serial=serial, value="1.8")


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    if catalog.get_item_by_code(uow, "IP-200") is None or _actor(uow, "li.na") is None:
        return
    _people(uow)
    _change_process(uow)
    _master_data(uow)
    _boms(uow)
    _stock(uow)
    _drives(uow)
    operator, qa = _actor(uow, "zhang.min"), _actor(uow, "li.na")
    # pumps made per unit, one reworked after a failed flow test; released by QA with labels
    first = _plan(uow, "IP-200", 3, "仁济医院订单 / for Renji Hospital")
    service.release_work_order(uow, ref=first, actor=operator)
    _pumps(uow, first, ["IP2-W0001", "IP2-W0002", "IP2-W0003"],
           ["DRV-P0001", "DRV-P0002", "DRV-P0003"], reworked="IP2-W0002")
    _issue(uow, first, "BAT-P01", "3")
    _issue(uow, first, "TB-P01", "3.6", uom="M")
    service.report_output(uow, ref=first, actor=operator, data=schemas.OutputCreate(
        serials=["IP2-W0001", "IP2-W0002", "IP2-W0003"]))
    service.print_labels(uow, ref=first, actor=operator, data=schemas.LabelPrint())
    service.complete_work_order(uow, ref=first, actor=operator)
    lot_id = service.get_work_order_or_raise(uow, first).output_lot_id
    service.release_batch(uow, lot_id=lot_id, actor=qa, data=schemas.BatchReleaseIn(
        signature=_sign("li.na"), comment="DHR 审核完成 / DHR reviewed"))
    # pumps completed, waiting for QA's batch release
    second = _plan(uow, "IP-200", 1, "华东医院订单 / for Huadong Hospital")
    service.release_work_order(uow, ref=second, actor=operator)
    _pumps(uow, second, ["IP2-W0004"], ["DRV-P0004"])
    _issue(uow, second, "BAT-P01", "1")
    _issue(uow, second, "TB-P01", "1.2", uom="M")
    service.report_output(uow, ref=second, actor=operator,
                          data=schemas.OutputCreate(serials=["IP2-W0004"]))
    service.complete_work_order(uow, ref=second, actor=operator)
    # pumps in progress: the batteries ran short, QA approved the second-source pack
    third = _plan(uow, "IP-200", 2, "备货 / stock")
    service.approve_substitute(uow, ref=third, actor=qa, data=schemas.SubstituteApprove(
        line_no=2, item="BAT-LI2", reason="BAT-LI 缺料，使用第二供应商电池 / BAT-LI short",
        signature=_sign("li.na")))
    service.release_work_order(uow, ref=third, actor=operator)
    _issue(uow, third, "DRV-P0005", serial="IP2-W0005")
    _issue(uow, third, "BAT-P02", "1")
    # planned, but short of drive modules: the re-planning page shows it
    _plan(uow, "IP-200", 10, "第四季度备货 / Q4 stock")
