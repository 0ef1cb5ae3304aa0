"""Issue 13 end to end over real HTTP: an order is approved, the goods are received by scan into
quarantine, QA inspects and releases the lot with a signature, production makes a device from
it through a work order (scan-first issue into the serial unit), and the backward trace of that
device names the supplier, the order, the receipt and the
verdict."""

from __future__ import annotations

import datetime as dt

from medtrace.modules import production
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, api_token
from tests.factories.clock import plant_today
from tests.factories.production import make_line, review_bom, who
from tests.factories.purchasing import approve_over_http, make_plant, scan


def _headers(client, name):  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def test_a_device_made_of_a_released_lot_traces_back_to_its_order_receipt_and_verdict(
        client, db):  # type: ignore[no-untyped-def]
    plant = make_plant(db)
    buyer, qa = _headers(client, "pur.buyer"), _headers(client, "pur.qa")
    order = client.post("/api/v1/purchase-orders", headers=buyer, json={
        "supplier": "P-SUP-1", "currency": "CNY", "lines": [
            {"item": "P-CATH", "quantity": "100", "uom": "EA", "unit_price": "12.50",
             "requested_date": str(plant_today() + dt.timedelta(days=7))}]}).json()
    client.post(f"/api/v1/purchase-orders/{order['number']}/submit", headers=buyer)
    approved = approve_over_http(client, db)
    assert approved.status_code in (200, 201), approved.text

    expiry = plant_today() + dt.timedelta(days=700)
    received = client.post("/api/v1/receipts", headers=buyer, json={
        "purchase_order": order["number"], "lines": [
            {"scan": scan(plant["cath_gtin"], lot="E2E-1", expiry=expiry), "quantity": "100",
             "uom": "EA"}]})
    assert received.status_code == 201, received.text
    receipt = received.json()
    assert [(one["item"], one["lot"], one["status"]) for one in receipt["lots"]] == [
        ("P-CATH", "E2E-1", "quarantine")]
    number = receipt["inspection"]

    inspection = client.get(f"/api/v1/inspections/{number}", headers=qa).json()
    results = [{"characteristic": plan["position"], "sample": sample, "passed": True}
               for plan in inspection["characteristics"]
               for sample in range(1, plan["to_inspect"] + 1)]
    entered = client.post(f"/api/v1/inspections/{number}/results", headers=qa,
                          json={"results": results})
    assert entered.status_code == 200 and entered.json()["verdict"] == "accepted", entered.text
    released = client.post(f"/api/v1/inspections/{number}/release", headers=qa, json={
        "signature": {"username": "pur.qa", "password": PASSWORD, "meaning": "released"}})
    assert released.status_code == 200, released.text

    # production: a work order of a serialized device whose BOM version B (through the
    # engineering change) takes two catheters, issued by scan into unit MON-0001
    make_line(db)
    with UnitOfWork(db) as uow:
        bom = production.create_bom(uow, actor=who(db, "eng.one"), data=production.BomCreate(
            item="PUMP-X", version="B", change_reason="catheter kit",
            effective_from=plant_today(), lines=[{"item": "P-CATH", "quantity": "2"}]))
        production.submit_bom(uow, bom_id=bom.id, actor=who(db, "eng.one"))
        bom_id = bom.id
    assert review_bom(db, bom_id) == "released"
    mes = _headers(client, "prod.planner")
    wo = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "1", "bom_version": "B"}).json()["number"]
    assert client.post(f"/api/v1/work-orders/{wo}/release", headers=mes).status_code == 200
    issued = client.post(f"/api/v1/work-orders/{wo}/issues", headers=mes, json={
        "scan": scan(plant["cath_gtin"], lot="E2E-1", expiry=expiry), "quantity": "2",
        "location": "P-AZ", "output_serial": "MON-0001"})
    assert issued.status_code == 201, issued.text

    back = client.get("/api/v1/trace/backward", headers=qa,
                      params={"code": "MON-0001", "item": "PUMP-X"})
    assert back.status_code == 200, back.text
    (source,) = [one for one in back.json()["lots"] if one["lot"] == "E2E-1"]
    found = source["receipt"]
    assert found["document"] == receipt["number"]
    assert found["purchase_order"] == order["number"]
    assert found["supplier"] == "P-SUP-1"
    assert found["date"] == str(plant_today())
    assert found["inspection"]["number"] == number
    assert found["inspection"]["verdict"] == "accepted"
    assert found["inspection"]["signed_by"] == "pur.qa" and found["inspection"]["signed_at"]
    dhr = client.get("/api/v1/dhr/MON-0001", headers=mes, params={"item": "PUMP-X"}).json()
    (component,) = dhr["components"]
    assert (component["lot"], component["supplier"], component["receipt"]) == (
        "E2E-1", "P-SUP-1", receipt["number"])
    assert component["inspection"] == f"{number} accepted"
