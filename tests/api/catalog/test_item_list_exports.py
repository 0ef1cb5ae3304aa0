"""The item list page filters on custom fields and exports the filtered list (every page)
with the custom-field columns as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from medtrace.modules.catalog import gs1_check_digit
from tests.factories.customfields import make_field


def _gtin(number: int) -> str:
    body = f"069712345{number:04d}"
    return body + str(gs1_check_digit(body))


def _items(client, count: int) -> None:
    for number in range(count):
        response = client.post("/api/v1/items", json={
            "code": f"IT-{number:03d}", "name_zh": f"产品{number}", "name_en": f"Item {number}",
            "class_cn": "II", "tracking": "lot",
            "packaging": [{"level": 0, "name": "unit", "gtin": _gtin(number), "quantity": "1"}],
            "custom_fields": {"sterilisation": "EO" if number % 3 == 0 else "gamma",
                              "weight": f"{number}.5"}})
        assert response.status_code == 201, response.text


def test_item_list_filters_and_exports_with_custom_columns(admin_client, db):
    make_field(db, "catalog.item", "sterilisation", "choice", label_zh="灭菌方式",
               label_en="Sterilisation", choices=[{"value": "EO", "label_zh": "环氧乙烷"},
                                                  {"value": "gamma", "label_zh": "辐照"}])
    make_field(db, "catalog.item", "weight", "number", label_zh="重量", label_en="Weight",
               unit="kg", min_value=Decimal(0))
    _items(admin_client, 60)
    page = admin_client.get("/catalog/items?cf_sterilisation=EO")
    assert page.status_code == 200 and 'data-custom-filter="weight"' in page.text
    table = page.text.split('data-testid="items"')[1].split("</tbody>")[0]
    assert table.count("<tr>") - 1 == 20  # 0, 3, ... 57: one page
    assert "环氧乙烷" in table and "辐照" not in table and "3.5 kg" in table
    assert "共 20 条记录" in page.text
    one = admin_client.get("/catalog/items?cf_weight=4.50")
    assert "IT-004" in one.text and "IT-005" not in one.text
    assert admin_client.get("/catalog/items?cf_weight=heavy").status_code == 422
    all_pages = admin_client.get("/catalog/items?page=2")
    assert "IT-059" in all_pages.text and "IT-000" not in all_pages.text

    xlsx = admin_client.get("/catalog/items/export?format=xlsx&cf_sterilisation=gamma&class_cn=II")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert "灭菌方式" in header and "重量 (kg)" in header and "UDI-DI" in header
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == 40 and "IT-000" not in codes and "IT-059" in codes  # every page
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_code["IT-059"]["灭菌方式"] == "gamma"
    assert Decimal(str(by_code["IT-059"]["重量 (kg)"])) == Decimal("59.5")
    assert by_code["IT-059"]["UDI-DI"] == _gtin(59)

    text = admin_client.get("/catalog/items/export?format=csv&q=IT-05").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == [f"IT-05{n}" for n in range(10)]
    assert lines[1][-1] == "50.5" and lines[1][-2] == "gamma"
