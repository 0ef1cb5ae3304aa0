#!/usr/bin/env python3
"""Workflow-engine benchmark: starting approvals and deciding their tasks through the service.

    python bench/workflow_engine.py [--instances 200] [--rounds 3]
                                    [--database-url postgresql://...]

On a fresh database (``var/bench/workflow_engine.db``, or a PostgreSQL database that is dropped
and recreated, migrated in this process) it publishes the shipped purchase-order approval
(purchasing approves every order; above 50,000 CNY finance too; a two-day escalation timer) for
a record type of its own, then for each round starts ``--instances`` approvals (every other one
above 50,000 CNY) and decides every task they open: the purchasing step with the approver's
e-signature, then the finance step of the big ones. Each start and each decision is one unit of
work, as a page or an API call is. The JSON gives the median and 95th percentile milliseconds of
a start and of a decision, decisions per second, the median size of a serialized process state,
and the time of one pass of the timers job over all the running instances. The e-signature
check (the password hash) is part of every decision, as it is for a person; its own cost is
measured apart (``signature_check_ms``) so the engine's share can be read off. Prints one JSON
line; exits 1 when an approval does not end the way its amount says.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from trace_bench import fresh_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-approval-2026!"
AMOUNTS: dict[str, Decimal] = {}


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered) * 1000, 3), "p95": round(p95 * 1000, 3)}


def setup(db: Any) -> dict[str, Any]:
    """Roles, people, the record type and the published purchase-order approval."""
    from medtrace.platform import workflows as wf
    from medtrace.platform.actor import SYSTEM
    from medtrace.platform.auth import service as auth
    from medtrace.platform.auth.models import User
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.workflows.defaults import DEFAULTS

    wf.register_record_type(wf.RecordType(
        "procurement.order", "Bench order",
        lambda _uow, rid: wf.RecordFacts(f"BPO-{rid}", {"amount": AMOUNTS[rid],
                                                        "currency": "CNY"}, None)))
    people = {}
    with UnitOfWork(db) as uow:
        for code in ("purchasing", "finance", "management"):
            auth.save_role(uow, code=code, name_zh=code, name_en=code, permissions=[])
        auth.save_role(uow, code="wf_admin", name_zh="流程管理", name_en="Workflow admin",
                       permissions=["platform.admin.workflows", "platform.workflows.publish"])
        for name, roles in (("designer", ["wf_admin"]), ("publisher", ["wf_admin"]),
                            ("buyer", ["purchasing"]), ("controller", ["finance"])):
            people[name] = auth.create_user(uow, username=name, printed_name=name,
                                            password=PASSWORD, roles=roles).id
    default = next(d for d in DEFAULTS if d.key == "purchase_order")
    with UnitOfWork(db) as uow:
        actors = {name: auth.actor_for_user(uow.session.get(User, uid))
                  for name, uid in people.items()}
        version = wf.import_version(uow, xml=default.xml(), record_type="procurement.order",
                                    actor=actors["designer"])
        wf.submit_version(uow, version_id=version.id, actor=actors["designer"])
        version_id = version.id
    with UnitOfWork(db) as uow:
        wf.publish_version(uow, version_id=version_id, password=PASSWORD,
                           actor=actors["publisher"])
    return {"actors": actors, "system": SYSTEM}


def one_round(db: Any, env: dict[str, Any], first: int, count: int) -> dict[str, Any]:
    from sqlalchemy import select

    from medtrace.platform import workflows as wf
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

    starts, decisions, sizes, instances = [], [], [], []
    for n in range(first, first + count):
        rid = str(n)
        AMOUNTS[rid] = Decimal("80000.00") if n % 2 else Decimal("1200.50")
        began = time.perf_counter()
        with UnitOfWork(db) as uow:
            instances.append(wf.start_instance(uow, key="purchase_order", record_id=rid,
                                               actor=env["system"]).id)
        starts.append(time.perf_counter() - began)
    for step, who in (("purchasing_approval", "buyer"), ("finance_approval", "controller")):
        with UnitOfWork(db, write=False) as uow:
            tasks = list(uow.session.scalars(select(WorkflowTask.id).where(
                WorkflowTask.instance_id.in_(instances), WorkflowTask.element_id == step,
                WorkflowTask.status == "open").order_by(WorkflowTask.id)))
        for task_id in tasks:
            began = time.perf_counter()
            with UnitOfWork(db) as uow:
                wf.complete_task(uow, task_id=task_id, decision="approve",
                                 actor=env["actors"][who], password=PASSWORD)
            decisions.append(time.perf_counter() - began)
    wrong = 0
    with UnitOfWork(db, write=False) as uow:
        for row in uow.session.scalars(select(WorkflowInstance).where(
                WorkflowInstance.id.in_(instances))):
            sizes.append(len(json.dumps(row.state)))
            if row.status != "completed" or row.outcome != "approve":
                wrong += 1
    return {"starts": starts, "decisions": decisions, "sizes": sizes, "wrong": wrong}


def timers_pass(db: Any, env: dict[str, Any], running: int, first: int) -> float:
    """Seconds of one ``run_timers`` pass with ``running`` approvals waiting (none due)."""
    from medtrace.platform import workflows as wf
    from medtrace.platform.db.uow import UnitOfWork

    for n in range(first, first + running):
        AMOUNTS[str(n)] = Decimal("10")
        with UnitOfWork(db) as uow:
            wf.start_instance(uow, key="purchase_order", record_id=str(n), actor=env["system"])
    began = time.perf_counter()
    with UnitOfWork(db) as uow:
        wf.run_timers(uow)
    return time.perf_counter() - began


def signature_check(db: Any, env: dict[str, Any], rounds: int = 5) -> float:
    """Median seconds of checking the approver's password (what every signed decision pays)."""
    from medtrace.platform.auth.models import User
    from medtrace.platform.auth.service import verify_secret
    from medtrace.platform.db.uow import UnitOfWork

    samples = []
    with UnitOfWork(db, write=False) as uow:
        user = uow.session.get(User, env["actors"]["buyer"].id)
        for _ in range(rounds):
            began = time.perf_counter()
            verify_secret(user.password_hash, PASSWORD)
            samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200,
                        help="approvals started per round (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--database-url", help="default sqlite:///var/bench/workflow_engine.db;"
                        " a PostgreSQL database is dropped and recreated")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'workflow_engine.db'}"
    fresh_database(url)

    from medtrace import models as _models  # noqa: F401  (every mapper)
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import Database

    db = Database.from_url(url)
    migrate.upgrade(db.engine)  # the code being measured builds its own schema
    env = setup(db)
    rounds = []
    for number in range(args.rounds):
        began = time.perf_counter()
        found = one_round(db, env, number * args.instances, args.instances)
        found["seconds"] = time.perf_counter() - began
        rounds.append(found)
    starts = [s for r in rounds for s in r["starts"]]
    decisions = [d for r in rounds for d in r["decisions"]]
    result = {
        "db": "postgresql" if url.startswith("postgres") else "sqlite",
        "instances_per_round": args.instances, "rounds": args.rounds,
        "start_ms": _ms(starts), "decision_ms": _ms(decisions),
        "decisions_per_second_median": round(statistics.median(
            len(r["decisions"]) / sum(r["decisions"]) for r in rounds), 1),
        "approvals_per_second_median": round(statistics.median(
            args.instances / r["seconds"] for r in rounds), 1),
        "state_bytes_median": int(statistics.median(s for r in rounds for s in r["sizes"])),
        "signature_check_ms": round(signature_check(db, env) * 1000, 3),
        "timers_pass_ms": round(timers_pass(db, env, args.instances,
                                            args.rounds * args.instances) * 1000, 3),
        "timers_pass_running": args.instances,
        "wrong_outcomes": sum(r["wrong"] for r in rounds),
    }
    print(json.dumps(result))
    return 1 if result["wrong_outcomes"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
