"""A cycle count in a real headless Chromium: the demo warehouse keeper creates a count sheet
for a bin and counts it blind on a 360 px handheld (the location label scanned, then the
catheter's GS1 UDI with the group separator as a keystroke, which fills item and lot; the
quantity typed), never seeing the expected quantity; a quality engineer reviews the variance
and approves; the stock on hand afterwards is what was counted."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

CVC_UNIT_GTIN = "06971234560025"  # demo item CVC-7F, lot-tracked, level 0
BIN = "WH-SJ-A02"
HANDHELD = {"width": 360, "height": 740}


def _on_hand(page, base: str) -> dict:
    answer = page.request.get(f"{base}/api/v1/inventory/balances?location={BIN}")
    assert answer.ok, answer.text()
    return next(r for r in answer.json()["items"] if r["item"] == "CVC-7F")


def _fits(page) -> None:
    wide = page.evaluate("""Array.from(document.querySelectorAll('main *')).filter(
        e => e.getBoundingClientRect().right > innerWidth + 1)
        .filter(e => !e.closest('.inv-scroll')).map(e => e.tagName + '.' + e.className)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"], wide


def test_a_blind_count_on_a_handheld_approved_by_someone_else(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "wang.wei")  # the demo warehouse keeper
    before = _on_hand(page, live_server)
    expected = format(Decimal(before["quantity"]).normalize(), "f")

    page.goto(live_server + "/inventory/counts")
    assert page.locator("h1").inner_text() == "循环盘点"
    page.get_by_test_id("count-new").click()
    page.get_by_test_id("count-location").fill(BIN)
    page.get_by_test_id("count-items").fill("CVC-7F")
    _fits(page)
    with page.expect_navigation():
        page.get_by_test_id("count-create").click()
    assert page.get_by_test_id("count-done").inner_text() == "盘点单已创建。"
    sheet_url = page.url.split("?")[0]
    with page.expect_navigation():
        page.get_by_test_id("count-start").click()

    html = page.content()
    assert "expected" not in html and "预期" not in html
    lines = page.get_by_test_id("count-line")
    assert lines.count() == 1
    assert not re.search(rf"\b{re.escape(expected)}\b", lines.first.inner_text())
    assert page.evaluate("document.activeElement.name") == "location"
    page.keyboard.type(BIN)  # the bin's label, scanned
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.name === 'item'")
    expiry = before["expiry"][2:].replace("-", "")  # YYMMDD
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")) as answer:
        page.keyboard.type("]d201" + CVC_UNIT_GTIN + "10" + before["lot"])
        page.keyboard.press("Control+BracketRight")  # the scanner's group separator
        page.keyboard.type("17" + expiry)
        page.keyboard.press("Enter")
    assert answer.value.ok
    page.wait_for_function("document.querySelector('[data-testid=move-lot]').value !== ''")
    assert page.get_by_test_id("move-item").input_value() == "CVC-7F"
    assert page.get_by_test_id("move-lot").input_value() == before["lot"]
    page.wait_for_function("document.activeElement.name === 'quantity'")
    counted = str(int(expected) - 2)
    page.keyboard.type(counted)
    _fits(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_test_id("count-done").inner_text() == "盘点数量已保存。"
    assert page.get_by_test_id("count-progress").inner_text() == "已盘 1 / 1 行"
    assert page.get_by_test_id("count-entry-location").input_value() == BIN  # kept
    assert "预期" not in page.content()
    _fits(page)
    with page.expect_navigation():
        page.get_by_test_id("count-submit").click()
    assert page.get_by_test_id("count-done").inner_text() == "盘点单已提交审核。"
    context.close()

    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "li.na")  # quality assurance: adjusts stock, did not count
    page.goto(sheet_url + "/review")
    row = page.get_by_test_id("review-line")
    assert row.get_by_test_id("review-expected").inner_text() == expected
    assert row.get_by_test_id("review-counted").inner_text() == counted
    assert row.get_by_test_id("review-variance").inner_text() == "-2 EA"
    _fits(page)
    page.get_by_test_id("count-reason").fill("月度循环盘点")
    with page.expect_navigation():
        page.get_by_test_id("count-approve").click()
    assert page.get_by_test_id("count-done").inner_text() == \
        "盘点已批准：差异已作为库存调整过账。"
    assert page.get_by_test_id("count-status").inner_text() == "已批准"
    after = _on_hand(page, live_server)
    assert after["lot"] == before["lot"] and Decimal(after["quantity"]) == Decimal(counted)
    assert not errors, errors
    context.close()
