"""Receiving against purchase orders and returning rejected goods to the supplier.

One receipt is one transaction: the receipt and its lines (audited), the lots and serial units
(in quarantine), the stock moves from the supplier into a quarantine location, the traceability
``received`` event of each line naming the order and the receipt, and an inspection per lot
(``quality.open_inspection``). A refused scan leaves nothing behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, partners, quality, traceability
from medtrace.modules.procurement import events
from medtrace.modules.procurement import service as orders
from medtrace.modules.procurement.errors import (
    OrderStateConflict,
    ReceiptNotFound,
    ReceiptRefused,
    ReturnRefused,
)
from medtrace.modules.procurement.models import (
    OrderLine,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    SupplierReturn,
)
from medtrace.modules.procurement.permissions import RECEIVE, RETURN
from medtrace.modules.procurement.receipts import rules as scan_rules
from medtrace.modules.procurement.receipts.schemas import ReceiptCreate, ReturnCreate
from medtrace.modules.procurement.rules import OrderStatus, on_time, scan_problems
from medtrace.platform.actor import Actor
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.policy import define, get_setting

RECEIVING_LOCATION = define("procurement.receiving_location", str, "",
                            N_("Quarantine location receipts go to (code)"))


def _problem(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "message": message}


@dataclass
class _Line:
    """A checked line of a receipt, before anything is written."""

    index: int
    order_line: OrderLine
    item: Any
    scan: scan_rules.Scan
    quantity: Decimal
    uom: str
    base: Decimal
    serials: list[str] = field(default_factory=list)


@dataclass
class ReceiptResult:
    receipt: Receipt
    order: PurchaseOrder
    lots: list[dict[str, Any]]
    inspections: list[str]


def get_receipt_or_raise(uow: UnitOfWork, number: str) -> Receipt:
    found = uow.session.scalar(select(Receipt).where(Receipt.number == number))
    if found is None:
        raise ReceiptNotFound(f"no receipt {number}")
    return found


def receiving_location(uow: UnitOfWork, code: str | None) -> Any:
    """The quarantine location a receipt goes to: the one given, else the plant's setting,
    else the first quarantine location by code."""
    wanted = (code or "").strip() or get_setting(uow, RECEIVING_LOCATION)
    quarantine = inventory.locations_with_status(uow, "quarantine")
    if wanted:
        found = next((loc for loc in quarantine if loc.code == wanted), None)
        if found is None:
            raise ReceiptRefused(f"{wanted} is not a quarantine location",
                                 errors=[_problem("location", "not a quarantine location")])
        return found
    if not quarantine:
        raise ReceiptRefused("no quarantine location is set up",
                             errors=[_problem("location", "not a quarantine location")])
    return quarantine[0]


def _check_lines(uow: UnitOfWork, order: PurchaseOrder, data: ReceiptCreate
                 ) -> tuple[list[_Line], list[dict[str, str]]]:
    today = uow.today()
    tolerance = orders.over_receipt_percent(uow)
    lines = orders.order_lines(uow, order.id)
    by_item: dict[int, list[OrderLine]] = {}
    for line in lines:
        by_item.setdefault(line.item_id, []).append(line)
    incoming: dict[int, Decimal] = {}
    checked: list[_Line] = []
    problems: list[dict[str, str]] = []
    for index, line_in in enumerate(data.lines):
        where = f"lines.{index}"
        scan = scan_rules.read_scan(line_in.scan)
        found = None
        if scan.gtin:
            found = catalog.find_by_gtin(uow, scan.gtin)
        elif scan.agency in ("HIBCC", "ICCBBA") and scan.di:
            found = catalog.find_by_alt_di(uow, scan.agency, scan.di)
        if found is None:
            problems.append(_problem(f"{where}.scan", "unknown GTIN" if scan.gtin or scan.di
                                     else "unreadable"))
            continue
        item, level = found
        candidates = by_item.get(item.id)
        if not candidates:
            problems.append(_problem(f"{where}.scan", "not on the order"))
            continue
        uom = (line_in.uom or item.base_uom).strip().upper()
        try:
            factor = catalog.factor_of(item, uom)
        except catalog.UnknownUnit:
            problems.append(_problem(f"{where}.uom", "not a unit of the item"))
            continue
        level_factor = Decimal(1)
        for packaging in item.packaging:
            if 0 < packaging.level <= level.level:
                level_factor *= packaging.quantity
        if not scan_rules.level_fits(level.level, level.uom, uom, item.base_uom, factor,
                                     level_factor):
            problems.append(_problem(f"{where}.scan", "other packaging level"))
            continue
        base = factor * to_quantity(line_in.quantity)
        if catalog.tracks_lot(item.tracking) and not scan.lot:
            problems.append(_problem(f"{where}.scan", "lot missing"))
        if (item.min_remaining_shelf_life_days or item.shelf_life_days) and scan.expiry is None:
            problems.append(_problem(f"{where}.scan", "expiry missing"))
        serials: list[str] = []
        if catalog.tracks_serial(item.tracking):
            serials = list(line_in.serials) or ([scan.serial] if scan.serial else [])
            problem = scan_rules.serial_problem(serials, base)
            if problem:
                problems.append(_problem(f"{where}.serials", problem))
        elif base != base.to_integral_value() and uom in ("EA", "PCS"):
            problems.append(_problem(f"{where}.quantity", "whole pieces"))
        # the open order line of the item with the most left to receive
        order_line = max(candidates, key=lambda c: c.base_quantity - c.received_base_quantity
                         - incoming.get(c.id, Decimal(0)))
        for code_field, code in scan_problems(
                today=today, expiry=scan.expiry,
                min_remaining_days=item.min_remaining_shelf_life_days,
                already=order_line.received_base_quantity + incoming.get(order_line.id,
                                                                          Decimal(0)),
                incoming=base, ordered=order_line.base_quantity, tolerance_percent=tolerance):
            problems.append(_problem(f"{where}.{code_field}", code))
        incoming[order_line.id] = incoming.get(order_line.id, Decimal(0)) + base
        checked.append(_Line(index, order_line, item, scan, to_quantity(line_in.quantity),
                             uom, base, serials))
    every_serial = [s for line in checked for s in line.serials]
    if len(set(every_serial)) != len(every_serial):
        problems.append(_problem("lines", "serial repeated"))
    return checked, problems


def _lot_for(uow: UnitOfWork, line: _Line, receipt: Receipt, supplier_id: int,
             receiving: dict[int, Any]) -> Any:
    """The lot a line is received into: the supplier's lot number (a later delivery of the same
    lot from the same supplier joins it); a serialized item delivered without a lot gets one
    receiving lot per receipt, named after its first line, which all its units join (one
    inspection lot, released or rejected together)."""
    item = line.item
    number = line.scan.lot
    if not number:
        if not catalog.tracks_serial(item.tracking):
            return None
        if item.id in receiving:
            joined = receiving[item.id]
            joined.quantity = (joined.quantity or Decimal(0)) + line.base
            return joined
        number = f"{receipt.number}-{line.index + 1}"
    existing = traceability.find(uow, "lot", number, item.id)
    if existing is not None:
        if existing.supplier_id != supplier_id:
            raise ReceiptRefused(f"lot {number} of {item.code} came from another supplier",
                                 errors=[_problem(f"lines.{line.index}.scan",
                                                  "lot of another supplier")])
        existing.quantity = (existing.quantity or Decimal(0)) + line.base
        return existing
    made = traceability.create_lot(
        uow, item_id=item.id, number=number, expiry_date=line.scan.expiry,
        supplier_id=supplier_id, supplier_lot=line.scan.lot, quantity=line.base,
        uom=item.base_uom, status="quarantine", origin="received")
    if not line.scan.lot:
        receiving[item.id] = made
    return made


def open_inspection(uow: UnitOfWork, **fields: Any) -> str:
    """THE call site of the quality module: the lot waits in quarantine for its incoming
    inspection (``quality.open_inspection``); the inspection's number."""
    return quality.open_inspection(uow, **fields).number


def receive_goods(uow: UnitOfWork, *, data: ReceiptCreate, actor: Actor) -> ReceiptResult:
    """Receive scanned goods against an approved order, into quarantine (see the module)."""
    orders.ensure_may(actor, RECEIVE)
    order = orders.get_order_or_raise(uow, data.purchase_order.strip())
    if not OrderStatus(order.status).receivable:
        raise OrderStateConflict(f"{order.number} is {order.status}: nothing can be received")
    location = receiving_location(uow, data.location)
    checked, problems = _check_lines(uow, order, data)
    if problems:
        raise ReceiptRefused("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                             errors=problems)
    orders.ensure_qualified(uow, order.supplier_id, [line.item.id for line in checked])
    supplier_location = inventory.virtual_location(uow, "supplier")
    now = uow.now()
    today = uow.today()
    receipt = Receipt(number=orders.next_number(uow, "procurement.receipt"), order_id=order.id,
                      supplier_id=order.supplier_id, location_id=location.id, received_at=now,
                      received_on=today, received_by_id=actor.id if actor.kind == "user"
                      else None, actor=actor.name[:80], note=data.note)
    uow.session.add(receipt)
    uow.session.flush()
    answer: list[dict[str, Any]] = []
    inspections: list[str] = []
    groups: dict[tuple[int, int | None], dict[str, Any]] = {}
    receiving: dict[int, Any] = {}
    for line in checked:
        lot = _lot_for(uow, line, receipt, order.supplier_id, receiving)
        unit_ids: list[int] = []
        if line.serials:
            unit_ids = traceability.create_units(
                uow, item_id=line.item.id, serials=line.serials,
                lot_id=lot.id if lot else None, status="quarantine", origin="received")
            inventory.post_moves(uow, actor=actor, journal=False, moves=inventory.BulkMoveCreate(
                item_id=line.item.id, from_location=supplier_location.id,
                to_location=location.id, purpose="receipt", lot_id=lot.id if lot else None,
                unit_ids=unit_ids, doc=receipt.number, partner_id=order.supplier_id, at=now))
        else:
            inventory.post_move(uow, actor=actor, journal=False, move=inventory.MoveCreate(
                item_id=line.item.id, quantity=line.quantity, uom=line.uom,
                from_location=supplier_location.id, to_location=location.id,
                purpose="receipt", lot_id=lot.id if lot else None, doc=receipt.number,
                partner_id=order.supplier_id, at=now))
        what: list[Any] = []
        if lot is not None:
            what.append(traceability.Part(lot, line.base, line.item.base_uom))
        what.extend(traceability.refs(unit_ids))
        if what:
            traceability.record_event(
                uow, step="received", what=what, at=now.astimezone(uow.timezone),
                read_point=supplier_location.code, biz_location=location.code,
                doc=receipt.number,
                biz_transactions=[{"type": "po", "id": order.number},
                                  {"type": "recadv", "id": receipt.number}],
                sources=[traceability.Party("owning_party", partner_id=order.supplier_id)],
                location=location.code,
                extra={"purpose": "receipt", "from": supplier_location.code,
                       "to": location.code, "from_stock": False, "to_stock": True,
                       "order": order.number, "receipt": receipt.number,
                       "scan": line.scan.gtin, "serials": len(unit_ids)})
        receipt_line = ReceiptLine(
            receipt_id=receipt.id, order_line_id=line.order_line.id, item_id=line.item.id,
            lot_id=lot.id if lot else None, quantity=line.quantity, uom=line.uom,
            base_quantity=line.base, scan=data.lines[line.index].scan[:400],
            gtin=line.scan.gtin, lot_code=lot.code if lot else None, expiry=line.scan.expiry,
            serial_count=len(unit_ids), on_time=on_time(line.order_line.requested_date, today))
        uow.session.add(receipt_line)
        line.order_line.received_base_quantity = (line.order_line.received_base_quantity
                                                  + line.base)
        entry = {"item": line.item.code, "lot": lot.code if lot else None,
                 "status": "quarantine", "quantity": str(line.base),
                 "uom": line.item.base_uom, "serials": len(unit_ids), "inspection": None}
        answer.append(entry)
        group = groups.setdefault((line.item.id, lot.id if lot else None), {
            "item": line.item, "base": Decimal(0), "unit_ids": [], "lines": [], "entries": []})
        group["base"] += line.base
        group["unit_ids"].extend(unit_ids)
        group["lines"].append(receipt_line)
        group["entries"].append(entry)
    # one inspection lot per item and lot on this receipt (serial units without a lot: one per
    # item), however many lines or scans brought it in
    for (item_id, lot_id), group in groups.items():
        inspection = open_inspection(
            uow, item_id=item_id, lot_id=lot_id, unit_ids=group["unit_ids"],
            quantity=group["base"], uom=group["item"].base_uom, location_code=location.code,
            supplier_id=order.supplier_id, source_document=receipt.number,
            purchase_order=order.number, received_by=receipt.received_by_id, actor=actor)
        inspections.append(inspection)
        for receipt_line in group["lines"]:
            receipt_line.inspection = inspection
        for entry in group["entries"]:
            entry["inspection"] = inspection
    uow.session.flush()
    orders.refresh_received(uow, order)
    uow.publish(events.GoodsReceived(
        receipt=receipt.number, order=order.number, supplier_id=order.supplier_id,
        lots=[a["lot"] for a in answer if a["lot"]], inspections=inspections,
        quantity=sum((line.base for line in checked), Decimal(0))))
    return ReceiptResult(receipt, order, answer, inspections)


# --- returns to the supplier --------------------------------------------------------------------
def return_to_supplier(uow: UnitOfWork, *, data: ReturnCreate, actor: Actor) -> SupplierReturn:
    """Send rejected goods (from a rejected-goods location, or of a rejected lot) back to the
    lot's supplier, with a reason: the moves to the supplier's virtual location and a
    ``shipped`` journal event to the supplier, in one transaction."""
    orders.ensure_may(actor, RETURN)
    reason = (data.reason or "").strip()
    if not reason:
        raise ReturnRefused("a return needs a reason", errors=[_problem("reason", "required")])
    item = catalog.get_item_by_code(uow, data.item)
    if item is None:
        raise ReturnRefused(f"no item {data.item}", errors=[_problem("item", "unknown item")])
    try:
        source = inventory.get_location_or_raise(uow, data.from_location.strip())
    except inventory.LocationNotFound:
        raise ReturnRefused(f"no location {data.from_location}",
                            errors=[_problem("from_location", "unknown location")]) from None
    lot = traceability.find(uow, "lot", data.lot.strip(), item.id) if data.lot else None
    if data.lot and lot is None:
        raise ReturnRefused(f"no lot {data.lot} of {item.code}",
                            errors=[_problem("lot", "unknown lot")])
    units: list[Any] = []
    for serial in data.serials:
        unit = traceability.find(uow, "unit", serial.strip(), item.id)
        if unit is None:
            raise ReturnRefused(f"no serial {serial} of {item.code}",
                                errors=[_problem("serials", "unknown serial")])
        units.append(unit)
    if lot is None and units and units[0].lot_id:
        lot = traceability.get_object_or_raise(uow, units[0].lot_id)
    if lot is None and not units:
        raise ReturnRefused("give the lot or the serials",
                            errors=[_problem("lot", "give the lot or the serials")])
    if not units and data.quantity is None:
        raise ReturnRefused("give the quantity", errors=[_problem("quantity", "give the quantity")])
    location_status = inventory.stock_status_of(uow, source)
    statuses = {u.status for u in units} | ({lot.status} if lot is not None else set())
    if location_status != "rejected" and "rejected" not in statuses:
        raise ReturnRefused(f"{source.code} is {location_status}, not rejected stock",
                            errors=[_problem("from_location", "not rejected stock")])
    supplier_id = (lot.supplier_id if lot is not None else None) or next(
        (u.supplier_id for u in units if u.supplier_id), None)
    if supplier_id is None:
        raise ReturnRefused("the goods have no supplier", errors=[_problem("lot", "no supplier")])
    uow.context.setdefault("reason", reason)
    supplier_location = inventory.virtual_location(uow, "supplier")
    receipt_line = uow.session.scalar(select(ReceiptLine).where(
        ReceiptLine.lot_id == lot.id).order_by(ReceiptLine.id.desc()).limit(1)) \
        if lot is not None else None
    receipt = uow.session.get(Receipt, receipt_line.receipt_id) if receipt_line else None
    order = uow.session.get(PurchaseOrder, receipt.order_id) if receipt else None
    number = orders.next_number(uow, "procurement.return")
    now = uow.now()
    if units:
        inventory.post_moves(uow, actor=actor, journal=False, moves=inventory.BulkMoveCreate(
            item_id=item.id, from_location=source.id, to_location=supplier_location.id,
            purpose="return_to_supplier", lot_id=lot.id if lot else None,
            unit_ids=[u.id for u in units], doc=number, partner_id=supplier_id, at=now,
            reason_code="rejected", note=reason[:1000]))
        base = Decimal(len(units))
    else:
        move = inventory.post_move(uow, actor=actor, journal=False, move=inventory.MoveCreate(
            item_id=item.id, quantity=data.quantity, uom=data.uom, from_location=source.id,
            to_location=supplier_location.id, purpose="return_to_supplier", lot_id=lot.id,
            doc=number, partner_id=supplier_id, at=now, reason_code="rejected",
            note=reason[:1000]))
        base = move.quantity
    what: list[Any] = []
    if lot is not None:
        what.append(traceability.Part(lot, base, item.base_uom))
    what.extend(traceability.refs([u.id for u in units]))
    transactions = [{"type": "desadv", "id": number}]
    if order is not None:
        transactions.insert(0, {"type": "po", "id": order.number})
    traceability.record_event(
        uow, step="shipped", what=what, at=now.astimezone(uow.timezone),
        read_point=source.code, biz_location=supplier_location.code, doc=number,
        biz_transactions=transactions,
        destinations=[traceability.Party("owning_party", partner_id=supplier_id)],
        location=supplier_location.code,
        extra={"purpose": "return_to_supplier", "from": source.code,
               "to": supplier_location.code, "from_stock": True, "to_stock": False,
               "reason": reason})
    row = SupplierReturn(number=number, supplier_id=supplier_id,
                         order_id=order.id if order else None,
                         receipt_id=receipt.id if receipt else None, item_id=item.id,
                         lot_id=lot.id if lot else None, base_quantity=base,
                         unit_count=len(units), from_location_id=source.id, reason=reason,
                         actor=actor.name[:80], at=now)
    uow.session.add(row)
    if receipt_line is not None:
        order_line = uow.session.get(OrderLine, receipt_line.order_line_id)
        if order_line is not None:
            order_line.returned_base_quantity = order_line.returned_base_quantity + base
    uow.session.flush()
    uow.publish(events.GoodsReturned(number=number, supplier_id=supplier_id, item_id=item.id,
                                     lot_id=lot.id if lot else None, quantity=base))
    return row


def supplier_code(uow: UnitOfWork, supplier_id: int) -> str:
    return partners.get_partner_or_raise(uow, supplier_id).code


__all__ = [
    "ReceiptResult",
    "get_receipt_or_raise",
    "open_inspection",
    "receive_goods",
    "receiving_location",
    "return_to_supplier",
    "supplier_code",
]
