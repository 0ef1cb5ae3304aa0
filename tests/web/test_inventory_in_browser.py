"""The transfer form in a real headless Chromium on a handheld-sized screen: a keyboard-wedge
scanner sends a raw GS1 UDI (with the group separator as a keystroke) into the item field,
which fills item and lot and moves on; the location labels are scanned into from and to,
the quantity typed, and the transfer is posted; no script error, no CSP violation, nothing
wider than the screen."""

from __future__ import annotations

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

CVC_UNIT_GTIN = "06971234560025"  # demo item CVC-7F, lot-tracked, level 0
HANDHELD = {"width": 360, "height": 740}


def _issuable_lot(page, base: str, location: str) -> dict:
    """A released catheter lot the demo keeps at ``location`` (the session cookie is
    enough for the API)."""
    answer = page.request.get(f"{base}/api/v1/inventory/balances?location={location}")
    assert answer.ok, answer.text()
    return next(r for r in answer.json()["items"] if r["item"] == "CVC-7F" and r["issuable"])


def test_a_scanned_udi_is_transferred_on_a_handheld(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "wang.wei")  # the demo warehouse keeper
    lot = _issuable_lot(page, live_server, "WH-SJ-A01")
    page.goto(live_server + "/inventory/transfer")
    assert page.locator("h1").inner_text() == "调拨"
    assert page.evaluate("document.activeElement.name") == "item"  # scan first

    expiry = lot["expiry"][2:].replace("-", "")  # YYMMDD
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")) as answer:
        page.keyboard.type("]d201" + CVC_UNIT_GTIN + "10" + lot["lot"])
        page.keyboard.press("Control+BracketRight")  # the scanner's group separator
        page.keyboard.type("17" + expiry)
        page.keyboard.press("Enter")
    assert answer.value.ok
    form = page.get_by_test_id("transfer-form")
    page.wait_for_function("document.querySelector('[data-testid=move-lot]').value !== ''")
    assert page.get_by_test_id("move-item").input_value() == "CVC-7F"
    assert page.get_by_test_id("move-lot").input_value() == lot["lot"]
    assert "/inventory/transfer" in page.url and "done=" not in page.url  # not submitted
    page.wait_for_function("document.activeElement.name === 'from_location'")

    page.keyboard.type("WH-SJ-A01")  # the location labels, scanned one after the other
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.name === 'to_location'")
    page.keyboard.type("WH-SJ-A03")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.name === 'quantity'")
    page.keyboard.type("5")
    box = form.get_by_test_id("move-submit").bounding_box()
    assert box is not None and box["x"] + box["width"] <= HANDHELD["width"]
    wide = page.evaluate("""Array.from(document.querySelectorAll('main *')).filter(
        e => e.getBoundingClientRect().right > innerWidth).map(e => e.tagName + ' ' + e.name)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"], wide
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "done=" in page.url
    posted = page.get_by_test_id("posted").inner_text()
    assert "CVC-7F" in posted and lot["lot"] in posted and "WH-SJ-A01 → WH-SJ-A03" in posted
    assert page.get_by_test_id("move-from").input_value() == "WH-SJ-A01"  # kept for the next
    assert page.get_by_test_id("move-item").input_value() == ""

    moved = page.request.get(f"{live_server}/api/v1/inventory/balances?location=WH-SJ-A03")
    assert any(r["lot"] == lot["lot"] and r["quantity"].startswith("5")
               for r in moved.json()["items"])
    assert not errors, errors
    context.close()
