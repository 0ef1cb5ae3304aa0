"""Incoming inspection in a real headless Chromium on a 360 px handheld: the demo QA engineer
opens the waiting inspection, sees its ISO 2859-1 sampling plan, enters the results, sees the
automatic verdict and releases the lot with her electronic signature; the lot is released."""

from __future__ import annotations

import pytest

from medtrace.platform.auth.demo import DEMO_PASSWORD
from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]


def test_qa_inspects_and_releases_a_lot_on_a_handheld(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, "li.na")  # the demo QA engineer
    page.goto(live_server + "/lang/zh_CN")  # an earlier test may have chosen English for her
    waiting = page.request.get(f"{live_server}/api/v1/inspections?status=open&item=TUBE-PVC")
    assert waiting.ok, waiting.text()
    number = waiting.json()["items"][0]["number"]

    page.goto(f"{live_server}/quality/inspections?status=open")
    assert page.locator("h1").inner_text() == "来料检验"
    _fits(page)
    with page.expect_navigation():
        page.get_by_test_id(f"inspection-{number}").locator("a").click()
    plan = page.get_by_test_id("plan-1").inner_text()
    assert "H" in plan and "50" in plan  # lot of 300 m, level II, AQL 1.0: letter H, n = 50
    _fits(page)
    with page.expect_navigation():
        page.get_by_test_id("results-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("verdict").inner_text() == "接收"
    release = page.get_by_test_id("release-form")
    release.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        release.locator("button[type=submit]").click()
    assert page.get_by_test_id("saved").is_visible()
    assert "li.na" in page.get_by_test_id("signatures").inner_text()
    _fits(page)
    lot = page.request.get(f"{live_server}/api/v1/inspections/{number}").json()
    assert lot["status"] == "released" and lot["decided_by"] == "li.na"
    assert errors == []
    context.close()
