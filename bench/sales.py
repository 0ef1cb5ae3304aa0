#!/usr/bin/env python3
"""Sales benchmark: allocation, scan picking, SSCC packing and shipment of an order of N serial
pumps and a lot-tracked catheter line, through the sales service.

    python bench/sales.py [--units 500] [--rounds 3] [--database-url postgresql://...]

On a fresh database (``var/bench/sales.db``, or a PostgreSQL database dropped and recreated,
migrated in this process) it sets up, through the real services, a warehouse, a serialized
pump (N per round, released, in one bin) and a catheter in 20 released lots with different
expiries, and a licensed, approved customer with a ship-to and prices. Each round (a new order
for N pumps and 1,500 catheters, confirmed, not timed) times:

- ``allocate``: FEFO allocation of both lines (the pumps unit by unit, the catheters across
  lots), commit included;
- ``pick_each_committed_ms``: the first 50 pump scans, each in its own unit of work (what the
  handheld costs per scan), as ms/scan;
- ``pick_rest``: the other scans (pumps and two catheter lots) in one unit of work;
- ``pack``: cases of 50 picks each and one pallet of the cases;
- ``ship``: the shipment by the pallet's SSCC (licence gate, stock moves, journal events,
  shipment lines, certificates, the advance ship notice), commit included;
- ``trace``: the forward trace of a shipped catheter lot (its customers by quantity).

Prints one JSON line (every round's seconds and their medians); exits 1 when a round did not
ship every unit or the trace does not name the customer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from trace_bench import fresh_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-Sales-2026!"
LOTS = 20  # two are shipped per round: at most ten rounds


def _actor(db: Any, username: str) -> Any:
    from sqlalchemy import select

    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.auth.models import User
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db, write=False) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return auth_service.actor_for_user(user)


def _gtin(body: str) -> str:
    from medtrace.modules.catalog.rules import gs1_check_digit

    return body + str(gs1_check_digit(body))


def setup(db: Any, units: int, rounds: int) -> dict[str, Any]:
    from medtrace.modules import catalog, inventory, partners, sales, traceability
    from medtrace.modules.catalog import ItemCreate
    from medtrace.platform import numbering
    from medtrace.platform.actor import SYSTEM
    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        auth_service.save_role(uow, code="bench", name_zh="bench", name_en="bench",
                               permissions=[], grants_all=True)
        for name in ("bench.sales", "bench.qa", "bench.picker"):
            auth_service.create_user(uow, username=name, password=PASSWORD, printed_name=name,
                                     roles=["bench"])
    ids: dict[str, Any] = {"pump": _gtin("0697123491001"), "cath": _gtin("0697123491002")}
    today = dt.date.today()
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="BS", name_zh="基准配送中心", name_en="Bench DC", kind="site")
        loc(uow, code="BW", name_zh="成品库", name_en="Store", kind="warehouse", parent="BS")
        loc(uow, code="BA", name_zh="合格区", name_en="Available", kind="zone", parent="BW",
            stock_status="available")
        for code in ("B-01", "B-02"):
            loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="BA")
        for code, role in (("SUP", "supplier"), ("CUS", "customer")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        for code, tracking, gtin, cls in (("B-PUMP", "serial", ids["pump"], "III"),
                                          ("B-CATH", "lot", ids["cath"], "II")):
            item = catalog.create_item(uow, ItemCreate(
                code=code, name_zh=code, name_en=code, tracking=tracking, base_uom="EA",
                class_cn=cls, certificate_required=tracking == "lot",
                registration_expiry=today + dt.timedelta(days=2000),
                packaging=[{"level": 0, "name": "unit", "gtin": gtin, "quantity": "1"}]))
            catalog.set_status(uow, item.id, "active")
            ids[code] = item.id
        serials = [f"S{n:07d}" for n in range(units * rounds)]
        unit_ids = traceability.create_units(uow, item_id=ids["B-PUMP"], serials=serials,
                                             status="released")
        inventory.post_moves(uow, actor=SYSTEM, moves=inventory.BulkMoveCreate(
            item_id=ids["B-PUMP"], from_location="SUP", to_location="B-01",
            purpose="receipt", unit_ids=unit_ids))
        for n in range(LOTS):
            lot = traceability.create_lot(uow, item_id=ids["B-CATH"], number=f"CL{n:03d}",
                                          status="released",
                                          expiry_date=today + dt.timedelta(days=400 + 30 * n))
            inventory.post_move(uow, actor=SYSTEM, move=inventory.MoveCreate(
                item_id=ids["B-CATH"], quantity=Decimal(1000), from_location="SUP",
                to_location="B-02", purpose="receipt", lot_id=lot.id))
        customer = partners.create_partner(uow, partners.PartnerCreate(
            code="B-CUS", name_zh="基准客户", name_en="Bench customer", is_customer=True,
            customer_type="distributor"))
        for doc_type, classes in (("business_licence", []),
                                  ("distribution_licence", ["II", "III"])):
            partners.add_document(uow, customer.id, partners.DocumentWrite(
                doc_type=doc_type, number=f"B-{doc_type}", scope_classes=classes,
                valid_from=today - dt.timedelta(days=30),
                valid_to=today + dt.timedelta(days=900)))
        request = partners.request_first_approval(uow, kind="customer",
                                                  partner_id=customer.id,
                                                  actor=_actor(db, "bench.sales"))
        partners.decide_first_approval(uow, request.id, approve=True, password=PASSWORD,
                                       actor=_actor(db, "bench.qa"))
        numbering.save_rule(uow, scope="sales.sscc", pattern="0697123499{SEQ:7}",
                            check="gs1_mod10")
        rep = _actor(db, "bench.sales")
        sales.save_ship_to(uow, customer="B-CUS", actor=rep, data=sales.ShipToWrite(
            code="DC", name="DC", address="Bench road 1"))
        for item, price in (("B-PUMP", "1000"), ("B-CATH", "10")):
            sales.save_price(uow, actor=rep, data=sales.PriceWrite(item=item,
                                                                   list_price=Decimal(price)))
    return ids


def timed(db: Any, work: Any) -> float:
    from medtrace.platform.db.uow import UnitOfWork

    began = time.perf_counter()
    with UnitOfWork(db) as uow:
        work(uow)
    return time.perf_counter() - began


def one_round(db: Any, ids: dict[str, Any], units: int, serials: list[str], round_no: int
              ) -> tuple[dict[str, float], list[str]]:
    from medtrace.modules import sales, traceability
    from medtrace.platform.db.uow import UnitOfWork

    rep, picker = _actor(db, "bench.sales"), _actor(db, "bench.picker")
    full, part = f"CL{2 * round_no:03d}", f"CL{2 * round_no + 1:03d}"  # lots this round takes
    with UnitOfWork(db) as uow:
        number = sales.create_order(uow, actor=rep, data=sales.SalesOrderCreate(
            customer="B-CUS", ship_to="DC", lines=[
                {"item": "B-PUMP", "quantity": Decimal(units), "unit_price": Decimal(1000)},
                {"item": "B-CATH", "quantity": Decimal(1500), "unit_price": Decimal(10)}],
        )).number
    figures = {"allocate": timed(db, lambda uow: sales.allocate_order(
        uow, ref=number, actor=picker))}
    scans = [f"]d201{ids['pump']}21{s}" for s in serials]
    began = time.perf_counter()
    picks: list[int] = []
    for scan in scans[:50]:
        with UnitOfWork(db) as uow:
            picks.append(sales.pick_scan(uow, ref=number, actor=picker,
                                         data=sales.PickIn(scan=scan)).id)
    figures["pick_each_committed_ms"] = (time.perf_counter() - began) * 1000 / 50

    def rest(uow: Any) -> None:
        for scan in scans[50:]:
            picks.append(sales.pick_scan(uow, ref=number, actor=picker,
                                         data=sales.PickIn(scan=scan)).id)
        for lot, quantity in ((full, 1000), (part, 500)):
            sales.pick_scan(uow, ref=number, actor=picker, data=sales.PickIn(
                scan=f"01{ids['cath']}10{lot}", quantity=Decimal(quantity)))

    figures["pick_rest"] = timed(db, rest)
    cases: list[str] = []

    def pack(uow: Any) -> None:
        for start in range(0, len(picks), 50):
            cases.append(sales.pack(uow, ref=number, actor=picker, data=sales.PackIn(
                picks=picks[start:start + 50])).sscc)
        cases.append(sales.pack(uow, ref=number, actor=picker, data=sales.PackIn(
            kind="pallet", packages=cases[:])).sscc)

    figures["pack"] = timed(db, pack)
    shipped: list[Any] = []

    def ship(uow: Any) -> None:
        shipment = sales.ship(uow, actor=picker, data=sales.ShipmentCreate(
            sales_order=number, lines=[{"scan": cases[-1]}, {"scan": f"01{ids['cath']}10{full}"},
                                       {"scan": f"01{ids['cath']}10{part}"}]))
        shipped.append(sales.shipment_view(uow, shipment))

    figures["ship"] = timed(db, ship)
    began = time.perf_counter()
    with UnitOfWork(db, write=False) as uow:
        answer = traceability.forward(uow, traceability.resolve(uow, part))
    figures["trace"] = time.perf_counter() - began
    problems = []
    units_out = sum(1 for line in shipped[0]["lines"] if line["serial"])
    if units_out != units:
        problems.append(f"{number}: {units_out} units shipped, not {units}")
    if "B-CUS" not in {c["customer"] for c in answer["root"]["customers"]}:
        problems.append("the catheter lot's forward trace does not name the customer")
    return figures, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=500, help="pumps per order (>= 50)")
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11),
                        help="rounds timed (default 3, at most 10)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/sales.db; "
                        "a PostgreSQL database is dropped and recreated")
    args = parser.parse_args(argv)
    units = max(args.units, 50)
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'sales.db'}"
    fresh_database(url)

    from medtrace import models as _models  # noqa: F401  (every mapper)
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import Database

    db = Database.from_url(url)
    migrate.upgrade(db.engine)
    ids = setup(db, units, args.rounds)
    keys = ("allocate", "pick_each_committed_ms", "pick_rest", "pack", "ship", "trace")
    figures: dict[str, list[float]] = {k: [] for k in keys}
    problems: list[str] = []
    for round_no in range(args.rounds):
        serials = [f"S{n:07d}" for n in range(round_no * units, (round_no + 1) * units)]
        found, wrong = one_round(db, ids, units, serials, round_no)
        for key, value in found.items():
            figures[key].append(round(value, 3))
        problems += wrong
    db.dispose()
    print(json.dumps({
        "db": "postgresql" if url.startswith("postgres") else "sqlite", "units": units,
        "rounds": args.rounds, "seconds": figures,
        "median": {k: statistics.median(v) for k, v in figures.items()},
        "errors": problems[:5]}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
