"""Partners API: partners, qualification documents (with files), the trade check,
first-operation approvals and expiring documents."""

from __future__ import annotations

import json

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.partners import service
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.modules.partners.schemas import (
    ApprovalDecision,
    ApprovalRead,
    ApprovalRequest,
    DocumentRead,
    DocumentWrite,
    PartnerCreate,
    PartnerRead,
    PartnerWrite,
    TradeDecisionRead,
    TradeReason,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.web.deps import new_uow

router = APIRouter(prefix="/api/v1", tags=["partners"])


def _read(uow, partner) -> PartnerRead:  # type: ignore[no-untyped-def]
    return PartnerRead.model_validate(partner).model_copy(
        update={"qualification": service.qualification_of(uow, partner)})


@router.get("/partners", response_model=list[PartnerRead], summary="List partners")
def list_partners(
    request: Request,
    role: str | None = Query(None, description="supplier, customer or manufacturer"),
    _: Actor = require(PARTNER_VIEW),
) -> list[PartnerRead]:
    with new_uow(request, write=False) as uow:
        return [_read(uow, p) for p in service.list_partners(uow, role=role)]


@router.post("/partners", response_model=PartnerRead, status_code=201,
             summary="Create a partner")
def create_partner(request: Request, body: PartnerCreate,
                   _: Actor = require(PARTNER_EDIT)) -> PartnerRead:
    with new_uow(request) as uow:
        return _read(uow, service.create_partner(uow, body))


@router.get("/partners/{partner_id}", response_model=PartnerRead, summary="One partner")
def get_partner(request: Request, partner_id: int,
                _: Actor = require(PARTNER_VIEW)) -> PartnerRead:
    with new_uow(request, write=False) as uow:
        return _read(uow, service.get_partner_or_raise(uow, partner_id))


@router.put("/partners/{partner_id}", response_model=PartnerRead, summary="Change a partner")
def update_partner(request: Request, partner_id: int, body: PartnerWrite,
                   _: Actor = require(PARTNER_EDIT)) -> PartnerRead:
    with new_uow(request) as uow:
        return _read(uow, service.update_partner(uow, partner_id, body))


@router.post("/partners/{partner_id}/documents", response_model=DocumentRead, status_code=201,
             summary="Add a qualification document (multipart: `data` JSON and optional `file`)")
async def add_document(
    request: Request, partner_id: int, data: str = Form(..., description="DocumentWrite JSON"),
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


@router.get("/partners/{partner_id}/may-trade", response_model=TradeDecisionRead,
            summary="May we buy this item from / sell it to the partner? With the reasons")
def may_trade(request: Request, partner_id: int, item_id: int,
              direction: str = Query(..., pattern="^(buy|sell)$"),
              _: Actor = require(PARTNER_VIEW)) -> TradeDecisionRead:
    with new_uow(request, write=False) as uow:
        decision = service.may_trade(uow, partner_id=partner_id, item_id=item_id,
                                     direction=direction)
        return TradeDecisionRead(allowed=decision.allowed,
                                 reasons=[TradeReason(**m) for m in decision.messages()])


@router.get("/partner-documents/expiring", summary="Documents expiring within N days")
def expiring(request: Request, days: int = Query(30, ge=0, le=3650),
             _: Actor = require(PARTNER_VIEW)) -> list[dict[str, object]]:
    with new_uow(request, write=False) as uow:
        today = uow.today()
        return [{"partner": p.code, "partner_id": p.id, "document_id": d.id,
                 "doc_type": d.doc_type, "number": d.number, "valid_to": d.valid_to,
                 "days_left": (d.valid_to - today).days if d.valid_to else None}
                for p, d in service.expiring_documents(uow, days)]


@router.get("/first-approvals", response_model=list[ApprovalRead],
            summary="First-operation approvals (首营审核)")
def list_approvals(request: Request, status: str | None = None,
                   _: Actor = require(PARTNER_VIEW)) -> list[ApprovalRead]:
    with new_uow(request, write=False) as uow:
        return [ApprovalRead.model_validate(a) for a in service.list_approvals(uow, status=status)]


@router.post("/first-approvals", response_model=ApprovalRead, status_code=201,
             summary="Request a first-operation approval")
def request_approval(request: Request, body: ApprovalRequest,
                     actor: Actor = require(APPROVAL_REQUEST)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.request_first_approval(
            uow, actor=actor, **body.model_dump()))


@router.post("/first-approvals/{approval_id}/approve", response_model=ApprovalRead,
             summary="Approve, with QA's electronic signature")
def approve(request: Request, approval_id: int, body: ApprovalDecision,
            actor: Actor = require(APPROVAL_DECIDE)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.decide_first_approval(
            uow, approval_id, approve=True, password=body.password, actor=actor,
            comment=body.comment))


@router.post("/first-approvals/{approval_id}/reject", response_model=ApprovalRead,
             summary="Reject, with QA's electronic signature")
def reject(request: Request, approval_id: int, body: ApprovalDecision,
           actor: Actor = require(APPROVAL_DECIDE)) -> ApprovalRead:
    with new_uow(request) as uow:
        return ApprovalRead.model_validate(service.decide_first_approval(
            uow, approval_id, approve=False, password=body.password, actor=actor,
            comment=body.comment))
