"""Purchasing through real HTTP, in the shapes integrators rely on: an order created by a WMS or
ERP, refusals as problem+json listing every reason, approval, a receipt of raw scans with GS
separators, the return of rejected goods, supplier performance."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories.auth import api_token
from tests.factories.clock import plant_today
from tests.factories.purchasing import approve_over_http, make_plant, scan
from tests.factories.trace import make_partner

GOOD = plant_today() + dt.timedelta(days=700)


@pytest.fixture
def plant(db):  # type: ignore[no-untyped-def]
    return make_plant(db)


def _headers(client, name):  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _order(client, headers, supplier="P-SUP-1", price="12.50"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/purchase-orders", headers=headers, json={
        "supplier": supplier, "currency": "CNY", "lines": [
            {"item": "P-CATH", "quantity": "100", "uom": "EA", "unit_price": price,
             "requested_date": str(plant_today() + dt.timedelta(days=7))},
            {"item": "P-PUMP", "quantity": "3", "uom": "EA", "unit_price": "900",
             "requested_date": str(plant_today() + dt.timedelta(days=7))}]})


def test_the_order_and_receipt_contract(client, db, plant):
    buyer = _headers(client, "pur.buyer")
    made = _order(client, buyer)
    assert made.status_code == 201, made.text
    order = made.json()
    assert {"id", "number", "status", "lines"} <= set(order)
    assert order["status"] == "draft" and order["number"].startswith("PO-")
    assert order["lines"][0]["item"] == "P-CATH" and order["total"] == "3950"
    # not approved yet: nothing can be received
    early = client.post("/api/v1/receipts", headers=buyer, json={
        "purchase_order": order["number"], "lines": [
            {"scan": scan(plant["cath_gtin"], lot="A1", expiry=GOOD), "quantity": "1"}]})
    assert early.status_code == 409 and early.json()["code"] == "MT-PROCUREMENT-ORDER-STATE"
    submitted = client.post(f"/api/v1/purchase-orders/{order['number']}/submit", headers=buyer)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    decided = approve_over_http(client, db)
    assert decided.status_code in (200, 201), decided.text
    assert client.get(f"/api/v1/purchase-orders/{order['number']}", headers=buyer
                      ).json()["status"] == "approved"

    # what a handheld sends: symbology identifier, GS separators, or the <GS> keyboard form
    cath = scan(plant["cath_gtin"], lot="A1", expiry=GOOD)
    pumps = [scan(plant["pump_gtin"], serial=f"SN{n}").replace("\x1d", "<GS>")
             for n in range(3)]
    answer = client.post("/api/v1/receipts", headers=buyer, json={
        "purchase_order": order["number"], "lines": [
            {"scan": cath, "quantity": "100", "uom": "EA"},
            *({"scan": code, "quantity": "1", "uom": "EA"} for code in pumps)]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["number"].startswith("GR-") and body["order_status"] == "received"
    assert [(lot["item"], lot["status"]) for lot in body["lots"]] == [
        ("P-CATH", "quarantine")] + [("P-PUMP", "quarantine")] * 3
    assert body["lots"][0]["lot"] == "A1"
    assert body["inspection"] == body["inspections"][0]
    # one inspection per item and lot: the catheter lot, and the three pumps together
    assert body["inspections"] == list(dict.fromkeys(lot["inspection"] for lot in body["lots"]))
    assert len(body["inspections"]) == 2
    got = client.get(f"/api/v1/receipts/{body['number']}", headers=buyer).json()
    assert got["purchase_order"] == order["number"] and len(got["lots"]) == 4
    listed = client.get("/api/v1/purchase-orders?status=received&supplier=P-SUP-1",
                        headers=buyer).json()
    assert [o["number"] for o in listed["items"]] == [order["number"]]
    performance = client.get("/api/v1/suppliers/P-SUP-1/performance", headers=buyer).json()
    assert performance["lines"] == 4 and performance["on_time_rate"] == "100.0"
    assert performance["quality"]["lots"] == 0


def test_an_unqualified_supplier_gets_a_422_with_every_reason(client, db, plant):
    make_partner(db, "NO-QUAL", supplier=True)
    refused = _order(client, _headers(client, "pur.buyer"), supplier="NO-QUAL")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "MT-PROCUREMENT-SUPPLIER-NOT-QUALIFIED"
    fields = {(e["field"], e.get("code")) for e in problem["errors"]}
    for line in ("lines.0.item", "lines.1.item"):
        assert {(line, "FIRST-APPROVAL"), (line, "FIRST-APPROVAL-ITEM"), (line, "ASL")} <= fields


def test_refused_scans_are_named_by_line(client, db, plant):
    from tests.factories.purchasing import approved_order
    number = approved_order(db, [{"item": "P-CATH", "quantity": "10", "uom": "EA",
                                  "unit_price": "1"}])
    refused = client.post("/api/v1/receipts", headers=_headers(client, "pur.buyer"), json={
        "purchase_order": number, "lines": [
            {"scan": scan(plant["pump_gtin"], serial="X"), "quantity": "1"},
            {"scan": scan(plant["cath_gtin"], lot="B", expiry=plant_today()), "quantity": "11"},
            {"scan": "not a code", "quantity": "1"}]})
    assert refused.status_code == 422
    errors = [(e["field"], e["message"]) for e in refused.json()["errors"]]
    assert errors == [("lines.0.scan", "not on the order"),
                      ("lines.1.scan", "short shelf life"),
                      ("lines.1.quantity", "over receipt"),
                      ("lines.2.scan", "unreadable")]
