"""A service order on a technician's phone (360 px) in a real headless Chromium: the technician
opens the order, the scanner types the removed battery's GS1 string into the replacement form
and ends with Enter (the page keeps it and waits for the spare), then the spare's string and
Enter: the replacement is listed; a quarantined spare is refused at its field with nothing
written; the order is completed with the report and the technician's password. Nothing makes
the pages scroll sideways.

The server is this test's own: the field-service setting of ``tests.factories.service`` (the
pump installed at the hospital, the van's spares, the technician) in a migrated SQLite file,
with a corrective order open on the pump.

That no English UI text is left on the Chinese pages is checked by
``tests/web/test_no_english_on_chinese_pages.py`` once the catalogs are translated; here the
flow and the width."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from medtrace.modules import catalog
from medtrace.modules.service import service
from medtrace.modules.service.schemas import ServiceOrderCreate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from tests.factories.auth import PASSWORD
from tests.factories.service import make_field, tech
from tests.integration.service.test_installed_base import install
from tests.web.conftest import serve
from tests.web.test_production_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}



@pytest.fixture(scope="module")
def field_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Serve the factory's field-service setting with an open corrective order until resumed
    (the server start of ``tests/web/conftest.serve_demo``)."""
    def prepare(db: Database) -> dict[str, Any]:
        ids = make_field(db)
        install(db)
        with UnitOfWork(db) as uow:
            number = service.create_order(uow, actor=tech(db), data=ServiceOrderCreate(
                type="corrective", unit="SN-1", item="PUMP", problem="无法开机",
                technician="svc.tech", parts_location="VAN-1")).number
            scans = {lot: catalog.label_for(uow, ids["bat"], lot=lot).element_string
                     for lot in ("BAT-1", "BAT-SP", "BAT-QH")}
        return {"number": number, "scans": scans}

    for base, prepared in serve(tmp_path_factory.mktemp("service"), prepare):
        yield {"base": base, **prepared}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]


def _scan(page, testid: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """The scanner types into the scan field and ends with Enter, which sends the form."""
    field = page.get_by_test_id(testid)
    assert page.evaluate("document.activeElement.name") == field.get_attribute("name")
    field.fill("")
    field.press_sequentially(text)
    with page.expect_navigation():
        field.press("Enter")


def test_a_technician_replaces_a_part_and_completes_the_order_on_a_phone(browser,  # type: ignore[no-untyped-def]
                                                                          field_server):
    base, number, scans = field_server["base"], field_server["number"], field_server["scans"]
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "svc.tech")

    page.goto(f"{base}/service/orders?mine=1")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    _fits(page)
    page.get_by_test_id("service-orders").get_by_role("link", name=number).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-serial").inner_text() == "SN-1"
    assert page.get_by_test_id("order-status").inner_text() == translate("open", "zh_CN")
    _fits(page)

    # the removed battery first: kept, and the page waits for the spare
    _scan(page, "replace-removed", scans["BAT-1"])
    assert page.get_by_test_id("replace-removed").input_value() == scans["BAT-1"]
    assert page.get_by_test_id("replace-next").is_visible()
    _fits(page)

    # a quarantined spare: refused at its field, ready for the next scan
    _scan(page, "replace-fitted", scans["BAT-QH"])
    refusal = page.locator('[data-field-error="fitted"]').inner_text()
    assert refusal.startswith(translate(
        "not released for use (quarantine, on hold, rejected or recalled)", "zh_CN"))
    assert page.get_by_test_id("replace-fitted").input_value() == ""
    assert page.get_by_test_id("replace-removed").input_value() == scans["BAT-1"]
    assert page.get_by_test_id("replacements").locator("li.muted").count() == 1  # none yet
    _fits(page)

    # the released spare from the van
    _scan(page, "replace-fitted", scans["BAT-SP"])
    assert page.get_by_test_id("done").is_visible()
    listed = page.get_by_test_id("replacements").inner_text()
    assert "BAT-1" in listed and "BAT-SP" in listed
    assert page.get_by_test_id("order-status").inner_text() == translate("in progress",
                                                                         "zh_CN")
    assert page.evaluate("document.activeElement.name") == "removed"  # the next part
    _fits(page)

    # completion with the report, the customer's acknowledgement and the password
    page.get_by_test_id("complete-report").fill("更换电池，功能测试通过")
    page.get_by_test_id("complete-minutes").fill("40")
    page.get_by_test_id("complete-ack-name").fill("张护士长")
    page.get_by_test_id("complete-password").fill("wrong-password")
    with page.expect_navigation():
        page.get_by_test_id("complete-post").click()
    assert page.locator('[data-field-error="password"]').is_visible()
    assert page.get_by_test_id("complete-report").input_value() == "更换电池，功能测试通过"
    _fits(page)
    page.get_by_test_id("complete-password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("complete-post").click()
    assert page.get_by_test_id("order-status").inner_text() == translate("done", "zh_CN")
    assert "Tech One" in page.get_by_test_id("signature").inner_text()
    assert page.get_by_test_id("report-pdf").is_visible()
    _fits(page)

    for path in ("/service/orders", "/service/orders/new", "/service/visits"):
        page.goto(base + path)
        _fits(page)
    page.goto(f"{base}/service/visits")
    page.get_by_test_id("visits").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("visit-form").is_visible()
    _fits(page)
    assert errors == []
    context.close()
