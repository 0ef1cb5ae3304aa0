"""The device history record as a PDF/A-2b document: the metadata, output intent and embedded
fonts PDF/A asks for, its text in Chinese and English, a 1,000-unit lot over many pages, and
values that are missing or far too long. Skipped (with the reason) where no CJK font exists."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from medtrace.modules.production.dhr.web import pdf

ZH = {
    "Device history record": "生产记录",
    "Device": "产品",
    "Work order": "工单",
    "Components consumed": "消耗物料",
    "Operations": "工序",
    "Batch release": "批放行",
    "Item": "物料",
    "Lot": "批号",
    "Serial": "序列号",
    "Supplier": "供应商",
    "Page": "页",
}


@pytest.fixture(scope="module")
def font() -> None:
    try:
        pdf.locate_cjk_font()
    except RuntimeError as exc:
        pytest.skip(f"no CJK font: {exc}")


def make_dhr(units: int = 3) -> dict[str, Any]:
    serials = [f"IP2-26{number:04d}" for number in range(1, units + 1)]
    parts = (("DRV-200", "驱动板 Driver board"), ("PMP-010", "蠕动泵 Peristaltic pump"),
             ("HSG-200", "外壳 Housing"))
    at = "2026-12-05T10:00:00+08:00"
    return {
        "code": "L2612-001", "kind": "lot", "generated_at": "2026-12-06T08:00:00+08:00",
        "item": {"code": "IP-200", "name": "容量输液泵", "udi_di": "06971234560012",
                 "registration_number": "国械注准20232140001"},
        "lot": "L2612-001", "serial": None, "status": "released",
        "work_order": {"number": "WO-2026-00001", "status": "closed", "quantity": str(units),
                       "uom": "EA", "line": "LINE-1", "released_at": at, "completed_at": at},
        "bom": {"version": "B", "change_reason": "更换供应商 Supplier change",
                "effective_from": "2026-11-01", "released_at": at, "eco": "ECO-2026-0003"},
        "routing": {"version": "B"},
        "components": [
            {"item": code, "name": name, "lot": f"{code[:3]}-L01", "serial": f"{code[:3]}-{s}",
             "quantity": "1.000000", "uom": "EA", "supplier": "SUP-PCB 深圳华电",
             "receipt": "RC-2026-00012", "inspection": "IQC-2026-0004 accepted",
             "issued_at": at, "issued_by": "张敏", "substitute": False, "output_serial": s}
            for s in serials for code, name in parts],
        "operations": [
            {"sequence": 10 * (n + 1), "name": name, "work_center": "WC-ASSY",
             "equipment": "EQ-TORQUE-01 扭力扳手", "calibration_due": "2027-01-31",
             "calibration_ok": True, "operator": "张敏", "started_at": at, "finished_at": at,
             "signature": "张敏 2026-12-05 10:00 performed"}
            for n, name in enumerate(("装配 Assembly", "测试 Test", "老化 Burn-in",
                                      "检验 Inspection", "包装 Packing"))],
        "checks": [
            {"operation": 20, "characteristic": "流速精度 Flow accuracy", "lower": "-5",
             "upper": "5", "unit": "%", "value": "2.1" if n else "6.3",
             "result": "pass" if n else "fail", "recorded_by": "王强", "recorded_at": at,
             "serial": serials[n % units]}
            for n in range(50)],
        "deviations": [{"check": "流速精度 Flow accuracy = 6.3 %", "disposition": "rework",
                        "reason": "泵管装配偏移，重新装配。\nReassembled and retested.",
                        "signed_by": "李娜", "at": at}],
        "outputs": [{"lot": "L2612-001", "serial": s, "quantity": "1", "produced_at": at,
                     "produced_by": "张敏"} for s in serials],
        "labels": [{"udi": f"(01)06971234560012(11)261206(10)L2612-001(21){s}",
                    "printed_at": at, "printed_by": "张敏"} for s in serials],
        "signatures": [{"meaning": "released", "signer": "li.na", "name": "李娜", "at": at,
                        "comment": "全部记录已审核"}],
        "release": {"status": "released", "signed_by": "李娜", "at": at},
    }


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_in(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font of a resource dictionary, and of the form XObjects it draws."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for reference in (resources.get("/XObject") or {}).values():
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from fonts_in(xobject.get("/Resources"), seen)


def is_embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.fixture(scope="module")
def zh(font: None) -> PdfReader:
    return read(pdf.render_dhr_pdf(make_dhr(), locale="zh_CN", labels=ZH))


@pytest.fixture(scope="module")
def big(font: None) -> PdfReader:
    return read(pdf.render_dhr_pdf(make_dhr(1000), locale="zh_CN", labels=ZH))


def test_the_metadata_declares_pdfa_2b_with_the_title_of_the_document_info(zh: PdfReader):
    root = zh.trailer["/Root"].get_object()
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(?:>|=")\s*2\b', xmp)
    assert re.search(r'pdfaid:conformance(?:>|=")\s*B\b', xmp)
    assert zh.metadata.title == "生产记录 L2612-001"
    assert re.search(r"<dc:title>.*生产记录 L2612-001.*</dc:title>", xmp, re.DOTALL)
    assert "/Encrypt" not in zh.trailer
    assert len(zh.trailer["/ID"]) == 2


def test_there_is_an_srgb_output_intent_with_an_embedded_profile(zh: PdfReader):
    intents = zh.trailer["/Root"]["/OutputIntents"]
    assert len(intents) >= 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    assert len(profile.get_data()) > 128  # an ICC header is 128 bytes


def test_every_font_of_every_page_is_embedded(zh: PdfReader, big: PdfReader):
    for reader in (zh, big):
        seen: set[int] = set()
        fonts = [font for page in reader.pages for font in fonts_in(page.get("/Resources"), seen)]
        assert fonts
        assert [font.get("/BaseFont") for font in fonts if not is_embedded(font)] == []


def test_the_chinese_title_and_component_names_are_text(zh: PdfReader):
    text = text_of(zh)
    assert "生产记录 L2612-001" in text
    assert "容量输液泵" in text
    assert "驱动板 Driver board" in text
    assert "消耗物料" in text  # a translated label
    assert "Inspection" in text  # a label without a translation falls back to its key


def test_the_english_document_has_the_english_labels(font: None):
    reader = read(pdf.render_dhr_pdf(make_dhr(), locale="en", labels={}))
    text = text_of(reader)
    for label in ("Device history record L2612-001", "Work order", "Components consumed",
                  "Operations", "In-process checks", "Deviations and dispositions", "Outputs",
                  "Labels issued", "Signatures", "Batch release", "Supplier", "Calibration due",
                  "Page 1 / "):
        assert label in text
    assert "Rework" in text and "Fail" in text  # codes shown as their labels


def test_label_keys_are_unique_and_cover_the_sections():
    assert len(set(pdf.LABEL_KEYS)) == len(pdf.LABEL_KEYS)
    for key in ("Device history record", "Work order", "Components consumed", "Operations",
                "In-process checks", "Deviations and dispositions", "Outputs", "Labels issued",
                "Signatures", "Batch release", "Item", "Lot", "Serial", "Quantity", "Supplier",
                "Receipt", "Inspection", "Operator", "Equipment", "Calibration due", "Result",
                "Page"):
        assert key in pdf.LABEL_KEYS


def test_a_thousand_unit_lot_runs_over_many_pages_each_with_the_code_and_number(
        big: PdfReader):
    pages = big.pages
    assert len(pages) > 50
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "L2612-001" in text
        assert f"页 {number} / " in text
    assert "IP2-261000" in pages[-1].extract_text() + pages[-2].extract_text()


def long_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: long_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [long_values(item) for item in value]
    if isinstance(value, str):
        return ("很长的值 a very long value " * 400 + "\nnext line\r\n\ttab\x00 😀 \U0010ffff")
    return value


def none_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: none_values(item) if isinstance(item, list) else None
                for key, item in value.items()}
    if isinstance(value, list):
        return [none_values(item) for item in value[:2]] + [None]
    return None


@pytest.mark.parametrize("record", [
    {},
    dict.fromkeys(make_dhr()),
    none_values(make_dhr()),
    long_values(make_dhr()),
    {"code": 7, "kind": "other", "item": "not a mapping", "components": "not a list",
     "checks": [{"result": True, "operation": 1.5}], "generated_at": "yesterday"},
], ids=["empty", "none-sections", "none-fields", "long-values", "odd-types"])
def test_missing_odd_and_very_long_values_do_not_break_the_document(font: None, record: dict):
    reader = read(pdf.render_dhr_pdf(record, locale="zh_CN", labels=ZH))
    text = text_of(reader)
    assert "生产记录" in text
    if record and isinstance(record.get("code"), str) and "long value" in record["code"]:
        assert "…" in text


def test_the_document_passes_pikepdfs_pdfa_2b_validator(font: None):
    validator = pytest.importorskip("pikepdf.pdfa")
    data = pdf.render_dhr_pdf(make_dhr(), locale="en", labels={})
    report = validator.validate_written(io.BytesIO(data), "2b")
    assert report.passed, report


def test_a_missing_font_is_a_clear_error_naming_the_package(monkeypatch):
    monkeypatch.setenv(pdf.FONT_ENV, "no-such-font.ttc")
    with pytest.raises(RuntimeError, match=pdf.FONT_PACKAGE):
        pdf.render_dhr_pdf(make_dhr(), locale="en", labels={})
