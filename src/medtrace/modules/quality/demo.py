"""Demo inspections: plans for the catheter and the pump's main board, and three incoming lots
waiting in the Songjiang quarantine area: one inspected and released by QA, one rejected (with
its nonconformance), one waiting for results. The lots are created directly, as the
inventory demo does, until procurement's receipts open these inspections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.inventory import MoveCreate
from medtrace.modules.quality import queries, service
from medtrace.modules.quality.permissions import ROLE_GRANTS
from medtrace.modules.quality.schemas import DecisionIn, PlanWrite, ResultsEntry
from medtrace.platform.actor import SYSTEM
from medtrace.platform.auth import roles
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork

PLANS = {
    "CVC-7F": [
        {"kind": "visual", "name_zh": "外观（无毛刺、无污染）",
         "name_en": "Visual (no burrs, no contamination)", "aql": "1.0"},
        {"kind": "dimensional", "name_zh": "导管有效长度", "name_en": "Effective length",
         "aql": "0.65", "lower": "199.0", "upper": "201.0", "unit": "mm"},
        {"kind": "functional", "name_zh": "气密性试验", "name_en": "Leak test", "aql": "0.65",
         "critical": True},
    ],
    "PCB-MAIN": [
        {"kind": "visual", "name_zh": "焊点外观", "name_en": "Solder joints", "aql": "1.0"},
        {"kind": "functional", "name_zh": "上电功能测试", "name_en": "Power-on test",
         "aql": "0.65", "inspection_level": "S-4"},
        {"kind": "document", "name_zh": "出厂检验报告（COA）",
         "name_en": "Certificate of analysis", "aql": "1.0", "inspection_level": "S-1"},
    ],
}


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


def _user(uow: UnitOfWork, username: str) -> Any:
    return auth_service.get_user(uow, username)


def _receive(uow: UnitOfWork, item: Any, number: str, quantity: int, supplier: Any,
             doc: str, received_by: int | None) -> Any:
    today = uow.today()
    lot = traceability.create_lot(uow, item_id=item.id, number=number, status="quarantine",
                                  manufacture_date=today - dt.timedelta(days=20),
                                  supplier_id=supplier.id if supplier else None,
                                  origin="received")
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
        item_id=item.id, quantity=Decimal(quantity), from_location="V-SUPPLIER",
        to_location="WH-SJ-QZ", purpose="receipt", lot_id=lot.id, doc=doc,
        partner_id=supplier.id if supplier else None))
    return service.open_inspection(
        uow, item_id=item.id, lot_id=lot.id, unit_ids=[], quantity=Decimal(quantity),
        uom=item.base_uom,
        location_code="WH-SJ-QZ", supplier_id=supplier.id if supplier else None,
        source_document=doc, purchase_order=f"PO-{doc[3:]}", received_by=received_by,
        actor=SYSTEM)


def _enter(uow: UnitOfWork, inspection: Any, actor: Any, fail: dict[int, int]) -> None:
    entries = []
    for plan in queries.characteristics_of(uow, inspection):
        if plan.kind == "document":
            continue
        for sample in range(1, plan.to_inspect + 1):
            bad = sample <= fail.get(plan.position, 0)
            if plan.kind == "dimensional":
                value = Decimal("200.1") if not bad else Decimal("201.6")
                entries.append({"characteristic": plan.position, "sample": sample,
                                "value": str(value)})
            else:
                entries.append({"characteristic": plan.position, "sample": sample,
                                "passed": not bad})
    service.record_results(uow, number=inspection.number,
                           data=ResultsEntry.model_validate({"results": entries}), actor=actor)


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    items = {code: catalog.get_item_by_code(uow, code) for code in (*PLANS, "TUBE-PVC")}
    qa_user, receiver = _user(uow, "li.na"), _user(uow, "wang.wei")
    if any(item is None for item in items.values()) or qa_user is None:
        return  # no demo catalog or users
    qa = auth_service.actor_for_user(qa_user)
    try:
        inventory.get_location_or_raise(uow, "WH-SJ-QZ")
    except inventory.LocationNotFound:
        return  # no demo warehouse
    for code, characteristics in PLANS.items():
        service.save_plan(uow, item_id=items[code].id, actor=qa,
                          data=PlanWrite.model_validate({"characteristics": characteristics}))
    kangda = partners.get_partner_by_code(uow, "SUP-KANGDA")
    huadian = partners.get_partner_by_code(uow, "SUP-PCB")
    received_by = receiver.id if receiver else None
    signature = {"username": qa_user.username, "password": DEMO_PASSWORD}

    accepted = _receive(uow, items["CVC-7F"], "CV-IQC01", 500, kangda, "RC-2701", received_by)
    _enter(uow, accepted, qa, {1: 1})
    service.release_inspection(uow, number=accepted.number, actor=qa, data=DecisionIn(
        signature={**signature, "meaning": "released"},
        comment="抽样检验合格 / sample inspection passed"))

    rejected = _receive(uow, items["PCB-MAIN"], "PCB-IQC02", 200, huadian, "RC-2702",
                        received_by)
    _enter(uow, rejected, qa, {1: 3})
    service.reject_inspection(uow, number=rejected.number, actor=qa, data=DecisionIn(
        signature={**signature, "meaning": "rejected"},
        comment="焊点虚焊 3 件 / 3 boards with cold solder joints"))

    _receive(uow, items["TUBE-PVC"], "TB-IQC03", 300, kangda, "RC-2703", received_by)
