"""Recording a complaint. Other modules call ``open_complaint`` inside their own unit of work
(a follow-up visit that raises one keeps its number, in the same transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.quality.complaints.errors import ComplaintInvalid, ComplaintNotFound
from medtrace.modules.quality.complaints.events import ComplaintReceived
from medtrace.modules.quality.complaints.models import Complaint
from medtrace.modules.quality.complaints.schemas import ComplaintCreate
from medtrace.modules.quality.permissions import COMPLAINT_CREATE
from medtrace.platform import numbering
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

COMPLAINT_NUMBERS = "quality.complaint"
numbering.register_kind(COMPLAINT_NUMBERS, N_("Complaint numbers"))


def _problem(field: str, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def get_complaint_or_raise(uow: UnitOfWork, number: str) -> Complaint:
    found = uow.session.scalar(select(Complaint).where(Complaint.number == number.strip()))
    if found is None:
        raise ComplaintNotFound(f"no complaint {number}")
    return found


def open_complaint(uow: UnitOfWork, *, data: ComplaintCreate, actor: Actor) -> Complaint:
    """Record a complaint about a device (its lot or serial unit when scanned or typed, else
    the item), from a customer, a service visit or the field."""
    if not actor.can(COMPLAINT_CREATE):
        raise Forbidden(permission=COMPLAINT_CREATE)
    problems: list[dict[str, Any]] = []
    received = data.received_on or uow.today()
    if received > uow.today():
        problems.append(_problem("received_on", N_("in the future")))
    customer_id = None
    if data.customer:
        partner = partners.get_partner_by_code(uow, data.customer.strip())
        if partner is None:
            problems.append(_problem("customer", N_("unknown partner")))
        else:
            customer_id = partner.id
    item_id = lot_id = unit_id = None
    if data.scan and data.scan.strip():
        try:
            thing = traceability.resolve(uow, data.scan, item=data.item)
        except traceability.TraceCodeAmbiguous:
            problems.append(_problem("scan", N_("several items use this number: scan the UDI")))
        except (traceability.TraceNotFound, traceability.TraceInvalid):
            problems.append(_problem("scan", N_("no lot or serial unit carries this code")))
        else:
            if thing.kind == "container":
                problems.append(_problem("scan", N_("scan the device, not a package")))
            item_id = thing.item_id
            unit_id = thing.id if thing.kind == "unit" else None
            lot_id = thing.lot_id if thing.kind == "unit" else thing.id
    elif data.item:
        item = catalog.get_item_by_code(uow, data.item.strip())
        if item is None:
            problems.append(_problem("item", N_("unknown item")))
        else:
            item_id = item.id
    else:
        problems.append(_problem("scan", N_("give the device (scan) or at least the item")))
    if problems:
        raise ComplaintInvalid("; ".join(p["message"] for p in problems), errors=problems)
    row = Complaint(
        number=numbering.next_number_or_default(uow, COMPLAINT_NUMBERS,
                                                pattern="CMP{YY}-{SEQ:5}"),
        source=data.source, source_ref=data.source_ref, received_on=received,
        customer_id=customer_id, item_id=item_id, lot_id=lot_id, unit_id=unit_id,
        contact=data.contact.strip(), description=data.description.strip(),
        patient_involved=data.patient_involved, injury=data.injury, status="open",
        opened_by=actor.name[:100])
    uow.session.add(row)
    uow.flush()
    codes = traceability.codes_by_id(uow, [x for x in (lot_id, unit_id) if x])
    uow.publish(ComplaintReceived(
        number=row.number, source=row.source, source_ref=row.source_ref,
        customer=data.customer.strip() if data.customer else None,
        item=catalog.item_refs(uow, [item_id]).get(item_id, (None,))[0] if item_id else None,
        lot=codes.get(lot_id) if lot_id else None, serial=codes.get(unit_id) if unit_id else None,
        patient_involved=row.patient_involved, injury=row.injury))
    return row
