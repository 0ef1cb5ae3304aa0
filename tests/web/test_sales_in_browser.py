"""Picking in a real headless Chromium on a 360 px handheld: the picker opens the picking page
of an allocated order, sees the FEFO lot to pick next, and the scanner types GS1 strings into
the scan field (the group separator as the real control character). A lot on hold is refused
at the scan field in Chinese, the order kept and the scan field emptied for the next scan; the
allocated lot and a serial unit are picked and the order's progress shown; the picks are packed
into a case on the order page and shipped, and one catheter comes back as a customer return.
Nothing makes the pages scroll sideways.

The server is this test's own: the distributor of ``tests.factories.sales`` (its people,
customers, lots and serial units) in a migrated SQLite file, with an allocated order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from medtrace.modules import sales
from medtrace.modules.sales.rules import SHORT_REASONS
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from tests.factories.sales import lot_scan, make_distributor, order, unit_scan, who
from tests.web.conftest import serve
from tests.web.test_production_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}
GS = "\x1d"



@pytest.fixture(scope="module")
def shop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Serve the factory's distributor with an allocated order until resumed (the server start
    of ``tests/web/conftest.serve_demo``)."""
    def prepare(db: Database) -> dict[str, Any]:
        ids = make_distributor(db)
        number = order(db, "DIST", [("S-CATH", "20", "20"), ("S-PUMP", "1", "30000")])
        with UnitOfWork(db) as uow:
            sales.allocate_order(uow, ref=number, actor=who(db, "sal.picker"))
        return {"ids": ids, "number": number}

    for base, prepared in serve(tmp_path_factory.mktemp("sales"), prepare):
        yield {"base": base, **prepared}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]


def _scan(page, text: str, quantity: str = "") -> None:  # type: ignore[no-untyped-def]
    """The scanner types into the scan field and ends with Enter, which sends the form."""
    page.get_by_test_id("pick-quantity").fill(quantity)
    scan = page.get_by_test_id("pick-scan")
    scan.fill("")
    scan.press_sequentially(text)
    with page.expect_navigation():
        scan.press("Enter")


def test_a_picker_scans_an_allocated_order_on_a_handheld(browser, shop_server):  # type: ignore[no-untyped-def]
    base, number, ids = shop_server["base"], shop_server["number"], shop_server["ids"]
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "sal.picker")

    page.goto(f"{base}/sales/pick")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == translate("Picking", "zh_CN")
    assert page.evaluate("document.activeElement.name") == "order"
    assert number in page.get_by_test_id("orders-to-pick").inner_text()
    _fits(page)

    page.get_by_test_id("orders-to-pick").get_by_role("link", name=number).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("pick-order").input_value() == number
    assert page.evaluate("document.activeElement.name") == "scan"
    assert "C-SHORT" in page.get_by_test_id("next-1").inner_text()  # FEFO: expires first
    _fits(page)

    # a lot on hold: refused at the scan field, the order kept, ready for the next scan
    _scan(page, lot_scan(ids["cath_gtin"], "C-HOLD"), "5")
    assert "MT-SALES-SCAN-REFUSED" in page.get_by_test_id("form-error").inner_text()
    refusal = page.locator('[data-field-error="scan"]')
    assert refusal.inner_text() == translate(SHORT_REASONS["on_hold"], "zh_CN")
    assert page.get_by_test_id("pick-scan").input_value() == ""
    assert page.get_by_test_id("pick-order").input_value() == number
    assert page.evaluate("document.activeElement.name") == "scan"
    assert page.get_by_test_id("pick-done").count() == 0
    _fits(page)

    # the allocated lot as allocated, a further element string after the real group separator
    assert page.get_by_test_id("pick-quantity").input_value() == "5"  # kept as typed
    page.get_by_test_id("pick-quantity").fill("")
    scan = page.get_by_test_id("pick-scan")
    scan.press_sequentially(lot_scan(ids["cath_gtin"], "C-SHORT") + GS + "240REF-CATH")
    assert GS in scan.input_value()
    with page.expect_navigation():
        page.get_by_test_id("pick-post").click()
    done = page.get_by_test_id("pick-done")
    assert "C-SHORT" in done.inner_text() and "20 EA" in done.inner_text()
    assert page.get_by_test_id("progress-1").locator("td").nth(1).inner_text() == "20"
    assert page.get_by_test_id("pick-order").input_value() == number
    assert page.evaluate("document.activeElement.name") == "scan"
    _fits(page)

    # a serial unit of the pump
    _scan(page, unit_scan(ids["pump_gtin"], "PU-3"))
    assert "PU-3" in page.get_by_test_id("pick-done").inner_text()
    assert page.get_by_test_id("progress-2").locator("td").nth(1).inner_text() == "1"
    _fits(page)

    # the order needs no more of the catheter: refused
    _scan(page, lot_scan(ids["cath_gtin"], "C-LATE"), "1")
    assert page.locator('[data-field-error="scan"]').inner_text() == translate(
        "the order needs no more of this item", "zh_CN")
    _fits(page)

    # on the order page: the picks go into a case (boxes in the allocation table, outside
    # the form they belong to), the case ships, the shipment's page fits the handheld too
    page.goto(f"{base}/sales/orders/{number}")
    assert page.get_by_test_id("allocation").is_visible()
    _fits(page)
    boxes = page.locator("input[name=picks]")
    assert boxes.count() == 2
    for index in range(2):
        boxes.nth(index).check()
    with page.expect_navigation():
        page.get_by_test_id("pack-case").click()
    assert page.get_by_test_id("done").is_visible()
    assert page.locator("[data-testid^=unpack-]").count() == 1
    _fits(page)
    page.get_by_test_id("ship-form").locator("input[name=carrier]").fill("顺丰速运")
    with page.expect_navigation():
        page.get_by_test_id("ship").click()
    assert "/sales/shipments/" in page.url
    assert page.get_by_test_id("shipment-status").inner_text() == translate("shipped", "zh_CN")
    assert "lang=zh_CN" in (page.get_by_test_id("delivery-note-link").get_attribute("href")
                            or "")
    _fits(page)

    # a return of one catheter from that shipment, received on its form
    page.get_by_test_id("return-link").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("return-customer").input_value() == "DIST"
    page.get_by_test_id("return-reason").fill("外包装破损")
    page.get_by_test_id("return-scan-0").press_sequentially(lot_scan(ids["cath_gtin"],
                                                                     "C-SHORT"))
    page.get_by_test_id("return-quantity-0").fill("1")
    with page.expect_navigation():
        page.get_by_test_id("return-save").click()
    assert page.get_by_test_id("return-status").inner_text() == translate(
        "awaiting disposition", "zh_CN")
    _fits(page)
    for path in ("/sales/orders", "/sales/shipments", "/sales/returns", "/sales/customers",
                 "/sales/customers/DIST", "/sales/prices", "/sales/orders/new",
                 "/sales/returns/new"):
        page.goto(base + path)
        _fits(page)
    assert errors == []
    context.close()
