#!/usr/bin/env python3
"""Stock-move benchmark: moves per second posted through the service and through HTTP.

    python bench/stock_moves.py [--moves 500] [--clients 1,4,8] [--rounds 3] [--no-http]
                                [--database-url postgresql://...]

On a fresh database (``var/bench/stock_moves.db``, or a PostgreSQL database that is dropped and
recreated, migrated in this process) it creates a warehouse with one pair of bins and one
lot-tracked item of its own per client, a released lot per item and stock received into the
first bin of each pair. Then, for each number of concurrent clients, it posts ``--moves``
transfers back and forth between each client's two bins (so stock never runs out), each client
moving its own item (distinct balance rows, distinct records): through the service (threads, one
unit of work per move), and through HTTP against a real ``medtrace serve`` (httpx, a bearer
token, an ``Idempotency-Key`` on each POST). Each number of clients runs ``--rounds`` times; the
JSON gives every round's moves per second and their median. Afterwards ``reconcile`` recomputes
every balance from the ledger and the number of moves is checked. Prints one JSON line; exits 1
on any difference, lost move or failed request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from trace_bench import BENCH_PASSWORD, BENCH_USER, fresh_database, run, serve

ROOT = Path(__file__).resolve().parents[1]
STOCK_PER_CLIENT = 1000
GTIN_BASE = 697123490000  # client n: GTIN_BASE + n as 13 digits, then the check digit


def bins(client: int) -> tuple[str, str]:
    return f"A-{client:02d}", f"B-{client:02d}"


def setup(db: Any, clients: int) -> dict[str, Any]:
    """Locations, one item and one released lot per client, and stock, through the services."""
    from medtrace.modules import catalog, inventory, traceability
    from medtrace.modules.catalog import ItemCreate
    from medtrace.modules.catalog.rules import gs1_check_digit
    from medtrace.platform.actor import SYSTEM
    from medtrace.platform.db.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="BENCH", name_zh="基准工厂", name_en="Bench plant", kind="site")
        loc(uow, code="BW", name_zh="基准仓", name_en="Bench store", kind="warehouse",
            parent="BENCH", stock_status="available", temperature_zone="15-25C")
        loc(uow, code="SUP", name_zh="供应商", name_en="Supplier", kind="virtual",
            role="supplier")
        items, lots = [], []
        for client in range(clients):
            for code in bins(client):
                loc(uow, code=code, name_zh=code, name_en=code, kind="bin", parent="BW")
            gtin = f"{GTIN_BASE + client:013d}"
            item = catalog.create_item(uow, ItemCreate(
                code=f"BENCH-CATH-{client:02d}", name_zh=f"基准导管{client}",
                name_en=f"Bench catheter {client}", tracking="lot", base_uom="EA",
                packaging=[{"level": 0, "name": "unit",
                            "gtin": gtin + str(gs1_check_digit(gtin)), "quantity": "1"}]))
            lot = traceability.create_lot(uow, item_id=item.id, number=f"BL-{client}",
                                          status="released")
            inventory.post_move(uow, actor=SYSTEM, move=inventory.MoveCreate(
                item_id=item.id, quantity=Decimal(STOCK_PER_CLIENT), from_location="SUP",
                to_location=bins(client)[0], purpose="receipt", lot_id=lot.id))
            items.append(item.id)
            lots.append(lot.id)
        return {"items": items, "lots": lots}


def plan(moves: int, clients: int) -> list[int]:
    """How many moves each client posts (``moves`` in all)."""
    return [moves // clients + (1 if n < moves % clients else 0) for n in range(clients)]


def concurrently(clients: int, moves: int, work: Any) -> tuple[float, list[str]]:
    """Run ``work(client, count, errors)`` in ``clients`` threads started together; the wall
    time from the start signal to the last thread's end, and the errors reported."""
    errors: list[str] = []
    start = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=_runner, args=(start, work, n, count, errors))
               for n, count in enumerate(plan(moves, clients))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, errors


def _runner(start: threading.Barrier, work: Any, client: int, count: int,
            errors: list[str]) -> None:
    start.wait()
    try:
        work(client, count, errors)
    except Exception as exc:  # reported in the JSON, fails the run
        errors.append(f"client {client}: {exc!r}")


def through_service(db: Any, stock: dict[str, Any]) -> Any:
    from medtrace.modules import inventory
    from medtrace.platform.actor import Actor
    from medtrace.platform.db.uow import UnitOfWork

    def work(client: int, count: int, errors: list[str]) -> None:
        actor = Actor("user", 10_000 + client, f"bench.picker{client}",
                      permissions=frozenset({"inventory.stock.move"}))
        here, there = bins(client)
        for n in range(count):
            source, target = (here, there) if n % 2 == 0 else (there, here)
            with UnitOfWork(db, context={"actor": actor}) as uow:
                inventory.post_move(uow, actor=actor, move=inventory.MoveCreate(
                    item_id=stock["items"][client], quantity=Decimal(1), from_location=source,
                    to_location=target, purpose="transfer", lot_id=stock["lots"][client]))

    return work


def through_http(base: str, token: str, stock: dict[str, Any]) -> Any:
    import httpx

    def work(client: int, count: int, errors: list[str]) -> None:
        here, there = bins(client)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, timeout=120, headers=headers) as http:
            for n in range(count):
                source, target = (here, there) if n % 2 == 0 else (there, here)
                answer = http.post("/api/v1/inventory/moves", headers={
                    "Idempotency-Key": f"bench-{uuid.uuid4().hex}"}, json={
                    "item_id": stock["items"][client], "quantity": "1", "from_location": source,
                    "to_location": target, "purpose": "transfer",
                    "lot_id": stock["lots"][client]})
                if answer.status_code != 201:
                    errors.append(f"client {client}: {answer.status_code} {answer.text[:200]}")
                    return

    return work


def figure(moves: int, rounds: list[tuple[float, list[str]]]) -> dict[str, Any]:
    """Each round's wall time and rate, and the median rate over the rounds."""
    rates = [round(moves / seconds, 1) for seconds, _errors in rounds if seconds]
    return {"moves": moves, "seconds": [round(seconds, 2) for seconds, _errors in rounds],
            "moves_per_s": rates, "median_moves_per_s": statistics.median(rates) if rates
            else None, "errors": sum(len(errors) for _seconds, errors in rounds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=500, help="moves per run (default 500)")
    parser.add_argument("--clients", default="1,4,8", help="concurrent clients per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs per number of clients (default 3)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/stock_moves.db; a "
                        "PostgreSQL database is dropped and recreated")
    parser.add_argument("--server-workers", type=int, default=1,
                        help="medtrace serve processes for the HTTP runs (default 1)")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.clients.split(",")]
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'stock_moves.db'}"
    env = {**os.environ, "MEDTRACE_DATABASE_URL": url, "MEDTRACE_LOG_FORMAT": "json",
           "MEDTRACE_LOG_LEVEL": "WARNING", "MEDTRACE_WORKERS": str(args.server_workers),
           "MEDTRACE_DB_POOL_SIZE": str(max(counts) + 2)}
    medtrace = str(ROOT / ".venv/bin/medtrace")
    fresh_database(url)

    from sqlalchemy import func, select

    from medtrace import models as _models  # noqa: F401  (every mapper)
    from medtrace.modules.inventory import queries
    from medtrace.modules.inventory.models import StockMove
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import Database
    from medtrace.platform.db.uow import UnitOfWork

    db = Database.from_url(url, pool_size=max(counts) + 2)
    migrate.upgrade(db.engine)  # the code being measured builds its own schema
    stock = setup(db, max(counts))
    result: dict[str, Any] = {"db": "postgresql" if url.startswith("postgres") else "sqlite",
                              "moves_per_run": args.moves,
                              "rounds": args.rounds, "service": {}}
    failures: list[str] = []
    expected_moves = max(counts)  # the receipts
    for clients in counts:
        rounds = [concurrently(clients, args.moves, through_service(db, stock))
                  for _round in range(args.rounds)]
        result["service"][f"{clients}_clients"] = figure(args.moves, rounds)
        failures += [e for _seconds, errors in rounds for e in errors]
        expected_moves += args.moves * args.rounds
    if not args.no_http:
        result["http"] = {"server_workers": args.server_workers}
        made = run([medtrace, "user", "create", BENCH_USER, "--password-stdin", "--admin"],
                   env, input=BENCH_PASSWORD + "\n")
        if made.returncode:
            raise SystemExit(f"medtrace user create failed: {made.stderr[-500:]}")
        process, base = serve(env)
        try:
            import httpx

            token = httpx.post(f"{base}/api/v1/auth/token", data={
                "grant_type": "password", "username": BENCH_USER,
                "password": BENCH_PASSWORD}).json()["access_token"]
            for clients in counts:
                rounds = [concurrently(clients, args.moves, through_http(base, token, stock))
                          for _round in range(args.rounds)]
                result["http"][f"{clients}_clients"] = figure(args.moves, rounds)
                failures += [e for _seconds, errors in rounds for e in errors]
                expected_moves += args.moves * args.rounds
        finally:
            process.terminate()
            process.wait(timeout=30)
    with UnitOfWork(db, write=False) as uow:
        differences = queries.reconcile(uow)
        ledger = uow.session.scalar(select(func.count()).select_from(StockMove)) or 0
    db.dispose()
    result["ledger_moves"] = {"expected": expected_moves, "found": ledger}
    result["reconcile_differences"] = len(differences)
    result["errors"] = failures[:5]
    print(json.dumps(result))
    if differences or failures or ledger != expected_moves:
        for difference in differences[:20]:
            print(json.dumps(difference), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
