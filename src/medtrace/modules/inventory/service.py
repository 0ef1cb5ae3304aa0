"""Inventory business actions: locations, and stock moves that keep the balances and record
their traceability event in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from medtrace.modules import catalog, traceability
from medtrace.modules.inventory import events, rules
from medtrace.modules.inventory.errors import (
    InsufficientStock,
    LocationInvalid,
    LocationNotFound,
    LotNotIssuable,
    MoveAlreadyReversed,
    MoveInvalid,
)
from medtrace.modules.inventory.models import Balance, Location, StockMove
from medtrace.modules.inventory.permissions import STOCK_ADJUST, STOCK_MOVE
from medtrace.modules.inventory.schemas import BulkMoveCreate, MoveCreate
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db import bulk
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


#: pg_advisory_xact_lock key of the stock ledger ("mt_ledgr")
LEDGER_LOCK_KEY = 0x6D745F6C65646772


def lock_ledger(uow: UnitOfWork, *, exclusive: bool = False) -> None:
    """Until the end of the transaction (PostgreSQL; SQLite writers are serialised already):
    shared by every stock move before its balance rows, exclusive by a count reading its
    ledger mark, so no move below the mark can commit after it (moves never wait on moves)."""
    conn = uow.session.connection()
    if conn.dialect.name == "postgresql":
        mode = "" if exclusive else "_shared"
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock{mode}({LEDGER_LOCK_KEY})")


# --- locations ----------------------------------------------------------------------------------
def get_location_or_raise(uow: UnitOfWork, ref: int | str) -> Location:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = uow.session.get(Location, int(ref))
    else:
        found = uow.session.scalars(select(Location).where(Location.code == ref)).first()
    if found is None:
        raise LocationNotFound(f"no location {ref}")
    return found


def create_location(uow: UnitOfWork, *, code: str, name_zh: str, name_en: str, kind: str,
                    parent: str | int | None = None, stock_status: str | None = None,
                    temperature_zone: str | None = None, role: str | None = None) -> Location:
    code = (code or "").strip()
    problems = []
    if not code or len(code) > 40:
        problems.append(_problem("code", "1 to 40 characters"))
    if kind not in rules.LOCATION_KINDS:
        problems.append(_problem("kind", "unknown"))
    if stock_status is not None and stock_status not in rules.STOCK_STATUSES:
        problems.append(_problem("stock_status", "unknown"))
    if kind == "virtual" and role not in rules.VIRTUAL_ROLES:
        problems.append(_problem("role", "a virtual location has a role"))
    if kind != "virtual" and role is not None:
        problems.append(_problem("role", "only virtual locations have a role"))
    parent_row = get_location_or_raise(uow, parent) if parent is not None else None
    if parent_row is not None:
        order = rules.LOCATION_KINDS
        if kind == "virtual" or parent_row.kind == "virtual" or \
                order.index(parent_row.kind) >= order.index(kind):
            problems.append(_problem("parent", f"a {kind} cannot be inside a {parent_row.kind}"))
    elif kind in rules.HOLDING_KINDS and kind != "warehouse":
        problems.append(_problem("parent", f"a {kind} belongs to a warehouse"))
    if problems:
        raise LocationInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                              errors=problems)
    if uow.session.scalars(select(Location).where(Location.code == code)).first():
        raise LocationInvalid(f"location {code} exists", errors=[_problem("code", "taken")])
    row = Location(code=code, name_zh=name_zh, name_en=name_en, kind=kind,
                   parent_id=parent_row.id if parent_row else None, stock_status=stock_status,
                   temperature_zone=temperature_zone, role=role, active=True)
    uow.session.add(row)
    uow.session.flush()
    return row


def stock_status_of(uow: UnitOfWork, location: Location) -> str | None:
    """The location's stock status, inherited from the nearest ancestor that sets one."""
    current: Location | None = location
    while current is not None:
        if current.stock_status:
            return current.stock_status
        current = uow.session.get(Location, current.parent_id) if current.parent_id else None
    return None


def is_internal(location: Location) -> bool:
    return location.kind in rules.HOLDING_KINDS


# --- moves --------------------------------------------------------------------------------------
def _ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


def post_move(uow: UnitOfWork, *, move: MoveCreate, actor: Actor, journal: bool = True
              ) -> StockMove:
    """Move goods from one location to another: check who may, the rules and the stock, lock
    and change the balances, journal the traceability event, all in the caller's transaction.
    The API, the pages, the CLI and other modules all come here. ``journal=False``: the caller
    records the journal event itself (a receipt's ``received`` event names its order and
    receipt), so the move is not journalled twice."""
    if move.purpose == "adjustment":  # stock changes without goods moving: its own permission
        _ensure_may(actor, STOCK_ADJUST)
        _check_adjustment(uow, move)
    else:
        _ensure_may(actor, STOCK_MOVE)
    return _record_move(uow, move, purpose_name=move.purpose, actor=actor, journal=journal)


def _record_move(uow: UnitOfWork, data: MoveCreate, *, purpose_name: str, actor: Actor,
                 reverses_id: int | None = None, journal: bool = True) -> StockMove:
    purpose = rules.PURPOSES.get(purpose_name)
    if purpose is None:
        raise MoveInvalid(f"unknown purpose {purpose_name!r}",
                          errors=[_problem("purpose", "unknown")])
    item = catalog.get_item_or_raise(uow, data.item_id)
    source = get_location_or_raise(uow, data.from_location)
    target = get_location_or_raise(uow, data.to_location)
    if source.id == target.id:
        raise MoveInvalid("from and to are the same location",
                          errors=[_problem("to_location", "same as from")])
    if not (is_internal(source) or is_internal(target)):
        raise MoveInvalid("a move touches at least one stock-holding location",
                          errors=[_problem("to_location", "virtual on both sides")])
    uom = (data.uom or item.base_uom).upper()
    try:
        entered = to_quantity(data.quantity)
    except (ValueError, TypeError):
        raise MoveInvalid("the quantity is not an exact number",
                          errors=[_problem("quantity", "not exact")]) from None
    if entered <= 0:
        raise MoveInvalid("the quantity is positive", errors=[_problem("quantity", "> 0")])
    base = catalog.to_base_quantity(uow, item.id, entered, uom)
    problem = rules.whole_or_exact(base, item.base_uom)
    if problem:
        raise MoveInvalid(f"{entered} {uom} is {base} {item.base_uom}: {problem}",
                          errors=[_problem("quantity", problem)])
    lot, unit = _things(uow, item, data, base)
    _check_issuable(uow, purpose, source, target, lot, unit)
    # The ledger lock (shared) first, then the balance rows: a count's exclusive ledger lock
    # waits for the moves under way (see counts._ledger_mark). The audit chain's lock comes last,
    # at the commit (platform/audit/appending.py).
    lock_ledger(uow)
    thing_key = unit.id if unit else (lot.id if lot else 0)
    if is_internal(source) and is_internal(target):  # both rows in location order: two
        for place in sorted((source.id, target.id)):  # opposite transfers never deadlock
            _balance_row(uow, place, item.id, thing_key, create=False)
    if is_internal(source):
        _take(uow, source, item.id, thing_key, base)
    if is_internal(target):
        _put(uow, target, item.id, thing_key, base, lot, unit)
    moment = data.at or uow.now()
    move = StockMove(item_id=item.id, lot_id=lot.id if lot else None,
                     unit_id=unit.id if unit else None, thing_key=thing_key, quantity=base,
                     entered_quantity=entered, entered_uom=uom, from_location_id=source.id,
                     to_location_id=target.id, at=moment, purpose=purpose.name,
                     reason_code=data.reason_code, note=data.note or "", doc=data.doc,
                     actor=actor.key, request_id=uow.context.get("request_id"),
                     reverses_id=reverses_id)
    uow.session.add(move)
    uow.session.flush()
    thing = unit or lot
    if thing is not None and journal:
        _journal(uow, move, purpose, source, target, thing, item, data.partner_id)
    uow.publish(events.stock_moved(move, item, source, target, lot, unit))
    return move


def _check_adjustment(uow: UnitOfWork, data: MoveCreate) -> None:
    """An adjustment changes stock without goods moving: only with one of the adjustment
    reasons (``rules.ADJUSTMENT_REASONS``), which also becomes the audit trail's reason when the
    request gave none."""
    code = (data.reason_code or "").strip()
    if not code:
        raise MoveInvalid("an adjustment needs a reason",
                          errors=[_problem("reason_code", "required")])
    if code not in rules.ADJUSTMENT_REASONS:
        raise MoveInvalid(f"unknown adjustment reason {code!r}",
                          errors=[_problem("reason_code", "unknown")])
    reason = code + (f": {data.note.strip()}" if (data.note or "").strip() else "")
    uow.context.setdefault("reason", reason[:500])


def _things(uow: UnitOfWork, item: Any, data: MoveCreate, base: Decimal) -> tuple[Any, Any]:
    lot = unit = None
    if data.unit_id is not None:
        unit = traceability.get_object_or_raise(uow, data.unit_id)
        if unit.kind != "unit" or unit.item_id != item.id:
            raise MoveInvalid("the serial unit is not a unit of this item",
                              errors=[_problem("unit_id", "other item")])
        if base != 1:
            raise MoveInvalid("a serial unit moves as one piece",
                              errors=[_problem("quantity", "1 for a serial unit")])
        lot = traceability.get_object_or_raise(uow, unit.lot_id) if unit.lot_id else None
    elif catalog.tracks_serial(item.tracking):
        raise MoveInvalid(f"{item.code} is tracked by serial: give the unit",
                          errors=[_problem("unit_id", "required")])
    if data.lot_id is not None:
        given = traceability.get_object_or_raise(uow, data.lot_id)
        if given.kind != "lot" or given.item_id != item.id:
            raise MoveInvalid("the lot is not a lot of this item",
                              errors=[_problem("lot_id", "other item")])
        if lot is not None and lot.id != given.id:
            raise MoveInvalid("the unit is not of this lot", errors=[_problem("lot_id", "")])
        lot = given
    elif catalog.tracks_lot(item.tracking) and unit is None:
        raise MoveInvalid(f"{item.code} is tracked by lot: give the lot",
                          errors=[_problem("lot_id", "required")])
    return lot, unit


def _check_issuable(uow: UnitOfWork, purpose: rules.Purpose, source: Location,
                    target: Location, lot: Any, unit: Any) -> None:
    if purpose.any_stock:
        return
    today = uow.today()
    status = (unit.status if unit is not None and unit.status != "released" else None) or \
        (lot.status if lot is not None else None)
    expiry = (unit.expiry_date if unit is not None else None) or \
        (lot.expiry_date if lot is not None else None)
    checks = []
    if purpose.name in ("issue", "ship") and is_internal(source):
        checks.append(stock_status_of(uow, source))
    if is_internal(target) and stock_status_of(uow, target) == "available":
        checks.append("available")
    for location_status in checks:
        reason = rules.not_issuable_reason(
            lot_status=status if (lot is not None or unit is not None) else None,
            expiry=expiry, today=today, location_status=location_status)
        if reason:
            raise LotNotIssuable(f"not issuable: {reason}", reason=reason)


def _balance_row(uow: UnitOfWork, location_id: int, item_id: int, thing_key: int,
                 lot: Any = None, unit: Any = None, *, create: bool) -> Balance | None:
    """The balance row, locked for this transaction (created at zero when asked)."""
    query = (select(Balance).where(Balance.location_id == location_id,
                                   Balance.item_id == item_id, Balance.thing_key == thing_key)
             .with_for_update())
    row = uow.session.scalars(query).first()
    if row is None and create:
        dialect = uow.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"location_id": location_id, "item_id": item_id, "thing_key": thing_key,
                  "lot_id": lot.id if lot else None, "unit_id": unit.id if unit else None,
                  "quantity": Decimal(0), "updated_at": uow.now()}
        uow.session.execute(insert(Balance).values(**values).on_conflict_do_nothing(
            index_elements=["location_id", "item_id", "thing_key"]))
        row = uow.session.scalars(query.execution_options(populate_existing=True)).first()
    return row


def _take(uow: UnitOfWork, location: Location, item_id: int, thing_key: int,
          quantity: Decimal) -> None:
    row = _balance_row(uow, location.id, item_id, thing_key, create=False)
    have = row.quantity if row is not None else Decimal(0)
    if row is None or have < quantity:
        raise InsufficientStock(f"{location.code} holds {have}, {quantity} asked",
                                available=str(have), requested=str(quantity))
    row.quantity = have - quantity
    row.updated_at = uow.now()


def _put(uow: UnitOfWork, location: Location, item_id: int, thing_key: int, quantity: Decimal,
         lot: Any, unit: Any) -> None:
    if unit is not None:
        elsewhere = uow.session.scalars(select(Balance).where(
            Balance.thing_key == unit.id, Balance.item_id == item_id, Balance.quantity > 0,
            Balance.location_id != location.id)).first()
        if elsewhere is not None:
            raise MoveInvalid(f"serial {unit.code} is already at another location",
                              errors=[_problem("unit_id", "in another place")])
    row = _balance_row(uow, location.id, item_id, thing_key, lot, unit, create=True)
    assert row is not None
    if unit is not None and row.quantity + quantity > 1:
        raise MoveInvalid(f"serial {unit.code} is already here",
                          errors=[_problem("unit_id", "already here")])
    row.quantity = row.quantity + quantity
    row.updated_at = uow.now()


def _journal(uow: UnitOfWork, move: StockMove, purpose: rules.Purpose, source: Location,
             target: Location, thing: Any, item: Any, partner_id: int | None) -> None:
    step = purpose.step
    if purpose.name == "reversal":
        step = "moved" if is_internal(target) else "observed"
    quantity = move.quantity if thing.kind == "lot" else None
    parties = [traceability.Party("owning_party", partner_id)] if partner_id else []
    traceability.record_event(
        uow, step=step, what=[traceability.Part(thing, quantity, item.base_uom if quantity
                                                 else None)],
        at=move.at.astimezone(uow.timezone), read_point=source.code,
        biz_location=target.code, doc=move.doc, location=target.code,
        sources=parties if step == "received" else [],
        destinations=parties if step == "shipped" else [],
        extra={"stock_move": move.id, "purpose": purpose.name, "from": source.code,
               "to": target.code, "reason_code": move.reason_code,
               # whether each side holds stock: the lot's whereabouts by quantity
               "from_stock": is_internal(source), "to_stock": is_internal(target)})


def reverse_move(uow: UnitOfWork, *, move_id: int, reason: str, actor: Actor) -> StockMove:
    """Undo a move with a reversing move (the original stays); needs the adjust permission."""
    _ensure_may(actor, STOCK_ADJUST)
    original = uow.session.get(StockMove, move_id)
    if original is None:
        raise MoveInvalid(f"no stock move {move_id}", errors=[_problem("move_id", "unknown")])
    if not (reason or "").strip():
        raise MoveInvalid("a reversal needs a reason", errors=[_problem("reason", "required")])
    taken = uow.session.scalars(select(StockMove).where(StockMove.reverses_id == move_id)).first()
    if taken is not None or original.purpose == "reversal":
        raise MoveAlreadyReversed()
    uow.context.setdefault("reason", reason.strip())
    return _record_move(uow, MoveCreate(
        item_id=original.item_id, quantity=original.quantity,
        from_location=original.to_location_id, to_location=original.from_location_id,
        lot_id=original.lot_id, unit_id=original.unit_id, reason_code="reversal",
        note=reason.strip()[:1000], doc=original.doc), purpose_name="reversal", actor=actor,
        reverses_id=original.id)


# --- many units at once -------------------------------------------------------------------------
def post_moves(uow: UnitOfWork, *, moves: BulkMoveCreate, actor: Actor, journal: bool = True
               ) -> list[int]:
    """Move many serial units of one item between two locations at once: the same rules as
    ``post_move`` checked once for the item, the locations and the lot and with one query for
    all the units; balances changed set-based; the moves inserted in bulk (the ledger rows; the
    business document that caused them, e.g. the receipt, is what the audit trail records);
    one traceability event for all the units (unless the caller journals them itself with
    ``journal=False``, as a receipt does with its ``received`` event). The ids of the moves."""
    data = moves
    if data.purpose == "adjustment":
        _ensure_may(actor, STOCK_ADJUST)
    else:
        _ensure_may(actor, STOCK_MOVE)
    if not data.unit_ids:
        raise MoveInvalid("give the units", errors=[_problem("unit_ids", "required")])
    purpose = rules.PURPOSES[data.purpose]
    item = catalog.get_item_or_raise(uow, data.item_id)
    source = get_location_or_raise(uow, data.from_location)
    target = get_location_or_raise(uow, data.to_location)
    if source.id == target.id:
        raise MoveInvalid("from and to are the same location",
                          errors=[_problem("to_location", "same as from")])
    if not (is_internal(source) or is_internal(target)):
        raise MoveInvalid("a move touches at least one stock-holding location",
                          errors=[_problem("to_location", "virtual on both sides")])
    unit_ids = list(data.unit_ids)
    if len(set(unit_ids)) != len(unit_ids):
        raise MoveInvalid("a unit is named twice", errors=[_problem("unit_ids", "repeated")])
    lot = traceability.get_object_or_raise(uow, data.lot_id) if data.lot_id else None
    if lot is not None and (lot.kind != "lot" or lot.item_id != item.id):
        raise MoveInvalid("the lot is not a lot of this item",
                          errors=[_problem("lot_id", "other item")])
    units = traceability.unit_facts(uow, unit_ids)
    wrong = [i for i in unit_ids if i not in units or units[i]["item_id"] != item.id
             or (lot is not None and units[i]["lot_id"] != lot.id)]
    if wrong:
        raise MoveInvalid(f"{len(wrong)} units are not serial units of {item.code}"
                          + (" in this lot" if lot else ""),
                          errors=[_problem("unit_ids", "other item")])
    if not purpose.any_stock:
        for facts in {(u["status"], u["expiry_date"]) for u in units.values()}:
            fake = type("Thing", (), {"status": facts[0], "expiry_date": facts[1]})()
            _check_issuable(uow, purpose, source, target, lot, fake)
    uow.session.flush()  # pending rows first: the ids reserved below follow theirs
    lock_ledger(uow)
    now = uow.now()
    if is_internal(source):
        _take_units(uow, source, item.id, unit_ids, now)
    if is_internal(target):
        _put_units(uow, target, item.id, unit_ids, units, now)
    moment = data.at or now
    table = StockMove.__table__
    conn = uow.session.connection()
    ids = bulk.reserve_ids(conn, table, len(unit_ids))  # type: ignore[arg-type]
    rows = [{"id": move_id, "item_id": item.id, "lot_id": units[u]["lot_id"], "unit_id": u,
             "thing_key": u, "quantity": Decimal(1), "entered_quantity": Decimal(1),
             "entered_uom": item.base_uom, "from_location_id": source.id,
             "to_location_id": target.id, "at": moment, "purpose": purpose.name,
             "reason_code": data.reason_code, "note": data.note or "", "doc": data.doc,
             "actor": actor.key, "request_id": uow.context.get("request_id"),
             "reverses_id": None, "recorded_at": now}
            for move_id, u in zip(ids, unit_ids, strict=True)]
    # on the connection, not the session: one statement for every ledger row (see above)
    bulk.insert_rows(conn, table, rows)  # type: ignore[arg-type]
    if journal:
        objects = traceability.objects_by_id(uow, unit_ids)
        parties = [traceability.Party("owning_party", data.partner_id)] if data.partner_id \
            else []
        traceability.record_event(
            uow, step=purpose.step, what=[objects[u] for u in unit_ids],
            at=moment.astimezone(uow.timezone), read_point=source.code,
            biz_location=target.code, doc=data.doc, location=target.code,
            sources=parties if purpose.step == "received" else [],
            destinations=parties if purpose.step == "shipped" else [],
            extra={"stock_moves": len(ids), "purpose": purpose.name, "from": source.code,
                   "to": target.code, "reason_code": data.reason_code,
                   "from_stock": is_internal(source), "to_stock": is_internal(target)})
    uow.publish(events.StockMovedInBulk(
        item_id=item.id, item=item.code, lot_id=lot.id if lot else None,
        lot=lot.code if lot else None, units=len(ids), uom=item.base_uom,
        from_location_id=source.id, from_location=source.code, to_location_id=target.id,
        to_location=target.code, purpose=purpose.name, doc=data.doc))
    return ids


def _take_units(uow: UnitOfWork, location: Location, item_id: int, unit_ids: list[int],
                now: Any) -> None:
    held: dict[int, Decimal] = {}
    conn = uow.session.connection()
    for among in bulk.among(conn, Balance.thing_key, unit_ids):
        for key, quantity in uow.session.execute(
                select(Balance.thing_key, Balance.quantity).where(
                    Balance.location_id == location.id, Balance.item_id == item_id,
                    among).with_for_update()):
            held[key] = quantity
    missing = [u for u in unit_ids if held.get(u, Decimal(0)) < 1]
    if missing:
        raise InsufficientStock(f"{location.code} does not hold {len(missing)} of the units",
                                available=str(len(unit_ids) - len(missing)),
                                requested=str(len(unit_ids)))
    for among in bulk.among(conn, Balance.thing_key, unit_ids):
        uow.session.execute(update(Balance).where(
            Balance.location_id == location.id, Balance.item_id == item_id,
            among).values(quantity=Balance.quantity - 1, updated_at=now)
            .execution_options(synchronize_session=False))


def _put_units(uow: UnitOfWork, location: Location, item_id: int, unit_ids: list[int],
               units: dict[int, dict[str, Any]], now: Any) -> None:
    existing: dict[int, Decimal] = {}
    conn = uow.session.connection()
    for among in bulk.among(conn, Balance.thing_key, unit_ids):
        # every row of these units, locked: held elsewhere (refused), here, or empty here
        for key, place, quantity in uow.session.execute(
                select(Balance.thing_key, Balance.location_id, Balance.quantity).where(
                    Balance.item_id == item_id, among).with_for_update()):
            if quantity > 0:
                raise MoveInvalid(
                    "a serial unit is already here" if place == location.id
                    else "a serial unit is at another location",
                    errors=[_problem("unit_ids", "already here" if place == location.id
                                     else "in another place")])
            if place == location.id:
                existing[key] = quantity
    if existing:
        for among in bulk.among(conn, Balance.thing_key, list(existing)):
            uow.session.execute(update(Balance).where(
                Balance.location_id == location.id, Balance.item_id == item_id,
                among).values(quantity=Decimal(1), updated_at=now)
                .execution_options(synchronize_session=False))
    fresh = [{"location_id": location.id, "item_id": item_id, "thing_key": u,
              "lot_id": units[u]["lot_id"], "unit_id": u, "quantity": Decimal(1),
              "updated_at": now} for u in unit_ids if u not in existing]
    if fresh:
        conn = uow.session.connection()
        for row, balance_id in zip(fresh, bulk.reserve_ids(conn, Balance.__table__,  # type: ignore[arg-type]
                                                           len(fresh)), strict=True):
            row["id"] = balance_id
        bulk.insert_rows(conn, Balance.__table__, fresh)  # type: ignore[arg-type]
