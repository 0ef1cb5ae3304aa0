"""The installed base: a shipped serial unit installed at a customer's site, accepted by the
customer; its software and firmware versions; the follow-up visit that comes after."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from medtrace.modules import partners, traceability
from medtrace.modules.service import events, rules
from medtrace.modules.service.errors import InstallationNotFound, InstallationRefused
from medtrace.modules.service.models import Installation, ServiceOrder, UnitVersion
from medtrace.modules.service.permissions import INSTALL
from medtrace.modules.service.schemas import InstallationCreate
from medtrace.modules.service.service.common import (
    active_installation,
    ensure_may,
    get_order_or_raise,
    item_code,
    next_number,
    problem,
    read_unit,
    shipped_on,
)
from medtrace.modules.service.service.visits import schedule_follow_up
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.files import UploadedFile, file_problem, store_file
from medtrace.platform.i18n import N_

#: where in the plant's ``var_dir`` the customers' signed acceptance forms are kept
FORMS_FOLDER = "service-forms"


def get_installation_or_raise(uow: UnitOfWork, number: str) -> Installation:
    found = uow.session.scalar(select(Installation).where(
        Installation.number == number.strip()))
    if found is None:
        raise InstallationNotFound(f"no installation {number}")
    return found


def event_time(uow: UnitOfWork, day: dt.date) -> dt.datetime:
    """The moment journalled for something done on ``day``: now when it is today, else noon of
    that day in the plant's time zone."""
    now = uow.now().astimezone(uow.timezone)
    if day == now.date():
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=uow.timezone)


def record_installation(uow: UnitOfWork, *, data: InstallationCreate, actor: Actor,
                        upload: UploadedFile | None = None, storage: Path | None = None
                        ) -> Installation:
    """Install a shipped serial unit at a customer's site: its whereabouts become ``installed``
    there, the acceptance is kept, the versions it runs are recorded, a follow-up visit is
    scheduled. A unit installed before at the same customer moves (the old installation
    ends); at another customer's active site it is refused."""
    ensure_may(actor, INSTALL)
    unit = read_unit(uow, data.unit, "unit", InstallationRefused, item=data.item)
    problems: list[dict[str, Any]] = []
    if unit.state not in ("shipped", "installed"):
        problems.append(problem("unit", N_("not shipped to a customer"),
                                state=unit.state or "in_stock"))
    customer_id = unit.customer_id
    if data.customer:
        partner = partners.get_partner_by_code(uow, data.customer.strip())
        if partner is None:
            problems.append(problem("customer", N_("unknown partner")))
        else:
            customer_id = partner.id
    if customer_id is None:
        problems.append(problem("customer", N_("give the customer")))
    today = uow.today()
    shipped = shipped_on(uow, unit)
    if data.installed_on > today:
        problems.append(problem("installed_on", N_("in the future")))
    if shipped is not None and data.installed_on < shipped:
        problems.append(problem("installed_on", N_("before the unit was shipped"),
                                shipped_on=shipped.isoformat()))
    if data.accepted_on < data.installed_on or data.accepted_on > today:
        problems.append(problem("accepted_on", N_("between the installation and today")))
    previous = active_installation(uow, unit.id)
    if previous is not None and customer_id is not None \
            and previous.customer_id != customer_id:
        problems.append(problem("unit", N_("installed at another customer's site: end that "
                                           "installation first"), installation=previous.number))
    order = None
    if data.order:
        order = get_order_or_raise(uow, data.order)
        if order.unit_id != unit.id or order.type != rules.OrderType.INSTALLATION:
            problems.append(problem("order", N_("not an installation order of this unit")))
    if upload is not None:
        why = file_problem(upload)
        if why is not None:
            problems.append(problem("acceptance_file", why))
    if problems:
        raise InstallationRefused("; ".join(str(p["message"]) for p in problems),
                                  errors=problems)
    assert customer_id is not None
    if previous is not None:
        previous.status = rules.InstallationStatus.REMOVED
        previous.removed_on = data.installed_on
    row = Installation(
        number=next_number(uow, "service.installation"), unit_id=unit.id,
        item_id=unit.item_id, customer_id=customer_id, site=data.site.strip(),
        department=data.department.strip(), address=data.address.strip(),
        installed_on=data.installed_on, installer=(data.installer or actor.name)[:100],
        accepted_by=data.accepted_by.strip(), accepted_on=data.accepted_on,
        shipped_on=shipped, order_id=order.id if order else None,
        status=rules.InstallationStatus.ACTIVE, created_by=actor.name[:100])
    if upload is not None:
        attach_form(row, upload, storage)
    uow.session.add(row)
    uow.session.flush()
    if order is not None:
        order.installation_id = row.id
    place = " / ".join(x for x in (row.site, row.department) if x)
    traceability.record_event(
        uow, step="installed", what=[unit], at=event_time(uow, data.installed_on),
        location=place[:200], biz_location=place[:200], doc=row.number,
        destinations=[traceability.Party("possessing_party", customer_id)],
        extra={"installation": row.number, "site": row.site, "department": row.department,
               "address": row.address, "installer": row.installer,
               "accepted_by": row.accepted_by, "accepted_on": row.accepted_on.isoformat()})
    for version in data.versions:
        set_version(uow, unit=unit, kind=version.kind, version=version.version, order=None,
                    actor=actor)
    schedule_follow_up(uow, unit=unit, customer_id=customer_id, installation=row,
                       due_on=data.installed_on + dt.timedelta(days=rules.FOLLOW_UP_DAYS))
    customer = partners.get_partner_or_raise(uow, customer_id)
    uow.publish(events.UnitInstalled(
        installation=row.number, item=item_code(uow, unit.item_id), serial=unit.code,
        customer=customer.code, site=row.site,
        installed_on=row.installed_on.isoformat()))
    return row


def attach_form(row: Installation, upload: UploadedFile, storage: Path | None) -> None:
    """Keep the customer's signed acceptance form (PDF or image) by its SHA-256."""
    why = file_problem(upload)
    if why is not None:
        raise InstallationRefused(why, errors=[problem("acceptance_file", why)])
    if storage is None:
        raise ValueError("a storage folder is needed for attached files")
    digest, _size = store_file(storage, upload)
    row.acceptance_file = upload.name[:200] or "acceptance"
    row.acceptance_sha256 = digest
    row.acceptance_type = upload.content_type[:100]


def add_acceptance_form(uow: UnitOfWork, *, number: str, upload: UploadedFile,
                        storage: Path, actor: Actor) -> Installation:
    ensure_may(actor, INSTALL)
    row = get_installation_or_raise(uow, number)
    attach_form(row, upload, storage)
    uow.session.flush()
    return row


def set_version(uow: UnitOfWork, *, unit: Any, kind: str, version: str,
                order: ServiceOrder | None, actor: Actor) -> UnitVersion | None:
    """Record that the unit runs ``version`` of its software or firmware from now on (nothing
    when it already does)."""
    current = uow.session.scalar(select(UnitVersion).where(
        UnitVersion.unit_id == unit.id, UnitVersion.kind == kind)
        .order_by(UnitVersion.at.desc(), UnitVersion.id.desc()).limit(1))
    value = version.strip()
    if current is not None and current.version == value:
        return None
    row = UnitVersion(unit_id=unit.id, kind=kind, version=value,
                      previous=current.version if current else None,
                      order_id=order.id if order else None, at=uow.now(),
                      recorded_by=actor.name[:100])
    uow.session.add(row)
    uow.session.flush()
    uow.publish(events.UnitVersionChanged(
        item=item_code(uow, unit.item_id), serial=unit.code, kind=kind,
        previous=row.previous, new_version=value, order=order.number if order else None))
    return row
