#!/usr/bin/env python3
"""Service benchmark: what part replacements cost, and what they cost the traces.

    python bench/service.py [--units 1000] [--replacements 50] [--database-url postgresql://...]

On a fresh database (``var/bench/service.db``, or a PostgreSQL database dropped and
recreated, migrated in this process) it builds, through the real services, N serial pumps each
made of a serial board (itself made of a PCB lot) and one battery of a single battery lot
(the forward trace of that lot reaches all N pumps), and a van holding spare batteries. Then:

- ``forward_before_s``: the forward trace of the battery lot (N pumps), median of 5;
- ``backward_before_s``: the backward trace of one pump, median of 5;
- ``replace_each_committed_ms``: R battery replacements by scan, each on its own service order
  and in its own unit of work (what the technician's scan costs, commit included), ms each;
- ``forward_after_s`` / ``backward_after_s``: the same traces once R pumps had their battery
  replaced (the trace then tells the pumps that still contain the lot from those that did);
- ``forward_ratio`` / ``backward_ratio``: after / before.

Prints one JSON line; exits 1 when the forward trace after does not count N - R units and list
R replaced.
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
PASSWORD = "Bench-Service-2026!"


def _actor(db: Any) -> Any:
    from sqlalchemy import select

    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.auth.models import User
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db, write=False) as uow:
        user = uow.session.scalar(select(User).where(User.username == "bench.tech"))
        return auth_service.actor_for_user(user)


def setup(db: Any, units: int, replacements: int) -> dict[str, Any]:
    from medtrace.modules import catalog, inventory, traceability
    from medtrace.modules.catalog import ItemCreate
    from medtrace.platform.actor import SYSTEM
    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        auth_service.save_role(uow, code="bench", name_zh="bench", name_en="bench",
                               permissions=[], grants_all=True)
        auth_service.create_user(uow, username="bench.tech", password=PASSWORD,
                                 printed_name="bench.tech", roles=["bench"])
    ids: dict[str, Any] = {}
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="BS", name_zh="基准", name_en="Bench", kind="site")
        loc(uow, code="VAN", name_zh="服务车", name_en="Van", kind="warehouse", parent="BS",
            stock_status="available")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="warehouse",
            parent="BS", stock_status="quarantine")
        for code, role in (("SUP", "supplier"), ("PRD", "production"), ("CUS", "customer")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        for n, (code, kind, tracking) in enumerate((("B-PUMP", "finished", "serial"),
                                                    ("B-BOARD", "subassembly", "serial"),
                                                    ("B-PCB", "component", "lot"),
                                                    ("B-BAT", "component", "lot"))):
            body = f"069712349{n + 1:04d}"
            gtin = body + str(catalog.gs1_check_digit(body))
            item = catalog.create_item(uow, ItemCreate(
                code=code, name_zh=code, name_en=code, kind=kind, tracking=tracking,
                base_uom="EA", packaging=[{"level": 0, "name": "unit", "gtin": gtin,
                                           "quantity": "1"}]))
            catalog.set_status(uow, item.id, "active")
            ids[code] = item.id
        pcb = traceability.create_lot(uow, item_id=ids["B-PCB"], number="PCB-A",
                                      status="released")
        battery = traceability.create_lot(uow, item_id=ids["B-BAT"], number="BAT-A",
                                          status="released")
        spare = traceability.create_lot(uow, item_id=ids["B-BAT"], number="BAT-SP",
                                        status="released")
        inventory.post_move(uow, actor=SYSTEM, move=inventory.MoveCreate(
            item_id=ids["B-BAT"], quantity=Decimal(replacements), from_location="SUP",
            to_location="VAN", purpose="receipt", lot_id=spare.id))
        ids["battery"] = battery.id
    made = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    for start in range(0, units, 500):
        with UnitOfWork(db) as uow:
            pcb = traceability.find(uow, "lot", "PCB-A", ids["B-PCB"])
            battery = traceability.get_object_or_raise(uow, ids["battery"])
            for n in range(start, min(units, start + 500)):
                board = traceability.create_unit(uow, item_id=ids["B-BOARD"],
                                                 serial=f"BD{n:06d}", status="released")
                traceability.record_event(uow, step="produced", at=made,
                                          inputs=[traceability.Part(pcb, Decimal(2), "EA")],
                                          outputs=[board], edge_kind="production")
                pump = traceability.create_unit(uow, item_id=ids["B-PUMP"],
                                                serial=f"PU{n:06d}", status="released")
                traceability.record_event(
                    uow, step="produced", at=made, outputs=[pump], edge_kind="production",
                    inputs=[board, traceability.Part(battery, Decimal(1), "EA")])
    return ids


def _median(work: Any, db: Any, runs: int = 5) -> float:
    from medtrace.platform.db.uow import UnitOfWork

    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with UnitOfWork(db, write=False) as uow:
            work(uow)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(db: Any, ids: dict[str, Any], units: int, replacements: int) -> dict[str, Any]:
    from medtrace.modules import traceability
    from medtrace.modules.service import service
    from medtrace.modules.service.schemas import ReplacementIn, ServiceOrderCreate
    from medtrace.platform.db.uow import UnitOfWork

    def forward(uow: Any) -> Any:
        return traceability.forward(uow, traceability.get_object_or_raise(uow, ids["battery"]))

    def backward(uow: Any) -> Any:
        return traceability.backward(uow, traceability.resolve(uow, "PU000000"))

    figures: dict[str, Any] = {"forward_before_s": _median(forward, db),
                               "backward_before_s": _median(backward, db)}
    tech = _actor(db)
    numbers = []
    with UnitOfWork(db) as uow:
        for n in range(replacements):
            numbers.append(service.create_order(uow, actor=tech, data=ServiceOrderCreate(
                type="corrective", unit=f"PU{n:06d}", parts_location="VAN")).number)
    began = time.perf_counter()
    for number in numbers:
        with UnitOfWork(db) as uow:
            service.replace_part(uow, number=number, actor=tech, data=ReplacementIn(
                removed="BAT-A", fitted="BAT-SP", removed_to="scrap"))
    figures["replace_each_committed_ms"] = (time.perf_counter() - began) * 1000 / max(
        1, replacements)
    figures["forward_after_s"] = _median(forward, db)
    figures["backward_after_s"] = _median(backward, db)
    figures["forward_ratio"] = figures["forward_after_s"] / figures["forward_before_s"]
    figures["backward_ratio"] = figures["backward_after_s"] / figures["backward_before_s"]
    with UnitOfWork(db, write=False) as uow:
        answer = forward(uow)
    figures["ok"] = (answer["totals"]["units"] == units - replacements
                     and answer["totals"]["replaced"] == replacements)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--replacements", type=int, default=50)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT}/var/bench/service.db")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    fresh_database(args.database_url)
    from medtrace.platform.db.migrate import upgrade
    from medtrace.platform.db.session import Database

    db = Database.from_url(args.database_url)
    upgrade(db.engine)
    ids = setup(db, args.units, args.replacements)
    figures = measure(db, ids, args.units, args.replacements)
    db.dispose()
    print(json.dumps({"bench": "service", "database": args.database_url.split(":")[0],
                      "units": args.units, "replacements": args.replacements,
                      **{k: round(v, 4) if isinstance(v, float) else v
                         for k, v in figures.items()}}))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
