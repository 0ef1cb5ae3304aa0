"""The partner's page shows a customer's sales: its credit limit, open orders in CNY, orders to
ship, shipments awaiting proof of delivery; nothing for a partner that is no customer."""

from __future__ import annotations

from tests.factories.auth import web_login
from tests.factories.sales import make_distributor, order
from tests.factories.trace import make_partner


def test_the_partner_page_shows_the_customers_sales(client, db):
    ids = make_distributor(db)
    order(db, "DIST", [("S-CATH", "10", "20")])
    supplier = make_partner(db, "S-SUPPLIER", supplier=True)
    web_login(client, "sal.admin")
    page = client.get(f"/partners/{ids['DIST']}")
    assert page.status_code == 200
    assert 'data-panel="sales.customer"' in page.text
    assert "信用额度（人民币）" in page.text and "200000" in page.text
    client.cookies.set("medtrace_lang", "en")
    english = client.get(f"/partners/{ids['DIST']}").text
    assert "Open sales orders (CNY)" in english and "Sales orders to ship" in english
    assert 'data-panel="sales' not in client.get(f"/partners/{supplier}").text
