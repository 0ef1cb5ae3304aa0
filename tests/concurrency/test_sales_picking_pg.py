"""Eight orders picking the same lot at once on PostgreSQL: picks move no stock, so only the
sales lock keeps two orders from taking the same goods. Exactly what is free is picked, every
other pick is refused with MT-SALES-SCAN-REFUSED."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from medtrace.modules import sales
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.factories.sales import lot_scan, make_distributor, order, who

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

THREADS, EACH = 8, 30  # lot C-LATE holds 100: three picks of 30 fit


def test_concurrent_picks_never_take_the_same_goods_twice(scratch):
    db = Database.from_url(scratch.new_url("postgresql"), pool_size=THREADS)
    migrate.upgrade(db.engine)
    ids = make_distributor(db)
    numbers = [order(db, "DIST", [("S-CATH", str(EACH), "20")]) for _ in range(THREADS)]
    picker = who(db, "sal.picker")
    scan = lot_scan(ids["cath_gtin"], "C-LATE")
    picked, refused, errors = [], [], []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def pick(number: str) -> None:
        try:
            start.wait()
            with UnitOfWork(db) as uow:
                sales.pick_scan(uow, ref=number, actor=picker, data=sales.PickIn(
                    scan=scan, quantity=Decimal(EACH)))
            with lock:
                picked.append(number)
        except sales.ScanRefused:
            with lock:
                refused.append(number)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=pick, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert (len(picked), len(refused)) == (3, THREADS - 3)
    db.dispose()
