"""What every service action shares: permission checks, document numbers, reading a unit's
scan, finding orders, users and locations, warranty cover of a unit on a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.service import events, rules
from medtrace.modules.service.errors import OrderNotFound, ServiceInvalid
from medtrace.modules.service.models import Installation, ServiceOrder, WarrantyTerm
from medtrace.platform import numbering
from medtrace.platform.actor import Actor
from medtrace.platform.auth import service as auth
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

NUMBERS = {
    "service.order": ("SV{YY}-{SEQ:5}", N_("Service order numbers")),
    "service.installation": ("INS{YY}-{SEQ:5}", N_("Installation numbers")),
    "service.visit": ("FU{YY}-{SEQ:5}", N_("Follow-up visit numbers")),
}
for _kind, (_pattern, _label) in NUMBERS.items():
    numbering.register_kind(_kind, _label)


def next_number(uow: UnitOfWork, kind: str) -> str:
    return numbering.next_number_or_default(uow, kind, pattern=NUMBERS[kind][0])


def problem(field: str, message: str, **more: Any) -> dict[str, Any]:
    return {"field": field, "message": message, **more}


def ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


def read_thing(uow: UnitOfWork, scan: str, field: str, error: type = ServiceInvalid, *,
               item: str | None = None) -> Any:
    """The lot, unit or container a scan (or a printed number) names, or a refusal naming the
    field."""
    try:
        return traceability.resolve(uow, scan, item=item)
    except traceability.TraceCodeAmbiguous:
        raise error("the number belongs to several items: scan the UDI",
                    errors=[problem(field, N_("several items use this number: scan the UDI"))]
                    ) from None
    except (traceability.TraceNotFound, traceability.TraceInvalid):
        raise error("nothing recorded carries this code",
                    errors=[problem(field, N_("no lot or serial unit carries this code"))]
                    ) from None


def read_unit(uow: UnitOfWork, scan: str, field: str = "unit", error: type = ServiceInvalid,
              *, item: str | None = None) -> Any:
    thing = read_thing(uow, scan, field, error, item=item)
    if thing.kind != "unit":
        raise error("service is recorded on a serial unit",
                    errors=[problem(field, N_("scan a serial unit"))])
    return thing


def get_order_or_raise(uow: UnitOfWork, number: str) -> ServiceOrder:
    found = uow.session.scalar(select(ServiceOrder).where(ServiceOrder.number == number.strip()))
    if found is None:
        raise OrderNotFound(f"no service order {number}")
    return found


def technician_of(uow: UnitOfWork, username: str | None, field: str = "technician"
                  ) -> tuple[int | None, str | None]:
    if not username:
        return None, None
    user = auth.get_user(uow, username.strip())
    if user is None or not user.active:
        raise ServiceInvalid(f"no active user {username}",
                             errors=[problem(field, N_("no active user with this name"))])
    return user.id, (user.printed_name or user.username)[:100]


def location_or_raise(uow: UnitOfWork, code: str, field: str) -> Any:
    try:
        return inventory.get_location_or_raise(uow, code.strip())
    except inventory.LocationNotFound:
        raise ServiceInvalid(f"no location {code}",
                             errors=[problem(field, N_("unknown location"))]) from None


def active_installation(uow: UnitOfWork, unit_id: int) -> Installation | None:
    return uow.session.scalar(select(Installation).where(
        Installation.unit_id == unit_id, Installation.status == rules.InstallationStatus.ACTIVE
    ).order_by(Installation.id.desc()).limit(1))


def shipped_on(uow: UnitOfWork, unit: Any) -> dt.date | None:
    """The day the unit (or the case or pallet it was in) was first shipped, in the plant's
    time zone."""
    for event in traceability.timeline(uow, unit, limit=2000)["events"]:
        if event["step"] == "shipped":
            moment = dt.datetime.fromisoformat(event["utc"].replace("Z", "+00:00"))
            return moment.astimezone(uow.timezone).date()
    return None


def warranty_of(uow: UnitOfWork, unit: Any, on: dt.date) -> dict[str, Any]:
    """The unit's warranty on a day: the item's terms, the start (installation or shipment),
    the last day covered and the state."""
    term = uow.session.scalar(select(WarrantyTerm).where(WarrantyTerm.item_id == unit.item_id))
    if term is None:
        return {"state": rules.WarrantyState.NONE, "months": None, "basis": None,
                "start": None, "end": None}
    installation = active_installation(uow, unit.id)
    if term.basis == rules.WarrantyBasis.INSTALLATION:
        start = installation.installed_on if installation else None
    else:
        start = installation.shipped_on if installation and installation.shipped_on \
            else shipped_on(uow, unit)
    return {"state": rules.warranty_state(start, term.months, on), "months": term.months,
            "basis": term.basis, "start": start, "end": rules.warranty_end(start, term.months)}


def set_status(uow: UnitOfWork, order: ServiceOrder, status: str) -> None:
    previous = order.status
    if previous == status:
        return
    order.status = status
    uow.session.flush()
    uow.publish(events.ServiceOrderStatusChanged(
        number=order.number, order_type=order.type,
        serial=traceability.get_object_or_raise(uow, order.unit_id).code, previous=previous,
        status=status))


def item_code(uow: UnitOfWork, item_id: int) -> str:
    return catalog.get_item_or_raise(uow, item_id).code
