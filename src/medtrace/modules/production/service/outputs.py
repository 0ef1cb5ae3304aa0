"""Output: finished goods of a work order into quarantine, waiting for batch release. A
lot-tracked product adds a quantity to the work order's lot; a serialized product creates its
units (serials given, or numbered by the item's serial rule; a unit started by a per-unit issue
is finished), links the batch lot into each, moves them in one set-based move and journals
one ``produced`` event, whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production import events
from medtrace.modules.production.errors import OutputInvalid
from medtrace.modules.production.models import Label, Output, WorkOrder
from medtrace.modules.production.permissions import ORDER_EXECUTE
from medtrace.modules.production.schemas import LabelPrint, OutputCreate
from medtrace.modules.production.service.masterdata import ensure_may, problem
from medtrace.modules.production.service.orders import (
    ensure_running,
    get_work_order_or_raise,
    open_failures,
    start_if_released,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db import bulk
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.policy import define, get_setting

OUTPUT_LOCATION = define("production.output_location", str, "",
                         N_("Quarantine location finished goods go to (code)"))
MAX_SERIALS = 10_000


@dataclass
class OutputDone:
    order: WorkOrder
    lot: str | None
    serials: list[str]
    quantity: Decimal


def output_location(uow: UnitOfWork, code: str | None) -> Any:
    """Where finished goods wait for release: the location given, else the plant's setting,
    else the first quarantine location by code; it must be a quarantine location."""
    wanted = (code or "").strip() or get_setting(uow, OUTPUT_LOCATION)
    quarantine = inventory.locations_with_status(uow, "quarantine")
    if wanted:
        found = next((loc for loc in quarantine if loc.code == wanted), None)
        if found is None:
            raise OutputInvalid(f"{wanted} is not a quarantine location",
                                errors=[problem("location", "not a quarantine location")])
        return found
    if not quarantine:
        raise OutputInvalid("no quarantine location is set up",
                            errors=[problem("location", "not a quarantine location")])
    return quarantine[0]


def report_output(uow: UnitOfWork, *, ref: str, data: OutputCreate, actor: Actor) -> OutputDone:
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    ensure_running(order)
    if open_failures(uow, order.id):
        from medtrace.modules.production.errors import CheckBlocks

        raise CheckBlocks(f"{order.number} has a failed check without a disposition")
    item = catalog.get_item_or_raise(uow, order.item_id)
    location = output_location(uow, data.location)
    production = inventory.virtual_location(uow, "production")
    lot = traceability.get_object(uow, order.output_lot_id) if order.output_lot_id else None
    if catalog.tracks_serial(item.tracking):
        done = _serial_output(uow, order, item, data, lot, location, production, actor)
    else:
        done = _lot_output(uow, order, item, data, lot, location, production, actor)
    order.produced_quantity = order.produced_quantity + done.quantity
    start_if_released(uow, order)
    uow.flush()
    uow.publish(events.OutputReported(work_order=order.number, item_id=item.id,
                                      lot_id=order.output_lot_id, quantity=done.quantity,
                                      serials=len(done.serials)))
    return done


def _lot_output(uow: UnitOfWork, order: WorkOrder, item: Any, data: OutputCreate, lot: Any,
                location: Any, production: Any, actor: Actor) -> OutputDone:
    if data.serials:
        raise OutputInvalid(f"{item.code} is not serialized: give a quantity",
                            errors=[problem("serials", "product not serialized")])
    assert data.quantity is not None
    base = data.quantity
    if base != base.to_integral_value() and item.base_uom.upper() in ("EA", "PCS", "SET"):
        raise OutputInvalid("whole pieces only", errors=[problem("quantity", "whole pieces")])
    move = inventory.post_move(uow, move=inventory.MoveCreate(
        item_id=item.id, quantity=base, from_location=production.code, to_location=location.code,
        purpose="output", lot_id=lot.id if lot else None, doc=order.number), actor=actor,
        journal=False)
    if lot is not None:
        traceability.record_event(
            uow, step="produced", outputs=[traceability.Part(lot, base, item.base_uom)],
            doc=order.number, biz_location=location.code, location=location.code,
            extra={"work_order": order.number, "stock_move": move.id,
                   "from_stock": False, "to_stock": True})
    uow.session.add(Output(work_order_id=order.id, lot_id=lot.id if lot else None,
                           unit_id=None, base_quantity=base, location_id=location.id,
                           actor=actor.name, actor_id=actor.id, at=uow.now()))
    return OutputDone(order, lot.code if lot else None, [], base)


def _serial_output(uow: UnitOfWork, order: WorkOrder, item: Any, data: OutputCreate, lot: Any,
                   location: Any, production: Any, actor: Actor) -> OutputDone:
    serials = [s.strip() for s in data.serials]
    if not serials:
        assert data.quantity is not None
        count = data.quantity
        if count != count.to_integral_value() or count > MAX_SERIALS:
            raise OutputInvalid("a whole number of units, at most 10,000",
                                errors=[problem("quantity", "whole pieces")])
        serials = [traceability.next_serial(uow, item.id) for _ in range(int(count))]
    elif data.quantity is not None and data.quantity != len(serials):
        raise OutputInvalid("the quantity is not the number of serials",
                            errors=[problem("quantity", "not the number of serials")])
    if len(set(serials)) != len(serials):
        raise OutputInvalid("a serial is listed twice", errors=[problem("serials", "repeated")])
    started, new = _started_units(uow, order, item.id, serials)
    done_ids = set(uow.session.scalars(select(Output.unit_id).where(
        Output.work_order_id == order.id, Output.unit_id.in_(list(started.values()) or [0]))))
    if done_ids:
        raise OutputInvalid("a unit is reported already",
                            errors=[problem("serials", "already reported")])
    new_ids: list[int] = []
    if new:
        try:
            new_ids = traceability.create_units(uow, item_id=item.id, serials=new,
                                                lot_id=lot.id if lot else None,
                                                status="quarantine", origin="produced")
        except traceability.TraceNumberTaken as exc:
            raise OutputInvalid(str(exc), errors=[problem("serials", "serial taken")]) from None
        except traceability.TraceInvalid as exc:
            raise OutputInvalid(str(exc), errors=exc.errors) from None
        if lot is not None:
            traceability.link_batch(uow, lot_id=lot.id, unit_ids=new_ids, doc=order.number)
    unit_ids = [started.get(s) for s in serials]
    fresh = iter(new_ids)
    unit_ids = [u if u is not None else next(fresh) for u in unit_ids]
    inventory.post_moves(uow, moves=inventory.BulkMoveCreate(
        item_id=item.id, from_location=production.code, to_location=location.code,
        purpose="output", lot_id=lot.id if lot else None, unit_ids=unit_ids,
        doc=order.number), actor=actor, journal=False)
    traceability.record_event(uow, step="produced",
                              outputs=traceability.refs(unit_ids, "unit"),  # type: ignore[arg-type]
                              doc=order.number, biz_location=location.code,
                              location=location.code,
                              extra={"work_order": order.number, "units": len(unit_ids)})
    now = uow.now()
    bulk.insert_rows(uow.session.connection(), Output.__table__, [  # type: ignore[arg-type]
        {"work_order_id": order.id, "lot_id": lot.id if lot else None, "unit_id": unit_id,
         "base_quantity": Decimal(1), "location_id": location.id, "actor": actor.name,
         "actor_id": actor.id, "at": now} for unit_id in unit_ids])
    return OutputDone(order, lot.code if lot else None, serials, Decimal(len(serials)))


def _started_units(uow: UnitOfWork, order: WorkOrder, item_id: int, serials: list[str]
                   ) -> tuple[dict[str, int], list[str]]:
    """Units of these serials this work order started (a per-unit issue), and the new
    serials. A serial the item has outside this work order is refused."""
    started: dict[str, int] = {}
    new = []
    known = traceability.units_by_serial(uow, item_id, serials)
    for serial in serials:
        found = known.get(serial)
        if found is None:
            new.append(serial)
        elif order.output_lot_id is not None and found[1] == order.output_lot_id:
            started[serial] = found[0]
        else:
            raise OutputInvalid(f"serial {serial} exists outside {order.number}",
                                errors=[problem("serials", "serial taken", serial=serial)])
    return started, new



@dataclass
class PrintedLabel:
    udi: str
    item_id: int
    lot: str | None
    serial: str | None
    expiry: str | None
    production_date: str | None


def print_labels(uow: UnitOfWork, *, ref: str, data: LabelPrint, actor: Actor
                 ) -> list[PrintedLabel]:
    """The GS1 UDI of each output unit (or of the lot), composed by the catalog (the DataMatrix
    is drawn from it by ``GET /api/v1/items/{id}/label``), and a label record per unit."""
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref)
    item = catalog.get_item_or_raise(uow, order.item_id)
    lot = traceability.get_object(uow, order.output_lot_id) if order.output_lot_id else None
    expiry = lot.expiry_date.isoformat() if lot and lot.expiry_date else None
    made = lot.manufacture_date.isoformat() if lot and lot.manufacture_date else None
    if catalog.tracks_serial(item.tracking):
        produced = list(uow.session.scalars(select(Output.unit_id).where(
            Output.work_order_id == order.id, Output.unit_id.is_not(None)).order_by(Output.id)))
        codes = traceability.codes_by_id(uow, produced)
        by_serial = {codes[i]: i for i in produced if i in codes}
        wanted = data.serials or list(by_serial)
        missing = [s for s in wanted if s not in by_serial]
        if missing or not wanted:
            raise OutputInvalid("labels are printed for units this work order produced",
                                errors=[problem("serials", "not of this work order")])
        targets = [(by_serial[s], s) for s in wanted]
    else:
        if lot is None or order.produced_quantity <= 0:
            raise OutputInvalid("nothing produced to label", errors=[problem("serials", "none")])
        targets = [(lot.id, None)]
    labels = []
    for _object_id, serial in targets:
        composed = catalog.label_for(uow, item.id, lot=lot.code if lot else None, serial=serial,
                                     expiry=expiry, production_date=made)
        labels.append(PrintedLabel(composed.hri, item.id, lot.code if lot else None, serial,
                                   expiry, made))
    now = uow.now()
    bulk.insert_rows(uow.session.connection(), Label.__table__, [  # type: ignore[arg-type]
        {"work_order_id": order.id, "object_id": object_id, "udi": label.udi[:200],
         "copies": data.copies, "printed_by": actor.name, "at": now}
        for (object_id, _serial), label in zip(targets, labels, strict=True)])
    return labels
