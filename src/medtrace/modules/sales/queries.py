"""Reads of sales: orders with their lines, allocations, picks and packages; shipments with
their lines, packages and certificates; returns; customers' terms; the price list; the
dashboard's figures. The API answers and the pages both use these."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.sales import rules
from medtrace.modules.sales.models import (
    Allocation,
    Certificate,
    Customer,
    CustomerReturn,
    OrderLine,
    Package,
    Pick,
    Price,
    ReturnLine,
    SalesOrder,
    ShelfLifeRule,
    Shipment,
    ShipmentLine,
    ShipTo,
)
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.money import in_home_currency, line_amount
from medtrace.platform.web.dashboard import Figure, count


def amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


class _Names:
    """Codes of items, partners, locations and traced things, each fetched once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._items: dict[int, Any] = {}
        self._things: dict[int, Any] = {}
        self._places: dict[int, str] = {}
        self._partners: dict[int, Any] = {}

    def item(self, item_id: int) -> Any:
        if item_id not in self._items:
            self._items[item_id] = catalog.get_item_or_raise(self.uow, item_id)
        return self._items[item_id]

    def thing(self, thing_id: int | None) -> Any:
        if thing_id is None:
            return None
        if thing_id not in self._things:
            self._things[thing_id] = traceability.get_object(self.uow, thing_id)
        return self._things[thing_id]

    def code(self, thing_id: int | None) -> str | None:
        found = self.thing(thing_id)
        return found.code if found is not None else None

    def place(self, location_id: int) -> str:
        if location_id not in self._places:
            self._places[location_id] = inventory.get_location_or_raise(self.uow,
                                                                        location_id).code
        return self._places[location_id]

    def partner(self, partner_id: int) -> Any:
        if partner_id not in self._partners:
            self._partners[partner_id] = partners.get_partner_or_raise(self.uow, partner_id)
        return self._partners[partner_id]


def _stock_line(names: _Names, row: Any, quantity: Decimal) -> dict[str, Any]:
    item = names.item(row.item_id)
    unit = names.thing(row.unit_id)
    lot = names.thing(row.lot_id)
    expiry = (unit.expiry_date if unit is not None else None) or (
        lot.expiry_date if lot is not None else None)
    return {"item": item.code, "lot": lot.code if lot else None,
            "serial": unit.code if unit else None, "location": names.place(row.location_id),
            "quantity": amount(quantity), "uom": item.base_uom,
            "expiry": expiry.isoformat() if expiry else None}


def allocation_view(uow: UnitOfWork, order: SalesOrder, names: _Names | None = None
                    ) -> list[dict[str, Any]]:
    """Per line: what is allocated (lots, quantities, locations, FEFO order), what is picked,
    what is still missing and why."""
    names = names or _Names(uow)
    lines = list(uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                     .order_by(OrderLine.line_no)))
    ids = [line.id for line in lines]
    allocated: dict[int, list[Allocation]] = defaultdict(list)
    for row in uow.session.scalars(select(Allocation).where(Allocation.order_line_id.in_(ids))
                                   .order_by(Allocation.id)):
        allocated[row.order_line_id].append(row)
    picked: dict[int, list[Pick]] = defaultdict(list)
    for pick in uow.session.scalars(select(Pick).where(Pick.order_id == order.id,
                                                       Pick.status == rules.PickStatus.OPEN)
                                    .order_by(Pick.id)):
        picked[pick.order_line_id].append(pick)
    out = []
    for line in lines:
        item = names.item(line.item_id)
        rows = [_stock_line(names, a, a.base_quantity) for a in allocated[line.id]]
        rows.sort(key=lambda r: (r["expiry"] or "9999", r["lot"] or "", r["serial"] or ""))
        allocated_total = sum((a.base_quantity for a in allocated[line.id]), Decimal(0))
        picked_total = sum((p.base_quantity for p in picked[line.id]), Decimal(0))
        out.append({
            "line_no": line.line_no, "item": item.code, "uom": item.base_uom,
            "ordered": amount(line.base_quantity), "shipped": amount(line.shipped_base_quantity),
            "picked": amount(picked_total), "allocated": amount(allocated_total),
            "missing": amount(max(line.base_quantity - line.shipped_base_quantity
                                  - picked_total - allocated_total, Decimal(0))),
            "allocations": rows,
            "picks": [{"id": p.id, **_stock_line(names, p, p.base_quantity),
                       "packed_in": _sscc(uow, p.package_id)} for p in picked[line.id]],
            "shortage": line.shortage or []})
    return out


def _sscc(uow: UnitOfWork, package_id: int | None) -> str | None:
    if package_id is None:
        return None
    package = uow.session.get(Package, package_id)
    return package.sscc if package else None


def order_view(uow: UnitOfWork, order: SalesOrder) -> dict[str, Any]:
    names = _Names(uow)
    customer = names.partner(order.customer_id)
    ship_to = uow.session.get(ShipTo, order.ship_to_id)
    lines = list(uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                     .order_by(OrderLine.line_no)))
    packages = list(uow.session.scalars(select(Package).where(Package.order_id == order.id)
                                        .order_by(Package.id)))
    shipments = list(uow.session.scalars(select(Shipment).where(Shipment.order_id == order.id)
                                         .order_by(Shipment.id)))
    return {
        "number": order.number, "status": order.status, "customer": customer.code,
        "customer_name": customer.name_zh, "customer_name_en": customer.name_en,
        "ship_to": ship_to.code if ship_to else None,
        "ship_to_name": ship_to.name if ship_to else None,
        "ship_to_address": ship_to.address if ship_to else None,
        "currency": order.currency, "exchange_rate": amount(order.exchange_rate),
        "total": amount(order.total), "total_cny": amount(order.total_cny),
        "customer_reference": order.customer_reference,
        "requested_date": order.requested_date.isoformat() if order.requested_date else None,
        "note": order.note, "exceptions": order.exceptions or [],
        "created_by": order.created_by, "created_at": order.created_at.isoformat(),
        "lines": [{"line_no": line.line_no, "item": names.item(line.item_id).code,
                   "item_name": names.item(line.item_id).name_zh,
                   "item_name_en": names.item(line.item_id).name_en,
                   "quantity": amount(line.quantity), "uom": line.uom,
                   "base_quantity": amount(line.base_quantity),
                   "base_uom": names.item(line.item_id).base_uom,
                   "unit_price": amount(line.unit_price),
                   "shipped": amount(line.shipped_base_quantity),
                   "returned": amount(line.returned_base_quantity)} for line in lines],
        "allocation": allocation_view(uow, order, names),
        "packages": [{"sscc": p.sscc, "kind": p.kind, "on": _sscc(uow, p.parent_id),
                      "shipment": _shipment_number(uow, p.shipment_id),
                      "packed_at": p.packed_at.isoformat(), "packed_by": p.packed_by}
                     for p in packages],
        "shipments": [{"number": s.number, "status": s.status,
                       "shipped_at": s.shipped_at.isoformat()} for s in shipments],
    }


def _shipment_number(uow: UnitOfWork, shipment_id: int | None) -> str | None:
    if shipment_id is None:
        return None
    found = uow.session.get(Shipment, shipment_id)
    return found.number if found else None


def list_orders(uow: UnitOfWork, *, status: str | None = None, customer: str | None = None,
                limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    query = select(SalesOrder)
    if status:
        query = query.where(SalesOrder.status == status)
    if customer:
        found = partners.get_partner_by_code(uow, customer)
        query = query.where(SalesOrder.customer_id == (found.id if found else -1))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    names = _Names(uow)
    rows = []
    for order in uow.session.scalars(query.order_by(SalesOrder.id.desc()).limit(limit)
                                     .offset(offset)):
        customer_row = names.partner(order.customer_id)
        rows.append({"number": order.number, "status": order.status,
                     "customer": customer_row.code, "customer_name": customer_row.name_zh,
                     "customer_name_en": customer_row.name_en, "currency": order.currency,
                     "total": amount(order.total), "created_at": order.created_at.isoformat(),
                     "requested_date": order.requested_date.isoformat()
                     if order.requested_date else None,
                     "exceptions": len(order.exceptions or [])})
    return rows, int(total)


def shipment_view(uow: UnitOfWork, shipment: Shipment) -> dict[str, Any]:
    names = _Names(uow)
    order = uow.session.get(SalesOrder, shipment.order_id)
    customer = names.partner(shipment.customer_id)
    ship_to = uow.session.get(ShipTo, shipment.ship_to_id)
    lines = list(uow.session.scalars(select(ShipmentLine).where(
        ShipmentLine.shipment_id == shipment.id).order_by(ShipmentLine.id)))
    packages = list(uow.session.scalars(select(Package).where(
        Package.shipment_id == shipment.id).order_by(Package.id)))
    certificates = list(uow.session.scalars(select(Certificate).where(
        Certificate.shipment_id == shipment.id).order_by(Certificate.id)))
    kept = shipment.addressee or {}  # as shipped; older rows: the master data
    return {
        "number": shipment.number, "status": shipment.status,
        "sales_order": order.number if order else None,
        "customer_reference": order.customer_reference if order else "",
        "customer": customer.code,
        "customer_name": kept.get("customer_name", customer.name_zh),
        "customer_name_en": kept.get("customer_name_en", customer.name_en),
        "ship_to": ship_to.code if ship_to else None,
        "ship_to_name": kept.get("ship_to_name", ship_to.name if ship_to else None),
        "ship_to_address": kept.get("ship_to_address", ship_to.address if ship_to else None),
        "ship_to_contact": kept.get("ship_to_contact", ship_to.contact if ship_to else None),
        "ship_to_phone": kept.get("ship_to_phone", ship_to.phone if ship_to else None),
        "shipped_at": shipment.shipped_at.isoformat(), "shipped_by": shipment.shipped_by,
        "carrier": shipment.carrier, "tracking_number": shipment.tracking_number,
        "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
        "received_by": shipment.received_by, "delivery_remark": shipment.delivery_remark,
        "lines": [{**_stock_line(names, line, line.base_quantity),
                   "item_name": names.item(line.item_id).name_zh,
                   "item_name_en": names.item(line.item_id).name_en,
                   "package": _sscc(uow, line.package_id),
                   "returned": amount(line.returned_base_quantity)} for line in lines],
        "containers": [{"sscc": p.sscc, "kind": p.kind, "on": _sscc(uow, p.parent_id)}
                       for p in packages],
        "certificates": [{"number": c.number, "item": names.item(c.item_id).code,
                          "lot": c.lot_code or None, "serials": c.serials or [],
                          "quantity": amount(c.base_quantity),
                          "uom": names.item(c.item_id).base_uom,
                          "made_on": c.made_on.isoformat() if c.made_on else None,
                          "expiry": c.expiry.isoformat() if c.expiry else None,
                          "released_on": c.released_on.isoformat() if c.released_on else None,
                          "released_by": c.released_by} for c in certificates],
        "documents": documents(shipment, certificates),
    }


def documents(shipment: Shipment, certificates: list[Certificate]) -> dict[str, Any]:
    """Where the shipment's documents are (API paths)."""
    base = f"/api/v1/shipments/{shipment.number}"
    return {"delivery_note": f"{base}/delivery-note.pdf",
            "certificates": [f"{base}/certificates/{c.number}.pdf" for c in certificates],
            "advance_ship_notice": f"{base}/asn"}


def list_shipments(uow: UnitOfWork, *, customer: str | None = None, limit: int = 100,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    query = select(Shipment)
    if customer:
        found = partners.get_partner_by_code(uow, customer)
        query = query.where(Shipment.customer_id == (found.id if found else -1))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    names = _Names(uow)
    rows = []
    for shipment in uow.session.scalars(query.order_by(Shipment.id.desc()).limit(limit)
                                        .offset(offset)):
        order = uow.session.get(SalesOrder, shipment.order_id)
        partner = names.partner(shipment.customer_id)
        rows.append({"number": shipment.number, "status": shipment.status,
                     "sales_order": order.number if order else None, "customer": partner.code,
                     "customer_name": partner.name_zh, "customer_name_en": partner.name_en,
                     "shipped_at": shipment.shipped_at.isoformat(),
                     "delivered_at": shipment.delivered_at.isoformat()
                     if shipment.delivered_at else None})
    return rows, int(total)


def return_view(uow: UnitOfWork, record: CustomerReturn) -> dict[str, Any]:
    names = _Names(uow)
    partner = names.partner(record.customer_id)
    lines = list(uow.session.scalars(select(ReturnLine).where(
        ReturnLine.return_id == record.id).order_by(ReturnLine.id)))
    shipment_numbers = {}
    for line in lines:
        shipped = uow.session.get(ShipmentLine, line.shipment_line_id)
        shipment_numbers[line.id] = _shipment_number(uow, shipped.shipment_id if shipped
                                                     else None)
    return {
        "number": record.number, "status": record.status, "customer": partner.code,
        "customer_name": partner.name_zh, "customer_name_en": partner.name_en,
        "shipment": _shipment_number(uow, record.shipment_id),
        "location": names.place(record.location_id), "reason": record.reason,
        "received_at": record.received_at.isoformat(), "received_by": record.received_by,
        "lines": [{"id": line.id, "item": names.item(line.item_id).code,
                   "lot": names.code(line.lot_id), "serial": names.code(line.unit_id),
                   "quantity": amount(line.base_quantity), "uom": names.item(line.item_id).base_uom,
                   "shipment": shipment_numbers[line.id], "disposition": line.disposition,
                   "findings": line.findings, "decided_by": line.decided_by,
                   "decided_at": line.decided_at.isoformat() if line.decided_at else None}
                  for line in lines],
    }


def list_returns(uow: UnitOfWork, *, limit: int = 100, offset: int = 0
                 ) -> tuple[list[dict[str, Any]], int]:
    total = uow.session.scalar(select(func.count(CustomerReturn.id))) or 0
    names = _Names(uow)
    rows = []
    for record in uow.session.scalars(select(CustomerReturn).order_by(
            CustomerReturn.id.desc()).limit(limit).offset(offset)):
        partner = names.partner(record.customer_id)
        rows.append({"number": record.number, "status": record.status,
                     "customer": partner.code, "customer_name": partner.name_zh,
                     "customer_name_en": partner.name_en, "reason": record.reason,
                     "received_at": record.received_at.isoformat()})
    return rows, int(total)


def customer_view(uow: UnitOfWork, partner: Any) -> dict[str, Any]:
    terms = uow.session.scalar(select(Customer).where(Customer.partner_id == partner.id))
    ship_tos = list(uow.session.scalars(select(ShipTo).where(ShipTo.partner_id == partner.id)
                                        .order_by(ShipTo.code)))
    shelf = list(uow.session.scalars(select(ShelfLifeRule).where(
        ShelfLifeRule.partner_id == partner.id).order_by(ShelfLifeRule.id)))
    names = _Names(uow)
    return {
        "code": partner.code, "name_zh": partner.name_zh, "name_en": partner.name_en,
        "customer_type": partner.customer_type,
        "credit_limit": amount(terms.credit_limit) if terms else None,
        "min_remaining_days": terms.min_remaining_days if terms else None,
        "payment_days": terms.payment_days if terms else None,
        "note": terms.note if terms else "",
        "ship_tos": [{"code": s.code, "name": s.name, "address": s.address,
                      "contact": s.contact, "phone": s.phone, "gln": s.gln,
                      "active": s.active} for s in ship_tos],
        "shelf_life_rules": [{"item": names.item(r.item_id).code,
                              "min_remaining_days": r.min_remaining_days} for r in shelf],
    }


def price_list(uow: UnitOfWork) -> list[dict[str, Any]]:
    names = _Names(uow)
    rows = list(uow.session.scalars(select(Price).order_by(Price.item_id, Price.currency,
                                                           Price.uom)))
    return [{"item": names.item(p.item_id).code, "item_name": names.item(p.item_id).name_zh,
             "item_name_en": names.item(p.item_id).name_en, "currency": p.currency,
             "uom": p.uom, "list_price": amount(p.list_price),
             "floor_price": amount(p.floor_price)} for p in rows]


def order_figures(uow: UnitOfWork) -> list[Figure]:
    """The dashboard's sales tile: orders waiting for approval, to ship, shipments not yet
    confirmed delivered, returns awaiting disposition."""
    def number(query: Any) -> int:
        return int(uow.session.scalar(query) or 0)

    orders = select(func.count(SalesOrder.id))
    return [
        count(N_("Sales orders in approval"), number(orders.where(
            SalesOrder.status == rules.OrderStatus.IN_APPROVAL)),
            "/sales/orders?status=in_approval"),
        count(N_("Sales orders to ship"), number(orders.where(SalesOrder.status.in_(
            [rules.OrderStatus.CONFIRMED, rules.OrderStatus.PARTLY_SHIPPED]))),
            "/sales/orders?status=confirmed"),
        count(N_("Shipments awaiting proof of delivery"), number(
            select(func.count(Shipment.id)).where(
                Shipment.status == rules.ShipmentStatus.SHIPPED)), "/sales/shipments"),
        count(N_("Customer returns awaiting disposition"), number(
            select(func.count(CustomerReturn.id)).where(
                CustomerReturn.status == rules.ReturnStatus.OPEN)), "/sales/returns"),
    ]


def exposure(uow: UnitOfWork, customer_id: int, *, besides: int | None = None) -> Decimal:
    """The customer's open orders in CNY: what is ordered and not yet shipped."""
    query = select(SalesOrder).where(SalesOrder.customer_id == customer_id,
                                     SalesOrder.status.in_([s.value for s in rules.OrderStatus
                                                            if s.open]))
    total = Decimal(0)
    for order in uow.session.scalars(query):
        if order.id == besides:
            continue
        for line in uow.session.scalars(select(OrderLine).where(
                OrderLine.order_id == order.id)):
            if line.base_quantity <= 0:
                continue
            left = max(line.base_quantity - line.shipped_base_quantity, Decimal(0))
            share = line_amount(line.quantity, line.unit_price) * left / line.base_quantity
            total += in_home_currency(share.quantize(Decimal("0.01")), order.currency,
                                      order.exchange_rate)
    return total


def partner_panel(uow: UnitOfWork, partner_id: int) -> list[Figure]:
    """Sales on the partner's page (a ``RecordPanel``): the customer's credit limit and open
    orders in CNY, orders to ship, shipments awaiting proof of delivery, returns awaiting
    disposition. Nothing for a partner that is no customer of ours."""
    partner = partners.get_partner_or_raise(uow, partner_id)
    terms = uow.session.scalar(select(Customer).where(Customer.partner_id == partner_id))
    orders = select(func.count(SalesOrder.id)).where(SalesOrder.customer_id == partner_id)
    if not partner.is_customer and terms is None and not uow.session.scalar(orders):
        return []
    link = f"/sales/customers/{partner.code}"
    limit = terms.credit_limit if terms is not None else None
    open_cny = exposure(uow, partner_id)
    return [
        Figure(N_("Credit limit (CNY)"), amount(limit) if limit is not None else None,
               "text", link),
        Figure(N_("Open sales orders (CNY)"), amount(open_cny), "text",
               f"/sales/orders?customer={partner.code}",
               alert=limit is not None and open_cny > limit),
        count(N_("Sales orders to ship"), int(uow.session.scalar(orders.where(
            SalesOrder.status.in_([rules.OrderStatus.CONFIRMED,
                                   rules.OrderStatus.PARTLY_SHIPPED]))) or 0),
            f"/sales/orders?customer={partner.code}&status=confirmed"),
        count(N_("Shipments awaiting proof of delivery"), int(uow.session.scalar(
            select(func.count(Shipment.id)).where(
                Shipment.customer_id == partner_id,
                Shipment.status == rules.ShipmentStatus.SHIPPED)) or 0), "/sales/shipments"),
        count(N_("Customer returns awaiting disposition"), int(uow.session.scalar(
            select(func.count(CustomerReturn.id)).where(
                CustomerReturn.customer_id == partner_id,
                CustomerReturn.status == rules.ReturnStatus.OPEN)) or 0), "/sales/returns"),
    ]
