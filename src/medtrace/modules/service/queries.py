"""Reads of service: the installed base with filters, a service order, a unit's service life
(installations, orders, parts replaced, versions, visits, warranty), follow-up visits, the
dashboard tile and the panel on a unit's trace page. The JSON shapes are the API's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.service import rules
from medtrace.modules.service.models import (
    FollowUpVisit,
    Installation,
    MaintenancePlan,
    Replacement,
    ServiceOrder,
    UnitVersion,
    WarrantyTerm,
)
from medtrace.platform import esign
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count

OPEN = tuple(s.value for s in rules.OrderStatus if s.active)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def current_versions(uow: UnitOfWork, unit_ids: list[int]) -> dict[int, dict[str, str]]:
    """``{unit id: {"software": "2.1.0", "firmware": "F1.4"}}``: the latest of each kind."""
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(unit_ids), 900):
        rows = uow.session.execute(
            select(UnitVersion.unit_id, UnitVersion.kind, UnitVersion.version)
            .where(UnitVersion.unit_id.in_(unit_ids[start:start + 900]))
            .order_by(UnitVersion.at, UnitVersion.id))
        for unit_id, kind, version in rows:
            found.setdefault(unit_id, {})[kind] = version
    return found


def _warranty(terms: dict[int, WarrantyTerm], row: Installation, on: dt.date
              ) -> tuple[str, dt.date | None]:
    term = terms.get(row.item_id)
    if term is None:
        return rules.WarrantyState.NONE, None
    start = row.installed_on if term.basis == rules.WarrantyBasis.INSTALLATION \
        else row.shipped_on
    return rules.warranty_state(start, term.months, on), rules.warranty_end(start, term.months)


def installed_base(uow: UnitOfWork, *, customer: str | None = None, site: str | None = None,
                   item: str | None = None, version: str | None = None,
                   warranty: str | None = None, serial: str | None = None,
                   limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The units installed at customers' sites now, newest installation first, with their
    current versions and warranty state; filters by customer code, site (part of the name),
    item code, a software or firmware version, warranty state and serial."""
    query = select(Installation).where(Installation.status == rules.InstallationStatus.ACTIVE)
    if customer:
        partner = partners.get_partner_by_code(uow, customer.strip())
        query = query.where(Installation.customer_id == (partner.id if partner else -1))
    if item:
        found = catalog.get_item_by_code(uow, item.strip())
        query = query.where(Installation.item_id == (found.id if found else -1))
    if site:
        pattern = f"%{site.strip()}%"
        query = query.where(or_(Installation.site.ilike(pattern),
                                Installation.department.ilike(pattern)))
    if version:
        query = query.where(Installation.unit_id.in_(
            select(UnitVersion.unit_id).where(UnitVersion.version == version.strip())))
    rows = list(uow.session.scalars(query.order_by(Installation.installed_on.desc(),
                                                   Installation.id.desc())))
    unit_ids = [r.unit_id for r in rows]
    codes = traceability.codes_by_id(uow, unit_ids)
    if serial:
        wanted = serial.strip()
        rows = [r for r in rows if codes.get(r.unit_id) == wanted]
    versions = current_versions(uow, [r.unit_id for r in rows])
    if version:  # the version must be the current one
        rows = [r for r in rows if version.strip() in versions.get(r.unit_id, {}).values()]
    terms = {t.item_id: t for t in uow.session.scalars(select(WarrantyTerm))}
    today = uow.today()
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    names = partners.partner_codes(uow, {r.customer_id for r in rows})
    out = []
    for row in rows:
        state, end = _warranty(terms, row, today)
        if warranty and state != warranty:
            continue
        out.append({
            "installation": row.number, "unit_id": row.unit_id,
            "serial": codes.get(row.unit_id), "item": items.get(row.item_id, ("",))[0],
            "customer": names.get(row.customer_id), "site": row.site,
            "department": row.department, "address": row.address,
            "installed_on": _iso(row.installed_on), "accepted_by": row.accepted_by,
            "accepted_on": _iso(row.accepted_on),
            "software": versions.get(row.unit_id, {}).get("software"),
            "firmware": versions.get(row.unit_id, {}).get("firmware"),
            "warranty": state, "warranty_end": _iso(end)})
    return out[offset:offset + limit], len(out)


def order_view(uow: UnitOfWork, order: ServiceOrder) -> dict[str, Any]:
    unit = traceability.get_object_or_raise(uow, order.unit_id)
    item = catalog.get_item_or_raise(uow, order.item_id)
    customer = partners.get_partner_or_raise(uow, order.customer_id) \
        if order.customer_id else None
    location = inventory.get_location_or_raise(uow, order.parts_location_id) \
        if order.parts_location_id else None
    installation = uow.session.get(Installation, order.installation_id) \
        if order.installation_id else None
    signature = None
    if order.signature_id:
        views = esign.signatures_for(uow, order)
        found = next((v for v in views if v.signature.id == order.signature_id), None)
        if found is not None:
            signature = {"signer": found.signature.printed_name,
                         "meaning": found.signature.meaning,
                         "signed_at": _iso(found.signature.signed_at), "valid": found.valid}
    return {
        "number": order.number, "type": order.type, "status": order.status,
        "serial": unit.code, "unit_id": unit.id, "item": item.code,
        "item_name_zh": item.name_zh, "item_name_en": item.name_en,
        "customer": customer.code if customer else None,
        "customer_name_zh": customer.name_zh if customer else None,
        "customer_name_en": customer.name_en if customer else None,
        "site": installation.site if installation else None,
        "department": installation.department if installation else None,
        "problem": order.problem, "technician": order.technician,
        "scheduled_for": _iso(order.scheduled_for),
        "parts_location": location.code if location else None,
        "field_action": order.field_action, "warranty": order.covered,
        "warranty_end": _iso(order.warranty_end), "report": order.report,
        "minutes": order.minutes, "started_at": _iso(order.started_at),
        "completed_at": _iso(order.completed_at), "completed_by": order.completed_by,
        "ack_name": order.ack_name, "ack_on": _iso(order.ack_on), "signature": signature,
        "closed_at": _iso(order.closed_at), "cancel_reason": order.cancel_reason,
        "created_at": _iso(order.created_at), "created_by": order.created_by,
        "replacements": replacements_of(uow, order_id=order.id),
        "versions": versions_of(uow, order_id=order.id),
    }


def replacements_of(uow: UnitOfWork, *, order_id: int | None = None,
                    unit_id: int | None = None) -> list[dict[str, Any]]:
    query = select(Replacement)
    if order_id is not None:
        query = query.where(Replacement.order_id == order_id)
    if unit_id is not None:
        query = query.where(Replacement.unit_id == unit_id)
    rows = list(uow.session.scalars(query.order_by(Replacement.at, Replacement.id)))
    ids = {x for r in rows for x in (r.removed_id, r.fitted_id, r.parent_id)}
    codes = traceability.codes_by_id(uow, sorted(ids))
    items = catalog.item_refs(uow, {x for r in rows for x in (r.removed_item_id,
                                                              r.fitted_item_id)})
    orders = dict(uow.session.execute(select(ServiceOrder.id, ServiceOrder.number).where(
        ServiceOrder.id.in_({r.order_id for r in rows}))).all()) if rows else {}
    out = []
    for r in rows:
        places = {x: inventory.get_location_or_raise(uow, x).code
                  for x in (r.parts_location_id, r.return_location_id) if x}
        out.append({
            "id": r.id, "order": orders.get(r.order_id), "at": _iso(r.at),
            "removed": {"item": items.get(r.removed_item_id, ("",))[0],
                        "code": codes.get(r.removed_id), "id": r.removed_id},
            "fitted": {"item": items.get(r.fitted_item_id, ("",))[0],
                       "code": codes.get(r.fitted_id), "id": r.fitted_id},
            "fitted_into": codes.get(r.parent_id),
            "quantity": None if r.quantity is None else str(r.quantity),
            "fitted_quantity": None if r.fitted_quantity is None else str(r.fitted_quantity),
            "removed_to": r.removed_to,
            "return_location": places.get(r.return_location_id),
            "parts_location": places.get(r.parts_location_id),
            "recorded_by": r.recorded_by})
    return out


def versions_of(uow: UnitOfWork, *, order_id: int | None = None, unit_id: int | None = None
                ) -> list[dict[str, Any]]:
    query = select(UnitVersion)
    if order_id is not None:
        query = query.where(UnitVersion.order_id == order_id)
    if unit_id is not None:
        query = query.where(UnitVersion.unit_id == unit_id)
    return [{"kind": v.kind, "version": v.version, "previous": v.previous, "at": _iso(v.at),
             "recorded_by": v.recorded_by}
            for v in uow.session.scalars(query.order_by(UnitVersion.at, UnitVersion.id))]


def list_orders(uow: UnitOfWork, *, status: str | None = None, type: str | None = None,
                technician_id: int | None = None, customer: str | None = None,
                serial: str | None = None, open_only: bool = False, limit: int = 50,
                offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    query = select(ServiceOrder)
    if status:
        query = query.where(ServiceOrder.status == status)
    if open_only:
        query = query.where(ServiceOrder.status.in_(OPEN))
    if type:
        query = query.where(ServiceOrder.type == type)
    if technician_id is not None:
        query = query.where(ServiceOrder.technician_id == technician_id)
    if customer:
        partner = partners.get_partner_by_code(uow, customer.strip())
        query = query.where(ServiceOrder.customer_id == (partner.id if partner else -1))
    if serial:  # the units of that serial, among the items that have service orders
        items = list(uow.session.scalars(select(ServiceOrder.item_id).distinct()))
        units = [found[0] for item_id in items for found in
                 traceability.units_by_serial(uow, item_id, [serial.strip()]).values()]
        query = query.where(ServiceOrder.unit_id.in_(units or [-1]))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(uow.session.scalars(query.order_by(
        ServiceOrder.scheduled_for.is_(None), ServiceOrder.scheduled_for.desc(),
        ServiceOrder.id.desc()).limit(limit).offset(offset)))
    codes = traceability.codes_by_id(uow, [r.unit_id for r in rows])
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    names = partners.partner_codes(uow, {r.customer_id for r in rows})
    return [{"number": r.number, "type": r.type, "status": r.status,
             "serial": codes.get(r.unit_id), "item": items.get(r.item_id, ("",))[0],
             "customer": names.get(r.customer_id), "technician": r.technician,
             "scheduled_for": _iso(r.scheduled_for), "warranty": r.covered,
             "field_action": r.field_action} for r in rows], int(total)


def visit_view(uow: UnitOfWork, visit: FollowUpVisit) -> dict[str, Any]:
    unit = traceability.get_object_or_raise(uow, visit.unit_id)
    customer = partners.get_partner_or_raise(uow, visit.customer_id) \
        if visit.customer_id else None
    origin = None
    if visit.origin_order_id:
        origin = uow.session.get(ServiceOrder, visit.origin_order_id).number  # type: ignore[union-attr]
    elif visit.origin_installation_id:
        origin = uow.session.get(Installation, visit.origin_installation_id).number  # type: ignore[union-attr]
    return {"number": visit.number, "serial": unit.code, "unit_id": unit.id,
            "item": catalog.get_item_or_raise(uow, unit.item_id).code,
            "customer": customer.code if customer else None,
            "customer_name_zh": customer.name_zh if customer else None,
            "customer_name_en": customer.name_en if customer else None,
            "after": origin, "due_on": _iso(visit.due_on), "status": visit.status,
            "contact": visit.contact, "outcome": visit.outcome, "notes": visit.notes,
            "complaint": visit.complaint_number, "done_at": _iso(visit.done_at),
            "done_by": visit.done_by}


def list_visits(uow: UnitOfWork, *, status: str | None = None, due_by: dt.date | None = None,
                limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    query = select(FollowUpVisit)
    if status:
        query = query.where(FollowUpVisit.status == status)
    if due_by is not None:
        query = query.where(FollowUpVisit.due_on <= due_by)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(FollowUpVisit.due_on, FollowUpVisit.id)
                               .limit(limit).offset(offset))
    return [visit_view(uow, v) for v in rows], int(total)


def unit_service_view(uow: UnitOfWork, unit: Any) -> dict[str, Any]:
    """A unit's service life: where it is installed (and was), its warranty today, its
    orders, the parts replaced in it, its software and firmware history, its visits."""
    from medtrace.modules.service.service.common import warranty_of

    installations = list(uow.session.scalars(select(Installation).where(
        Installation.unit_id == unit.id).order_by(Installation.id.desc())))
    names = partners.partner_codes(uow, {i.customer_id for i in installations})
    warranty = warranty_of(uow, unit, uow.today())
    orders, _ = list_orders(uow, serial=unit.code, limit=500)
    visits = [visit_view(uow, v) for v in uow.session.scalars(
        select(FollowUpVisit).where(FollowUpVisit.unit_id == unit.id)
        .order_by(FollowUpVisit.due_on))]
    plan = uow.session.scalar(select(MaintenancePlan).where(
        MaintenancePlan.item_id == unit.item_id))
    return {
        "serial": unit.code, "unit_id": unit.id,
        "item": catalog.get_item_or_raise(uow, unit.item_id).code,
        "state": unit.state, "location": unit.location,
        "installations": [{
            "number": i.number, "customer": names.get(i.customer_id), "site": i.site,
            "department": i.department, "address": i.address,
            "installed_on": _iso(i.installed_on), "installer": i.installer,
            "accepted_by": i.accepted_by, "accepted_on": _iso(i.accepted_on),
            "acceptance_file": i.acceptance_file, "acceptance_sha256": i.acceptance_sha256,
            "status": i.status, "removed_on": _iso(i.removed_on)} for i in installations],
        "warranty": {"state": warranty["state"], "months": warranty["months"],
                     "basis": warranty["basis"], "start": _iso(warranty["start"]),
                     "end": _iso(warranty["end"])},
        "maintenance_interval_months": plan.interval_months if plan else None,
        "versions": versions_of(uow, unit_id=unit.id),
        "current_versions": current_versions(uow, [unit.id]).get(unit.id, {}),
        "orders": orders, "replacements": replacements_of(uow, unit_id=unit.id),
        "visits": visits}


def service_figures(uow: UnitOfWork) -> list[Figure]:
    """The dashboard tile: orders open, waiting for parts, done and not closed; visits due."""
    def orders(*statuses: str) -> int:
        return int(uow.session.scalar(select(func.count(ServiceOrder.id)).where(
            ServiceOrder.status.in_(statuses))) or 0)

    due = int(uow.session.scalar(select(func.count(FollowUpVisit.id)).where(
        FollowUpVisit.status == rules.VisitStatus.SCHEDULED,
        FollowUpVisit.due_on <= uow.today())) or 0)
    return [count(N_("Service orders open"), orders(*OPEN), "/service/orders?open=1"),
            count(N_("Waiting for parts"), orders(rules.OrderStatus.AWAITING_PARTS),
                  "/service/orders?status=awaiting_parts"),
            count(N_("Done, to close"), orders(rules.OrderStatus.DONE),
                  "/service/orders?status=done"),
            count(N_("Follow-up visits due"), due, "/service/visits?due=1")]


def unit_panel(uow: UnitOfWork, object_id: int) -> list[Figure]:
    """On a serial unit's trace page: where it is installed, its warranty, open orders."""
    thing = traceability.get_object(uow, object_id)
    if thing is None or thing.kind != "unit":
        return []
    installation = uow.session.scalar(select(Installation).where(
        Installation.unit_id == object_id,
        Installation.status == rules.InstallationStatus.ACTIVE))
    open_orders = int(uow.session.scalar(select(func.count(ServiceOrder.id)).where(
        ServiceOrder.unit_id == object_id, ServiceOrder.status.in_(OPEN))) or 0)
    if installation is None and not open_orders:
        return []
    from medtrace.modules.service.service.common import warranty_of

    link = f"/service/installed-base/{object_id}"
    warranty = warranty_of(uow, thing, uow.today())
    return [
        Figure(N_("Installed at"), " / ".join(
            x for x in (installation.site, installation.department) if x)
            if installation else None, "text", link),
        Figure(N_("Warranty"), rules.WarrantyState(warranty["state"]).label, "label", link),
        count(N_("Service orders open"), open_orders, link)]


# --- set-up: terms, intervals, what falls due ---------------------------------------------------
def warranty_terms(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every item's warranty terms, by item code."""
    rows = list(uow.session.scalars(select(WarrantyTerm)))
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    found = [{"item": items.get(r.item_id, ("",))[0], "months": r.months, "basis": r.basis}
             for r in rows]
    return sorted(found, key=lambda r: r["item"])


def maintenance_plans(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every item's preventive maintenance interval, by item code."""
    rows = list(uow.session.scalars(select(MaintenancePlan)))
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    found = [{"item": items.get(r.item_id, ("",))[0], "interval_months": r.interval_months,
              "description": r.description} for r in rows]
    return sorted(found, key=lambda r: r["item"])


def falling_due(uow: UnitOfWork, *, on: dt.date, lead_days: int) -> list[dict[str, Any]]:
    """The installed units whose preventive maintenance falls due by ``on + lead_days``, the
    earliest first, with their serial, item, customer and site."""
    from medtrace.modules.service.service.schedule import due_units

    due = [d for d in due_units(uow, on=on, lead_days=lead_days) if d["falls_due"]]
    codes = traceability.codes_by_id(uow, [d["unit_id"] for d in due])
    items = catalog.item_refs(uow, {d["installation"].item_id for d in due})
    customers = partners.partner_codes(uow, {d["installation"].customer_id for d in due})
    rows = [{"unit_id": d["unit_id"], "serial": codes.get(d["unit_id"]),
             "item": items.get(d["installation"].item_id, ("",))[0],
             "customer": customers.get(d["installation"].customer_id),
             "site": d["installation"].site, "department": d["installation"].department,
             "last": d["last"], "due_on": d["due_on"], "open_order": d["open_order"]}
            for d in due]
    return sorted(rows, key=lambda r: (r["due_on"], r["serial"] or ""))
