"""The service report of a completed order as PDF/A-2b, Chinese and English side by side:
validated by pikepdf's PDF/A-2b checker, its text naming the order, the unit, both languages'
labels, the part replaced, the version change, the technician's signature and the customer's
acknowledgement; through the API and the page route; an order not done is a 409 problem."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from medtrace.modules.service import service
from medtrace.modules.service.documents import queries
from medtrace.modules.service.documents.web import render_service_report
from medtrace.modules.service.errors import OrderStateConflict
from medtrace.modules.service.schemas import (
    CloseIn,
    CompleteIn,
    ReplacementIn,
    ServiceOrderCreate,
    VersionUpdate,
)
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from medtrace.platform.policy import COMPANY_NAME_EN, COMPANY_NAME_ZH, set_setting
from tests.factories.auth import PASSWORD, api_token, make_user, web_login
from tests.factories.service import lead, make_field, tech
from tests.integration.service.test_installed_base import install

PROBLEM = "application/problem+json"


def _font_or_skip() -> None:
    from medtrace.platform.pdf.font import locate_cjk_font

    try:
        locate_cjk_font()
    except RuntimeError as exc:  # pragma: no cover - a machine without the CJK font
        pytest.skip(f"no CJK font: {exc}")


def _open_order(db) -> str:  # type: ignore[no-untyped-def]
    make_field(db)
    with UnitOfWork(db, context={"reason": "company"}) as uow:
        set_setting(uow, COMPANY_NAME_ZH, "华康医疗器械有限公司")
        set_setting(uow, COMPANY_NAME_EN, "Huakang Medical Devices Co., Ltd.")
    install(db)
    with UnitOfWork(db) as uow:
        order = service.create_order(uow, actor=tech(db), data=ServiceOrderCreate(
            type="corrective", unit="SN-1", item="PUMP", problem="无法开机 / won't start",
            technician="svc.tech", parts_location="VAN-1"))
        return order.number


@pytest.fixture
def done(db) -> str:  # type: ignore[no-untyped-def]
    """A corrective order on the installed pump: the drive board swapped, the firmware
    updated, completed with the technician's signature and the nurse's acknowledgement."""
    number = _open_order(db)
    with UnitOfWork(db) as uow:
        service.replace_part(uow, number=number, actor=tech(db),
                             data=ReplacementIn(removed="SA-1", fitted="SA-9"))
    with UnitOfWork(db) as uow:
        service.update_version(uow, number=number, actor=tech(db),
                               data=VersionUpdate(kind="firmware", version="F1.5"))
    with UnitOfWork(db) as uow:
        service.complete_order(uow, number=number, actor=tech(db), data=CompleteIn(
            report="更换驱动板，升级固件 / drive board replaced, firmware updated",
            minutes=95, ack_name="张护士长", signature={"password": PASSWORD}))
    return number


def _pdf_text(content: bytes) -> str:
    """The text of every page, after checking the document passes PDF/A-2b."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(content), "2b")
    assert report.passed, report
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(?:>|=")\s*2\b', xmp)
    assert re.search(r'pdfaid:conformance(?:>|=")\s*B\b', xmp)
    assert reader.trailer["/Root"]["/OutputIntents"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # a label wrapped in its cell reads as one line


def _expected(number: str) -> list[str]:
    labels = ["Service report", "Serial unit", "Customer", "Work done", "Parts replaced",
              "Software and firmware changes", "Technician's electronic signature",
              "Customer acknowledgement"]
    return [number, "SN-1", "SA-1", "SA-9", "F1.4", "F1.5", "PUMP", "HSP-1", "第一医院",
            "First Hospital", "华康医疗器械有限公司", "Huakang Medical Devices Co., Ltd.",
            "Tech One", "张护士长", "95", "Asia/Shanghai", "drive board replaced",
            *labels, *(translate(label, "zh_CN") for label in labels)]


def test_the_report_is_pdfa_in_both_languages_with_the_signature(db, done):
    _font_or_skip()
    with UnitOfWork(db, write=False) as uow:
        report = queries.service_report(uow, done)
    assert report["signature"]["signer"] == "Tech One"
    assert report["signature"]["meaning"] == "authored"
    assert report["signature"]["signed_on"] and report["ack_name"] == "张护士长"
    text = _pdf_text(render_service_report(report))
    for expected in _expected(done):
        assert expected in text, expected
    meaning = report["signature"]["meaning_label"]
    assert meaning["zh"] in text and meaning["en"] in text


def test_a_closed_order_still_has_its_report(db, done):
    _font_or_skip()
    with UnitOfWork(db) as uow:
        service.close_order(uow, number=done, actor=lead(db), data=CloseIn(note="reviewed"))
    with UnitOfWork(db, write=False) as uow:
        text = _pdf_text(render_service_report(queries.service_report(uow, done)))
    assert done in text and "SN-1" in text


def test_the_api_and_the_page_answer_the_pdf(client, db, done):
    _font_or_skip()
    token = api_token(client, "svc.tech")
    answer = client.get(f"/api/v1/service-orders/{done}/report.pdf",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert done in answer.headers["content-disposition"]
    assert "Tech One" in _pdf_text(answer.content)
    web_login(client, "svc.lead")
    page = client.get(f"/service/orders/{done}/report.pdf")
    assert page.status_code == 200, page.text
    assert done in _pdf_text(page.content)


def test_an_open_order_has_no_report_yet(client, db):
    number = _open_order(db)
    with UnitOfWork(db, write=False) as uow, pytest.raises(OrderStateConflict):
        queries.service_report(uow, number)
    token = api_token(client, "svc.tech")
    answer = client.get(f"/api/v1/service-orders/{number}/report.pdf",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == "MT-SERVICE-ORDER-STATE"


def test_the_report_needs_the_view_permission(client, db, done):
    make_user(db, "no.service", permissions=["quality.complaint.view"])
    token = api_token(client, "no.service")
    answer = client.get(f"/api/v1/service-orders/{done}/report.pdf",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    unknown = client.get("/api/v1/service-orders/SO-NONE/report.pdf",
                         headers={"Authorization": f"Bearer {api_token(client, 'svc.tech')}"})
    assert unknown.status_code == 404
