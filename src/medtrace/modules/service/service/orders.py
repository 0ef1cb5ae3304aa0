"""Service orders: opened on a serial unit (warranty cover decided then), scheduled and
assigned, worked on (parts, versions), completed with the technician's signed report and the
customer's acknowledgement, closed. The journal records ``serviced`` (a unit at its site) or
``repaired`` (in the depot) when an order is completed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from medtrace.modules import inventory, traceability
from medtrace.modules.service import rules
from medtrace.modules.service.errors import OrderStateConflict, ServiceInvalid
from medtrace.modules.service.models import Replacement, ServiceOrder
from medtrace.modules.service.permissions import ORDER_EDIT, WORK
from medtrace.modules.service.schemas import (
    CloseIn,
    CompleteIn,
    ScheduleIn,
    ServiceOrderCreate,
    StatusIn,
    VersionUpdate,
)
from medtrace.modules.service.service.common import (
    active_installation,
    ensure_may,
    get_order_or_raise,
    location_or_raise,
    next_number,
    problem,
    read_unit,
    set_status,
    technician_of,
    warranty_of,
)
from medtrace.modules.service.service.installations import event_time, set_version
from medtrace.modules.service.service.replacements import start_work
from medtrace.modules.service.service.visits import schedule_follow_up
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

#: the orders after which a follow-up visit is scheduled by default
FOLLOWED_UP = (rules.OrderType.CORRECTIVE, rules.OrderType.FSCA)


def _parts_location(uow: UnitOfWork, code: str | None) -> int | None:
    if not code:
        return None
    location = location_or_raise(uow, code, "parts_location")
    if inventory.stock_status_of(uow, location) != "available":
        raise ServiceInvalid("spares are fitted from available stock",
                             errors=[problem("parts_location",
                                             N_("not a location of available stock"))])
    return location.id


def create_order(uow: UnitOfWork, *, data: ServiceOrderCreate, actor: Actor,
                 on: dt.date | None = None) -> ServiceOrder:
    """Open a service order on a serial unit. Warranty cover is decided on the day it is
    opened and kept on the order."""
    ensure_may(actor, ORDER_EDIT)
    unit = read_unit(uow, data.unit, item=data.item)
    technician_id, technician = technician_of(uow, data.technician)
    if data.scheduled_for is not None and data.scheduled_for < uow.today() - dt.timedelta(
            days=365):
        raise ServiceInvalid("scheduled more than a year ago",
                             errors=[problem("scheduled_for", N_("too far in the past"))])
    installation = active_installation(uow, unit.id)
    warranty = warranty_of(uow, unit, on or uow.today())
    order = ServiceOrder(
        number=next_number(uow, "service.order"), type=data.type,
        status=rules.OrderStatus.OPEN, unit_id=unit.id, item_id=unit.item_id,
        customer_id=installation.customer_id if installation else unit.customer_id,
        installation_id=installation.id if installation else None,
        problem=data.problem.strip(), technician_id=technician_id, technician=technician,
        scheduled_for=data.scheduled_for,
        parts_location_id=_parts_location(uow, data.parts_location),
        field_action=(data.field_action or "").strip() or None,
        covered=warranty["state"], warranty_end=warranty["end"], report="", minutes=0,
        created_by=actor.name[:100])
    uow.session.add(order)
    uow.session.flush()
    if data.scheduled_for is not None and technician_id is not None:
        set_status(uow, order, rules.OrderStatus.SCHEDULED)
    return order


def schedule_order(uow: UnitOfWork, *, number: str, data: ScheduleIn, actor: Actor
                   ) -> ServiceOrder:
    """Assign a technician, a day and the van the spares come from; an open order with both a
    technician and a day becomes scheduled."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, number)
    if not rules.OrderStatus(order.status).active:
        raise OrderStateConflict(f"{order.number} is {order.status}")
    if data.technician is not None:
        order.technician_id, order.technician = technician_of(uow, data.technician)
    if data.scheduled_for is not None:
        order.scheduled_for = data.scheduled_for
    if data.parts_location is not None:
        order.parts_location_id = _parts_location(uow, data.parts_location)
    uow.session.flush()
    if order.status == rules.OrderStatus.OPEN and order.technician_id and order.scheduled_for:
        set_status(uow, order, rules.OrderStatus.SCHEDULED)
    return order


def change_status(uow: UnitOfWork, *, number: str, data: StatusIn, actor: Actor
                  ) -> ServiceOrder:
    """Move an order along (start, wait for parts, back to scheduled) or cancel it with a
    reason. Completing and closing are their own actions."""
    order = get_order_or_raise(uow, number)
    target = data.status
    ensure_may(actor, ORDER_EDIT if target == rules.OrderStatus.CANCELLED else WORK)
    if not rules.move_allowed(order.status, target):
        raise OrderStateConflict(f"{order.number} cannot go from {order.status} to {target}")
    if target == rules.OrderStatus.CANCELLED:
        if not data.reason.strip():
            raise ServiceInvalid("say why the order is cancelled",
                                 errors=[problem("reason", N_("required"))])
        if uow.session.scalar(select(Replacement.id).where(Replacement.order_id == order.id)
                              .limit(1)) is not None:
            raise OrderStateConflict(f"{order.number} has parts replaced: complete it")
        order.cancel_reason = data.reason.strip()
        uow.context.setdefault("reason", order.cancel_reason)
    if target == rules.OrderStatus.IN_PROGRESS:
        order.started_at = order.started_at or uow.now()
    set_status(uow, order, target)
    return order


def update_version(uow: UnitOfWork, *, number: str, data: VersionUpdate, actor: Actor
                   ) -> ServiceOrder:
    """The unit now runs another software or firmware version (an update on this order)."""
    ensure_may(actor, WORK)
    order = get_order_or_raise(uow, number)
    start_work(uow, order)
    unit = traceability.get_object_or_raise(uow, order.unit_id)
    set_version(uow, unit=unit, kind=data.kind, version=data.version, order=order, actor=actor)
    return order


def complete_order(uow: UnitOfWork, *, number: str, data: CompleteIn, actor: Actor
                   ) -> ServiceOrder:
    """The technician completes the order: report, time spent, the customer's
    acknowledgement, and the technician's e-signature (meaning ``authored``) over the report.
    A unit at its site is journalled ``serviced``, one in the depot ``repaired``; a follow-up
    visit is scheduled after a repair or a field action (``follow_up_days``)."""
    ensure_may(actor, WORK)
    order = get_order_or_raise(uow, number)
    if not rules.OrderStatus(order.status).active:
        raise OrderStateConflict(f"{order.number} is {order.status}")
    if order.type == rules.OrderType.INSTALLATION and order.installation_id is None:
        raise OrderStateConflict(f"{order.number}: record the installation first")
    ack_on = data.ack_on or uow.today()
    if ack_on > uow.today():
        raise ServiceInvalid("acknowledged in the future",
                             errors=[problem("ack_on", N_("in the future"))])
    order.report = data.report.strip()
    order.minutes = data.minutes
    order.ack_name = data.ack_name.strip()
    order.ack_on = ack_on
    order.completed_at = uow.now()
    order.completed_by = actor.name[:100]
    order.started_at = order.started_at or order.completed_at
    uow.session.flush()
    signature = esign.sign(uow, record=order, meaning="authored",
                           password=data.signature.password, actor=actor,
                           comment=f"{order.number} service report")
    order.signature_id = signature.id
    set_status(uow, order, rules.OrderStatus.DONE)
    unit = traceability.get_object_or_raise(uow, order.unit_id)
    installed = unit.state == "installed"
    if order.type != rules.OrderType.INSTALLATION:
        traceability.record_event(
            uow, step="serviced" if installed else "repaired", what=[unit],
            at=event_time(uow, ack_on), doc=order.number,
            biz_transactions=[{"type": "urn:medtrace:service-order", "id": order.number}],
            extra={"service_order": order.number, "type": order.type,
                   "technician": order.technician or order.completed_by,
                   "minutes": order.minutes, "acknowledged_by": order.ack_name})
    days = data.follow_up_days if data.follow_up_days is not None else (
        rules.FOLLOW_UP_DAYS if order.type in FOLLOWED_UP else 0)
    if days:
        schedule_follow_up(uow, unit=unit, customer_id=order.customer_id, order=order,
                           due_on=ack_on + dt.timedelta(days=days), contact=order.ack_name)
    return order


def close_order(uow: UnitOfWork, *, number: str, data: CloseIn, actor: Actor) -> ServiceOrder:
    """The service lead reviews a done order and closes it."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, number)
    if order.status != rules.OrderStatus.DONE:
        raise OrderStateConflict(f"{order.number} is {order.status}: only a done order closes")
    if data.note.strip():
        uow.context.setdefault("reason", data.note.strip())
    order.closed_at = uow.now()
    set_status(uow, order, rules.OrderStatus.CLOSED)
    return order
