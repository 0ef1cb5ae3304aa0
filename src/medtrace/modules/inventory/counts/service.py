"""Cycle counts and stocktakes: count sheets for a location subtree, counted blind, whose
variances are posted as adjustment moves once someone other than the counters approves them.

- ``create_count_sheet`` snapshots, per (location, item, lot or unit) with stock in the subtree
  (of the chosen items), the quantity on the ledger; the sheet remembers the last stock move
  that snapshot includes.
- ``start_counting`` opens it for counting; ``enter_counts`` records counted quantities (also
  stock found that is not on the sheet); counters never see expected quantities.
- ``submit_count_sheet`` computes each line's variance against the *book quantity at the
  moment it was counted*: the snapshot plus the moves posted on that line's balance between the
  snapshot and the count. Stock may keep moving during a count; what moved before a line was
  counted is allowed for, what moves afterwards stays untouched by the adjustment.
- ``approve_count_sheet`` (``inventory.stock.adjust``, not a counter or the submitter, with a
  reason) posts one ``adjustment`` move per non-zero variance from or to the virtual adjustment
  location, all in the caller's transaction; ``reject_count_sheet`` posts nothing.

Writers take the ledger lock exclusively before reading the ledger's last move: every stock
move takes it shared first, so no move is half-committed while a snapshot or a count is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from medtrace.modules import catalog, traceability
from medtrace.modules.inventory import queries, rules, service
from medtrace.modules.inventory.counts import rules as count_rules
from medtrace.modules.inventory.counts.errors import (
    CountApprovalRefused,
    CountIncomplete,
    CountInvalid,
    CountSheetNotFound,
    CountStatusRefused,
)
from medtrace.modules.inventory.counts.models import CountLine, CountSheet
from medtrace.modules.inventory.errors import LocationNotFound
from medtrace.modules.inventory.models import Balance, Location, StockMove
from medtrace.modules.inventory.permissions import COUNT_MANAGE, COUNT_PERFORM, STOCK_ADJUST
from medtrace.modules.inventory.schemas import MoveCreate
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork

ADJUSTMENT_REASON_CODE = "count"


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _actor(uow: UnitOfWork) -> Actor:
    return uow.context.get("actor") or SYSTEM


def _ledger_mark(uow: UnitOfWork) -> int:
    """The last committed stock move, read under the ledger lock every move takes first (so no
    move below it can still commit later)."""
    service.lock_ledger(uow, exclusive=True)
    return uow.session.scalar(select(func.max(StockMove.id))) or 0


def ensure_may_view(actor: Actor | None) -> None:
    """Sheets (without expected quantities) are seen by counters, count managers and
    approvers."""
    if actor is None or not any(actor.can(p) for p in (COUNT_PERFORM, COUNT_MANAGE,
                                                        STOCK_ADJUST)):
        raise Forbidden(permission=COUNT_PERFORM)


def get_count_sheet_or_raise(uow: UnitOfWork, sheet_id: int, *, fresh: bool = False
                             ) -> CountSheet:
    query = select(CountSheet).where(CountSheet.id == sheet_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    sheet = uow.session.scalars(query).first()
    if sheet is None:
        raise CountSheetNotFound(f"no count sheet {sheet_id}")
    return sheet


def _ensure(action: str, sheet: CountSheet) -> None:
    why = count_rules.refused_action(action, sheet.status)
    if why:
        raise CountStatusRefused(why, status=sheet.status)


def _lines(uow: UnitOfWork, sheet: CountSheet) -> list[CountLine]:
    return list(uow.session.scalars(select(CountLine).where(CountLine.sheet_id == sheet.id)
                                    .order_by(CountLine.id)))


# --- creating and starting -----------------------------------------------------------------
def create_count_sheet(uow: UnitOfWork, *, location: int | str,
                       item_ids: list[int] | None = None, note: str = "") -> CountSheet:
    """A draft sheet with one line per (location, item, lot or unit) holding stock in the
    location's subtree (only of ``item_ids`` when given), expected quantities snapshotted."""
    root = service.get_location_or_raise(uow, location)
    if root.kind == "virtual":
        raise CountInvalid(f"{root.code} is a virtual location; count a site, warehouse, zone "
                           "or bin", errors=[_problem("location", "virtual")])
    wanted = sorted({catalog.get_item_or_raise(uow, i).id for i in item_ids or []})
    mark = _ledger_mark(uow)
    places = _holding_places(uow, root)
    query = select(Balance).where(Balance.quantity > 0,
                                  Balance.location_id.in_(sorted(places)))
    if wanted:
        query = query.where(Balance.item_id.in_(wanted))
    actor = _actor(uow)
    now = uow.now()
    sheet = CountSheet(location_id=root.id, item_ids=wanted, status=count_rules.DRAFT,
                       note=(note or "").strip(), snapshot_move_id=mark, snapshot_at=now,
                       created_by=actor.key, created_at=now)
    uow.session.add(sheet)
    uow.session.flush()
    order = (Balance.location_id, Balance.item_id, Balance.thing_key)
    for balance in uow.session.scalars(query.order_by(*order)):
        uow.session.add(CountLine(sheet_id=sheet.id, location_id=balance.location_id,
                                  item_id=balance.item_id, lot_id=balance.lot_id,
                                  unit_id=balance.unit_id, thing_key=balance.thing_key,
                                  expected=balance.quantity, found=False))
    uow.session.flush()
    return sheet


def _holding_places(uow: UnitOfWork, root: Location) -> dict[int, Location]:
    """The stock-holding locations of the subtree, by id."""
    ids = queries.subtree_ids(uow, root)
    rows = uow.session.scalars(select(Location).where(Location.id.in_(ids)))
    return {row.id: row for row in rows if service.is_internal(row)}


def start_counting(uow: UnitOfWork, sheet_id: int) -> CountSheet:
    service.lock_ledger(uow, exclusive=True)
    sheet = get_count_sheet_or_raise(uow, sheet_id, fresh=True)
    _ensure("start", sheet)
    sheet.status = count_rules.COUNTING
    sheet.started_by, sheet.started_at = _actor(uow).key, uow.now()
    uow.session.flush()
    return sheet


# --- counting --------------------------------------------------------------------------------
@dataclass
class CountEntry:
    """A counted quantity: of a line of the sheet (``line_id``), or of a place, item and lot or
    serial unit (a line of the sheet when there is one, else stock found that was not on it)."""

    quantity: Decimal
    line_id: int | None = None
    location: int | str | None = None
    item_id: int | None = None
    lot_id: int | None = None
    unit_id: int | None = None
    uom: str | None = None


def enter_counts(uow: UnitOfWork, sheet_id: int, entries: list[CountEntry]) -> CountSheet:
    """Record counted quantities (a later entry for the same line replaces the earlier one;
    the audit trail keeps both). All or nothing: any invalid entry refuses them all."""
    mark = _ledger_mark(uow)
    sheet = get_count_sheet_or_raise(uow, sheet_id, fresh=True)
    _ensure("count", sheet)
    lines = _lines(uow, sheet)
    by_id = {line.id: line for line in lines}
    by_key = {(line.location_id, line.item_id, line.thing_key): line for line in lines}
    root = uow.session.get(Location, sheet.location_id)
    assert root is not None
    places = _holding_places(uow, root)
    actor, now = _actor(uow), uow.now()
    problems: list[dict[str, str]] = []
    for n, entry in enumerate(entries):
        field = f"entries[{n}]"
        try:
            line = by_id.get(entry.line_id) if entry.line_id is not None else None
            if entry.line_id is not None and line is None:
                raise _EntryProblem("line_id", "not a line of this sheet")
            if line is None:
                line = _line_for(uow, sheet, entry, places, by_key)
            quantity = _counted_quantity(uow, line, entry)
        except _EntryProblem as problem:
            problems.append(_problem(f"{field}.{problem.field}", problem.message))
            continue
        line.counted, line.counted_by, line.counted_at = quantity, actor.key, now
        line.counted_move_id = mark
    if problems:
        raise CountInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                           errors=problems)
    uow.session.flush()
    return sheet


class _EntryProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _line_for(uow: UnitOfWork, sheet: CountSheet, entry: CountEntry,
              places: dict[int, Location], by_key: dict[tuple[int, int, int], CountLine]
              ) -> CountLine:
    """The sheet's line for the entry's place and thing, or a new line of found stock."""
    if entry.location is None or entry.item_id is None:
        raise _EntryProblem("line_id", "give the line, or the location and the item")
    try:
        place = service.get_location_or_raise(uow, entry.location)
    except LocationNotFound:
        raise _EntryProblem("location", "unknown") from None
    if place.id not in places:
        raise _EntryProblem("location", "not a stock-holding location of this sheet")
    item = catalog.get_item(uow, entry.item_id)
    if item is None:
        raise _EntryProblem("item_id", "unknown")
    if sheet.item_ids and item.id not in sheet.item_ids:
        raise _EntryProblem("item_id", "not counted on this sheet")
    lot, unit = _things(uow, item, entry)
    thing_key = unit.id if unit else (lot.id if lot else 0)
    line = by_key.get((place.id, item.id, thing_key))
    if line is None:
        line = CountLine(sheet_id=sheet.id, location_id=place.id, item_id=item.id,
                         lot_id=lot.id if lot else None, unit_id=unit.id if unit else None,
                         thing_key=thing_key, expected=Decimal(0), found=True)
        uow.session.add(line)
        by_key[(place.id, item.id, thing_key)] = line
    return line


def _things(uow: UnitOfWork, item: Any, entry: CountEntry) -> tuple[Any, Any]:
    lot = unit = None
    if entry.unit_id is not None:
        unit = traceability.get_object(uow, entry.unit_id)
        if unit is None or unit.kind != "unit" or unit.item_id != item.id:
            raise _EntryProblem("unit_id", "not a serial unit of this item")
        lot = traceability.get_object(uow, unit.lot_id) if unit.lot_id else None
    elif catalog.tracks_serial(item.tracking):
        raise _EntryProblem("unit_id", "required: the item is tracked by serial")
    if entry.lot_id is not None:
        given = traceability.get_object(uow, entry.lot_id)
        if given is None or given.kind != "lot" or given.item_id != item.id:
            raise _EntryProblem("lot_id", "not a lot of this item")
        if lot is not None and lot.id != given.id:
            raise _EntryProblem("lot_id", "the serial unit is not of this lot")
        lot = given
    elif catalog.tracks_lot(item.tracking) and unit is None:
        raise _EntryProblem("lot_id", "required: the item is tracked by lot")
    return lot, unit


def _counted_quantity(uow: UnitOfWork, line: CountLine, entry: CountEntry) -> Decimal:
    item = catalog.get_item_or_raise(uow, line.item_id)
    try:
        entered = to_quantity(entry.quantity)
    except (ValueError, TypeError):
        raise _EntryProblem("quantity", "not an exact number") from None
    if entered < 0:
        raise _EntryProblem("quantity", "negative")
    uom = (entry.uom or item.base_uom).upper()
    try:
        base = catalog.to_base_quantity(uow, item.id, entered, uom)
    except catalog.UnknownUnit:
        raise _EntryProblem("uom", "not a unit of this item") from None
    problem = rules.whole_or_exact(base, item.base_uom)
    if problem:
        raise _EntryProblem("quantity", problem)
    if line.unit_id is not None and base > 1:
        raise _EntryProblem("quantity", "0 or 1 for a serial unit")
    return base


# --- submitting, approving, rejecting --------------------------------------------------------
def submit_count_sheet(uow: UnitOfWork, sheet_id: int) -> CountSheet:
    """Close counting and compute each line's book quantity and variance."""
    service.lock_ledger(uow, exclusive=True)
    sheet = get_count_sheet_or_raise(uow, sheet_id, fresh=True)
    _ensure("submit", sheet)
    lines = _lines(uow, sheet)
    left = [line.id for line in lines if line.counted is None]
    if left:
        raise CountIncomplete(f"{len(left)} line(s) not counted", lines=left)
    moves = _moves_since_snapshot(uow, sheet, lines)
    for line in lines:
        assert line.counted is not None and line.counted_move_id is not None
        line.book = count_rules.book_quantity(
            expected=line.expected, location_id=line.location_id, item_id=line.item_id,
            thing_key=line.thing_key, snapshot_move_id=sheet.snapshot_move_id,
            counted_move_id=line.counted_move_id, moves=moves)
        line.variance = line.counted - line.book
    sheet.status = count_rules.SUBMITTED
    sheet.submitted_by, sheet.submitted_at = _actor(uow).key, uow.now()
    uow.session.flush()
    return sheet


def _moves_since_snapshot(uow: UnitOfWork, sheet: CountSheet, lines: list[CountLine]
                          ) -> list[count_rules.LedgerMove]:
    if not lines:
        return []
    places = sorted({line.location_id for line in lines})
    last = max(line.counted_move_id or 0 for line in lines)
    query = select(StockMove.id, StockMove.item_id, StockMove.thing_key,
                   StockMove.from_location_id, StockMove.to_location_id,
                   StockMove.quantity).where(
        StockMove.id > sheet.snapshot_move_id, StockMove.id <= last,
        or_(StockMove.from_location_id.in_(places), StockMove.to_location_id.in_(places)))
    if sheet.item_ids:
        query = query.where(StockMove.item_id.in_(sheet.item_ids))
    return [count_rules.LedgerMove(*row) for row in uow.session.execute(query)]


def _adjustment_location(uow: UnitOfWork, ref: int | str | None) -> Location:
    if ref is not None:
        found = service.get_location_or_raise(uow, ref)
    else:
        found = uow.session.scalars(select(Location).where(
            Location.kind == "virtual", Location.role == "adjustment",
            Location.active.is_(True)).order_by(Location.id)).first()
    if found is None or found.kind != "virtual" or found.role != "adjustment":
        raise CountInvalid("an approval posts to a virtual location with the role adjustment",
                           errors=[_problem("adjustment_location", "none such")])
    return found


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise CountInvalid("a reason is required", errors=[_problem("reason", "required")])
    return text[:500]


def approve_count_sheet(uow: UnitOfWork, sheet_id: int, *, reason: str,
                        adjustment_location: int | str | None = None) -> CountSheet:
    """Post the variances as adjustment moves (one per line that differs) and approve."""
    why = _reason(reason)
    actor = _actor(uow)
    service.lock_ledger(uow, exclusive=True)
    sheet = get_count_sheet_or_raise(uow, sheet_id, fresh=True)
    _ensure("approve", sheet)
    if actor.kind != "user":
        raise CountApprovalRefused("only a person approves a count", reason="not a person")
    lines = _lines(uow, sheet)
    counters = {line.counted_by for line in lines if line.counted_by}
    if actor.key in counters or actor.key == sheet.submitted_by:
        raise CountApprovalRefused("whoever counted or submitted a sheet cannot approve it",
                                   reason="counted or submitted")
    if not actor.can(STOCK_ADJUST):  # approving posts adjustments
        raise Forbidden(permission=STOCK_ADJUST)
    adjustment = _adjustment_location(uow, adjustment_location)
    uow.context.setdefault("reason", why)
    for line in lines:
        if not line.variance:
            continue
        gain = line.variance > 0
        move = service.post_move(uow, move=MoveCreate(
            item_id=line.item_id, quantity=abs(line.variance),
            from_location=adjustment.id if gain else line.location_id,
            to_location=line.location_id if gain else adjustment.id,
            purpose="adjustment", lot_id=line.lot_id, unit_id=line.unit_id,
            reason_code=ADJUSTMENT_REASON_CODE, note=why[:1000], doc=sheet.number),
            actor=actor)
        line.adjustment_move_id = move.id
    sheet.status = count_rules.APPROVED
    sheet.decided_by, sheet.decided_at, sheet.decision_reason = actor.key, uow.now(), why
    uow.session.flush()
    return sheet


def reject_count_sheet(uow: UnitOfWork, sheet_id: int, *, reason: str) -> CountSheet:
    """Close the sheet without touching stock (count again on a new sheet)."""
    why = _reason(reason)
    service.lock_ledger(uow, exclusive=True)
    sheet = get_count_sheet_or_raise(uow, sheet_id, fresh=True)
    _ensure("reject", sheet)
    uow.context.setdefault("reason", why)
    sheet.status = count_rules.REJECTED
    sheet.decided_by, sheet.decided_at, sheet.decision_reason = _actor(uow).key, uow.now(), why
    uow.session.flush()
    return sheet


# --- reading -----------------------------------------------------------------------------------
def list_count_sheets(uow: UnitOfWork, *, status: str | None = None,
                      location: Location | None = None, limit: int = 50, offset: int = 0
                      ) -> tuple[list[dict[str, Any]], int]:
    query = select(CountSheet)
    if status:
        query = query.where(CountSheet.status == status)
    if location is not None:
        query = query.where(CountSheet.location_id == location.id)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    sheets = list(uow.session.scalars(query.order_by(CountSheet.id.desc()).limit(limit)
                                      .offset(offset)))
    progress: dict[int, tuple[int, int]] = {}
    if sheets:
        counted = func.count(CountLine.counted)
        for sheet_id, lines, done in uow.session.execute(
                select(CountLine.sheet_id, func.count(), counted)
                .where(CountLine.sheet_id.in_([s.id for s in sheets]))
                .group_by(CountLine.sheet_id)):
            progress[sheet_id] = (lines, done)
    codes = _location_codes(uow)
    return [{**_header(sheet, codes), "lines": progress.get(sheet.id, (0, 0))[0],
             "counted": progress.get(sheet.id, (0, 0))[1]} for sheet in sheets], total


def _location_codes(uow: UnitOfWork) -> dict[int, str]:
    query = select(Location.id, Location.code)
    return {row_id: code for row_id, code in uow.session.execute(query)}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _header(sheet: CountSheet, codes: dict[int, str]) -> dict[str, Any]:
    return {"id": sheet.id, "number": sheet.number, "status": sheet.status,
            "location": codes.get(sheet.location_id), "location_id": sheet.location_id,
            "item_ids": list(sheet.item_ids or []), "note": sheet.note,
            "created_by": sheet.created_by, "created_at": _iso(sheet.created_at),
            "started_by": sheet.started_by, "started_at": _iso(sheet.started_at),
            "submitted_by": sheet.submitted_by, "submitted_at": _iso(sheet.submitted_at),
            "decided_by": sheet.decided_by, "decided_at": _iso(sheet.decided_at),
            "decision_reason": sheet.decision_reason}


def _thing(uow: UnitOfWork, known: dict[tuple[str, int], Any], thing_id: int | None) -> Any:
    if thing_id is None:
        return None
    if ("thing", thing_id) not in known:
        known[("thing", thing_id)] = traceability.get_object(uow, thing_id)
    return known[("thing", thing_id)]


def _line_base(uow: UnitOfWork, line: CountLine, codes: dict[int, str],
               known: dict[tuple[str, int], Any]) -> dict[str, Any]:
    """``known`` keeps the items and lots already read (the session holds them weakly)."""
    item = known.get(("item", line.item_id))
    if item is None:
        item = known[("item", line.item_id)] = catalog.get_item_or_raise(uow, line.item_id)
    lot, unit = (_thing(uow, known, thing_id) for thing_id in (line.lot_id, line.unit_id))
    return {"id": line.id, "location": codes.get(line.location_id),
            "location_id": line.location_id, "item": item.code, "item_id": item.id,
            "lot": lot.code if lot else None, "lot_id": line.lot_id,
            "serial": unit.code if unit else None, "unit_id": line.unit_id,
            "uom": item.base_uom, "found": line.found,
            "counted": None if line.counted is None else str(line.counted),
            "counted_by": line.counted_by, "counted_at": _iso(line.counted_at)}


def blind_view(uow: UnitOfWork, sheet: CountSheet) -> dict[str, Any]:
    """The sheet as counters see it: what to count and what was counted, never what the
    ledger expects."""
    codes = _location_codes(uow)
    known: dict[tuple[str, int], Any] = {}
    lines = [_line_base(uow, line, codes, known) for line in _lines(uow, sheet)]
    return {**_header(sheet, codes), "lines": lines,
            "progress": {"lines": len(lines),
                         "counted": sum(1 for line in lines if line["counted"] is not None)}}


def review_view(uow: UnitOfWork, sheet: CountSheet) -> dict[str, Any]:
    """The sheet with expected and book quantities and variances, once counting is over."""
    if sheet.submitted_at is None:
        raise CountStatusRefused("expected quantities are shown once the sheet is submitted",
                                 status=sheet.status)
    codes = _location_codes(uow)
    known: dict[tuple[str, int], Any] = {}
    lines = []
    for line in _lines(uow, sheet):
        lines.append({**_line_base(uow, line, codes, known), "expected": str(line.expected),
                      "book": None if line.book is None else str(line.book),
                      "variance": None if line.variance is None else str(line.variance),
                      "adjustment_move_id": line.adjustment_move_id})
    differing = sum(1 for line in lines if line["variance"] is not None
                    and Decimal(line["variance"]) != 0)
    return {**_header(sheet, codes), "lines": lines,
            "summary": {"lines": len(lines), "with_variance": differing}}
