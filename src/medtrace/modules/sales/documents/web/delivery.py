"""The delivery note (发货单) of a shipment as PDF/A-2b, A4, in Chinese or English: the
shipment, its order and the customer's reference, the customer and where it goes, the carrier;
every line (item, lot, serial, expiry, quantity, package), the totals per item, the packages
with their SSCCs, the certificates of conformity that go with it, and the boxes where the
shipper and the receiver sign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from medtrace.modules.sales.documents.web import Kit, Page, build, document_font, in_language
from medtrace.platform.i18n import translate


def _words(lang: str) -> dict[str, str]:
    """Every label of the note, in ``lang``."""
    return {
        "title": translate("Delivery note", lang),
        "number": translate("Shipment", lang),
        "date": translate("Shipped at", lang),
        "order": translate("Sales order", lang),
        "reference": translate("Customer reference", lang),
        "carrier": translate("Carrier", lang),
        "tracking": translate("Tracking number", lang),
        "shipped_by": translate("Shipped by", lang),
        "status": translate("Status", lang),
        "customer": translate("Customer", lang),
        "ship_to": translate("Ship-to", lang),
        "address": translate("Address", lang),
        "contact": translate("Contact", lang),
        "phone": translate("Phone", lang),
        "lines": translate("Goods shipped", lang),
        "line": translate("Line", lang),
        "item": translate("Item", lang),
        "lot": translate("Lot", lang),
        "serial": translate("Serial", lang),
        "expiry": translate("Expiry date", lang),
        "quantity": translate("Quantity", lang),
        "unit": translate("Unit", lang),
        "sscc": translate("SSCC", lang),
        "totals": translate("Totals per item", lang),
        "line_count": translate("Lines", lang),
        "packages": translate("Packages", lang),
        "kind": translate("Kind", lang),
        "on": translate("On pallet", lang),
        "case": translate("Case", lang),
        "pallet": translate("Pallet", lang),
        "certificates": translate("Certificates of conformity", lang),
        "certificate": translate("Certificate", lang),
        "none": translate("None recorded", lang),
        "sign_shipper": translate("Shipper", lang),
        "sign_receiver": translate("Receiver: goods received in good order", lang),
        "name": translate("Name", lang),
        "signature": translate("Signature", lang),
        "signed_on": translate("Date", lang),
        "page": translate("Page", lang),
        "shipped": translate("Shipped", lang),
        "delivered": translate("Delivered", lang),
    }


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def render_delivery_note(note: Mapping[str, Any], *, lang: str) -> bytes:
    """``note`` (the shape of ``documents.queries.delivery_note``) as PDF/A-2b bytes in
    ``lang`` ("zh_CN" or "en"). Raises ``PdfUnavailable`` when no CJK font is installed."""
    kit = Kit(document_font(), lang)
    w = _words(lang)
    number = str(note.get("number") or "")
    company = note.get("company") or {}
    shipper = in_language(lang, company.get("name_zh"), company.get("name_en"))
    customer = in_language(lang, note.get("customer_name"), note.get("customer_name_en"))
    title = f"{w['title']} {number}"
    status = str(note.get("status") or "")
    story: list[Flowable] = [
        kit.para(title, 16), Spacer(1, 2 * mm),
        kit.fields([
            (w["number"], number), (w["date"], note.get("shipped_on")),
            (w["order"], note.get("sales_order")), (w["reference"], note.get("customer_reference")),
            (w["carrier"], note.get("carrier")), (w["tracking"], note.get("tracking_number")),
            (w["shipped_by"], note.get("shipped_by")), (w["status"], w.get(status, status)),
        ]),
        Spacer(1, 3 * mm),
        kit.fields([
            (w["customer"], f"{note.get('customer') or ''}  {customer}".strip()),
            (w["ship_to"], f"{note.get('ship_to') or ''}  {note.get('ship_to_name') or ''}"
             .strip()),
            (w["address"], note.get("ship_to_address")),
            (w["contact"], "  ".join(filter(None, (note.get("ship_to_contact"),
                                                    note.get("ship_to_phone"))))),
        ]),
    ]
    story += _section(kit, w["lines"], _lines_table(kit, w, note, lang))
    story += _section(kit, w["totals"], kit.table(
        [w["item"], w["quantity"], w["unit"], w["line_count"]],
        [[_item(row, lang), row.get("quantity"), row.get("uom"), row.get("lines")]
         for row in _rows(note.get("totals"))], [0.58, 0.16, 0.12, 0.14], right=(1, 3)))
    containers = _rows(note.get("containers"))
    story += _section(kit, w["packages"], kit.table(
        [w["sscc"], w["kind"], w["on"]],
        [[row.get("sscc"), w.get(str(row.get("kind")), row.get("kind")), row.get("on")]
         for row in containers], [0.4, 0.2, 0.4]) if containers
        else kit.para(w["none"], 8))
    certificates = _rows(note.get("certificates"))
    if certificates:
        story += _section(kit, w["certificates"], kit.table(
            [w["certificate"], w["item"], w["lot"], w["quantity"], w["unit"]],
            [[row.get("number"), row.get("item"), row.get("lot"), row.get("quantity"),
              row.get("uom")] for row in certificates], [0.3, 0.22, 0.22, 0.14, 0.12],
            right=(3,)))
    story.append(Spacer(1, 8 * mm))
    story.append(KeepTogether([kit.boxes([w["sign_shipper"], w["sign_receiver"]],
                                         [w["name"], w["signature"], w["signed_on"]],
                                         32 * mm)]))
    page = Page(left=shipper or "MedTrace", right=title,
                footer=f"MedTrace  ·  {number}  ·  {customer}", page_label=w["page"])
    return build(kit, story, page, title=title, subject=f"{customer} {note.get('sales_order')}")


def _section(kit: Kit, caption: str, body: Flowable) -> list[Flowable]:
    return [Spacer(1, 5 * mm), kit.heading(caption), Spacer(1, 1.5 * mm), body]


def _item(row: Mapping[str, Any], lang: str) -> str:
    name = in_language(lang, row.get("item_name"), row.get("item_name_en"))
    return f"{row.get('item') or ''}\n{name}".strip()


def _lines_table(kit: Kit, w: Mapping[str, str], note: Mapping[str, Any], lang: str
                 ) -> Flowable:
    lines = _rows(note.get("lines"))
    if not lines:
        return kit.para(w["none"], 8)
    return kit.table(
        [w["line"], w["item"], w["lot"], w["serial"], w["expiry"], w["quantity"], w["unit"],
         w["sscc"]],
        [[index, _item(row, lang), row.get("lot"), row.get("serial"), row.get("expiry"),
          row.get("quantity"), row.get("uom"), row.get("package")]
         for index, row in enumerate(lines, 1)],
        [0.05, 0.25, 0.12, 0.12, 0.1, 0.08, 0.06, 0.22], right=(0, 5))
