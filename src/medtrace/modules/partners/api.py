"""Partners API: partners (paginated, with filters and custom fields), qualification documents
(with files), the trade check, first-operation approvals, expiring documents and the
approved-supplier lists."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.partners import service
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    ASL_EDIT,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.modules.partners.schemas import (
    ApprovalDecision,
    ApprovalPage,
    ApprovalRead,
    ApprovalRequest,
    ApprovedSupplierPage,
    ApprovedSupplierRead,
    ApprovedSupplierWrite,
    DocumentRead,
    DocumentWrite,
    ExpiringPage,
    ExpiringRead,
    PartnerCreate,
    PartnerPage,
    PartnerRead,
    PartnerWrite,
    TradeDecisionRead,
    TradeReason,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields.present import parse_pairs
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import MAX_ID, Offset, PathId, QueryId

router = APIRouter(prefix="/api/v1", tags=["partners"])


def _read(uow, partner, qualification=None,  # type: ignore[no-untyped-def]
          custom=None) -> PartnerRead:
    return PartnerRead.model_validate(partner).model_copy(update={
        "qualification": qualification or service.qualification_of(uow, partner),
        "custom_fields": service.custom_values(uow, partner.id) if custom is None else custom})


@router.get("/partners", response_model=PartnerPage,
            summary="List partners (filters, paginated)")
def list_partners(
    request: Request,
    q: str | None = Query(None, description="Code or name contains"),
    role: str | None = Query(None, description="supplier, customer or manufacturer"),
    active: bool | None = Query(None),
    custom: list[str] = Query([], description="Custom field filter name:value (repeatable)"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(PARTNER_VIEW),
) -> PartnerPage:
    with new_uow(request, write=False) as uow:
        rows, total = service.list_partners(uow, search=q, role=role, active=active,
                                            custom=parse_pairs(custom), limit=limit,
                                            offset=offset)
        qualifications = service.qualifications_of(uow, rows)
        values = service.custom_values_of(uow, rows)
        return PartnerPage(items=[_read(uow, p, qualifications[p.id], values[p.id])
                                  for p in rows], total=total, limit=limit, offset=offset)


@router.post("/partners", response_model=PartnerRead, status_code=201,
             summary="Create a partner")
def create_partner(request: Request, body: PartnerCreate,
                   _: Actor = require(PARTNER_EDIT)) -> PartnerRead:
    with new_uow(request) as uow:
        return _read(uow, service.create_partner(uow, body))


@router.get("/partners/{partner_id}", response_model=PartnerRead, summary="One partner")
def get_partner(request: Request, partner_id: PathId,
                _: Actor = require(PARTNER_VIEW)) -> PartnerRead:
    with new_uow(request, write=False) as uow:
        return _read(uow, service.get_partner_or_raise(uow, partner_id))


@router.put("/partners/{partner_id}", response_model=PartnerRead, summary="Change a partner")
def update_partner(request: Request, partner_id: PathId, body: PartnerWrite,
                   _: Actor = require(PARTNER_EDIT)) -> PartnerRead:
    with new_uow(request) as uow:
        return _read(uow, service.update_partner(uow, partner_id, body))


@router.post("/partners/{partner_id}/documents", operation_id="addPartnerDocument",
             response_model=DocumentRead, status_code=201,
             summary="Add a qualification document (multipart: `data` JSON and optional `file`)")
async def add_document(
    request: Request, partner_id: PathId, data: str = Form(..., description="DocumentWrite JSON"),
    file: UploadFile | None = File(None), _: Actor = require(PARTNER_EDIT),
) -> DocumentRead:
    try:
        document = DocumentWrite.model_validate(json.loads(data))
    except (ValueError, ValidationError) as exc:
        raise ValidationFailed(f"data: {exc}") from None
    upload = None
    if file is not None and file.filename:
        content = await file.read(service.MAX_FILE_BYTES + 1)
        upload = service.UploadedFile(file.filename, file.content_type or "", content)
    storage = request.app.state.settings.var_dir / "documents"

    def work() -> DocumentRead:
        with new_uow(request) as uow:
            doc = service.add_document(uow, partner_id, document, upload=upload, storage=storage)
            return DocumentRead.model_validate(doc)

    return await run_in_threadpool(work)


@router.get("/partners/{partner_id}/may-trade", operation_id="checkMayTrade",
            response_model=TradeDecisionRead,
            summary="May we buy this item from / sell it to the partner? With the reasons")
def may_trade(request: Request, partner_id: PathId,
              item_id: Annotated[int, Query(ge=1, le=MAX_ID)],
              direction: str = Query(..., pattern="^(buy|sell)$"),
              _: Actor = require(PARTNER_VIEW)) -> TradeDecisionRead:
    with new_uow(request, write=False) as uow:
        decision = service.may_trade(uow, partner_id=partner_id, item_id=item_id,
                                     direction=direction)
        return TradeDecisionRead(allowed=decision.allowed,
                                 reasons=[TradeReason(**m) for m in decision.messages()])


@router.get("/partner-documents/expiring", operation_id="listExpiringPartnerDocuments",
            response_model=ExpiringPage,
            summary="Documents expiring within N days (or expired), paginated")
def expiring(request: Request, days: int = Query(30, ge=0, le=3650),
             limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
             _: Actor = require(PARTNER_VIEW)) -> ExpiringPage:
    with new_uow(request, write=False) as uow:
        today = uow.today()
        rows, total = service.expiring_documents(uow, days, limit=limit, offset=offset)
        return ExpiringPage(items=[ExpiringRead(
            partner=p.code, partner_id=p.id, document_id=d.id, doc_type=d.doc_type,
            number=d.number, valid_to=d.valid_to,
            days_left=(d.valid_to - today).days if d.valid_to else None) for p, d in rows],
            total=total, limit=limit, offset=offset)


@router.get("/first-approvals", operation_id="listFirstApprovals", response_model=ApprovalPage,
            summary="First-operation approvals (首营审核), filters, paginated")
def list_approvals(
    request: Request,
    status: str | None = Query(None, description="pending, approved or rejected"),
    kind: str | None = Query(None, description="supplier, customer or supplier_item"),
    partner_id: QueryId = None,
    limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
    _: Actor = require(PARTNER_VIEW),
) -> ApprovalPage:
    with new_uow(request, write=False) as uow:
        rows, total = service.list_approvals(uow, status=status, kind=kind,
                                             partner_id=partner_id, limit=limit, offset=offset)
        return ApprovalPage(items=[ApprovalRead.model_validate(a) for a in rows], total=total,
                            limit=limit, offset=offset)


@router.post("/first-approvals", operation_id="requestFirstApproval",
             response_model=ApprovalRead, status_code=201,
             summary="Request a first-operation approval")
def request_approval(request: Request, body: ApprovalRequest,
                     actor: Actor = require(APPROVAL_REQUEST)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.request_first_approval(
            uow, actor=actor, **body.model_dump()))


@router.post("/first-approvals/{approval_id}/approve", operation_id="approveFirstApproval",
             response_model=ApprovalRead,
             summary="Approve, with QA's electronic signature")
def approve(request: Request, approval_id: PathId, body: ApprovalDecision,
            actor: Actor = require(APPROVAL_DECIDE)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.decide_first_approval(
            uow, approval_id, approve=True, password=body.password, actor=actor,
            comment=body.comment))


@router.post("/first-approvals/{approval_id}/reject", operation_id="rejectFirstApproval",
             response_model=ApprovalRead,
             summary="Reject, with QA's electronic signature")
def reject(request: Request, approval_id: PathId, body: ApprovalDecision,
           actor: Actor = require(APPROVAL_DECIDE)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.decide_first_approval(
            uow, approval_id, approve=False, password=body.password, actor=actor,
            comment=body.comment))


def _listed(row: service.ListedSupplier) -> ApprovedSupplierRead:
    return ApprovedSupplierRead.model_validate(row.entry).model_copy(
        update={"item_code": row.item_code, "partner_code": row.partner.code})


@router.get("/approved-suppliers", response_model=ApprovedSupplierPage,
            summary="Approved-supplier lists (filters, paginated)")
def list_approved_suppliers(
    request: Request,
    item_id: QueryId = None,
    partner_id: QueryId = None,
    active: bool | None = Query(True, description="false: suppliers taken off a list"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(PARTNER_VIEW),
) -> ApprovedSupplierPage:
    with new_uow(request, write=False) as uow:
        rows, total = service.list_approved_suppliers(
            uow, item_id=item_id, partner_id=partner_id, active=active, limit=limit,
            offset=offset)
        return ApprovedSupplierPage(items=[_listed(r) for r in rows], total=total,
                                    limit=limit, offset=offset)


@router.post("/approved-suppliers", response_model=ApprovedSupplierRead, status_code=201,
             summary="Put a supplier on an item's approved-supplier list")
def add_approved_supplier(request: Request, body: ApprovedSupplierWrite,
                          _: Actor = require(ASL_EDIT)) -> ApprovedSupplierRead:
    with new_uow(request) as uow:
        entry = service.add_approved_supplier(uow, item_id=body.item_id,
                                              partner_id=body.partner_id)
        rows, _total = service.list_approved_suppliers(uow, item_id=entry.item_id,
                                                       partner_id=entry.partner_id)
        return _listed(rows[0])


@router.delete("/approved-suppliers/{entry_id}", response_model=ApprovedSupplierRead,
               summary="Take a supplier off an item's list (reason in X-Change-Reason)")
def remove_approved_supplier(request: Request, entry_id: PathId,
                             _: Actor = require(ASL_EDIT)) -> ApprovedSupplierRead:
    with new_uow(request) as uow:
        entry = service.remove_approved_supplier(uow, entry_id)
        rows, _total = service.list_approved_suppliers(uow, item_id=entry.item_id,
                                                       partner_id=entry.partner_id,
                                                       active=None)
        return _listed(rows[0])
