"""A small plant for purchasing tests, built through the real services: locations (available,
quarantine, rejected, the supplier's virtual location), a lot-tracked class II catheter (with a
case of 10), a serialized class III pump, a qualified supplier with licences and first-operation
approvals (of the supplier and of each item), the job roles and people of the approval process,
and its published definition."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import permissions as _inventory_permissions  # noqa: F401
from medtrace.modules.partners import service as partners_service
from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate
from medtrace.modules.procurement import permissions as _procurement_permissions  # noqa: F401
from medtrace.platform import workflows
from medtrace.platform.actor import Actor
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.models import User
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.defaults import DEFAULTS
from tests.factories.auth import PASSWORD, make_role, make_user
from tests.factories.clock import plant_today
from tests.factories.trace import gtin

BUYER_PERMISSIONS = ["procurement.order.view", "procurement.order.edit",
                     "procurement.requisition.edit", "procurement.receipt.post",
                     "procurement.return.post", "inventory.stock.move", "inventory.stock.view"]


def actor(db: Database, username: str) -> Actor:
    with UnitOfWork(db, write=False) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return auth_service.actor_for_user(user)


def _docs(uow: UnitOfWork, partner_id: int, *, licence_to: dt.date, classes: list[str]) -> None:
    today = plant_today()
    for doc_type, number, scope in (("business_licence", "91310000MA1", []),
                                    ("quality_agreement", "QA-2026-01", []),
                                    ("distribution_licence", "沪械经营许20260001", classes)):
        partners_service.add_document(uow, partner_id, DocumentWrite(
            doc_type=doc_type, number=number, scope_classes=scope,
            valid_from=today - dt.timedelta(days=365),
            valid_to=licence_to if doc_type == "distribution_licence"
            else today + dt.timedelta(days=700)))


def approve(db: Database, *, kind: str, partner_id: int, item_id: int | None = None) -> None:
    with UnitOfWork(db) as uow:
        request = partners_service.request_first_approval(
            uow, kind=kind, partner_id=partner_id, item_id=item_id,
            actor=actor(db, "pur.buyer"))
        approval_id = request.id
    with UnitOfWork(db) as uow:
        partners_service.decide_first_approval(uow, approval_id, approve=True,
                                               password=PASSWORD, actor=actor(db, "pur.qa"))


def make_supplier(db: Database, code: str, items: list[int], *, licence_days: int = 700,
                  classes: tuple[str, ...] = ("II", "III"), item_approvals: bool = True) -> int:
    with UnitOfWork(db) as uow:
        partner = partners_service.create_partner(uow, PartnerCreate(
            code=code, name_zh=f"{code}医疗器械有限公司", name_en=f"{code} Medical",
            is_supplier=True))
        _docs(uow, partner.id, licence_to=plant_today() + dt.timedelta(days=licence_days),
              classes=list(classes))
        partner_id = partner.id
    approve(db, kind="supplier", partner_id=partner_id)
    if item_approvals:
        for item_id in items:
            approve(db, kind="supplier_item", partner_id=partner_id, item_id=item_id)
    return partner_id


def publish_approval_process(db: Database) -> None:
    """The shipped ``purchase_order`` definition, installed by the system (as the demo does),
    published by an administrator with a signature."""
    from medtrace.platform.actor import SYSTEM

    default = next(d for d in DEFAULTS if d.key == "purchase_order")
    with UnitOfWork(db) as uow:
        version = workflows.import_version(uow, xml=default.xml(), record_type=default.record_type,
                                           actor=SYSTEM)
        workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
        version_id = version.id
    with UnitOfWork(db) as uow:
        workflows.publish_version(uow, version_id=version_id, password=PASSWORD,
                                  actor=actor(db, "pur.qa"))


def make_plant(db: Database, *, publish: bool = True) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    for code, permissions in (("purchasing", BUYER_PERMISSIONS),
                              ("finance", ["procurement.order.view"])):
        make_role(db, code, permissions)
    make_user(db, "pur.buyer", roles=["purchasing"])
    make_user(db, "pur.manager", roles=["purchasing"])
    make_user(db, "pur.finance", roles=["finance"])
    make_user(db, "pur.qa", admin=True)
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="P-SITE", name_zh="工厂", name_en="Plant", kind="site")
        loc(uow, code="P-WH", name_zh="主仓", name_en="Main store", kind="warehouse",
            parent="P-SITE")
        loc(uow, code="P-QZ", name_zh="待验区", name_en="Quarantine", kind="zone",
            parent="P-WH", stock_status="quarantine")
        loc(uow, code="P-RZ", name_zh="不合格品区", name_en="Rejected", kind="zone",
            parent="P-WH", stock_status="rejected")
        loc(uow, code="P-AZ", name_zh="合格区", name_en="Available", kind="zone",
            parent="P-WH", stock_status="available")
        loc(uow, code="P-SUP", name_zh="供应商", name_en="Suppliers", kind="virtual",
            role="supplier")
        expiry = plant_today() + dt.timedelta(days=3 * 365)
        ids["cath_gtin"], ids["case_gtin"], ids["pump_gtin"] = gtin(), gtin(), gtin()
        cath = catalog.create_item(uow, ItemCreate(
            code="P-CATH", name_zh="导尿管", name_en="Catheter", tracking="lot",
            base_uom="EA", class_cn="II", shelf_life_days=730,
            min_remaining_shelf_life_days=180, registration_expiry=expiry,
            conversions=[{"uom": "CS", "factor": "10"}],
            packaging=[{"level": 0, "name": "unit", "gtin": ids["cath_gtin"], "quantity": "1"},
                       {"level": 1, "name": "case", "gtin": ids["case_gtin"], "quantity": "10",
                        "uom": "CS"}]))
        pump = catalog.create_item(uow, ItemCreate(
            code="P-PUMP", name_zh="输液泵", name_en="Infusion pump", tracking="serial",
            base_uom="EA", class_cn="III", registration_expiry=expiry,
            packaging=[{"level": 0, "name": "unit", "gtin": ids["pump_gtin"], "quantity": "1"}]))
        ids["cath"], ids["pump"] = cath.id, pump.id
    ids["supplier"] = make_supplier(db, "P-SUP-1", [ids["cath"], ids["pump"]])
    if publish:
        publish_approval_process(db)
    return ids


GS = "\x1d"


def scan(gtin_: str, *, lot: str | None = None, expiry: dt.date | None = None,
         serial: str | None = None, prefix: str = "]d2") -> str:
    """A GS1 DataMatrix as a scanner sends it: symbology identifier, (01), (17), (10) and (21),
    a GS after each variable-length field that is not last."""
    text = f"{prefix}01{gtin_}"
    if expiry is not None:
        text += f"17{expiry:%y%m%d}"
    fields = [f"10{lot}"] if lot else []
    if serial:
        fields.append(f"21{serial}")
    return text + GS.join(fields)


def approved_order(db: Database, lines: list[dict[str, Any]], *, supplier: str = "P-SUP-1"
                   ) -> str:
    """An order created, submitted and approved by the purchasing manager (up to 50,000 CNY)."""
    from medtrace.modules import procurement
    from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

    with UnitOfWork(db) as uow:
        order = procurement.create_order(uow, actor=actor(db, "pur.buyer"),
                                         data=procurement.OrderCreate(supplier=supplier,
                                                                      lines=lines))
        number, order_id = order.number, order.id
    with UnitOfWork(db) as uow:
        procurement.submit_order(uow, order_ref=number, actor=actor(db, "pur.buyer"))
    with UnitOfWork(db) as uow:
        instance = uow.session.scalar(select(WorkflowInstance).where(
            WorkflowInstance.record_type == "procurement.order",
            WorkflowInstance.record_id == str(order_id)))
        task = uow.session.scalar(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open"))
        workflows.complete_task(uow, task_id=task.id, decision="approve",
                                actor=actor(db, "pur.manager"), password=PASSWORD)
    return number


def approve_over_http(client, db: Database, approver: str = "pur.manager"):  # type: ignore[no-untyped-def]
    """The approver completes the open approval task through the API (with the password)."""
    from medtrace.platform.workflows.models import WorkflowTask
    from tests.factories.auth import api_token

    with UnitOfWork(db, write=False) as uow:
        task_id = uow.session.scalar(select(WorkflowTask.id).where(
            WorkflowTask.status == "open"))
    return client.post(f"/api/v1/tasks/{task_id}/complete",
                       headers={"Authorization": f"Bearer {api_token(client, approver)}"},
                       json={"decision": "approve", "password": PASSWORD})
