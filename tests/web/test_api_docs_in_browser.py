"""The API docs page renders the OpenAPI 3.1 document (Swagger UI 5 from the installed
``swagger-ui-bundle-v2`` assets, under the app's strict CSP): the operations are listed by
their operation ids, and Swagger UI does not say "Unable to render this definition"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_page_lists_the_operations(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/api/v1/docs")
    unable = page.get_by_text("Unable to render this definition")
    page.locator(".opblock").or_(unable).first.wait_for(timeout=20000)
    assert unable.count() == 0, page.locator("#swagger-ui").inner_text()[:500]
    backward = page.locator("#operations-traceability-traceBackward")
    assert page.locator(".opblock").count() > 80
    assert "/api/v1/trace/backward" in backward.inner_text()
    backward.locator(".opblock-summary").first.click()  # open it: the answers, problems too
    backward.locator("tr.response[data-code='409']").wait_for(timeout=10000)
    assert backward.locator("option[value='application/problem+json']").count() > 0
    assert page.locator(".version-stamp").first.inner_text().strip().startswith("OAS 3.1")
    assert errors == []
    context.close()
