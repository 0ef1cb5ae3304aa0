"""Customers' sales terms, ship-to addresses and shelf-life rules; the price list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners
from medtrace.modules.sales.errors import CustomerInvalid, PriceInvalid
from medtrace.modules.sales.models import Customer, Price, ShelfLifeRule, ShipTo
from medtrace.modules.sales.permissions import CUSTOMER_EDIT, PRICE_EDIT
from medtrace.modules.sales.schemas import (
    CustomerTerms,
    PriceWrite,
    ShelfLifeRuleWrite,
    ShipToWrite,
)
from medtrace.modules.sales.service.common import ensure_may, problem, terms_of
from medtrace.platform.actor import Actor
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.money import CURRENCIES


def customer_or_raise(uow: UnitOfWork, code: str, field: str = "customer",
                      error: type = CustomerInvalid) -> Any:
    partner = partners.get_partner_by_code(uow, code.strip())
    if partner is None:
        raise error(f"no partner {code}", errors=[problem(field, N_("unknown customer"))])
    if not partner.is_customer:
        raise error(f"{partner.code} is not a customer",
                    errors=[problem(field, N_("the partner is not a customer"))])
    return partner


def set_terms(uow: UnitOfWork, *, customer: str, data: CustomerTerms, actor: Actor) -> Customer:
    ensure_may(actor, CUSTOMER_EDIT)
    partner = customer_or_raise(uow, customer)
    row = terms_of(uow, partner.id)
    if row is None:
        row = Customer(partner_id=partner.id)
        uow.session.add(row)
    row.credit_limit = data.credit_limit
    row.min_remaining_days = data.min_remaining_days
    row.payment_days = data.payment_days
    row.note = data.note
    uow.session.flush()
    return row


def _gln_ok(gln: str) -> bool:
    return catalog.gs1_check_digit(gln[:-1]) == int(gln[-1])


def save_ship_to(uow: UnitOfWork, *, customer: str, data: ShipToWrite, actor: Actor) -> ShipTo:
    """Add a ship-to address, or change the one with the same code."""
    ensure_may(actor, CUSTOMER_EDIT)
    partner = customer_or_raise(uow, customer)
    if data.gln and not _gln_ok(data.gln):
        raise CustomerInvalid("the GLN's check digit is wrong",
                              errors=[problem("gln", N_("wrong check digit"))])
    row = uow.session.scalar(select(ShipTo).where(ShipTo.partner_id == partner.id,
                                                  ShipTo.code == data.code))
    if row is None:
        row = ShipTo(partner_id=partner.id, code=data.code)
        uow.session.add(row)
    row.name, row.address, row.contact, row.phone = (data.name, data.address, data.contact,
                                                     data.phone)
    row.gln, row.active = data.gln, data.active
    uow.session.flush()
    return row


def list_ship_tos(uow: UnitOfWork, partner_id: int, *, active_only: bool = False
                  ) -> list[ShipTo]:
    query = select(ShipTo).where(ShipTo.partner_id == partner_id)
    if active_only:
        query = query.where(ShipTo.active.is_(True))
    return list(uow.session.scalars(query.order_by(ShipTo.code)))


def set_shelf_life_rule(uow: UnitOfWork, *, customer: str, data: ShelfLifeRuleWrite,
                        actor: Actor) -> ShelfLifeRule | None:
    """The customer's minimum remaining shelf life for one item; ``None`` removes it."""
    ensure_may(actor, CUSTOMER_EDIT)
    partner = customer_or_raise(uow, customer)
    item = catalog.get_item_by_code(uow, data.item.strip())
    if item is None:
        raise CustomerInvalid(f"no item {data.item}", errors=[problem("item",
                                                                       N_("unknown item"))])
    row = uow.session.scalar(select(ShelfLifeRule).where(ShelfLifeRule.partner_id == partner.id,
                                                         ShelfLifeRule.item_id == item.id))
    if data.min_remaining_days is None:
        if row is not None:
            uow.session.delete(row)
            uow.session.flush()
        return None
    if row is None:
        row = ShelfLifeRule(partner_id=partner.id, item_id=item.id)
        uow.session.add(row)
    row.min_remaining_days = data.min_remaining_days
    uow.session.flush()
    return row


def save_price(uow: UnitOfWork, *, data: PriceWrite, actor: Actor) -> Price:
    """Set the list price (and the lowest price without an approval) of an item in a currency
    and unit."""
    ensure_may(actor, PRICE_EDIT)
    found = []
    item = catalog.get_item_by_code(uow, data.item.strip())
    if item is None:
        found.append(problem("item", N_("unknown item")))
    currency = data.currency.upper()
    if currency not in CURRENCIES:
        found.append(problem("currency", N_("unknown currency")))
    unit = (data.uom or (item.base_uom if item else "")).strip().upper()
    if item is not None:
        try:
            catalog.factor_of(item, unit)
        except catalog.UnknownUnit:
            found.append(problem("uom", N_("not a unit of the item")))
    if data.floor_price is not None and data.floor_price > data.list_price:
        found.append(problem("floor_price", N_("above the list price")))
    if found:
        raise PriceInvalid("; ".join(f"{p['field']}: {p['message']}" for p in found),
                           errors=found)
    assert item is not None
    row = uow.session.scalar(select(Price).where(Price.item_id == item.id,
                                                 Price.currency == currency, Price.uom == unit))
    if row is None:
        row = Price(item_id=item.id, currency=currency, uom=unit)
        uow.session.add(row)
    row.list_price = to_quantity(data.list_price)
    row.floor_price = None if data.floor_price is None else to_quantity(data.floor_price)
    uow.session.flush()
    return row


def price_of(uow: UnitOfWork, item_id: int, currency: str, uom: str) -> Price | None:
    return uow.session.scalar(select(Price).where(Price.item_id == item_id,
                                                  Price.currency == currency, Price.uom == uom))
