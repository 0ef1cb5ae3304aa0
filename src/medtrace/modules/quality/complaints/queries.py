"""Reads of complaints: the list with filters (status, source, customer) and one complaint's
view with the device's names and links. The JSON shapes are the API's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.quality.complaints.models import Complaint
from medtrace.platform.db.uow import UnitOfWork

#: where the record a complaint came from is shown, by source (``{ref}``: its source_ref)
SOURCE_LINKS = {"service_visit": "/service/visits/{ref}"}


def _rows(uow: UnitOfWork, rows: list[Complaint]) -> list[dict[str, Any]]:
    """The list's fields of ``rows``, with the codes looked up in one go."""
    customers = partners.partner_codes(uow, {r.customer_id for r in rows})
    items = catalog.item_refs(uow, {r.item_id for r in rows if r.item_id is not None})
    codes = traceability.codes_by_id(uow, sorted({x for r in rows
                                                  for x in (r.lot_id, r.unit_id) if x}))
    return [{
        "number": r.number, "source": r.source, "source_ref": r.source_ref,
        "received_on": r.received_on, "customer": customers.get(r.customer_id)
        if r.customer_id else None,
        "item": items.get(r.item_id, (None,))[0] if r.item_id else None,
        "lot": codes.get(r.lot_id) if r.lot_id else None,
        "serial": codes.get(r.unit_id) if r.unit_id else None,
        "contact": r.contact, "description": r.description,
        "patient_involved": r.patient_involved, "injury": r.injury, "status": r.status,
        "opened_by": r.opened_by, "opened_at": r.opened_at} for r in rows]


def list_complaints(uow: UnitOfWork, *, status: str | None = None, source: str | None = None,
                    customer: str | None = None, limit: int = 50, offset: int = 0
                    ) -> tuple[list[dict[str, Any]], int]:
    """Complaints newest first, filtered by status, source and customer (partner code), as
    ``(rows, total)``; each row a dictionary of the complaint's fields with the customer's,
    item's, lot's and serial unit's codes."""
    query = select(Complaint)
    if status:
        query = query.where(Complaint.status == status.strip())
    if source:
        query = query.where(Complaint.source == source.strip())
    if customer:
        partner = partners.get_partner_by_code(uow, customer.strip())
        query = query.where(Complaint.customer_id == (partner.id if partner else -1))
    total = int(uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(uow.session.scalars(query.order_by(
        Complaint.received_on.desc(), Complaint.id.desc()).limit(limit).offset(offset)))
    return _rows(uow, rows), total


def complaint_view(uow: UnitOfWork, row: Complaint) -> dict[str, Any]:
    """One complaint: the list's fields, the customer's and the item's names in both
    languages, and ``source_link``, the page of the record it came from (a follow-up visit's),
    when there is one."""
    view = _rows(uow, [row])[0]
    customer = partners.get_partner_or_raise(uow, row.customer_id) if row.customer_id else None
    item = catalog.get_item_or_raise(uow, row.item_id) if row.item_id else None
    pattern = SOURCE_LINKS.get(row.source)
    link = pattern.format(ref=quote(row.source_ref, safe="")) \
        if pattern and row.source_ref else None
    return {**view,
            "customer_name_zh": customer.name_zh if customer else None,
            "customer_name_en": customer.name_en if customer else None,
            "item_name_zh": item.name_zh if item else None,
            "item_name_en": item.name_en if item else None,
            "source_link": link}
