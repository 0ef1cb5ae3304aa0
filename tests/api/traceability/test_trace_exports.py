"""Exports of the whole trace answer: CSV (parsed), XLSX (read back with openpyxl) and PDF
(text extracted with pypdf), headings in the user's language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from medtrace.modules import traceability as tr
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import lot, make_item, unit


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_forward_csv_holds_every_unit_lot_and_container_with_chinese_headings(tracer, plant):
    answer = tracer.get("/trace/export.csv", params={"code": "P-1", "item": "PCB",
                                                     "direction": "forward"})
    rows = _csv(answer)
    assert rows[0][:5] == ["类型", "产品", "批号、序列号或 SSCC", "批号", "去向"]
    by_number = {r[2]: r for r in rows[1:]}
    assert by_number["SN-3"][:2] == ["成品单件", "PUMP"]
    assert by_number["SN-3"][4] == "已安装" and by_number["SN-3"][6] == "HSP-2"
    assert by_number["SA-1"][0] == "半成品"
    assert by_number[plant["case_sscc"]][0] == "包装容器"
    # the root lot itself comes first: where its quantity is (in stock, consumed into boards)
    assert rows[1][2] == "P-1" and rows[1][4] in ("在库", "已消耗")
    assert sorted(by_number) == sorted(["P-1", "SN-1", "SN-2", "SN-3", "SA-1", "SA-2", "SA-3",
                                        plant["case_sscc"]])
    disposition = answer.headers["content-disposition"]
    assert 'filename="trace-forward-PCB-P-1-' in disposition and disposition.endswith('.csv"')


def test_backward_xlsx_in_english_has_the_receipts(tracer, plant):
    tracer.get("/lang/en")
    answer = tracer.get("/trace/export.xlsx", params={"code": "SN-1", "direction": "backward"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Kind", "Item", "Lot, serial or SSCC", "Lot")
    assert "Incoming inspection" in rows[0]
    pcb = next(r for r in rows if r[2] == "P-1")
    assert pcb[0] == "lot" and pcb[5] == "received" and pcb[6] == "SUP-PCB"
    assert pcb[9] == "RC-1" and pcb[11] == "100" and pcb[13] == "accepted"
    assert {r[2] for r in rows[1:]} == {"H-1", "H-1A", "P-1", "SA-1"}


def test_timeline_csv_in_event_time_order_with_parties(tracer, plant):
    tracer.get("/lang/en")
    rows = _csv(tracer.get("/trace/export.csv", params={"code": "SN-3", "item": "PUMP",
                                                         "direction": "timeline"}))
    assert rows[0][:3] == ["Time (event's time zone)", "Time (UTC)", "Step"]
    assert [r[2] for r in rows[1:]] == ["Produced", "Shipped", "Installed"]
    assert rows[2][0] == "2026-03-06 09:00:00 +08:00" and rows[2][1] == "2026-03-06T01:00:00Z"
    assert rows[2][12] == "owner: HSP-2" and rows[3][6] == "HSP-2 ICU"


def test_pdf_exports_carry_the_answer_in_chinese_and_english(tracer, plant):
    pdf = tracer.get("/trace/export.pdf", params={"code": "P-1", "item": "PCB",
                                                  "direction": "forward"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "正向追溯" in text and "召回范围（按客户）" in text
    assert "HSP-1" in text and "SN-3" in text and "成品单件" in text
    tracer.get("/lang/en")
    pdf = tracer.get("/trace/export.pdf", params={"code": "SN-1", "direction": "timeline"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Timeline" in text and "Packed" in text and "PK-1" in text


def test_exports_hold_the_whole_answer_not_one_page(tracer, db):
    item = make_item(db, "XPUMP", kind="finished", tracking="serial")
    part = make_item(db, "XPART", kind="component", tracking="lot")
    with UnitOfWork(db) as uow:
        source = lot(uow, part, "XL-1", expiry_date=dt.date(2030, 1, 31))
        units = [unit(uow, item, f"X-{n:03d}") for n in range(150)]
        tr.record_event(uow, step="produced", inputs=[tr.Part(source, Decimal("150"))],
                        outputs=units, doc="WO-X", edge_kind="production")
    rows = _csv(tracer.get("/trace/export.csv", params={"code": "XL-1", "direction": "forward"}))
    assert len([r for r in rows[1:] if r[1] == "XPUMP"]) == 150
    sheet = load_workbook(io.BytesIO(tracer.get("/trace/export.xlsx", params={
        "code": "X-001", "direction": "backward"}).content)).active
    row = list(sheet.iter_rows(values_only=True))[1]
    assert row[2] == "XL-1" and row[8] == dt.datetime(2030, 1, 31)  # a typed date cell
    pdf = tracer.get("/trace/export.pdf", params={"code": "XL-1", "direction": "forward"})
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) >= 4
    assert "X-149" in reader.pages[-1].extract_text()


@pytest.mark.parametrize("url", ["/trace/export.pdf?code=NOPE&direction=forward",
                                 "/trace/export.doc?code=SN-1"])
def test_refused_exports(tracer, plant, url):
    answer = tracer.get(url)
    assert answer.status_code in (404, 422)
    assert "MT-TRACE-" in answer.text
