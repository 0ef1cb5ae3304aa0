"""The demo tells a plant's story that traces end to end (README, "Trace these codes first"):
a finished pump traces back to both suppliers' lots, the catheter lot split between two
customers lists both with their quantities (service, HTTP API, XLSX), the board lot to recall
reaches pumps at customers; every demo role opens the pages of its job, and a count counted by
the warehouse keeper is approved by someone else."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from medtrace.modules import traceability
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from tests.factories.auth import api_token, web_login


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        assert load_demo(uow).loaded
    with UnitOfWork(db) as uow:  # twice: nothing fails, nothing is duplicated
        assert not load_demo(uow).loaded
    return db


def _customers(entries):  # type: ignore[no-untyped-def]
    return {c["customer"]: c["quantity"] for c in entries}


def test_the_demo_story_traces_backward_and_forward(demo):
    with UnitOfWork(demo, write=False) as uow:
        back = traceability.backward(uow, traceability.resolve(uow, "IP2-D0001"))
        split = traceability.forward(uow, traceability.resolve(uow, "CV-D01"))
        recall = traceability.forward(uow, traceability.resolve(uow, "PCB-A01"))
    # the service demo swapped its drive module and battery pack (order SV26-00001): the
    # parts it holds now, and the replaced ones as history
    assert {(x["lot"], x["supplier"]) for x in back["lots"]} >= {
        ("PCB-P01", "SUP-PCB"), ("BAT-P01", "SUP-PCB"), ("TB-K01", "SUP-KANGDA")}
    assert back["suppliers"] == ["SUP-KANGDA", "SUP-PCB"]
    assert [u["serial"] for u in back["units"]] == ["DRV-P0006"]
    assert {(x.get("serial") or x.get("lot"), x["removed_doc"]) for x in back["replaced"]} == {
        ("DRV-0001", "SV26-00001"), ("BAT-H01", "SV26-00001"), ("PCB-A01", None)}
    assert back["root"]["status"] == "installed"

    root = split["root"]
    assert _customers(root["customers"]) == {"CUS-HUADONG": "80", "CUS-RENJI": "120"}
    assert root["quantities"]["in_stock"] == [{"location": "WH-SJ-A01", "quantity": "100"}]
    assert root["quantities"]["uom"] == "EA" and root["quantities"]["shipped_total"] == "200"
    assert {c["customer"]: c["lots"] for c in split["totals"]["customers"]} == {
        "CUS-HUADONG": [{"item": "CVC-7F", "lot": "CV-D01", "quantity": "80", "uom": "EA"}],
        "CUS-RENJI": [{"item": "CVC-7F", "lot": "CV-D01", "quantity": "120", "uom": "EA"}]}

    assert {(u["serial"], u["status"], u["customer"]) for u in recall["units"]} == {
        ("IP2-D0002", "installed", "CUS-RENJI"), ("IP2-D0003", "installed", "CUS-HUADONG"),
        ("IP2-D0004", "in_stock", None)}
    assert [(u["serial"], u["removed_doc"]) for u in recall["replaced"]] == [
        ("IP2-D0001", "SV26-00001")]
    assert recall["totals"]["by_customer"] == {"CUS-HUADONG": 1, "CUS-RENJI": 1}
    assert {c["customer"]: c["units"] for c in recall["totals"]["customers"]} == {
        "CUS-HUADONG": 1, "CUS-RENJI": 1}
    consumed = recall["root"]["quantities"]["consumed_into"]
    assert [(p["code"], p["quantity"]) for p in consumed] == [
        (f"DRV-{n:04d}", "1") for n in range(1, 5)]
    assert recall["root"]["quantities"]["in_stock_total"] == "16"


def test_every_demo_lot_is_in_stock_where_the_ledger_says(demo):
    """The whereabouts by quantity (from the journal) agree with the stock ledger's balances,
    for every lot of the demo: receipts, releases, issues, shipments, returns, adjustments
    and a reversed transfer."""
    from decimal import Decimal

    from medtrace.modules.inventory import queries as stock

    with UnitOfWork(demo, write=False) as uow:
        rows, _ = stock.balances(uow, stock.BalanceFilter(), limit=10000)
        ledger: dict[int, dict[str, Decimal]] = {}
        for r in rows:
            if r["lot_id"] and not r["unit_id"]:
                ledger.setdefault(r["lot_id"], {})[r["location"]] = Decimal(r["quantity"])
        assert len(ledger) >= 10
        for lot_id, places in ledger.items():
            root = traceability.forward(uow, traceability.get_object(uow, lot_id))["root"]
            journal = {s["location"]: Decimal(s["quantity"])
                       for s in root["quantities"]["in_stock"]}
            assert journal == {k: v for k, v in places.items() if v}, root["lot"]


def test_the_split_lot_lists_both_customers_over_http_and_in_the_xlsx(client, demo):
    token = api_token(client, "li.na", DEMO_PASSWORD)
    answer = client.get("/api/v1/trace/forward", params={"code": "CV-D01"},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert _customers(body["root"]["customers"]) == {"CUS-HUADONG": "80", "CUS-RENJI": "120"}
    assert [c["customer"] for c in body["totals"]["customers"]] == ["CUS-HUADONG",
                                                                    "CUS-RENJI"]
    # a lot in the scope (not the root) carries its customers and unit of measure too
    tubing = client.get("/api/v1/trace/forward", params={"code": "TB-K01"},
                        headers={"Authorization": f"Bearer {token}"}).json()
    assert tubing["root"]["quantities"]["uom"] == "M"
    assert tubing["root"]["quantities"]["consumed_total"] == "8"

    web_login(client, "li.na", DEMO_PASSWORD)
    page = client.get("/trace", params={"code": "CV-D01", "direction": "forward"})
    assert page.status_code == 200
    assert 'data-testid="lot-quantities"' in page.text
    assert 'data-customer="CUS-RENJI"' in page.text and 'data-customer="CUS-HUADONG"' in page.text
    xlsx = client.get("/trace/export.xlsx", params={"code": "CV-D01", "direction": "forward"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    head = rows[0]
    customer, quantity = head.index("客户"), head.index("数量")
    shipped = {(r[customer], float(r[quantity])) for r in rows[1:] if r[customer]}
    assert shipped == {("CUS-RENJI", 120.0), ("CUS-HUADONG", 80.0)}
    pdf = client.get("/trace/export.pdf", params={"code": "PCB-A01", "direction": "forward"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


#: demo user, pages of the job (each must open), a page outside it (must be refused)
JOBS = {
    "wang.wei": (["/trace?code=CV-D01&direction=forward", "/inventory/stock",
                  "/inventory/transfer", "/inventory/counts", "/inventory/counts/new"],
                 "/inventory/adjust"),
    "zhao.lei": (["/trace?code=PCB-A01&direction=forward", "/inventory/stock",
                  "/inventory/adjust", "/inventory/counts"], "/admin/users"),
    "li.na": (["/trace?code=PCB-A01&direction=forward", "/trace?code=IP2-D0001",
               "/inventory/adjust", "/audit", "/partners", "/catalog/items"], "/admin/users"),
    "zhang.min": (["/trace?code=IP2-D0001", "/inventory/stock", "/catalog/items"],
                  "/inventory/adjust"),
    "chen.jie": (["/trace?code=CV-D01&direction=forward", "/partners", "/inventory/stock"],
                 "/inventory/transfer"),
    "liu.yang": (["/trace?code=IP2-D0001&direction=timeline", "/inventory/stock",
                  "/inventory/transfer", "/service/installed-base", "/service/orders",
                  "/service/visits"], "/inventory/adjust"),
}


def test_each_demo_role_opens_the_pages_of_its_job(client, demo):
    for username, (pages, refused) in JOBS.items():
        client.cookies.clear()
        assert web_login(client, username, DEMO_PASSWORD).status_code in (302, 303)
        for url in pages:
            assert client.get(url).status_code == 200, (username, url)
        assert client.get(refused).status_code == 403, (username, refused)


def test_a_count_is_approved_by_someone_other_than_its_counter(client, demo):
    def bearer(name):  # type: ignore[no-untyped-def]
        return {"Authorization": f"Bearer {api_token(client, name, DEMO_PASSWORD)}"}

    lead, keeper, qa = bearer("zhao.lei"), bearer("wang.wei"), bearer("li.na")
    base = "/api/v1/inventory/counts"
    made = client.post(base, headers=lead, json={"location": "WH-SJ-A01"})
    assert made.status_code == 201, made.text
    sheet = made.json()["id"]
    started = client.post(f"{base}/{sheet}/start", headers=lead)
    assert started.status_code == 200, started.text
    entries = [{"line_id": x["id"], "quantity": "1"} for x in started.json()["lines"]]
    counted = client.post(f"{base}/{sheet}/entries", headers=keeper, json={"entries": entries})
    assert counted.status_code == 200, counted.text
    assert client.post(f"{base}/{sheet}/submit", headers=keeper).status_code == 200
    own = client.post(f"{base}/{sheet}/approve", headers=keeper, json={"reason": "mine"})
    assert own.status_code == 403
    approved = client.post(f"{base}/{sheet}/approve", headers=qa,
                           json={"reason": "cycle count"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_a_new_plant_starts_from_the_job_roles_the_demo_users_hold(db):
    from medtrace.modules.inventory.permissions import COUNT_PERFORM, STOCK_ADJUST
    from medtrace.modules.traceability.permissions import LOT_RECALL, TRACE_VIEW
    from medtrace.platform.auth import service
    from medtrace.registry import init_roles

    with UnitOfWork(db) as uow:
        assert init_roles(uow) == ["warehouse", "warehouse_lead", "qa", "production", "sales",
                                   "service", "purchasing", "finance", "engineering",
                                   "management"]
    with UnitOfWork(db) as uow:
        assert init_roles(uow) == []  # existing roles are left as they are
        fresh = {r.code: set(r.permission_codes) for r in service.list_roles(uow)}
    assert all(TRACE_VIEW in fresh[code] for code in fresh if code != "admin")
    assert {LOT_RECALL, STOCK_ADJUST} <= fresh["qa"] and COUNT_PERFORM in fresh["warehouse"]
    assert STOCK_ADJUST not in fresh["warehouse"]  # a counter does not approve counts
    with UnitOfWork(db) as uow:
        load_demo(uow)
        demo = {r.code: set(r.permission_codes) for r in service.list_roles(uow)}
    assert demo == fresh  # the demo users hold exactly what a new plant starts from
