"""The partner list page: filters (custom fields by the indexed lookup), pages, and CSV / XLSX
exports of the filtered list with the custom-field columns, read back with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from medtrace.modules.partners.permissions import PARTNER_VIEW
from tests.factories.auth import make_user, web_login
from tests.factories.customfields import partner_fields


def _partners(client, count=4):
    for number in range(count):
        response = client.post("/api/v1/partners", json={
            "code": f"SUP-{number:02d}", "name_zh": f"供应商{number}",
            "name_en": f"=HYPERLINK(\"http://evil\",\"{number}\")" if number == 1
            else f"Supplier {number}", "is_supplier": True,
            "custom_fields": {"grade": "A" if number % 2 else "B",
                              "credit_limit": f"{number}000.25",
                              "audited_on": f"2026-01-0{number + 1}",
                              "cold_chain": number == 3}})
        assert response.status_code == 201, response.text


def test_list_filters_on_custom_fields_and_pages(admin_client, db):
    partner_fields(db)
    _partners(admin_client, 4)
    page = admin_client.get("/partners")
    assert page.status_code == 200
    assert 'data-custom-filter="grade"' in page.text and "信用额度 (CNY)" in page.text
    grade_a = admin_client.get("/partners?cf_grade=A")
    listed = grade_a.text.split('data-testid="partners"')[1]
    assert "SUP-01" in listed and "SUP-03" in listed and "SUP-00" not in listed
    assert "甲级" in listed and "3000.25 CNY" in listed
    assert "format=xlsx&amp;cf_grade=A" in grade_a.text  # the export keeps the filter
    cold = admin_client.get("/partners?cf_cold_chain=true&q=SUP")
    assert "SUP-03" in cold.text and "SUP-01" not in cold.text.split('data-testid="partners"')[1]
    wrong = admin_client.get("/partners?cf_credit_limit=abc")
    assert wrong.status_code == 422 and "MT-CUSTOMFIELD-INVALID" in wrong.text
    _partners_more(admin_client)
    first = admin_client.get("/partners?q=BULK")
    assert "共 55 条记录" in first.text and "page=2" in first.text
    second = admin_client.get("/partners?q=BULK&page=2")
    assert _rows(second.text) == 5 and _rows(first.text) == 50


def _rows(html: str) -> int:
    return html.split('data-testid="partners"')[1].split("</tbody>")[0].count("<tr>") - 1


def _partners_more(client):
    for number in range(55):
        client.post("/api/v1/partners", json={
            "code": f"BULK-{number:03d}", "name_zh": "批量", "name_en": "Bulk",
            "is_customer": True, "customer_type": "other", "custom_fields": {"grade": "B"}})


def test_exports_hold_the_filtered_list_with_custom_columns(admin_client, db):
    partner_fields(db)
    _partners(admin_client, 4)
    xlsx = admin_client.get("/partners/export?format=xlsx&cf_grade=A")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "partners-" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["代码", "名称（中文）", "名称（英文）"]
    for heading in ("统一社会信用代码", "信用额度 (CNY)", "供应商等级", "现场审核日期", "冷链"):
        assert heading in header
    data = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert sorted(data) == ["SUP-01", "SUP-03"]
    assert Decimal(str(data["SUP-03"]["信用额度 (CNY)"])) == Decimal("3000.25")  # a number cell
    assert data["SUP-03"]["现场审核日期"] == dt.datetime(2026, 1, 4)
    assert data["SUP-03"]["冷链"] is True and data["SUP-01"]["冷链"] is False
    assert data["SUP-01"]["供应商等级"] == "A"
    formula = sheet.cell(row=2, column=3)  # SUP-01's English name, a would-be formula
    assert formula.value.startswith("=HYPERLINK") and formula.data_type == "s"

    text = admin_client.get("/partners/export?format=csv&cf_grade=A").content
    assert text.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["SUP-01", "SUP-03"]
    english = lines[1][2]
    assert english.startswith("'=HYPERLINK")  # never run as a formula by a spreadsheet
    assert "3000.25" in lines[2] and "true" in lines[2] and "2026-01-04" in lines[2]
    assert admin_client.get("/partners/export?format=pdf").status_code == 422


def test_exports_need_the_view_permission(client, db):
    make_user(db, "no.partners", permissions=[])
    web_login(client, "no.partners")
    assert client.get("/partners/export?format=csv").status_code == 403
    assert client.get("/partners").status_code == 403
    make_user(db, "partner.reader", permissions=[PARTNER_VIEW])
    client.cookies.clear()
    web_login(client, "partner.reader")
    assert client.get("/partners/export?format=csv").status_code == 200
