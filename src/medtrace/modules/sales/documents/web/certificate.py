"""The certificate of conformity (产品合格证) of one lot in one shipment as PDF/A-2b, A4, in
Chinese or English: who made it, the device (name, model, class, registration certificate and
its validity, UDI-DI), the lot with its quantity and dates, QA's release (when, by whom), and
the statement that the lot was inspected and released according to the product technical
requirements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from medtrace.modules.sales.documents.web import Kit, Page, build, document_font, in_language
from medtrace.platform.i18n import translate


def _words(lang: str) -> dict[str, str]:
    """Every label of the certificate, in ``lang``."""
    return {
        "title": translate("Certificate of conformity", lang),
        "number": translate("Certificate number", lang),
        "manufacturer": translate("Manufacturer", lang),
        "product": translate("Product name", lang),
        "model": translate("Model / item code", lang),
        "class": translate("Device class (China)", lang),
        "registration": translate("Registration certificate number", lang),
        "registration_expiry": translate("Registration valid until", lang),
        "udi_di": translate("UDI-DI", lang),
        "lot": translate("Lot number", lang),
        "serials": translate("Serial numbers", lang),
        "quantity": translate("Quantity", lang),
        "made_on": translate("Manufacture date", lang),
        "expiry": translate("Expiry date", lang),
        "released_on": translate("QA release date", lang),
        "released_by": translate("Released by", lang),
        "shipment": translate("Shipment", lang),
        "order": translate("Sales order", lang),
        "issued_on": translate("Date of issue", lang),
        "statement": translate("This lot was inspected and released according to the product "
                               "technical requirements.", lang),
        "verdict": translate("Inspection result: conforming", lang),
        "inspector": translate("QA inspector", lang),
        "signature": translate("Signature", lang),
        "signed_on": translate("Date", lang),
        "page": translate("Page", lang),
    }


def render_certificate(data: Mapping[str, Any], *, lang: str) -> bytes:
    """``data`` (the shape of ``documents.queries.certificate``) as PDF/A-2b bytes in ``lang``
    ("zh_CN" or "en"). Raises ``PdfUnavailable`` when no CJK font is installed."""
    kit = Kit(document_font(), lang)
    w = _words(lang)
    number = str(data.get("number") or "")
    company = data.get("company") or {}
    maker = data.get("manufacturer") or company
    ours = in_language(lang, company.get("name_zh"), company.get("name_en"))
    product = in_language(lang, data.get("item_name"), data.get("item_name_en"))
    quantity = " ".join(str(v) for v in (data.get("quantity"), data.get("uom")) if v)
    story: list[Flowable] = [
        kit.para(in_language(lang, maker.get("name_zh"), maker.get("name_en")), 11),
        Spacer(1, 4 * mm),
        kit.para(w["title"], 20, align=1),
        Spacer(1, 2 * mm),
        kit.para(f"{w['number']}: {number}", 9, align=1),
        Spacer(1, 8 * mm),
        kit.fields([
            (w["manufacturer"], in_language(lang, maker.get("name_zh"), maker.get("name_en"))),
            (w["product"], product),
            (w["model"], data.get("item")),
            (w["class"], data.get("class_cn")),
            (w["registration"], data.get("registration_number")),
            (w["registration_expiry"], data.get("registration_expiry")),
            (w["udi_di"], data.get("udi_di")),
            (w["lot"], data.get("lot")),
            *([(w["serials"], ", ".join(data["serials"]))] if data.get("serials") else []),
            (w["quantity"], quantity),
            (w["made_on"], data.get("made_on")),
            (w["expiry"], data.get("expiry")),
            (w["released_on"], data.get("released_on")),
            (w["released_by"], data.get("released_by")),
            (w["shipment"], data.get("shipment")),
            (w["order"], data.get("sales_order")),
            (w["issued_on"], data.get("issued_on")),
        ], per_row=1),
        Spacer(1, 8 * mm),
        kit.para(w["statement"], 11),
        Spacer(1, 3 * mm),
        kit.para(w["verdict"], 11),
        Spacer(1, 10 * mm),
        kit.boxes([w["inspector"]], [w["signature"], w["signed_on"]], 24 * mm),
    ]
    title = f"{w['title']} {number}"
    page = Page(left=ours or "MedTrace", right=title,
                footer=f"MedTrace  ·  {data.get('shipment') or ''}  ·  {data.get('lot') or ''}",
                page_label=w["page"])
    return build(kit, story, page, title=title,
                 subject=f"{data.get('item') or ''} {data.get('lot') or ''}".strip())
