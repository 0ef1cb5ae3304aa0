"""Issuability is one SQL predicate (``queries.issuable_clause`` over
``traceability.lot_issuable_clause``) and it agrees, row by row, with the reason the pages show
(``rules.not_issuable_reason``): expired lots, lots on hold or in quarantine, stock in a
quarantine area, untracked goods and serial units."""

from __future__ import annotations

from medtrace.modules import traceability
from medtrace.modules.inventory import queries
from medtrace.modules.inventory.rules import StockStatus
from medtrace.platform.actor import SYSTEM
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.stock import make_store, receive


def test_the_sql_predicate_and_the_shown_reason_agree(db):
    store = make_store(db)
    for lot, place in (("C-1", "A-01"), ("C-2", "QZ"), ("C-X", "A-02"), ("V-1", "C-01")):
        item = store["vacc"] if lot == "V-1" else store["cath"]
        receive(db, item, 5, place, lot_id=store[lot])
    receive(db, store["pump"], 1, "A-01", unit_id=store["SN-1"])
    receive(db, store["gauze"], 7, "A-02")
    with UnitOfWork(db) as uow:
        traceability.change_status(uow, object_id=store["V-1"], status="on_hold",
                                   reason="deviation", actor=SYSTEM)
    with UnitOfWork(db, write=False) as uow:
        every, _ = queries.balances(uow, queries.BalanceFilter(), limit=1000)
        yes, _ = queries.balances(uow, queries.BalanceFilter(issuable=True), limit=1000)
        no, _ = queries.balances(uow, queries.BalanceFilter(issuable=False), limit=1000)
    key = lambda row: (row["location_id"], row["item_id"], row["lot_id"], row["unit_id"])  # noqa: E731
    assert {key(r) for r in every if r["issuable"]} == {key(r) for r in yes}
    assert {key(r) for r in every if not r["issuable"]} == {key(r) for r in no}
    reasons = {(r["lot"], r["serial"], r["location"]): r["not_issuable"] for r in every}
    assert reasons == {("C-1", None, "A-01"): None, ("C-2", None, "QZ"): "location quarantine",
                       ("C-X", None, "A-02"): "expired", ("V-1", None, "C-01"): "on_hold",
                       (None, "SN-1", "A-01"): None, (None, None, "A-02"): None}
    assert StockStatus.AVAILABLE.issuable and not StockStatus.HOLD.issuable
    assert traceability.LotStatus("released").issuable
    assert StockStatus.REJECTED.label == "rejected goods" and StockStatus.REJECTED == "rejected"
