"""The trace page through real HTTP: the scan box and directions, the SVG genealogy with a link
per node, the recall scope by customer and whereabouts, units page by page, the timeline,
refusals in the user's language, the permission."""

from __future__ import annotations

import re
from decimal import Decimal

from medtrace.modules import traceability as tr
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import make_user, web_login
from tests.factories.trace import lot, make_item, unit


def _nodes(html: str) -> list[str]:
    """The codes drawn in the genealogy, in drawing order."""
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    return re.findall(r'data-testid="node" data-code="([^"]+)"', svg)


def _section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_backward_trace_in_chinese_draws_the_genealogy_with_links(tracer, plant):
    page = tracer.get("/trace", params={"code": "SN-1", "direction": "backward"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>追溯</h1>" in html and "反向追溯" in html
    assert 'data-scan data-testid="trace-code"' in html  # a scan field (docs/scan-fields.md)
    assert _nodes(html) == ["SN-1", "H-1A", "H-1", "SA-1", "P-1"]
    assert 'href="/trace?code=P-1&amp;direction=backward&amp;item=PCB"' in html
    assert 'class="node kind-lot q-quarantine s-in_stock"' in html
    assert 'data-testid="suppliers"><span class="badge">SUP-HOUSE</span>' in html
    lots = _section(html, "backward-lots")
    assert "RC-1" in lots and "accepted" in lots and "接收" in lots
    assert "<script>" not in html and " style=" not in html  # the CSP forbids both


def test_forward_trace_in_english_shows_the_scope_by_customer(tracer, plant):
    tracer.get("/lang/en")
    page = tracer.get("/trace", params={"code": "P-1", "item": "PCB", "direction": "forward"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "Forward trace: lot PCB · <code>P-1</code>" in html
    assert _nodes(html)[:2] == ["P-1", "SA-1"]
    assert {"SN-1", "SN-2", "SN-3", plant["case_sscc"]} <= set(_nodes(html))
    scope = _section(html, "scope-by-customer")
    rows = dict(re.findall(r'<tr data-customer="([^"]*)"><t[dh]>[^<]*</t[dh]>'
                           r'<t[dh] class="num">(\d+)</t[dh]>', scope))
    assert rows == {"HSP-1": "2", "HSP-2": "1", "*": "3"}
    assert re.search(r'data-customer="HSP-2">.*?<td class="num">1</td><td class="num">0</td>'
                     r'<td class="num">0</td><td class="num">1</td>', scope)  # installed
    units = _section(html, "forward-units")
    assert units.count("<tr>") == 4 and "HSP-2 ICU" in units
    assert "Page 1 of 1" in html


def test_a_container_traces_forward_to_what_it_holds_by_its_sscc(tracer, plant):
    page = tracer.get("/trace", params={"code": "(00)" + plant["case_sscc"],
                                        "direction": "backward"})
    assert page.status_code == 200
    assert _nodes(page.text)[0] == plant["case_sscc"]
    assert {"SN-1", "SN-2"} <= set(_nodes(page.text))


def test_the_timeline_lists_events_in_time_order_in_their_zone(tracer, plant):
    tracer.get("/lang/en")
    page = tracer.get("/trace", params={"code": "SN-1", "item": "PUMP",
                                        "direction": "timeline"})
    assert page.status_code == 200
    table = _section(page.text, "timeline")
    steps = re.findall(r'data-step="([a-z]+)"', table)
    assert steps == ["produced", "packed", "shipped"]
    assert "2026-03-06 09:00:00 +08:00" in table
    assert '<a href="/trace?code=' + plant["case_sscc"] in table  # shipped via the case
    assert "owner: HSP-1" in table and "Shipped" in table
    received = _section(tracer.get("/trace", params={
        "code": "P-1", "item": "PCB", "direction": "timeline"}).text, "timeline")
    assert "inspection: accepted" in received and "owner: SUP-PCB" in received


def test_a_scanned_udi_resolves_to_its_unit(tracer, plant, db):
    with UnitOfWork(db, write=False) as uow:
        from medtrace.modules import catalog

        gtin = catalog.get_item_by_code(uow, "PUMP").packaging[0].gtin
    scan = f"]d201{gtin}21SN-2"
    page = tracer.get("/trace", params={"code": scan, "direction": "backward"})
    assert page.status_code == 200
    assert _nodes(page.text)[0] == "SN-2"


def test_unknown_ambiguous_and_unreadable_codes_are_refused_in_the_users_language(
        tracer, plant):
    missing = tracer.get("/trace", params={"code": "NOPE-9"})
    assert missing.status_code == 404
    assert "没有与此代码匹配的批次、序列号单件或包装容器。" in missing.text
    assert "MT-TRACE-NOT-FOUND" in missing.text and "trace-graph" not in missing.text
    ambiguous = tracer.get("/trace", params={"code": "X-1"})
    assert ambiguous.status_code == 409 and "MT-TRACE-AMBIGUOUS" in ambiguous.text
    assert "此代码对应多个批次或单件；请同时指定物料。" in ambiguous.text
    assert 'data-testid="ambiguous-hint"' in ambiguous.text
    narrowed = tracer.get("/trace", params={"code": "X-1", "item": "HOUSING"})
    assert narrowed.status_code == 200 and _nodes(narrowed.text) == ["X-1"]
    tracer.get("/lang/en")
    bad = tracer.get("/trace", params={"code": "+A99"})
    assert bad.status_code == 422 and "MT-TRACE-INVALID" in bad.text
    assert "neither a UDI MedTrace can read" in bad.text
    assert "<code>HIBCC-TRUNCATED</code>" in bad.text
    missing = tracer.get("/trace", params={"code": "NOPE-9"})
    assert "No lot, serial unit or container matches this code." in missing.text


def test_the_empty_page_and_the_navigation_entry(tracer):
    page = tracer.get("/trace")
    assert page.status_code == 200 and 'data-testid="trace-form"' in page.text
    assert '<a href="/trace" aria-current="page">追溯</a>' in page.text


def test_without_the_permission_the_page_and_exports_are_refused(client, db, plant):
    make_user(db, "no.trace", permissions=["catalog.item.view"])
    assert web_login(client, "no.trace").status_code == 303
    assert client.get("/trace?code=SN-1").status_code == 403
    assert client.get("/trace/export.csv?code=SN-1").status_code == 403
    assert 'href="/trace"' not in client.get("/").text


def test_a_big_forward_answer_counts_units_per_parent_and_pages_them(tracer, db):
    item = make_item(db, "BIGPUMP", kind="finished", tracking="serial")
    part = make_item(db, "BIGPART", kind="component", tracking="lot")
    with UnitOfWork(db) as uow:
        source = lot(uow, part, "BIG-1")
        units = [unit(uow, item, f"B-{n:03d}") for n in range(130)]
        tr.record_event(uow, step="produced", inputs=[tr.Part(source, Decimal("130"))],
                        outputs=units, doc="WO-BIG", edge_kind="production")
        tr.record_event(uow, step="scrapped", what=units[:5])
    tracer.get("/lang/en")
    page = tracer.get("/trace", params={"code": "BIG-1", "direction": "forward"})
    assert page.status_code == 200
    assert _nodes(page.text) == ["BIG-1"]  # units are counted, not drawn one by one
    assert "Finished units: 130" in page.text and "scrapped 5" in page.text
    assert 'data-testid="units-summarised"' in page.text
    assert _section(page.text, "forward-units").count("<tr>") == 101
    assert "Page 1 of 2" in page.text
    second = tracer.get("/trace", params={"code": "BIG-1", "direction": "forward",
                                          "page": 2})
    assert _section(second.text, "forward-units").count("<tr>") == 31
    assert "B-129" in second.text and "B-000" not in _section(second.text, "forward-units")
