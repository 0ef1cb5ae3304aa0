"""The move forms of the pages (transfer, adjustment): what a person typed or scanned, turned
into one ``service.post_move`` call. An item by code, GTIN or whole UDI (whose lot and serial
count when the fields are empty); a lot or serial within the item; locations by code, also
scanned. Every field problem is reported at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError as PydanticValidationError

from medtrace.modules.inventory import queries, service
from medtrace.modules.inventory import queries as lookups
from medtrace.modules.inventory.errors import MoveInvalid
from medtrace.modules.inventory.models import StockMove
from medtrace.modules.inventory.schemas import MoveCreate
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError, ValidationFailed
from medtrace.platform.i18n import current_locale
from medtrace.platform.i18n.validation import message as validation_message

T = TypeVar("T")


@dataclass
class MoveForm:
    item: str = ""
    lot: str = ""
    serial: str = ""
    from_location: str = ""
    to_location: str = ""
    location: str = ""  # adjustments: where stock is found or lost
    direction: str = ""  # adjustments: "in" (more than recorded) or "out" (less)
    quantity: str = ""
    uom: str = ""
    purpose: str = "transfer"
    reason_code: str = ""
    note: str = ""

    @classmethod
    def read(cls, form: Mapping[str, Any], **defaults: str) -> MoveForm:
        values = {}
        for spec in fields(cls):
            value = form.get(spec.name)
            if isinstance(value, str):
                values[spec.name] = value.strip() if spec.name != "item" else value.strip(
                    " \r\n\t")
            elif spec.name in defaults:
                values[spec.name] = defaults[spec.name]
        return cls(**values)


class _Problems:
    """Collects field problems so that a form shows all of them at once."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def check(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except DomainError as exc:
            if not exc.errors:
                raise
            self.errors.extend(exc.errors)
            return None

    def add(self, field_name: str, message: str) -> None:
        self.errors.append({"field": field_name, "message": message})

    def raise_any(self, error: type[DomainError] = MoveInvalid) -> None:
        if self.errors:
            raise error("; ".join(f"{e['field']}: {e['message']}" for e in self.errors),
                        errors=self.errors)


def _quantity(text: str, problems: _Problems, *, one_piece: bool) -> Decimal | None:
    if not text:
        if one_piece:
            return Decimal(1)
        problems.add("quantity", "required")
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.add("quantity", "not exact")
        return None
    if not value.is_finite():
        problems.add("quantity", "not exact")
        return None
    if value <= 0:
        problems.add("quantity", "> 0")
        return None
    return value


def _things(uow: UnitOfWork, data: MoveForm, problems: _Problems) -> dict[str, Any] | None:
    scanned = problems.check(lambda: lookups.find_item(uow, data.item))
    if scanned is None:
        if data.lot or data.serial:
            problems.add("lot" if data.lot else "serial", "give the item")
        return None
    item = scanned.item
    lot_text = data.lot or scanned.scan.get("lot") or ""
    serial_text = data.serial or scanned.scan.get("serial") or ""
    unit = problems.check(lambda: lookups.find_unit(uow, item.id, serial_text)) \
        if serial_text else None
    lot = problems.check(lambda: lookups.find_lot(uow, item.id, lot_text)) if lot_text else None
    return {"item_id": item.id, "lot_id": lot.id if lot else None,
            "unit_id": unit.id if unit else None, "one_piece": bool(serial_text)}


def _schema(build: Callable[[], MoveCreate]) -> MoveCreate:
    """The form's fields as the one input schema of a move; a field the schema refuses is a
    field problem like any other."""
    try:
        return build()
    except PydanticValidationError as exc:
        raise MoveInvalid("the form does not fit a stock move", errors=[
            {"field": str(error["loc"][0]) if error["loc"] else "",
             "message": validation_message(error["type"], error.get("ctx"), current_locale())}
            for error in exc.errors()]) from None


def post_transfer(uow: UnitOfWork, data: MoveForm, actor: Actor) -> StockMove:
    """A transfer between two locations (also into quarantine or hold, and a release from
    quarantine to available stock): the form mapped onto ``MoveCreate``; the service checks
    the rest, as for the API and the CLI."""
    problems = _Problems()
    things = _things(uow, data, problems)
    source = problems.check(lambda: lookups.find_location(uow, data.from_location,
                                                          "from_location"))
    target = problems.check(lambda: lookups.find_location(uow, data.to_location, "to_location"))
    quantity = _quantity(data.quantity, problems,
                         one_piece=bool(things and things["one_piece"]))
    problems.raise_any()
    assert things is not None and source is not None and target is not None
    assert quantity is not None
    move = _schema(lambda: MoveCreate(
        item_id=things["item_id"], quantity=quantity, uom=data.uom or None,
        from_location=source.id, to_location=target.id, purpose=data.purpose,
        lot_id=things["lot_id"], unit_id=things["unit_id"], note=data.note))
    return service.post_move(uow, move=move, actor=actor)


def post_adjustment(uow: UnitOfWork, data: MoveForm, actor: Actor) -> StockMove:
    """More (``in``) or less (``out``) at a location than the books say, with a reason:
    a move from or to the virtual adjustment location (the service checks the reason)."""
    problems = _Problems()
    if data.direction not in ("in", "out"):
        problems.add("direction", "required")
    things = _things(uow, data, problems)
    place = problems.check(lambda: lookups.find_location(uow, data.location, "location"))
    virtual = problems.check(lambda: lookups.adjustment_location(uow))
    quantity = _quantity(data.quantity, problems,
                         one_piece=bool(things and things["one_piece"]))
    problems.raise_any()
    assert things is not None and place is not None and virtual is not None
    assert quantity is not None
    source, target = (virtual, place) if data.direction == "in" else (place, virtual)
    move = _schema(lambda: MoveCreate(
        item_id=things["item_id"], quantity=quantity, uom=data.uom or None,
        from_location=source.id, to_location=target.id, purpose="adjustment",
        lot_id=things["lot_id"], unit_id=things["unit_id"],
        reason_code=data.reason_code or None, note=data.note))
    return service.post_move(uow, move=move, actor=actor)


# -- filters of the list pages and the FEFO question ----------------------------------------------


def _item_and_lot(uow: UnitOfWork, values: Mapping[str, str], problems: _Problems
                  ) -> tuple[int | None, int | None]:
    if not values.get("item"):
        if values.get("lot"):
            problems.add("lot", "give the item")
        return None, None
    scanned = problems.check(lambda: lookups.find_item(uow, values["item"]))
    if scanned is None:
        return None, None
    lot_text = values.get("lot") or scanned.scan.get("lot")
    lot = problems.check(lambda: lookups.find_lot(uow, scanned.item.id, lot_text)) \
        if lot_text else None
    return scanned.item.id, lot.id if lot else None


def _days(text: str, problems: _Problems, field_name: str = "days") -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) > 3650:
        problems.add(field_name, "not exact")
        return None
    return int(text)


def stock_filter(uow: UnitOfWork, values: Mapping[str, str]) -> queries.BalanceFilter:
    """The stock page's filters (site or location with everything below it, item by code,
    GTIN or UDI, lot within the item, expiring within N days) as a query filter."""
    problems = _Problems()
    where = values.get("location") or values.get("site")
    location = problems.check(lambda: lookups.find_location(
        uow, where, "location" if values.get("location") else "site")) if where else None
    item_id, lot_id = _item_and_lot(uow, values, problems)
    days = _days(values.get("days", ""), problems)
    problems.raise_any(ValidationFailed)
    return queries.BalanceFilter(location=location, item_id=item_id, lot_id=lot_id,
                                 expiring_within_days=days)


def move_filter(uow: UnitOfWork, values: Mapping[str, str]) -> dict[str, Any]:
    """The move history's filters as ``queries.moves`` keywords."""
    problems = _Problems()
    location = problems.check(lambda: lookups.find_location(
        uow, values["location"], "location")) if values.get("location") else None
    item_id, lot_id = _item_and_lot(uow, values, problems)
    problems.raise_any(ValidationFailed)
    return {"location": location, "item_id": item_id, "thing_key": lot_id,
            "doc": values.get("doc") or None}


def fefo_question(uow: UnitOfWork, values: Mapping[str, str]) -> dict[str, Any]:
    """Where to pick a quantity of an item first: ``queries.fefo`` for what was typed."""
    problems = _Problems()
    scanned = problems.check(lambda: lookups.find_item(uow, values.get("item", "")))
    quantity = _quantity(values.get("quantity", ""), problems, one_piece=False)
    within = problems.check(lambda: lookups.find_location(
        uow, values["location"], "location")) if values.get("location") else None
    days = _days(values.get("days", ""), problems)
    problems.raise_any(ValidationFailed)
    assert scanned is not None and quantity is not None
    return queries.fefo(uow, item_id=scanned.item.id, quantity=quantity, within=within,
                        min_remaining_days=days)
