"""The cycle count pages through real HTTP with the login form: a sheet created, counted blind
(the expected quantity never on the counter's page), reviewed and approved by someone else;
refusals next to their field in Chinese; the permissions of each page and the menu."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from medtrace.modules.inventory.permissions import (
    COUNT_MANAGE,
    COUNT_PERFORM,
    STOCK_ADJUST,
    STOCK_VIEW,
)
from tests.factories.auth import csrf_from, make_user, web_login
from tests.factories.stock import make_store, receive

ITEM_VIEW = "catalog.item.view"


@pytest.fixture
def sign_in(app, db) -> Iterator:  # type: ignore[no-untyped-def]
    """A signed-in browser session of its own per person."""
    clients: list[TestClient] = []

    def open_session(name: str, permissions: list[str]) -> TestClient:
        make_user(db, name, permissions=permissions)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        assert web_login(client, name).status_code == 303
        return client

    yield open_session
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    ids = make_store(db)
    receive(db, ids["cath"], 10, "A-01", lot_id=ids["C-1"])
    receive(db, ids["gauze"], 20, "A-02")
    return ids


def _post(client, url: str, page_url: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page_url).text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def _field_error(html: str, name: str) -> str:
    match = re.search(rf'data-field-error="{name}">([^<]*)<', html)
    assert match, f"no field error for {name}"
    return match.group(1)


def test_create_count_blind_review_and_approve_by_someone_else(sign_in, store):
    manager = sign_in("count.manager", [COUNT_MANAGE, COUNT_PERFORM, ITEM_VIEW])
    made = _post(manager, "/inventory/counts", "/inventory/counts/new", location="AZ",
                 items="CATH\nGAUZE", note="Q4")
    assert made.status_code == 303, made.text
    sheet_url = made.headers["location"].split("?")[0]
    sheet_id = int(sheet_url.rsplit("/", 1)[1])
    html = manager.get(made.headers["location"]).text
    assert "<h1>盘点单 CNT-" in html and "草稿" in html
    started = _post(manager, f"{sheet_url}/start", sheet_url)
    assert started.status_code == 303

    counted = _post(manager, f"{sheet_url}/entries", sheet_url, location="A-01", item="CATH",
                    lot="C-1", quantity="9")
    assert counted.status_code == 303, counted.text
    counted = _post(manager, f"{sheet_url}/entries", sheet_url, location="A-02", item="GAUZE",
                    quantity="20")
    assert counted.status_code == 303, counted.text
    blind = manager.get(sheet_url).text
    assert "盘点中" in blind and "已盘 2 / 2 行" in blind
    assert ">10<" not in blind and "Expected" not in blind and "预期" not in blind
    assert "review" not in blind  # no review link without inventory.stock.adjust
    submitted = _post(manager, f"{sheet_url}/submit", sheet_url)
    assert submitted.status_code == 303

    boss = sign_in("stock.boss", [STOCK_ADJUST, STOCK_VIEW])
    review = boss.get(f"{sheet_url}/review")
    assert review.status_code == 200
    row = review.text.split('data-item="CATH"', 1)[1].split("</tr>", 1)[0]
    assert '"review-expected">10<' in row and '"review-counted">9<' in row
    assert '"review-variance">-1 EA' in row
    refused = _post(boss, f"{sheet_url}/approve", f"{sheet_url}/review", reason="")
    assert refused.status_code == 422 and _field_error(refused.text, "reason") == "必填"
    approved = _post(boss, f"{sheet_url}/approve", f"{sheet_url}/review", reason="Q4 盘点")
    assert approved.status_code == 303, approved.text
    done = boss.get(approved.headers["location"]).text
    assert "已批准" in done
    balances = boss.get("/api/v1/inventory/balances", params={"location": "A-01"}).json()
    assert [(b["item"], b["quantity"]) for b in balances["items"]] == [("CATH", "9")]
    listed = boss.get("/inventory/counts", params={"status": "approved"}).text
    assert f'data-count="{sheet_id}"' in listed


def test_a_counter_cannot_approve_and_refusals_are_in_chinese(sign_in, store):
    both = sign_in("counts.all", [COUNT_MANAGE, COUNT_PERFORM, STOCK_ADJUST, ITEM_VIEW])
    unknown = _post(both, "/inventory/counts", "/inventory/counts/new", location="NOWHERE",
                    items="NOPE")
    assert unknown.status_code == 422
    assert _field_error(unknown.text, "location") == "无此库位"
    assert _field_error(unknown.text, "items") == "无此产品"
    assert 'data-testid="form-error"' in unknown.text
    made = _post(both, "/inventory/counts", "/inventory/counts/new", location="AZ")
    sheet_url = made.headers["location"].split("?")[0]
    early = _post(both, f"{sheet_url}/entries", sheet_url, location="A-01", item="CATH",
                  lot="C-1", quantity="1")
    assert early.status_code == 409 and "盘点单当前的状态不允许此操作" in early.text
    _post(both, f"{sheet_url}/start", sheet_url)
    bad = _post(both, f"{sheet_url}/entries", sheet_url, location="QZ", item="CATH",
                quantity="abc")
    assert bad.status_code == 422
    assert _field_error(bad.text, "quantity") == "不是有效数字"
    assert "not an exact number" not in bad.text and "not exact" not in bad.text
    outside = _post(both, f"{sheet_url}/entries", sheet_url, location="QZ", item="CATH",
                    lot="C-1", quantity="1")
    assert outside.status_code == 422
    assert _field_error(outside.text, "location") == "不是本盘点单的库位"
    no_lot = _post(both, f"{sheet_url}/entries", sheet_url, location="A-01", item="CATH",
                   quantity="1")
    assert _field_error(no_lot.text, "lot") == "必填：该产品按批次管理"
    incomplete = _post(both, f"{sheet_url}/submit", sheet_url)
    assert incomplete.status_code == 409 and "盘点单中有些行尚未盘点" in incomplete.text
    for line in (("A-01", "CATH", "C-1", "10"), ("A-02", "GAUZE", "", "20")):
        _post(both, f"{sheet_url}/entries", sheet_url, location=line[0], item=line[1],
              lot=line[2], quantity=line[3])
    assert _post(both, f"{sheet_url}/submit", sheet_url).status_code == 303
    mine = _post(both, f"{sheet_url}/approve", f"{sheet_url}/review", reason="ok")
    assert mine.status_code == 422 and "您不能审批这张盘点单" in mine.text


def test_each_page_asks_for_its_permission(sign_in, store, client):
    viewer = sign_in("stock.viewer", [STOCK_VIEW])
    for url in ("/inventory/counts", "/inventory/counts/new"):
        assert viewer.get(url).status_code == 403
    assert "/inventory/counts" not in viewer.get("/inventory/stock").text  # no tab, no menu
    counter = sign_in("counter", [COUNT_PERFORM])
    assert counter.get("/inventory/counts").status_code == 200
    assert 'href="/inventory/counts"' in counter.get("/").text  # the menu entry
    assert counter.get("/inventory/counts/new").status_code == 403
    manager = sign_in("count.manager", [COUNT_MANAGE])
    made = _post(manager, "/inventory/counts", "/inventory/counts/new", location="AZ")
    sheet_url = made.headers["location"].split("?")[0]
    assert counter.get(sheet_url).status_code == 200
    counter.get("/lang/en")
    english = counter.get(sheet_url).text
    assert "<h1>Count sheet CNT-" in english and ">draft<" in english
    assert "盘点" not in english
    assert counter.get(f"{sheet_url}/review").status_code == 403
    assert _post(counter, f"{sheet_url}/start", sheet_url).status_code == 403
    assert _post(counter, f"{sheet_url}/reject", sheet_url, reason="x").status_code == 403
    assert client.get("/inventory/counts", follow_redirects=False).status_code in (302, 303,
                                                                                    401)
