"""A shipment's documents through real HTTP, on both databases: the delivery note as PDF/A in
Chinese and English with every lot, serial and SSCC in its text; the certificate of conformity
of each catheter lot with its registration number; the GS1-128 logistics label of a case read
back by a decoder; unknown shipments, certificates and packages as 404 problems; a server
without a Chinese font as a 503 problem."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from medtrace.modules import catalog, sales
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from medtrace.platform.policy import COMPANY_NAME_EN, COMPANY_NAME_ZH, set_setting
from medtrace.standards.udi.logistics import complete_sscc
from tests.factories.auth import api_token, make_user
from tests.factories.sales import lot_scan, make_distributor, order, stock, unit_scan, who

REGISTRATION = "国械注准20262140001"
PROBLEM = "application/problem+json"


def _font_or_skip() -> None:
    from medtrace.platform.pdf.font import locate_cjk_font

    try:
        locate_cjk_font()
    except RuntimeError as exc:  # pragma: no cover - a machine without the CJK font
        pytest.skip(f"no CJK font: {exc}")


def _ship(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Catheters of two lots (one in a case, one loose) and two pumps in another case, both
    cases on a pallet, shipped to the distributor."""
    ids = make_distributor(db)
    with UnitOfWork(db, context={"reason": "registered"}) as uow:
        catalog.get_item_or_raise(uow, ids["cath"]).registration_number = REGISTRATION
        set_setting(uow, COMPANY_NAME_ZH, "华康医疗器械有限公司")
        set_setting(uow, COMPANY_NAME_EN, "Huakang Medical Devices Co., Ltd.")
    number = order(db, "DIST", [("S-CATH", "30", "20"), ("S-PUMP", "2", "30000")],
                   customer_reference="PO-4711")
    picker = who(db, "sal.picker")
    with UnitOfWork(db) as uow:
        sales.allocate_order(uow, ref=number, actor=picker)

    def pick(scan: str, quantity: str | None = None) -> int:
        with UnitOfWork(db) as uow:
            return sales.pick_scan(uow, ref=number, data=sales.PickIn(
                scan=scan, quantity=Decimal(quantity) if quantity else None), actor=picker).id

    early = pick(lot_scan(ids["cath_gtin"], "C-EARLY"), "10")
    pick(lot_scan(ids["cath_gtin"], "C-LATE"), "20")
    pumps = [pick(unit_scan(ids["pump_gtin"], serial)) for serial in ("PU-1", "PU-2")]
    with UnitOfWork(db) as uow:
        cath_case = sales.pack(uow, ref=number, data=sales.PackIn(picks=[early]),
                               actor=picker).sscc
        pump_case = sales.pack(uow, ref=number, data=sales.PackIn(picks=pumps),
                               actor=picker).sscc
        pallet = sales.pack(uow, ref=number, data=sales.PackIn(
            kind="pallet", packages=[cath_case, pump_case]), actor=picker).sscc
    with UnitOfWork(db) as uow:
        shipment = sales.ship(uow, data=sales.ShipmentCreate(
            sales_order=number, carrier="SF Express", tracking_number="SF1234567890"),
            actor=picker).number
    return {**ids, "order": number, "shipment": shipment, "cath_case": cath_case,
            "pump_case": pump_case, "pallet": pallet}


def _headers(client, name: str = "sal.rep") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _pdf_text(content: bytes) -> str:
    """The text of every page, after checking the XMP declares PDF/A-2b."""
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(?:>|=")\s*2\b', xmp)
    assert re.search(r'pdfaid:conformance(?:>|=")\s*B\b', xmp)
    assert reader.trailer["/Root"]["/OutputIntents"]
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def shipped(db):  # type: ignore[no-untyped-def]
    return _ship(db)


def test_the_delivery_note_in_both_languages_names_every_lot_serial_and_sscc(client, shipped):
    _font_or_skip()
    rep = _headers(client)
    shipment = client.get(f"/api/v1/shipments/{shipped['shipment']}", headers=rep).json()
    path = shipment["documents"]["delivery_note"]
    assert path == f"/api/v1/shipments/{shipped['shipment']}/delivery-note.pdf"
    for lang, company in (("zh_CN", "华康医疗器械有限公司"),
                          ("en", "Huakang Medical Devices Co., Ltd.")):
        answer = client.get(f"{path}?lang={lang}", headers=rep)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert shipped["shipment"] in answer.headers["content-disposition"]
        text = _pdf_text(answer.content)
        for expected in (shipped["shipment"], shipped["order"], "PO-4711", "C-EARLY",
                         "C-LATE", "PU-1", "PU-2", shipped["cath_case"], shipped["pump_case"],
                         shipped["pallet"], "SF1234567890", "上海市浦东新区", company,
                         translate("Delivery note", lang), translate("Totals per item", lang)):
            assert expected in text, (lang, expected)
        name = "导尿管" if lang == "zh_CN" else "Catheter"
        assert name in text
    assert ("Catheter" not in _pdf_text(client.get(f"{path}?lang=zh_CN", headers=rep).content))


def test_the_certificate_of_each_catheter_lot_names_the_lot_and_the_registration(client,
                                                                                  shipped):
    _font_or_skip()
    rep = _headers(client)
    shipment = client.get(f"/api/v1/shipments/{shipped['shipment']}", headers=rep).json()
    lots = {c["number"]: c["lot"] for c in shipment["certificates"]}
    assert sorted(lots.values()) == ["C-EARLY", "C-LATE"]  # the pump needs none
    assert len(shipment["documents"]["certificates"]) == 2
    for path in shipment["documents"]["certificates"]:
        number = path.rsplit("/", 1)[1].removesuffix(".pdf")
        for lang in ("zh_CN", "en"):
            answer = client.get(f"{path}?lang={lang}", headers=rep)
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/pdf"
            text = _pdf_text(answer.content)
            for expected in (number, lots[number], REGISTRATION, "S-CATH", "II",
                             translate("Certificate of conformity", lang)):
                assert expected in text, (lang, expected)


def _decoded(png: bytes) -> set[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert all(r.symbology_identifier == "]C1" for r in found)
    return {r.text for r in found}


def test_the_logistics_labels_decode_to_the_sscc_and_a_cases_content(client, shipped):
    rep = _headers(client)
    case, gtin = shipped["cath_case"], shipped["cath_gtin"]
    png = client.get(f"/api/v1/packages/{case}/label.png", headers=rep)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    texts = _decoded(png.content)
    assert f"(00){case}" in texts
    content = next(t for t in texts if t.startswith("(02)"))
    assert content.startswith(f"(02){gtin}(17)") and content.endswith("(37)10(10)C-EARLY")
    svg = client.get(f"/api/v1/packages/00{case}/label.svg", headers=rep)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert f"(00) {case}" in svg.text and "(10) C-EARLY" in svg.text
    pumps = _decoded(client.get(f"/api/v1/packages/{shipped['pump_case']}/label.png",
                                headers=rep).content)
    # two serial units of one item without a lot: short enough for one symbol
    assert pumps == {f"(00){shipped['pump_case']}(02){shipped['pump_gtin']}(37)2"}
    mixed = _decoded(client.get(f"/api/v1/packages/{shipped['pallet']}/label.png",
                                headers=rep).content)
    assert mixed == {f"(00){shipped['pallet']}"}  # two items inside: the SSCC alone


def test_unknown_shipments_certificates_and_packages_are_404_problems(client, shipped):
    rep = _headers(client)
    base = f"/api/v1/shipments/{shipped['shipment']}"
    unknown = complete_sscc("06950123409999999")  # a valid SSCC of no package
    for path, code in (
            ("/api/v1/shipments/SH-NONE/delivery-note.pdf", "MT-SALES-SHIPMENT-NOT-FOUND"),
            ("/api/v1/shipments/SH-NONE/certificates/COC-1.pdf",
             "MT-SALES-SHIPMENT-NOT-FOUND"),
            (f"{base}/certificates/COC-NONE.pdf", "MT-COMMON-NOT-FOUND"),
            (f"/api/v1/packages/{unknown}/label.png", "MT-COMMON-NOT-FOUND"),
            (f"/api/v1/packages/{unknown[:-1]}{(int(unknown[-1]) + 1) % 10}/label.svg",
             "MT-COMMON-NOT-FOUND"),  # a wrong check digit
            ("/api/v1/packages/not-an-sscc/label.png", "MT-COMMON-NOT-FOUND")):
        answer = client.get(path, headers=rep)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert answer.json()["code"] == code, path
    wrong = client.get(f"{base}/delivery-note.pdf?lang=fr", headers=rep)
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith(PROBLEM)


def test_the_documents_need_the_view_permission(client, db, shipped):
    make_user(db, "sal.nobody", roles=[])
    stranger = _headers(client, "sal.nobody")
    for path in (f"/api/v1/shipments/{shipped['shipment']}/delivery-note.pdf",
                 f"/api/v1/packages/{shipped['cath_case']}/label.png"):
        assert client.get(path).status_code == 401
        answer = client.get(path, headers=stranger)
        assert answer.status_code == 403 and answer.headers["content-type"].startswith(PROBLEM)


def test_without_a_chinese_font_the_pdfs_are_a_clear_503(client, shipped, monkeypatch):
    monkeypatch.setenv("MEDTRACE_PDF_FONT", "/nonexistent/font.ttf")
    rep = _headers(client)
    answer = client.get(f"/api/v1/shipments/{shipped['shipment']}/delivery-note.pdf",
                        headers=rep)
    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "MT-PDF-FONT-UNAVAILABLE"
    assert "MEDTRACE_PDF_FONT" in answer.json()["detail"]
    label = client.get(f"/api/v1/packages/{shipped['cath_case']}/label.svg", headers=rep)
    assert label.status_code == 200  # the labels need no font



def test_an_expiry_gs1_cannot_carry_leaves_the_label_with_the_sscc_alone(client, db):
    """Traceability keeps lot numbers within AI (10)'s rules; an expiry beyond the two-digit
    years' window (50 years ahead) cannot be an AI (17): the label is the SSCC alone."""
    ids = make_distributor(db)
    with UnitOfWork(db) as uow:
        stock(uow, ids["cath"], "C-FAR", "10", "S-A01", days=60 * 366)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    picker = who(db, "sal.picker")
    with UnitOfWork(db) as uow:
        picked = sales.pick_scan(uow, ref=number, data=sales.PickIn(
            scan=lot_scan(ids["cath_gtin"], "C-FAR"), quantity=Decimal(10)), actor=picker).id
        case = sales.pack(uow, ref=number, data=sales.PackIn(picks=[picked]), actor=picker).sscc
    answer = client.get(f"/api/v1/packages/{case}/label.png", headers=_headers(client))
    assert answer.status_code == 200
    assert _decoded(answer.content) == {f"(00){case}"}
