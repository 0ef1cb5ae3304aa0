"""Receiving in a real headless Chromium on a 360 px handheld: the demo warehouse keeper opens
the receiving page of an approved order, and the scanner types a GS1 DataMatrix string with its
symbology identifier and GS separators into the scan field. A lot with too little shelf life
left is refused at the field, in Chinese; the good lot is received into quarantine with its
inspection, and the receipt names it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}
GS = "\x1d"
CATHETER_UNIT_GTIN = "06971234560025"  # CVC-7F, the unit level (catalog demo)


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]



def test_a_keeper_receives_a_scanned_lot_on_a_handheld(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "wang.wei")  # the demo warehouse keeper
    found = page.request.get(f"{live_server}/api/v1/purchase-orders?status=approved"
                             "&supplier=SUP-KANGDA")
    assert found.ok, found.text()
    order = next(o for o in found.json()["items"] if o["lines"][0]["item"] == "CVC-7F")

    page.goto(f"{live_server}/procurement/receive?order={order['number']}")
    assert page.locator("h1").inner_text() == "收货"
    _fits(page)
    scan = page.get_by_test_id("receive-scan")
    today = dt.date.today()
    # the scanner types: symbology identifier, (01) (17) (10), a GS, then the next field
    scan.press_sequentially(f"]d201{CATHETER_UNIT_GTIN}17{today + dt.timedelta(days=60):%y%m%d}"
                            f"10SHORT1{GS}240REF-7F")
    page.get_by_test_id("receive-quantity").fill("50")
    with page.expect_navigation():
        page.get_by_test_id("receive-quantity").press("Enter")
    refusal = page.locator('[data-field-error="scan"]')
    assert refusal.inner_text() == "剩余有效期短于该物料的最低要求"
    _fits(page)

    scan = page.get_by_test_id("receive-scan")
    scan.fill("")
    scan.press_sequentially(f"]d201{CATHETER_UNIT_GTIN}17{today + dt.timedelta(days=800):%y%m%d}"
                            f"10CV-HH01{GS}240REF-7F")
    assert GS in scan.input_value()
    page.get_by_test_id("receive-quantity").fill("50")
    with page.expect_navigation():
        page.get_by_test_id("receive-post").click()
    done = page.get_by_test_id("receipt-done")
    assert done.is_visible() and "CV-HH01" in done.inner_text()
    number = page.get_by_test_id("receipt-number").inner_text()
    inspection = page.get_by_test_id("receipt-inspection").inner_text()
    _fits(page)
    receipt = page.request.get(f"{live_server}/api/v1/receipts/{number}").json()
    assert receipt["purchase_order"] == order["number"]
    assert receipt["lots"][0]["lot"] == "CV-HH01" and receipt["lots"][0]["status"] == "quarantine"
    assert receipt["inspection"] == inspection
    assert errors == []
    context.close()
