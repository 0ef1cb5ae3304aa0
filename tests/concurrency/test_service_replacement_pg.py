"""Technicians replacing the same built-in part at once on PostgreSQL (a retry from a second
phone, two apps on one order): the genealogy edge is locked while it is taken out, so exactly
one replacement is recorded and every other is refused with MT-SERVICE-REPLACEMENT-REFUSED;
one spare leaves the van."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import inventory
from medtrace.modules.service import service
from medtrace.modules.service.errors import ReplacementRefused
from medtrace.modules.service.models import Replacement
from medtrace.modules.service.schemas import ReplacementIn, ServiceOrderCreate
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.factories.service import make_field, tech

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

THREADS = 6


def test_the_same_part_is_taken_out_once(scratch):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=THREADS)
    migrate.upgrade(db.engine)
    ids = make_field(db)
    technician = tech(db)
    with UnitOfWork(db) as uow:
        number = service.create_order(uow, actor=technician, data=ServiceOrderCreate(
            type="corrective", unit="SN-1", item="PUMP", parts_location="VAN-1")).number
    done, refused, errors = [], [], []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def replace() -> None:
        try:
            start.wait()
            with UnitOfWork(db) as uow:
                service.replace_part(uow, number=number, actor=technician, data=ReplacementIn(
                    removed="BAT-1", fitted="BAT-SP"))
            with lock:
                done.append(1)
        except ReplacementRefused:
            with lock:
                refused.append(1)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=replace) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert (len(done), len(refused)) == (1, THREADS - 1)
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.count(Replacement.id))) == 1
        van = inventory.get_location_or_raise(uow, "VAN-1")
        rows, _ = inventory.balances(uow, inventory.BalanceFilter(
            location=van, lot_id=ids["spare_lot"]))
        assert sum(Decimal(str(r["quantity"])) for r in rows) == 4
    db.dispose()
