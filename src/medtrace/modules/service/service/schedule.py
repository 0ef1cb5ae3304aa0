"""Preventive maintenance falls due: for every unit installed at a site whose item has an
interval, the next maintenance is due ``interval_months`` after the last one completed (or
after the installation). ``generate_preventive_orders`` opens the order of every unit whose
maintenance falls due within the lead time and has none open yet; the worker runs it daily
(``service.preventive_maintenance``) and the page's button runs it now. Running it twice opens
nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, traceability
from medtrace.modules.service import rules
from medtrace.modules.service.models import Installation, MaintenancePlan, ServiceOrder
from medtrace.modules.service.permissions import ORDER_EDIT
from medtrace.modules.service.schemas import ServiceOrderCreate
from medtrace.modules.service.service.common import ensure_may
from medtrace.modules.service.service.orders import create_order
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs import JobSpec, register_job

OPEN_STATUSES = tuple(s.value for s in rules.OrderStatus if s.active)
FINISHED = (rules.OrderStatus.DONE, rules.OrderStatus.CLOSED)


def due_units(uow: UnitOfWork, *, on: dt.date, lead_days: int) -> list[dict[str, Any]]:
    """Every installed unit with a maintenance interval: when its next maintenance is due,
    whether an order is open for it, and whether it falls within ``on + lead_days``."""
    last_done = (select(ServiceOrder.unit_id, func.max(ServiceOrder.completed_at).label("at"))
                 .where(ServiceOrder.type == rules.OrderType.PREVENTIVE,
                        ServiceOrder.status.in_(FINISHED))
                 .group_by(ServiceOrder.unit_id).subquery())
    open_pm = (select(ServiceOrder.unit_id, func.min(ServiceOrder.number).label("number"))
               .where(ServiceOrder.type == rules.OrderType.PREVENTIVE,
                      ServiceOrder.status.in_(OPEN_STATUSES))
               .group_by(ServiceOrder.unit_id).subquery())
    rows = uow.session.execute(
        select(Installation, MaintenancePlan.interval_months, last_done.c.at,
               open_pm.c.number)
        .join(MaintenancePlan, MaintenancePlan.item_id == Installation.item_id)
        .outerjoin(last_done, last_done.c.unit_id == Installation.unit_id)
        .outerjoin(open_pm, open_pm.c.unit_id == Installation.unit_id)
        .where(Installation.status == rules.InstallationStatus.ACTIVE)
        .order_by(Installation.id)).all()
    horizon = on + dt.timedelta(days=lead_days)
    found = []
    for installation, interval, done_at, open_number in rows:
        last = installation.installed_on
        if done_at is not None:
            last = max(last, done_at.astimezone(uow.timezone).date())
        due = rules.pm_due(last, interval)
        found.append({"installation": installation, "unit_id": installation.unit_id,
                      "due_on": due, "last": last, "open_order": open_number,
                      "falls_due": due <= horizon})
    return found


def generate_preventive_orders(uow: UnitOfWork, *, on: dt.date | None = None,
                               lead_days: int = rules.PM_LEAD_DAYS, actor: Actor = SYSTEM
                               ) -> list[ServiceOrder]:
    """Open a preventive-maintenance order, scheduled for its due day, for every installed
    unit that falls due within the lead time and has no open one."""
    ensure_may(actor, ORDER_EDIT)
    today = on or uow.today()
    made = []
    for entry in due_units(uow, on=today, lead_days=lead_days):
        if not entry["falls_due"] or entry["open_order"]:
            continue
        unit = traceability.get_object_or_raise(uow, entry["unit_id"])
        order = create_order(uow, actor=actor, on=today, data=ServiceOrderCreate(
            type=rules.OrderType.PREVENTIVE, unit=unit.code,
            item=_item_code(uow, unit.item_id), scheduled_for=entry["due_on"],
            problem="预防性维护到期 / preventive maintenance due (last: "
                    f"{entry['last'].isoformat()})"))
        made.append(order)
    return made


def _item_code(uow: UnitOfWork, item_id: int) -> str:
    return catalog.get_item_or_raise(uow, item_id).code


def _job(uow: UnitOfWork) -> str:
    made = generate_preventive_orders(uow)
    return f"{len(made)} preventive maintenance orders opened"


PREVENTIVE_MAINTENANCE = register_job(JobSpec(
    name="service.preventive_maintenance", every=dt.timedelta(hours=24), run=_job,
    description="Open preventive maintenance orders for installed units falling due."))
