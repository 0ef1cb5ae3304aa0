"""Pure sales rules: the statuses of orders, picks, shipments and returns; the shelf-life
minimum that applies to a customer and item; the credit and price exceptions that send an
order to approval; how shipments move an order. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medtrace.platform.enums import LabelledEnum
from medtrace.platform.i18n import N_


class OrderStatus(LabelledEnum):
    """quotation → (confirmed | in approval → confirmed | rejected) → partly shipped → shipped
    → closed; an order nothing was shipped on may be cancelled."""

    QUOTATION = "quotation", N_("quotation")
    IN_APPROVAL = "in_approval", N_("in approval")
    CONFIRMED = "confirmed", N_("confirmed")
    PARTLY_SHIPPED = "partly_shipped", N_("partly shipped")
    SHIPPED = "shipped", N_("shipped")
    CLOSED = "closed", N_("closed")
    REJECTED = "rejected", N_("rejected")
    CANCELLED = "cancelled", N_("cancelled")

    @property
    def fulfillable(self) -> bool:
        """Stock may be allocated, picked, packed and shipped."""
        return self in (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED)

    @property
    def cancellable(self) -> bool:
        return self in (OrderStatus.QUOTATION, OrderStatus.IN_APPROVAL, OrderStatus.CONFIRMED)

    @property
    def open(self) -> bool:
        """Counts against the customer's credit."""
        return self in (OrderStatus.IN_APPROVAL, OrderStatus.CONFIRMED,
                        OrderStatus.PARTLY_SHIPPED)


class PickStatus(LabelledEnum):
    OPEN = "open", N_("picked")
    SHIPPED = "shipped", N_("shipped")
    CANCELLED = "cancelled", N_("put back")


class PackageKind(LabelledEnum):
    CASE = "case", N_("case")
    PALLET = "pallet", N_("pallet")


class ShipmentStatus(LabelledEnum):
    SHIPPED = "shipped", N_("shipped")
    DELIVERED = "delivered", N_("delivered")


class ReturnStatus(LabelledEnum):
    OPEN = "open", N_("awaiting disposition")
    CLOSED = "closed", N_("closed")


class Disposition(LabelledEnum):
    PENDING = "pending", N_("in quarantine")
    RELEASED = "released", N_("released back to stock")
    SCRAPPED = "scrapped", N_("scrapped")


#: the e-signature meanings of a return's disposition (QA, not the person who received it)
DISPOSITION_MEANINGS = {"released": "released", "scrapped": "rejected"}


def shelf_life_floor(*, item_rule: int | None, customer_minimum: int | None) -> int | None:
    """The minimum remaining shelf life (days) a shipment of an item to a customer must have:
    the customer's rule for the item, else the customer's general minimum, else none (the
    item's own minimum is a receiving rule: what we accept from suppliers)."""
    return item_rule if item_rule is not None else customer_minimum


@dataclass(frozen=True)
class ApprovalReason:
    """Why an order needs an approval: a code, a message to translate, and its parameters."""

    code: str  # CREDIT, PRICE-BELOW-FLOOR, PRICE-UNLISTED
    message: str
    params: dict[str, str]
    line_no: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "params": self.params,
                "line_no": self.line_no}


def credit_exception(*, limit: Decimal | None, open_exposure: Decimal, order_total: Decimal
                     ) -> ApprovalReason | None:
    """Over the customer's credit limit (CNY) with the open orders and this one, or None. A
    customer without a limit has none."""
    if limit is None or open_exposure + order_total <= limit:
        return None
    return ApprovalReason("CREDIT", N_("open orders %(exposure)s CNY and this order %(total)s CNY "
                                   "exceed the credit limit of %(limit)s CNY"),
                      {"exposure": str(open_exposure), "total": str(order_total),
                       "limit": str(limit)})


def price_exception(*, line_no: int, item: str, unit_price: Decimal, currency: str, uom: str,
                    list_price: Decimal | None, floor_price: Decimal | None
                    ) -> ApprovalReason | None:
    """A line priced below the lowest price sales may give, or an item without a list price
    in that currency and unit, or None."""
    if list_price is None:
        return ApprovalReason("PRICE-UNLISTED", N_("line %(line)s: %(item)s has no list price in "
                                               "%(currency)s per %(uom)s"),
                          {"line": str(line_no), "item": item, "currency": currency,
                           "uom": uom}, line_no)
    floor = floor_price if floor_price is not None else list_price
    if unit_price < floor:
        return ApprovalReason("PRICE-BELOW-FLOOR", N_("line %(line)s: %(price)s %(currency)s is "
                                                  "below the lowest price %(floor)s"),
                          {"line": str(line_no), "price": str(unit_price),
                           "currency": currency, "floor": str(floor)}, line_no)
    return None


def shipped_status(ordered: list[Decimal], shipped: list[Decimal]) -> OrderStatus:
    """The status shipments give a confirmed order."""
    if all(got >= want for want, got in zip(ordered, shipped, strict=True)):
        return OrderStatus.SHIPPED
    if any(got > 0 for got in shipped):
        return OrderStatus.PARTLY_SHIPPED
    return OrderStatus.CONFIRMED


#: why stock was not allocated, as the order line shows it (from inventory's reasons)
SHORT_REASONS = {
    "quarantine": N_("in quarantine"),
    "on_hold": N_("on hold"),
    "rejected": N_("rejected"),
    "recalled": N_("recalled"),
    "expired": N_("expired"),
    "shelf_life": N_("less shelf life left than the customer accepts"),
    "allocated": N_("allocated to other orders"),
    "location": N_("in a location stock is not shipped from"),
    "no_stock": N_("no stock"),
}


def short_reason(not_issuable: str | None) -> str:
    """The shortage code of an inventory 'not issuable' reason."""
    if not not_issuable:
        return "no_stock"
    if not_issuable.startswith("location"):
        status = not_issuable.split(" ", 1)[-1]
        return status if status in ("quarantine", "rejected") else (
            "on_hold" if status == "hold" else "location")
    return not_issuable if not_issuable in SHORT_REASONS else "location"
