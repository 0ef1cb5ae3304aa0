"""The sales pages through real HTTP, in Chinese and English: an order placed on its form (and
an unlicensed customer refused there with every reason, in Chinese), allocated, picked by scan
on the handheld picking page (a wrong scan refused at the scan field), packed into cases and
onto a pallet, shipped from the order page, delivered, returned and dispositioned; a return of
a lot never shipped refused on its form; customers' terms and prices set on their forms; the
permissions of the routes. Each form is posted with its CSRF token; every refusal is shown at
its field in the user's language."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from medtrace.modules import sales
from medtrace.modules.sales.rules import SHORT_REASONS
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import set_locale, translate
from tests.factories.auth import PASSWORD, csrf_from, web_login
from tests.factories.sales import (
    lot_scan,
    make_distributor,
    order,
    publish_sales_process,
    unit_scan,
)


@pytest.fixture
def shop(db):  # type: ignore[no-untyped-def]
    return make_distributor(db)


def _login(client, username: str, lang: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Sign in (a fresh session) and answer the session's CSRF token."""
    client.cookies.clear()
    if lang:
        client.cookies.set("medtrace_lang", lang)
    assert web_login(client, username).status_code == 303
    return csrf_from(client.get("/sales/orders").text)


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}">([^<]*)<', html)
    return unescape(found.group(1)) if found else None


def _testid(html: str, testid: str) -> str | None:
    """The text of the element with this test id (tags removed)."""
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</(?:span|td|dd|div|ul|'
                      r'strong|section|li|tr)>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def _row(html: str, testid: str) -> str:
    """The text of the table row with this test id."""
    found = re.search(rf'<tr data-testid="{re.escape(testid)}">(.*?)</tr>', html, re.S)
    assert found, testid
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _input_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input name="{re.escape(name)}"[^>]*?value="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def _allocate(client, token: str, number: str) -> None:  # type: ignore[no-untyped-def]
    done = client.post(f"/sales/orders/{number}/allocate", data={"csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("done=allocated")


def _pick(client, token: str, number: str, scan: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/sales/pick", data={"csrf_token": token, "order": number, "scan": scan,
                                            **fields})


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_pages_render_in_both_languages(client, db, shop, lang):
    confirmed = order(db, "DIST", [("S-CATH", "10", "20")])
    quotation = order(db, "HOSP", [("S-CATH", "5", "20")], quotation=True)
    _login(client, "sal.admin", lang)
    listed = client.get("/sales/orders")
    assert listed.status_code == 200
    assert f'lang="{"zh-CN" if lang == "zh_CN" else "en"}"' in listed.text
    assert _testid(listed.text, f"status-{confirmed}") == translate("confirmed", lang)
    assert _testid(listed.text, f"status-{quotation}") == translate("quotation", lang)
    only = client.get("/sales/orders?status=quotation")
    assert quotation in only.text and confirmed not in only.text
    assert confirmed not in client.get("/sales/orders?customer=HOSP").text
    detail = client.get(f"/sales/orders/{quotation}")
    assert detail.status_code == 200
    assert f"/sales/orders/{quotation}/confirm" in detail.text
    assert _testid(detail.text, "sales-order-status") == translate("quotation", lang)
    for path in ("/sales/orders/new", "/sales/pick", f"/sales/pick?order={confirmed}",
                 "/sales/shipments", "/sales/returns", "/sales/returns/new", "/sales/customers",
                 "/sales/customers/HOSP", "/sales/prices"):
        assert client.get(path).status_code == 200, path
    prefilled = client.get("/sales/orders/new?customer=HOSP").text
    assert _input_value(prefilled, "customer") == "HOSP"
    assert _input_value(prefilled, "ship_to") == "MAIN"  # its only ship-to address
    assert "DIST2" in client.get("/sales/customers?q=DIST").text
    assert 'data-testid="price-S-CATH-CNY-EA"' in client.get("/sales/prices").text
    publish_sales_process(db)
    approval = order(db, "DIST", [("S-CATH", "10", "15")])
    reasons = client.get(f"/sales/orders/{approval}").text
    assert _testid(reasons, "sales-order-status") == translate("in approval", lang)
    assert _testid(reasons, "approval-PRICE-BELOW-FLOOR") == translate(
        "line %(line)s: %(price)s %(currency)s is below the lowest price %(floor)s", lang,
        line="1", price="15", currency="CNY", floor="18")
    assert client.get("/sales/orders/SO-NOPE").status_code == 404
    assert client.get("/sales/shipments/DN-NOPE").status_code == 404
    assert client.get("/sales/returns/RMA-NOPE").status_code == 404
    assert client.get("/sales/customers/NOBODY").status_code == 404


def test_an_order_and_a_quotation_placed_on_the_form(client, db, shop):
    token = _login(client, "sal.rep")
    made = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "DIST", "ship_to": "MAIN", "currency": "CNY",
        "customer_reference": "PO-77", "requested_date": "2030-01-15", "note": "urgent",
        "lines.0.item": "S-CATH", "lines.0.quantity": "20", "lines.0.uom": "EA",
        "lines.0.unit_price": "20", "lines.2.item": "S-PUMP", "lines.2.quantity": "1",
        "lines.2.unit_price": "30000"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    assert made.headers["location"].endswith("?done=created")
    number = made.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert number.startswith("SO-")
    page = client.get(made.headers["location"]).text
    assert 'data-testid="done"' in page and "PO-77" in page and "urgent" in page
    assert _testid(page, "sales-order-status") == translate("confirmed", "zh_CN")
    assert _testid(page, "sales-order-total").startswith("30400 CNY")
    assert 'data-testid="line-2"' in page  # the empty row between is ignored

    quoted = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "HOSP", "ship_to": "MAIN", "quotation": "1",
        "lines.0.item": "S-CATH", "lines.0.quantity": "5", "lines.0.unit_price": "20"},
        follow_redirects=False)
    assert quoted.status_code == 303
    where = quoted.headers["location"].split("?")[0]
    assert where.rsplit("/", 1)[1].startswith("QT-")
    confirmed = client.post(f"{where}/confirm", data={"csrf_token": token},
                            follow_redirects=False)
    assert confirmed.headers["location"].endswith("done=confirmed")
    assert _testid(client.get(where).text, "sales-order-status") == translate("confirmed",
                                                                              "zh_CN")

    bad = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "DIST", "ship_to": "ELSEWHERE",
        "lines.0.item": "NOPE", "lines.0.quantity": "1", "lines.0.unit_price": "1",
        "lines.1.item": "S-CATH", "lines.1.quantity": "1", "lines.1.uom": "KG",
        "lines.1.unit_price": "1"})
    assert bad.status_code == 422
    assert _field_error(bad.text, "ship_to") == translate(
        "not a ship-to address of the customer", "zh_CN")
    assert _field_error(bad.text, "lines.0.item") == translate("unknown item", "zh_CN")
    assert _field_error(bad.text, "lines.1.uom") == translate("not a unit of the item", "zh_CN")
    assert _input_value(bad.text, "lines.0.item") == "NOPE"  # what was typed stays
    typo = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "DIST", "ship_to": "MAIN",
        "lines.0.item": "S-CATH", "lines.0.quantity": "many", "lines.0.unit_price": "1"})
    assert typo.status_code == 422
    assert _field_error(typo.text, "lines.0.quantity") == translate("must be a number",
                                                                     "zh_CN")
    empty = client.post("/sales/orders/new", data={"csrf_token": token, "customer": "DIST",
                                                   "ship_to": "MAIN"})
    assert empty.status_code == 422 and _field_error(empty.text, "lines")
    with UnitOfWork(db, write=False) as uow:
        assert sales.list_orders(uow)[1] == 2  # nothing of the refused forms


def test_an_unlicensed_customer_is_refused_on_the_form_with_every_reason_in_chinese(
        client, db, shop):
    set_locale("zh_CN")
    with pytest.raises(sales.CustomerNotLicensed) as caught:
        order(db, "NOLIC", [("S-CATH", "10", "20"), ("S-PUMP", "1", "30000")])
    expected = caught.value.errors
    assert len(expected) >= 4
    token = _login(client, "sal.rep")
    refused = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "NOLIC", "ship_to": "MAIN",
        "lines.0.item": "S-CATH", "lines.0.quantity": "10", "lines.0.unit_price": "20",
        "lines.1.item": "S-PUMP", "lines.1.quantity": "1", "lines.1.unit_price": "30000"})
    assert refused.status_code == 422
    assert "MT-SALES-CUSTOMER-NOT-LICENSED" in refused.text
    problems = re.search(r'data-testid="problems">(.*?)</ul>', refused.text, re.S)
    assert problems
    listed = [unescape(p) for p in re.findall(r"<li>([^<]*)</li>", problems.group(1))]
    assert listed == [e["message"] for e in expected]
    for index in (0, 1):
        shown = _field_error(refused.text, f"lines.{index}.item")
        assert shown == "; ".join(e["message"] for e in expected
                                  if e["field"] == f"lines.{index}.item")
        assert re.search(r"[\u4e00-\u9fff]", shown), shown  # Chinese
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", " ".join(listed))


def test_allocation_and_shortage_are_shown_on_the_order(client, db, shop):
    fefo = order(db, "DIST", [("S-CATH", "120", "20")])
    short = order(db, "HOSP", [("S-CATH", "120", "20")])
    token = _login(client, "sal.picker")
    _allocate(client, token, fefo)
    page = client.get(f"/sales/orders/{fefo}").text
    assert 'data-testid="allocation-C-SHORT"' in page and 'data-testid="allocation-C-EARLY"' in page
    assert page.index("allocation-C-SHORT") < page.index("allocation-C-EARLY")  # FEFO
    row = _row(page, "allocation-C-EARLY")
    assert "S-A01" in row and "70 EA" in row
    assert _testid(page, "missing-1") == "0"
    _allocate(client, token, short)
    page = client.get(f"/sales/orders/{short}").text
    assert _testid(page, "missing-1") == "20"
    assert _testid(page, "short-shelf_life").startswith(translate(SHORT_REASONS["shelf_life"],
                                                                  "zh_CN"))
    assert "365" in _testid(page, "shortage-1")
    quotation = order(db, "DIST", [("S-CATH", "1", "20")], quotation=True)
    refused = client.post(f"/sales/orders/{quotation}/allocate", data={"csrf_token": token})
    assert refused.status_code == 422 and "MT-SALES-ORDER-STATE" in refused.text
    nothing = client.post(f"/sales/orders/{fefo}/ship", data={"csrf_token": token})
    assert nothing.status_code == 422 and "MT-SALES-SHIPMENT-INVALID" in nothing.text
    problems = re.search(r'data-testid="problems">(.*?)</ul>', nothing.text, re.S).group(1)
    assert translate("nothing is picked: scan what goes out", "zh_CN") in unescape(problems)


def test_picking_by_scan_on_the_handheld_page(client, db, shop):
    cath, pump = shop["cath_gtin"], shop["pump_gtin"]
    number = order(db, "DIST", [("S-CATH", "20", "20"), ("S-PUMP", "1", "30000")])
    token = _login(client, "sal.picker")
    _allocate(client, token, number)
    opened = client.get(f"/sales/pick?order={number}")
    assert _input_value(opened.text, "order") == number
    assert "C-SHORT" in _testid(opened.text, "next-1")  # the FEFO lot to pick next
    assert 'class="scan-input"' in opened.text and "&lt;GS&gt;" in opened.text

    wrong = _pick(client, token, number, lot_scan(cath, "C-QZ"), quantity="1")
    assert wrong.status_code == 422
    assert "MT-SALES-SCAN-REFUSED" in wrong.text
    assert _field_error(wrong.text, "scan") == translate(SHORT_REASONS["quarantine"], "zh_CN")
    assert _input_value(wrong.text, "scan") == "" and _input_value(wrong.text, "order") == number

    picked = _pick(client, token, number, lot_scan(cath, "C-SHORT"))
    assert picked.status_code == 200, picked.text
    assert "C-SHORT" in _testid(picked.text, "pick-done")
    assert "20 EA" in _testid(picked.text, "pick-done")
    assert re.search(r'data-testid="progress-1"><td>S-CATH</td><td class="num">20</td>',
                     picked.text)
    assert _input_value(picked.text, "order") == number and _input_value(picked.text,
                                                                         "scan") == ""
    unit = _pick(client, token, number, unit_scan(pump, "PU-2") + "<GS>240REF-P")
    assert "PU-2" in _testid(unit.text, "pick-done")

    full = _pick(client, token, number, lot_scan(cath, "C-EARLY"), quantity="1")
    assert _field_error(full.text, "scan") == translate("the order needs no more of this item",
                                                        "zh_CN")
    nothing = _pick(client, token, number, "NO-SUCH-CODE")
    assert _field_error(nothing.text, "scan") == translate(
        "no lot, serial or package carries this code", "zh_CN")
    unknown = _pick(client, token, "SO-NOPE", lot_scan(cath, "C-LATE"))
    assert _field_error(unknown.text, "order") == translate("Sales order not found.", "zh_CN")
    no_order = _pick(client, token, "", lot_scan(cath, "C-LATE"))
    assert _field_error(no_order.text, "order") == translate("required", "zh_CN")
    bad_number = _pick(client, token, number, lot_scan(cath, "C-LATE"), quantity="-1")
    assert _field_error(bad_number.text, "quantity")

    page = client.get(f"/sales/orders/{number}").text
    picks = re.findall(r'data-testid="pick-(\d+)"', page)
    assert len(picks) == 2
    put_back = client.post(f"/sales/orders/{number}/picks/{picks[1]}/put-back",
                           data={"csrf_token": token}, follow_redirects=False)
    assert put_back.headers["location"].endswith("done=put_back")
    assert f'data-testid="pick-{picks[1]}"' not in client.get(f"/sales/orders/{number}").text


def test_pack_ship_deliver_return_and_disposition(client, db, shop, settings):
    cath = shop["cath_gtin"]
    number = order(db, "DIST", [("S-CATH", "30", "20")])
    token = _login(client, "sal.picker")
    _allocate(client, token, number)
    for quantity in ("10", "10", "10"):
        assert _pick(client, token, number, lot_scan(cath, "C-SHORT"),
                     quantity=quantity).status_code == 200
    page = client.get(f"/sales/orders/{number}").text
    picks = re.findall(r'data-testid="pack-pick-(\d+)"', page)
    assert len(picks) == 3
    ssccs = []
    for group in ([picks[0]], picks[1:]):
        packed = client.post(f"/sales/orders/{number}/pack", data={
            "csrf_token": token, "kind": "case", "picks": group}, follow_redirects=False)
        assert packed.status_code == 303, packed.text
        assert packed.headers["location"].endswith("done=packed")
    page = client.get(f"/sales/orders/{number}").text
    ssccs = re.findall(r'data-testid="pack-case-(\d{18})"', page)
    assert len(ssccs) == 2
    assert translate("case", "zh_CN") in _row(page, f"package-{ssccs[0]}")
    twice = client.post(f"/sales/orders/{number}/pack", data={
        "csrf_token": token, "kind": "case", "picks": [picks[0]]})
    assert twice.status_code == 422
    assert _field_error(twice.text, "picks") == translate(
        "not an open, unpacked pick of this order", "zh_CN")
    pallet = client.post(f"/sales/orders/{number}/pack", data={
        "csrf_token": token, "kind": "pallet", "packages": ssccs}, follow_redirects=False)
    assert pallet.status_code == 303
    page = client.get(f"/sales/orders/{number}").text
    pallet_sscc = re.findall(r'data-testid="unpack-(\d{18})"', page)
    assert len(pallet_sscc) == 1 and pallet_sscc[0] not in ssccs
    assert _row(page, f"package-{ssccs[1]}").split()[2] == pallet_sscc[0]  # on the pallet
    unpacked = client.post(f"/sales/orders/{number}/unpack", data={
        "csrf_token": token, "sscc": pallet_sscc[0]}, follow_redirects=False)
    assert unpacked.headers["location"].endswith("done=unpacked")
    page = client.get(f"/sales/orders/{number}").text
    assert sorted(re.findall(r'data-testid="pack-case-(\d{18})"', page)) == sorted(ssccs)
    repacked = client.post(f"/sales/orders/{number}/pack", data={
        "csrf_token": token, "kind": "pallet", "packages": ssccs}, follow_redirects=False)
    assert repacked.status_code == 303
    page = client.get(f"/sales/orders/{number}").text
    pallet_sscc = re.findall(r'data-testid="unpack-(\d{18})"', page)

    shipped = client.post(f"/sales/orders/{number}/ship", data={
        "csrf_token": token, "carrier": "顺丰", "tracking_number": "SF123"},
        follow_redirects=False)
    assert shipped.status_code == 303, shipped.text
    assert shipped.headers["location"].endswith("?done=shipped")
    where = shipped.headers["location"].split("?")[0]
    shipment = where.rsplit("/", 1)[1]
    page = client.get(shipped.headers["location"]).text
    assert _testid(page, "shipment-status") == translate("shipped", "zh_CN")
    lines = [_row(page, f"shipment-line-{n}") for n in (1, 2, 3)]
    assert all("C-SHORT" in line and "10 EA" in line for line in lines) and "顺丰" in page
    assert f"/api/v1/shipments/{shipment}/delivery-note.pdf?lang=zh_CN" in page
    assert re.search(rf"/api/v1/shipments/{shipment}/certificates/COC-[^\"]+\.pdf\?lang=zh_CN",
                     page)
    assert f'href="/api/v1/shipments/{shipment}/asn"' in page
    assert pallet_sscc[0] in page
    assert _testid(client.get(f"/sales/orders/{number}").text,
                   "sales-order-status") == translate("shipped", "zh_CN")

    zone = ZoneInfo(settings.timezone)
    later = (dt.datetime.now(zone) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    future = client.post(f"{where}/delivered", data={
        "csrf_token": token, "delivered_at": later, "received_by": "王老师"})
    assert future.status_code == 422
    assert _field_error(future.text, "delivered_at") == translate("in the future", "zh_CN")
    earlier = (dt.datetime.now(zone) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    early = client.post(f"{where}/delivered", data={
        "csrf_token": token, "delivered_at": earlier, "received_by": "王老师"})
    assert _field_error(early.text, "delivered_at") == translate("before the shipment",
                                                                 "zh_CN")
    nobody = client.post(f"{where}/delivered", data={"csrf_token": token, "received_by": ""})
    assert nobody.status_code == 422 and _field_error(nobody.text, "received_by")
    delivered = client.post(f"{where}/delivered", data={  # no time: now
        "csrf_token": token, "delivered_at": "", "received_by": "王老师", "note": "完好"},
        follow_redirects=False)
    assert delivered.status_code == 303 and delivered.headers["location"].endswith(
        "done=delivered")
    page = client.get(where).text
    assert _testid(page, "shipment-status") == translate("delivered", "zh_CN")
    assert "王老师" in _testid(page, "shipment-delivered")
    assert 'data-testid="delivery-form"' not in page

    returned = client.post("/sales/returns/new", data={
        "csrf_token": token, "customer": "DIST", "shipment": shipment, "reason": "包装破损",
        "lines.0.scan": lot_scan(cath, "C-SHORT"), "lines.0.quantity": "2"},
        follow_redirects=False)
    assert returned.status_code == 303, returned.text
    record = returned.headers["location"].split("?")[0]
    page = client.get(returned.headers["location"]).text
    line_id = re.search(r'data-testid="return-line-(\d+)"', page).group(1)
    assert _testid(page, f"disposition-{line_id}") == translate("in quarantine", "zh_CN")
    assert f"decide-form-{line_id}" not in page  # the receiver holds no disposition right

    token = _login(client, "sal.qa")
    wrong = client.post(f"{record}/lines/{line_id}/disposition", data={
        "csrf_token": token, "disposition": "scrapped", "findings": "破损",
        "password": "wrong"})
    assert wrong.status_code == 422 and "MT-ESIGN-PASSWORD-WRONG" in wrong.text
    decided = client.post(f"{record}/lines/{line_id}/disposition", data={
        "csrf_token": token, "disposition": "scrapped", "findings": "破损",
        "password": PASSWORD}, follow_redirects=False)
    assert decided.status_code == 303, decided.text
    page = client.get(record).text
    assert _testid(page, f"disposition-{line_id}") == translate("scrapped", "zh_CN")
    assert _testid(page, "return-status") == translate("closed", "zh_CN")


def test_a_return_of_a_lot_never_shipped_is_refused_on_the_form(client, db, shop):
    token = _login(client, "sal.picker")
    refused = client.post("/sales/returns/new", data={
        "csrf_token": token, "customer": "DIST", "reason": "退货",
        "lines.1.scan": lot_scan(shop["cath_gtin"], "C-LATE"), "lines.1.quantity": "5"})
    assert refused.status_code == 422
    assert "MT-SALES-RETURN-REFUSED" in refused.text
    assert _field_error(refused.text, "lines.0.scan") == translate(
        "never shipped to this customer", "zh_CN") + " (C-LATE)"
    assert _input_value(refused.text, "lines.0.quantity") == "5"
    empty = client.post("/sales/returns/new", data={"csrf_token": token, "customer": "DIST",
                                                    "reason": ""})
    assert empty.status_code == 422
    assert _field_error(empty.text, "reason") and _field_error(empty.text, "lines")


def test_the_english_pages(client, db, shop):
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    token = _login(client, "sal.picker", "en")
    assert 'lang="en"' in client.get("/sales/pick").text
    assert "<h1>Picking</h1>" in client.get("/sales/pick").text
    wrong = _pick(client, token, number, lot_scan(shop["cath_gtin"], "C-HOLD"), quantity="1")
    assert _field_error(wrong.text, "scan") == "on hold"
    page = client.get(f"/sales/orders/{number}").text
    assert _testid(page, "sales-order-status") == "confirmed"
    assert "Allocate stock (FEFO)" in page
    token = _login(client, "sal.rep", "en")
    refused = client.post("/sales/orders/new", data={
        "csrf_token": token, "customer": "NOLIC", "ship_to": "MAIN",
        "lines.0.item": "S-CATH", "lines.0.quantity": "10", "lines.0.unit_price": "20"})
    assert refused.status_code == 422
    shown = _field_error(refused.text, "lines.0.item")
    assert shown and not re.search(r"[\u4e00-\u9fff]", shown)  # English reasons


def test_customer_terms_ship_tos_shelf_life_and_prices_on_their_forms(client, db, shop):
    token = _login(client, "sal.rep")
    base = "/sales/customers/HOSP"
    saved = client.post(f"{base}/terms", data={
        "csrf_token": token, "credit_limit": "50000", "min_remaining_days": "180",
        "payment_days": "30", "note": "月结"}, follow_redirects=False)
    assert saved.headers["location"].endswith("done=terms")
    page = client.get(base).text
    assert _testid(page, "credit-limit") == "50000" and "月结" in page
    bad = client.post(f"{base}/terms", data={"csrf_token": token, "payment_days": "999"})
    assert bad.status_code == 422 and _field_error(bad.text, "payment_days")

    added = client.post(f"{base}/ship-tos", data={
        "csrf_token": token, "code": "WARD-3", "name": "三病区", "address": "上海市徐汇区",
        "contact": "李护士", "active": "1"}, follow_redirects=False)
    assert added.headers["location"].endswith("done=ship_to")
    assert 'data-testid="ship-to-WARD-3"' in client.get(base).text
    change = client.get(f"{base}?ship_to=WARD-3").text
    assert _input_value(change, "name") == "三病区"
    gln = client.post(f"{base}/ship-tos", data={
        "csrf_token": token, "code": "WARD-4", "name": "四病区", "address": "上海",
        "gln": "6901234567891"})
    assert gln.status_code == 422
    assert _field_error(gln.text, "gln") == translate("wrong check digit", "zh_CN")

    rule = client.post(f"{base}/shelf-life", data={
        "csrf_token": token, "item": "S-CATH", "min_remaining_days": "400"},
        follow_redirects=False)
    assert rule.headers["location"].endswith("done=shelf_life")
    assert 'data-testid="shelf-life-S-CATH"' in client.get(base).text
    client.post(f"{base}/shelf-life", data={"csrf_token": token, "item": "S-CATH",
                                            "min_remaining_days": ""})
    assert 'data-testid="shelf-life-S-CATH"' not in client.get(base).text
    unknown = client.post(f"{base}/shelf-life", data={"csrf_token": token, "item": "NOPE",
                                                      "min_remaining_days": "10"})
    assert _field_error(unknown.text, "item") == translate("unknown item", "zh_CN")

    price = client.post("/sales/prices", data={
        "csrf_token": token, "item": "S-CATH", "currency": "USD", "uom": "CS",
        "list_price": "30", "floor_price": "25"}, follow_redirects=False)
    assert price.headers["location"] == "/sales/prices?done=price"
    assert 'data-testid="price-S-CATH-USD-CS"' in client.get("/sales/prices").text
    above = client.post("/sales/prices", data={
        "csrf_token": token, "item": "S-CATH", "list_price": "10", "floor_price": "12"})
    assert above.status_code == 422
    assert _field_error(above.text, "floor_price") == translate("above the list price", "zh_CN")


def test_the_routes_need_their_permissions(client, db, shop):
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    token = _login(client, "sal.rep")
    assert client.get("/sales/pick").status_code == 403
    page = client.get(f"/sales/orders/{number}").text
    assert "/allocate" not in page and f'{number}/ship"' not in page  # nor picks nor ships
    for path in (f"/sales/orders/{number}/allocate", f"/sales/orders/{number}/ship",
                 "/sales/pick", "/sales/returns/new"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    token = _login(client, "sal.picker")
    assert client.get("/sales/orders/new").status_code == 403
    assert "/cancel" not in client.get(f"/sales/orders/{number}").text
    for path in ("/sales/orders/new", f"/sales/orders/{number}/cancel", "/sales/prices",
                 "/sales/customers/DIST/terms"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    forged = client.post(f"/sales/orders/{number}/allocate", data={"csrf_token": "forged"})
    assert forged.status_code in (400, 403)
    with UnitOfWork(db, write=False) as uow:
        assert sales.order_view(uow, sales.get_order_or_raise(uow, number))["allocation"][0][
            "allocated"] == "0"
