"""Receiving reads: receipts, and supplier performance per period (on-time delivery from the
receipts; lot rejection rate and switching state from quality, when it is installed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, partners, quality, traceability
from medtrace.modules.procurement.models import PurchaseOrder, Receipt, ReceiptLine
from medtrace.modules.procurement.queries import amount
from medtrace.modules.procurement.rules import rate
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure

PERIOD_DAYS = 90


def list_receipts(uow: UnitOfWork, *, order_id: int | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Receipt], int]:
    query = select(Receipt)
    if order_id is not None:
        query = query.where(Receipt.order_id == order_id)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(Receipt.id.desc()).limit(limit).offset(offset))
    return list(rows), int(total)


def receipt_view(uow: UnitOfWork, receipt: Receipt) -> dict[str, Any]:
    order = uow.session.get(PurchaseOrder, receipt.order_id)
    lines = list(uow.session.scalars(select(ReceiptLine).where(
        ReceiptLine.receipt_id == receipt.id).order_by(ReceiptLine.id)))
    supplier = partners.get_partner_or_raise(uow, receipt.supplier_id)
    lots = []
    for line in lines:
        item = catalog.get_item_or_raise(uow, line.item_id)
        lot = traceability.get_object(uow, line.lot_id) if line.lot_id else None
        lots.append({"item": item.code, "item_name": item.name_zh, "item_name_en": item.name_en,
                     "lot": line.lot_code, "status": lot.status if lot else "quarantine",
                     "quantity": amount(line.quantity), "uom": line.uom,
                     "base_quantity": amount(line.base_quantity), "serials": line.serial_count,
                     "expiry": line.expiry.isoformat() if line.expiry else None,
                     "gtin": line.gtin, "inspection": line.inspection,
                     "on_time": line.on_time})
    inspections = [line["inspection"] for line in lots if line["inspection"]]
    return {"number": receipt.number, "purchase_order": order.number if order else "",
            "order_status": order.status if order else "", "supplier": supplier.code,
            "supplier_name": supplier.name_zh, "received_at": receipt.received_at,
            "actor": receipt.actor, "lots": lots,
            "inspection": inspections[0] if inspections else None, "inspections": inspections}


def _quality_figures(uow: UnitOfWork, supplier_id: int, since: dt.date, until: dt.date
                     ) -> dict[str, Any]:
    """Quality's view of the supplier: lot rejection rate, switching state of each item."""
    zone = uow.timezone
    start = dt.datetime.combine(since, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(),
                              tzinfo=zone).astimezone(dt.UTC)
    return quality.supplier_quality(uow, supplier_id, start, end).as_dict()


def supplier_performance(uow: UnitOfWork, *, supplier_id: int, days: int = PERIOD_DAYS
                         ) -> dict[str, Any]:
    """One supplier over the last ``days``: receipt lines, how many on time, the rate."""
    until = uow.today()
    since = until - dt.timedelta(days=days - 1)
    rows = uow.session.execute(
        select(ReceiptLine.on_time, func.count()).join(Receipt, Receipt.id ==
                                                      ReceiptLine.receipt_id)
        .where(Receipt.supplier_id == supplier_id, Receipt.received_on >= since,
               Receipt.received_on <= until).group_by(ReceiptLine.on_time)).all()
    lines = sum(int(n) for _on, n in rows)
    on_time = sum(int(n) for on, n in rows if on)
    receipts = uow.session.scalar(select(func.count(Receipt.id)).where(
        Receipt.supplier_id == supplier_id, Receipt.received_on >= since,
        Receipt.received_on <= until)) or 0
    supplier = partners.get_partner_or_raise(uow, supplier_id)
    on_time_rate = rate(on_time, lines)
    return {"supplier": supplier.code, "supplier_id": supplier.id, "name_zh": supplier.name_zh,
            "name_en": supplier.name_en, "since": since, "until": until, "days": days,
            "receipts": int(receipts), "lines": lines, "on_time_lines": on_time,
            "on_time_rate": str(on_time_rate) if on_time_rate is not None else None,
            "quality": _quality_figures(uow, supplier_id, since, until)}


def suppliers_performance(uow: UnitOfWork, *, days: int = PERIOD_DAYS) -> list[dict[str, Any]]:
    """Every supplier that delivered in the period."""
    since = uow.today() - dt.timedelta(days=days - 1)
    ids = sorted(set(uow.session.scalars(select(Receipt.supplier_id).where(
        Receipt.received_on >= since))))
    return [supplier_performance(uow, supplier_id=i, days=days) for i in ids]


def performance_figures(uow: UnitOfWork) -> list[Figure]:
    since = uow.today() - dt.timedelta(days=PERIOD_DAYS - 1)
    rows = uow.session.execute(
        select(ReceiptLine.on_time, func.count()).join(Receipt, Receipt.id ==
                                                      ReceiptLine.receipt_id)
        .where(Receipt.received_on >= since).group_by(ReceiptLine.on_time)).all()
    lines = sum(int(n) for _on, n in rows)
    on_time = sum(int(n) for on, n in rows if on)
    value = rate(on_time, lines)
    checked = [one["quality"] for one in suppliers_performance(uow)]
    lots = sum(one["lots"] for one in checked)
    rejected = sum(one["rejected"] for one in checked)
    rejection = rate(rejected, lots)
    return [Figure(N_("On-time delivery, last %(days)s days"),
                   f"{value} %" if value is not None else "—", "text",
                   "/procurement/suppliers", params={"days": PERIOD_DAYS}),
            Figure(N_("Lot rejection rate, last %(days)s days"),
                   f"{rejection} %" if rejection is not None else "—", "text",
                   "/procurement/suppliers", params={"days": PERIOD_DAYS},
                   alert=rejected > 0)]


def partner_panel(uow: UnitOfWork, partner_id: int) -> list[Figure]:
    """Supplier performance on the partner's page (a ``RecordPanel``): on-time delivery and the
    lot rejection rate over the last ``PERIOD_DAYS`` days, and the switching state of each of
    its items. Nothing for a partner that never delivered nor was inspected."""
    found = supplier_performance(uow, supplier_id=partner_id)
    checked = found["quality"]
    if not found["lines"] and not checked["lots"] and not checked["items"]:
        return []
    link = f"/procurement/suppliers/{found['supplier']}"
    rejection = checked["rejection_rate"]
    figures = [
        Figure(N_("On-time delivery, last %(days)s days"),
               f"{found['on_time_rate']} %" if found["on_time_rate"] is not None else None,
               "text", link, params={"days": PERIOD_DAYS}),
        Figure(N_("Receipt lines, last %(days)s days"), found["lines"], "number",
               params={"days": PERIOD_DAYS}),
        Figure(N_("Lot rejection rate, last %(days)s days"),
               f"{rate(checked['rejected'], checked['lots'])} %" if rejection is not None
               else None, "text", params={"days": PERIOD_DAYS},
               alert=bool(checked["rejected"])),
    ]
    for state in checked["items"]:
        severity = N_("discontinued") if state["discontinued"] else state["severity"]
        figures.append(Figure(N_("Inspection severity for %(item)s"), severity, "label",
                              f"/quality/suppliers?partner={found['supplier']}",
                              params={"item": state["item_code"]},
                              alert=state["discontinued"] or severity == "tightened"))
    return figures
