"""Counts, minimum stock and alerts through real HTTP with bearer tokens: blind sheets for
counters, review and approval for someone else, idempotent approval, refusals as problem+json,
and a query count that does not grow with the lines of a sheet."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from medtrace.modules import inventory
from medtrace.modules.inventory.permissions import (
    COUNT_MANAGE,
    COUNT_PERFORM,
    MIN_STOCK_EDIT,
    STOCK_ADJUST,
    STOCK_VIEW,
)
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, make_user
from tests.factories.stock import make_store, receive

BASE = "/api/v1/inventory"


def _bearer(client, db, name, permissions):  # type: ignore[no-untyped-def]
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


@pytest.fixture
def people(client, db):  # type: ignore[no-untyped-def]
    return {
        "manager": _bearer(client, db, "count.manager", [COUNT_MANAGE]),
        "counter": _bearer(client, db, "counter", [COUNT_PERFORM]),
        "boss": _bearer(client, db, "stock.boss", [STOCK_ADJUST, STOCK_VIEW, COUNT_PERFORM,
                                                   MIN_STOCK_EDIT]),
    }


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    ids = make_store(db)
    receive(db, ids["cath"], 10, "A-01", lot_id=ids["C-1"])
    receive(db, ids["gauze"], 20, "A-02")
    return ids


def _open_sheet(client, people, location="AZ", **body):  # type: ignore[no-untyped-def]
    made = client.post(f"{BASE}/counts", headers=people["manager"],
                       json={"location": location, **body})
    assert made.status_code == 201, made.text
    sheet_id = made.json()["id"]
    started = client.post(f"{BASE}/counts/{sheet_id}/start", headers=people["manager"])
    assert started.status_code == 200 and started.json()["status"] == "counting"
    return sheet_id, {(x["location"], x["item"]): x["id"] for x in started.json()["lines"]}


def test_a_blind_count_approved_by_someone_else_posts_its_variances(client, db, people, store):
    made = client.post(f"{BASE}/counts", headers=people["manager"], json={"location": "AZ"})
    assert made.status_code == 201 and made.json()["status"] == "draft"
    assert "expected" not in made.text
    sheet_id = made.json()["id"]
    early = client.post(f"{BASE}/counts/{sheet_id}/entries", headers=people["counter"],
                        json={"entries": [{"line_id": made.json()["lines"][0]["id"],
                                           "quantity": "1"}]})
    assert early.status_code == 409 and early.json()["code"] == "MT-INV-COUNT-STATUS"
    client.post(f"{BASE}/counts/{sheet_id}/start", headers=people["manager"])

    blind = client.get(f"{BASE}/counts/{sheet_id}", headers=people["counter"])
    assert blind.status_code == 200 and blind.json()["status"] == "counting"
    assert "expected" not in blind.text and "variance" not in blind.text
    lines = {(x["location"], x["item"]): x["id"] for x in blind.json()["lines"]}
    for url in (f"{BASE}/counts/{sheet_id}/review", f"{BASE}/balances"):
        refused = client.get(url, headers=people["counter"])
        assert refused.status_code == 403 and refused.json()["code"] == "MT-AUTH-FORBIDDEN"

    entries = {"entries": [
        {"line_id": lines[("A-01", "CATH")], "quantity": "9"},
        {"line_id": lines[("A-02", "GAUZE")], "quantity": "2", "uom": "EA"},
        {"location": "A-01", "item_id": store["gauze"], "quantity": "4"},  # found
    ]}
    counted = client.post(f"{BASE}/counts/{sheet_id}/entries", headers=people["counter"],
                          json=entries)
    assert counted.status_code == 200, counted.text
    assert {(x["location"], x["item"], x["counted"], x["found"])
            for x in counted.json()["lines"]} == {("A-01", "CATH", "9", False),
                                                  ("A-02", "GAUZE", "2", False),
                                                  ("A-01", "GAUZE", "4", True)}
    assert "expected" not in counted.text
    submitted = client.post(f"{BASE}/counts/{sheet_id}/submit", headers=people["counter"])
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    not_allowed = client.post(f"{BASE}/counts/{sheet_id}/approve", headers=people["counter"],
                              json={"reason": "mine"})
    assert not_allowed.status_code == 403

    review = client.get(f"{BASE}/counts/{sheet_id}/review", headers=people["boss"])
    assert review.status_code == 200
    assert {(x["location"], x["item"]): (x["expected"], x["counted"], x["variance"])
            for x in review.json()["lines"]} == {("A-01", "CATH"): ("10", "9", "-1"),
                                                 ("A-02", "GAUZE"): ("20", "2", "-18"),
                                                 ("A-01", "GAUZE"): ("0", "4", "4")}
    key = {"Idempotency-Key": f"approve-{sheet_id}"}
    approved = client.post(f"{BASE}/counts/{sheet_id}/approve", headers={**people["boss"], **key},
                           json={"reason": "Q4 cycle count"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert all(x["adjustment_move_id"] for x in approved.json()["lines"])
    again = client.post(f"{BASE}/counts/{sheet_id}/approve", headers={**people["boss"], **key},
                        json={"reason": "Q4 cycle count"})
    assert again.headers.get("Idempotent-Replayed") == "true"
    moves = client.get(f"{BASE}/moves", headers=people["boss"],
                       params={"doc": f"CNT-{sheet_id:06d}"}).json()
    assert moves["total"] == 3 and {m["purpose"] for m in moves["items"]} == {"adjustment"}
    on_hand = client.get(f"{BASE}/balances", headers=people["boss"],
                         params={"location": "AZ"}).json()["items"]
    assert {(b["location"], b["item"], b["quantity"]) for b in on_hand} == {
        ("A-01", "CATH", "9"), ("A-02", "GAUZE", "2"), ("A-01", "GAUZE", "4")}
    assert client.get(f"{BASE}/reconcile", headers=people["boss"]).json()["ok"] is True
    listed = client.get(f"{BASE}/counts", headers=people["counter"],
                        params={"status": "approved"}).json()
    assert [(s["id"], s["lines"], s["counted"]) for s in listed["items"]] == [(sheet_id, 3, 3)]


def test_whoever_counted_may_not_approve_and_a_rejection_posts_nothing(client, people, store):
    sheet_id, lines = _open_sheet(client, people, "A-02")
    client.post(f"{BASE}/counts/{sheet_id}/entries", headers=people["boss"], json={
        "entries": [{"line_id": lines[("A-02", "GAUZE")], "quantity": "19"}]})
    assert client.post(f"{BASE}/counts/{sheet_id}/submit",
                       headers=people["counter"]).status_code == 200
    refused = client.post(f"{BASE}/counts/{sheet_id}/approve", headers=people["boss"],
                          json={"reason": "my own count"})
    assert refused.status_code == 403 and refused.json()["code"] == "MT-INV-COUNT-APPROVER"
    no_reason = client.post(f"{BASE}/counts/{sheet_id}/reject", headers=people["boss"],
                            json={"reason": ""})
    assert no_reason.status_code == 422
    rejected = client.post(f"{BASE}/counts/{sheet_id}/reject", headers=people["boss"],
                           json={"reason": "recount with a second counter"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.get(f"{BASE}/moves", headers=people["boss"],
                      params={"doc": f"CNT-{sheet_id:06d}"}).json()["total"] == 0


@pytest.mark.parametrize(("entry", "status", "field"), [
    ({"location": "A-01", "item_id": "gauze", "quantity": "1.5"}, 422, "entries[0].quantity"),
    ({"location": "C-01", "item_id": "gauze", "quantity": "1"}, 422, "entries[0].location"),
    ({"location": "A-01", "item_id": "cath", "quantity": "1"}, 422, "entries[0].lot_id"),
    ({"location": "A-01", "item_id": "gauze", "quantity": "-1"}, 422, None),
])
def test_invalid_counts_answer_problem_json_naming_the_field(client, people, store, entry,
                                                              status, field):
    sheet_id, _ = _open_sheet(client, people)
    body = {**entry, "item_id": store[entry["item_id"]]}
    answer = client.post(f"{BASE}/counts/{sheet_id}/entries", headers=people["counter"],
                         json={"entries": [body]})
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    if field:
        assert answer.json()["code"] == "MT-INV-COUNT-INVALID"
        assert [e["field"] for e in answer.json()["errors"]] == [field]


def test_minimums_and_alerts(client, people, store):
    counter_sees = client.get(f"{BASE}/alerts", headers=people["counter"])
    assert counter_sees.status_code == 403
    made = client.put(f"{BASE}/min-stock", headers=people["boss"],
                      json={"item_id": store["gauze"], "site": "SH", "quantity": "25"})
    assert made.status_code == 200 and made.json()["min_quantity"] == "25"
    bad = client.put(f"{BASE}/min-stock", headers=people["boss"],
                     json={"item_id": store["gauze"], "site": "A-01", "quantity": "25"})
    assert bad.status_code == 422 and bad.json()["code"] == "MT-INV-MIN-STOCK-INVALID"
    found = client.get(f"{BASE}/alerts", headers=people["boss"], params={"days": 500})
    assert found.status_code == 200
    assert found.json()["counts"] == {"expiring": 1, "below_minimum": 1, "temperature": 0}
    assert found.json()["below_minimum"][0]["short"] == "5"
    assert found.json()["expiring"][0]["locations"][0]["location"] == "A-01"
    assert client.get(f"{BASE}/alerts", headers=people["boss"],
                      params={"days": 30}).json()["counts"]["expiring"] == 0
    listed = client.get(f"{BASE}/min-stock", headers=people["boss"]).json()
    removed = client.delete(f"{BASE}/min-stock/{listed[0]['id']}", headers=people["boss"])
    assert removed.status_code == 204
    assert client.get(f"{BASE}/alerts", headers=people["boss"]).json()["below_minimum"] == []


@contextmanager
def _counting(db):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.bind, "before_cursor_execute", count)


def test_the_blind_view_costs_the_same_queries_for_1_or_12_lines(client, db, people, store):
    with UnitOfWork(db) as uow:
        for n in range(12):
            inventory.create_location(uow, code=f"B-{n:02d}", name_zh="位", name_en="bin",
                                      kind="bin", parent="WH2")
    for n in range(12):
        receive(db, store["cath"], 1, f"B-{n:02d}", lot_id=store["C-1"])
    small, _ = _open_sheet(client, people, "B-00")
    large, _ = _open_sheet(client, people, "WH2")
    assert len(client.get(f"{BASE}/counts/{large}", headers=people["counter"])
               .json()["lines"]) == 12
    used = []
    for sheet_id in (small, large):
        with _counting(db) as statements:
            assert client.get(f"{BASE}/counts/{sheet_id}",
                              headers=people["counter"]).status_code == 200
        used.append(len(statements))
    assert used[0] == used[1] and used[1] <= 15, used
