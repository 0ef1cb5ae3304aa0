"""Scan fields in a real headless Chromium: a keyboard-wedge scanner types the UDI, the group
separator as a keystroke and Enter; the form is filled, never submitted, and parse errors are
shown next to the field in the user's language."""

from __future__ import annotations

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

CVC_UNIT_GTIN = "06971234560025"  # demo item CVC-7F, lot-tracked, level 0


def _item_page(page, base: str, code: str) -> str:
    found = page.request.get(f"{base}/api/v1/items?q={code}")  # the session cookie is enough
    assert found.ok, found.text()
    url = f"{base}/catalog/items/{found.json()['items'][0]['id']}"
    page.goto(url)
    return url


def _scanner_types(page, selector: str, *parts: str, separator) -> None:
    """What a keyboard-wedge scanner sends: characters, GS keystrokes between the parts."""
    page.click(selector)
    for index, part in enumerate(parts):
        if index:
            separator(page)
        page.keyboard.type(part)
    page.keyboard.press("Enter")


def _ctrl_bracket(page) -> None:
    page.keyboard.press("Control+BracketRight")


def _group_separator_key(page) -> None:
    page.dispatch_event("[data-testid=label-scan]", "keydown", {"key": "GroupSeparator"})


@pytest.mark.parametrize("separator", [_ctrl_bracket, _group_separator_key])
def test_a_raw_gs1_scan_fills_lot_serial_and_expiry(browser, live_server, separator):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server)
    url = _item_page(page, live_server, "CVC-7F")
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")) as answer:
        _scanner_types(page, "[data-testid=label-scan]",
                       "]d201" + CVC_UNIT_GTIN + "17281231" + "10LOT-42", "21SN-7",
                       separator=separator)
    assert answer.value.ok
    form = page.get_by_test_id("label-form")
    page.wait_for_function("document.querySelector('input[name=lot]').value !== ''")
    assert form.locator("input[name=lot]").input_value() == "LOT-42"
    assert form.locator("input[name=serial]").input_value() == "SN-7"
    assert form.locator("input[name=expiry]").input_value() == "2028-12-31"
    assert form.locator("select[name=level]").input_value() == "0"
    assert page.url == url  # Enter did not submit the form
    assert page.get_by_test_id("label-scan").input_value() == (
        f"(01){CVC_UNIT_GTIN}(17)281231(10)LOT-42(21)SN-7")

    form.get_by_role("button").click()
    page.wait_for_load_state()
    image = page.get_by_test_id("label-image")
    assert "lot=LOT-42" in (image.get_attribute("src") or "")
    page.wait_for_function("document.querySelector('[data-testid=label-image]').naturalWidth > 0")
    assert not errors, errors  # no CSP violation, no script error
    context.close()


def test_a_bad_scan_shows_the_parse_error_in_chinese(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/catalog/scan")
    assert page.locator("h1").inner_text() == "扫码测试"
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")):
        _scanner_types(page, "[data-testid=scan-input]", "(01)06971234560026(10)A1",
                       separator=_ctrl_bracket)
    field_error = page.get_by_test_id("scan-error")
    field_error.wait_for()
    assert "校验位" in field_error.inner_text() and "GS1-CHECK-DIGIT" in field_error.inner_text()
    assert page.get_by_test_id("scan-input").get_attribute("aria-invalid") == "true"
    result = page.get_by_test_id("scan-result")
    assert "06971234560026" in result.inner_text()

    page.fill("[data-testid=scan-input]", "")  # a good scan clears the error
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")):
        _scanner_types(page, "[data-testid=scan-input]", "]d201" + CVC_UNIT_GTIN + "10L1",
                       separator=_ctrl_bracket)
    page.wait_for_function("!document.querySelector('[data-testid=scan-input]')"
                           ".hasAttribute('aria-invalid')")
    assert "CVC-7F" in page.get_by_test_id("scan-result").inner_text()
    assert page.get_by_test_id("scan-error").inner_text() == ""

    # text that is no UDI at all, in a named field, is taken as typed: Enter submits
    page.fill("[data-testid=scan-input]", "")
    with page.expect_navigation():
        _scanner_types(page, "[data-testid=scan-input]", "IP-200", separator=_ctrl_bracket)
    assert "UDI-UNKNOWN-FORMAT" in page.get_by_test_id("scan-errors").inner_text()

    # the label form's scan field refuses a unit of another item
    _item_page(page, live_server, "CVC-7F")
    with page.expect_response(lambda r: r.url.endswith("/catalog/scan/parse")):
        _scanner_types(page, "[data-testid=label-scan]", "]d20106971234560018" + "21SN1",
                       separator=_ctrl_bracket)
    page.get_by_test_id("scan-error").wait_for()
    assert "不是本产品的 UDI" in page.get_by_test_id("scan-error").inner_text()
    assert page.locator("input[name=serial]").input_value() == ""
    context.close()
