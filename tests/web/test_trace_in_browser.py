"""The trace page in a real headless Chromium: a keyboard-wedge scanner sends a GS1 UDI with
a serial into the scan box and Enter; the page traces it at once, draws the genealogy as SVG
and folds and unfolds a subtree; no script error, no CSP violation."""

from __future__ import annotations

import httpx
import pytest

from medtrace.platform.auth.demo import DEMO_PASSWORD
from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser


def _genealogy(base: str) -> str:
    """Through the API: lot BR-P0 split into BR-P1, which with tubing lot BR-T1 made pump
    BR-SN-1. Returns the pump's GTIN."""
    with httpx.Client(base_url=base) as api:
        token = api.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": "admin", "password": DEMO_PASSWORD,
        }).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"

        def item(code: str) -> dict:
            found = api.get("/api/v1/items", params={"q": code}).json()["items"]
            return next(i for i in found if i["code"] == code)

        def post(path: str, body: dict) -> dict:
            answer = api.post(path, json=body)
            assert answer.status_code == 201, answer.text
            return answer.json()

        pump, pcb, tube = item("IP-200"), item("PCB-MAIN"), item("TUBE-PVC")
        p0 = post("/api/v1/lots", {"item_id": pcb["id"], "number": "BR-P0"})
        p1 = post("/api/v1/lots", {"item_id": pcb["id"], "number": "BR-P1"})
        t1 = post("/api/v1/lots", {"item_id": tube["id"], "number": "BR-T1"})
        sn = post("/api/v1/units", {"item_id": pump["id"], "serial": "BR-SN-1"})
        post("/api/v1/trace/links", {"child_id": p0["id"], "parent_id": p1["id"],
                                     "kind": "split"})
        for child in (p1, t1):
            post("/api/v1/trace/links", {"child_id": child["id"], "parent_id": sn["id"],
                                         "kind": "production"})
        return pump["packaging"][0]["gtin"]


def test_a_scanned_serial_is_traced_drawn_and_folded(browser, live_server):
    gtin = _genealogy(live_server)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server)
    page.locator("nav.sidenav").get_by_role("link", name="追溯").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "追溯"

    page.click("[data-testid=trace-code]")
    page.keyboard.type("]d201" + gtin + "21BR-SN-1")  # a scanner: characters, then Enter
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/trace?" in page.url
    assert page.get_by_test_id("trace-code").input_value() == f"(01){gtin}(21)BR-SN-1"
    graph = page.locator("svg[data-trace-graph]")
    assert graph.is_visible()
    node = lambda code: graph.locator(f'g[data-code="{code}"]')  # noqa: E731
    for code in ("BR-SN-1", "BR-P1", "BR-P0", "BR-T1"):
        assert node(code).is_visible(), code
    tube_y = node("BR-T1").bounding_box()["y"]

    node("BR-P1").locator("[data-toggle]").click()  # fold the subtree of lot BR-P1
    assert node("BR-P0").is_hidden()
    assert node("BR-P1").locator("[data-toggle]").get_attribute("aria-expanded") == "false"
    assert node("BR-T1").bounding_box()["y"] < tube_y  # the rows below moved up

    node("BR-P1").locator("[data-toggle]").click()
    assert node("BR-P0").is_visible()

    node("BR-P0").locator("a").click()  # every node opens its own trace page
    page.wait_for_load_state()
    assert "code=BR-P0" in page.url and "item=PCB-MAIN" in page.url
    assert page.get_by_test_id("trace-root").is_visible()

    page.fill("[data-testid=trace-code]", "BR-T1")  # a lot number typed, then Enter
    page.fill("[data-testid=trace-item]", "")
    with page.expect_navigation():
        page.press("[data-testid=trace-code]", "Enter")
    assert "code=BR-T1" in page.url
    assert page.locator("svg[data-trace-graph] g[data-code=BR-T1]").is_visible()
    assert not errors, errors
    context.close()
