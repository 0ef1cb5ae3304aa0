"""The purchasing pages through real HTTP, in Chinese: an order made on its form (the refusal at
the field), submitted, the receiving page posting a scan with GS separators, the receipt, the
supplier performance page, and refusals shown at the field in the user's language."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories.auth import csrf_from, web_login
from tests.factories.clock import plant_today
from tests.factories.purchasing import approved_order, make_plant, scan
from tests.factories.trace import make_partner

GOOD = plant_today() + dt.timedelta(days=700)


@pytest.fixture
def plant(db):  # type: ignore[no-untyped-def]
    return make_plant(db)


def _post(client, path, data):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(path.split("/submit")[0] if "/submit" in path else path).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_an_order_made_and_submitted_on_the_pages(client, db, plant):
    web_login(client, "pur.buyer")
    refused = _post(client, "/procurement/orders/new", {
        "supplier": "P-SUP-1", "currency": "USD", "lines.0.item": "NOPE",
        "lines.0.quantity": "5", "lines.0.unit_price": "1"})
    assert refused.status_code == 422
    assert 'data-field-error="lines.0.item"' in refused.text
    assert "未知物料" in refused.text
    made = _post(client, "/procurement/orders/new", {
        "supplier": "P-SUP-1", "currency": "CNY", "lines.0.item": "P-CATH",
        "lines.0.quantity": "20", "lines.0.uom": "EA", "lines.0.unit_price": "10",
        "lines.0.requested_date": str(plant_today())})
    assert made.status_code == 303, made.text
    where = made.headers["location"]
    page = client.get(where)
    assert page.status_code == 200 and "草稿" in page.text
    token = csrf_from(page.text)
    submitted = client.post(f"{where}/submit", data={"csrf_token": token},
                            follow_redirects=True)
    assert submitted.status_code == 200 and 'data-testid="workflow"' in submitted.text
    assert "审批中" in submitted.text
    cancelled = client.post(f"{where}/cancel", data={"csrf_token": token, "reason": " "})
    assert cancelled.status_code == 422  # the reason is required
    assert "需要填写原因" in cancelled.text


def test_receiving_a_scan_on_the_handheld_page(client, db, plant):
    number = approved_order(db, [{"item": "P-CATH", "quantity": "50", "uom": "EA",
                                  "unit_price": "1"}])
    web_login(client, "pur.buyer")
    form = client.get(f"/procurement/receive?order={number}")
    assert form.status_code == 200 and number in form.text
    token = csrf_from(form.text)
    short = client.post("/procurement/receive", data={
        "csrf_token": token, "purchase_order": number, "quantity": "10",
        "scan": scan(plant["cath_gtin"], lot="W1", expiry=plant_today() + dt.timedelta(days=30))})
    assert short.status_code == 422 and 'data-field-error="scan"' in short.text
    assert "剩余有效期" in short.text
    done = client.post("/procurement/receive", data={
        "csrf_token": token, "purchase_order": number, "quantity": "10",
        "scan": scan(plant["cath_gtin"], lot="W1", expiry=GOOD).replace("\x1d", "^]")})
    assert done.status_code == 200 and 'data-testid="receipt-done"' in done.text
    receipt = client.get("/procurement/receipts").text
    assert "GR-" in receipt
    performance = client.get("/procurement/suppliers")
    assert performance.status_code == 200 and "P-SUP-1" in performance.text
    assert client.get("/procurement/suppliers/P-SUP-1").status_code == 200
    assert client.get("/procurement/requisitions").status_code == 200
    assert client.get("/procurement/returns").status_code == 200
    assert client.get(f"/procurement/orders/{number}").status_code == 200


def test_the_partner_page_shows_supplier_performance(client, db, plant):
    """Purchasing adds its panel to the partners module's page (a ``RecordPanel``): on-time
    delivery, lot rejection rate and the switching state per item, in the user's language."""
    number = approved_order(db, [{"item": "P-CATH", "quantity": "50", "uom": "EA",
                                  "unit_price": "1"}])
    web_login(client, "pur.buyer")
    form = client.get(f"/procurement/receive?order={number}")
    client.post("/procurement/receive", data={
        "csrf_token": csrf_from(form.text), "purchase_order": number, "quantity": "10",
        "scan": scan(plant["cath_gtin"], lot="W2", expiry=GOOD)})
    client.cookies.clear()
    web_login(client, "pur.qa")
    page = client.get(f"/partners/{plant['supplier']}")
    assert page.status_code == 200
    assert 'data-panel="procurement.supplier_performance"' in page.text
    assert "近 90 天按时交付率" in page.text and "100.0 %" in page.text
    client.cookies.set("medtrace_lang", "en")
    english = client.get(f"/partners/{plant['supplier']}").text
    assert "On-time delivery, last 90 days" in english and "Lot rejection rate" in english
    # a partner that never delivered shows no purchasing panel
    customer = make_partner(db, "P-HOSP", customer=True)
    assert 'data-panel="procurement' not in client.get(f"/partners/{customer}").text
