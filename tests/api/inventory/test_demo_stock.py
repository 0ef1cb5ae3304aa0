"""The demo warehouse: loaded through the stock ledger, so the balances reconcile, with the
areas, lots and units the demo promises; the demo roles may use the pages they need."""

from __future__ import annotations

from medtrace.modules.inventory import queries
from medtrace.modules.inventory.counts import service as counts
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from tests.factories.auth import web_login


def test_the_demo_warehouse_holds_consistent_realistic_stock(client, db):
    with UnitOfWork(db) as uow:
        assert "modules.inventory" in load_demo(uow).steps
    with UnitOfWork(db, write=False) as uow:
        assert queries.reconcile(uow) == []
        tree = {row["code"]: row for row in queries.location_tree(uow)}
        rows, _ = queries.balances(uow, queries.BalanceFilter(), limit=1000)
    assert {tree[c]["effective_status"] for c in ("WH-SJ-QZ", "WH-SJ-AZ", "WH-SJ-A01",
                                                  "WH-SJ-C01", "WH-SJ-RZ", "WH-SJ-RT")} == {
        "quarantine", "available", "rejected", "returns"}
    assert tree["WH-SJ-C01"]["temperature_zone"] == "2-8C"
    assert {tree[c]["role"] for c in tree if tree[c]["kind"] == "virtual"} == {
        "supplier", "customer", "production", "scrap", "adjustment", "transit"}
    assert {r["item"] for r in rows} == {"IP-200", "CVC-7F", "PCB-MAIN", "TUBE-PVC", "BAT-LI",
                                         "DRV-200", "BAT-LI2"}  # the last two: production
    pumps = [r for r in rows if r["item"] == "IP-200"]
    assert all(r["serial"] and r["quantity"].startswith("1") for r in pumps)
    assert {r["location"] for r in pumps} >= {"WH-SJ-A02", "WH-SJ-QZ", "WH-SJ-RT"}
    catheters = [r for r in rows if r["item"] == "CVC-7F"]
    assert any(r["location"] == "WH-SJ-QZ" and r["lot_status"] == "quarantine"
               for r in catheters)
    assert any(r["not_issuable"] == "expired" and r["location"] == "WH-SJ-RZ"
               for r in catheters)
    assert any(r["issuable"] and 0 < r["days_left"] < 180 for r in catheters)  # near expiry

    web_login(client, "wang.wei", DEMO_PASSWORD)  # the warehouse keeper
    page = client.get("/inventory/stock")
    assert page.status_code == 200 and 'class="near-expiry"' in page.text
    assert client.get("/inventory/transfer").status_code == 200
    assert client.get("/inventory/adjust").status_code == 403
    assert client.get("/inventory/counts/new").status_code == 200  # counts, blind
    with UnitOfWork(db, write=False) as uow:
        sheets, _ = counts.list_count_sheets(uow, status="submitted")
        review = counts.review_view(uow, counts.get_count_sheet_or_raise(uow, sheets[0]["id"]))
    assert review["location"] == "WH-SJ-A03" and review["summary"]["with_variance"] == 1
