"""Custom fields on pages and in exports, without a database: display, form parsing, query
filters, CSV escaping and typed XLSX cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from medtrace.platform.customfields import FieldDefinition, export, present
from medtrace.platform.errors import ValidationFailed


def _field(name: str, kind: str, **extra) -> FieldDefinition:
    return FieldDefinition(entity="partners.partner", name=name, kind=kind, label_zh=name + "中",
                           label_en=name, choices=extra.pop("choices", []), **extra)


GRADE = _field("grade", "choice", choices=[{"value": "A", "label_zh": "甲级", "label_en": ""}])
LIMIT = _field("limit", "number", unit="CNY")
COLD = _field("cold", "boolean")
DAY = _field("day", "date")


def test_display_and_inputs():
    assert present.display(GRADE, "A", "zh_CN") == "甲级"
    assert present.display(GRADE, "A", "en") == "A"  # no English label: the value
    assert present.display(LIMIT, Decimal("10.500000"), "en") == "10.5 CNY"
    assert present.display(DAY, dt.date(2026, 1, 2), "en") == "2026-01-02"
    assert present.display(LIMIT, None, "en") == "—"
    assert present.as_input(LIMIT, Decimal("1E+2")) == "100"
    assert present.heading(LIMIT, "zh_CN") == "limit中 (CNY)"


def test_form_values_and_query_filters():
    form = {"cf_grade": " A ", "cf_limit": "", "cf_cold": "on", "other": "x"}
    assert present.form_values([GRADE, LIMIT, COLD, DAY], form) == {
        "grade": "A", "limit": None, "cold": True, "day": None}
    assert present.form_values([COLD], {})["cold"] is False
    filters = present.query_filters([GRADE, LIMIT], {"cf_grade": "A", "cf_limit": " "})
    assert filters == {"grade": "A"}
    query = present.filter_query(filters, {"q": "苏州", "role": ""})
    assert query == "q=%E8%8B%8F%E5%B7%9E&cf_grade=A"
    assert present.parse_pairs(["grade:A", "limit:1:2"]) == {"grade": "A", "limit": "1:2"}
    with pytest.raises(ValidationFailed):
        present.parse_pairs(["grade"])


def test_csv_escapes_formulas_and_keeps_exact_numbers():
    data = export.to_csv(["a", "b", "c", "d"], [["=1+1", Decimal("0.100000"), True, None],
                                                ["-x", Decimal("-3"), dt.date(2026, 5, 1), "ok"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'=1+1", "0.1", "true", ""]
    assert rows[2] == ["'-x", "-3", "2026-05-01", "ok"]


def test_xlsx_cells_are_typed_and_never_formulas():
    data = export.to_xlsx(["文本", "数", "日期", "是否"],
                          [["=SUM(A1)", Decimal("2.25"), dt.date(2026, 5, 1), False]],
                          title="partners")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "partners"
    assert [c.value for c in sheet[1]] == ["文本", "数", "日期", "是否"]
    text, number, day, flag = sheet[2]
    assert text.value == "=SUM(A1)" and text.data_type == "s"
    assert number.value == 2.25 and number.data_type == "n"
    assert day.value == dt.datetime(2026, 5, 1) and day.is_date
    assert flag.value is False
    with pytest.raises(ValidationFailed):
        export.export_response("pdf", name="x", headings=[], rows=[], stamp=dt.date.today())
