"""Demo purchasing: two buyers and a finance approver, the shipped purchase-order approval
process installed by one person and published with another's signature, the Kangda supplier
qualified for the catheter and the pump (first-operation approvals signed by QA), and orders in
every state: a draft, one in approval, one approved, one partly received (a catheter lot
scanned at the box level), one received (five pumps, one scan each), one cancelled. The
received goods wait in quarantine for their incoming inspection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, partners
from medtrace.modules.procurement import service
from medtrace.modules.procurement.models import PurchaseOrder
from medtrace.modules.procurement.permissions import ROLE_GRANTS
from medtrace.modules.procurement.receipts import service as receipts
from medtrace.modules.procurement.receipts.schemas import ReceiptCreate
from medtrace.modules.procurement.schemas import OrderCreate, RequisitionCreate
from medtrace.platform import workflows
from medtrace.platform.auth import roles
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.policy import set_setting
from medtrace.platform.workflows.defaults import DEFAULTS
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

#: username, printed name, role (the platform's demo users have no buyer or finance approver)
USERS = [("sun.li", "孙丽", "purchasing"), ("qian.hao", "钱浩", "purchasing"),
         ("wu.fang", "吴芳", "finance")]
GS = "\x1d"


def _grant(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)


def _actor(uow: UnitOfWork, username: str) -> Any:
    user = auth_service.get_user(uow, username)
    return auth_service.actor_for_user(user) if user else None


def _people(uow: UnitOfWork) -> None:
    for username, printed, role in USERS:
        if auth_service.get_user(uow, username) is None:
            auth_service.create_user(uow, username=username, printed_name=printed,
                                     password=DEMO_PASSWORD, roles=[role], language="zh_CN")


def _approval_process(uow: UnitOfWork) -> None:
    """Installed by the system (as `medtrace workflows defaults` does), published by the
    administrator with a signature."""
    from medtrace.platform.actor import SYSTEM

    default = next(d for d in DEFAULTS if d.key == "purchase_order")
    buyer, admin = SYSTEM, _actor(uow, "admin")
    version = workflows.import_version(uow, xml=default.xml(), record_type=default.record_type,
                                       actor=buyer, name_zh=default.name_zh,
                                       name_en=default.name_en, change_note="MedTrace default")
    workflows.submit_version(uow, version_id=version.id, actor=buyer)
    workflows.publish_version(uow, version_id=version.id, password=DEMO_PASSWORD, actor=admin)


def _qualify(uow: UnitOfWork, supplier: Any, items: list[Any]) -> None:
    from medtrace.modules import partners as partner_service

    buyer, qa = _actor(uow, "sun.li"), _actor(uow, "li.na")
    subjects = [("supplier", None)] + [("supplier_item", item.id) for item in items]
    for kind, item_id in subjects:
        request = partner_service.request_first_approval(
            uow, kind=kind, partner_id=supplier.id, item_id=item_id, actor=buyer,
            notes="首营资料齐全 / first-operation file complete")
        partner_service.decide_first_approval(uow, request.id, approve=True,
                                              password=DEMO_PASSWORD, actor=qa,
                                              comment="资质审核通过 / qualified")


def _order(uow: UnitOfWork, lines: list[dict[str, Any]], note: str) -> PurchaseOrder:
    return service.create_order(uow, actor=_actor(uow, "sun.li"), data=OrderCreate(
        supplier="SUP-KANGDA", currency="CNY", note=note, lines=lines))


def _approve(uow: UnitOfWork, order: PurchaseOrder) -> None:
    instance = uow.session.scalar(select(WorkflowInstance).where(
        WorkflowInstance.record_type == service.RECORD_TYPE,
        WorkflowInstance.record_id == str(order.id)))
    for who in ("qian.hao", "wu.fang"):
        task = uow.session.scalar(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open"))
        if task is None:
            return
        workflows.complete_task(uow, task_id=task.id, decision="approve", actor=_actor(uow, who),
                                password=DEMO_PASSWORD, comment="同意 / approved")


def load(uow: UnitOfWork) -> None:
    _grant(uow)
    supplier = partners.get_partner_by_code(uow, "SUP-KANGDA")
    catheter, pump = catalog.get_item_by_code(uow, "CVC-7F"), catalog.get_item_by_code(
        uow, "IP-200")
    if supplier is None or catheter is None or pump is None or _actor(uow, "li.na") is None:
        return  # no demo partners, catalog or users
    try:
        inventory.get_location_or_raise(uow, "WH-SJ-QZ")
    except inventory.LocationNotFound:
        return  # no demo warehouse
    set_setting(uow, receipts.RECEIVING_LOCATION, "WH-SJ-QZ")
    _people(uow)
    _approval_process(uow)
    _qualify(uow, supplier, [catheter, pump])
    buyer, keeper = _actor(uow, "sun.li"), _actor(uow, "wang.wei")
    today = uow.today()

    def when(days: int) -> str:
        return str(today + dt.timedelta(days=days))

    service.create_requisition(uow, actor=buyer, data=RequisitionCreate(
        note="三季度导管备货 / catheter stock for Q3", lines=[
            {"item": "CVC-7F", "quantity": "30", "uom": "BX", "supplier": "SUP-KANGDA",
             "unit_price": "450", "requested_date": when(30)}]))
    _order(uow, [{"item": "CVC-7F", "quantity": "20", "uom": "BX", "unit_price": "450",
                  "requested_date": when(21)}], "草稿 / draft")
    in_approval = _order(uow, [{"item": "IP-200", "quantity": "20", "uom": "EA",
                                "unit_price": "3200", "requested_date": when(30)}],
                         "超过5万元，需财务审批 / above 50,000 CNY: finance approves too")
    service.submit_order(uow, order_ref=in_approval.number, actor=buyer)
    approved = _order(uow, [{"item": "CVC-7F", "quantity": "500", "uom": "EA",
                             "unit_price": "42.50", "requested_date": when(14)}],
                      "已批准，待到货 / approved, awaiting delivery")
    partly = _order(uow, [{"item": "CVC-7F", "quantity": "200", "uom": "EA",
                           "unit_price": "42.50", "requested_date": when(-2)}],
                    "分批到货 / delivered in parts")
    received = _order(uow, [{"item": "IP-200", "quantity": "5", "uom": "EA",
                             "unit_price": "3200", "requested_date": when(3)}],
                      "输液泵补货 / pump restock")
    cancelled = _order(uow, [{"item": "CVC-7F", "quantity": "100", "uom": "EA",
                              "unit_price": "44", "requested_date": when(10)}], "")
    for order in (approved, partly, received, cancelled):
        service.submit_order(uow, order_ref=order.number, actor=buyer)
        _approve(uow, order)
    service.cancel_order(uow, order_ref=cancelled.number, actor=buyer,
                         reason="供应商报价过期，重新询价 / the quote expired, asking again")
    expiry = (today + dt.timedelta(days=900)).strftime("%y%m%d")
    box = next(level.gtin for level in catheter.packaging if level.level == 1)
    unit = next(level.gtin for level in pump.packaging if level.level == 0)
    receipts.receive_goods(uow, actor=keeper, data=ReceiptCreate(
        purchase_order=partly.number, note="第一批 / first delivery", lines=[
            {"scan": f"]d201{box}17{expiry}10CV2612A", "quantity": "10", "uom": "BX"}]))
    receipts.receive_goods(uow, actor=keeper, data=ReceiptCreate(
        purchase_order=received.number, lines=[
            {"scan": f"]d201{unit}21IP2-P{n:04d}", "quantity": "1", "uom": "EA"}
            for n in range(1, 6)]))
    _return_rejected(uow, keeper)


def _return_rejected(uow: UnitOfWork, keeper: Any) -> None:
    """The boards QA rejected at incoming inspection (the quality demo) go back to their
    supplier from the rejected-goods area."""
    from medtrace.modules import traceability
    from medtrace.modules.procurement.receipts.schemas import ReturnCreate

    board = catalog.get_item_by_code(uow, "PCB-MAIN")
    lot = traceability.find(uow, "lot", "PCB-IQC02", board.id) if board is not None else None
    if lot is None or lot.status != "rejected":
        return
    receipts.return_to_supplier(uow, actor=keeper, data=ReturnCreate(
        item="PCB-MAIN", lot="PCB-IQC02", quantity=Decimal(200), uom="EA",
        from_location="WH-SJ-RZ",
        reason="来料检验不合格（焊点虚焊），退回供应商 / rejected at incoming inspection "
               "(cold solder joints), back to the supplier"))
