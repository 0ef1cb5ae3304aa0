#!/usr/bin/env python3
"""Receipt benchmark: one receipt of a case of N serial numbers posted through the service.

    python bench/receipt_serials.py [--serials 10000] [--rounds 5]
                                    [--database-url postgresql://...]

On a fresh database (``var/bench/receipt_serials.db``, or a PostgreSQL database that is dropped
and recreated, migrated in this process) it sets up, through the real services, a plant with a
quarantine zone, a serialized class III device with its GTIN, a qualified supplier (licences,
first-operation approvals of the supplier and of the device signed by QA), and the shipped
purchase-order approval process published by a second person. Each round makes and approves an
order for N pieces (not timed) and then times ``procurement.receive_goods`` of one scan with the
N serials listed, in its own unit of work up to and including the commit: the N units, N stock
moves and balances, the lot, the ``received`` event naming every unit, the receipt and its line
in the audit trail. The anchor is Odoo's 1.6 s for a receipt of 2,000 serials. Prints one JSON
line (every round's seconds and their median); exits 1 when a round's units, moves or event
objects are not all there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from trace_bench import fresh_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-Receipt-2026!"
ODOO_ANCHOR = {"serials": 2000, "seconds": 1.6}


def _actor(db: Any, username: str) -> Any:
    from sqlalchemy import select

    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.auth.models import User
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db, write=False) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return auth_service.actor_for_user(user)


def setup(db: Any) -> dict[str, Any]:
    """The plant, the device, the qualified supplier and the published approval process."""
    from medtrace.modules import catalog, inventory
    from medtrace.modules.catalog import ItemCreate
    from medtrace.modules.catalog.rules import gs1_check_digit
    from medtrace.modules.partners import service as partners_service
    from medtrace.modules.partners.schemas import DocumentWrite, PartnerCreate
    from medtrace.modules.procurement import permissions as _permissions  # noqa: F401
    from medtrace.platform import workflows
    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.workflows.defaults import DEFAULTS

    with UnitOfWork(db) as uow:
        auth_service.save_role(uow, code="purchasing", name_zh="采购", name_en="Purchasing",
                               permissions=[], grants_all=True)
        for name in ("bench.buyer", "bench.manager", "bench.qa"):
            auth_service.create_user(uow, username=name, password=PASSWORD,
                                     printed_name=name, roles=["purchasing"])
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="BENCH", name_zh="基准工厂", name_en="Bench plant", kind="site")
        loc(uow, code="BW", name_zh="基准仓", name_en="Bench store", kind="warehouse",
            parent="BENCH")
        loc(uow, code="BQ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="BW",
            stock_status="quarantine")
        loc(uow, code="SUP", name_zh="供应商", name_en="Supplier", kind="virtual",
            role="supplier")
        body = "697123480000"
        gtin = f"0{body}{gs1_check_digit('0' + body)}"
        item = catalog.create_item(uow, ItemCreate(
            code="BENCH-PUMP", name_zh="基准输液泵", name_en="Bench infusion pump",
            tracking="serial", base_uom="EA", class_cn="III",
            registration_expiry=dt.date.today() + dt.timedelta(days=3 * 365),
            packaging=[{"level": 0, "name": "unit", "gtin": gtin, "quantity": "1"}]))
        partner = partners_service.create_partner(uow, PartnerCreate(
            code="BENCH-SUP", name_zh="基准供应商", name_en="Bench supplier", is_supplier=True))
        for doc_type, scope in (("business_licence", []), ("quality_agreement", []),
                                ("distribution_licence", ["III"])):
            partners_service.add_document(uow, partner.id, DocumentWrite(
                doc_type=doc_type, number=f"B-{doc_type}", scope_classes=scope,
                valid_from=dt.date.today() - dt.timedelta(days=30),
                valid_to=dt.date.today() + dt.timedelta(days=700)))
        ids = {"item": item.id, "gtin": gtin, "supplier": partner.id}
    for kind, item_id in (("supplier", None), ("supplier_item", ids["item"])):
        with UnitOfWork(db) as uow:
            approval = partners_service.request_first_approval(
                uow, kind=kind, partner_id=ids["supplier"], item_id=item_id,
                actor=_actor(db, "bench.buyer"))
            approval_id = approval.id
        with UnitOfWork(db) as uow:
            partners_service.decide_first_approval(uow, approval_id, approve=True,
                                                   password=PASSWORD,
                                                   actor=_actor(db, "bench.qa"))
    default = next(d for d in DEFAULTS if d.key == "purchase_order")
    with UnitOfWork(db) as uow:
        version = workflows.import_version(uow, xml=default.xml(), record_type=default.record_type,
                                           actor=_actor(db, "bench.buyer"))
        workflows.submit_version(uow, version_id=version.id, actor=_actor(db, "bench.buyer"))
        version_id = version.id
    with UnitOfWork(db) as uow:
        workflows.publish_version(uow, version_id=version_id, password=PASSWORD,
                                  actor=_actor(db, "bench.qa"))
    return ids


def approved_order(db: Any, serials: int) -> str:
    from sqlalchemy import select

    from medtrace.modules import procurement
    from medtrace.platform import workflows
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

    buyer = _actor(db, "bench.buyer")
    with UnitOfWork(db, context={"actor": buyer}) as uow:
        order = procurement.create_order(uow, actor=buyer, data=procurement.OrderCreate(
            supplier="BENCH-SUP", lines=[{"item": "BENCH-PUMP", "quantity": str(serials),
                                          "uom": "EA", "unit_price": "1"}]))
        number, order_id = order.number, order.id
    with UnitOfWork(db, context={"actor": buyer}) as uow:
        procurement.submit_order(uow, order_ref=number, actor=buyer)
    manager = _actor(db, "bench.manager")
    with UnitOfWork(db, context={"actor": manager}) as uow:
        instance = uow.session.scalar(select(WorkflowInstance).where(
            WorkflowInstance.record_id == str(order_id)))
        for task in uow.session.scalars(select(WorkflowTask).where(
                WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open")):
            workflows.complete_task(uow, task_id=task.id, decision="approve", actor=manager,
                                    password=PASSWORD)
    return number


def receive(db: Any, ids: dict[str, Any], number: str, round_no: int, serials: int
            ) -> tuple[float, str]:
    """Time one receipt through the service, commit included."""
    from medtrace.modules import procurement
    from medtrace.platform.db.uow import UnitOfWork

    keeper = _actor(db, "bench.buyer")
    codes = [f"R{round_no:02d}S{n:07d}" for n in range(serials)]
    expiry = (dt.date.today() + dt.timedelta(days=900)).strftime("%y%m%d")
    data = procurement.ReceiptCreate(purchase_order=number, lines=[{
        "scan": f"]d201{ids['gtin']}17{expiry}10BLOT{round_no:02d}", "quantity": str(serials),
        "uom": "EA", "serials": codes}])
    began = time.perf_counter()
    with UnitOfWork(db, context={"actor": keeper}) as uow:
        result = procurement.receive_goods(uow, actor=keeper, data=data)
        receipt = result.receipt.number
    return time.perf_counter() - began, receipt


def check(db: Any, receipt: str, serials: int) -> list[str]:
    from sqlalchemy import func, select

    from medtrace.modules.inventory.models import StockMove
    from medtrace.modules.traceability.models import Event, EventObject
    from medtrace.platform.db.uow import UnitOfWork

    problems = []
    with UnitOfWork(db, write=False) as uow:
        moves = uow.session.scalar(select(func.count()).select_from(StockMove).where(
            StockMove.doc == receipt))
        event = uow.session.scalar(select(Event.id).where(Event.doc == receipt))
        objects = uow.session.scalar(select(func.count()).select_from(EventObject).where(
            EventObject.event_id == event))
    if moves != serials:
        problems.append(f"{receipt}: {moves} moves for {serials} serials")
    if objects != serials + 1:
        problems.append(f"{receipt}: the event names {objects} things, not {serials} + the lot")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serials", type=int, default=10_000, help="serials per receipt")
    parser.add_argument("--rounds", type=int, default=5, help="receipts timed (default 5)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/receipt_serials.db; "
                        "a PostgreSQL database is dropped and recreated")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'receipt_serials.db'}"
    fresh_database(url)

    from medtrace import models as _models  # noqa: F401  (every mapper)
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import Database

    db = Database.from_url(url)
    migrate.upgrade(db.engine)
    ids = setup(db)
    seconds, problems = [], []
    for round_no in range(args.rounds):
        number = approved_order(db, args.serials)
        took, receipt = receive(db, ids, number, round_no, args.serials)
        seconds.append(round(took, 3))
        problems += check(db, receipt, args.serials)
    db.dispose()
    median = statistics.median(seconds)
    anchor_rate = ODOO_ANCHOR["serials"] / ODOO_ANCHOR["seconds"]
    print(json.dumps({
        "db": "postgresql" if url.startswith("postgres") else "sqlite",
        "serials_per_receipt": args.serials, "rounds": args.rounds, "seconds": seconds,
        "median_seconds": median, "serials_per_s": round(args.serials / median, 1),
        "target_seconds": 2.0, "within_target": median < 2.0,
        "odoo_anchor": ODOO_ANCHOR, "vs_odoo_rate": round(args.serials / median / anchor_rate,
                                                           2),
        "errors": problems[:5]}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
