"""Material issue in a real headless Chromium on a 360 px handheld: the line's operator opens
the issue page, types the work order number once, and the scanner types GS1 strings into the
scan field (the group separator once as the text <GS>, once as the real control character).
Each scan is issued and the work order's progress shown, the output serial stays while the
operator works unit by unit, and a component that is not on the BOM is refused with an alert
at the field. Nothing makes the page scroll sideways.

The server is this test's own: the production line of ``tests.factories.production`` (its
people, components in stock at the line, a released BOM) in a migrated SQLite file, with a
released work order for two pumps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from medtrace.modules import production
from medtrace.modules.production.web.common import MESSAGES
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from tests.factories.auth import PASSWORD
from tests.factories.clock import plant_today
from tests.factories.production import lot_udi, make_line, udi, who
from tests.web.conftest import serve

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}
GS = "\x1d"



@pytest.fixture(scope="module")
def line_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Serve the factory's production line with a released work order until resumed (the
    server start of ``tests/web/conftest.serve_demo``)."""
    def prepare(db: Database) -> dict[str, Any]:
        line = make_line(db)
        planner = who(db, "prod.planner")
        with UnitOfWork(db) as uow:
            number = production.create_work_order(uow, data=production.WorkOrderCreate(
                item="PUMP-X", quantity=Decimal(2)), actor=planner).number
        with UnitOfWork(db) as uow:
            production.release_work_order(uow, ref=number, actor=planner)
        return {"line": line, "number": number}

    for base, prepared in serve(tmp_path_factory.mktemp("production"), prepare):
        yield {"base": base, **prepared}


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/")  # redirected to the sign-in page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]


def _scan(page, text: str, quantity: str = "1") -> None:  # type: ignore[no-untyped-def]
    """The scanner types into the scan field; the operator sets the quantity and sends."""
    scan = page.get_by_test_id("issue-scan")
    scan.fill("")
    scan.press_sequentially(text)
    page.get_by_test_id("issue-quantity").fill(quantity)
    with page.expect_navigation():
        page.get_by_test_id("issue-quantity").press("Enter")


def test_an_operator_issues_scanned_components_on_a_handheld(browser, line_server):  # type: ignore[no-untyped-def]
    base, number, g = line_server["base"], line_server["number"], line_server["line"]["gtins"]
    expiry = plant_today() + dt.timedelta(days=400)
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "prod.operator")

    page.goto(f"{base}/production/issue")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == translate("Material issue", "zh_CN")
    assert page.evaluate("document.activeElement.name") == "work_order"
    assert "<GS>" in page.get_by_test_id("issue-gs-hint").inner_text()
    _fits(page)

    # a board lot, the group separator typed as text
    page.get_by_test_id("issue-order").fill(number)
    _scan(page, lot_udi(g["BOARD"], lot="BRD-1", expiry=expiry).replace(GS, "<GS>"), "2")
    done = page.get_by_test_id("issue-done")
    assert done.is_visible() and "BOARD" in done.inner_text() and "BRD-1" in done.inner_text()
    assert page.get_by_test_id("progress-BOARD").locator("td").nth(1).inner_text() == "2"
    assert page.get_by_test_id("issue-order").input_value() == number
    assert page.evaluate("document.activeElement.name") == "scan"  # ready for the next scan
    _fits(page)

    # tubing in metres, the real group separator as the scanner sends it
    scan = page.get_by_test_id("issue-scan")
    scan.press_sequentially(lot_udi(g["TUBE"], lot="TB-1", expiry=expiry))
    assert GS in scan.input_value()
    page.get_by_test_id("issue-quantity").fill("1.5")
    page.get_by_test_id("issue-uom").fill("M")
    with page.expect_navigation():
        page.get_by_test_id("issue-post").click()
    assert "TB-1" in page.get_by_test_id("issue-done").inner_text()
    assert page.get_by_test_id("progress-TUBE").locator("td").nth(1).inner_text() == "1.5"
    _fits(page)

    # unit by unit: the drive goes into the pump SN-HH1, whose serial stays for the next scan
    page.get_by_test_id("issue-uom").fill("")
    page.get_by_test_id("issue-output-serial-input").fill("SN-HH1")
    page.get_by_test_id("issue-per-unit").check()
    _scan(page, udi(g["DRIVE-X"], serial="DRV-1"))
    assert page.get_by_test_id("issue-output-serial").inner_text() == "SN-HH1"
    assert page.get_by_test_id("issue-output-serial-input").input_value() == "SN-HH1"
    assert page.get_by_test_id("issue-per-unit").is_checked()
    _fits(page)

    # a screw is not on the pump's BOM: refused at the scan field, the rest kept
    _scan(page, "SCR-1")
    alert = page.get_by_role("alert")
    assert alert.first.is_visible()
    assert "MT-PRODUCTION-WRONG-COMPONENT" in page.get_by_test_id("form-error").inner_text()
    refusal = page.locator('[data-field-error="scan"]')
    assert refusal.inner_text() == translate(MESSAGES["not a component"], "zh_CN")
    assert page.get_by_test_id("issue-scan").input_value() == ""
    assert page.get_by_test_id("issue-order").input_value() == number
    assert page.get_by_test_id("issue-output-serial-input").input_value() == "SN-HH1"
    assert page.evaluate("document.activeElement.name") == "scan"
    _fits(page)

    page.goto(f"{base}/production/work-orders/{number}")
    assert page.get_by_test_id("requirements").is_visible()
    _fits(page)
    page.goto(f"{base}/production/work-orders")
    _fits(page)
    assert errors == []
    context.close()
