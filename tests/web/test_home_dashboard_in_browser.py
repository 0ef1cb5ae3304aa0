"""The home dashboard on a 360 px handheld: the QA demo user's sections render in Chinese and
in English with the traces chart drawn as inline SVG inside the screen, and its table
alternative opens; nothing makes the page scroll sideways (the CSP allows no inline style, so a
chart that relied on one would be drawn at the wrong size here)."""

from __future__ import annotations

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

HANDHELD = {"width": 360, "height": 740}


@pytest.mark.parametrize(("locale", "waiting", "chart_title"),
                         [("zh-CN", "等待您处理", "追溯"), ("en", "Waiting for you", "Traces")])
def test_the_home_dashboard_renders_its_chart_on_a_handheld(browser, live_server, locale,
                                                            waiting, chart_title):
    context = browser.new_context(locale=locale, viewport=HANDHELD, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    sign_in(page, live_server, "li.na")  # quality assurance: lots to release, counts to approve
    page.goto(live_server + f"/lang/{'en' if locale == 'en' else 'zh_CN'}")
    page.goto(live_server + "/")

    assert page.locator("[data-section=waiting] h2").inner_text() == waiting
    assert page.locator("[data-panel='traceability.release']").count() == 1
    chart = page.locator("[data-panel='traceability.traces'] svg.chart")
    assert chart.count() == 1
    assert chart.locator("title").first.text_content() == chart_title
    assert chart.locator("rect.chart-bar").count() == 14
    box = chart.bounding_box()
    assert box is not None and 200 < box["width"] <= HANDHELD["width"] and box["height"] > 60
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]

    table = page.locator("[data-panel='traceability.traces'] details.chart-table")
    table.locator("summary").click()
    assert table.locator("tbody tr").count() == 14
    assert page.evaluate("document.documentElement.scrollWidth") <= HANDHELD["width"]
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()

