"""Every page fits a 360 px handheld screen, in Chinese and in English: nothing makes the page
scroll sideways. The pages are read from the application's routes (every page route without a
path parameter, and the detail pages of the first demo record of each kind), so a new page is
measured without anyone listing it."""

from __future__ import annotations

import re

import pytest

from medtrace.platform.web import iter_routes
from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}
#: pages that are not for people (downloads, redirects, the API's own docs)
SKIP = re.compile(r"^/(api/|static/|lang/|logout|healthz|readyz|metrics)|\.(csv|xlsx|pdf|svg)$|"
                  r"/(export|label|download)")


def _page_paths(app) -> list[str]:  # type: ignore[no-untyped-def]
    paths = []
    for path, methods, _route in iter_routes(app):
        if not path or "GET" not in (methods or set()) or "{" in path or SKIP.search(path):
            continue
        paths.append(path)
    return sorted(set(paths))


def _detail_paths(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    """A detail page of each kind, from the demo's first record."""
    found = []
    items = page.request.get(f"{base}/api/v1/items?limit=1").json()["items"]
    if items:
        found += [f"/catalog/items/{items[0]['id']}", f"/catalog/items/{items[0]['id']}/edit"]
    partners = page.request.get(f"{base}/api/v1/partners?limit=1").json()["items"]
    if partners:
        found += [f"/partners/{partners[0]['id']}", f"/partners/{partners[0]['id']}/edit"]
    sheets = page.request.get(f"{base}/api/v1/inventory/counts?status=submitted&limit=1")
    if sheets.ok and sheets.json()["items"]:
        sheet = sheets.json()["items"][0]["id"]
        found += [f"/inventory/counts/{sheet}", f"/inventory/counts/{sheet}/review"]
    inspections = page.request.get(f"{base}/api/v1/inspections?status=open&limit=1")
    if inspections.ok and inspections.json()["items"]:
        number = inspections.json()["items"][0]["number"]
        found += [f"/quality/inspections/{number}", "/quality/plans/CVC-7F",
                  "/quality/sampling?lot_size=2000&aql=1.0&inspection_level=II",
                  "/quality/suppliers?partner=SUP-KANGDA"]
    orders = page.request.get(f"{base}/api/v1/work-orders?limit=1")
    if orders.ok and orders.json()["items"]:
        order = orders.json()["items"][0]
        found += [f"/production/work-orders/{order['number']}",
                  f"/production/boms/{order['bom_id']}", "/production/equipment/EQ-TQ-01",
                  f"/production/dhr/{order['output']['serials'][0]}"
                  if order["output"]["serials"] else f"/production/dhr/{order['output']['lot']}"]
    # the demo story's traces (README): a lot's quantities, customers, a recall scope
    found += ["/trace?code=CV-D01&direction=forward", "/trace?code=PCB-A01&direction=forward",
              "/trace?code=IP2-D0001&direction=backward"]
    return found


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_no_page_is_wider_than_a_handheld(browser, live_server, locale):
    from medtrace.app import create_app

    context = browser.new_context(locale=locale, viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, "admin")
    if locale == "en":
        page.goto(live_server + "/lang/en")
    paths = _page_paths(create_app()) + _detail_paths(page, live_server)
    too_wide = {}
    for path in paths:
        response = page.goto(live_server + path)
        if response is None or response.status >= 400:
            continue  # a page that needs parameters answers a problem: not a layout question
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > HANDHELD["width"]:
            culprits = page.evaluate("""Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                .filter(e => !e.closest('.table') || e.classList.contains('table'))
                .slice(-4).map(e => e.tagName.toLowerCase() + '.' + e.className)""")
            too_wide[path] = (width, culprits)
    page.goto(live_server + "/lang/zh_CN")  # the choice is kept on the user: give it back
    context.close()
    assert len(paths) > 15
    assert too_wide == {}
