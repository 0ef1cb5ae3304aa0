"""Follow-up visits (售后回访) after an installation or a repair: scheduled, then their
outcome recorded; a complaint raised becomes a quality complaint in the same transaction,
and the visit keeps its number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners, quality, traceability
from medtrace.modules.service import events, rules
from medtrace.modules.service.errors import ServiceInvalid, VisitNotFound, VisitStateConflict
from medtrace.modules.service.models import FollowUpVisit, Installation, ServiceOrder
from medtrace.modules.service.permissions import VISIT
from medtrace.modules.service.schemas import VisitCreate, VisitRecord
from medtrace.modules.service.service.common import (
    active_installation,
    ensure_may,
    next_number,
    problem,
    read_unit,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def get_visit_or_raise(uow: UnitOfWork, number: str) -> FollowUpVisit:
    found = uow.session.scalar(select(FollowUpVisit).where(
        FollowUpVisit.number == number.strip()))
    if found is None:
        raise VisitNotFound(f"no follow-up visit {number}")
    return found


def schedule_follow_up(uow: UnitOfWork, *, unit: Any, customer_id: int | None,
                       due_on: dt.date, installation: Installation | None = None,
                       order: ServiceOrder | None = None, contact: str = ""
                       ) -> FollowUpVisit:
    """The follow-up visit after an installation or a service order (one each)."""
    row = FollowUpVisit(
        number=next_number(uow, "service.visit"), unit_id=unit.id, customer_id=customer_id,
        origin_installation_id=installation.id if installation else None,
        origin_order_id=order.id if order else None, due_on=due_on,
        status=rules.VisitStatus.SCHEDULED, contact=contact[:100])
    uow.session.add(row)
    uow.session.flush()
    return row


def create_visit(uow: UnitOfWork, *, data: VisitCreate, actor: Actor) -> FollowUpVisit:
    """A follow-up visit planned by hand (a courtesy call, a visit a customer asked for)."""
    ensure_may(actor, VISIT)
    unit = read_unit(uow, data.unit, item=data.item)
    installation = active_installation(uow, unit.id)
    return schedule_follow_up(
        uow, unit=unit, customer_id=installation.customer_id if installation
        else unit.customer_id, due_on=data.due_on, contact=data.contact.strip())


def record_visit(uow: UnitOfWork, *, number: str, data: VisitRecord, actor: Actor
                 ) -> FollowUpVisit:
    """Record what came of the visit. With the outcome ``complaint`` the customer's words
    become a quality complaint about this unit (same transaction; the visit keeps its
    number)."""
    ensure_may(actor, VISIT)
    visit = get_visit_or_raise(uow, number)
    if visit.status != rules.VisitStatus.SCHEDULED:
        raise VisitStateConflict(f"{visit.number} is {visit.status}")
    complaint_text = (data.complaint or "").strip()
    if data.outcome == rules.VisitOutcome.COMPLAINT and not complaint_text:
        raise ServiceInvalid("say what the customer complains about",
                             errors=[problem("complaint", N_("required with the outcome "
                                                             "complaint"))])
    visit.status = rules.VisitStatus.DONE
    visit.outcome = data.outcome
    visit.contact = (data.contact.strip() or visit.contact)[:100]
    visit.notes = data.notes.strip()
    visit.done_at = uow.now()
    visit.done_by = actor.name[:100]
    if data.outcome == rules.VisitOutcome.COMPLAINT:
        unit = traceability.get_object_or_raise(uow, visit.unit_id)
        customer = partners.get_partner_or_raise(uow, visit.customer_id) \
            if visit.customer_id else None
        complaint = quality.open_complaint(uow, actor=actor, data=quality.ComplaintCreate(
            source="service_visit", source_ref=visit.number,
            customer=customer.code if customer else None, scan=unit.code,
            item=_item_code(uow, unit.item_id), contact=visit.contact,
            description=complaint_text, patient_involved=data.patient_involved,
            injury=data.injury))
        visit.complaint_number = complaint.number
    uow.session.flush()
    uow.publish(events.FollowUpRecorded(
        number=visit.number, serial=traceability.get_object_or_raise(uow, visit.unit_id).code,
        outcome=visit.outcome, complaint=visit.complaint_number))
    return visit


def cancel_visit(uow: UnitOfWork, *, number: str, reason: str, actor: Actor) -> FollowUpVisit:
    ensure_may(actor, VISIT)
    visit = get_visit_or_raise(uow, number)
    if visit.status != rules.VisitStatus.SCHEDULED:
        raise VisitStateConflict(f"{visit.number} is {visit.status}")
    uow.context.setdefault("reason", reason.strip()[:500] or "cancelled")
    visit.status = rules.VisitStatus.CANCELLED
    visit.notes = reason.strip()[:4000]
    uow.session.flush()
    return visit


def _item_code(uow: UnitOfWork, item_id: int | None) -> str | None:
    return catalog.get_item_or_raise(uow, item_id).code if item_id else None
