"""Warranty terms and preventive-maintenance intervals per item."""

from __future__ import annotations

from sqlalchemy import select

from medtrace.modules import catalog
from medtrace.modules.service.errors import ServiceInvalid
from medtrace.modules.service.models import MaintenancePlan, WarrantyTerm
from medtrace.modules.service.permissions import SETUP
from medtrace.modules.service.schemas import MaintenancePlanWrite, WarrantyTermWrite
from medtrace.modules.service.service.common import ensure_may, problem
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def _serial_item(uow: UnitOfWork, code: str):  # type: ignore[no-untyped-def]
    item = catalog.get_item_by_code(uow, code.strip())
    if item is None:
        raise ServiceInvalid(f"no item {code}", errors=[problem("item", N_("unknown item"))])
    if not catalog.tracks_serial(item.tracking):
        raise ServiceInvalid(f"{item.code} is not tracked by serial number",
                             errors=[problem("item", N_("not tracked by serial number"))])
    return item


def save_warranty_term(uow: UnitOfWork, *, data: WarrantyTermWrite, actor: Actor
                       ) -> WarrantyTerm:
    ensure_may(actor, SETUP)
    item = _serial_item(uow, data.item)
    row = uow.session.scalar(select(WarrantyTerm).where(WarrantyTerm.item_id == item.id))
    if row is None:
        row = WarrantyTerm(item_id=item.id, months=data.months, basis=data.basis)
        uow.session.add(row)
    else:
        row.months, row.basis = data.months, data.basis
    uow.session.flush()
    return row


def save_maintenance_plan(uow: UnitOfWork, *, data: MaintenancePlanWrite, actor: Actor
                          ) -> MaintenancePlan:
    ensure_may(actor, SETUP)
    item = _serial_item(uow, data.item)
    row = uow.session.scalar(select(MaintenancePlan).where(MaintenancePlan.item_id == item.id))
    if row is None:
        row = MaintenancePlan(item_id=item.id, interval_months=data.interval_months,
                              description=data.description.strip())
        uow.session.add(row)
    else:
        row.interval_months, row.description = data.interval_months, data.description.strip()
    uow.session.flush()
    return row
