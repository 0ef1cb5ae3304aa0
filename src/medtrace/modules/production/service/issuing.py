"""Issuing scanned components, one or many at once, with every check of ``material`` and the
same writes, set-based: an MES or a handheld posts one scan, a line controller a thousand, and
both take this path.

Per call: the scans are read once (GS1, HIBCC, ICCBBA, or a number as printed) and the items
looked up once per GTIN; the units with one query per thousand; every scan is checked against
the BOM version (component or approved substitute), its status and expiry (and its lot's), a
serial consumed before or twice in the call; then the stock moves (one set-based move per item,
lot and location for serial units, one move per lot scan), one ``consumed`` journal event per
product (the output lot, or each output unit for per-unit issues), the genealogy links in one
insert, the issue records, and the work order's allocations. A refusal of any scan leaves
nothing behind. Up to ``AUDITED_BATCH`` scans the issue records go through the session (each in
the audit trail); a larger batch inserts them set-based, recorded by its journal event, which
names every unit, and its stock moves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production import events
from medtrace.modules.production.errors import (
    ComponentNotIssuable,
    IssueInvalid,
    SerialConsumed,
)
from medtrace.modules.production.models import Allocation, Issue, WorkOrder
from medtrace.modules.production.permissions import ORDER_EXECUTE
from medtrace.modules.production.schemas import IssueCreate
from medtrace.modules.production.service.masterdata import ensure_may, problem
from medtrace.modules.production.service.material import Match, matcher, output_unit
from medtrace.modules.production.service.orders import (
    ensure_running,
    get_work_order_or_raise,
    start_if_released,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db import bulk
from medtrace.platform.db.uow import UnitOfWork
from medtrace.standards.udi import parse_udi

AUDITED_BATCH = 50


@dataclass
class _Line:
    index: int
    data: IssueCreate
    thing: dict[str, Any]
    item: Any
    match: Match
    uom: str
    base: Decimal
    lot_id: int | None = None
    unit_id: int | None = None
    target_id: int | None = None
    location: Any = None
    move_id: int | None = None


def _where(index: int, name: str, many: bool) -> str:
    return f"scans.{index}.{name}" if many else name


class _Reader:
    """Finds what scans name, with one look-up per GTIN and one query per thousand units."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items: dict[str, Any] = {}

    def item_of_gtin(self, gtin: str) -> Any | None:
        if gtin not in self.items:
            found = catalog.find_by_gtin(self.uow, gtin)
            self.items[gtin] = found[0] if found else None
        return self.items[gtin]

    def read(self, scans: list[IssueCreate], many: bool) -> list[dict[str, Any]]:
        parsed = [parse_udi(s.scan) for s in scans]
        wanted: dict[int, list[str]] = defaultdict(list)
        for result in parsed:
            item = self.item_of_gtin(result.gtin) if result.gtin else None
            if item is not None and result.serial:
                wanted[item.id].append(result.serial)
        units: dict[tuple[int, str], int] = {}
        for item_id, serials in wanted.items():
            for serial, (unit_id, _lot) in traceability.units_by_serial(
                    self.uow, item_id, serials).items():
                units[(item_id, serial)] = unit_id
        ids: list[int] = []
        for index, (scan, result) in enumerate(zip(scans, parsed, strict=True)):
            item = self.item_of_gtin(result.gtin) if result.gtin else None
            found = None
            if item is not None and result.serial:
                found = units.get((item.id, result.serial))
            elif item is not None and result.lot:
                lot = traceability.find(self.uow, "lot", result.lot, item.id)
                found = lot.id if lot else None
            if found is None:
                found = self._one(scan.scan, index, many)
            ids.append(found)
        rows = traceability.unit_rows(self.uow, [i for i in ids if isinstance(i, int)])
        return [rows[i] if isinstance(i, int) else i for i in ids]

    def _one(self, scan: str, index: int, many: bool) -> int | dict[str, Any]:
        """A scan the fast path did not find: read it the general way (HIBCC, ICCBBA, a
        number as printed), or name the item when only the item is known."""
        field = _where(index, "scan", many)
        try:
            thing = traceability.resolve(self.uow, scan)
        except traceability.TraceCodeAmbiguous:
            raise IssueInvalid("the number belongs to several items: scan the UDI",
                               errors=[problem(field, "ambiguous")]) from None
        except (traceability.TraceNotFound, traceability.TraceInvalid):
            item = catalog.resolve_udi(self.uow, scan).get("item")
            if item:
                return {"unknown": True, "item_id": item["id"]}
            raise IssueInvalid("nothing recorded carries this code",
                               errors=[problem(field, "unknown lot or serial")]) from None
        if thing.kind == "container":
            raise IssueInvalid("scan the lot or unit, not its case",
                               errors=[problem(field, "a container")])
        return thing.id


def issue_materials(uow: UnitOfWork, *, ref: str, scans: list[IssueCreate], actor: Actor
                    ) -> list[Issue | int]:
    """Issue the scanned components to a running work order (see the module docstring). The
    issue records (the ORM rows up to ``AUDITED_BATCH`` scans, else their ids), in order."""
    ensure_may(actor, ORDER_EXECUTE)
    if not scans:
        raise IssueInvalid("no scan", errors=[problem("scans", "required")])
    order = get_work_order_or_raise(uow, ref, lock=True)
    ensure_running(order)
    many = len(scans) > 1
    things = _Reader(uow).read(scans, many)
    match = matcher(uow, order)
    lines = [_check(uow, order, index, data, thing, match(thing["item_id"], index, many), many)
             for index, (data, thing) in enumerate(zip(scans, things, strict=True))]
    _check_serials(uow, lines, many)
    _locate(uow, order, lines, many)
    _targets(uow, order, lines)
    _move(uow, order, lines, actor, many)
    records = _journal_and_record(uow, order, lines, actor)
    _consume_allocations(uow, order, lines)
    start_if_released(uow, order)
    uow.flush()
    groups: dict[tuple[int, int | None, bool], list[_Line]] = defaultdict(list)
    for line in lines:
        groups[(line.item.id, line.lot_id, line.match.substitute is not None)].append(line)
    for (item_id, lot_id, substitute), members in groups.items():
        uow.publish(events.MaterialIssued(
            work_order=order.number, item_id=item_id, lot_id=lot_id,
            unit_id=members[0].unit_id if len(members) == 1 else None,
            quantity=sum((m.base for m in members), Decimal(0)), substitute=substitute,
            units=sum(1 for m in members if m.unit_id)))
    return records


def _check(uow: UnitOfWork, order: WorkOrder, index: int, data: IssueCreate,
           thing: dict[str, Any], match: Match, many: bool) -> _Line:
    scan_field = _where(index, "scan", many)
    if thing.get("unknown"):
        raise IssueInvalid("this lot or serial of the component is not recorded",
                           errors=[problem(scan_field, "unknown lot or serial")])
    item = catalog.get_item_or_raise(uow, thing["item_id"])
    uom = (data.uom or item.base_uom).strip().upper()
    try:
        base = catalog.factor_of(item, uom) * data.quantity
    except catalog.UnknownUnit:
        raise IssueInvalid("not a unit of the item",
                           errors=[problem(_where(index, "uom", many),
                                           "not a unit of the item")]) from None
    line = _Line(index, data, thing, item, match, uom, base)
    today = uow.today()
    lot = None
    if thing["kind"] == "unit":
        line.unit_id = thing["id"]
        line.lot_id = thing["lot_id"]
        if base != 1:
            raise IssueInvalid("a serial unit is issued as one piece",
                               errors=[problem(_where(index, "quantity", many),
                                               "1 for a serial unit")])
        if thing["lot_id"]:
            lot = traceability.get_object_or_raise(uow, thing["lot_id"])
    else:
        line.lot_id = thing["id"]
        if catalog.tracks_serial(item.tracking):
            raise IssueInvalid(f"{item.code} is serialized: scan the unit",
                               errors=[problem(scan_field, "scan the serial")])
    for status, expiry, code in ((thing["status"], thing["expiry_date"], thing["code"]),
                                 (lot.status, lot.expiry_date, lot.code) if lot else
                                 (None, None, None)):
        if status is not None and status not in traceability.ISSUABLE_STATUSES:
            raise ComponentNotIssuable(f"{code} is {status}",
                                       errors=[problem(scan_field, status)], reason=status)
        if expiry is not None and expiry < today:
            raise ComponentNotIssuable(f"{code} expired on {expiry}",
                                       errors=[problem(scan_field, "expired")],
                                       reason="expired")
    return line


def _check_serials(uow: UnitOfWork, lines: list[_Line], many: bool) -> None:
    """A serial unit goes into one product only: refused when consumed before (its state, or
    an issue not returned) or scanned twice in this call."""
    unit_ids = [line.unit_id for line in lines if line.unit_id]
    if not unit_ids:
        return
    conn = uow.session.connection()
    issued: set[int] = set()
    for among in bulk.among(conn, Issue.__table__.c.unit_id, unit_ids):
        issued.update(row.unit_id for row in conn.execute(
            select(Issue.__table__.c.unit_id).where(among).group_by(Issue.__table__.c.unit_id)
            .having(func.sum(Issue.__table__.c.base_quantity) > 0)))
    seen: set[int] = set()
    for line in lines:
        if line.unit_id is None:
            continue
        if line.unit_id in seen or line.unit_id in issued or line.thing["state"] == "consumed":
            raise SerialConsumed(f"serial {line.thing['code']} of {line.item.code} is already "
                                 "consumed", errors=[problem(_where(line.index, "scan", many),
                                                             "consumed")])
        seen.add(line.unit_id)


def _locate(uow: UnitOfWork, order: WorkOrder, lines: list[_Line], many: bool) -> None:
    places: dict[Any, Any] = {}
    for line in lines:
        ref = line.data.location or order.line_location_id
        if ref is None:
            raise IssueInvalid("the work order has no line location",
                               errors=[problem(_where(line.index, "location", many),
                                               "required")])
        if ref not in places:
            try:
                places[ref] = inventory.get_location_or_raise(uow, ref)
            except inventory.LocationNotFound:
                raise IssueInvalid("unknown location", errors=[
                    problem(_where(line.index, "location", many), "unknown location")]
                ) from None
        line.location = places[ref]


def _targets(uow: UnitOfWork, order: WorkOrder, lines: list[_Line]) -> None:
    units: dict[str, int] = {}
    for line in lines:
        serial = line.data.output_serial
        if serial:
            if serial not in units:
                units[serial] = output_unit(uow, order, serial, "output_serial").id
            line.target_id = units[serial]
        else:
            line.target_id = order.output_lot_id


def _not_issuable(line: _Line, exc: Exception, many: bool) -> ComponentNotIssuable:
    where = _where(line.index, "scan", many)
    if isinstance(exc, inventory.InsufficientStock):
        return ComponentNotIssuable(
            f"{line.thing['code']} is not in stock at {line.location.code}",
            errors=[problem(where, "not in stock at the line", location=line.location.code)],
            reason="not in stock", available=exc.extra.get("available"))
    reason = getattr(exc, "extra", {}).get("reason", "")
    return ComponentNotIssuable(f"{line.thing['code']}: {reason}",
                                errors=[problem(where, reason)], reason=reason)


def _move(uow: UnitOfWork, order: WorkOrder, lines: list[_Line], actor: Actor,
          many: bool) -> None:
    production = inventory.virtual_location(uow, "production").code
    groups: dict[tuple[int, int | None, int], list[_Line]] = defaultdict(list)
    for line in lines:
        if line.unit_id is not None:
            groups[(line.item.id, line.lot_id, line.location.id)].append(line)
            continue
        try:
            line.move_id = inventory.post_move(uow, actor=actor, journal=False,
                                               move=inventory.MoveCreate(
                item_id=line.item.id, quantity=line.base, uom=line.item.base_uom,
                from_location=line.location.code, to_location=production, purpose="issue",
                lot_id=line.lot_id, doc=order.number)).id
        except (inventory.InsufficientStock, inventory.LotNotIssuable) as exc:
            raise _not_issuable(line, exc, many) from None
    for (item_id, lot_id, _place), members in groups.items():
        try:
            ids = inventory.post_moves(uow, actor=actor, journal=False,
                                       moves=inventory.BulkMoveCreate(
                item_id=item_id, from_location=members[0].location.code,
                to_location=production, purpose="issue", lot_id=lot_id,
                unit_ids=[m.unit_id for m in members], doc=order.number))
        except (inventory.InsufficientStock, inventory.LotNotIssuable) as exc:
            raise _not_issuable(members[0], exc, many) from None
        for member, move_id in zip(members, ids, strict=True):
            member.move_id = move_id


def _journal_and_record(uow: UnitOfWork, order: WorkOrder, lines: list[_Line],
                        actor: Actor) -> list[Issue | int]:
    """One ``consumed`` event per product the components go into, the genealogy links, and
    the issue records."""
    by_target: dict[tuple[int | None, int], list[_Line]] = defaultdict(list)
    for line in lines:
        by_target[(line.target_id, line.location.id)].append(line)
    edges: dict[int, int] = {}
    production = inventory.virtual_location(uow, "production").code
    for (target_id, _place), members in by_target.items():
        inputs = [traceability.Part(traceability.ThingRef(m.unit_id or m.lot_id, "unit"
                                                          if m.unit_id else "lot"),
                                    None if m.unit_id else m.base,
                                    None if m.unit_id else m.item.base_uom)
                  for m in members]
        outputs = [traceability.ThingRef(target_id, "unit" if target_id != order.output_lot_id
                                         else "lot")] if target_id else []
        event = traceability.record_event(
            uow, step="consumed", inputs=inputs, outputs=outputs,  # type: ignore[arg-type]
            doc=order.number, read_point=members[0].location.code, biz_location=production,
            extra={"work_order": order.number, "stock_moves": len(members),
                   "substitute": any(m.match.substitute for m in members),
                   # the lots' quantities leave the line's stock (whereabouts by quantity)
                   "from_stock": True, "to_stock": False})
        if target_id is None:
            continue
        ids = traceability.link_many(uow, kind="production", doc=order.number, event=event,
                                     links=[(m.unit_id or m.lot_id, target_id,
                                             None if m.unit_id else m.base,
                                             None if m.unit_id else m.item.base_uom)
                                            for m in members])
        edges.update({m.index: edge for m, edge in zip(members, ids, strict=True)})
    now = uow.now()
    values = [{"work_order_id": order.id, "bom_line_id": line.match.line.id,
               "item_id": line.item.id, "lot_id": line.lot_id, "unit_id": line.unit_id,
               "quantity": line.data.quantity, "uom": line.uom, "base_quantity": line.base,
               "substitute": line.match.substitute is not None,
               "output_unit_id": line.target_id if line.data.output_serial else None,
               "location_id": line.location.id, "stock_move_id": line.move_id,
               "edge_id": edges.get(line.index), "scan": line.data.scan[:400],
               "returns_id": None, "reason": "", "actor": actor.name, "actor_id": actor.id,
               "at": now} for line in lines]
    if len(values) <= AUDITED_BATCH:
        rows = [Issue(**value) for value in values]
        uow.session.add_all(rows)
        uow.flush()
        return list(rows)
    conn = uow.session.connection()
    ids = bulk.reserve_ids(conn, Issue.__table__, len(values))  # type: ignore[arg-type]
    bulk.insert_rows(conn, Issue.__table__, [  # type: ignore[arg-type]
        {"id": issue_id, **value} for issue_id, value in zip(ids, values, strict=True)])
    return list(ids)


def _consume_allocations(uow: UnitOfWork, order: WorkOrder, lines: list[_Line]) -> None:
    """What was issued is no longer reserved: the allocations of the issued units at once,
    then, per BOM line, the line's lot allocations first expired first."""
    unit_ids = [line.unit_id for line in lines if line.unit_id]
    table = Allocation.__table__
    conn = uow.session.connection()
    for among in bulk.among(conn, table.c.unit_id, unit_ids):
        conn.execute(update(table).where(table.c.work_order_id == order.id, among)
                     .values(base_quantity=0))
    left: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.unit_id is None:
            left[line.match.line.id] += line.base
    for line_id, quantity in left.items():
        rows = list(uow.session.scalars(select(Allocation).where(
            Allocation.work_order_id == order.id, Allocation.bom_line_id == line_id,
            Allocation.unit_id.is_(None), Allocation.base_quantity > 0)
            .order_by(Allocation.id)))
        for allocation in rows:
            if quantity <= 0:
                break
            take = min(quantity, allocation.base_quantity)
            allocation.base_quantity -= take
            quantity -= take
