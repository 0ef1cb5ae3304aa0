#!/usr/bin/env python3
"""Production benchmark: material issue, serialized output and the device history record of a
1,000-unit lot, through the production service.

    python bench/production.py [--units 1000] [--rounds 3] [--database-url postgresql://...]

On a fresh database (``var/bench/production.db``, or a PostgreSQL database dropped and
recreated, migrated in this process) it sets up, through the real services, a line location, a
serialized product whose BOM (one serialized subassembly and one lot-tracked part per unit) is
released through the engineering change workflow, and N released subassembly units and a lot of
parts at the line. Each round (a new work order for N units, released, not timed) times:

- ``issue``: N raw GS1 scans of subassembly units and one scan of the parts' lot issued with
  ``issue_materials`` (every check per scan; stock moves, the journal event, a genealogy edge
  per scan, an issue record per scan), in one unit of work up to the commit;
- ``issue_each_committed``: the first 100 of another N-unit order's scans, each in its own
  unit of work (what an MES posting scan by scan costs per scan, commit included), as ms/scan;
- ``output``: ``report_output`` of N serials (units, batch links, one set-based move and one
  ``produced`` event), commit included;
- ``dhr_json``: ``dhr_of`` the N-unit lot; ``dhr_pdf``: the same rendered as PDF/A (zh_CN).

Prints one JSON line (every round's seconds and their medians); exits 1 when a round's
issues, units or genealogy edges are not all there.
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
PASSWORD = "Bench-Production-2026!"
TARGETS = {"issue": 2.0, "output": 2.0, "dhr_pdf": 5.0}


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
    from sqlalchemy import select

    from medtrace.modules import catalog, inventory, production, traceability
    from medtrace.modules.catalog import ItemCreate
    from medtrace.modules.production import service as _eco  # noqa: F401 (the ECO record type)
    from medtrace.platform import workflows
    from medtrace.platform.actor import SYSTEM
    from medtrace.platform.auth import service as auth_service
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.workflows.defaults import DEFAULTS
    from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

    with UnitOfWork(db) as uow:
        for code in ("engineering", "qa", "production"):
            auth_service.save_role(uow, code=code, name_zh=code, name_en=code, permissions=[],
                                   grants_all=True)
        for name, role in (("bench.eng", "engineering"), ("bench.eng2", "engineering"),
                           ("bench.qa", "qa"), ("bench.lead", "production"),
                           ("bench.op", "production")):
            auth_service.create_user(uow, username=name, password=PASSWORD, printed_name=name,
                                     roles=[role])
    ids: dict[str, Any] = {"product_gtin": _gtin("0697123490001"),
                           "sub_gtin": _gtin("0697123490002"),
                           "part_gtin": _gtin("0697123490003")}
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="BENCH", name_zh="基准工厂", name_en="Bench plant", kind="site")
        loc(uow, code="BW", name_zh="基准仓", name_en="Bench store", kind="warehouse",
            parent="BENCH")
        loc(uow, code="BA", name_zh="合格区", name_en="Available", kind="zone", parent="BW",
            stock_status="available")
        loc(uow, code="BLINE", name_zh="线边", name_en="Line", kind="bin", parent="BA")
        loc(uow, code="BQ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="BW",
            stock_status="quarantine")
        for code, role in (("SUP", "supplier"), ("PROD", "production")):
            loc(uow, code=code, name_zh=code, name_en=code, kind="virtual", role=role)
        for code, tracking, gtin in (("B-PUMP", "serial", ids["product_gtin"]),
                                     ("B-DRIVE", "serial", ids["sub_gtin"]),
                                     ("B-SCREW", "lot", ids["part_gtin"])):
            item = catalog.create_item(uow, ItemCreate(
                code=code, name_zh=code, name_en=code, tracking=tracking, base_uom="EA",
                packaging=[{"level": 0, "name": "unit", "gtin": gtin, "quantity": "1"}]))
            catalog.set_status(uow, item.id, "active")
            ids[code] = item.id
        screws = traceability.create_lot(uow, item_id=ids["B-SCREW"], number="SCR-B1",
                                         status="released")
        inventory.post_move(uow, actor=SYSTEM, move=inventory.MoveCreate(
            item_id=ids["B-SCREW"], quantity=Decimal(units * 4 * (2 * rounds + 1)),
            from_location="SUP", to_location="BLINE", purpose="receipt", lot_id=screws.id))
        serials = [f"D{n:07d}" for n in range(units * (2 * rounds + 1))]
        unit_ids = traceability.create_units(uow, item_id=ids["B-DRIVE"], serials=serials,
                                             status="released")
        inventory.post_moves(uow, actor=SYSTEM, moves=inventory.BulkMoveCreate(
            item_id=ids["B-DRIVE"], from_location="SUP", to_location="BLINE",
            purpose="receipt", unit_ids=unit_ids))
    default = next(d for d in DEFAULTS if d.key == "engineering_change")
    with UnitOfWork(db) as uow:
        version = workflows.import_version(uow, xml=default.xml(),
                                           record_type=default.record_type, actor=SYSTEM)
        workflows.submit_version(uow, version_id=version.id, actor=SYSTEM)
        version_id = version.id
    with UnitOfWork(db) as uow:
        workflows.publish_version(uow, version_id=version_id, password=PASSWORD,
                                  actor=_actor(db, "bench.qa"))
    with UnitOfWork(db) as uow:
        engineer = _actor(db, "bench.eng")
        production.save_work_center(uow, data=production.WorkCenterWrite(
            code="BWC", name_zh="线", name_en="Line", line_location="BLINE"), actor=engineer)
        bom = production.create_bom(uow, actor=engineer, data=production.BomCreate(
            item="B-PUMP", change_reason="bench", effective_from=dt.date.today(),
            lines=[{"item": "B-DRIVE", "quantity": "1"}, {"item": "B-SCREW", "quantity": "4"}],
            operations=[{"sequence": 10, "name_zh": "装配", "name_en": "Assembly",
                         "work_center": "BWC"}]))
        production.submit_bom(uow, bom_id=bom.id, actor=engineer)
        bom_id = bom.id
    deciders = {"impact": "bench.eng2", "qa_approval": "bench.qa",
                "production_approval": "bench.lead"}
    for _ in range(3):
        with UnitOfWork(db) as uow:
            instance = uow.session.scalar(select(WorkflowInstance).where(
                WorkflowInstance.record_id == str(bom_id)))
            task = uow.session.scalar(select(WorkflowTask).where(
                WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open")
                .order_by(WorkflowTask.id))
            workflows.complete_task(uow, task_id=task.id, decision="approve",
                                    actor=_actor(db, deciders[task.element_id]),
                                    data={"impact": "low", "effectivity": "now"}
                                    if task.element_id == "impact" else None,
                                    password=PASSWORD)
    return ids


def released_order(db: Any, units: int) -> str:
    from medtrace.modules import production
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        number = production.create_work_order(uow, actor=_actor(db, "bench.op"), data=(
            production.WorkOrderCreate(item="B-PUMP", quantity=Decimal(units)))).number
    with UnitOfWork(db) as uow:
        production.release_work_order(uow, ref=number, actor=_actor(db, "bench.op"))
    return number


def _scan(ids: dict[str, Any], serial: str) -> str:
    return f"]d201{ids['sub_gtin']}21{serial}"


def issue(db: Any, ids: dict[str, Any], number: str, serials: list[str]) -> float:
    from medtrace.modules import production
    from medtrace.platform.db.uow import UnitOfWork

    operator = _actor(db, "bench.op")
    scans = [production.IssueCreate(scan=_scan(ids, serial)) for serial in serials]
    scans.append(production.IssueCreate(scan="SCR-B1", quantity=Decimal(4 * len(serials))))
    began = time.perf_counter()
    with UnitOfWork(db, context={"actor": operator}) as uow:
        production.issue_materials(uow, ref=number, actor=operator, scans=scans)
    return time.perf_counter() - began


def issue_each(db: Any, ids: dict[str, Any], number: str, serials: list[str]) -> float:
    from medtrace.modules import production
    from medtrace.platform.db.uow import UnitOfWork

    operator = _actor(db, "bench.op")
    began = time.perf_counter()
    for serial in serials:
        with UnitOfWork(db, context={"actor": operator}) as uow:
            production.issue_material(uow, ref=number, actor=operator, data=(
                production.IssueCreate(scan=_scan(ids, serial))))
    return time.perf_counter() - began


def output(db: Any, number: str, serials: list[str]) -> float:
    from medtrace.modules import production
    from medtrace.platform.db.uow import UnitOfWork

    operator = _actor(db, "bench.op")
    began = time.perf_counter()
    with UnitOfWork(db, context={"actor": operator}) as uow:
        production.report_output(uow, ref=number, actor=operator,
                                 data=production.OutputCreate(serials=serials))
    return time.perf_counter() - began


def dhr(db: Any, code: str) -> tuple[float, float, int]:
    from medtrace.modules.production.dhr.queries import dhr_of
    from medtrace.modules.production.dhr.web import pdf_of
    from medtrace.platform.db.uow import UnitOfWork

    began = time.perf_counter()
    with UnitOfWork(db, write=False) as uow:
        record = dhr_of(uow, code, locale="zh_CN")
    middle = time.perf_counter()
    try:
        body = pdf_of(record, "zh_CN")
    except (ImportError, RuntimeError) as exc:  # no PDF renderer or no CJK font here
        print(f"no PDF: {exc}", file=sys.stderr)
        return middle - began, float("nan"), 0
    return middle - began, time.perf_counter() - middle, len(body)


def check(db: Any, number: str, units: int) -> list[str]:
    from sqlalchemy import func, select

    from medtrace.modules.production.models import Issue, Output, WorkOrder
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db, write=False) as uow:
        order = uow.session.scalar(select(WorkOrder).where(WorkOrder.number == number))
        issued = uow.session.scalar(select(func.count()).select_from(Issue).where(
            Issue.work_order_id == order.id, Issue.edge_id.is_not(None)))
        made = uow.session.scalar(select(func.count()).select_from(Output).where(
            Output.work_order_id == order.id))
    problems = []
    if issued != units + 1:
        problems.append(f"{number}: {issued} issues with a genealogy edge, not {units} + 1")
    if made != units:
        problems.append(f"{number}: {made} units reported, not {units}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="units per work order")
    parser.add_argument("--rounds", type=int, default=3, help="rounds timed (default 3)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/production.db; "
                        "a PostgreSQL database is dropped and recreated")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'production.db'}"
    fresh_database(url)

    from medtrace import models as _models  # noqa: F401  (every mapper)
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import Database

    db = Database.from_url(url)
    migrate.upgrade(db.engine)
    ids = setup(db, args.units, args.rounds)
    figures: dict[str, list[float]] = {k: [] for k in ("issue", "issue_each_committed_ms",
                                                       "output", "dhr_json", "dhr_pdf")}
    problems: list[str] = []
    pdf_bytes = 0
    drives = iter(range(args.units * (2 * args.rounds + 1)))
    for round_no in range(args.rounds):
        number = released_order(db, args.units)
        serials = [f"D{next(drives):07d}" for _ in range(args.units)]
        figures["issue"].append(round(issue(db, ids, number, serials), 3))
        products = [f"P{round_no:02d}{n:06d}" for n in range(args.units)]
        figures["output"].append(round(output(db, number, products), 3))
        problems += check(db, number, args.units)
        json_s, pdf_s, pdf_bytes = dhr(db, _lot_of(db, number))
        figures["dhr_json"].append(round(json_s, 3))
        figures["dhr_pdf"].append(round(pdf_s, 3))
        other = released_order(db, args.units)
        each = [f"D{next(drives):07d}" for _ in range(args.units)][:100]
        figures["issue_each_committed_ms"].append(
            round(issue_each(db, ids, other, each) * 1000 / len(each), 2))
    db.dispose()
    medians = {k: statistics.median(v) for k, v in figures.items()}
    medians["dhr"] = round(medians["dhr_json"] + medians["dhr_pdf"], 3)
    print(json.dumps({
        "db": "postgresql" if url.startswith("postgres") else "sqlite",
        "units": args.units, "rounds": args.rounds, "seconds": figures,
        "median": medians, "pdf_bytes": pdf_bytes, "targets_seconds": TARGETS,
        "within_targets": {"issue": medians["issue"] < TARGETS["issue"],
                           "output": medians["output"] < TARGETS["output"],
                           "dhr": medians["dhr"] < TARGETS["dhr_pdf"]},
        "errors": problems[:5]}))
    return 1 if problems else 0


def _lot_of(db: Any, number: str) -> str:
    from medtrace.modules import production, traceability
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db, write=False) as uow:
        order = production.get_work_order_or_raise(uow, number)
        return traceability.get_object_or_raise(uow, order.output_lot_id).code


if __name__ == "__main__":
    sys.exit(main())
