"""The data of a shipment's documents, as plain dictionaries the renderers draw: the delivery
note (the shipment's view with the totals per item and the shipper), one certificate of
conformity (with the item's registration from the catalog), and the logistics label of a
package (its SSCC and, for a homogeneous package, what is inside)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.sales import queries
from medtrace.modules.sales.models import Certificate, Package, SalesOrder, Shipment
from medtrace.modules.sales.service.packing import inside
from medtrace.modules.sales.service.shipping import get_shipment_or_raise
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import NotFound
from medtrace.platform.policy import COMPANY_NAME_EN, COMPANY_NAME_ZH, get_setting


def company(uow: UnitOfWork) -> dict[str, str]:
    """Our company's names (the policy settings; empty when not set)."""
    return {"name_zh": get_setting(uow, COMPANY_NAME_ZH) or "",
            "name_en": get_setting(uow, COMPANY_NAME_EN) or ""}


def _local(uow: UnitOfWork, moment: dt.datetime | None) -> str | None:
    """A stored moment in the plant's time zone, to the minute."""
    if moment is None:
        return None
    return moment.astimezone(uow.timezone).strftime("%Y-%m-%d %H:%M")


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def delivery_note(uow: UnitOfWork, number: str) -> dict[str, Any]:
    """``queries.shipment_view`` of the shipment ``number`` with the shipper (``company``),
    the shipment's date and time in the plant's time zone (``shipped_on``) and ``totals``: per
    item and unit, the quantity and the number of lines. Raises ShipmentNotFound."""
    shipment = get_shipment_or_raise(uow, number)
    view = queries.shipment_view(uow, shipment)
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for line in view["lines"]:
        key = (line["item"], line["uom"])
        total = totals.setdefault(key, {
            "item": line["item"], "item_name": line["item_name"],
            "item_name_en": line["item_name_en"], "uom": line["uom"],
            "quantity": Decimal(0), "lines": 0})
        total["quantity"] += Decimal(line["quantity"] or 0)
        total["lines"] += 1
    for total in totals.values():
        total["quantity"] = queries.amount(total["quantity"])
    return {**view, "company": company(uow), "shipped_on": _local(uow, shipment.shipped_at),
            "totals": list(totals.values())}


def certificate(uow: UnitOfWork, number: str, certificate_number: str) -> dict[str, Any]:
    """The certificate of conformity ``certificate_number`` of the shipment ``number``: the
    lot and its dates, QA release and the item's registration certificate as certified at
    shipment, the item's names, class and UDI-DI from the catalog, the manufacturer (the
    item's, else our company). Raises ShipmentNotFound, or NotFound for a certificate of no
    such shipment."""
    shipment = get_shipment_or_raise(uow, number)
    found = uow.session.scalar(select(Certificate).where(
        Certificate.shipment_id == shipment.id,
        Certificate.number == certificate_number.strip()))
    if found is None:
        raise NotFound(f"shipment {shipment.number} has no certificate {certificate_number}")
    item = catalog.get_item_or_raise(uow, found.item_id)
    order = uow.session.get(SalesOrder, shipment.order_id)
    ours = company(uow)
    maker = partners.get_partner_or_raise(uow, item.manufacturer_id) \
        if item.manufacturer_id is not None else None
    return {
        "number": found.number, "shipment": shipment.number,
        "sales_order": order.number if order else None,
        "company": ours,
        "manufacturer": {"name_zh": maker.name_zh, "name_en": maker.name_en} if maker
        else ours,
        "item": item.code, "item_name": item.name_zh, "item_name_en": item.name_en,
        "class_cn": item.class_cn, "registration_number": found.registration_number,
        "registration_expiry": _day(found.registration_expiry),
        "udi_di": catalog.gtins_by_item(uow, [item.id]).get(item.id),
        "lot": found.lot_code or None, "serials": list(found.serials or []),
        "quantity": queries.amount(found.base_quantity),
        "uom": item.base_uom, "made_on": _day(found.made_on), "expiry": _day(found.expiry),
        "released_on": _day(found.released_on), "released_by": found.released_by,
        "issued_on": _day(found.issued_at.astimezone(uow.timezone).date()),
    }


def package_label(uow: UnitOfWork, sscc: str) -> dict[str, Any]:
    """The logistics label's data of the package ``sscc``: its SSCC, kind, order and shipment,
    and ``content`` when everything inside (at any depth) is one item in one lot (or serial
    units of one item without a lot) with a GTIN and a whole count: the GTIN of packaging level
    0, the count in the base unit, the lot and the expiry. Raises NotFound."""
    code = traceability.normalize_sscc(sscc)
    package = uow.session.scalar(select(Package).where(Package.sscc == code)) if code else None
    if package is None:
        raise NotFound(f"no package with the SSCC {sscc}")
    order = uow.session.get(SalesOrder, package.order_id)
    shipment = uow.session.get(Shipment, package.shipment_id) if package.shipment_id else None
    return {"sscc": package.sscc, "kind": package.kind,
            "sales_order": order.number if order else None,
            "shipment": shipment.number if shipment else None,
            "content": _content(uow, package)}


def _content(uow: UnitOfWork, package: Package) -> dict[str, Any] | None:
    picks = inside(uow, package)
    if not picks or len({p.item_id for p in picks}) != 1 or len({p.lot_id for p in picks}) != 1:
        return None
    item_id, lot_id = picks[0].item_id, picks[0].lot_id
    count = sum((p.base_quantity for p in picks), Decimal(0))
    gtin = catalog.gtins_by_item(uow, [item_id]).get(item_id)
    if gtin is None or count != count.to_integral_value() or count < 1:
        return None
    lot = traceability.get_object_or_raise(uow, lot_id) if lot_id is not None else None
    if lot is not None:
        expiry = lot.expiry_date
    else:  # serial units without a lot: their expiry when they all have the same
        expiries = {traceability.get_object_or_raise(uow, p.unit_id).expiry_date
                    for p in picks if p.unit_id is not None}
        expiry = expiries.pop() if len(expiries) == 1 else None
    return {"item": catalog.get_item_or_raise(uow, item_id).code, "gtin": gtin,
            "count": int(count), "lot": lot.code if lot is not None else None,
            "expiry": _day(expiry)}
