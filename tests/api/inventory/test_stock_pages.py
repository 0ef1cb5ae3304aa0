"""The inventory pages through real HTTP: stock on hand with its filters, near-expiry and
not-issuable rows marked, pages and exports; the location tree and a new location; the move
history; FEFO suggestions; in Chinese and English; the permission."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from tests.factories.auth import csrf_from


def _rows(html: str) -> list[dict[str, str]]:
    """The stock rows: location, item, lot, serial and classes."""
    found = re.findall(r'<tr data-testid="stock-row" data-item="([^"]*)" data-lot="([^"]*)" '
                       r'data-serial="([^"]*)" data-location="([^"]*)"(?: class="([^"]*)")?>',
                       html)
    return [{"item": i, "lot": lot, "serial": s, "location": loc, "class": c}
            for i, lot, s, loc, c in found]


def _row(html: str, lot: str) -> str:
    return html.split(f'data-lot="{lot}"', 1)[1].split("</tr>", 1)[0]


def test_stock_on_hand_in_chinese_marks_near_expiry_expired_and_not_issuable(viewer, store):
    page = viewer.get("/inventory/stock")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>现有库存</h1>" in html
    rows = {r["lot"] or r["serial"] or r["item"]: r for r in _rows(html)}
    assert set(rows) == {"C-NEW", "C-NEAR", "C-Q", "C-EXP", "SN-1", "GAUZE"}
    assert rows["C-NEAR"]["class"] == "near-expiry"  # 100 days < the item's 180
    assert rows["C-NEW"]["class"] == ""
    assert rows["C-EXP"]["class"] == "expired blocked"
    assert rows["C-Q"]["class"] == "blocked"
    assert "临近失效" in _row(html, "C-NEAR")
    assert "否：批次待验（未放行）" in _row(html, "C-Q")
    assert "否：已过期" in _row(html, "C-EXP")
    assert '<option value="A-01">货位A-01</option>' in html  # location codes to pick from
    assert "<script>" not in html and " style=" not in html  # the CSP forbids both


def test_stock_filters_in_english(viewer, store):
    viewer.get("/lang/en")
    html = viewer.get("/inventory/stock").text
    assert "<h1>Stock on hand</h1>" in html and "not issuable" not in html.lower().split(
        "<table")[0]
    assert "no: the lot is in quarantine (not released)" in _row(html, "C-Q")

    def lots(**params: str) -> set[str]:
        answer = viewer.get("/inventory/stock", params=params)
        assert answer.status_code == 200, answer.text
        return {r["lot"] or r["serial"] or r["item"] for r in _rows(answer.text)}

    assert lots(site="BJ") == {"GAUZE"}
    assert lots(site="SH") == {"C-NEW", "C-NEAR", "C-Q", "C-EXP", "SN-1"}
    assert lots(location="AZ") == {"C-NEW", "C-NEAR", "SN-1"}  # the zone and its bins
    assert lots(location="a-02") == {"C-NEAR"}  # codes as typed or scanned
    assert lots(item="CATH") == {"C-NEW", "C-NEAR", "C-Q", "C-EXP"}
    assert lots(item=store["pump_gtin"]) == {"SN-1"}  # an item by its GTIN
    assert lots(item="CATH", lot="C-Q") == {"C-Q"}
    assert lots(item=f"(01){store['cath_gtin']}(10)C-NEAR") == {"C-NEAR"}  # a whole UDI
    assert lots(days="120") == {"C-NEAR", "C-EXP"}  # expiring within 120 days (or expired)
    assert lots(days="0") == {"C-EXP"}


def test_a_filter_that_finds_nothing_says_why_in_the_users_language(viewer, store):
    page = viewer.get("/inventory/stock", params={"item": "NOPE"})
    assert page.status_code == 422
    assert 'data-testid="form-error"' in page.text and "MT-COMMON-VALIDATION" in page.text
    assert '<span class="field-error" data-field-error="item">无此产品</span>' in page.text
    viewer.get("/lang/en")
    page = viewer.get("/inventory/stock", params={"lot": "C-Q"})
    assert page.status_code == 422 and "give the item first" in page.text
    page = viewer.get("/inventory/stock", params={"location": "NOWHERE"})
    assert page.status_code == 422 and "no such location" in page.text


def test_stock_is_paginated(viewer, store, monkeypatch):
    from medtrace.modules.inventory import web

    monkeypatch.setattr(web, "PAGE", 4)
    first = viewer.get("/inventory/stock", params={"site": "SH"})
    assert len(_rows(first.text)) == 4
    assert 'href="/inventory/stock?site=SH&amp;page=2" data-testid="next"' in first.text
    second = viewer.get("/inventory/stock", params={"site": "SH", "page": "2"})
    assert len(_rows(second.text)) == 1 and 'data-testid="previous"' in second.text


def test_stock_exports_every_filtered_row_as_csv_and_xlsx(viewer, store):
    viewer.get("/lang/en")
    answer = viewer.get("/inventory/stock/export", params={"format": "csv", "item": "CATH"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.match(r'attachment; filename="stock-\d{4}-\d{2}-\d{2}\.csv"',
                    answer.headers["content-disposition"])
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0][:7] == ["Location", "Item", "Lot", "Serial number", "Quantity", "Unit",
                            "Expiry date"]
    by_lot = {row[2]: row for row in table[1:]}
    assert set(by_lot) == {"C-NEW", "C-NEAR", "C-Q", "C-EXP"}
    assert by_lot["C-NEW"][:6] == ["A-01", "CATH", "C-NEW", "", "50", "EA"]
    assert by_lot["C-Q"][8:11] == ["quarantine", "quarantine", "the lot is in quarantine "
                                                              "(not released)"]
    assert by_lot["C-EXP"][10] == "expired"

    viewer.get("/lang/zh_CN")
    answer = viewer.get("/inventory/stock/export", params={"format": "xlsx", "location": "AZ"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["位置", "产品", "批号", "序列号", "数量"]
    quantities = {row[2] or row[3]: row[4] for row in values[1:]}
    assert quantities == {"C-NEW": 50, "C-NEAR": 8, "SN-1": 1}
    assert all(isinstance(q, int) for q in quantities.values())  # numbers, not text
    refused = viewer.get("/inventory/stock/export", params={"format": "pdf"},
                         headers={"Accept": "application/json"})
    assert refused.status_code == 422


def test_the_location_tree_shows_kinds_inherited_statuses_and_virtual_places_apart(viewer,
                                                                                  store):
    viewer.get("/lang/en")
    page = viewer.get("/inventory/locations")
    assert page.status_code == 200
    tree = page.text.split('data-testid="location-tree"', 1)[1].split("</table>", 1)[0]
    order = re.findall(r'<tr data-code="([^"]+)" data-depth="(\d)"', tree)
    assert order == [("BJ", "0"), ("WH2", "1"), ("SH", "0"), ("WH1", "1"), ("AZ", "2"),
                     ("A-01", "3"), ("A-02", "3"), ("QZ", "2"), ("RZ", "2")]
    a01 = tree.split('data-code="A-01"', 1)[1].split("</tr>", 1)[0]
    assert "available" in a01 and "(inherited)" in a01 and "bin" in a01
    assert 'class="depth-3"' in a01
    az = tree.split('data-code="AZ"', 1)[1].split("</tr>", 1)[0]
    assert "15-25C" in az and "(inherited)" not in az
    virtual = page.text.split('data-testid="virtual-locations"', 1)[1]
    assert re.findall(r'<tr data-code="([^"]+)">', virtual) == ["V-ADJ", "V-CUS", "V-SUP"]
    assert "adjustment" in virtual
    assert 'data-testid="location-form"' not in page.text  # viewing only


def test_a_new_location_is_created_from_the_tree_page(supervisor, store):
    page = supervisor.get("/inventory/locations")
    token = csrf_from(page.text)
    form = {"csrf_token": token, "code": "A-03", "name_zh": "货位A-03", "name_en": "Bin A-03",
            "kind": "bin", "parent": "AZ", "stock_status": "", "temperature_zone": "2-8C",
            "role": ""}
    made = supervisor.post("/inventory/locations", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == \
        "/inventory/locations?saved=A-03"
    page = supervisor.get("/inventory/locations?saved=A-03")
    assert "已创建库位 A-03" in page.text and 'data-code="A-03" data-depth="3"' in page.text

    again = supervisor.post("/inventory/locations", data={**form, "parent": "WH1",
                                                          "kind": "site"})
    assert again.status_code == 422
    assert "库位无效" in again.text and "MT-INV-LOCATION-INVALID" in again.text
    assert 'value="A-03"' in again.text  # what was typed stays


def test_move_history_filters_pages_and_links_each_move_to_its_reversal(supervisor, store):
    supervisor.get("/lang/en")
    page = supervisor.get("/inventory/moves")
    assert page.status_code == 200
    ids = re.findall(r'data-testid="move-row" data-move="(\d+)" data-purpose="receipt"',
                     page.text)
    assert len(ids) == 6
    assert f'href="/inventory/moves/{ids[0]}/reverse"' in page.text
    filtered = supervisor.get("/inventory/moves", params={"item": "CATH", "lot": "C-NEAR"})
    rows = re.findall(r'data-testid="move-row" data-move="(\d+)"', filtered.text)
    assert len(rows) == 1 and "RC-2" in filtered.text and "C-NEAR" in filtered.text
    by_place = supervisor.get("/inventory/moves", params={"location": "AZ"})
    assert len(re.findall(r'data-testid="move-row"', by_place.text)) == 3
    by_doc = supervisor.get("/inventory/moves", params={"doc": "RC-6"})
    assert "GAUZE" in by_doc.text and len(re.findall('data-testid="move-row"', by_doc.text)) == 1


def test_fefo_suggests_the_earliest_issuable_stock_with_enough_shelf_life(viewer, store):
    viewer.get("/lang/en")
    page = viewer.get("/inventory/fefo", params={"item": "CATH", "quantity": "55"})
    assert page.status_code == 200
    picks = page.text.split('data-testid="fefo-picks"', 1)[1].split("</table>", 1)[0]
    assert "C-NEW" in picks and "C-NEAR" not in picks  # 100 days left, 180 required
    assert 'data-testid="fefo-short"' in page.text and "5 short" in page.text
    skipped = page.text.split('data-testid="fefo-skipped"', 1)[1]
    assert "less than 180 days of shelf life left" in skipped and "expired" in skipped
    shorter = viewer.get("/inventory/fefo", params={"item": "CATH", "quantity": "10",
                                                    "days": "30"})
    picks = shorter.text.split('data-testid="fefo-picks"', 1)[1].split("</table>", 1)[0]
    assert picks.index("C-NEAR") >= 0 and "C-NEW" in picks  # 8 from C-NEAR first, then 2
    assert re.findall(r"<strong>(\d+)</strong>", picks) == ["8", "2"]
    refused = viewer.get("/inventory/fefo", params={"item": "CATH", "quantity": "-1"})
    assert refused.status_code == 422 and "must be more than zero" in refused.text


def test_the_pages_need_the_view_permission(client, db, store):
    from tests.factories.auth import make_user, web_login

    make_user(db, "no.stock", permissions=["catalog.item.view"])
    assert web_login(client, "no.stock").status_code == 303
    for path in ("/inventory/stock", "/inventory/locations", "/inventory/moves",
                 "/inventory/fefo", "/inventory/stock/export?format=csv"):
        assert client.get(path).status_code == 403, path
    home = client.get("/")
    assert 'href="/inventory/stock"' not in home.text  # no menu entry either
