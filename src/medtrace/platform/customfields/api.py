"""Administration of custom fields: `GET/POST /api/v1/admin/custom-fields`."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import declare, require
from medtrace.platform.customfields import service
from medtrace.platform.i18n import N_
from medtrace.platform.web.deps import new_uow

ADMIN_CUSTOM_FIELDS = declare("platform.admin.customfields", N_("Define custom fields"))

router = APIRouter(prefix="/api/v1/admin", tags=["custom fields"])


class Choice(BaseModel):
    value: str = Field(min_length=1, max_length=100)
    label_zh: str = ""
    label_en: str = ""


class FieldWrite(BaseModel):
    entity: str
    name: str
    label_zh: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)
    kind: str
    unit: str | None = None
    required: bool = False
    pattern: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: list[Choice] = Field(default_factory=list)
    reference_entity: str | None = None
    position: int = 0
    active: bool = True


class FieldRead(FieldWrite):
    model_config = ConfigDict(from_attributes=True)
    id: int


@router.get("/custom-fields", response_model=list[FieldRead], summary="Custom fields")
def list_fields(request: Request, entity: str = Query(..., description="e.g. catalog.item"),
                _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> list[FieldRead]:
    with new_uow(request, write=False) as uow:
        return [FieldRead.model_validate(f)
                for f in service.list_fields(uow, entity, active_only=False)]


@router.get("/custom-field-entities", summary="Entities that accept custom fields")
def list_entities(_: Actor = require(ADMIN_CUSTOM_FIELDS)) -> dict[str, str]:
    return service.entities()


@router.post("/custom-fields", response_model=FieldRead,
             summary="Define a custom field or change its definition")
def save_field(request: Request, body: FieldWrite,
               _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> FieldRead:
    with new_uow(request) as uow:
        data = body.model_dump()
        data["choices"] = [c.model_dump() for c in body.choices]
        return FieldRead.model_validate(service.save_field(uow, **data))
