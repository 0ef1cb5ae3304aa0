"""Exports of a (filtered) list as CSV or XLSX, with the custom-field columns after the
record's own columns. Values keep their type: numbers stay exact (Decimal, never float),
dates are dates, and text that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from starlette.responses import Response

from medtrace.platform.customfields.models import FieldDefinition
from medtrace.platform.customfields.present import heading
from medtrace.platform.db.base import plain_decimal
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.i18n import translate

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: a leading character that makes a spreadsheet evaluate a cell (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def custom_headings(fields: Iterable[FieldDefinition], locale: str) -> list[str]:
    return [heading(f, locale) for f in fields]


def headings(own: Iterable[str], fields: Iterable[FieldDefinition], locale: str) -> list[str]:
    """The record's own column headings (msgids, translated) and the custom fields' ones."""
    return [translate(h, locale) for h in own] + custom_headings(fields, locale)


def custom_cells(fields: Iterable[FieldDefinition], values: dict[str, Any]) -> list[Any]:
    return [values.get(f.name) for f in fields]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(plain_decimal(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, Decimal):
        value = plain_decimal(value)
    elif isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)  # spreadsheets have no time zones: UTC as written
    elif value is not None and not isinstance(value, bool | int | dt.date):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def to_xlsx(headings: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet1")
    sheet.append([_xlsx_cell(sheet, h) for h in headings])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(fmt: str, *, name: str, headings: Sequence[str],
                    rows: Iterable[Sequence[Any]], stamp: dt.date) -> Response:
    """The file as a download: ``<name>-<date>.csv`` or ``.xlsx``."""
    if fmt not in FORMATS:
        raise ValidationFailed("the format is csv or xlsx", errors=[
            {"field": "format", "message": "csv, xlsx", "type": "value_error"}])
    content = (to_csv(headings, rows) if fmt == "csv"
               else to_xlsx(headings, rows, title=name))
    return Response(content, media_type=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}-{stamp.isoformat()}.{fmt}"'})
