"""Signatures over HTTP: the meanings list (configurable) and the signatures of any record."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import ADMIN_ROLES, AUDIT_VIEW, require
from medtrace.platform.esign import service
from medtrace.platform.web.deps import new_uow

router = APIRouter(prefix="/api/v1/esign", tags=["signatures"])


class MeaningWrite(BaseModel):
    code: str = Field(min_length=2, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    label_zh: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)
    active: bool = True


class MeaningRead(MeaningWrite):
    pass


class SignatureRead(BaseModel):
    id: int
    meaning: str
    meaning_label: str
    signer: str
    printed_name: str
    signed_at: dt.datetime
    comment: str | None
    valid: bool = Field(description="False once the record changed after signing")
    manifestation: str


@router.get("/meanings", operation_id="listSignatureMeanings",
            response_model=list[MeaningRead], summary="Signature meanings")
def meanings(request: Request, _: Actor = require(AUDIT_VIEW)) -> list[MeaningRead]:
    with new_uow(request, write=False) as uow:
        return [MeaningRead(code=m.code, label_zh=m.label_zh, label_en=m.label_en,
                            active=m.active)
                for m in service.list_meanings(uow, active_only=False)]


@router.post("/meanings", operation_id="saveSignatureMeaning", response_model=MeaningRead,
             summary="Add or change a signature meaning (deactivate instead of deleting)")
def save_meaning(request: Request, body: MeaningWrite,
                 _: Actor = require(ADMIN_ROLES)) -> MeaningRead:
    with new_uow(request) as uow:
        meaning = service.save_meaning(uow, **body.model_dump())
        return MeaningRead(code=meaning.code, label_zh=meaning.label_zh,
                           label_en=meaning.label_en, active=meaning.active)


@router.get("/signatures", operation_id="listSignatures", response_model=list[SignatureRead],
            summary="Signatures of one record, with their validity")
def signatures(
    request: Request,
    entity: str = Query(..., description="Entity type (table), as in the audit trail"),
    id: str = Query(..., description="Record id"),
    _: Actor = require(AUDIT_VIEW),
) -> list[SignatureRead]:
    locale = request.state.locale
    timezone = request.app.state.settings.timezone
    with new_uow(request, write=False) as uow:
        labels = {m.code: (m.label_zh if locale == "zh_CN" else m.label_en)
                  for m in service.list_meanings(uow, active_only=False)}
        return [
            SignatureRead(
                id=v.signature.id, meaning=v.signature.meaning,
                meaning_label=labels.get(v.signature.meaning, v.signature.meaning),
                signer=v.signature.signer_username, printed_name=v.signature.printed_name,
                signed_at=v.signature.signed_at, comment=v.signature.comment, valid=v.valid,
                manifestation=service.manifestation(
                    v.signature, labels.get(v.signature.meaning, v.signature.meaning), timezone),
            )
            for v in service.signatures_of(uow, entity, id)
        ]
