"""Complaints API for a CRM or a field app: ``GET /api/v1/complaints`` (filters, paginated),
``GET /api/v1/complaints/{number}`` and ``POST /api/v1/complaints`` (the device by a UDI scan,
a lot number or a serial, or by item alone; idempotent with ``Idempotency-Key``). A refused
complaint is ``MT-QUALITY-COMPLAINT-INVALID`` (422) with ``errors`` per field."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request

from medtrace.modules.quality.complaints import queries, service
from medtrace.modules.quality.complaints.schemas import (
    ComplaintCreate,
    ComplaintDetail,
    ComplaintPage,
    ComplaintSource,
)
from medtrace.modules.quality.permissions import COMPLAINT_CREATE, COMPLAINT_VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["quality"])
Number = Path(max_length=20, description="The complaint's number")


@router.get("/complaints", response_model=ComplaintPage, operation_id="listComplaints",
            summary="List complaints, newest first (by status, source, customer)")
def list_complaints(
    request: Request,
    status: str | None = Query(None, max_length=12, description="e.g. open"),
    source: ComplaintSource | None = None,
    customer: str | None = Query(None, max_length=40, description="Partner code"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(COMPLAINT_VIEW),
) -> ComplaintPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_complaints(uow, status=status, source=source,
                                              customer=customer, limit=limit, offset=offset)
        return ComplaintPage(items=rows, total=total, limit=limit,  # type: ignore[arg-type]
                             offset=offset)


@router.get("/complaints/{number}", response_model=ComplaintDetail,
            operation_id="getComplaint", summary="One complaint with its device and source")
def get_complaint(request: Request, number: str = Number,
                  _: Actor = require(COMPLAINT_VIEW)) -> ComplaintDetail:
    with new_uow(request, write=False) as uow:
        row = service.get_complaint_or_raise(uow, number)
        return ComplaintDetail(**queries.complaint_view(uow, row))


@router.post("/complaints", status_code=201, response_model=ComplaintDetail,
             operation_id="openComplaint",
             summary="Record a complaint about a device (by scan, lot, serial or item)")
def open_complaint(request: Request, body: ComplaintCreate,
                   actor: Actor = require(COMPLAINT_CREATE)) -> ComplaintDetail:
    with new_uow(request) as uow:
        row = service.open_complaint(uow, data=body, actor=actor)
        return ComplaintDetail(**queries.complaint_view(uow, row))
