"""Inventory through real HTTP: locations, moves posted by a WMS with an Idempotency-Key, the
refusals as problem+json, reversal, FEFO, reconcile."""

from __future__ import annotations

import pytest

from medtrace.modules.catalog.permissions import ITEM_VIEW
from medtrace.modules.inventory.permissions import (
    LOCATION_EDIT,
    STOCK_ADJUST,
    STOCK_MOVE,
    STOCK_VIEW,
)
from medtrace.modules.traceability.permissions import TRACE_RECORD, TRACE_VIEW
from tests.factories.auth import api_token, make_user
from tests.factories.trace import make_item


def _as(client, db, name, permissions):  # type: ignore[no-untyped-def]
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


@pytest.fixture
def wms(client, db):  # type: ignore[no-untyped-def]
    headers = _as(client, db, "wms", [STOCK_VIEW, STOCK_MOVE, LOCATION_EDIT, TRACE_VIEW,
                                      TRACE_RECORD, ITEM_VIEW])
    for body in ({"code": "WH", "name_zh": "仓库", "name_en": "WH", "kind": "warehouse",
                  "stock_status": "available"},
                 {"code": "B1", "name_zh": "B1", "name_en": "B1", "kind": "bin", "parent": "WH"},
                 {"code": "B2", "name_zh": "B2", "name_en": "B2", "kind": "bin", "parent": "WH"},
                 {"code": "SUP", "name_zh": "供应商", "name_en": "Supplier", "kind": "virtual",
                  "role": "supplier"},
                 {"code": "CUS", "name_zh": "客户", "name_en": "Customer", "kind": "virtual",
                  "role": "customer"}):
        made = client.post("/api/v1/inventory/locations", json=body, headers=headers)
        assert made.status_code == 201, made.text
    item = make_item(db, "CATH", kind="finished", tracking="lot")
    lot = client.post("/api/v1/lots", headers=headers, json={
        "item_id": item, "number": "L-1", "expiry_date": "2030-01-31"}).json()
    return headers, item, lot["id"]


def test_a_wms_posts_moves_idempotently_and_gets_clear_refusals(client, db, wms):
    headers, item, lot = wms
    receipt = {"item_id": item, "quantity": "50", "from_location": "SUP", "to_location": "B1",
               "purpose": "receipt", "lot_id": lot, "doc": "ASN-1"}
    first = client.post("/api/v1/inventory/moves", json=receipt,
                        headers=headers | {"Idempotency-Key": "asn-1-line-1"})
    again = client.post("/api/v1/inventory/moves", json=receipt,
                        headers=headers | {"Idempotency-Key": "asn-1-line-1"})
    assert first.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    stock = client.get("/api/v1/inventory/balances", headers=headers, params={"item_id": item})
    assert [(r["location"], r["quantity"]) for r in stock.json()["items"]] == [("B1", "50")]

    quarantined = client.post("/api/v1/inventory/moves", headers=headers, json={
        "item_id": item, "quantity": "5", "from_location": "B1", "to_location": "CUS",
        "purpose": "ship", "lot_id": lot})
    assert quarantined.status_code == 409
    problem = quarantined.json()
    assert problem["code"] == "MT-INV-LOT-NOT-ISSUABLE" and problem["reason"] == "quarantine"
    assert quarantined.headers["content-type"].startswith("application/problem+json")

    too_much = client.post("/api/v1/inventory/moves", headers=headers, json={
        "item_id": item, "quantity": "51", "from_location": "B1", "to_location": "B2",
        "purpose": "quarantine", "lot_id": lot})
    assert too_much.status_code == 409 and too_much.json()["code"] == "MT-INV-INSUFFICIENT"
    missing_lot = client.post("/api/v1/inventory/moves", headers=headers, json={
        "item_id": item, "quantity": "1", "from_location": "B1", "to_location": "B2"})
    assert missing_lot.status_code == 422 and missing_lot.json()["code"] == "MT-INV-MOVE-INVALID"
    adjust = client.post("/api/v1/inventory/moves", headers=headers, json={
        "item_id": item, "quantity": "1", "from_location": "B1", "to_location": "SUP",
        "purpose": "adjustment", "lot_id": lot})
    assert adjust.status_code == 403  # needs inventory.stock.adjust
    qa = _as(client, db, "qa.adjuster", [STOCK_VIEW, STOCK_MOVE, STOCK_ADJUST])
    no_reason = client.post("/api/v1/inventory/moves", headers=qa, json={
        "item_id": item, "quantity": "1", "from_location": "B1", "to_location": "SUP",
        "purpose": "adjustment", "lot_id": lot})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "MT-INV-MOVE-INVALID"

    assert client.get("/api/v1/inventory/reconcile", headers=headers).json() == {
        "differences": [], "ok": True}
    history = client.get("/api/v1/inventory/moves", headers=headers, params={"doc": "ASN-1"})
    assert history.json()["total"] == 1


def test_reversal_needs_the_adjust_permission_and_a_reason(client, db, wms):
    headers, item, lot = wms
    moved = client.post("/api/v1/inventory/moves", headers=headers, json={
        "item_id": item, "quantity": "5", "from_location": "SUP", "to_location": "B1",
        "purpose": "receipt", "lot_id": lot}).json()
    url = f"/api/v1/inventory/moves/{moved['id']}/reverse"
    assert client.post(url, headers=headers, json={"reason": "typo"}).status_code == 403
    qa = _as(client, db, "qa", [STOCK_VIEW, STOCK_ADJUST])
    assert client.post(url, headers=qa, json={"reason": ""}).status_code == 422
    back = client.post(url, headers=qa, json={"reason": "wrong supplier"})
    assert back.status_code == 201 and back.json()["reverses_id"] == moved["id"]
    assert client.post(url, headers=qa, json={"reason": "twice"}).json()["code"] == \
        "MT-INV-MOVE-REVERSED"
    tree = client.get("/api/v1/inventory/locations", headers=headers).json()
    assert [(n["code"], n["depth"]) for n in tree][:3] == [("WH", 0), ("B1", 1), ("B2", 1)]
