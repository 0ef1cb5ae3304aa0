"""A distributor for the sales tests, built through the real services: a warehouse with
available bins, quarantine, hold and returns zones; a lot-tracked catheter (class II, with a
case of 10 and a certificate of conformity per shipped lot) and a serialized pump (class
III); lots that are good, short-dated, quarantined, on hold and expired; customers that are
licensed (a hospital wanting a year of shelf life, a distributor), licensed for class II only,
and not licensed at all; a price list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import medtrace.modules.traceability.permissions  # noqa: F401  (declares the trace view)
from medtrace.modules import catalog, inventory, sales, traceability
from medtrace.modules.catalog import ItemCreate
from medtrace.modules.inventory import MoveCreate
from medtrace.modules.partners import PartnerCreate
from medtrace.modules.partners import service as partners_service
from medtrace.modules.partners.schemas import DocumentWrite
from medtrace.platform import numbering
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, make_role, make_user
from tests.factories.clock import plant_today
from tests.factories.purchasing import actor
from tests.factories.trace import gtin

SALES = ["sales.order.view", "sales.order.edit", "sales.customer.edit", "sales.price.edit"]
WAREHOUSE = ["sales.order.view", "sales.order.pick", "sales.shipment.post",
             "sales.return.post", "inventory.stock.move", "inventory.stock.view",
             "traceability.trace.view"]
QA = ["sales.order.view", "sales.return.disposition", "inventory.stock.move"]


def who(db: Database, username: str) -> Actor:
    return actor(db, username)


def _customer(uow: UnitOfWork, code: str, kind: str, docs: list[tuple[str, list[str]]]
              ) -> int:
    partner = partners_service.create_partner(uow, PartnerCreate(
        code=code, name_zh=f"{code}客户", name_en=f"{code} customer", is_customer=True,
        customer_type=kind))
    today = plant_today()
    for doc_type, classes in docs:
        partners_service.add_document(uow, partner.id, DocumentWrite(
            doc_type=doc_type, number=f"{code}-{doc_type[:4]}", scope_classes=classes,
            valid_from=today - dt.timedelta(days=365), valid_to=today + dt.timedelta(days=700)))
    return partner.id


def _approve_customer(db: Database, partner_id: int) -> None:
    with UnitOfWork(db) as uow:
        request = partners_service.request_first_approval(
            uow, kind="customer", partner_id=partner_id, actor=who(db, "sal.rep"))
        approval_id = request.id
    with UnitOfWork(db) as uow:
        partners_service.decide_first_approval(uow, approval_id, approve=True,
                                               password=PASSWORD, actor=who(db, "sal.admin"))


def stock(uow: UnitOfWork, item_id: int, number: str, quantity: str, location: str, *,
          days: int, status: str = "released") -> int:
    lot = traceability.create_lot(uow, item_id=item_id, number=number, status=status,
                                  expiry_date=plant_today() + dt.timedelta(days=days),
                                  manufacture_date=plant_today() - dt.timedelta(days=30))
    inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
        item_id=item_id, quantity=Decimal(quantity), from_location="V-SUP",
        to_location=location, purpose="receipt", lot_id=lot.id))
    return lot.id


def make_distributor(db: Database) -> dict[str, Any]:
    make_role(db, "s-sales", SALES)
    make_role(db, "s-warehouse", WAREHOUSE)
    make_role(db, "s-qa", QA)
    make_user(db, "sal.rep", roles=["s-sales"])
    make_user(db, "sal.picker", roles=["s-warehouse"])
    make_user(db, "sal.qa", roles=["s-qa"])
    make_user(db, "sal.admin", admin=True)
    ids: dict[str, Any] = {}
    today = plant_today()
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="S-SITE", name_zh="配送中心", name_en="DC", kind="site")
        loc(uow, code="S-WH", name_zh="成品库", name_en="Finished goods", kind="warehouse",
            parent="S-SITE")
        loc(uow, code="S-AZ", name_zh="合格区", name_en="Available", kind="zone",
            parent="S-WH", stock_status="available")
        for code in ("S-A01", "S-A02"):
            loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="S-AZ")
        loc(uow, code="S-QZ", name_zh="待验区", name_en="Quarantine", kind="zone",
            parent="S-WH", stock_status="quarantine")
        loc(uow, code="S-RZ", name_zh="退货区", name_en="Returns", kind="zone",
            parent="S-WH", stock_status="returns")
        for code, role in (("V-SUP", "supplier"), ("V-CUS", "customer"),
                           ("V-SCRAP", "scrap")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        expiry = today + dt.timedelta(days=3 * 365)
        ids["cath_gtin"], ids["case_gtin"], ids["pump_gtin"] = gtin(), gtin(), gtin()
        cath = catalog.create_item(uow, ItemCreate(
            code="S-CATH", name_zh="导尿管", name_en="Catheter", tracking="lot",
            base_uom="EA", class_cn="II", shelf_life_days=730, registration_expiry=expiry,
            certificate_required=True, conversions=[{"uom": "CS", "factor": "10"}],
            packaging=[{"level": 0, "name": "unit", "gtin": ids["cath_gtin"], "quantity": "1"},
                       {"level": 1, "name": "case", "gtin": ids["case_gtin"], "quantity": "10",
                        "uom": "CS"}]))
        pump = catalog.create_item(uow, ItemCreate(
            code="S-PUMP", name_zh="输液泵", name_en="Infusion pump", tracking="serial",
            base_uom="EA", class_cn="III", registration_expiry=expiry,
            packaging=[{"level": 0, "name": "unit", "gtin": ids["pump_gtin"], "quantity": "1"}]))
        for item in (cath, pump):
            catalog.set_status(uow, item.id, "active")
        ids["cath"], ids["pump"] = cath.id, pump.id
        ids["C-SHORT"] = stock(uow, cath.id, "C-SHORT", "50", "S-A01", days=30)
        ids["C-EARLY"] = stock(uow, cath.id, "C-EARLY", "100", "S-A01", days=200)
        ids["C-LATE"] = stock(uow, cath.id, "C-LATE", "100", "S-A02", days=600)
        ids["C-QZ"] = stock(uow, cath.id, "C-QZ", "50", "S-QZ", days=500, status="quarantine")
        ids["C-HOLD"] = stock(uow, cath.id, "C-HOLD", "40", "S-A01", days=500,
                              status="on_hold")
        ids["C-OLD"] = stock(uow, cath.id, "C-OLD", "20", "S-A01", days=-5)
        for n in range(1, 6):
            unit = traceability.create_unit(uow, item_id=pump.id, serial=f"PU-{n}",
                                            status="released")
            inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                item_id=pump.id, quantity=Decimal(1), from_location="V-SUP",
                to_location="S-A02", purpose="receipt", unit_id=unit.id))
            ids[f"PU-{n}"] = unit.id
        licensed = [("business_licence", []), ("distribution_licence", ["II", "III"])]
        ids["HOSP"] = _customer(uow, "HOSP", "hospital",
                                [("medical_institution_licence", [])])
        ids["DIST"] = _customer(uow, "DIST", "distributor", licensed)
        ids["DIST-B"] = _customer(uow, "DIST-B", "distributor", licensed)
        ids["DIST2"] = _customer(uow, "DIST2", "distributor",
                                 [("business_licence", []), ("distribution_licence", ["II"])])
        ids["NOLIC"] = _customer(uow, "NOLIC", "distributor", [])
    for code in ("HOSP", "DIST", "DIST-B", "DIST2", "NOLIC"):
        if code != "NOLIC":
            _approve_customer(db, ids[code])
    rep = who(db, "sal.rep")
    with UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope="sales.sscc", pattern="0697123459{SEQ:7}",
                            check="gs1_mod10")
        for code in ("HOSP", "DIST", "DIST-B", "DIST2", "NOLIC"):
            sales.save_ship_to(uow, customer=code, data=sales.ShipToWrite(
                code="MAIN", name=f"{code} main store", address="上海市浦东新区张江路 1 号",
                contact="王老师", phone="021-5555 0000"), actor=rep)
        sales.set_terms(uow, customer="HOSP", data=sales.CustomerTerms(
            min_remaining_days=365, payment_days=60), actor=rep)
        sales.set_terms(uow, customer="DIST", data=sales.CustomerTerms(
            credit_limit=Decimal("200000")), actor=rep)
        sales.save_price(uow, data=sales.PriceWrite(item="S-CATH", list_price=Decimal("20"),
                                                    floor_price=Decimal("18")), actor=rep)
        sales.save_price(uow, data=sales.PriceWrite(item="S-PUMP",
                                                    list_price=Decimal("30000"),
                                                    floor_price=Decimal("28000")), actor=rep)
    return ids


def order(db: Database, customer: str, lines: list[tuple[str, str, str]], **extra: Any) -> str:
    """A sales order of ``(item, quantity, unit price)`` lines, by the sales rep."""
    with UnitOfWork(db) as uow:
        row = sales.create_order(uow, data=sales.SalesOrderCreate(
            customer=customer, ship_to="MAIN", lines=[
                {"item": item, "quantity": Decimal(q), "unit_price": Decimal(p)}
                for item, q, p in lines], **extra), actor=who(db, "sal.rep"))
        return row.number


def lot_scan(gtin_: str, lot: str) -> str:
    return f"01{gtin_}10{lot}"


def unit_scan(gtin_: str, serial: str) -> str:
    return f"01{gtin_}21{serial}"


def publish_sales_process(db: Database) -> None:
    """The shipped ``sales_order`` definition, installed by the system, published by an
    administrator with a signature."""
    from medtrace.platform import workflows
    from medtrace.platform.workflows.defaults import DEFAULTS

    default = next(d for d in DEFAULTS if d.key == "sales_order")
    with UnitOfWork(db) as uow:
        version = workflows.import_version(uow, xml=default.xml(),
                                           record_type=default.record_type, actor=SYSTEM)
        workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
        version_id = version.id
    with UnitOfWork(db) as uow:
        workflows.publish_version(uow, version_id=version_id, password=PASSWORD,
                                  actor=who(db, "sal.admin"))
