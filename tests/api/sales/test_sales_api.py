"""Sales through real HTTP, in the shapes a WMS or CRM codes against: an order refused for its
licences as problem+json listing every reason; an order placed, allocated (lots, quantities,
locations), shipped by raw scans and by an SSCC, delivered, with retries under the same
Idempotency-Key answering the same without writing twice; returns refused and received; the
advance ship notice as an EPCIS 2.0 document."""

from __future__ import annotations

import pytest

from tests.factories.auth import api_token
from tests.factories.epcis import assert_valid
from tests.factories.sales import lot_scan, make_distributor, unit_scan


@pytest.fixture
def shop(db):  # type: ignore[no-untyped-def]
    return make_distributor(db)


def _headers(client, name, key=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {api_token(client, name)}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _order_body(customer, lines):  # type: ignore[no-untyped-def]
    return {"customer": customer, "ship_to": "MAIN", "currency": "CNY",
            "lines": [{"item": item, "quantity": q, "uom": "EA", "unit_price": p}
                      for item, q, p in lines]}


def test_an_unlicensed_customer_gets_every_reason_as_problem_json(client, shop):
    crm = _headers(client, "sal.rep")
    answer = client.post("/api/v1/sales-orders", headers=crm, json=_order_body(
        "NOLIC", [("S-CATH", "10", "20"), ("S-PUMP", "1", "30000")]))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "MT-SALES-CUSTOMER-NOT-LICENSED"
    assert {e["field"] for e in problem["errors"]} == {"lines.0.item", "lines.1.item"}
    scoped = client.post("/api/v1/sales-orders", headers=crm, json=_order_body(
        "DIST2", [("S-PUMP", "1", "30000")]))
    assert scoped.status_code == 422 and scoped.json()["errors"][0]["code"] == "SCOPE"
    bad = client.post("/api/v1/sales-orders", headers=crm, json=_order_body(
        "DIST", [("S-CATH", "-1", "20")]))
    assert bad.status_code == 422 and bad.json()["code"].startswith("MT-")


def test_the_order_to_delivery_contract_with_retries(client, shop):
    crm, wms = _headers(client, "sal.rep"), _headers(client, "sal.picker")
    body = _order_body("DIST", [("S-CATH", "30", "20"), ("S-PUMP", "2", "30000")])
    made = client.post("/api/v1/sales-orders", json=body, headers={**crm, "Idempotency-Key": "so"})
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    assert made.json()["status"] == "confirmed"
    again = client.post("/api/v1/sales-orders", json=body,
                        headers={**crm, "Idempotency-Key": "so"})
    assert again.json()["number"] == number
    assert client.get("/api/v1/sales-orders", headers=crm).json()["total"] == 1
    allocated = client.post(f"/api/v1/sales-orders/{number}/allocate",
                            headers={**wms, "Idempotency-Key": "al"})
    assert allocated.status_code == 200, allocated.text
    lines = allocated.json()["lines"]
    assert [(a["lot"], a["quantity"], a["location"]) for a in lines[0]["allocations"]] == [
        ("C-SHORT", "30", "S-A01")]
    assert {a["serial"] for a in lines[1]["allocations"]} <= {f"PU-{n}" for n in range(1, 6)}
    assert len(lines[1]["allocations"]) == 2
    ship = {"sales_order": number, "lines": [
        {"scan": lot_scan(shop["cath_gtin"], "C-SHORT"), "quantity": "3", "uom": "CS"},
        {"scan": "]d2" + unit_scan(shop["pump_gtin"], "PU-4")},
        {"scan": unit_scan(shop["pump_gtin"], "PU-5")}]}
    shipped = client.post("/api/v1/shipments", json=ship, headers={**wms, "Idempotency-Key": "sh"})
    assert shipped.status_code == 201, shipped.text
    answer = shipped.json()
    assert {"number", "containers", "documents"} <= set(answer)
    assert answer["containers"] == []
    assert set(answer["documents"]) >= {"delivery_note", "certificates", "advance_ship_notice"}
    assert len(answer["documents"]["certificates"]) == 1
    replay = client.post("/api/v1/shipments", json=ship, headers={**wms, "Idempotency-Key": "sh"})
    assert replay.json()["number"] == answer["number"]
    assert client.get("/api/v1/shipments", headers=wms).json()["total"] == 1
    assert client.get(f"/api/v1/sales-orders/{number}", headers=crm).json()["status"] \
        == "shipped"
    asn = client.get(f"/api/v1/shipments/{answer['number']}/asn", headers=wms).json()
    assert_valid(asn)
    delivered = client.post(f"/api/v1/shipments/{answer['number']}/delivered",
                            json={"delivered_at": "2030-01-01T10:00:00+08:00",
                                  "received_by": "Dr. Wang"}, headers=wms)
    assert delivered.status_code == 422  # in the future
    delivered = client.post(f"/api/v1/shipments/{answer['number']}/delivered",
                            json={"received_by": "Dr. Wang"},
                            headers={**wms, "Idempotency-Key": "dl"})
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["status"] == "delivered"
    twice = client.post(f"/api/v1/shipments/{answer['number']}/delivered",
                        json={"received_by": "Dr. Wang"}, headers=wms)
    assert twice.status_code == 409 and twice.json()["code"] == "MT-SALES-SHIPMENT-STATE"


def test_packing_then_shipping_by_the_pallets_sscc(client, shop):
    crm, wms = _headers(client, "sal.rep"), _headers(client, "sal.picker")
    number = client.post("/api/v1/sales-orders", headers=crm, json=_order_body(
        "DIST", [("S-PUMP", "2", "30000")])).json()["number"]
    picks = [client.post(f"/api/v1/sales-orders/{number}/picks", headers=wms,
                         json={"scan": unit_scan(shop["pump_gtin"], s)}).json()["id"]
             for s in ("PU-1", "PU-2")]
    wrong = client.post(f"/api/v1/sales-orders/{number}/picks", headers=wms,
                        json={"scan": lot_scan(shop["cath_gtin"], "C-EARLY")})
    assert wrong.status_code == 422 and wrong.json()["code"] == "MT-SALES-SCAN-REFUSED"
    case = client.post(f"/api/v1/sales-orders/{number}/packages", headers=wms,
                       json={"kind": "case", "picks": picks})
    assert case.status_code == 201, case.text
    pallet = client.post(f"/api/v1/sales-orders/{number}/packages", headers=wms,
                         json={"kind": "pallet", "packages": [case.json()["sscc"]]}).json()
    shipped = client.post("/api/v1/shipments", headers=wms, json={
        "sales_order": number, "lines": [{"scan": f"(00){pallet['sscc']}"}]})
    assert shipped.status_code == 201, shipped.text
    assert {c["sscc"] for c in shipped.json()["containers"]} == {pallet["sscc"],
                                                               case.json()["sscc"]}
    trace = client.get("/api/v1/trace/backward", params={"code": pallet["sscc"]}, headers=wms)
    assert trace.status_code == 200, trace.text
    assert {u["serial"] for u in trace.json()["units"]} == {"PU-1", "PU-2"}


def test_returns_are_refused_unless_shipped_to_that_customer(client, shop):
    crm, wms = _headers(client, "sal.rep"), _headers(client, "sal.picker")
    number = client.post("/api/v1/sales-orders", headers=crm, json=_order_body(
        "DIST", [("S-CATH", "10", "20")])).json()["number"]
    shipment = client.post("/api/v1/shipments", headers=wms, json={
        "sales_order": number, "lines": [{"scan": lot_scan(shop["cath_gtin"], "C-EARLY"),
                                          "quantity": "10"}]}).json()["number"]
    refused = client.post("/api/v1/returns", headers=wms, json={
        "customer": "DIST-B", "reason": "not needed",
        "lines": [{"scan": lot_scan(shop["cath_gtin"], "C-EARLY"), "quantity": "2"}]})
    assert refused.status_code == 422 and refused.json()["code"] == "MT-SALES-RETURN-REFUSED"
    body = {"customer": "DIST", "shipment": shipment, "reason": "damaged box",
            "lines": [{"scan": lot_scan(shop["cath_gtin"], "C-EARLY"), "quantity": "2"}]}
    received = client.post("/api/v1/returns", headers={**wms, "Idempotency-Key": "rt"}, json=body)
    assert received.status_code == 201, received.text
    again = client.post("/api/v1/returns", headers={**wms, "Idempotency-Key": "rt"}, json=body)
    assert again.json()["number"] == received.json()["number"]
    assert received.json()["lines"][0]["disposition"] == "pending"
    forbidden = client.post("/api/v1/shipments", headers=crm, json={"sales_order": number})
    assert forbidden.status_code == 403
